"""Learning-rate schedules that resume from checkpoints, in float32, written for PyTorch; tests run it as is and
with only its imports changed, and compare what both print. Two parameter groups (backbone and head, different
base lrs) are trained under CyclicLR (triangular2 and exp_range, with cycle_momentum on SGD's momentum),
SequentialLR(LinearLR warm-up -> MultiStepLR), ChainedScheduler(ConstantLR, ExponentialLR, MultiplicativeLR),
PolynomialLR, LambdaLR with one lambda per group, and ReduceLROnPlateau(mode='max', threshold_mode='abs',
cooldown, a min_lr per group) on a validation accuracy; halfway through each run the optimiser's and scheduler's
state_dicts are saved, fresh objects are built and load them, and training continues — the printed learning
rates, momenta and losses must follow the uninterrupted schedule; print(optimizer) shows the groups' options.
Data and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import (ChainedScheduler, ConstantLR, CyclicLR, ExponentialLR, LambdaLR, LinearLR,
                                      MultiplicativeLR, MultiStepLR, PolynomialLR, ReduceLROnPlateau, SequentialLR)


def build(rng_state):
    rng = np.random.default_rng(rng_state)
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.4 * rng.standard_normal(tuple(p.shape))).float())
    return model


def make_optimizer(model):
    return optim.SGD([{"params": model[0].parameters(), "lr": 0.05},
                      {"params": model[2].parameters(), "lr": 0.2, "momentum": 0.8}], lr=0.1, momentum=0.9)


SCHEDULES = {
    "cyclic_triangular2": lambda opt: CyclicLR(opt, base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=3,
                                               mode="triangular2", base_momentum=0.7, max_momentum=0.95),
    "cyclic_exp_range": lambda opt: CyclicLR(opt, base_lr=0.01, max_lr=0.2, step_size_up=2, step_size_down=4,
                                             mode="exp_range", gamma=0.9, cycle_momentum=False),
    "sequential": lambda opt: SequentialLR(opt, [LinearLR(opt, start_factor=0.1, total_iters=3),
                                                 MultiStepLR(opt, milestones=[2, 5], gamma=0.3)], milestones=[3]),
    "chained": lambda opt: ChainedScheduler([ConstantLR(opt, factor=0.5, total_iters=4),
                                             ExponentialLR(opt, gamma=0.95),
                                             MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.98)]),
    "polynomial": lambda opt: PolynomialLR(opt, total_iters=8, power=2.0),
    "lambda": lambda opt: LambdaLR(opt, lr_lambda=[lambda e: 1.0 / (1 + e), lambda e: 0.9 ** e]),
}


def main():
    rng = np.random.default_rng(55)
    x = torch.from_numpy(rng.standard_normal((48, 5))).float()
    y = torch.from_numpy((x[:, 0] + x[:, 1] * x[:, 2] > 0).long().numpy() + (x[:, 3] > 1).long().numpy())
    for name, make in SCHEDULES.items():
        model = build(7)
        opt = make_optimizer(model)
        sched = make(opt)
        trace = []
        for step in range(10):
            if step == 5:
                saved_opt, saved_sched = opt.state_dict(), sched.state_dict()
                model_state = {k: v.clone() for k, v in model.state_dict().items()}
                model = build(7)
                model.load_state_dict(model_state)
                opt = make_optimizer(model)
                sched = make(opt)
                opt.load_state_dict(saved_opt)
                sched.load_state_dict(saved_sched)
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            trace.append(f"{loss.item():.5f}")
        lrs = [round(lr, 6) for lr in sched.get_last_lr()]
        momenta = [round(g["momentum"], 5) for g in opt.param_groups]
        epoch = sched.last_epoch if hasattr(sched, "last_epoch") else "-"
        print(f"{name:19s} lrs {lrs} momenta {momenta} epoch {epoch}")
        print(f"{'':19s} losses {' '.join(trace)}")
        if name == "cyclic_triangular2":
            print(opt)

    model = build(7)
    opt = make_optimizer(model)
    plateau = ReduceLROnPlateau(opt, mode="max", factor=0.5, patience=1, threshold=0.02, threshold_mode="abs",
                                cooldown=1, min_lr=[0.01, 0.03])
    for epoch in range(12):
        if epoch == 6:
            saved = plateau.state_dict()
            plateau = ReduceLROnPlateau(opt, mode="max", factor=0.5, patience=1, threshold=0.02,
                                        threshold_mode="abs", cooldown=1, min_lr=[0.01, 0.03])
            plateau.load_state_dict(saved)
        loss = F.cross_entropy(model(x[:32]), y[:32])
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            acc = (model(x[32:]).argmax(1) == y[32:]).float().mean().item()
        plateau.step(acc)
        lrs = [round(g["lr"], 6) for g in opt.param_groups]
        print(f"plateau epoch {epoch} loss {loss.item():.5f} val acc {acc:.4f} lrs {lrs} "
              f"best {plateau.best:.4f} bad {plateau.num_bad_epochs} cooldown {plateau.cooldown_counter}")


if __name__ == "__main__":
    main()
