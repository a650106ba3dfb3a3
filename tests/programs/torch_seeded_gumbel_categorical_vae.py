"""A categorical VAE trained with the Gumbel-softmax relaxation, written for PyTorch and seeded by torch.manual_seed
alone: binary "images" from torch.rand thresholds, an encoder to K-way latent logits, F.gumbel_softmax (soft with an
annealed temperature, then hard=True straight-through), a KL to the uniform prior, Bernoulli reconstruction through
binary_cross_entropy_with_logits, and sampling from the prior with torch.multinomial. Float32."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

N_LATENT, K = 3, 4


class CatVAE(nn.Module):
    def __init__(self, n_in=12):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(n_in, 32), nn.ReLU(), nn.Linear(32, N_LATENT * K))
        self.dec = nn.Sequential(nn.Linear(N_LATENT * K, 32), nn.ReLU(), nn.Linear(32, n_in))

    def forward(self, x, tau, hard):
        logits = self.enc(x).view(-1, N_LATENT, K)
        z = F.gumbel_softmax(logits, tau=tau, hard=hard, dim=-1)
        return self.dec(z.flatten(1)), logits, z


def main():
    torch.manual_seed(1600)
    prototypes = (torch.rand(4, 12) > 0.5).float()
    which = torch.randint(0, 4, (96,))
    flips = (torch.rand(96, 12) < 0.1).float()
    data = (prototypes[which] + flips) % 2
    print("data", data.shape, data.mean().item(), torch.bincount(which).tolist())

    model = CatVAE()
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    tau = 1.0
    for epoch in range(8):
        perm = torch.randperm(96)
        total, kl_total = 0.0, 0.0
        for start in range(0, 96, 32):
            xb = data[perm[start:start + 32]]
            recon, logits, z = model(xb, tau, hard=epoch >= 5)
            q = F.softmax(logits, dim=-1)
            kl = (q * (F.log_softmax(logits, dim=-1) + math.log(K))).sum((1, 2)).mean()
            rec = F.binary_cross_entropy_with_logits(recon, xb, reduction="sum") / xb.shape[0]
            loss = rec + kl
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += rec.item()
            kl_total += kl.item()
        tau = max(0.3, tau * 0.8)
        print(f"epoch {epoch} rec {total / 3:.4f} kl {kl_total / 3:.4f} tau {tau:.4f} hard {epoch >= 5}")

    model.eval()
    with torch.no_grad():
        recon, logits, z = model(data[:4], 0.5, hard=True)
    print("hard one-hot", z[0])
    print("rows sum", z.sum(-1))
    print("codes", logits.argmax(-1).tolist())
    soft = F.gumbel_softmax(logits[0], tau=2.0)
    print("soft sample", soft)
    x = torch.zeros(2, 3, requires_grad=True)
    y = F.gumbel_softmax(x, tau=1.0, hard=True)
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    print("straight-through grad", x.grad)

    prior_codes = torch.multinomial(torch.full((K,), 1.0 / K), N_LATENT * 5, replacement=True).view(5, N_LATENT)
    z_prior = F.one_hot(prior_codes, K).float()
    with torch.no_grad():
        samples = torch.sigmoid(model.dec(z_prior.flatten(1)))
    print("prior codes", prior_codes.tolist())
    print("samples", (samples > 0.5).int()[:2])
    print("sample means", samples.mean(1))
    print("accuracy", ((torch.sigmoid(recon) > 0.5).float() == data[:4]).float().mean().item())


if __name__ == "__main__":
    main()
