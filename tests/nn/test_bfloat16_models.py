"""bfloat16 models against PyTorch: Module.to(ag.bfloat16) / .bfloat16(), optimiser steps on bfloat16 parameters,
CPU autocast (bfloat16 by default) training, and safetensors checkpoints that round-trip bfloat16."""
import os

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import require_torch

#: 20 training steps in bfloat16: each side rounds its updates on its own, so the losses drift apart by about an
#: ulp of bfloat16 (2**-7 relative); measured at most 1.3% over these programs, 3% leaves room for other seeds
LOSS_RTOL = 3e-2


@pytest.fixture
def bf16():
    """ag.bfloat16; skips the test where ml_dtypes is not installed."""
    pytest.importorskip("ml_dtypes")
    return ag.bfloat16


def _f32(t):
    return t.detach().float().numpy()


def _copy_weights(ours, theirs):
    """Give the PyTorch model our model's (float32) parameters, name by name."""
    torch = require_torch()
    with torch.no_grad():
        for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert name == tname
            tp.copy_(torch.tensor(p.float().numpy()))


def _mlps():
    torch = require_torch()
    ours = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.LayerNorm(16), nn.Linear(16, 4))
    theirs = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.LayerNorm(16),
                                 torch.nn.Linear(16, 4))
    _copy_weights(ours, theirs)
    return ours, theirs


def _train(mode, optimizer, bf16, steps=20):
    """Losses of our MLP and PyTorch's over `steps` steps, in `mode` ('autocast' or 'bf16' weights)."""
    torch = require_torch()
    ag.manual_seed(0)
    rng = np.random.default_rng(0)
    xs, ys = rng.standard_normal((32, 8)).astype(np.float32), rng.integers(0, 4, 32)
    ours, theirs = _mlps()
    x, tx = ag.tensor(xs), torch.tensor(xs)
    if mode == "bf16":
        ours.to(bf16)
        theirs.to(torch.bfloat16)
        x, tx = x.to(bf16), tx.to(torch.bfloat16)
    options = dict(lr=0.05, momentum=0.9) if optimizer == "SGD" else dict(lr=0.01)
    opt = getattr(nn.optim, optimizer)(ours.parameters(), **options)
    topt = getattr(torch.optim, optimizer)(theirs.parameters(), **options)
    losses, tlosses = [], []
    for _ in range(steps):
        opt.zero_grad()
        topt.zero_grad()
        with ag.autocast("cpu", enabled=mode == "autocast"):   # PyTorch's default CPU dtype: bfloat16
            loss = F.cross_entropy(ours(x), ag.tensor(ys))
        with torch.autocast("cpu", enabled=mode == "autocast"):
            tloss = torch.nn.functional.cross_entropy(theirs(tx), torch.tensor(ys))
        assert str(loss.dtype) == str(tloss.dtype).replace("torch.", "")
        loss.backward()
        tloss.backward()
        want = ag.float32 if mode == "autocast" else bf16
        assert all(p.grad.dtype == want for p in ours.parameters())
        opt.step()
        topt.step()
        losses.append(loss.item())
        tlosses.append(tloss.item())
    return np.array(losses), np.array(tlosses)


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
@pytest.mark.parametrize("mode", ["autocast", "bf16"])
def test_mlp_trains_20_steps_like_pytorch(bf16, mode, optimizer):
    losses, tlosses = _train(mode, optimizer, bf16)
    np.testing.assert_allclose(losses, tlosses, rtol=LOSS_RTOL)
    assert losses[-1] < 0.75 * losses[0]


def test_module_to_bfloat16_converts_float_parameters_and_buffers(bf16):
    torch = require_torch()
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    weight = model[0].weight
    assert model.to(bf16) is model and model[0].weight is weight   # identity kept: the optimiser still updates it
    tmodel = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    tmodel.to(torch.bfloat16)
    for (name, t), (tname, tt) in zip(model.state_dict().items(), tmodel.state_dict().items()):
        assert name == tname and str(t.dtype) == str(tt.dtype).replace("torch.", ""), name
    assert model[1].num_batches_tracked.dtype == ag.int64
    (model(ag.randn(5, 3).bfloat16()) ** 2).sum().backward()
    before = weight.float().numpy().copy()
    opt.step()
    assert weight.dtype == bf16 and not np.array_equal(weight.float().numpy(), before)
    assert model.float()[0].weight.dtype == ag.float32 and model.bfloat16()[2].bias.dtype == bf16
    with pytest.raises(TypeError, match="floating point"):
        model.to(ag.int32)


@pytest.mark.parametrize("name, options", [
    ("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("Adam", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01)),
])
def test_optimizer_steps_on_bfloat16_parameters_match_pytorch(bf16, name, options):
    torch = require_torch()
    rng = np.random.default_rng(1)
    start = rng.standard_normal((4, 5)).astype(np.float32)
    grads = [rng.standard_normal((4, 5)).astype(np.float32) for _ in range(3)]
    p = nn.Parameter(ag.tensor(start).to(bf16))
    tp = torch.nn.Parameter(torch.tensor(start).to(torch.bfloat16))
    opt, topt = getattr(nn.optim, name)([p], **options), getattr(torch.optim, name)([tp], **options)
    for g in grads:
        p.grad = ag.tensor(g).to(bf16)
        tp.grad = torch.tensor(g).to(torch.bfloat16)
        opt.step()
        topt.step()
    assert p.dtype == bf16
    np.testing.assert_allclose(_f32(p), _f32(tp), rtol=2e-2, atol=1e-2)


def test_small_cnn_forward_and_gradients_match_pytorch(bf16):
    torch = require_torch()
    ours = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(36, 3))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(2, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                                 torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(36, 3))
    _copy_weights(ours, theirs)
    ours.bfloat16()
    theirs.bfloat16()
    xs = np.random.default_rng(2).standard_normal((5, 2, 6, 6)).astype(np.float32)
    out, tout = ours(ag.tensor(xs).bfloat16()), theirs(torch.tensor(xs).bfloat16())
    assert out.dtype == bf16
    np.testing.assert_allclose(_f32(out), _f32(tout), rtol=3e-2, atol=3e-2)
    F.cross_entropy(out, ag.tensor([0, 1, 2, 0, 1])).backward()
    torch.nn.functional.cross_entropy(tout, torch.tensor([0, 1, 2, 0, 1])).backward()
    for (name, p), tp in zip(ours.named_parameters(), theirs.parameters()):
        assert p.grad.dtype == bf16, name
        np.testing.assert_allclose(_f32(p.grad), _f32(tp.grad), rtol=5e-2, atol=2e-2, err_msg=name)
    np.testing.assert_allclose(_f32(ours[1].running_var), _f32(theirs[1].running_var), rtol=2e-2)


def test_safetensors_checkpoints_round_trip_bfloat16(bf16, tmp_path):
    torch = require_torch()
    safetensors_torch = pytest.importorskip("safetensors.torch")
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4)).to(bf16)
    state = model.state_dict()
    path = os.fspath(tmp_path / "model.safetensors")
    nn.save(state, path)
    back = nn.load(path)
    assert {k: str(v.dtype) for k, v in back.items()} == {k: str(v.dtype) for k, v in state.items()}
    assert all(ag.equal(back[k], state[k]) for k in state)
    theirs = safetensors_torch.load_file(path)   # the file is a standard one: BF16 entries, as PyTorch writes
    assert theirs["0.weight"].dtype == torch.bfloat16
    assert theirs["0.weight"].float().tolist() == state["0.weight"].float().tolist()
    tmodel = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4)).to(torch.bfloat16)
    tpath = os.fspath(tmp_path / "torch.safetensors")
    safetensors_torch.save_file(tmodel.state_dict(), tpath)
    fresh = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4)).bfloat16()
    fresh.load_state_dict(nn.load(tpath))
    assert fresh[0].weight.float().tolist() == tmodel[0].weight.float().tolist()
    fresh.load_state_dict(tmodel.state_dict())   # torch.bfloat16 tensors load as they are too
    assert fresh[1].bias.dtype == bf16


def test_grad_scaler_with_bfloat16_steps_as_pytorch(bf16):
    """GradScaler is not needed for bfloat16, but PyTorch runs it without a warning, and so does deepgrad."""
    torch = require_torch()
    import warnings
    p = nn.Parameter(ag.ones(3, dtype=bf16))
    tp = torch.nn.Parameter(torch.ones(3, dtype=torch.bfloat16))
    opt, topt = nn.optim.SGD([p], lr=0.1), torch.optim.SGD([tp], lr=0.1)
    scaler, tscaler = ag.amp.GradScaler("cpu"), torch.amp.GradScaler("cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scaler.scale((p.float() * 2).sum()).backward()
        scaler.step(opt)
        scaler.update()
    tscaler.scale((tp.float() * 2).sum()).backward()
    tscaler.step(topt)
    tscaler.update()
    assert p.float().tolist() == tp.float().tolist() and scaler.get_scale() == tscaler.get_scale()


def test_compile_fit_evaluate_predict_run_a_bfloat16_model(bf16):
    rng = np.random.default_rng(4)
    xs, ys = ag.tensor(rng.standard_normal((64, 6)).astype(np.float32)).bfloat16(), ag.tensor(rng.integers(0, 3, 64))
    model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)).bfloat16()
    model.compile(optimizer="sgd", loss="cross_entropy", metrics=["accuracy"])
    history = model.fit(xs, ys, epochs=2, batch_size=16, verbose=0)
    assert all(np.isfinite(history.history["loss"])) and len(history.history["accuracy"]) == 2
    scores = model.evaluate(xs, ys, verbose=0)
    assert 0.0 <= scores["accuracy"] <= 1.0 and np.isfinite(scores["loss"])
    assert model.predict(xs).dtype == bf16
