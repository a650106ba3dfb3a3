"""Helpers of the convolution tests (tests/backends/test_conv_algorithms.py, tests/test_conv56_paths.py,
tests/test_conv57_paths.py): the devices' convolution passes, a fixture that forces an algorithm mode, and one
case run forward and backward against PyTorch (deepgrad in float64 to 1e-12 and float32 to 2e-5 of the largest magnitude)."""
import numpy as np
import pytest

from backends.numpy_kernels import conv, conv_choice
from backends.numpy_kernels.conv_passes import NUMPY_PASSES


def _numba_passes():
    pytest.importorskip("numba")
    from backends.numba_backend import NUMBA_PASSES
    return NUMBA_PASSES


PASSES = {"numpy": lambda: NUMPY_PASSES, "numba": _numba_passes}


def _ids(case):
    return "x{}w{}s{}p{}d{}g{}".format(*case)


@pytest.fixture
def mode():
    """Set the algorithm mode for one test; the previous mode comes back afterwards."""
    previous = []

    def set_mode(name):
        previous.append(conv_choice.set_mode(name))
    yield set_mode
    if previous:
        conv_choice.set_mode(previous[0])


def _torch_reference(x, w, gy, stride, padding, dilation, groups):
    torch = pytest.importorskip("torch")
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.conv2d(xt, wt, None, stride, padding, dilation, groups)
    if gy is None:
        return y.detach().numpy()
    y.backward(torch.tensor(gy, dtype=torch.float64))
    return y.detach().numpy(), xt.grad.numpy(), wt.grad.numpy()


def _ours(x, w, gy, stride, padding, dilation, groups, passes=NUMPY_PASSES):
    s, p, d = (stride,) * 2, (padding,) * 2, (dilation,) * 2
    return (conv.conv2d(x, w, s, p, d, groups, passes), conv.conv2d_grad_input(gy, w, x.shape, s, p, d, groups, passes),
            conv.conv2d_grad_weight(gy, x, w.shape, s, p, d, groups, passes))


def _check(case, passes, dtype, seed=7):
    x_shape, w_shape, stride, padding, dilation, groups = case
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    gy = rng.standard_normal(_torch_reference(x, w, None, stride, padding, dilation, groups).shape)
    refs = _torch_reference(x, w, gy, stride, padding, dilation, groups)
    cast = [a.astype(dtype) for a in (x, w, gy)]
    for ours, ref in zip(_ours(*cast, stride, padding, dilation, groups, PASSES[passes]()), refs):
        assert ours.shape == ref.shape and ours.dtype == dtype
        bound = 1e-12 if dtype == np.float64 else 2e-5
        assert np.abs(ours - ref).max() <= bound * max(1.0, np.abs(ref).max())
