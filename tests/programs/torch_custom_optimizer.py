"""Optimizers written by subclassing torch.optim.Optimizer, as research code does; tests run it as is and with only
its imports changed, and compare what both print. A Lion optimizer (lerp_, sign, mul_ for decoupled decay), an
AdaBelief-style optimizer (addcmul_, addcdiv_, bias corrections, per-parameter state created lazily), and a
momentum SGD with a closure; defaults and param groups with per-group options, state_dict / load_state_dict
round trips into a fresh optimizer, add_param_group, and a short regression fitted by each. Float32.
"""
import math

import numpy as np
import torch
import torch.nn as nn


class Lion(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        if lr <= 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p)
                exp_avg = state["exp_avg"]
                p.mul_(1 - group["lr"] * group["weight_decay"])
                update = exp_avg.clone().lerp_(p.grad, 1 - beta1).sign_()
                p.add_(update, alpha=-group["lr"])
                exp_avg.lerp_(p.grad, 1 - beta2)
        return loss


class AdaBelief(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps})

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_var"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["step"] += 1
                exp_avg, exp_avg_var = state["exp_avg"], state["exp_avg_var"]
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                diff = grad - exp_avg
                exp_avg_var.mul_(beta2).addcmul_(diff, diff, value=1 - beta2).add_(group["eps"])
                bc1 = 1 - beta1 ** state["step"]
                bc2 = 1 - beta2 ** state["step"]
                denom = (exp_avg_var.sqrt() / math.sqrt(bc2)).add_(group["eps"])
                p.addcdiv_(exp_avg, denom, value=-group["lr"] / bc1)


class ClosureSGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.9):
        super().__init__(params, dict(lr=lr, momentum=momentum))

    def step(self, closure):
        with torch.enable_grad():
            loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    buf = self.state[p].get("momentum_buffer")
                    if buf is None:
                        buf = self.state[p]["momentum_buffer"] = p.grad.clone()
                    else:
                        buf.mul_(group["momentum"]).add_(p.grad)
                    p.sub_(group["lr"] * buf)
        return loss


def make(rng):
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.standard_normal(p.shape).astype(np.float32) * 0.5))
    return model


def build(name, model):
    if name == "lion":
        return Lion([{"params": model[0].parameters(), "weight_decay": 0.1},
                     {"params": model[2].parameters(), "lr": 3e-3}], lr=1e-2)
    if name == "adabelief":
        return AdaBelief(model.parameters(), lr=2e-2, betas=(0.8, 0.99))
    return ClosureSGD(model.parameters(), lr=0.05)


def main():
    rng = np.random.default_rng(17)
    x = torch.from_numpy(rng.standard_normal((32, 4)).astype(np.float32))
    y = (x[:, :1] * 0.7 - x[:, 1:2].pow(2) * 0.3 + 0.1)
    init = rng.integers(0, 2 ** 31)
    for name in ("lion", "adabelief", "closure"):
        model = make(np.random.default_rng(init))
        opt = build(name, model)

        def closure():
            opt.zero_grad()
            loss = (model(x) - y).pow(2).mean()
            loss.backward()
            return loss

        for step in range(30):
            if name == "closure":
                loss = opt.step(closure)
            else:
                loss = closure()
                opt.step()
            if step % 10 == 9:
                print(f"{name} step {step + 1}: loss {loss.item():.6f}")
        print(name, [g["lr"] for g in opt.param_groups], model[2].bias.data, model[0].weight[0])
        sd = opt.state_dict()
        print(sorted(sd["state"][0].keys()), len(sd["state"]), sd["param_groups"][0]["params"])
        fresh = build(name, make(np.random.default_rng(init)))
        fresh.param_groups[0]["lr"] = 1.0
        fresh.load_state_dict(sd)
        key = "exp_avg" if name != "closure" else "momentum_buffer"
        first = next(iter(fresh.state.values()))
        print(fresh.param_groups[0]["lr"], first[key].shape, torch.equal(first[key], sd["state"][0][key]))
    extra = torch.zeros(3, requires_grad=True)
    opt.add_param_group({"params": [extra], "lr": 0.5})
    extra.grad = torch.ones(3)
    print(len(opt.param_groups), opt.param_groups[1]["momentum"], opt.defaults)


if __name__ == "__main__":
    main()
