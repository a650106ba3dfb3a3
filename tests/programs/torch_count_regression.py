"""Count and heteroscedastic regression in float32, written for PyTorch; tests run it as is and with only its
imports changed, and compare what both print. Bike-rental-like counts are fitted by a network trained with
PoissonNLLLoss (log_input=True, then log_input=False with full=True and eps), a second head predicts mean and
variance for GaussianNLLLoss (full=True, eps, a variance of one column broadcast over the targets), and robust
heads with SmoothL1Loss(beta), HuberLoss(delta) and L1Loss are compared; a label-distribution head uses
KLDivLoss(reduction='batchmean', log_target=True) against log-probabilities. Every loss is also computed by hand
with reduction='none'. Data and weights from a seeded NumPy generator.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Heads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 16), nn.Softplus(), nn.Linear(16, 16), nn.SiLU())
        self.rate = nn.Linear(16, 1)
        self.gauss = nn.Linear(16, 2)
        self.robust = nn.Linear(16, 1)
        self.dist = nn.Linear(16, 5)

    def forward(self, x):
        h = self.body(x)
        mean, raw_var = self.gauss(h).unbind(-1)
        return (self.rate(h).squeeze(-1), mean, F.softplus(raw_var) + 1e-3, self.robust(h).squeeze(-1),
                F.log_softmax(self.dist(h), -1))


def main():
    rng = np.random.default_rng(1001)
    n = 96
    feats = rng.standard_normal((n, 4))
    rate = np.exp(1.0 + 0.6 * feats[:, 0] - 0.4 * feats[:, 1])
    counts = rng.poisson(rate).astype(np.float64)
    noisy = feats[:, 2] * 2 + rng.standard_normal(n) * np.exp(0.5 * feats[:, 3])
    noisy[::11] += 8.0  # outliers for the robust losses
    hist = rng.dirichlet(np.ones(5) * 2, size=n)
    x = torch.from_numpy(feats).float()
    y_count = torch.from_numpy(counts).float()
    y_reg = torch.from_numpy(noisy).float()
    log_hist = torch.from_numpy(np.log(hist)).float()
    model = Heads()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(tuple(p.shape))).float())
    poisson_log = nn.PoissonNLLLoss(log_input=True)
    gauss = nn.GaussianNLLLoss(full=True, eps=1e-4)
    smooth = nn.SmoothL1Loss(beta=0.5)
    huber = nn.HuberLoss(delta=2.0)
    kl = nn.KLDivLoss(reduction="batchmean", log_target=True)
    opt = optim.Adam(model.parameters(), lr=0.01)
    for step in range(12):
        log_rate, mean, var, robust, log_probs = model(x)
        losses = {"poisson": poisson_log(log_rate, y_count), "gauss": gauss(mean, y_reg, var),
                  "smooth": smooth(robust, y_reg), "huber": huber(robust, y_reg), "kl": kl(log_probs, log_hist)}
        total = sum(losses.values())
        opt.zero_grad()
        total.backward()
        opt.step()
        print(f"step {step} " + " ".join(f"{k} {v.item():.5f}" for k, v in losses.items()))

    with torch.no_grad():
        log_rate, mean, var, robust, log_probs = model(x)
        rate_hat = log_rate.exp()
        p_none = F.poisson_nll_loss(rate_hat, y_count, log_input=False, full=True, eps=1e-6, reduction="none")
        stirling = y_count * torch.log(y_count) - y_count + 0.5 * torch.log(2 * math.pi * y_count)
        manual = (rate_hat - y_count * torch.log(rate_hat + 1e-6)
                  + torch.where(y_count > 1, stirling, torch.zeros_like(y_count)))
        print("poisson full none", p_none[:5], (p_none - manual).abs().max().item() < 1e-4)
        print("poisson sum", F.poisson_nll_loss(log_rate, y_count, reduction="sum").item())
        g_none = F.gaussian_nll_loss(mean, y_reg, var, full=True, reduction="none")
        clamped = var.clamp(min=1e-6)
        manual = 0.5 * (torch.log(clamped) + (mean - y_reg) ** 2 / clamped) + 0.5 * math.log(2 * math.pi)
        print("gauss none", g_none[:5], (g_none - manual).abs().max().item() < 1e-5)
        shared_var = var[:8, None]
        print("gauss broadcast var",
              F.gaussian_nll_loss(mean[:8, None].expand(8, 3), y_reg[:24].reshape(8, 3), shared_var).item())
        diff = (robust - y_reg).abs()
        s_none = F.smooth_l1_loss(robust, y_reg, beta=0.5, reduction="none")
        h_none = F.huber_loss(robust, y_reg, delta=2.0, reduction="none")
        smooth_manual = torch.where(diff < 0.5, 0.5 * diff ** 2 / 0.5, diff - 0.25)
        huber_manual = torch.where(diff < 2.0, 0.5 * diff ** 2, 2.0 * (diff - 1.0))
        print("smooth none", s_none[:6], (s_none - smooth_manual).abs().max().item() < 1e-5)
        print("huber none", h_none[:6], (h_none - huber_manual).abs().max().item() < 1e-5)
        print("l1 vs huber on outliers", F.l1_loss(robust[::11], y_reg[::11]).item(), h_none[::11].mean().item(),
              s_none[::11].mean().item())
        k_none = F.kl_div(log_probs, log_hist, reduction="none", log_target=True)
        print("kl none", k_none[0], (k_none.sum() / n - kl(log_probs, log_hist)).abs().item() < 1e-6)
        print("kl prob target", F.kl_div(log_probs, log_hist.exp(), reduction="batchmean").item(),
              F.kl_div(log_probs, log_hist, reduction="sum", log_target=True).item())
        print("predicted rates", rate_hat[:6], "true", y_count[:6])
        print("predicted std", var[:6].sqrt(), "abs err", (mean - y_reg).abs()[:6])


if __name__ == "__main__":
    main()
