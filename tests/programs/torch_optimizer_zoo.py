"""The less common torch.optim optimisers and schedulers on one small regression problem, written for PyTorch the way
training scripts configure them; tests run it as is and with only its imports changed, and compare what both print.
Parameter groups that exempt biases and norm weights from weight decay, then Rprop, Adamax, NAdam (with and without
decoupled weight decay), RAdam (decoupled), Adadelta, ASGD, Adagrad with lr_decay, Adam with amsgrad and maximize,
SGD with dampening; CyclicLR (triangular2 and exp_range, momentum cycling), PolynomialLR, ConstantLR, MultiplicativeLR
with their printed learning rates; add_param_group mid-training and a state_dict round trip into a fresh optimiser.
Float64, data and weights from NumPy.
"""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.norm = nn.LayerNorm(8)
        self.fc2 = nn.Linear(8, 1)

    def forward(self, x):
        return self.fc2(torch.tanh(self.norm(self.fc1(x))))


def param_groups(model, weight_decay):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if name.endswith("bias") or "norm" in name else decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def train(model, opt, x, y, steps=5, sched=None):
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
        losses.append(round(loss.item(), 6))
    return losses


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(21)
    x = torch.from_numpy(rng.standard_normal((32, 4)))
    y = torch.from_numpy((np.sin(x.numpy()).sum(1, keepdims=True) + 0.1 * rng.standard_normal((32, 1))))
    base = Regressor()
    base.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.5, tuple(v.shape)))
                          for k, v in base.state_dict().items()})

    groups = param_groups(base, 0.1)
    print("groups:", [len(g["params"]) for g in groups], [g["weight_decay"] for g in groups])
    makers = {
        "Rprop": lambda ps: torch.optim.Rprop(ps, lr=0.01, etas=(0.4, 1.3), step_sizes=(1e-5, 1.0)),
        "Adamax": lambda ps: torch.optim.Adamax(ps, lr=0.05, weight_decay=0.01),
        "NAdam": lambda ps: torch.optim.NAdam(ps, lr=0.05, momentum_decay=0.004),
        "NAdamW": lambda ps: torch.optim.NAdam(ps, lr=0.05, weight_decay=0.1, decoupled_weight_decay=True),
        "RAdam": lambda ps: torch.optim.RAdam(ps, lr=0.05, weight_decay=0.1, decoupled_weight_decay=True),
        "Adadelta": lambda ps: torch.optim.Adadelta(ps, lr=1.0, rho=0.8, weight_decay=0.01),
        "ASGD": lambda ps: torch.optim.ASGD(ps, lr=0.05, t0=2, lambd=1e-3),
        "Adagrad": lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
        "AMSGrad": lambda ps: torch.optim.Adam(param_groups(ps, 0.05), lr=0.05, amsgrad=True),
        "SGD": lambda ps: torch.optim.SGD(param_groups(ps, 0.05), lr=0.05, momentum=0.9, dampening=0.1),
    }
    for name, make in makers.items():
        model = copy.deepcopy(base)
        opt = make(model if name in ("AMSGrad", "SGD") else param_groups(model, 0.0) if name == "Rprop"
                   else model.parameters())
        print(f"{name}: {train(model, opt, x, y)}")

    model = copy.deepcopy(base)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, maximize=True)
    train(model, opt, x, y, steps=2)
    print("maximize raises loss:", round(F.mse_loss(model(x), y).item(), 6))

    schedules = {
        "triangular2": lambda o: torch.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=2, mode="triangular2"),
        "exp_range": lambda o: torch.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=3, mode="exp_range",
                                                                 gamma=0.9, base_momentum=0.8, max_momentum=0.95),
        "polynomial": lambda o: torch.optim.lr_scheduler.PolynomialLR(o, total_iters=6, power=2.0),
        "constant": lambda o: torch.optim.lr_scheduler.ConstantLR(o, factor=0.25, total_iters=3),
        "multiplicative": lambda o: torch.optim.lr_scheduler.MultiplicativeLR(o, lambda epoch: 0.9 ** epoch),
    }
    for name, make in schedules.items():
        model = copy.deepcopy(base)
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        sched = make(opt)
        lrs, moms = [], []
        for _ in range(8):
            train(model, opt, x, y, steps=1)
            sched.step()
            lrs.append(round(sched.get_last_lr()[0], 6))
            moms.append(round(opt.param_groups[0]["momentum"], 6))
        print(f"{name}: lr {lrs}")
        if name == "exp_range":
            print(f"{name}: momentum {moms}")

    model = copy.deepcopy(base)
    head = nn.Linear(1, 1)
    head.load_state_dict({"weight": torch.tensor([[1.5]]), "bias": torch.tensor([-0.2])})
    opt = torch.optim.AdamW(model.parameters(), lr=0.02, weight_decay=0.05)
    train(model, opt, x, y, steps=2)
    opt.add_param_group({"params": head.parameters(), "lr": 0.005})
    opt.zero_grad()
    loss = F.mse_loss(head(model(x)), y)
    loss.backward()
    opt.step()
    print("added group:", len(opt.param_groups), opt.param_groups[1]["lr"], opt.param_groups[1]["weight_decay"],
          [round(v, 6) for v in (head.weight.item(), head.bias.item())])
    state = copy.deepcopy(opt.state_dict())
    print("state keys:", sorted(state["state"][0]), state["param_groups"][1]["params"])
    clone_model, clone_head = copy.deepcopy(model), copy.deepcopy(head)
    fresh = torch.optim.AdamW(clone_model.parameters(), lr=0.02, weight_decay=0.05)
    fresh.add_param_group({"params": clone_head.parameters(), "lr": 0.005})
    fresh.load_state_dict(state)
    for o, m, h in ((opt, model, head), (fresh, clone_model, clone_head)):
        o.zero_grad()
        F.mse_loss(h(m(x)), y).backward()
        o.step()
    print("round trip same step:", all(torch.equal(a, b) for a, b in zip(model.parameters(), clone_model.parameters())),
          round(model.fc2.bias.item(), 6))
