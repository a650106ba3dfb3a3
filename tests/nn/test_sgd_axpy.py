"""The host devices' SGD steps equal PyTorch's bit for bit (each `a + alpha * b` rounded once): the cpu
device's through BLAS axpy, falling back to the NumPy formula for arrays axpy does not take; numba's
fused kernel through fma."""
import numpy as np
import pytest

import autograd as ag
import backends
import nn
from backends.numpy_kernels import axpy, optim
from nn.optim.sgd import sgd_update

CASES = [dict(), dict(momentum=0.9), dict(momentum=0.9, dampening=0.25), dict(momentum=0.8, nesterov=True),
         dict(weight_decay=0.1), dict(momentum=0.9, nesterov=True, weight_decay=0.05),
         dict(momentum=0.7, dampening=0.1, weight_decay=1e-3, maximize=True), dict(weight_decay=0.2, maximize=True)]
#: 0-d, empty, one element, odd sizes, and one above axpy.THREADED_SIZE (the measured thread count)
SHAPES = [(), (0, 3), (1,), (7,), (33, 17), (129, 97)]

requires_axpy = pytest.mark.skipif(not axpy._load(), reason="the loaded BLAS offers no axpy")


HOSTS = [d for d in ("cpu", "numba") if d in backends.available()]


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cfg", CASES, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()) or "plain")
def test_sgd_on_the_host_devices_equals_torch_bit_for_bit(cfg, dtype, host):
    torch = pytest.importorskip("torch")
    if host == "cpu" and not axpy._load():
        pytest.skip("the loaded BLAS offers no axpy")
    rng = np.random.default_rng(21)
    start = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    ours = [ag.tensor(a.copy(), device=host, requires_grad=True) for a in start]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in start]
    opt, topt = nn.optim.SGD(ours, lr=0.037, **cfg), torch.optim.SGD(theirs, lr=0.037, **cfg)
    for _ in range(4):
        for p, t in zip(ours, theirs):
            g = rng.standard_normal(p.shape).astype(dtype)
            p.grad, t.grad = ag.tensor(g.copy(), device=host), torch.tensor(g.copy())
        opt.step()
        topt.step()
        for p, t in zip(ours, theirs):
            np.testing.assert_array_equal(p.detach().numpy(), t.detach().numpy(), err_msg=f"shape {tuple(p.shape)}")


@requires_axpy
def test_axpy_rounds_once_where_numpy_rounds_twice():
    """y + a*x as one fused multiply-add: the float64 value of the exact product and sum, rounded once."""
    rng = np.random.default_rng(3)
    x, y = (rng.standard_normal(4096).astype(np.float32) for _ in range(2))
    alpha = -0.037
    exact = (y.astype(np.float64) + np.float64(np.float32(alpha)) * x.astype(np.float64)).astype(np.float32)
    out = axpy.axpy(alpha, x, y.copy())
    np.testing.assert_array_equal(out, exact)
    assert not np.array_equal(y + np.float32(alpha) * x, exact)   # NumPy's two roundings differ somewhere


@requires_axpy
def test_the_step_declines_what_axpy_does_not_take_and_touches_nothing():
    rng = np.random.default_rng(4)
    p = rng.standard_normal((6, 8)).astype(np.float32)
    strided = p.copy()[:, ::2]
    cases = [(strided, np.ones((6, 4), np.float32)),                          # a strided parameter
             (p.copy(), np.ones((6, 8), np.float64)),                         # a gradient of another dtype
             (p.astype(np.float16), np.ones((6, 8), np.float16)),             # half precision
             (p.copy(), np.broadcast_to(np.float32(1), (6, 8)))]               # an expanded gradient
    for param, grad in cases:
        before = param.copy()
        assert optim.sgd_step(param, grad, None, 0.1, 0.0, 0.0, False, 0.0, True) is False
        np.testing.assert_array_equal(param, before)
    ints = np.arange(6)
    assert optim.sgd_step(ints, np.ones(6, np.int64), None, 1, 0.0, 0.0, False, 0.0, True) is False
    strided_buf = np.zeros((6, 8), np.float32)[:, ::2]
    assert optim.sgd_step(p.copy()[:, :4].copy(), np.ones((6, 4), np.float32), strided_buf, 0.1, 0.9, 0.0,
                          False, 0.0, False) is False               # a strided momentum buffer
    np.testing.assert_array_equal(strided_buf, 0)


def test_a_declined_step_runs_the_formula(device):
    """A float16 or strided parameter still steps, through nn.optim's formula, on every device."""
    rng = np.random.default_rng(5)
    start = rng.standard_normal((4, 6)).astype(np.float32)
    grads = [rng.standard_normal((4, 3)).astype(np.float32) for _ in range(3)]
    for dtype in (np.float16, np.float32):
        p = ag.tensor(start.astype(dtype), device=device)[:, ::2].detach().requires_grad_()
        ref = start.astype(dtype)[:, ::2].copy()
        buf = np.zeros_like(ref)
        opt = nn.optim.SGD([p], lr=0.1, momentum=0.9)
        for i, g in enumerate(grads):
            p.grad = ag.tensor(g.astype(dtype), device=device)
            opt.step()
            sgd_update(np, ref, g.astype(dtype), buf, 0.1, 0.9, 0.0, False, 0.0, i == 0)
        np.testing.assert_allclose(p.numpy(), ref, rtol=1e-3 if dtype == np.float16 else 1e-6)


@requires_axpy
def test_the_step_updates_in_place_and_leaves_the_gradient_alone():
    rng = np.random.default_rng(6)
    param, grad = rng.standard_normal((50, 300)), rng.standard_normal((50, 300))
    buf = np.zeros_like(param)
    kept, ids = grad.copy(), (id(param), id(buf))
    for first in (True, False):
        assert optim.sgd_step(param, grad, buf, 0.1, 0.9, 0.0, True, 0.01, first) is True
    np.testing.assert_array_equal(grad, kept)
    assert (id(param), id(buf)) == ids and np.abs(buf).sum() > 0
