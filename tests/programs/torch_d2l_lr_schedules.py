"""Learning-rate scheduling by hand in the style of Dive into Deep Learning (d2l.ai), written for PyTorch; tests
run it as is and with only its imports changed, and compare what both print. d2l's SquareRootScheduler,
FactorScheduler (with a floor), MultiFactorScheduler and CosineScheduler with linear warmup as plain callables,
applied by writing `param_group["lr"] = scheduler(epoch)` into the optimiser each epoch of a small training run,
and checked against torch.optim.lr_scheduler (imported as d2l does, `from torch.optim import lr_scheduler`):
LambdaLR for the square root, ExponentialLR for the factor, MultiStepLR for the multi-factor one, StepLR and
PolynomialLR for two closed forms, CosineAnnealingLR for the cosine without warmup, and LinearLR + SequentialLR
with CosineAnnealingLR for warmup then cosine; get_last_lr() and the state_dict's last_epoch read back. Float64,
weights and data from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn
from torch.optim import lr_scheduler


class SquareRootScheduler:
    def __init__(self, lr=0.1):
        self.lr = lr

    def __call__(self, num_update):
        return self.lr * pow(num_update + 1.0, -0.5)


class FactorScheduler:
    def __init__(self, factor=1, stop_factor_lr=1e-7, base_lr=0.1):
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.base_lr = base_lr

    def __call__(self, num_update):
        self.base_lr = max(self.stop_factor_lr, self.base_lr * self.factor)
        return self.base_lr


class MultiFactorScheduler:
    def __init__(self, milestones, factor, base_lr):
        self.milestones, self.factor, self.base_lr = milestones, factor, base_lr

    def __call__(self, epoch):
        return self.base_lr * self.factor ** sum(epoch >= m for m in self.milestones)


class CosineScheduler:
    def __init__(self, max_update, base_lr=0.01, final_lr=0, warmup_steps=0, warmup_begin_lr=0):
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.warmup_steps = warmup_steps
        self.warmup_begin_lr = warmup_begin_lr
        self.max_steps = self.max_update - self.warmup_steps

    def get_warmup_lr(self, epoch):
        increase = (self.base_lr_orig - self.warmup_begin_lr) * float(epoch) / float(self.warmup_steps)
        return self.warmup_begin_lr + increase

    def __call__(self, epoch):
        if epoch < self.warmup_steps:
            return self.get_warmup_lr(epoch)
        if epoch <= self.max_update:
            self.base_lr = self.final_lr + (self.base_lr_orig - self.final_lr) * (
                1 + math.cos(math.pi * (epoch - self.warmup_steps) / self.max_steps)) / 2
        return self.base_lr


def make_problem(rng):
    X = torch.from_numpy(rng.normal(0, 1, (64, 6)))
    y = torch.from_numpy(rng.integers(0, 3, 64))
    net = nn.Sequential(nn.Linear(6, 10), nn.ReLU(), nn.Linear(10, 3))
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.4, tuple(p.shape))))
    return X, y, net


def train(net, X, y, trainer, num_epochs, by_hand=None, sched=None):
    lrs, losses = [], []
    loss = nn.CrossEntropyLoss()
    for epoch in range(num_epochs):
        if by_hand is not None:
            for param_group in trainer.param_groups:
                param_group["lr"] = by_hand(epoch)
        lrs.append(trainer.param_groups[0]["lr"])
        for i in range(0, 64, 16):
            trainer.zero_grad()
            l = loss(net(X[i:i + 16]), y[i:i + 16])
            l.backward()
            trainer.step()
        losses.append(loss(net(X), y).item())
        if sched is not None:
            sched.step()
    return lrs, losses


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(12)
    X, y, net = make_problem(rng)
    state = {k: v.clone() for k, v in net.state_dict().items()}
    num_epochs = 12

    def compare(name, by_hand, make_sched):
        net.load_state_dict(state)
        trainer = torch.optim.SGD(net.parameters(), lr=by_hand(0))
        lrs, losses = train(net, X, y, trainer, num_epochs, by_hand=by_hand)
        net.load_state_dict(state)
        trainer = torch.optim.SGD(net.parameters(), lr=0.5)
        sched = make_sched(trainer)
        lrs_ref, losses_ref = train(net, X, y, trainer, num_epochs, sched=sched)
        same = np.allclose(lrs, lrs_ref, rtol=1e-12, atol=1e-15) and np.allclose(losses, losses_ref, rtol=1e-10)
        print(f"{name}: same as lr_scheduler {same}", [round(v, 6) for v in lrs[:6]],
              f"final loss {losses[-1]:.8f}", sched.last_epoch, [round(v, 8) for v in sched.get_last_lr()])

    print("square root:", [round(SquareRootScheduler(0.1)(t), 6) for t in range(5)])
    compare("square root", SquareRootScheduler(lr=0.5),
            lambda opt: lr_scheduler.LambdaLR(opt, lambda t: pow(t + 1.0, -0.5)))
    factor = FactorScheduler(factor=0.9, stop_factor_lr=1e-2, base_lr=2.0)
    print("factor with floor:", [round(factor(t), 6) for t in range(0, 50, 1)][::10])
    compare("factor", lambda t: 0.5 * 0.8 ** t, lambda opt: lr_scheduler.ExponentialLR(opt, gamma=0.8))
    compare("multi-factor", MultiFactorScheduler([3, 7], 0.5, 0.5),
            lambda opt: lr_scheduler.MultiStepLR(opt, milestones=[3, 7], gamma=0.5))
    compare("cosine", CosineScheduler(max_update=11, base_lr=0.5, final_lr=0.01),
            lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=11, eta_min=0.01))
    compare("step", lambda t: 0.5 * 0.3 ** (t // 4), lambda opt: lr_scheduler.StepLR(opt, step_size=4, gamma=0.3))
    compare("polynomial", lambda t: 0.5 * (1 - min(t, 10) / 10) ** 2,
            lambda opt: lr_scheduler.PolynomialLR(opt, total_iters=10, power=2.0))
    warm = CosineScheduler(max_update=10, base_lr=0.5, final_lr=0.01, warmup_steps=3, warmup_begin_lr=0.05)
    print("warmup + cosine:", [round(warm(t), 6) for t in range(num_epochs)])

    def seq(opt):
        return lr_scheduler.SequentialLR(opt, [
            lr_scheduler.LinearLR(opt, start_factor=0.1, end_factor=1.0, total_iters=3),
            lr_scheduler.CosineAnnealingLR(opt, T_max=7, eta_min=0.01)], milestones=[3])

    warm = CosineScheduler(max_update=10, base_lr=0.5, final_lr=0.01, warmup_steps=3, warmup_begin_lr=0.05)
    net.load_state_dict(state)
    trainer = torch.optim.SGD(net.parameters(), lr=0.5)
    sched = seq(trainer)
    lrs_ref, _ = train(net, X, y, trainer, 10, sched=sched)
    print("SequentialLR:", [round(v, 6) for v in lrs_ref])
    print("hand-written:", [round(warm(t), 6) for t in range(10)])
    print("they agree after warmup:", np.allclose(lrs_ref[3:], [warm(t) for t in range(3, 10)]),
          sched.state_dict()["last_epoch"], sched.state_dict()["_milestones"])
