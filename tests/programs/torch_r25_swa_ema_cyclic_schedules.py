"""Stochastic weight averaging and EMA as a training script uses torch.optim.swa_utils, beside the schedulers that
move momentum as well as the learning rate; tests run it as is and with only its imports changed, and compare what
both print. An AveragedModel with the default running mean, one with get_ema_multi_avg_fn(0.9) and
use_buffers=True, SWALR annealing linearly and by cosine, update_bn over a DataLoader, OneCycleLR with
three_phase=True and linear annealing on Adam (its betas cycle), CyclicLR in exp_range and triangular2 modes on
SGD with momentum cycling, CosineAnnealingWarmRestarts stepped with fractional epochs, PolynomialLR, and
SequentialLR / ChainedScheduler compositions. Float32, torch.manual_seed and a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import (ChainedScheduler, ConstantLR, CosineAnnealingWarmRestarts, CyclicLR,
                                      ExponentialLR, LinearLR, OneCycleLR, PolynomialLR, SequentialLR)
from torch.optim.swa_utils import SWALR, AveragedModel, get_ema_multi_avg_fn, update_bn
from torch.utils.data import DataLoader, TensorDataset


def rounded(values):
    return [round(v, 6) for v in values]


def main():
    torch.manual_seed(25)
    rng = np.random.default_rng(2501)
    x = torch.from_numpy(rng.normal(0, 1, (64, 4)).astype(np.float32))
    noise = torch.from_numpy(rng.normal(0, 0.1, (64, 1)).astype(np.float32))
    y = x @ torch.tensor([[1.0], [-2.0], [0.5], [0.3]]) + noise
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=False)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1))
    swa = AveragedModel(model)
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.9), use_buffers=True)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    swa_sched = SWALR(opt, swa_lr=0.01, anneal_epochs=3, anneal_strategy="linear")
    for epoch in range(6):
        for xb, yb in loader:
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(xb), yb)
            loss.backward()
            opt.step()
            ema.update_parameters(model)
        if epoch >= 2:
            swa.update_parameters(model)
            swa_sched.step()
        print("epoch", epoch, round(loss.item(), 5), rounded(swa_sched.get_last_lr()), swa.n_averaged.item(),
              ema.n_averaged.item())
    print("swa buffers before", swa.module[1].running_mean[:4], swa.module[1].num_batches_tracked.item())
    update_bn(loader, swa)
    print("swa bn", swa.module[1].running_mean[:4], swa.module[1].running_var[:4])
    print("swa momentum restored", swa.module[1].momentum, swa.module[1].num_batches_tracked.item())
    print("ema bn", ema.module[1].running_mean[:4], ema.module[1].num_batches_tracked.item())
    with torch.no_grad():
        print("swa out", swa(x[:3]).squeeze(1), "ema out", ema(x[:3]).squeeze(1))
    print("swa keys", list(swa.state_dict())[:3], len(swa.state_dict()))

    cos_opt = torch.optim.SGD([nn.Parameter(torch.zeros(2))], lr=0.2)
    cos_swa = SWALR(cos_opt, swa_lr=[0.02], anneal_epochs=4, anneal_strategy="cos")
    lrs = []
    for _ in range(6):
        cos_opt.step()
        cos_swa.step()
        lrs.append(cos_opt.param_groups[0]["lr"])
    print("swalr cos", rounded(lrs))

    w = nn.Parameter(torch.tensor([1.0, -1.0]))
    adam = torch.optim.Adam([w], lr=0.01, betas=(0.9, 0.99))
    one = OneCycleLR(adam, max_lr=0.1, total_steps=12, pct_start=0.3, anneal_strategy="linear", three_phase=True,
                     div_factor=10.0, final_div_factor=100.0, base_momentum=0.8, max_momentum=0.95)
    trace = []
    for _ in range(12):
        loss = (w ** 2).sum()
        adam.zero_grad()
        loss.backward()
        adam.step()
        one.step()
        group = adam.param_groups[0]
        trace.append((round(group["lr"], 6), round(group["betas"][0], 6)))
    print("onecycle three-phase", trace)
    print("onecycle w", w.detach(), one.state_dict()["_step_count"], one.last_epoch)

    p = nn.Parameter(torch.tensor([3.0]))
    sgd = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    cyc = CyclicLR(sgd, base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=2, mode="exp_range", gamma=0.9,
                   base_momentum=0.8, max_momentum=0.9)
    seen = []
    for _ in range(10):
        sgd.zero_grad()
        (p ** 2).sum().backward()
        sgd.step()
        cyc.step()
        seen.append((round(sgd.param_groups[0]["lr"], 6), round(sgd.param_groups[0]["momentum"], 6)))
    print("cyclic exp_range", seen, p.detach())
    sgd2 = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    tri = CyclicLR(sgd2, base_lr=0.001, max_lr=0.01, step_size_up=2, mode="triangular2", cycle_momentum=False)
    lrs = []
    for _ in range(9):
        sgd2.step()
        tri.step()
        lrs.append(tri.get_last_lr()[0])
    print("cyclic triangular2", rounded(lrs))

    sgd3 = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.5)
    warm = CosineAnnealingWarmRestarts(sgd3, T_0=3, T_mult=2, eta_min=0.05)
    lrs = []
    for i in range(20):
        sgd3.step()
        warm.step(i * 0.5)
        lrs.append(sgd3.param_groups[0]["lr"])
    print("warm restarts", rounded(lrs), warm.T_cur, warm.T_i)

    sgd4 = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0)
    seq = SequentialLR(sgd4, [LinearLR(sgd4, start_factor=0.25, total_iters=3), PolynomialLR(sgd4, total_iters=4,
                                                                                             power=2.0)],
                       milestones=[3])
    lrs = []
    for _ in range(9):
        sgd4.step()
        seq.step()
        lrs.append(seq.get_last_lr()[0])
    print("sequential linear->poly", rounded(lrs))
    sgd5 = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0)
    chain = ChainedScheduler([ConstantLR(sgd5, factor=0.5, total_iters=2), ExponentialLR(sgd5, gamma=0.8)])
    lrs = []
    for _ in range(5):
        sgd5.step()
        chain.step()
        lrs.append(chain.get_last_lr()[0])
    print("chained constant*exp", rounded(lrs), len(chain.state_dict()["_schedulers"]))
