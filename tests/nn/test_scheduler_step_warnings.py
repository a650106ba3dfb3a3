"""The warnings a learning-rate scheduler gives, in the same situations as PyTorch's: its first step() before any
optimizer.step() (the schedule's first value is then never used), and step(epoch) (deprecated)."""
import re
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from nn.optim import lr_scheduler
from tests.helpers import require_torch

# name, how to build the scheduler from the library's lr_scheduler module and an optimizer
SCHEDULERS = [
    ("StepLR", lambda L, opt: L.StepLR(opt, step_size=2)),
    ("LambdaLR", lambda L, opt: L.LambdaLR(opt, lambda epoch: 0.9 ** epoch)),
    ("OneCycleLR", lambda L, opt: L.OneCycleLR(opt, max_lr=0.5, total_steps=10)),
    ("CyclicLR", lambda L, opt: L.CyclicLR(opt, 0.01, 0.1, step_size_up=2)),
    ("CosineAnnealingWarmRestarts", lambda L, opt: L.CosineAnnealingWarmRestarts(opt, T_0=3)),
    ("SequentialLR", lambda L, opt: L.SequentialLR(opt, [L.ConstantLR(opt, factor=0.5, total_iters=2),
                                                         L.ExponentialLR(opt, gamma=0.9)], milestones=[2])),
]


def _warnings_of(lib, L, build, optimizer_first, epoch=None):
    """The warning messages raised while a few rounds of (optimizer step, scheduler step) run, in the given
    order, on library `lib` (torch or deepgrad)."""
    weight = lib.nn.Parameter(lib.tensor(np.ones(3, np.float32)))
    opt = lib.optim.SGD([weight], lr=0.1, momentum=0.9)
    scheduler = build(L, opt)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            (weight * weight).sum().backward()
            if optimizer_first:
                opt.step()
                scheduler.step() if epoch is None else scheduler.step(epoch)
            else:
                scheduler.step() if epoch is None else scheduler.step(epoch)
                opt.step()
            opt.zero_grad()
    return [str(w.message) for w in caught if issubclass(w.category, UserWarning)], opt.param_groups[0]["lr"]


class _Deepgrad:
    """deepgrad under the names the helper above reads from torch."""
    nn = nn
    optim = nn.optim
    tensor = staticmethod(ag.tensor)


def _kinds(messages):
    return sorted({"order" if "before `optimizer.step()`" in m else "epoch" if "epoch parameter" in m else m
                   for m in messages})


@pytest.mark.parametrize("name,build", SCHEDULERS, ids=[s[0] for s in SCHEDULERS])
@pytest.mark.parametrize("optimizer_first", [True, False], ids=["optimizer_first", "scheduler_first"])
def test_scheduler_warns_when_pytorch_does(name, build, optimizer_first):
    torch = require_torch()
    ours, our_lr = _warnings_of(_Deepgrad, lr_scheduler, build, optimizer_first)
    theirs, their_lr = _warnings_of(torch, torch.optim.lr_scheduler, build, optimizer_first)
    assert _kinds(ours) == _kinds(theirs)
    assert our_lr == pytest.approx(their_lr)


def test_step_with_epoch_warns_deprecated_as_pytorch():
    torch = require_torch()
    build = SCHEDULERS[0][1]
    ours, _ = _warnings_of(_Deepgrad, lr_scheduler, build, True, epoch=1)
    theirs, _ = _warnings_of(torch, torch.optim.lr_scheduler, build, True, epoch=1)
    assert _kinds(ours) == _kinds(theirs) == ["epoch"]


def test_order_warning_starts_as_pytorchs_so_filters_match():
    weight = nn.Parameter(ag.ones(2))
    opt = nn.optim.SGD([weight], lr=0.1)
    scheduler = lr_scheduler.StepLR(opt, step_size=1)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=re.escape("Detected call of `lr_scheduler.step()` before"))
        with pytest.raises(UserWarning, match=re.escape("Call `optimizer.step()` first")):
            scheduler.step()
