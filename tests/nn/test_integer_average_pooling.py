"""Average pooling of integer tensors follows PyTorch: int64 windows average and truncate toward zero, keeping
int64 (divisor_override, padding and ceil_mode included); narrower integers, bool and any integer input to an
adaptive pooling are refused with PyTorch's NotImplementedError (also a RuntimeError)."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F

from tests.helpers import require_torch

CALLS = {
    "avg_pool2d": lambda F, x: F.avg_pool2d(x, 2),
    "avg_pool2d_pad": lambda F, x: F.avg_pool2d(x, 3, padding=1),
    "avg_pool2d_pad_excluded": lambda F, x: F.avg_pool2d(x, 3, padding=1, count_include_pad=False),
    "avg_pool2d_divisor": lambda F, x: F.avg_pool2d(x, 2, divisor_override=3),
    "avg_pool2d_ceil": lambda F, x: F.avg_pool2d(x, 3, stride=2, ceil_mode=True),
    "avg_pool2d_unbatched": lambda F, x: F.avg_pool2d(x[0], 2),
    "avg_pool1d": lambda F, x: F.avg_pool1d(x[0], 2),
    "avg_pool3d": lambda F, x: F.avg_pool3d(x[None], (1, 2, 2)),
    "avg_pool3d_divisor": lambda F, x: F.avg_pool3d(x[None], (1, 2, 2), divisor_override=3),
    "lp_pool2d": lambda F, x: F.lp_pool2d(x, 2, 2),
}
REFUSED = {
    "adaptive_avg_pool2d": lambda F, x: F.adaptive_avg_pool2d(x, 2),
    "adaptive_avg_pool1d": lambda F, x: F.adaptive_avg_pool1d(x[0], 2),
    "adaptive_avg_pool3d": lambda F, x: F.adaptive_avg_pool3d(x[None], 1),
    "avg_pool2d_uint8": lambda F, x: F.avg_pool2d(x.abs().to(x.new_zeros(0, dtype=_lib(x).uint8).dtype), 2),
    "avg_pool2d_int32": lambda F, x: F.avg_pool2d(x.int(), 2),
    "avg_pool2d_bool": lambda F, x: F.avg_pool2d(x > 0, 2),
}


def _lib(x):
    return ag if isinstance(x, ag.Tensor) else require_torch()


def _inputs(lib):
    return lib.arange(-8, 8).reshape(1, 1, 4, 4) * 3 + 1


@pytest.mark.parametrize("name", sorted(CALLS))
def test_integer_average_matches_pytorch(name):
    torch = require_torch()
    theirs = CALLS[name](torch.nn.functional, _inputs(torch))
    ours = CALLS[name](F, _inputs(ag))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    if ours.is_floating_point():
        # lp_pool2d's float32 power and root go through each host's libm: a unit in the last place apart on an
        # AMD EPYC host, equal on the Xeons
        np.testing.assert_allclose(ours.tolist(), theirs.tolist(), rtol=2.5e-7, atol=0)
    else:
        assert ours.tolist() == theirs.tolist()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_integer_average_refusals_match_pytorch(name):
    torch = require_torch()
    with pytest.raises((NotImplementedError, RuntimeError)):   # RuntimeError where PyTorch pools to 1 by a mean
        REFUSED[name](torch.nn.functional, _inputs(torch))
    with pytest.raises(NotImplementedError, match="not implemented for .* input .*x.float") as caught:
        REFUSED[name](F, _inputs(ag))
    assert isinstance(caught.value, RuntimeError)
