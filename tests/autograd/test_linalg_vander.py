"""ag.linalg.vander against torch.linalg.vander: values for batches, 0-d and empty inputs, float / complex /
integer dtypes, N, gradients (exact at zeros) and gradcheck, and PyTorch's errors."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand, require_torch


@pytest.mark.parametrize("shape, N", [((3,), None), ((2, 4), None), ((2, 3), 5), ((), 3), ((0, 3), None),
                                      ((2, 0, 3), 2)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_vander_matches_torch(shape, N, dtype):
    torch = require_torch()
    x = rand(shape, dtype, -2, 2, seed=1)
    check_against_torch(lambda t: ag.linalg.vander(t, N=N), lambda t: torch.linalg.vander(t, N=N), [x],
                        rtol=1e-5 if dtype == np.float32 else 1e-12)


def test_vander_gradient_at_zero_integer_complex_and_gradcheck():
    torch = require_torch()
    x = np.array([[0.0, 2.0, -1.5], [0.5, 0.0, 1.0]])
    check_against_torch(lambda t: ag.linalg.vander(t, N=4), lambda t: torch.linalg.vander(t, N=4), [x],
                        rtol=1e-12)
    check_gradcheck(lambda t: ag.linalg.vander(t, N=4), [x])
    check_gradcheck(lambda t: ag.linalg.vander(t), [rand((2, 3), np.float64, seed=2)])
    ints = ag.linalg.vander(ag.tensor(np.array([1, 2, 3], np.int32)))
    ref = torch.linalg.vander(torch.tensor([1, 2, 3], dtype=torch.int32))
    assert ints.dtype == np.int64 and ints.tolist() == ref.tolist()
    z = np.array([1 + 1j, 2 - 0.5j])
    np.testing.assert_allclose(ag.linalg.vander(ag.tensor(z), N=3).numpy(),
                               torch.linalg.vander(torch.tensor(z), N=3).numpy(), rtol=1e-12)


def test_vander_errors():
    with pytest.raises(RuntimeError, match="N must be greater than 1"):
        ag.linalg.vander(ag.tensor([2.0]))
    with pytest.raises(RuntimeError, match="N must be greater than 1"):
        ag.linalg.vander(ag.tensor([2.0, 3.0]), N=0)
    with pytest.raises(TypeError, match="linalg.vander: supports floating point"):
        ag.linalg.vander(ag.tensor([True, False]))
    with pytest.raises(TypeError, match="linalg.vander"):
        ag.linalg.vander([1.0, 2.0])
