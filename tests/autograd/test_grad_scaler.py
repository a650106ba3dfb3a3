"""ag.amp.GradScaler: scaling, unscaling, skipped steps, growth and backoff, its state dict and errors, and the
same scales and parameters as torch.amp.GradScaler("cpu") step by step."""
import warnings

import numpy as np
import pytest

import autograd as ag
import backends
import nn
from tests.helpers import torch

# the forced overflows make NumPy warn about the inf and NaN they carry; that is the point of those steps
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

X = np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3)
Y = (X @ np.array([[0.5], [-1.0], [2.0]], np.float32) + 0.25).astype(np.float32)
W0 = np.array([[0.1, -0.2, 0.3]], np.float32)


def _setup(device, **kw):
    model = nn.Linear(3, 1).to(device)
    model.load_state_dict({"weight": W0, "bias": np.zeros(1, np.float32)})
    opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    return model, opt, ag.amp.GradScaler("cpu", **kw)


def _loss(model, device, factor=1.0):
    out = model(ag.tensor(X, device=device))
    return ((out - ag.tensor(Y, device=device)) ** 2).mean() * factor


def test_scale_multiplies_tensors_and_nested_lists_and_tuples(device):
    scaler = ag.amp.GradScaler("cpu", init_scale=4.0)
    a = ag.ones(2, device=device)
    assert scaler.scale(a).numpy().tolist() == [4.0, 4.0]
    out = scaler.scale([a, (a, [a])])
    assert isinstance(out, list) and isinstance(out[1], tuple) and isinstance(out[1][1], list)
    assert out[1][1][0].numpy().tolist() == [4.0, 4.0]
    assert scaler.scale(ag.ones(2, dtype=ag.float16, device=device)).dtype == np.float16
    assert scaler.scale(ag.ones((), dtype=ag.float16, device=device)).dtype == np.float32   # 0-d meets 0-d
    with pytest.raises(ValueError, match="Tensor or an iterable"):
        scaler.scale(3.0)


def test_a_step_with_inf_gradients_is_skipped_and_the_scale_backs_off(device):
    model, opt, scaler = _setup(device, init_scale=2.0 ** 10)
    before = [p.numpy().copy() for p in model.parameters()]
    scaler.scale(_loss(model, device, float("inf"))).backward()
    assert scaler.step(opt) is None
    for p, b in zip(model.parameters(), before):
        np.testing.assert_array_equal(p.numpy(), b)
    scaler.update()
    assert scaler.get_scale() == 2.0 ** 9 and scaler._get_growth_tracker() == 0


def test_the_scale_grows_after_growth_interval_clean_steps(device):
    model, opt, scaler = _setup(device, init_scale=8.0, growth_factor=3.0, growth_interval=3)
    scales = []
    for _ in range(7):
        opt.zero_grad()
        scaler.scale(_loss(model, device)).backward()
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
    assert scales == [8.0, 8.0, 24.0, 24.0, 24.0, 72.0, 72.0]


def test_unscale_divides_the_gradients_before_clipping(device):
    model, opt, scaler = _setup(device, init_scale=2.0 ** 12)
    _loss(model, device).backward()
    plain = [p.grad.numpy().copy() for p in model.parameters()]
    opt.zero_grad()
    scaler.scale(_loss(model, device)).backward()
    scaler.unscale_(opt)
    for p, g in zip(model.parameters(), plain):
        np.testing.assert_allclose(p.grad.numpy(), g, rtol=1e-6)
    nn.utils.clip_grad_norm_(model.parameters(), 0.1)
    assert scaler.step(opt) is None   # SGD.step returns None; not skipped
    assert not np.allclose(model.weight.numpy(), W0)


def test_misuse_raises_as_pytorch(device):
    model, opt, scaler = _setup(device)
    with pytest.raises(RuntimeError, match="scale"):
        scaler.unscale_(opt)   # nothing scaled yet
    scaler.scale(_loss(model, device)).backward()
    scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="already been called on this optimizer since the last update"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match="after step"):
        scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
        scaler.step(opt)
    scaler.update()
    with pytest.raises(RuntimeError, match="closure"):
        scaler.step(opt, closure=lambda: 0.0)
    half = nn.Linear(3, 1).to(device).half()
    opt16 = nn.optim.SGD(half.parameters(), lr=0.1)
    scaler.scale(half(ag.ones(2, 3, dtype=ag.float16, device=device)).sum()).backward()
    with pytest.raises(ValueError, match="float16"):
        scaler.unscale_(opt16)
    with pytest.raises(ValueError, match="growth_factor"):
        ag.amp.GradScaler("cpu", growth_factor=1.0)


def test_disabled_scaler_passes_everything_through(device):
    model, opt, _ = _setup(device)
    scaler = ag.amp.GradScaler("cpu", enabled=False)
    loss = _loss(model, device)
    assert scaler.scale(loss) is loss and not scaler.is_enabled()
    loss.backward()
    scaler.unscale_(opt)
    assert scaler.step(opt, closure=lambda: 7.0) == 7.0
    scaler.update()
    assert scaler.get_scale() == 1.0 and scaler.state_dict() == {}
    scaler.load_state_dict({})


def test_state_dict_round_trip_and_setters(device):
    model, opt, scaler = _setup(device, init_scale=2.0 ** 5, growth_interval=2)
    for factor in (1.0, 1.0, 1.0, float("nan")):
        opt.zero_grad()
        scaler.scale(_loss(model, device, factor)).backward()
        scaler.step(opt)
        scaler.update()
    state = scaler.state_dict()
    assert state == {"scale": 32.0, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 2,
                     "_growth_tracker": 0}
    fresh = ag.amp.GradScaler("cpu")
    fresh.load_state_dict(dict(state, _growth_tracker=1))
    assert fresh.get_scale() == 32.0 and fresh._get_growth_tracker() == 1
    fresh.scale(ag.ones(1, device=device))
    assert fresh.state_dict() == dict(state, _growth_tracker=1)
    with pytest.raises(RuntimeError, match="empty"):
        fresh.load_state_dict({})
    fresh.set_growth_factor(4.0)
    fresh.set_backoff_factor(0.25)
    fresh.set_growth_interval(10)
    assert (fresh.get_growth_factor(), fresh.get_backoff_factor(), fresh.get_growth_interval()) == (4.0, 0.25, 10)
    fresh.update(new_scale=3.0)
    assert fresh.get_scale() == 3.0
    fresh.update(new_scale=ag.tensor(5.0))
    assert fresh.get_scale() == 5.0 and fresh.scale(ag.ones(1, device=device)).item() == 5.0


def test_cuda_scaler_without_a_gpu_warns_and_disables():
    if backends.available("cuda"):
        pytest.skip("a CUDA device is present")
    with pytest.warns(UserWarning, match="CUDA is not available"):
        assert not ag.amp.GradScaler().is_enabled()
    with pytest.warns(FutureWarning, match="ag.amp.GradScaler"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            assert not ag.cuda.amp.GradScaler().is_enabled()
    with pytest.warns(FutureWarning):
        assert ag.cpu.amp.GradScaler(init_scale=4.0).get_scale() == 4.0


@pytest.mark.parametrize("use_autocast", [False, True])
def test_same_scales_and_parameters_as_torch_grad_scaler(device, use_autocast):
    tt = torch
    model, opt, scaler = _setup(device, init_scale=2.0 ** 6, growth_interval=2)
    tmodel = tt.nn.Linear(3, 1)
    with tt.no_grad():
        tmodel.weight.copy_(tt.tensor(W0))
        tmodel.bias.zero_()
    topt = tt.optim.SGD(tmodel.parameters(), lr=0.1, momentum=0.9)
    tscaler = tt.amp.GradScaler("cpu", init_scale=2.0 ** 6, growth_interval=2)
    tx, ty = tt.tensor(X), tt.tensor(Y)
    factors = [1.0, 1.0, float("inf"), 1.0, 1.0, 1.0, float("nan"), 1.0]
    for step, factor in enumerate(factors):
        opt.zero_grad()
        topt.zero_grad()
        with ag.autocast("cpu", dtype=ag.float16, enabled=use_autocast):
            loss = _loss(model, device, factor)
        with tt.autocast("cpu", dtype=tt.float16, enabled=use_autocast):
            tloss = ((tmodel(tx) - ty) ** 2).mean() * factor
        scaler.scale(loss).backward()
        tscaler.scale(tloss).backward()
        scaler.unscale_(opt)
        tscaler.unscale_(topt)
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        tt.nn.utils.clip_grad_norm_(tmodel.parameters(), 1.0)
        assert (scaler.step(opt) is None) and (tscaler.step(topt) is None)
        scaler.update()
        tscaler.update()
        assert scaler.get_scale() == tscaler.get_scale(), f"step {step}"
        assert scaler._get_growth_tracker() == tscaler._get_growth_tracker(), f"step {step}"
        tol = dict(rtol=2e-3, atol=2e-3) if use_autocast else dict(rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(model.weight.numpy(), tmodel.weight.detach().numpy(), **tol,
                                   err_msg=f"step {step}")
        np.testing.assert_allclose(model.bias.numpy(), tmodel.bias.detach().numpy(), **tol, err_msg=f"step {step}")
    assert scaler.state_dict() == tscaler.state_dict()


def test_a_compiled_step_refuses_the_scaler_with_a_clear_error(device):
    model, opt, scaler = _setup(device)

    @ag.jit
    def step():
        opt.zero_grad()
        scaler.scale(_loss(model, device)).backward()
        scaler.step(opt)

    step()            # the first call runs eagerly
    scaler.update()
    with pytest.raises(ag.CaptureError, match="scaler.step"):
        step()        # the second captures


def test_unscale_reaches_the_gradient_of_a_0d_parameter(device):
    """A 0-d parameter's gradient (an op result, held as a NumPy scalar) is unscaled in place like any
    other, and the step equals torch.amp.GradScaler's."""
    real = pytest.importorskip("torch")
    results = []
    for lib, optim, scaler in ((ag, nn.optim, ag.amp.GradScaler("cpu")),
                               (real, real.optim, real.amp.GradScaler("cpu"))):
        p = lib.tensor(2.0, requires_grad=True, **({"device": device} if lib is ag else {}))
        opt = optim.SGD([p], lr=0.1)
        scaler.scale(p * 3).backward()
        scaler.step(opt)
        scaler.update()
        results.append((float(p.detach()), float(scaler.get_scale())))
    assert results[0] == results[1] == (pytest.approx(1.7), 65536.0)
