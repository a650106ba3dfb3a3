"""Numerical stability tricks as course notebooks teach them, written for PyTorch; tests run it as is and with only its
imports changed, and compare what both print. A naive softmax overflowing to nan at large logits against the
max-subtracted one and torch.softmax, log-sum-exp by hand (with the max taken out, -inf rows handled by torch.where)
against torch.logsumexp, cross-entropy from logits the stable way against F.cross_entropy and the naive log(softmax)
giving inf, the sigmoid's vanishing gradient at +-8 read off autograd, log1p / expm1 against log(1 + x) / exp(x) - 1
at tiny x, a softplus written as max(x, 0) + log1p(exp(-|x|)) against F.softplus, binary cross-entropy on saturated
sigmoids (inf) and with logits by hand against F.binary_cross_entropy_with_logits, the product of 100 Gaussian
matrices blowing up (exploding gradients) in float32, Xavier initialisation's variance check, and float32 versus
float64 summation of a long alternating series. Float32 unless stated, data from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F


def naive_softmax(X):
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(dim=-1, keepdim=True)


def stable_softmax(X):
    X = X - X.max(dim=-1, keepdim=True).values
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(dim=-1, keepdim=True)


def logsumexp(X, dim=-1):
    c = X.max(dim=dim, keepdim=True).values
    c = torch.where(torch.isinf(c), torch.zeros_like(c), c)
    return (c + torch.log(torch.exp(X - c).sum(dim=dim, keepdim=True))).squeeze(dim)


def stable_cross_entropy(logits, y):
    log_probs = logits - logsumexp(logits).unsqueeze(-1)
    return -log_probs.gather(1, y.unsqueeze(1)).squeeze(1)


def softplus(x):
    return torch.clamp(x, min=0) + torch.log1p(torch.exp(-torch.abs(x)))


def bce_with_logits(z, y):
    return torch.clamp(z, min=0) - z * y + torch.log1p(torch.exp(-torch.abs(z)))


def main():
    rng = np.random.default_rng(13)
    logits = torch.tensor([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]])
    naive = naive_softmax(logits)
    print("naive softmax:", [[round(v, 4) if not math.isnan(v) else "nan" for v in row] for row in naive.tolist()])
    print("stable softmax:", [[round(v, 4) for v in row] for row in stable_softmax(logits).tolist()])
    print("matches torch.softmax:", torch.allclose(stable_softmax(logits), torch.softmax(logits, dim=1)),
          torch.isnan(naive).any().item(), torch.isnan(naive).sum().item())
    X = torch.tensor([[0.0, 1.0, 2.0], [500.0, 0.0, -500.0], [float("-inf"), float("-inf"), float("-inf")],
                      [float("-inf"), 3.0, 3.0]])
    print("logsumexp by hand:", [round(v, 5) for v in logsumexp(X).tolist()])
    print("torch.logsumexp:  ", [round(v, 5) for v in torch.logsumexp(X, dim=1).tolist()])
    print("naive overflows:", torch.log(torch.exp(X[1]).sum()).item(),
          round(torch.log(torch.exp(X[0]).sum()).item(), 5))

    big = torch.from_numpy(rng.normal(0, 60, (5, 4)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 4, 5))
    mine = stable_cross_entropy(big, y)
    print("stable CE:", [round(v, 3) for v in mine.tolist()],
          torch.allclose(mine, F.cross_entropy(big, y, reduction="none"), rtol=1e-5, atol=1e-4))
    naive_ce = -torch.log(naive_softmax(big)[range(5), y])
    print("naive CE:", ["inf" if math.isinf(v) else "nan" if math.isnan(v) else round(v, 3) for v in naive_ce.tolist()])

    x = torch.tensor([-8.0, -2.0, 0.0, 2.0, 8.0], requires_grad=True)
    torch.sigmoid(x).sum().backward()
    print("sigmoid grad:", [f"{v:.4e}" for v in x.grad.tolist()])
    x = torch.tensor([-8.0, -2.0, 0.0, 2.0, 8.0], requires_grad=True)
    torch.relu(x).sum().backward()
    print("relu grad:", x.grad.tolist())

    tiny = torch.tensor([1e-10, 1e-7, 1e-4], dtype=torch.float64)
    print("log1p vs log(1 + x):", [f"{v:.6e}" for v in torch.log1p(tiny).tolist()],
          [f"{v:.6e}" for v in torch.log(1 + tiny.float()).tolist()])
    print("expm1 vs exp(x) - 1:", [f"{v:.6e}" for v in torch.expm1(tiny).tolist()],
          [f"{v:.6e}" for v in (torch.exp(tiny.float()) - 1).tolist()])
    z = torch.tensor([-100.0, -20.0, -1.0, 0.0, 1.0, 20.0, 100.0])
    print("softplus:", [round(v, 6) for v in softplus(z).tolist()], torch.allclose(softplus(z), F.softplus(z)))
    print("naive softplus:", [("inf" if math.isinf(v) else round(v, 4)) for v in torch.log(1 + torch.exp(z)).tolist()])
    t = torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    p = torch.sigmoid(z)
    naive_bce = -(t * torch.log(p) + (1 - t) * torch.log(1 - p))
    print("sigmoid saturates:", (p == 1).sum().item(), (p == 0).sum().item(),
          "naive bce:", ["inf" if math.isinf(v) else round(v, 5) for v in naive_bce.tolist()])
    print("bce with logits:", [round(v, 5) for v in bce_with_logits(z, t).tolist()],
          torch.allclose(bce_with_logits(z, t), F.binary_cross_entropy_with_logits(z, t, reduction="none")))

    M = torch.from_numpy(rng.normal(0, 1, (4, 4)).astype(np.float32))
    norms = []
    for i in range(100):
        M = torch.mm(M, torch.from_numpy(rng.normal(0, 1, (4, 4)).astype(np.float32)))
        if i % 25 == 24:
            norms.append(f"{M.norm().item():.3e}")
    print("product of 100 matrices:", norms)

    fan_in, fan_out = 300, 200
    a = math.sqrt(6 / (fan_in + fan_out))
    W = torch.from_numpy(rng.uniform(-a, a, (fan_out, fan_in)).astype(np.float32))
    h = torch.from_numpy(rng.normal(0, 1, (1000, fan_in)).astype(np.float32))
    out = h @ W.T
    print("xavier: bound", round(a, 6), "output var", round(out.var().item(), 3),
          "predicted", round(fan_in * a ** 2 / 3, 3))

    series = np.array([(-1) ** k / (k + 1) for k in range(100000)])
    s32 = torch.from_numpy(series.astype(np.float32))
    s64 = torch.from_numpy(series)
    print("alternating series:", round(s64.sum().item(), 10), round(math.log(2), 10),
          abs(s32.double().sum().item() - math.log(2)) < 1e-5,
          torch.cumsum(s64, 0)[-1].item() - s64.sum().item() < 1e-12)
