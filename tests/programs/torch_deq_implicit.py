"""A deep equilibrium model (DEQ) written for PyTorch the way implicit-layer tutorials write it; tests run it as is
and with only its imports changed, and compare what both print. The layer's output is the fixed point
z* = tanh(W z* + U x + b), found without a graph by Anderson acceleration (torch.linalg.solve on a small bordered
system, torch.bmm) polished by plain iteration; gradients come from the implicit function theorem: one extra application
of the layer with a graph, and a Tensor.register_hook on its output that solves the adjoint fixed point
g = (dF/dz)^T g + grad by repeated torch.autograd.grad vector-Jacobian products inside the hook (a re-entrant
backward). The implicit gradients are checked against unrolled backpropagation through many iterations, a Jacobian
spectral-radius estimate by power iteration with torch.func.vjp, and a few training steps on a toy classification.
Data from a seeded NumPy generator; float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import vjp


class Cell(nn.Module):
    def __init__(self, dim, inp):
        super().__init__()
        self.W = nn.Linear(dim, dim, bias=False)
        self.U = nn.Linear(inp, dim)

    def forward(self, z, x):
        return torch.tanh(self.W(z) + self.U(x))


def anderson(f, x0, m=4, iters=12, lam=1e-6, beta=1.0, tol=1e-12):
    B, d = x0.shape
    X = torch.zeros(B, m, d, dtype=x0.dtype)
    Fx = torch.zeros(B, m, d, dtype=x0.dtype)
    X[:, 0], Fx[:, 0] = x0, f(x0)
    X[:, 1], Fx[:, 1] = Fx[:, 0], f(Fx[:, 0])
    H = torch.zeros(B, m + 1, m + 1, dtype=x0.dtype)
    H[:, 0, 1:] = H[:, 1:, 0] = 1
    y = torch.zeros(B, m + 1, 1, dtype=x0.dtype)
    y[:, 0] = 1
    res = []
    for k in range(2, iters):
        n = min(k, m)
        G = Fx[:, :n] - X[:, :n]
        H[:, 1:n + 1, 1:n + 1] = torch.bmm(G, G.transpose(1, 2)) + lam * torch.eye(n, dtype=x0.dtype)[None]
        alpha = torch.linalg.solve(H[:, :n + 1, :n + 1], y[:, :n + 1])[:, 1:n + 1, 0]
        X[:, k % m] = beta * (alpha[:, None] @ Fx[:, :n])[:, 0] + (1 - beta) * (alpha[:, None] @ X[:, :n])[:, 0]
        Fx[:, k % m] = f(X[:, k % m])
        res.append((Fx[:, k % m] - X[:, k % m]).norm().item() / (1e-5 + Fx[:, k % m].norm().item()))
        if res[-1] < tol:
            break
    return X[:, k % m], res


class DEQ(nn.Module):
    def __init__(self, dim=6, inp=3, classes=3):
        super().__init__()
        self.cell = Cell(dim, inp)
        self.head = nn.Linear(dim, classes)
        self.dim = dim

    def forward(self, x):
        with torch.no_grad():
            z, self.residuals = anderson(lambda z: self.cell(z, x), torch.zeros(x.shape[0], self.dim))
            for _ in range(150):      # polish by plain iteration (the map is contractive)
                z = self.cell(z, x)
        z = self.cell(z, x)
        z0 = z.clone().detach().requires_grad_()
        f0 = self.cell(z0, x)

        def backward_hook(grad):
            g = grad
            for _ in range(60):
                g = torch.autograd.grad(f0, z0, g, retain_graph=True)[0] + grad
            return g

        if z.requires_grad:
            z.register_hook(backward_hook)
        return self.head(z), z


def unrolled(model, x, steps=80):
    z = torch.zeros(x.shape[0], model.dim)
    for _ in range(steps):
        z = model.cell(z, x)
    return model.head(z), z


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(53)
    model = DEQ()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.25, tuple(p.shape))))
    x = torch.from_numpy(rng.standard_normal((10, 3)))
    y = torch.from_numpy(rng.integers(0, 3, 10))

    logits, z = model(x)
    print("anderson iterations:", len(model.residuals), "residuals:", [f"{r:.3e}" for r in model.residuals[:4]])
    print("fixed point check:", bool((model.cell(z, x) - z).abs().max() < 1e-9))
    F.cross_entropy(logits, y).backward()
    implicit = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    ulogits, uz = unrolled(model, x)
    F.cross_entropy(ulogits, y).backward()
    unrolled_g = [p.grad.clone() for p in model.parameters()]
    print("logits agree:", torch.allclose(logits, ulogits, atol=1e-10))
    for name, a, b in zip([n for n, _ in model.named_parameters()], implicit, unrolled_g):
        print(f"{name}: implicit norm {a.norm().item():.8f} close to unrolled {torch.allclose(a, b, atol=1e-9)}")

    # spectral radius of dF/dz at the fixed point by power iteration on vector-Jacobian products
    _, pullback = vjp(lambda zz: model.cell(zz, x), z.detach())
    v = torch.from_numpy(rng.standard_normal(z.shape))
    for _ in range(30):
        v = pullback(v)[0]
        v = v / v.norm()
    print("jacobian spectral radius estimate:", round(pullback(v)[0].norm().item(), 6))

    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for step in range(5):
        opt.zero_grad()
        logits, _ = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        print(f"step {step}: loss {loss.item():.8f} iterations {len(model.residuals)}")
