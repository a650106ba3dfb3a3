"""A VAE-style ELBO written with torch.distributions, and the schedulers that drive its training, printed per
step: the encoder gives Independent(Normal(mu, sigma), 1), the latent is drawn with rsample (reparameterised),
the prior is a MixtureSameFamily of Independent Normals (its KL by Monte Carlo) or a standard Normal (its KL by
kl_divergence, checked against the closed form), the decoder's likelihood is Independent(Bernoulli(logits=...)),
and a TransformedDistribution (Normal pushed through ExpTransform and AffineTransform) is a log-normal noise
model with its log_prob and a reparameterised sample. Training uses Adam under SequentialLR(LinearLR then
ExponentialLR) and a second parameter group under ChainedScheduler; ReduceLROnPlateau(threshold_mode='abs')
watches a fixed metric sequence. Float32; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
from torch.distributions import (Bernoulli, Categorical, ExpTransform, AffineTransform, Independent, LogNormal,
                                 MixtureSameFamily, Normal, TransformedDistribution, kl_divergence)
from torch.optim.lr_scheduler import (ChainedScheduler, ConstantLR, ExponentialLR, LinearLR, ReduceLROnPlateau,
                                      SequentialLR, StepLR)


class VAE(nn.Module):
    def __init__(self, d=6, z=2):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(d, 16), nn.Tanh(), nn.Linear(16, 2 * z))
        self.dec = nn.Sequential(nn.Linear(z, 16), nn.Tanh(), nn.Linear(16, d))

    def posterior(self, x):
        mu, log_sigma = self.enc(x).chunk(2, dim=-1)
        return Independent(Normal(mu, log_sigma.exp()), 1)


def main():
    torch.manual_seed(0)
    x = (torch.rand(16, 6) < torch.tensor([0.9, 0.8, 0.2, 0.1, 0.5, 0.7])).float()
    model = VAE()
    mix = MixtureSameFamily(Categorical(logits=torch.zeros(3)),
                            Independent(Normal(torch.tensor([[-1.0, 0.0], [1.0, 0.0], [0.0, 1.5]]),
                                               torch.full((3, 2), 0.7)), 1))
    std_prior = Independent(Normal(torch.zeros(2), torch.ones(2)), 1)
    print("mixture", mix.batch_shape, mix.event_shape, mix.mean, round(mix.variance.sum().item(), 5))
    q = model.posterior(x)
    print("posterior", q.batch_shape, q.event_shape, q.base_dist.loc.shape)
    kl = kl_divergence(q, std_prior)
    mu, sigma = q.base_dist.loc, q.base_dist.scale
    closed = 0.5 * (mu.pow(2) + sigma.pow(2) - 1 - 2 * sigma.log()).sum(-1)
    print("kl", kl[:3], torch.allclose(kl, closed, atol=1e-6), kl.grad_fn.name())
    opt = torch.optim.Adam([{"params": model.enc.parameters(), "lr": 0.02},
                            {"params": model.dec.parameters(), "lr": 0.01}])
    warm = LinearLR(opt, start_factor=0.25, total_iters=3)
    decay = ExponentialLR(opt, gamma=0.9)
    sched = SequentialLR(opt, schedulers=[warm, decay], milestones=[3])
    for step in range(7):
        opt.zero_grad()
        q = model.posterior(x)
        zs = q.rsample()
        lik = Independent(Bernoulli(logits=model.dec(zs)), 1)
        rec = lik.log_prob(x)
        kl_mc = q.log_prob(zs) - mix.log_prob(zs)
        loss = -(rec - kl_mc).mean()
        loss.backward()
        opt.step()
        sched.step()
        print(f"step {step} elbo {-loss.item():.5f} rec {rec.mean().item():.5f} kl {kl_mc.mean().item():.5f} "
              f"lr {[round(g['lr'], 6) for g in opt.param_groups]} last {[round(v, 6) for v in sched.get_last_lr()]}")
    print("rsample node", zs.grad_fn.name(), zs.shape, q.has_rsample, lik.has_rsample)

    base = Normal(torch.tensor([0.0, 0.5]), torch.tensor([0.5, 0.25]))
    noise = TransformedDistribution(base, [ExpTransform(), AffineTransform(loc=1.0, scale=2.0)])
    ln = LogNormal(base.loc, base.scale)
    v = torch.tensor([[1.5, 3.0], [2.2, 4.5]])
    print("transformed log_prob", noise.log_prob(v), "lognormal", ln.log_prob((v - 1) / 2) - torch.log(torch.tensor(2.0)))
    s = noise.rsample((3,))
    print("transformed sample", s, s.grad_fn)
    loc = torch.tensor([0.1, 0.2], requires_grad=True)
    TransformedDistribution(Normal(loc, 1.0), [ExpTransform()]).rsample((4,)).sum().backward()
    print("d sample / d loc", loc.grad)

    w = nn.Parameter(torch.zeros(2))
    opt2 = torch.optim.SGD([w], lr=1.0)
    chained = ChainedScheduler([ConstantLR(opt2, factor=0.5, total_iters=2), StepLR(opt2, step_size=2, gamma=0.3)])
    lrs = []
    for _ in range(6):
        opt2.step()
        chained.step()
        lrs.append(round(opt2.param_groups[0]["lr"], 6))
    print("chained", lrs)
    opt3 = torch.optim.SGD([w], lr=0.1)
    plateau = ReduceLROnPlateau(opt3, mode="min", factor=0.5, patience=1, threshold=0.05, threshold_mode="abs",
                                cooldown=1, min_lr=0.01)
    for metric in [1.0, 0.97, 0.96, 0.94, 0.90, 0.89, 0.88, 0.80, 0.79, 0.78, 0.77]:
        plateau.step(metric)
        print(f"plateau metric {metric} lr {opt3.param_groups[0]['lr']:.5f} best {plateau.best} "
              f"bad {plateau.num_bad_epochs} cooldown {plateau.cooldown_counter}")


if __name__ == "__main__":
    main()
