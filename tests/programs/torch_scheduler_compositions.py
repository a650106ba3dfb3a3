"""Learning-rate schedules composed the way training recipes compose them, printed epoch by epoch with
get_last_lr(): OneCycleLR in three phases with linear annealing and momentum cycling on Adam's betas,
CosineAnnealingWarmRestarts stepped with fractional epochs, SequentialLR joining a LinearLR warm-up to an
ExponentialLR, ChainedScheduler stacking a ConstantLR on a StepLR, ReduceLROnPlateau in 'max' mode with an
absolute threshold, cooldown and per-group floors, CyclicLR in triangular2 and exp_range modes, and PolynomialLR
on two parameter groups; scheduler state dicts round-trip. Float64 parameters, a small regression.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import (ChainedScheduler, ConstantLR, CosineAnnealingWarmRestarts, CyclicLR,
                                      ExponentialLR, LinearLR, OneCycleLR, PolynomialLR, ReduceLROnPlateau,
                                      SequentialLR, StepLR)


def rounded(values, places=8):
    return [round(v, places) for v in values]


def make_model():
    model = nn.Linear(3, 1).double()
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[0.3, -0.2, 0.1]], dtype=torch.float64))
        model.bias.fill_(0.05)
    return model


def main():
    rng = np.random.default_rng(2017)
    x = torch.from_numpy(rng.standard_normal((32, 3)))
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]], dtype=torch.float64) + 0.1

    def train_step(model, optimizer):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    model = make_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.99))
    one_cycle = OneCycleLR(optimizer, max_lr=0.1, total_steps=12, pct_start=0.25, anneal_strategy="linear",
                           three_phase=True, div_factor=10.0, final_div_factor=100.0)
    lrs, betas = [], []
    for _ in range(12):
        loss = train_step(model, optimizer)
        lrs.append(one_cycle.get_last_lr()[0])
        betas.append(optimizer.param_groups[0]["betas"][0])
        one_cycle.step()
    print("one-cycle lr", rounded(lrs))
    print("one-cycle beta1", rounded(betas))
    print("one-cycle loss", round(loss, 10))

    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    restarts = CosineAnnealingWarmRestarts(optimizer, T_0=2, T_mult=2, eta_min=0.001)
    seen = []
    for epoch in range(5):
        for i in range(3):
            train_step(model, optimizer)
            restarts.step(epoch + i / 3)
            seen.append(restarts.get_last_lr()[0])
    print("warm restarts", rounded(seen))
    print("T_i", restarts.T_i, "T_cur", round(restarts.T_cur, 8))

    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
    warmup = LinearLR(optimizer, start_factor=0.1, end_factor=1.0, total_iters=3)
    decay = ExponentialLR(optimizer, gamma=0.8)
    sequential = SequentialLR(optimizer, schedulers=[warmup, decay], milestones=[3])
    seen = []
    for _ in range(8):
        train_step(model, optimizer)
        sequential.step()
        seen.append(sequential.get_last_lr()[0])
    print("sequential", rounded(seen))

    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    chained = ChainedScheduler([ConstantLR(optimizer, factor=0.5, total_iters=4), StepLR(optimizer, 3, gamma=0.5)])
    seen = []
    for _ in range(8):
        train_step(model, optimizer)
        chained.step()
        seen.append(chained.get_last_lr()[0])
    print("chained", rounded(seen))

    model = make_model()
    optimizer = torch.optim.SGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.05}], lr=0.1)
    plateau = ReduceLROnPlateau(optimizer, mode="max", factor=0.5, patience=1, threshold=0.01,
                                threshold_mode="abs", cooldown=1, min_lr=[0.01, 0.02])
    scores = [0.50, 0.505, 0.51, 0.60, 0.60, 0.601, 0.59, 0.58, 0.70, 0.69, 0.69, 0.69]
    seen = []
    for score in scores:
        train_step(model, optimizer)
        plateau.step(score)
        seen.append(tuple(round(g["lr"], 8) for g in optimizer.param_groups))
    print("plateau", seen)
    print("plateau best", plateau.best, "bad epochs", plateau.num_bad_epochs, "cooldown", plateau.cooldown_counter)
    print("plateau last lr", rounded(plateau.get_last_lr()))

    for mode in ("triangular2", "exp_range"):
        model = make_model()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        cyclic = CyclicLR(optimizer, base_lr=0.01, max_lr=0.1, step_size_up=2, step_size_down=3, mode=mode,
                          gamma=0.9)
        seen, moms = [], []
        for _ in range(11):
            train_step(model, optimizer)
            cyclic.step()
            seen.append(cyclic.get_last_lr()[0])
            moms.append(optimizer.param_groups[0]["momentum"])
        print("cyclic", mode, rounded(seen))
        print("cyclic momentum", mode, rounded(moms))

    model = make_model()
    optimizer = torch.optim.SGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.3}], lr=0.1)
    poly = PolynomialLR(optimizer, total_iters=5, power=2.0)
    seen = []
    for _ in range(7):
        train_step(model, optimizer)
        poly.step()
        seen.append(rounded(poly.get_last_lr()))
    print("polynomial", seen)
    state = poly.state_dict()
    print("state keys", sorted(state), state["last_epoch"], rounded(state["base_lrs"]))
    fresh = PolynomialLR(optimizer, total_iters=9, power=1.0)
    fresh.load_state_dict(state)
    print("restored", fresh.total_iters, fresh.power, fresh.last_epoch)
    print("weights", rounded(model.weight.flatten().tolist()))
