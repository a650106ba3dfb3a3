"""Knowledge distillation with learning-rate schedules, written for PyTorch; tests run it as is and with only its
imports changed, and compare what both print. A teacher trained with label smoothing, a student trained on
KLDivLoss(reduction='batchmean', log_target=True) at temperature T plus hard-label cross entropy; SGD with
nesterov momentum under SequentialLR(LinearLR warm-up, CosineAnnealingWarmRestarts), then LambdaLR,
ChainedScheduler(ExponentialLR, MultiStepLR), OneCycleLR and ReduceLROnPlateau on a second optimiser, with
scheduler and optimiser state_dict round trips. Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import (ChainedScheduler, CosineAnnealingWarmRestarts, ExponentialLR, LambdaLR,
                                      LinearLR, MultiStepLR, OneCycleLR, ReduceLROnPlateau, SequentialLR)


def mlp(sizes):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.GELU()]
    return nn.Sequential(*layers[:-1]).double()


def fill(model, rng, scale):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape)) * scale))


def main():
    rng = np.random.default_rng(21)
    x = torch.from_numpy(rng.standard_normal((96, 6)))
    y = (x[:, 0] * 2 + x[:, 1] - x[:, 2] * x[:, 3] > 0).long() + (x[:, 4] > 1).long()
    teacher, student = mlp([6, 32, 32, 3]), mlp([6, 8, 3])
    fill(teacher, rng, 0.3)
    fill(student, rng, 0.3)

    t_opt = optim.AdamW(teacher.parameters(), lr=0.01, weight_decay=0.05)
    smooth = nn.CrossEntropyLoss(label_smoothing=0.1)
    for step in range(25):
        loss = smooth(teacher(x), y)
        t_opt.zero_grad()
        loss.backward()
        t_opt.step()
    print(f"teacher loss {loss.item():.6f}", "acc", (teacher(x).argmax(1) == y).double().mean().item())

    T, alpha = 3.0, 0.7
    kd = nn.KLDivLoss(reduction="batchmean", log_target=True)
    opt = optim.SGD(student.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
    warm = LinearLR(opt, start_factor=0.2, total_iters=3)
    cosine = CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=2, eta_min=0.001)
    sched = SequentialLR(opt, schedulers=[warm, cosine], milestones=[3])
    teacher.eval()
    for step in range(14):
        with torch.no_grad():
            soft_t = F.log_softmax(teacher(x) / T, dim=-1)
        logits = student(x)
        loss_kd = kd(F.log_softmax(logits / T, dim=-1), soft_t) * T * T
        loss = alpha * loss_kd + (1 - alpha) * F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        print(f"step {step} kd {loss_kd.item():.6f} loss {loss.item():.6f} lr {sched.get_last_lr()[0]:.6f}")
    agree = (student(x).argmax(1) == teacher(x).argmax(1)).double().mean().item()
    print("agreement", agree, "kl none", F.kl_div(soft_t, soft_t, reduction="none", log_target=True).abs().max().item())

    w = nn.Parameter(torch.ones(2, dtype=torch.float64))
    opt2 = optim.SGD([w], lr=0.5)
    lam = LambdaLR(opt2, lr_lambda=lambda e: 1.0 / (1 + e))
    lrs = []
    for _ in range(4):
        opt2.step()
        lam.step()
        lrs.append(round(opt2.param_groups[0]["lr"], 6))
    chained = ChainedScheduler([ExponentialLR(opt2, gamma=0.9), MultiStepLR(opt2, milestones=[2, 4], gamma=0.5)])
    for _ in range(5):
        opt2.step()
        chained.step()
        lrs.append(round(opt2.param_groups[0]["lr"], 6))
    print("lambda+chained", lrs)
    opt3 = optim.Adam([w], lr=0.01)
    one = OneCycleLR(opt3, max_lr=0.1, total_steps=10, pct_start=0.3)
    cyc = []
    for _ in range(9):
        opt3.step()
        one.step()
        cyc.append(round(opt3.param_groups[0]["lr"], 6))
    print("onecycle", cyc, "betas", opt3.param_groups[0]["betas"])
    plateau = ReduceLROnPlateau(opt2, mode="min", factor=0.5, patience=1, threshold=0.01)
    for metric in [1.0, 0.9, 0.95, 0.95, 0.94, 0.5, 0.6, 0.7]:
        plateau.step(metric)
    print("plateau lr", opt2.param_groups[0]["lr"], "bad epochs", plateau.num_bad_epochs)
    state = sched.state_dict()
    opt_state = opt.state_dict()
    print("sched keys", sorted(k for k in state if not k.startswith("_")), "last_epoch", state["last_epoch"])
    print("opt state", sorted(opt_state["param_groups"][0].keys())[:6], len(opt_state["state"]))
    fresh = optim.SGD(student.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
    fresh.load_state_dict(opt_state)
    buf = fresh.state[fresh.param_groups[0]["params"][0]]["momentum_buffer"]
    print("restored lr", fresh.param_groups[0]["lr"], "momentum buf", buf.abs().sum().item())


if __name__ == "__main__":
    main()
