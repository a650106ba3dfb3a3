"""Constrained layers through torch.nn.utils.parametrize, the way people write their own parametrizations;
tests run it as is and with only its imports changed, and compare what both print. A symmetric positive-definite
weight (a custom parametrization with right_inverse, assignment going through it), a parametrization that returns
two originals (original0 / original1 from a tuple right_inverse), chained parametrizations with unsafe=True
changing the shape, the cached() context sharing one evaluation, weight_norm on Conv1d / ConvTranspose1d with
dim=None and dim=1, spectral_norm's power iteration on a Conv2d in train and eval, orthogonal with each
orthogonal_map and use_trivialization=False, state_dict keys and loading, and remove_parametrizations both ways.
Float64, torch.manual_seed and a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.utils.parametrize as P
from torch.nn.utils.parametrizations import orthogonal, spectral_norm, weight_norm


class SPD(nn.Module):
    def forward(self, X):
        L = X.tril()
        return L @ L.T + 1e-3 * torch.eye(X.shape[0], dtype=X.dtype)

    def right_inverse(self, A):
        return torch.linalg.cholesky(A - 1e-3 * torch.eye(A.shape[0], dtype=A.dtype))


class ScaledDirection(nn.Module):
    """weight = g * v / |v| per row, stored as two originals."""

    def forward(self, g, v):
        return g * v / v.norm(dim=1, keepdim=True)

    def right_inverse(self, W):
        g = W.norm(dim=1, keepdim=True)
        return g, W / g


class Counted(nn.Module):
    calls = 0

    def forward(self, X):
        Counted.calls += 1
        return X.tanh()


class LowRank(nn.Module):
    def forward(self, X):
        return X[:, :2] @ X[:, :2].T


def main():
    torch.manual_seed(2408)
    rng = np.random.default_rng(2408)
    lin = nn.Linear(4, 4, dtype=torch.float64)
    with torch.no_grad():
        lin.weight.copy_(lin.weight @ lin.weight.T + torch.eye(4, dtype=torch.float64))
    P.register_parametrization(lin, "weight", SPD())
    print("spd eig", torch.linalg.eigvalsh(lin.weight).min().item() > 0, torch.allclose(lin.weight, lin.weight.T))
    target = torch.from_numpy(rng.normal(0, 1, (4, 4)))
    target = target @ target.T + torch.eye(4, dtype=torch.float64)
    with torch.no_grad():
        lin.weight = target
    print("assigned through right_inverse", torch.allclose(lin.weight, target),
          lin.parametrizations.weight.original.triu(1).abs().sum().item())
    x = torch.from_numpy(rng.normal(0, 1, (16, 4)))
    y = x @ torch.from_numpy(np.diag([3.0, 2.0, 1.0, 0.5]))
    opt = torch.optim.Adam(lin.parameters(), lr=0.05)
    for step in range(60):
        opt.zero_grad()
        loss = ((lin(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
    print("spd fit", round(loss.item(), 8), torch.linalg.eigvalsh(lin.weight.detach()))
    print("names", [n for n, _ in lin.named_parameters()], list(lin.state_dict()))

    dense = nn.Linear(3, 2, dtype=torch.float64)
    P.register_parametrization(dense, "weight", ScaledDirection())
    orig = dense.parametrizations.weight
    print("two originals", orig.original0.shape, orig.original1.shape, orig.original1.norm(dim=1))
    (dense(torch.ones(5, 3, dtype=torch.float64)) ** 2).sum().backward()
    print("two original grads", orig.original0.grad.flatten(), orig.original1.grad[0])

    sq = nn.Linear(4, 4, bias=False, dtype=torch.float64)
    P.register_parametrization(sq, "weight", Counted())
    P.register_parametrization(sq, "weight", LowRank(), unsafe=True)
    print("chained", P.is_parametrized(sq), P.is_parametrized(sq, "bias"), len(sq.parametrizations.weight),
          torch.linalg.matrix_rank(sq.weight).item())
    Counted.calls = 0
    inp = torch.from_numpy(rng.normal(0, 1, (2, 4)))
    for _ in range(3):
        sq(inp)
    uncached = Counted.calls
    Counted.calls = 0
    with P.cached():
        out = sum(sq(inp) for _ in range(3))
    print("cached", uncached, Counted.calls, out.sum().item())

    conv = weight_norm(nn.Conv1d(2, 3, 3, dtype=torch.float64))
    g = conv.parametrizations.weight.original0
    print("weight_norm conv", g.shape, torch.allclose(g.flatten(), conv.weight.flatten(1).norm(dim=1)))
    convt = weight_norm(nn.ConvTranspose1d(3, 2, 3, dtype=torch.float64), dim=1)
    whole = weight_norm(nn.Conv1d(2, 2, 2, dtype=torch.float64), dim=None)
    print("weight_norm dims", convt.parametrizations.weight.original0.shape,
          whole.parametrizations.weight.original0.shape, whole.parametrizations.weight.original0.item())
    sig = torch.from_numpy(rng.normal(0, 1, (1, 2, 10)))
    opt = torch.optim.SGD(list(conv.parameters()) + list(convt.parameters()), lr=0.1)
    for _ in range(10):
        opt.zero_grad()
        loss = ((convt(torch.relu(conv(sig))) - sig) ** 2).mean()
        loss.backward()
        opt.step()
    print("weight_norm autoencoder", round(loss.item(), 8), conv.parametrizations.weight.original0.flatten())

    sn = spectral_norm(nn.Conv2d(2, 4, 3, dtype=torch.float64), n_power_iterations=3)
    img = torch.from_numpy(rng.normal(0, 1, (2, 2, 5, 5)))
    for _ in range(4):
        out = sn(img)
    w = sn.weight.flatten(1)
    print("spectral train", torch.linalg.matrix_norm(w, 2).item(), out.shape)
    sn.eval()
    before = sn.parametrizations.weight[0]._u.clone()
    sn(img)
    print("spectral eval keeps u", torch.equal(before, sn.parametrizations.weight[0]._u),
          sorted(k for k in sn.state_dict() if "parametrizations" in k))

    for omap in ("matrix_exp", "cayley", "householder"):
        layer = orthogonal(nn.Linear(5, 3, dtype=torch.float64), orthogonal_map=omap)
        wt = layer.weight
        print("orthogonal", omap, torch.allclose(wt @ wt.T, torch.eye(3, dtype=torch.float64)),
              layer.parametrizations.weight.original.shape)
    plain = orthogonal(nn.Linear(3, 3, dtype=torch.float64), use_trivialization=False)
    q = torch.linalg.qr(torch.from_numpy(rng.normal(0, 1, (3, 3))))[0]
    try:
        with torch.no_grad():
            plain.weight = q
    except NotImplementedError:
        print("no trivialization: matrix_exp cannot be assigned")
    house = orthogonal(nn.Linear(3, 3, dtype=torch.float64), orthogonal_map="householder", use_trivialization=False)
    with torch.no_grad():
        house.weight = q
    print("no trivialization", torch.allclose(house.weight, q), hasattr(house.parametrizations.weight, "base"),
          torch.allclose(plain.weight @ plain.weight.T, torch.eye(3, dtype=torch.float64)))

    saved = lin.state_dict()
    fresh = nn.Linear(4, 4, dtype=torch.float64)
    nn.init.eye_(fresh.weight)
    P.register_parametrization(fresh, "weight", SPD())
    fresh.load_state_dict(saved)
    print("loaded", torch.allclose(fresh.weight, lin.weight))
    kept = lin.weight.detach().clone()
    P.remove_parametrizations(lin, "weight")
    print("removed leave_parametrized", torch.allclose(lin.weight, kept), type(lin.weight).__name__,
          P.is_parametrized(lin))
    try:
        P.remove_parametrizations(dense, "weight", leave_parametrized=False)
    except ValueError:
        print("two originals cannot be left unparametrized")
    raw = sq.parametrizations.weight.original.detach().clone()
    P.remove_parametrizations(sq, "weight", leave_parametrized=False)
    print("removed raw", torch.equal(sq.weight, raw), [n for n, _ in sq.named_parameters()], type(sq).__name__)


if __name__ == "__main__":
    main()
