"""Depthwise convolutions (one filter per channel), every path of the `cpu` (NumPy) and `numba` passes,
against PyTorch on odd sizes: forward, input gradient and weight gradient in float32 and float64
(3x3 and other filters, stride 1 and 2, padding 0-3, dilation 2, batch 1, one and three channels),
split over threads in uneven parts, called from two threads at once, and gradcheck through
F.conv2d on every device."""
import threading

import numpy as np
import pytest

import nn.functional as F
from backends.numpy_kernels import conv_choice
from backends.numpy_kernels.conv_passes import NUMPY_PASSES
from tests.helpers import check_gradcheck, rand


def _numba_passes():
    pytest.importorskip("numba")
    from backends.numba_backend import NUMBA_PASSES
    return NUMBA_PASSES


PASSES = {"numpy": lambda: NUMPY_PASSES, "numba": _numba_passes}

# (N, C, H, W), (kH, kW), stride, padding, dilation: each numba path (3x3 in one pass, other filters
# tap by tap, strided rows, the input gradient as a flipped-filter convolution or as a scatter
# when the padding exceeds the filter's reach) on sizes that are multiples of nothing
CASES = [
    ((1, 1, 7, 9), (3, 3), (1, 1), (1, 1), (1, 1)),
    ((2, 3, 5, 6), (3, 3), (1, 1), (0, 0), (1, 1)),
    ((1, 3, 11, 10), (3, 3), (1, 1), (2, 2), (1, 1)),
    ((2, 3, 9, 7), (3, 3), (2, 2), (1, 1), (1, 1)),
    ((1, 3, 10, 11), (3, 3), (1, 1), (2, 2), (2, 2)),
    ((2, 1, 8, 7), (3, 3), (2, 2), (0, 0), (2, 2)),
    ((2, 3, 7, 8), (5, 5), (1, 1), (2, 2), (1, 1)),
    ((1, 3, 9, 6), (3, 1), (1, 2), (1, 0), (1, 1)),
    ((1, 3, 6, 6), (3, 3), (1, 1), (3, 3), (1, 1)),
    ((2, 3, 5, 4), (1, 1), (1, 1), (1, 1), (1, 1)),
    ((2, 3, 13, 3), (3, 3), (2, 2), (2, 2), (1, 1)),
    ((1, 3, 12, 13), (3, 5), (1, 1), (1, 2), (2, 1)),
]
IDS = ["x{}k{}s{}p{}d{}".format(*c) for c in CASES]


def _torch_reference(x, w, gy, stride, padding, dilation):
    torch = pytest.importorskip("torch")
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.conv2d(xt, wt, None, stride, padding, dilation, x.shape[1])
    y.backward(torch.tensor(gy, dtype=torch.float64))
    return y.detach().numpy(), xt.grad.numpy(), wt.grad.numpy()


def _operands(case, seed):
    x_shape, k, stride, padding, dilation = case
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(x_shape), rng.standard_normal((x_shape[1], 1) + k)
    out = [(size + 2 * p - d * (kk - 1) - 1) // s + 1
           for size, kk, s, p, d in zip(x_shape[2:], k, stride, padding, dilation)]
    gy = rng.standard_normal(x_shape[:2] + tuple(out))
    return x, w, gy, tuple(out)


def _ours(passes, x, w, gy, out_hw, stride, padding, dilation):
    return (passes.depthwise_conv2d(x, w, out_hw, stride, padding, dilation),
            passes.depthwise_grad_input(gy, w, x.shape, stride, padding, dilation),
            passes.depthwise_grad_weight(gy, x, w.shape, stride, padding, dilation))


@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("passes", PASSES)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_depthwise_passes_match_torch(passes, dtype, case):
    """float64 to 1e-10; float32 within 1e-5 of the largest magnitude of the float64 result."""
    passes = PASSES[passes]()
    x, w, gy, out_hw = _operands(case, seed=3)
    refs = _torch_reference(x, w, gy, *case[2:])
    ours = _ours(passes, *(a.astype(dtype) for a in (x, w, gy)), out_hw, *case[2:])
    for name, a, ref in zip(("forward", "input gradient", "weight gradient"), ours, refs):
        assert a.shape == ref.shape and a.dtype == dtype, name
        tol = 1e-10 if dtype == np.float64 else 1e-5 * np.abs(ref).max()
        np.testing.assert_allclose(a, ref, rtol=0, atol=tol, err_msg=name)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_numba_depthwise_split_in_uneven_parts(monkeypatch, case):
    """Split into 3 parts (over planes, and over channels for the weight gradient) even for tiny work."""
    passes = _numba_passes()
    from backends.numba_kernels import split
    x, w, gy, out_hw = _operands(case, seed=5)
    whole = _ours(passes, x, w, gy, out_hw, *case[2:])
    monkeypatch.setattr(split, "parts", lambda total, work, min_work=0: min(total, 3))
    for a, b in zip(whole, _ours(passes, x, w, gy, out_hw, *case[2:])):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_numba_depthwise_from_two_threads_at_once(monkeypatch):
    passes = _numba_passes()
    from backends.numba_kernels import split
    monkeypatch.setattr(split, "parts", lambda total, work, min_work=0: min(total, 2))
    case = ((4, 8, 17, 15), (3, 3), (1, 1), (1, 1), (1, 1))
    x, w, gy, out_hw = _operands(case, seed=9)
    expected = _ours(passes, x, w, gy, out_hw, *case[2:])
    results = [None] * 4

    def work(k):
        results[k] = [_ours(passes, x, w, gy, out_hw, *case[2:]) for _ in range(5)]
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for per_thread in results:
        for got in per_thread:
            for a, b in zip(got, expected):
                np.testing.assert_array_equal(a, b)


@pytest.fixture
def depthwise_mode():
    previous = conv_choice.set_mode("depthwise")
    yield
    conv_choice.set_mode(previous)


@pytest.mark.parametrize("kwargs", [dict(padding=1), dict(stride=2, padding=2, dilation=2),
                                    dict(padding=(0, 2), stride=(1, 2)), dict(padding=3)])
def test_depthwise_conv2d_gradcheck(device, depthwise_mode, kwargs):
    x, w, b = rand((1, 3, 6, 5), seed=1), rand((3, 1, 3, 3), seed=2), rand((3,), seed=3)
    check_gradcheck(lambda x, w, b: F.conv2d(x, w, b, groups=3, **kwargs), [x, w, b], device=device)
