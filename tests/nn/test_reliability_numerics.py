"""Reliability: log_softmax, softmax and cross_entropy give the `cpu` device's results on every device at
every magnitude of logits (no precision lost by adding the row maximum back before subtracting)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import autograd as ag
import nn.functional as F

# the largest finite magnitudes each float dtype can hold, and a range of ordinary ones
_SCALES = {np.float16: [1.0, 1e2, 6e4], np.float32: [1.0, 1e5, 1e15, 1e30, 3e38],
           np.float64: [1.0, 1e15, 1e100, 1e300]}


def _run(device, x, target, op):
    t = ag.tensor(x, device=device, requires_grad=True)
    if op == "cross_entropy":
        out = F.cross_entropy(t, ag.tensor(target, device=device), reduction="none")
    else:
        out = getattr(F, op)(t, dim=-1)
    out.sum().backward()
    return out.numpy(), t.grad.numpy()


@pytest.mark.parametrize("dtype", list(_SCALES))
@pytest.mark.parametrize("op", ["log_softmax", "softmax", "cross_entropy"])
def test_extreme_row_matches_cpu_and_torch(device, dtype, op):
    """The row [b, b, 0, -b] with target 1: loss log 2 at every b, on every device."""
    torch = pytest.importorskip("torch")
    for b in _SCALES[dtype]:
        x = np.array([[b, b, 0, -b]], dtype=dtype)
        target = np.array([1])
        out, grad = _run(device, x, target, op)
        ref_out, ref_grad = _run("cpu", x, target, op)
        ulps = 4 * np.finfo(dtype).eps   # the kernels may round differently in the last place
        np.testing.assert_allclose(out, ref_out, rtol=ulps, atol=0, err_msg=f"{op} at b={b} ({dtype.__name__})")
        np.testing.assert_allclose(grad, ref_grad, rtol=ulps, atol=ulps, err_msg=f"{op} gradient at b={b}")
        if dtype is not np.float16:   # torch computes float16 log_softmax through float32 on the CPU
            tx = torch.tensor(x, requires_grad=True)
            if op == "cross_entropy":
                tout = torch.nn.functional.cross_entropy(tx, torch.tensor(target), reduction="none")
            else:
                tout = getattr(torch.nn.functional, op)(tx, dim=-1)
            np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-6)
    if op == "cross_entropy":
        assert abs(float(out[0]) - np.log(2)) < 1e-3


@settings(derandomize=True, deadline=None, max_examples=40)
@given(exponent=st.integers(-5, 38), rows=st.integers(1, 3), cols=st.integers(1, 7), seed=st.integers(0, 2 ** 16),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_log_softmax_numba_equals_cpu_at_any_scale(exponent, rows, cols, seed, dtype):
    """log_softmax and cross_entropy on `numba` agree with `cpu` to a few ulp for logits of any size."""
    if "numba" not in ag.available_devices():
        pytest.skip("numba is not installed")
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((rows, cols)) * 10.0 ** exponent / 4).astype(dtype)
    target = rng.integers(0, cols, rows)
    for op in ("log_softmax", "cross_entropy"):
        out, grad = _run("numba", x, target, op)
        ref_out, ref_grad = _run("cpu", x, target, op)
        finite = np.isfinite(ref_out)
        assert np.array_equal(finite, np.isfinite(out))
        np.testing.assert_allclose(out[finite], ref_out[finite], rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(grad, ref_grad, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("shape", [(0, 4), (3, 0), (0, 0), (2, 0, 3)])
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_over_empty_arrays(device, shape, op):
    """Zero rows, or rows of zero entries: empty results and empty gradients, as PyTorch."""
    x = ag.zeros(*shape, device=device, requires_grad=True)
    y = getattr(F, op)(x, dim=-1)
    assert y.shape == shape
    y.sum().backward()
    assert x.grad.shape == shape
