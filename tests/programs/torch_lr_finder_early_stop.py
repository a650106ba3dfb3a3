"""A learning-rate range test followed by training with early stopping, written for PyTorch the way fastai-style
LR finders and hand-written training loops do it; tests run it as is and with only its imports changed, and compare
what both print. The model's and optimizer's state_dicts are saved with copy.deepcopy before the sweep and restored
after it; the learning rate grows geometrically per batch by ExponentialLR (gamma from the start / end ratio), the
loss is smoothed by an exponential moving average with bias correction, the sweep stops when the smoothed loss
exceeds four times the best, and the suggested rate is the one at the steepest descent of the smoothed curve (by
torch.diff and argmin); then SGD with Nesterov momentum at a tenth of the divergence rate trains with early stopping
on a validation loss (patience, min_delta, best weights kept by deepcopy and loaded back), with a StepLR schedule.
Float32, data and weights from NumPy.
"""
import copy
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def make_model(rng):
    model = nn.Sequential(nn.Linear(6, 24), nn.Tanh(), nn.Linear(24, 24), nn.Tanh(), nn.Linear(24, 1))
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.4, tuple(v.shape)).astype(np.float32))
                           for k, v in model.state_dict().items()})
    return model


def main():
    rng = np.random.default_rng(61)
    x = torch.from_numpy(rng.standard_normal((160, 6)).astype(np.float32))
    w = torch.from_numpy(rng.standard_normal((6, 1)).astype(np.float32))
    y = torch.sin(x @ w) + 0.1 * torch.from_numpy(rng.standard_normal((160, 1)).astype(np.float32))
    x_tr, y_tr, x_va, y_va = x[:128], y[:128], x[128:], y[128:]
    model = make_model(rng)
    opt = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)
    saved_model = copy.deepcopy(model.state_dict())
    saved_opt = copy.deepcopy(opt.state_dict())

    start_lr, end_lr, num_iter = 1e-4, 10.0, 40
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=(end_lr / start_lr) ** (1 / num_iter))
    lrs, smoothed, avg, best = [], [], 0.0, float("inf")
    for it in range(num_iter):
        batch = torch.from_numpy(rng.integers(0, 128, 16))
        opt.zero_grad()
        loss = F.mse_loss(model(x_tr[batch]), y_tr[batch])
        loss.backward()
        opt.step()
        avg = 0.9 * avg + 0.1 * loss.item()
        value = avg / (1 - 0.9 ** (it + 1))
        lrs.append(opt.param_groups[0]["lr"])
        smoothed.append(value)
        best = min(best, value)
        if value > 4 * best or math.isnan(value):
            break
        sched.step()
    print("sweep iterations:", len(lrs), "stopped at lr", f"{lrs[-1]:.4g}")
    print("smoothed (every 5th):", [round(v, 4) for v in smoothed[::5]])
    curve = torch.tensor(smoothed)
    slope = torch.diff(curve)
    steepest = int(slope.argmin().item())
    print("steepest descent at lr", f"{lrs[steepest]:.4g}", "min loss lr", f"{lrs[int(curve.argmin())]:.4g}")

    model.load_state_dict(saved_model)
    opt.load_state_dict(saved_opt)
    print("restored:", torch.equal(model[0].weight, saved_model["0.weight"]), opt.param_groups[0]["lr"],
          len(opt.state))
    lr = lrs[-1] / 10
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True)
    step_lr = torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.5)
    best_val, best_state, bad, patience, min_delta = float("inf"), None, 0, 3, 1e-3
    for epoch in range(30):
        perm = torch.from_numpy(rng.permutation(128))
        model.train()
        for batch in perm.split(32):
            opt.zero_grad()
            F.mse_loss(model(x_tr[batch]), y_tr[batch]).backward()
            opt.step()
        step_lr.step()
        model.eval()
        with torch.no_grad():
            val = F.mse_loss(model(x_va), y_va).item()
        if val < best_val - min_delta:
            best_val, best_state, bad = val, copy.deepcopy(model.state_dict()), 0
        else:
            bad += 1
        print(f"epoch {epoch}: val {val:.5f} lr {step_lr.get_last_lr()[0]:.5f} bad {bad}")
        if bad >= patience:
            print("early stop at epoch", epoch)
            break
    model.load_state_dict(best_state)
    with torch.no_grad():
        print("best val restored:", round(F.mse_loss(model(x_va), y_va).item(), 5), round(best_val, 5))
