"""Learning-rate schedulers: 30-step lr sequences against torch.optim.lr_scheduler, state_dict, bad input."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.optim import lr_scheduler
from tests.helpers import torch

tsched = torch.optim.lr_scheduler

LRS = (0.1, 0.03)


def _optimizers(device):
    ours = [ag.tensor(np.ones(2), device=device, requires_grad=True) for _ in LRS]
    theirs = [torch.ones(2, requires_grad=True) for _ in LRS]
    opt = nn.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(ours, LRS)], momentum=0.9)
    topt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(theirs, LRS)], momentum=0.9)
    return opt, topt


def _lrs(opt):
    return [g["lr"] for g in opt.param_groups]


SCHEDULES = [
    ("StepLR", dict(step_size=7, gamma=0.5), None),
    ("StepLR", dict(step_size=1), None),
    ("ExponentialLR", dict(gamma=0.9), None),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=0.001), None),
    ("CosineAnnealingLR", dict(T_max=7), None),
    ("LambdaLR", dict(lr_lambda=lambda e: 0.95 ** e + 0.01 * (e % 3)), None),
    ("LambdaLR", dict(lr_lambda=[lambda e: 1 / (1 + e), lambda e: 0.9 ** e]), None),
    ("LinearWarmup", dict(warmup_steps=5, start_factor=0.25), ("LinearLR", dict(start_factor=0.25, total_iters=5))),
    ("LinearWarmup", dict(warmup_steps=12, start_factor=0.5), ("LinearLR", dict(start_factor=0.5, total_iters=12))),
]


@pytest.mark.parametrize("name,kw,torch_form", SCHEDULES, ids=[f"{s[0]}-{i}" for i, s in enumerate(SCHEDULES)])
def test_lr_sequence_matches_torch(device, name, kw, torch_form):
    opt, topt = _optimizers(device)
    sched = getattr(lr_scheduler, name)(opt, **kw)
    tname, tkw = torch_form or (name, kw)
    tsch = getattr(tsched, tname)(topt, **tkw)
    np.testing.assert_allclose(_lrs(opt), _lrs(topt), rtol=1e-9)
    for epoch in range(30):
        opt.step()
        topt.step()
        sched.step()
        tsch.step()
        np.testing.assert_allclose(sched.get_last_lr(), tsch.get_last_lr(), rtol=1e-6, atol=1e-12,
                                   err_msg=f"{name} epoch {epoch}")
        assert _lrs(opt) == sched.get_last_lr()


def test_linear_warmup_from_zero(device):
    opt, _ = _optimizers(device)
    sched = lr_scheduler.LinearWarmup(opt, warmup_steps=4)
    seen = [sched.get_last_lr()]
    for _ in range(6):
        sched.step()
        seen.append(sched.get_last_lr())
    factors = [0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    np.testing.assert_allclose(seen, [[f * lr for lr in LRS] for f in factors])
    assert lr_scheduler.LinearWarmup(_optimizers(device)[0], warmup_steps=0).get_last_lr() == list(LRS)


PLATEAUS = [
    dict(),
    dict(patience=2, factor=0.5),
    dict(mode="max", patience=1, factor=0.5, threshold=0.05),
    dict(patience=1, threshold_mode="abs", threshold=0.1, cooldown=2, factor=0.3),
    dict(patience=0, min_lr=[0.02, 0.001], factor=0.5),
    dict(patience=0, min_lr=0.09, factor=0.5, eps=1e-3),
]


@pytest.mark.parametrize("kw", PLATEAUS)
def test_reduce_on_plateau_matches_torch(device, kw):
    metrics = [1.0, 0.9, 0.85, 0.85, 0.86, 0.84, 0.9, 0.95, 0.7, 0.69, 0.695, 0.7, 0.7, 0.71, 0.72,
               0.6, 0.61, 0.62, 0.63, 0.64, 0.5, 0.5, 0.5, 0.5, 0.4, 0.41, 0.42, 0.43, 0.44, 0.45]
    opt, topt = _optimizers(device)
    sched = lr_scheduler.ReduceLROnPlateau(opt, **kw)
    tsch = tsched.ReduceLROnPlateau(topt, **kw)
    for epoch, m in enumerate(metrics):
        sched.step(m if epoch % 2 else ag.tensor(np.array(m), device=device))  # a one-element tensor works as well
        tsch.step(m)
        np.testing.assert_allclose(_lrs(opt), _lrs(topt), rtol=1e-12, err_msg=f"epoch {epoch}")
        assert sched.get_last_lr() == _lrs(opt)
        assert (sched.best, sched.num_bad_epochs, sched.cooldown_counter) == \
            (tsch.best, tsch.num_bad_epochs, tsch.cooldown_counter)


@pytest.mark.parametrize("make", [
    lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
    lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=5),
    lambda o: lr_scheduler.LambdaLR(o, lambda e: 0.9 ** e),
    lambda o: lr_scheduler.ReduceLROnPlateau(o, patience=1),
])
def test_state_dict_round_trip(device, make):
    opt, _ = _optimizers(device)
    sched = make(opt)
    plateau = isinstance(sched, lr_scheduler.ReduceLROnPlateau)
    metric = iter([1.0] * 3 + [0.9] * 6 + [0.5] * 8)  # plateaus, so ReduceLROnPlateau acts on both sides

    def advance(s):
        s.step(next(metric)) if plateau else s.step()

    for _ in range(7):
        advance(sched)
    saved = sched.state_dict()
    assert "optimizer" not in saved
    opt2, _ = _optimizers(device)
    opt2.load_state_dict(opt.state_dict())
    sched2 = make(opt2)
    sched2.load_state_dict(saved)
    for _ in range(10):
        value = next(metric)
        for s in (sched, sched2):
            s.step(value) if plateau else s.step()
        assert sched.get_last_lr() == sched2.get_last_lr()
        assert _lrs(opt) == _lrs(opt2)


@pytest.mark.filterwarnings("ignore:Detected call of")
def test_resume_needs_initial_lr(device):
    opt, _ = _optimizers(device)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(opt, step_size=2, last_epoch=4)
    lr_scheduler.StepLR(opt, step_size=2)
    resumed = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5, last_epoch=4)
    _, topt = _optimizers(device)
    tsched.StepLR(topt, step_size=2)
    tresumed = tsched.StepLR(topt, step_size=2, gamma=0.5, last_epoch=4)
    for _ in range(5):  # as PyTorch: resuming keeps the lr it finds (the optimizer's loaded one) and chains on
        assert resumed.get_last_lr() == tresumed.get_last_lr()
        resumed.step()
        tresumed.step()


@pytest.mark.parametrize("make,err,match", [
    (lambda o: lr_scheduler.StepLR(o, step_size=0), ValueError, "step_size"),
    (lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=0), ValueError, "T_max"),
    (lambda o: lr_scheduler.LinearWarmup(o, warmup_steps=-1), ValueError, "warmup_steps"),
    (lambda o: lr_scheduler.LinearWarmup(o, warmup_steps=3, start_factor=1.5), ValueError, "start_factor"),
    (lambda o: lr_scheduler.LambdaLR(o, [lambda e: 1.0]), ValueError, "2 param groups"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, factor=1.0), ValueError, "factor"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="lowest"), ValueError, "mode"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, threshold_mode="pct"), ValueError, "threshold_mode"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError, "min_lr"),
    (lambda o: lr_scheduler.StepLR(torch.optim.SGD([torch.ones(1)], lr=0.1), step_size=1), TypeError,
     "nn.optim Optimizer"),
])
def test_bad_input_is_named(device, make, err, match):
    opt, _ = _optimizers(device)
    with pytest.raises(err, match=match):
        make(opt)


def test_exports():
    assert nn.optim.lr_scheduler is lr_scheduler
    for name in ("StepLR", "ExponentialLR", "CosineAnnealingLR", "ReduceLROnPlateau", "LinearWarmup", "LambdaLR"):
        assert getattr(nn.optim, name) is getattr(lr_scheduler, name)
