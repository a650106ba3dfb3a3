"""Exact Gaussian-process regression as a textbook writes it in PyTorch: an RBF-plus-noise kernel with log
hyperparameters, the Cholesky factor from torch.linalg.cholesky (and cholesky_ex's info), alpha by
torch.cholesky_solve, the negative log marginal likelihood and its gradients with respect to the hyperparameters,
checked against torch.linalg.solve / slogdet and a gradcheck, a few Adam steps on the hyperparameters with the
parameters printed, then the predictive mean and variance through torch.linalg.solve_triangular and the deprecated
torch.triangular_solve, and the posterior draws through MultivariateNormal(scale_tril=). Float64; every random
number comes from torch.manual_seed.
"""
import math

import torch
from torch.distributions import MultivariateNormal


def rbf(a, b, log_ls, log_sf):
    d2 = torch.cdist(a / log_ls.exp(), b / log_ls.exp()).pow(2)
    return (2 * log_sf).exp() * torch.exp(-0.5 * d2)


def nlml(x, y, log_ls, log_sf, log_sn):
    n = x.shape[0]
    K = rbf(x, x, log_ls, log_sf) + (2 * log_sn).exp() * torch.eye(n, dtype=x.dtype)
    L = torch.linalg.cholesky(K)
    alpha = torch.cholesky_solve(y.unsqueeze(-1), L)
    fit = 0.5 * (y.unsqueeze(-1) * alpha).sum()
    logdet = torch.log(torch.diagonal(L)).sum()
    return fit + logdet + 0.5 * n * math.log(2 * math.pi), K, L


def main():
    torch.manual_seed(2701)
    torch.set_default_dtype(torch.float64)
    x = torch.rand(12, 1) * 6 - 3
    y = torch.sin(1.5 * x[:, 0]) + 0.1 * torch.randn(12)
    log_ls = torch.tensor([0.2], requires_grad=True)
    log_sf = torch.tensor(0.0, requires_grad=True)
    log_sn = torch.tensor(-1.0, requires_grad=True)

    loss, K, L = nlml(x, y, log_ls, log_sf, log_sn)
    print(f"nlml {loss.item():.10f}", loss.grad_fn.name(), L.grad_fn.name())
    L2, info = torch.linalg.cholesky_ex(K)
    print(info, torch.allclose(L, L2), L.diagonal()[:4])
    alpha_ref = torch.linalg.solve(K, y)
    sign, logabsdet = torch.linalg.slogdet(K)
    ref = 0.5 * y @ alpha_ref + 0.5 * logabsdet + 0.5 * 12 * math.log(2 * math.pi)
    print(f"reference {ref.item():.10f}", sign.item(), torch.allclose(loss, ref))
    loss.backward()
    print(log_ls.grad, log_sf.grad, log_sn.grad)

    params = (log_ls.detach().clone().requires_grad_(), log_sf.detach().clone().requires_grad_(),
              log_sn.detach().clone().requires_grad_())
    print(torch.autograd.gradcheck(lambda a, b, c: nlml(x, y, a, b, c)[0], params))

    opt = torch.optim.Adam([log_ls, log_sf, log_sn], lr=0.05)
    for step in range(6):
        opt.zero_grad()
        loss = nlml(x, y, log_ls, log_sf, log_sn)[0]
        loss.backward()
        opt.step()
        print(step, f"{loss.item():.8f}", [f"{p.item():.6f}" for p in (log_ls, log_sf, log_sn)])

    with torch.no_grad():
        xs = torch.linspace(-3, 3, 5).unsqueeze(-1)
        _, K, L = nlml(x, y, log_ls, log_sf, log_sn)
        Ks = rbf(x, xs, log_ls, log_sf)
        Kss = rbf(xs, xs, log_ls, log_sf)
        v = torch.linalg.solve_triangular(L, Ks, upper=False)
        v_old = torch.triangular_solve(Ks, L, upper=False).solution
        print(torch.allclose(v, v_old))
        beta = torch.linalg.solve_triangular(L, y.unsqueeze(-1), upper=False)
        mean = (v.mT @ beta).squeeze(-1)
        cov = Kss - v.mT @ v
        print(mean, cov.diagonal())
        jitter = 1e-8 * torch.eye(5)
        post = MultivariateNormal(mean, scale_tril=torch.linalg.cholesky(cov + jitter))
        draws = post.sample((3,))
        print(draws.shape, post.log_prob(draws), post.entropy())
        print(torch.cholesky_inverse(L).diagonal()[:3], torch.linalg.inv(K).diagonal()[:3])
    torch.set_default_dtype(torch.float32)
