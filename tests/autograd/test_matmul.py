"""matmul / @: 1-D, 2-D, batched and broadcast batches, empty dimensions; against PyTorch and gradcheck."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand, torch


SHAPES = [
    ((3,), (3,)),              # dot product -> 0-d
    ((3,), (3, 4)),            # vector @ matrix
    ((2, 3), (3,)),            # matrix @ vector
    ((2, 3), (3, 4)),
    ((1, 3), (3, 1)),
    ((5, 2, 3), (3, 4)),       # batch @ matrix
    ((2, 3), (5, 3, 4)),       # matrix @ batch
    ((5, 2, 3), (5, 3, 4)),
    ((2, 1, 2, 3), (4, 3, 2)),  # batch dimensions broadcast
    ((1, 2, 3), (5, 3, 2)),
    ((4, 2, 3), (3,)),         # batch @ vector
    ((3,), (4, 3, 2)),         # vector @ batch
    ((0, 3), (3, 4)),          # empty dimensions
    ((2, 0), (0, 3)),
    ((0, 2, 3), (3, 1)),
]

FORMS = [("ag.matmul", ag.matmul), ("operator", lambda a, b: a @ b), ("method", lambda a, b: a.matmul(b))]


@pytest.mark.parametrize("form,ours", FORMS, ids=[f[0] for f in FORMS])
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_matmul_matches_torch(device, shapes, form, ours):
    a, b = rand(shapes[0], seed=1), rand(shapes[1], seed=2)
    check_against_torch(ours, torch.matmul, [a, b], device=device)


@pytest.mark.parametrize("form,ours", FORMS, ids=[f[0] for f in FORMS])
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_matmul_gradcheck(device, shapes, form, ours):
    check_gradcheck(ours, [rand(shapes[0], seed=3), rand(shapes[1], seed=4)], device=device)


@pytest.mark.parametrize("requires_grad", [[True, False], [False, True]], ids=["a_only", "b_only"])
def test_matmul_gradient_for_one_operand(device, requires_grad):
    check_against_torch(ag.matmul, torch.matmul, [rand((3, 2, 3)), rand((3, 4))], device=device,
                        requires_grad=requires_grad)


def test_matmul_float32_stays_float32(device):
    a = ag.tensor(rand((2, 3), np.float32), device=device, requires_grad=True)
    b = ag.tensor(rand((3, 4), np.float32), device=device, requires_grad=True)
    out = a @ b
    assert out.dtype == np.float32
    out.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float32


def test_reflected_matmul_with_a_numpy_array(device):
    w = rand((3, 2), seed=5)
    x = ag.tensor(rand((4, 3), seed=6), device=device, requires_grad=True)
    np.testing.assert_allclose((x @ w).numpy(), x.numpy() @ w)
    with pytest.raises(TypeError):   # ndarray @ Tensor: PyTorch's __rmatmul__ refuses the array, as Python reports
        w.T @ x.T
