"""Training utilities around a plain regression loop, written for PyTorch; tests run it as is and with only its
imports changed, and compare what both print. Gradient accumulation over micro-batches (loss divided by the
number of steps), clip_grad_norm_ with its returned total norm, OneCycleLR stepped per optimizer step (with
momentum cycling on SGD), CosineAnnealingWarmRestarts on a second model, an EMA of the weights through
torch.optim.swa_utils.AveragedModel with get_ema_multi_avg_fn, and early stopping on a validation loss with
the best state_dict kept by deepcopy, and a hand-written optimizer (an optim.Optimizer subclass with its own step)
driven by a hand-written LRScheduler subclass, with a step post-hook. Float64 and data from a seeded NumPy
generator.
"""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from torch.optim.lr_scheduler import CosineAnnealingWarmRestarts, OneCycleLR
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn


class WarmupCosine(optim.lr_scheduler.LRScheduler):
    def __init__(self, optimizer, warmup, total, last_epoch=-1):
        self.warmup, self.total = warmup, total
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch < self.warmup:
            return [base * (self.last_epoch + 1) / self.warmup for base in self.base_lrs]
        progress = (self.last_epoch - self.warmup) / max(1, self.total - self.warmup)
        return [base * 0.5 * (1 + np.cos(np.pi * progress)) for base in self.base_lrs]


class SignMomentum(optim.Optimizer):
    def __init__(self, params, lr=0.01, beta=0.9):
        super().__init__(params, dict(lr=lr, beta=beta))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["momentum"] = torch.zeros_like(p)
                state["momentum"].mul_(group["beta"]).add_(p.grad, alpha=1 - group["beta"])
                p.add_(state["momentum"].sign(), alpha=-group["lr"])
        return loss


def make_model(rng):
    model = nn.Sequential(nn.Linear(5, 16), nn.SiLU(), nn.LayerNorm(16), nn.Linear(16, 1)).double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.4 * rng.standard_normal(tuple(p.shape))))
    return model


def main():
    rng = np.random.default_rng(21)
    w_true = rng.standard_normal((5, 1))
    x = torch.from_numpy(rng.standard_normal((96, 5)))
    y = torch.sin(x @ torch.from_numpy(w_true)) + 0.05 * torch.from_numpy(rng.standard_normal((96, 1)))
    x_val, y_val = x[80:], y[80:]
    x, y = x[:80], y[:80]
    model = make_model(rng)
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.9))
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    accum, micro, epochs = 4, 5, 6
    steps_per_epoch = len(x) // (accum * micro)
    sched = OneCycleLR(opt, max_lr=0.2, epochs=epochs, steps_per_epoch=steps_per_epoch, pct_start=0.3)
    loss_fn = nn.MSELoss()
    best, best_state, bad, patience = float("inf"), None, 0, 2
    for epoch in range(epochs):
        model.train()
        perm = torch.from_numpy(rng.permutation(len(x)))
        norms = []
        opt.zero_grad()
        for i in range(len(x) // micro):
            idx = perm[i * micro:(i + 1) * micro]
            loss = loss_fn(model(x[idx]), y[idx]) / accum
            loss.backward()
            if (i + 1) % accum == 0:
                norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0).item())
                opt.step()
                sched.step()
                ema.update_parameters(model)
                opt.zero_grad()
        model.eval()
        with torch.no_grad():
            val = loss_fn(model(x_val), y_val).item()
            val_ema = loss_fn(ema(x_val), y_val).item()
        g = opt.param_groups[0]
        print(f"epoch {epoch} val {val:.6f} ema {val_ema:.6f} lr {g['lr']:.6f} momentum {g['momentum']:.6f} "
              f"norms {min(norms):.5f} {max(norms):.5f}")
        if val < best - 1e-4:
            best, best_state, bad = val, copy.deepcopy(model.state_dict()), 0
        else:
            bad += 1
            if bad >= patience:
                print("early stop at", epoch)
                break
    model.load_state_dict(best_state)
    with torch.no_grad():
        print("restored best", round(loss_fn(model(x_val), y_val).item(), 8) == round(best, 8),
              "n_averaged", ema.n_averaged.item())
        print("ema weight", ema.module[0].weight[0, :3], "model", model[0].weight[0, :3])

    model2 = make_model(rng)
    opt2 = optim.AdamW(model2.parameters(), lr=0.01, weight_decay=0.05)
    sched2 = CosineAnnealingWarmRestarts(opt2, T_0=3, T_mult=2, eta_min=1e-4)
    lrs = []
    for epoch in range(9):
        for b in range(0, 80, 20):
            opt2.zero_grad()
            loss = loss_fn(model2(x[b:b + 20]), y[b:b + 20])
            loss.backward()
            total = nn.utils.clip_grad_norm_(model2.parameters(), 0.5, norm_type=2.0)
            opt2.step()
            sched2.step(epoch + b / 80)
        lrs.append(round(sched2.get_last_lr()[0], 6))
        if epoch % 2 == 0:
            print(f"restarts epoch {epoch} loss {loss.item():.6f} total norm {total.item():.6f}")
    print("lrs", lrs)
    inf_norm = nn.utils.clip_grad_norm_(model2.parameters(), 0.1, norm_type=float("inf"))
    print("inf norm", inf_norm.item(), max(p.grad.abs().max().item() for p in model2.parameters()))

    model3 = make_model(rng)
    opt3 = SignMomentum([{"params": model3[:3].parameters()}, {"params": model3[3].parameters(), "lr": 0.02}],
                        lr=0.01)
    sched3 = WarmupCosine(opt3, warmup=2, total=6)
    used = []
    opt3.register_step_post_hook(lambda opt, args, kwargs: used.append(round(opt.param_groups[1]["lr"], 6)))
    for epoch in range(6):
        def closure():
            opt3.zero_grad()
            loss = loss_fn(model3(x), y)
            loss.backward()
            return loss
        loss = opt3.step(closure)
        sched3.step()
        print(f"sign momentum epoch {epoch} loss {loss.item():.6f} lrs {[round(l, 6) for l in sched3.get_last_lr()]}")
    print("lrs used", used, "state", sorted(opt3.state_dict()["state"][0]))


if __name__ == "__main__":
    main()
