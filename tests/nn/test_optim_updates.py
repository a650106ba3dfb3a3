"""The optimisers' update formulas (nn/optim, on raw arrays) against torch.optim step by step, and each
device's fused optimiser kernels (numba, cuda) against those formulas."""
import numpy as np
import pytest

import autograd as ag
import backends
import nn
from nn.optim.adagrad import adagrad_update
from nn.optim.adam import adam_update
from nn.optim.rmsprop import rmsprop_update
from nn.optim.sgd import sgd_update

DTYPES = [np.float64, np.float32]
RTOL = {np.float32: 1e-5, np.float64: 1e-12}


def _rand(rng, shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


# ----- the formulas against torch.optim ------------------------------------------------------------
def _trajectory(ours_step, make_torch_opt, dtype, steps=5):
    """Run our update and a torch.optim optimiser over the same gradient sequence; compare every step."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    param = _rand(rng, (4, 3), dtype)
    tparam = torch.tensor(param.copy(), requires_grad=True)
    opt = make_torch_opt(torch.optim, [tparam])
    state = {}
    for t in range(1, steps + 1):
        grad = _rand(rng, param.shape, dtype)
        kept = grad.copy()
        ours_step(param, grad, state, t)
        np.testing.assert_array_equal(grad, kept, err_msg="the update modified grad")
        tparam.grad = torch.tensor(grad)
        opt.step()
        assert param.dtype == np.dtype(dtype)
        np.testing.assert_allclose(param, tparam.detach().numpy(), rtol=RTOL[dtype] * 10, atol=RTOL[dtype])


SGD_CASES = [dict(momentum=0.0), dict(momentum=0.9), dict(momentum=0.9, dampening=0.3),
             dict(momentum=0.8, nesterov=True), dict(momentum=0.0, weight_decay=0.1),
             dict(momentum=0.9, nesterov=True, weight_decay=0.05)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cfg", SGD_CASES)
def test_sgd_update_matches_torch(cfg, dtype):
    cfg = dict(dict(dampening=0.0, nesterov=False, weight_decay=0.0), **cfg)

    def ours(param, grad, state, t):
        buf = state.setdefault("buf", np.zeros_like(param)) if cfg["momentum"] else None
        sgd_update(np, param, grad, buf, 0.1, cfg["momentum"], cfg["dampening"], cfg["nesterov"],
                   cfg["weight_decay"], t == 1)

    _trajectory(ours, lambda optim, ps: optim.SGD(ps, lr=0.1, **cfg), dtype)


ADAM_CASES = [dict(), dict(weight_decay=0.1), dict(amsgrad=True), dict(weight_decay=0.1, amsgrad=True),
              dict(decoupled=True, weight_decay=0.1), dict(decoupled=True, weight_decay=0.1, amsgrad=True),
              dict(betas=(0.3, 0.99))]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cfg", ADAM_CASES)
def test_adam_update_matches_torch(cfg, dtype):
    cfg = dict(cfg)
    decoupled = cfg.pop("decoupled", False)
    beta1, beta2 = cfg.get("betas", (0.9, 0.999))

    def ours(param, grad, state, t):
        if not state:
            state.update(m=np.zeros_like(param), v=np.zeros_like(param), vmax=np.zeros_like(param))
        adam_update(np, param, grad, state["m"], state["v"], state["vmax"], t, 0.01, beta1, beta2, 1e-8,
                    cfg.get("weight_decay", 0.0), decoupled, cfg.get("amsgrad", False))

    if not decoupled:
        cfg.setdefault("weight_decay", 0.0)
    _trajectory(ours, lambda optim, ps: (optim.AdamW if decoupled else optim.Adam)(ps, lr=0.01, eps=1e-8, **cfg),
                dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cfg", [dict(), dict(momentum=0.9), dict(centered=True, weight_decay=0.1),
                                 dict(centered=True, momentum=0.5)])
def test_rmsprop_update_matches_torch(cfg, dtype):
    momentum, centered = cfg.get("momentum", 0.0), cfg.get("centered", False)

    def ours(param, grad, state, t):
        if not state:
            state.update(sq=np.zeros_like(param), avg=np.zeros_like(param), buf=np.zeros_like(param))
        rmsprop_update(np, param, grad, state["sq"], state["avg"] if centered else None,
                       state["buf"] if momentum else None, 0.01, 0.9, 1e-8, cfg.get("weight_decay", 0.0), momentum)

    _trajectory(ours, lambda optim, ps: optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-8, **cfg), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_adagrad_update_matches_torch(dtype):
    def ours(param, grad, state, t):
        total = state.setdefault("sum", np.full_like(param, 0.1))
        adagrad_update(np, param, grad, total, 0.1 / (1 + (t - 1) * 0.01), 1e-10, 0.05)

    _trajectory(ours, lambda optim, ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.01, weight_decay=0.05,
                                                      initial_accumulator_value=0.1), dtype)


def test_updates_change_0d_parameters_in_place():
    p, m, v = np.array(1.0), np.array(0.0), np.array(0.0)
    adam_update(np, p, np.array(0.5), m, v, None, 1, 0.1, 0.9, 0.999, 1e-8, 0.0, False, False)
    np.testing.assert_allclose(p, 0.9)          # the first Adam step moves by lr * sign(grad)
    buf = np.array(0.0)
    sgd_update(np, p, np.array(1.0), buf, 0.1, 0.9, 0.0, False, 0.0, True)
    np.testing.assert_allclose([p, buf], [0.8, 1.0])
    square_avg = np.array(0.0)
    rmsprop_update(np, p, np.array(1.0), square_avg, None, None, 0.1, 0.75, 0.0, 0.0, 0.0)
    np.testing.assert_allclose([p, square_avg], [0.6, 0.25])   # sqrt(0.25) = 0.5: p -= 0.1 * 1 / 0.5
    total = np.array(3.0)
    adagrad_update(np, p, np.array(1.0), total, 0.2, 0.0, 0.0)
    np.testing.assert_allclose([p, total], [0.5, 4.0])


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad"])
def test_optimisers_step_0d_parameters(device, name):
    p = ag.tensor(2.0, device=device, requires_grad=True)
    (p * p).backward()
    getattr(nn.optim, name)([p], lr=0.1).step()
    assert p.shape == () and float(p.item()) < 2.0


# ----- fused kernels against the formulas ----------------------------------------------------------
FUSED_DEVICES = [d for d in backends.available() if d == "numba" or d.startswith("cuda")]


@pytest.fixture(params=FUSED_DEVICES or [pytest.param(None, marks=pytest.mark.skip(reason="no device with fused kernels"))])
def fused(request):
    """A device (backend object) that offers fused sgd_step and adam_step kernels."""
    device = ag.device(request.param)
    assert device.sgd_step is not None and device.adam_step is not None
    return device


def _assert_same(device, ours, reference, dtype, scale):
    ours = device.to_host(ours)
    assert ours.dtype == reference.dtype == np.dtype(dtype) and ours.shape == reference.shape
    np.testing.assert_allclose(ours, reference, rtol=RTOL[dtype], atol=RTOL[dtype] * scale)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("momentum, dampening, nesterov, weight_decay",
                         [(0.0, 0.0, False, 0.0), (0.0, 0.0, False, 1e-2), (0.9, 0.2, False, 0.0),
                          (0.9, 0.1, False, 1e-2), (0.9, 0.0, True, 1e-3)])
def test_fused_sgd_step_matches_the_formula_in_place(fused, momentum, dampening, nesterov, weight_decay, dtype):
    rng = np.random.default_rng(12)
    ref = [_rand(rng, (13, 5), dtype), np.zeros((13, 5), dtype)]
    ours = [fused.asarray(a.copy()) for a in ref]
    ids = [id(a) for a in ours]
    for step in range(3):
        grad = _rand(rng, (13, 5), dtype)
        assert fused.sgd_step(ours[0], fused.asarray(grad), ours[1] if momentum else None, 0.1, momentum,
                              dampening, nesterov, weight_decay, step == 0) is True
        sgd_update(np, ref[0], grad, ref[1] if momentum else None, 0.1, momentum, dampening, nesterov,
                   weight_decay, step == 0)
    assert [id(a) for a in ours] == ids
    for a, b in zip(ours, ref):
        _assert_same(fused, a, b, dtype, scale=4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("beta1, weight_decay, decoupled, amsgrad",
                         [(0.9, 0.0, False, False), (0.9, 1e-2, False, True), (0.9, 1e-2, True, False),
                          (0.3, 0.0, True, True)])   # beta1 0.3: torch's other lerp branch
def test_fused_adam_step_matches_the_formula_in_place(fused, beta1, weight_decay, decoupled, amsgrad, dtype):
    rng = np.random.default_rng(13)
    ref = [_rand(rng, (13, 5), dtype)] + [np.zeros((13, 5), dtype) for _ in range(3)]
    ours = [fused.asarray(a.copy()) for a in ref]
    for step in range(1, 4):
        grad = _rand(rng, (13, 5), dtype)
        assert fused.adam_step(ours[0], fused.asarray(grad), ours[1], ours[2], ours[3] if amsgrad else None, step,
                               1e-2, beta1, 0.999, 1e-8, weight_decay, decoupled, amsgrad) is True
        adam_update(np, ref[0], grad, ref[1], ref[2], ref[3] if amsgrad else None, step, 1e-2, beta1, 0.999, 1e-8,
                    weight_decay, decoupled, amsgrad)
    for a, b in zip(ours, ref):
        _assert_same(fused, a, b, dtype, scale=4)


def test_fused_steps_take_0d_arrays(fused):
    param, ref, grad = fused.asarray(np.array(1.0)), np.array(1.0), np.array(1.5)
    m, v, vmax = (fused.asarray(np.array(0.0)) for _ in range(3))
    assert fused.adam_step(param, fused.asarray(grad), m, v, vmax, 1, 0.1, 0.9, 0.999, 1e-8, 0.0, False, False)
    adam_update(np, ref, grad, np.array(0.0), np.array(0.0), None, 1, 0.1, 0.9, 0.999, 1e-8, 0.0, False, False)
    _assert_same(fused, param, ref, np.float64, scale=1)


def test_fused_steps_decline_what_they_do_not_take_and_the_optimiser_falls_back(fused):
    """A kernel returns False, touching nothing, for arrays it does not take (integers everywhere, and
    float16 or strided arrays on numba); nn.optim then runs its formula, with the cpu device's result."""
    ints = fused.asarray(np.arange(6))
    assert fused.sgd_step(ints, fused.asarray(np.ones(6, np.int64)), None, 1, 0.0, 0.0, False, 0.0, True) is False
    np.testing.assert_array_equal(fused.to_host(ints), np.arange(6))
    if fused.type != "numba":
        return
    rng = np.random.default_rng(14)
    start, grads = _rand(rng, (4, 6), np.float32), [_rand(rng, (4, 3), np.float32) for _ in range(3)]
    strided = start.copy()[:, ::2]
    assert fused.sgd_step(strided, grads[0], None, 0.1, 0.0, 0.0, False, 0.0, True) is False
    np.testing.assert_array_equal(strided, start[:, ::2])
    results = {}
    for device in ("cpu", "numba"):
        p = ag.tensor(start[:, ::2].astype(np.float16), device=device, requires_grad=True)
        opt = nn.optim.Adam([p], lr=0.1)
        for g in grads:
            p.grad = ag.tensor(g.astype(np.float16), device=device)
            opt.step()
        results[device] = p.numpy()
    np.testing.assert_array_equal(results["numba"], results["cpu"])


def test_the_cpu_device_fuses_sgd_only():
    """The cpu device's SGD runs through BLAS axpy (tests/nn/test_sgd_axpy.py); Adam through the NumPy formula
    (an axpy lerp in PyTorch's order measured 20% slower for the MLP's arrays: tests/nn/test_adam_rounding.py)."""
    cpu = ag.device("cpu")
    assert cpu.sgd_step is not None and cpu.adam_step is None


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_a_gradient_of_another_shape_is_refused(device, name):
    p = ag.zeros(3, 2, device=device, requires_grad=True)
    with pytest.raises(ValueError, match=r"gradient of shape \(2,\) to a tensor of shape \(3, 2\)"):
        p.grad = ag.ones(2, device=device)      # would broadcast: refused when assigned, as in PyTorch
    p._grad = ag.ones(2, device=device)     # one that got past it (the slot itself): the step refuses it too
    with pytest.raises(ValueError, match=r"a parameter of shape \(3, 2\) has a gradient of shape \(2,\)"):
        getattr(nn.optim, name)([p], lr=0.1).step()
    np.testing.assert_array_equal(p.numpy(), np.zeros((3, 2)))
