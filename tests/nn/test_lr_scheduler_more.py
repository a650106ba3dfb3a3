"""The rest of torch.optim.lr_scheduler: MultiStepLR, LinearLR, ConstantLR, MultiplicativeLR, PolynomialLR,
CosineAnnealingWarmRestarts, CyclicLR, SequentialLR, ChainedScheduler; lr (and momentum) sequences against
torch's over 35+ steps with two param groups, step(epoch), state_dict round trips, jit and fit."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from nn import callbacks as cb
from nn.optim import lr_scheduler as ours
from tests.helpers import torch

theirs = torch.optim.lr_scheduler
LRS = (0.1, 0.03)
STEPS = 36


def _optimizers(kind="sgd"):
    ps = [ag.tensor(np.ones(2), requires_grad=True) for _ in LRS]
    tps = [torch.ones(2, requires_grad=True) for _ in LRS]
    if kind == "adam":
        return (nn.optim.Adam([{"params": [p], "lr": lr} for p, lr in zip(ps, LRS)]),
                torch.optim.Adam([{"params": [p], "lr": lr} for p, lr in zip(tps, LRS)]))
    return (nn.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(ps, LRS)], momentum=0.9),
            torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(tps, LRS)], momentum=0.9))


def _lrs(opt):
    return [g["lr"] for g in opt.param_groups]


def _momenta(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def _close(a, b, what):
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-12, err_msg=what)


# (name, arguments) where both libraries take the same arguments; `opt` / `topt` stand for the optimiser
SIMPLE = [
    ("MultiStepLR", dict(milestones=[3, 8, 8, 20], gamma=0.5)),
    ("MultiStepLR", dict(milestones=[5, 10])),
    ("LinearLR", dict()),
    ("LinearLR", dict(start_factor=0.2, end_factor=0.7, total_iters=12)),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.1, total_iters=30)),
    ("ConstantLR", dict()),
    ("ConstantLR", dict(factor=0.5, total_iters=9)),
    ("MultiplicativeLR", dict(lr_lambda=lambda e: 0.95)),
    ("MultiplicativeLR", dict(lr_lambda=[lambda e: 0.9, lambda e: 1.0 - 0.01 * (e % 4)])),
    ("PolynomialLR", dict()),
    ("PolynomialLR", dict(total_iters=25, power=2.0)),
    ("PolynomialLR", dict(total_iters=20, power=0.5)),
    ("CosineAnnealingWarmRestarts", dict(T_0=5)),
    ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2, eta_min=0.001)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4)),
    ("CyclicLR", dict(base_lr=[0.01, 0.002], max_lr=[0.1, 0.05], step_size_up=3, step_size_down=5,
                      mode="triangular2")),
    ("CyclicLR", dict(base_lr=0.001, max_lr=0.1, step_size_up=5, mode="exp_range", gamma=0.97,
                      base_momentum=[0.7, 0.75], max_momentum=0.95)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4, cycle_momentum=False)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=2, scale_fn=lambda x: 0.5 ** x,
                      scale_mode="iterations")),
    # the existing schedules are chainable now too: their sequences stay PyTorch's
    ("StepLR", dict(step_size=4, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.002)),
]


def _compare(sched, tsched, opt, topt, steps=STEPS, advance=None):
    _close(_lrs(opt), _lrs(topt), "after construction")
    _close(_momenta(opt), _momenta(topt), "momentum after construction")
    for k in range(steps):
        opt.step()
        topt.step()
        (advance or (lambda s, e: s.step()))(sched, k)
        (advance or (lambda s, e: s.step()))(tsched, k)
        _close(sched.get_last_lr(), tsched.get_last_lr(), f"step {k}")
        _close(_lrs(opt), _lrs(topt), f"group lr, step {k}")
        _close(_momenta(opt), _momenta(topt), f"momentum, step {k}")
        assert getattr(sched, "last_epoch", None) == getattr(tsched, "last_epoch", None)


@pytest.mark.parametrize("name,kw", SIMPLE, ids=[f"{s[0]}-{i}" for i, s in enumerate(SIMPLE)])
@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_sequence_matches_torch(name, kw, kind):
    opt, topt = _optimizers(kind)
    _compare(getattr(ours, name)(opt, **kw), getattr(theirs, name)(topt, **kw), opt, topt)


CLOSED_FORM = [n for n in SIMPLE if n[0] not in ("MultiplicativeLR",)]


@pytest.mark.parametrize("name,kw", CLOSED_FORM, ids=[f"{s[0]}-{i}" for i, s in enumerate(CLOSED_FORM)])
def test_step_with_epoch_matches_torch(name, kw):
    """step(epoch) jumps (PyTorch's closed forms), here back and forth."""
    opt, topt = _optimizers()
    epochs = [1, 2, 5, 4, 9, 9, 13, 3, 20, 31, 0, 7]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _compare(getattr(ours, name)(opt, **kw), getattr(theirs, name)(topt, **kw), opt, topt, len(epochs),
                 lambda s, k: s.step(epochs[k]))


@pytest.mark.parametrize("kw", [dict(T_0=4), dict(T_0=2, T_mult=3, eta_min=0.01)])
def test_warm_restarts_with_fractional_epochs(kw):
    opt, topt = _optimizers()
    iters = 7
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _compare(ours.CosineAnnealingWarmRestarts(opt, **kw), theirs.CosineAnnealingWarmRestarts(topt, **kw), opt,
                 topt, 6 * iters, lambda s, k: s.step(k // iters + (k % iters) / iters))


def _make_sequential(lib, opt):
    first = lib.LinearLR(opt, start_factor=0.1, total_iters=5)
    second = lib.ExponentialLR(opt, gamma=0.9)
    third = lib.CosineAnnealingLR(opt, T_max=6, eta_min=0.001)
    return lib.SequentialLR(opt, [first, second, third], milestones=[5, 17])


def _make_sequential_nested(lib, opt):
    warm = lib.ConstantLR(opt, factor=0.25, total_iters=3)
    body = lib.ChainedScheduler([lib.MultiStepLR(opt, milestones=[4, 9], gamma=0.5), lib.ExponentialLR(opt, 0.97)])
    return lib.SequentialLR(opt, [warm, lib.StepLR(opt, step_size=3, gamma=0.7)], milestones=[3]), body


def _make_chained(lib, opt):
    return lib.ChainedScheduler([lib.ConstantLR(opt, factor=0.1, total_iters=4), lib.ExponentialLR(opt, gamma=0.9)])


def _make_chained_three(lib, opt):
    return lib.ChainedScheduler([lib.LinearLR(opt, start_factor=0.3, total_iters=6),
                                 lib.CosineAnnealingLR(opt, T_max=10), lib.MultiStepLR(opt, [8, 16], 0.5)],
                                optimizer=opt)


def _make_chained_cyclic(lib, opt):
    return lib.ChainedScheduler([lib.CyclicLR(opt, 0.01, 0.1, step_size_up=3), lib.MultiplicativeLR(opt, lambda e: 0.98)])


COMPOSITES = [_make_sequential, lambda lib, opt: _make_sequential_nested(lib, opt)[0], _make_chained,
              _make_chained_three, _make_chained_cyclic]


@pytest.mark.parametrize("make", COMPOSITES)
def test_composites_match_torch(make):
    opt, topt = _optimizers()
    _compare(make(ours, opt), make(theirs, topt), opt, topt)


ROUND_TRIPS = [
    lambda lib, o: lib.MultiStepLR(o, milestones=[3, 9, 14], gamma=0.5),
    lambda lib, o: lib.LinearLR(o, start_factor=0.25, total_iters=10),
    lambda lib, o: lib.ConstantLR(o, factor=0.5, total_iters=9),
    lambda lib, o: lib.MultiplicativeLR(o, lambda e: 0.9),
    lambda lib, o: lib.PolynomialLR(o, total_iters=15, power=1.5),
    lambda lib, o: lib.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    lambda lib, o: lib.CyclicLR(o, 0.01, 0.1, step_size_up=4, mode="triangular2"),
    lambda lib, o: lib.CyclicLR(o, 0.01, 0.1, step_size_up=2, scale_fn=lambda x: 0.9 ** x),
    _make_sequential,
    _make_chained,
]


@pytest.mark.parametrize("make", ROUND_TRIPS)
@pytest.mark.filterwarnings("ignore:Detected call of")
def test_state_dict_round_trip(make):
    """A scheduler rebuilt on a fresh optimiser and loaded from state_dict continues as the original (and torch)."""
    opt, topt = _optimizers()
    sched, tsched = make(ours, opt), make(theirs, topt)
    for _ in range(7):
        sched.step()
        tsched.step()
    saved = sched.state_dict()
    assert "optimizer" not in saved
    opt2, _ = _optimizers()
    sched2 = make(ours, opt2)  # as in PyTorch: build the scheduler first, as it sets the lr, then load both
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(saved)
    for k in range(12):
        for s in (sched, sched2, tsched):
            s.step()
        assert sched2.get_last_lr() == sched.get_last_lr()
        assert _lrs(opt2) == _lrs(opt)
        _close(sched2.get_last_lr(), tsched.get_last_lr(), f"step {k} after loading")
        _close(_momenta(opt2), _momenta(topt), f"momentum, step {k} after loading")


@pytest.mark.parametrize("make,err,match", [
    (lambda o: ours.LinearLR(o, start_factor=0), ValueError, "start_factor"),
    (lambda o: ours.LinearLR(o, end_factor=1.5), ValueError, "end_factor"),
    (lambda o: ours.ConstantLR(o, factor=2.0), ValueError, "factor"),
    (lambda o: ours.MultiplicativeLR(o, [lambda e: 1.0]), ValueError, "2 param groups"),
    (lambda o: ours.MultiplicativeLR(o, 0.9), TypeError, "function"),
    (lambda o: ours.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "T_0"),
    (lambda o: ours.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0), ValueError, "T_mult"),
    (lambda o: ours.CosineAnnealingWarmRestarts(o, T_0=2).step(-1), ValueError, "epoch"),
    (lambda o: ours.CyclicLR(o, 0.01, 0.1, mode="sawtooth"), ValueError, "mode"),
    (lambda o: ours.CyclicLR(o, [0.01], 0.1), ValueError, "base_lr"),
    (lambda o: ours.CyclicLR(nn.optim.Adagrad([ag.ones(1, requires_grad=True)]), 0.01, 0.1), ValueError,
     "cycle_momentum"),
    (lambda o: ours.SequentialLR(o, [ours.StepLR(o, 2)], milestones=[3]), ValueError, "milestone"),
    (lambda o: ours.SequentialLR(o, [], milestones=[]), ValueError, "at least one"),
    (lambda o: ours.ChainedScheduler([ours.StepLR(o, 2), ours.ReduceLROnPlateau(o)]), ValueError,
     "ReduceLROnPlateau"),
    (lambda o: ours.ChainedScheduler([ours.StepLR(o, 2), ours.StepLR(_optimizers()[0], 2)]), ValueError,
     "same optimizer"),
])
def test_bad_input_is_named(make, err, match):
    opt, _ = _optimizers()
    with pytest.raises(err, match=match):
        make(opt)


def test_exports():
    for name in ("MultiStepLR", "LinearLR", "ConstantLR", "MultiplicativeLR", "PolynomialLR",
                 "CosineAnnealingWarmRestarts", "CyclicLR", "SequentialLR", "ChainedScheduler"):
        assert getattr(nn.optim, name) is getattr(ours, name) is getattr(nn.optim.lr_scheduler, name)
        assert name in nn.optim.__all__ and name in ours.__all__


def _xy(seed):
    rng = np.random.default_rng(seed)
    return ag.tensor(rng.standard_normal((6, 8)).astype(np.float32)), ag.tensor(rng.integers(0, 5, 6))


@pytest.mark.parametrize("make", [
    lambda o: ours.MultiStepLR(o, milestones=[2, 5], gamma=0.3),
    lambda o: ours.CyclicLR(o, 0.01, 0.2, step_size_up=3),
    lambda o: ours.SequentialLR(o, [ours.LinearLR(o, 0.2, total_iters=3), ours.PolynomialLR(o, 6, 2.0)], [3]),
    lambda o: ours.CosineAnnealingWarmRestarts(o, T_0=3),
])
def test_compiled_steps_read_the_scheduled_lr(make):
    def run(compiled):
        ag.manual_seed(0)
        model = nn.Sequential(nn.Linear(8, 5))
        opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        sched = make(opt)

        def step(x, y):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss
        f = ag.jit(step) if compiled else step
        for k in range(9):
            f(*_xy(k % 2))
            sched.step()
        return model[0].weight.numpy().copy()
    eager = run(False)
    np.testing.assert_allclose(run(True), eager, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_fit_steps_a_new_scheduler(jit_compile):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((24, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 2))
    model.compile(nn.optim.SGD(model.parameters(), lr=0.1), "sparse_categorical_crossentropy",
                  jit_compile=jit_compile)
    sched = ours.SequentialLR(model.optimizer, [ours.ConstantLR(model.optimizer, 0.5, total_iters=2),
                                                ours.MultiStepLR(model.optimizer, [3], 0.1)], milestones=[2])
    history = model.fit(x, y, epochs=6, batch_size=8, callbacks=[cb.LearningRateScheduler(sched)], verbose=0)
    assert history.history["lr"] == pytest.approx([0.05, 0.05, 0.1, 0.1, 0.1, 0.01])
