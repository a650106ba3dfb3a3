"""A variational autoencoder written for PyTorch; tests run it as is and with only its imports changed, and
compare what both print. Reparameterisation with noise drawn up front, the analytic KL term next to
torch.distributions' kl_divergence, BCE with logits on binary data, Adam, model.apply(init_fn) with nn.init,
and sampling from the prior under torch.no_grad. Float64 and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Normal, kl_divergence


class VAE(nn.Module):
    def __init__(self, n_in=12, n_hidden=16, n_latent=3):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(n_in, n_hidden), nn.Softplus(), nn.Linear(n_hidden, n_hidden), nn.Tanh())
        self.mu = nn.Linear(n_hidden, n_latent)
        self.logvar = nn.Linear(n_hidden, n_latent)
        self.dec = nn.Sequential(nn.Linear(n_latent, n_hidden), nn.ELU(), nn.Linear(n_hidden, n_in))

    def encode(self, x):
        h = self.enc(x)
        return self.mu(h), self.logvar(h).clamp(-6.0, 6.0)

    def forward(self, x, eps):
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * eps
        return self.dec(z), mu, logvar


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.zeros_(m.bias)
        nn.init.constant_(m.weight, 0.0)


def load_numpy_weights(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight"):
                fan_in = p.shape[1]
                p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape)) / np.sqrt(fan_in)))


def loss_fn(logits, x, mu, logvar):
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / x.shape[0]
    return bce + kl, bce, kl


def main():
    rng = np.random.default_rng(3)
    protos = (rng.random((4, 12)) > 0.5).astype(np.float64)
    flips = rng.random((64, 12)) < 0.1
    data = np.abs(protos[rng.integers(0, 4, 64)] - flips)
    x = torch.from_numpy(data)
    model = VAE().double()
    model.apply(init_weights)
    print("after init", sum(p.abs().sum().item() for p in model.parameters()))
    load_numpy_weights(model, rng)
    n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print("params", n_params, model.mu.weight.dtype, len(list(model.modules())))
    opt = optim.Adam(model.parameters(), lr=0.02, betas=(0.9, 0.99))
    for epoch in range(6):
        total = 0.0
        for b in range(0, 64, 16):
            xb = x[b:b + 16]
            eps = torch.from_numpy(rng.standard_normal((16, 3)))
            logits, mu, logvar = model(xb, eps)
            loss, bce, kl = loss_fn(logits, xb, mu, logvar)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        q = Normal(mu, torch.exp(0.5 * logvar))
        p = Normal(torch.zeros_like(mu), torch.ones_like(mu))
        kl_d = kl_divergence(q, p).sum(-1).mean()
        print(f"epoch {epoch} loss {total / 4:.6f} bce {bce.item():.6f} kl {kl.item():.6f} kl_dist {kl_d.item():.6f}")
    model.eval()
    with torch.no_grad():
        mu, logvar = model.encode(x)
        recon = torch.sigmoid(model.dec(mu))
        acc = ((recon > 0.5).double() == x).double().mean()
        z = torch.from_numpy(rng.standard_normal((5, 3)))
        samples = torch.sigmoid(model.dec(z))
        print("recon acc", round(acc.item(), 6), "latent std", logvar.mul(0.5).exp().mean(0))
        print("samples", samples.shape, samples.dtype, samples.sum(1))
        lp = Normal(mu, logvar.mul(0.5).exp()).log_prob(torch.zeros_like(mu)).sum()
        print(f"log_prob {lp.item():.6f}", mu.requires_grad, samples.requires_grad)


if __name__ == "__main__":
    main()
