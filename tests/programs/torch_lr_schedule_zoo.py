"""Learning-rate schedules as training recipes compose them; tests run it as is and with only its imports changed,
and compare what both print. OneCycleLR with three_phase and linear annealing (and its momentum / beta cycling
on Adam), CyclicLR in triangular2 and exp_range modes with cycle_momentum, CosineAnnealingWarmRestarts with T_mult
stepped by fractional epochs, SequentialLR from LinearLR warm-up to ExponentialLR, ChainedScheduler of ConstantLR
and MultiStepLR, PolynomialLR, LambdaLR and MultiplicativeLR with per-group lambdas, ReduceLROnPlateau with
cooldown and threshold_mode='abs', each on two parameter groups with their own learning rates, and a small
regression trained under OneCycleLR. Float32, NumPy data.
"""
import math

import numpy as np
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import (ChainedScheduler, ConstantLR, CosineAnnealingWarmRestarts, CyclicLR,
                                      ExponentialLR, LambdaLR, LinearLR, MultiplicativeLR, MultiStepLR, OneCycleLR,
                                      PolynomialLR, ReduceLROnPlateau, SequentialLR)


def groups():
    a = nn.Parameter(torch.zeros(2))
    b = nn.Parameter(torch.zeros(3))
    return [{"params": [a]}, {"params": [b], "lr": 0.01}]


def trace(opt, sched, steps, key="lr", fmt="{:.6f}"):
    out = []
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append("/".join(fmt.format(g[key] if key != "betas" else g["betas"][0]) for g in opt.param_groups))
    return " ".join(out)


def main():
    rng = np.random.default_rng(120)
    opt = torch.optim.SGD(groups(), lr=0.1, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=[1.0, 0.1], total_steps=12, pct_start=0.25, anneal_strategy="linear",
                       three_phase=True, div_factor=10.0, final_div_factor=100.0)
    print("onecycle", trace(opt, sched, 11))
    print("momentum", [round(g["momentum"], 6) for g in opt.param_groups], sched.get_last_lr())
    opt = torch.optim.Adam(groups(), lr=0.1)
    sched = OneCycleLR(opt, max_lr=0.5, epochs=2, steps_per_epoch=5, base_momentum=0.8, max_momentum=0.95)
    print("onecycle adam", trace(opt, sched, 9, fmt="{:.5f}"))
    print("betas", [tuple(round(v, 6) for v in g["betas"]) for g in opt.param_groups])
    opt = torch.optim.SGD(groups(), lr=0.1, momentum=0.9)
    sched = CyclicLR(opt, base_lr=[0.01, 0.001], max_lr=[0.1, 0.05], step_size_up=3, mode="triangular2")
    print("cyclic tri2", trace(opt, sched, 14, fmt="{:.5f}"))
    opt = torch.optim.SGD(groups(), lr=0.1, momentum=0.9)
    sched = CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2, step_size_down=4, mode="exp_range", gamma=0.9,
                     cycle_momentum=True, base_momentum=0.8, max_momentum=0.9)
    print("cyclic exp", trace(opt, sched, 10, fmt="{:.5f}"), round(opt.param_groups[0]["momentum"], 6))
    opt = torch.optim.SGD(groups(), lr=0.1)
    sched = CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.001)
    lrs = []
    for epoch in range(4):
        for i in range(4):
            opt.step()
            sched.step(epoch + i / 4)
            lrs.append(f"{opt.param_groups[0]['lr']:.5f}")
    print("warm restarts", " ".join(lrs), sched.T_cur, sched.T_i)
    opt = torch.optim.SGD(groups(), lr=0.1)
    warm = LinearLR(opt, start_factor=0.1, end_factor=1.0, total_iters=3)
    decay = ExponentialLR(opt, gamma=0.8)
    sched = SequentialLR(opt, schedulers=[warm, decay], milestones=[3])
    print("sequential", trace(opt, sched, 8))
    opt = torch.optim.SGD(groups(), lr=0.1)
    sched = ChainedScheduler([ConstantLR(opt, factor=0.5, total_iters=2), MultiStepLR(opt, milestones=[3, 5], gamma=0.1)])
    print("chained", trace(opt, sched, 7, fmt="{:.6g}"))
    opt = torch.optim.SGD(groups(), lr=0.1)
    sched = PolynomialLR(opt, total_iters=5, power=2.0)
    print("poly", trace(opt, sched, 7, fmt="{:.6g}"))
    opt = torch.optim.SGD(groups(), lr=0.1)
    sched = LambdaLR(opt, lr_lambda=[lambda e: 1 / (1 + e), lambda e: 0.5 ** (e // 2)])
    print("lambda", trace(opt, sched, 5, fmt="{:.6g}"))
    opt = torch.optim.SGD(groups(), lr=0.1)
    sched = MultiplicativeLR(opt, lr_lambda=lambda e: 0.9 if e % 2 else 1.0)
    print("multiplicative", trace(opt, sched, 5, fmt="{:.6g}"))
    opt = torch.optim.SGD(groups(), lr=0.1)
    sched = ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1, threshold=0.05, threshold_mode="abs",
                              cooldown=1, min_lr=[0.01, 0.004])
    out = []
    for val in [1.0, 0.99, 0.98, 0.9, 0.89, 0.88, 0.87, 0.86, 0.85, 0.84]:
        opt.step()
        sched.step(val)
        out.append("/".join(f"{g['lr']:.4g}" for g in opt.param_groups))
    print("plateau", " ".join(out), sched.num_bad_epochs, sched.best)
    x = torch.from_numpy(rng.standard_normal((64, 3)).astype(np.float32))
    y = x @ torch.tensor([[1.5], [-2.0], [0.5]]) + 0.3
    model = nn.Linear(3, 1)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    sched = OneCycleLR(opt, max_lr=0.2, total_steps=20, cycle_momentum=True)
    for step in range(20):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        sched.step()
        if step % 4 == 3:
            print(f"step {step} loss {loss.item():.6f} lr {sched.get_last_lr()[0]:.6f} "
                  f"momentum {opt.param_groups[0]['momentum']:.4f}")
    print(model.weight.data, model.bias.data, math.isclose(sched.get_last_lr()[0], opt.param_groups[0]["lr"]))
    state = sched.state_dict()
    print(state["_step_count"], state["last_epoch"], state["total_steps"], state["base_lrs"], state["cycle_momentum"])


if __name__ == "__main__":
    main()
