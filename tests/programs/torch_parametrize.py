"""Constrained weights written for PyTorch; tests run it as is and with only its imports changed, and compare what
both print. nn.utils.weight_norm (weight_g / weight_v and its forward pre-hook) and remove_weight_norm,
nn.utils.parametrizations.weight_norm (original0 / original1), custom parametrizations registered with
nn.utils.parametrize (a symmetric matrix, a positive vector through exp with a right_inverse, two stacked on one
tensor), parametrize.cached(), assignment through right_inverse, state_dict keys and a round trip, and
remove_parametrizations; each model trained a few Adam steps. Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.parametrize as P
from torch.nn.utils import parametrizations


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(0, 1)


class Positive(nn.Module):
    def forward(self, x):
        return torch.exp(x)

    def right_inverse(self, y):
        return torch.log(y)


class Scale(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.s = s

    def forward(self, x):
        return x * self.s

    def right_inverse(self, y):
        return y / self.s


def fill(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(rng.uniform(0.1, 0.6, tuple(p.shape))))


def train(model, x, y, steps=4, lr=0.05):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        loss = F.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


def main():
    rng = np.random.default_rng(6)
    x = torch.from_numpy(rng.standard_normal((20, 5)))
    y = torch.from_numpy(rng.standard_normal((20, 3)))

    old = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3)).double()
    fill(old, rng)
    nn.utils.weight_norm(old[0])
    nn.utils.weight_norm(old[2], dim=None)
    print("old keys", list(old.state_dict().keys()), old[0].weight_g.shape, old[2].weight_g.shape)
    print(f"old loss {train(old, x, y):.10f}", old[0].weight_g.grad.shape, old[0].weight_v.requires_grad)
    w_before = old[0].weight.detach().clone()
    nn.utils.remove_weight_norm(old[0])
    print("removed", list(old[0].state_dict().keys()), torch.allclose(old[0].weight, w_before))

    new = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3)).double()
    fill(new, rng)
    parametrizations.weight_norm(new[0])
    parametrizations.weight_norm(new[2], name="weight", dim=1)
    print("new keys", list(new.state_dict().keys()))
    print("g", new[0].parametrizations.weight.original0.shape, new[2].parametrizations.weight.original0.shape,
          type(new[0]).__name__, P.is_parametrized(new[0]), P.is_parametrized(new[0], "bias"))
    print(f"new loss {train(new, x, y):.10f}", new[0].weight.shape, new[0].weight.grad_fn is not None)

    sym = nn.Linear(4, 4, bias=False).double()
    fill(sym, rng)
    P.register_parametrization(sym, "weight", Symmetric())
    print("symmetric", torch.equal(sym.weight, sym.weight.T), list(sym.state_dict()))
    pos = nn.Linear(4, 4).double()
    fill(pos, rng)
    P.register_parametrization(pos, "bias", Positive())
    P.register_parametrization(pos, "bias", Scale(2.0))
    print("positive", pos.bias, pos.parametrizations.bias.original)
    pos.bias = torch.full((4,), 3.0, dtype=torch.float64)
    print("assigned", pos.bias, pos.parametrizations.bias.original)
    model = nn.Sequential(sym, nn.ReLU(), pos, nn.Linear(4, 3).double())
    with torch.no_grad():
        model[3].weight.copy_(torch.from_numpy(rng.standard_normal((3, 4)) * 0.3))
        model[3].bias.zero_()
    xs = x[:, :4]
    print(f"constrained loss {train(model, xs, y, steps=5, lr=0.02):.10f}", (pos.bias > 0).all().item(),
          torch.allclose(sym.weight, sym.weight.t()))
    with P.cached():
        a = sym.weight
        b = sym.weight
        print("cached", a is b, model(xs).sum().item())
    print("not cached", sym.weight is sym.weight)
    state = model.state_dict()
    clone = nn.Sequential(nn.Linear(4, 4, bias=False), nn.ReLU(), nn.Linear(4, 4), nn.Linear(4, 3)).double()
    fill(clone, rng)
    P.register_parametrization(clone[0], "weight", Symmetric())
    P.register_parametrization(clone[2], "bias", Positive())
    P.register_parametrization(clone[2], "bias", Scale(2.0))
    clone.load_state_dict(state)
    print("round trip", torch.allclose(clone(xs), model(xs)), len(state))
    P.remove_parametrizations(pos, "bias")
    P.remove_parametrizations(sym, "weight", leave_parametrized=False)
    print("after remove", type(pos).__name__, list(pos.state_dict()), pos.bias, torch.equal(sym.weight, sym.weight.T))


if __name__ == "__main__":
    main()
