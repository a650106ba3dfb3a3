"""Optimizers configured per parameter group, as fine-tuning recipes do (no weight decay on biases and norms, a
smaller learning rate for the backbone); tests run it as is and with only its imports changed, and compare what
both print. AdamW with amsgrad, RMSprop centered with momentum, NAdam with momentum_decay and
decoupled_weight_decay, RAdam with decoupled_weight_decay, Adagrad with lr_decay and initial_accumulator_value,
Adamax, Adadelta, Rprop with etas and step_sizes, ASGD, SGD with maximize and dampening; add_param_group midway,
per-group options read back, state_dict round trips into a fresh optimizer, zero_grad(set_to_none=False), and
parameters without a gradient skipped. Float32, NumPy weights.
"""
import copy

import numpy as np
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(5, 8), nn.LayerNorm(8), nn.GELU())
        self.head = nn.Linear(8, 2)
        self.unused = nn.Linear(2, 2)

    def forward(self, x):
        return self.head(self.backbone(x))


def build(seed):
    rng = np.random.default_rng(seed)
    net = Net()
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.4, size=tuple(p.shape)).astype(np.float32)))
    return net


def grouped(net, lr):
    decay, no_decay = [], []
    for name, p in net.backbone.named_parameters():
        (no_decay if name.endswith("bias") or p.ndim == 1 else decay).append(p)
    return [{"params": decay, "lr": lr * 0.1, "weight_decay": 0.05},
            {"params": no_decay, "lr": lr * 0.1, "weight_decay": 0.0},
            {"params": list(net.head.parameters()) + list(net.unused.parameters())}]


def train(net, opt, x, y, steps):
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        losses.append(f"{loss.item():.6f}")
    return " ".join(losses)


def main():
    rng = np.random.default_rng(121)
    x = torch.from_numpy(rng.standard_normal((16, 5)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 2, 16))
    makers = {
        "adamw_amsgrad": lambda ps: torch.optim.AdamW(ps, lr=0.05, betas=(0.8, 0.99), weight_decay=0.01, amsgrad=True),
        "rmsprop_centered": lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, centered=True, momentum=0.5),
        "nadam": lambda ps: torch.optim.NAdam(ps, lr=0.02, momentum_decay=0.004, decoupled_weight_decay=True,
                                             weight_decay=0.01),
        "radam": lambda ps: torch.optim.RAdam(ps, lr=0.05, decoupled_weight_decay=True, weight_decay=0.02),
        "adagrad": lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
        "adamax": lambda ps: torch.optim.Adamax(ps, lr=0.05, betas=(0.85, 0.995)),
        "adadelta": lambda ps: torch.optim.Adadelta(ps, lr=1.0, rho=0.8, weight_decay=0.01),
        "rprop": lambda ps: torch.optim.Rprop(ps, lr=0.02, etas=(0.4, 1.3), step_sizes=(1e-4, 0.5)),
        "asgd": lambda ps: torch.optim.ASGD(ps, lr=0.05, lambd=1e-3, t0=3),
        "sgd_max": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.1, maximize=False),
    }
    for name, make in makers.items():
        net = build(7)
        opt = make(grouped(net, 0.5 if name not in ("adadelta",) else 1.0))
        print(name, train(net, opt, x, y, 6), [round(g["lr"], 6) for g in opt.param_groups])
    net = build(8)
    opt = torch.optim.AdamW(grouped(net, 0.1)[:2], lr=0.1, amsgrad=True)
    print(train(net, opt, x, y, 3), len(opt.state))
    opt.add_param_group({"params": net.head.parameters(), "lr": 0.02, "betas": (0.5, 0.9)})
    print(train(net, opt, x, y, 3), len(opt.state), opt.param_groups[2]["betas"], opt.param_groups[2]["amsgrad"],
          opt.param_groups[2]["weight_decay"])
    sd = copy.deepcopy(opt.state_dict())   # state_dict() holds the live buffers in PyTorch
    print(sorted(sd["state"][0].keys()), sd["state"][0]["step"], [g["params"] for g in sd["param_groups"]])
    net2 = build(8)
    net2.load_state_dict(net.state_dict())
    opt2 = torch.optim.AdamW(grouped(net2, 0.1)[:2], lr=0.1, amsgrad=True)
    opt2.add_param_group({"params": net2.head.parameters(), "lr": 0.02, "betas": (0.5, 0.9)})
    opt2.load_state_dict(sd)
    print(train(net, opt, x, y, 2))
    print(train(net2, opt2, x, y, 2))
    print(torch.equal(net.head.weight, net2.head.weight), net2.unused.weight.grad, opt2.state[net2.head.bias]["max_exp_avg_sq"])
    opt2.zero_grad(set_to_none=False)
    print(net2.head.weight.grad.abs().sum(), net2.unused.weight.grad)
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, maximize=True, momentum=0.5)
    for _ in range(3):
        opt.zero_grad()
        (-(w ** 2).sum()).backward()
        opt.step()
    print(w)


if __name__ == "__main__":
    main()
