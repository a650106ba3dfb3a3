"""A discrete-latent VAE trained with the Gumbel-softmax relaxation, and the reparameterised gradients of the
concentration-parameterised distributions: F.gumbel_softmax with hard=True (straight-through) and a temperature
schedule, RelaxedOneHotCategorical / RelaxedBernoulli rsample and log_prob, a Dirichlet topic prior whose rsample
gradients reach its concentration, Beta and Gamma rsample gradients (implicit reparameterisation) checked against
their means, and the KL terms of the ELBO. Float32; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import (Beta, Dirichlet, Gamma, OneHotCategorical, RelaxedBernoulli,
                                 RelaxedOneHotCategorical, kl_divergence)


class GumbelVAE(nn.Module):
    def __init__(self, d=8, k=4):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(d, 16), nn.ReLU(), nn.Linear(16, k))
        self.dec = nn.Sequential(nn.Linear(k, 16), nn.ReLU(), nn.Linear(16, d))

    def forward(self, x, tau, hard):
        logits = self.enc(x)
        z = F.gumbel_softmax(logits, tau=tau, hard=hard)
        return self.dec(z), logits, z


def main():
    torch.manual_seed(0)
    x = (torch.rand(12, 8) > 0.6).float()
    model = GumbelVAE()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    prior = OneHotCategorical(logits=torch.zeros(4))
    for step in range(6):
        tau = max(0.5, 1.0 * 0.8 ** step)
        opt.zero_grad()
        recon, logits, z = model(x, tau, hard=step % 2 == 1)
        rec = F.binary_cross_entropy_with_logits(recon, x, reduction="sum") / x.shape[0]
        kl = kl_divergence(OneHotCategorical(logits=logits), prior).mean()
        loss = rec + kl
        loss.backward()
        opt.step()
        print(f"step {step} tau {tau:.4f} loss {loss.item():.6f} kl {kl.item():.6f} "
              f"z row {z[0].tolist()} node {z.grad_fn.name()}")
    print("one-hot rows", bool((z.sum(-1) == 1).all()), z.max(-1).values.tolist()[:4])

    temp = torch.tensor(0.7)
    logits = torch.tensor([[1.0, -0.5, 0.2], [0.0, 0.3, -1.2]], requires_grad=True)
    relaxed = RelaxedOneHotCategorical(temp, logits=logits)
    sample = relaxed.rsample((2,))
    print("relaxed sample", sample, sample.sum(-1))
    lp = relaxed.log_prob(sample.detach())
    print("relaxed log_prob", lp)
    (sample[..., 0].sum() + lp.sum()).backward()
    print("d / d logits", logits.grad)
    rb = RelaxedBernoulli(torch.tensor(0.5), probs=torch.tensor([0.2, 0.7, 0.9]))
    b = rb.rsample()
    print("relaxed bernoulli", b, rb.log_prob(b))

    conc = torch.tensor([0.5, 1.5, 3.0], requires_grad=True)
    dir_ = Dirichlet(conc)
    theta = dir_.rsample((4,))
    print("dirichlet sample", theta, theta.sum(-1))
    (theta[:, 0] * 2 + theta[:, 2].pow(2)).sum().backward()
    print("d / d concentration", conc.grad)
    print("dirichlet stats", dir_.mean, dir_.variance, dir_.entropy())
    print("dirichlet kl", kl_divergence(Dirichlet(conc.detach()), Dirichlet(torch.ones(3))))

    a = torch.tensor([2.0, 0.8], requires_grad=True)
    b_ = torch.tensor([3.0, 1.2], requires_grad=True)
    beta = Beta(a, b_)
    s = beta.rsample((3,))
    print("beta sample", s)
    s.mean().backward()
    print("beta grads", a.grad, b_.grad)
    print("beta log_prob", beta.log_prob(torch.tensor([0.3, 0.6])), beta.entropy())
    shape = torch.tensor([0.6, 2.5, 7.0], requires_grad=True)
    rate = torch.tensor([1.0, 2.0, 0.5], requires_grad=True)
    gamma = Gamma(shape, rate)
    g = gamma.rsample((5,))
    print("gamma sample", g[:2])
    g.sum().backward()
    print("gamma grads", shape.grad, rate.grad)
    print("gamma kl", kl_divergence(Gamma(shape.detach(), rate.detach()), Gamma(torch.ones(3), torch.ones(3))))
    print("after draws", torch.rand(3))


if __name__ == "__main__":
    main()
