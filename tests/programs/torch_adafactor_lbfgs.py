"""Memory-light and quasi-Newton optimisers on a small matrix-factorisation and regression problem, written for
PyTorch the way training scripts configure them; tests run it as is and with only its imports changed, and compare
what both print. torch.optim.Adafactor with its factored second moments for matrices (row_var / col_var in the
state, printed by shape) and the full variance for vectors and scalars, with the default relative step, a custom
beta2_decay and eps, weight decay and maximize; its state_dict round trip into a fresh optimiser; then LBFGS without
a line search (lr, max_iter, history_size, tolerance_grad) and with strong_wolfe, both driven by closures that count
their calls, and the n_iter / func_evals in its state. Float64, data and weights from NumPy.
"""
import copy

import numpy as np
import torch
import torch.nn as nn


class Factorised(nn.Module):
    def __init__(self, n, m, k):
        super().__init__()
        self.u = nn.Parameter(torch.zeros(n, k))
        self.v = nn.Parameter(torch.zeros(k, m))
        self.bias = nn.Parameter(torch.zeros(m))
        self.scale = nn.Parameter(torch.tensor(1.0))

    def forward(self):
        return self.scale * (self.u @ self.v) + self.bias


def loss_fn(model, target):
    return ((model() - target) ** 2).mean()


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(31)
    target = torch.from_numpy(rng.standard_normal((6, 3)) @ rng.standard_normal((3, 5)))
    base = Factorised(6, 5, 3)
    base.load_state_dict({k: torch.from_numpy(np.asarray(rng.normal(0, 0.5, tuple(v.shape))))
                          for k, v in base.state_dict().items()})
    print("start loss:", round(loss_fn(base, target).item(), 8))

    configs = {
        "default": dict(),
        "lr+decay": dict(lr=0.05, beta2_decay=-0.5, weight_decay=0.01),
        "eps": dict(lr=0.02, eps=(1e-6, 1e-2), d=2.0),
        "maximize": dict(lr=0.01, maximize=True),
    }
    for name, kw in configs.items():
        model = copy.deepcopy(base)
        opt = torch.optim.Adafactor(model.parameters(), **kw)
        losses = []
        for _ in range(6):
            opt.zero_grad()
            loss = loss_fn(model, target)
            loss.backward()
            opt.step()
            losses.append(round(loss.item(), 7))
        print(f"Adafactor {name}: {losses}")
    state = opt.state[model.u]
    print("state keys:", sorted(state.keys()))
    print("row/col var shapes:", tuple(state["row_var"].shape), tuple(state["col_var"].shape),
          "vector variance:", tuple(opt.state[model.bias]["variance"].shape),
          "step:", float(state["step"]))
    print("row_var:", [round(v, 8) for v in state["row_var"].flatten().tolist()])

    model = copy.deepcopy(base)
    opt = torch.optim.Adafactor(model.parameters(), lr=0.05)
    for _ in range(3):
        opt.zero_grad()
        loss_fn(model, target).backward()
        opt.step()
    resumed = copy.deepcopy(model)
    opt2 = torch.optim.Adafactor(resumed.parameters(), lr=0.05)
    opt2.load_state_dict(copy.deepcopy(opt.state_dict()))
    for m, o in ((model, opt), (resumed, opt2)):
        o.zero_grad()
        loss_fn(m, target).backward()
        o.step()
    print("resumed matches:", all(torch.allclose(a, b) for a, b in zip(model.parameters(), resumed.parameters())),
          round(loss_fn(resumed, target).item(), 8))

    for search in (None, "strong_wolfe"):
        model = copy.deepcopy(base)
        opt = torch.optim.LBFGS(model.parameters(), lr=1 if search else 0.5, max_iter=8, history_size=4,
                                tolerance_grad=1e-9, tolerance_change=1e-12, line_search_fn=search)
        calls = [0]

        def closure():
            calls[0] += 1
            opt.zero_grad()
            loss = loss_fn(model, target)
            loss.backward()
            return loss

        out = []
        for _ in range(3):
            out.append(round(opt.step(closure).item(), 7))
        st = opt.state[opt.param_groups[0]["params"][0]]
        print(f"LBFGS {search}: {out} calls={calls[0]} n_iter={st['n_iter']} func_evals={st['func_evals']}")
        print(f"  final loss {loss_fn(model, target).item():.6e} scale {model.scale.item():.6f}")
