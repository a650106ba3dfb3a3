"""Channel dropout on inputs of the ranks PyTorch deprecates but still runs: `dropout2d` on 2-D and 5-D inputs
reads the leading dims as (N, C, ...), `dropout3d` on anything but 5-D treats the input as one sample, each with
PyTorch's deprecation warning and PyTorch's masks from the same seed; a 1-D input to `dropout2d` is refused."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import require_torch

SHAPES = [(3, 4), (2, 3, 4), (2, 3, 4, 5), (2, 3, 2, 2, 2), (1, 2, 3, 2, 2, 2)]


def _run(lib, fn_name, shape, seed=0):
    fn = getattr(lib.nn.functional, fn_name) if lib is not ag else getattr(F, fn_name)
    lib.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(fn(lib.ones(shape), 0.5).detach().numpy())


@pytest.mark.parametrize("fn_name", ["dropout2d", "dropout3d"])
@pytest.mark.parametrize("shape", SHAPES + [(5,)], ids=str)
def test_channel_dropout_of_any_rank_draws_pytorchs_mask(fn_name, shape):
    torch = require_torch()
    if fn_name == "dropout2d" and len(shape) == 1:
        with pytest.raises(RuntimeError):
            _run(torch, fn_name, shape)
        with pytest.raises(RuntimeError, match="dropout2d: feature dropout needs at least 2 dims"):
            _run(ag, fn_name, shape)
        return
    np.testing.assert_array_equal(_run(ag, fn_name, shape), _run(torch, fn_name, shape))


@pytest.mark.parametrize("fn_name, shape, warns", [
    ("dropout2d", (3, 4), True), ("dropout2d", (2, 3, 2, 2, 2), True), ("dropout2d", (2, 3, 4, 5), False),
    ("dropout3d", (3, 4), True), ("dropout3d", (2, 3, 4, 5), False), ("dropout3d", (2, 3, 2, 2, 2), False)])
def test_deprecated_ranks_warn_as_pytorch(fn_name, shape, warns):
    torch = require_torch()
    for lib, fn in ((torch, getattr(torch.nn.functional, fn_name)), (ag, getattr(F, fn_name))):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn(lib.ones(shape), 0.5)
        assert any("deprecate" in str(w.message) for w in caught) == warns, (lib.__name__, caught)


def test_dropout2d_module_on_a_2d_batch_keeps_gradients_of_kept_elements():
    x = ag.ones(4, 6, requires_grad=True)
    ag.manual_seed(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = nn.Dropout2d(0.5)(x)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())
