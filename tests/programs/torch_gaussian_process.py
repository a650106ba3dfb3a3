"""Exact Gaussian-process regression written for PyTorch the way GP tutorials do it from scratch; tests run it as is
and with only its imports changed, and compare what both print. An RBF + periodic kernel with positive
hyperparameters through softplus / exp, the negative log marginal likelihood from torch.linalg.cholesky,
torch.cholesky_solve and the log-determinant from the Cholesky diagonal (checked against torch.logdet and
torch.linalg.slogdet), hyperparameters fitted by Adam and then LBFGS, the predictive mean and variance through
torch.linalg.solve_triangular, posterior samples from MultivariateNormal(scale_tril=...) with fixed NumPy noise,
an eigendecomposition (torch.linalg.eigh) of the kernel matrix, and the gradient of the NLL w.r.t. the inputs.
Float64, data from a seeded NumPy generator.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import MultivariateNormal


class GP(nn.Module):
    def __init__(self):
        super().__init__()
        self.raw_lengthscale = nn.Parameter(torch.tensor(0.0))
        self.raw_period_ls = nn.Parameter(torch.tensor(0.0))
        self.log_period = nn.Parameter(torch.tensor(math.log(2.0)))
        self.raw_scales = nn.Parameter(torch.tensor([0.0, -1.0]))
        self.raw_noise = nn.Parameter(torch.tensor(-2.0))

    def kernel(self, a, b):
        d = torch.cdist(a, b)
        scales = F.softplus(self.raw_scales)
        rbf = scales[0] * torch.exp(-0.5 * (d / F.softplus(self.raw_lengthscale)) ** 2)
        per = scales[1] * torch.exp(-2 * torch.sin(math.pi * d / self.log_period.exp()) ** 2
                                    / F.softplus(self.raw_period_ls) ** 2)
        return rbf + per

    def noise(self):
        return F.softplus(self.raw_noise) + 1e-6

    def nll(self, x, y):
        K = self.kernel(x, x) + self.noise() * torch.eye(len(x))
        L = torch.linalg.cholesky(K)
        alpha = torch.cholesky_solve(y.unsqueeze(1), L)
        return (0.5 * (y.unsqueeze(1) * alpha).sum() + L.diagonal().log().sum()
                + 0.5 * len(x) * math.log(2 * math.pi)) / len(x)

    def predict(self, x, y, xs):
        K = self.kernel(x, x) + self.noise() * torch.eye(len(x))
        L = torch.linalg.cholesky(K)
        Ks = self.kernel(x, xs)
        v = torch.linalg.solve_triangular(L, Ks, upper=False)
        alpha = torch.linalg.solve_triangular(L.T, torch.linalg.solve_triangular(L, y.unsqueeze(1), upper=False),
                                              upper=True)
        mean = (Ks.T @ alpha).squeeze(1)
        cov = self.kernel(xs, xs) - v.T @ v
        return mean, cov


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(41)
    xn = np.sort(rng.uniform(0, 6, 20))[:, None]
    yn = np.sin(2 * xn[:, 0]) + 0.3 * np.cos(3 * xn[:, 0]) + 0.1 * rng.standard_normal(20)
    x, y = torch.from_numpy(xn), torch.from_numpy(yn)
    y = (y - y.mean()) / y.std()
    gp = GP()
    K = gp.kernel(x, x).detach() + gp.noise().detach() * torch.eye(20)
    L = torch.linalg.cholesky(K)
    sign, logabsdet = torch.linalg.slogdet(K)
    print("logdet three ways:", round(2 * L.diagonal().log().sum().item(), 6), round(torch.logdet(K).item(), 6),
          round((sign * logabsdet).item(), 6))
    evals, evecs = torch.linalg.eigh(K)
    print("eigvals:", [round(v, 6) for v in evals[-3:].tolist()], "cond", round((evals[-1] / evals[0]).item(), 3))
    print("reconstruct:", torch.allclose(evecs @ torch.diag(evals) @ evecs.T, K))

    opt = torch.optim.Adam(gp.parameters(), lr=0.05)
    for step in range(30):
        opt.zero_grad()
        loss = gp.nll(x, y)
        loss.backward()
        opt.step()
        if step % 6 == 0:
            print(f"adam {step}: nll {loss.item():.8f} noise {gp.noise().item():.6f}")

    lbfgs = torch.optim.LBFGS(gp.parameters(), lr=0.5, max_iter=10)

    def closure():
        lbfgs.zero_grad()
        loss = gp.nll(x, y)
        loss.backward()
        return loss

    for step in range(3):
        print(f"lbfgs {step}: nll {lbfgs.step(closure).item():.8f}")
    print("hyper:", {n: [round(v, 6) for v in p.detach().reshape(-1).tolist()] for n, p in gp.named_parameters()})

    xs = torch.linspace(0, 7, 6).unsqueeze(1)
    with torch.no_grad():
        mean, cov = gp.predict(x, y, xs)
    print("mean:", [round(v, 6) for v in mean.tolist()])
    print("std:", [round(v, 6) for v in cov.diagonal().clamp_min(0).sqrt().tolist()])
    dist = MultivariateNormal(mean, scale_tril=torch.linalg.cholesky(cov + 1e-6 * torch.eye(6)))
    eps = torch.from_numpy(rng.standard_normal((3, 6)))
    samples = mean + eps @ dist.scale_tril.T
    print("sample log probs:", [round(v, 4) for v in dist.log_prob(samples).tolist()])
    print("entropy:", round(dist.entropy().item(), 6))

    xg = x.clone().requires_grad_()
    gp.nll(xg, y).backward()
    print("d nll / d x:", [round(v, 6) for v in xg.grad[:5, 0].tolist()])
    A = K[:4, :4].clone().requires_grad_()
    B = torch.from_numpy(rng.standard_normal((4, 2)))
    out = torch.cholesky_solve(B, torch.linalg.cholesky(A)).sum() + torch.logdet(A)
    out.backward()
    print("grad through cholesky_solve + logdet:", [round(v, 6) for v in A.grad[0].tolist()])
