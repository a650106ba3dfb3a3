"""A WGAN with gradient penalty on 2-D toy data, written for PyTorch; tests run it as is and with only its imports
changed, and compare what both print. The penalty differentiates the critic's output w.r.t. interpolated inputs
with torch.autograd.grad(create_graph=True), the critic takes several Adam steps per generator step (two
optimizers, betas=(0.5, 0.9)), the generator's samples are detached for the critic, and a second run of the
critic uses RMSprop with weight clipping (the original WGAN). Float64 and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim


def mlp(n_in, n_hidden, n_out, act):
    return nn.Sequential(nn.Linear(n_in, n_hidden), act(), nn.Linear(n_hidden, n_hidden), act(),
                         nn.Linear(n_hidden, n_out))


def init_from(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() > 1:
                p.copy_(torch.from_numpy(rng.normal(0.0, 1.0 / np.sqrt(p.size(1)), size=tuple(p.shape))))
            else:
                p.zero_()
    return model


def real_batch(rng, n):
    centers = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 2.0], [0.0, -2.0]])
    return torch.from_numpy(centers[rng.integers(0, 4, n)] + 0.1 * rng.standard_normal((n, 2)))


def gradient_penalty(critic, real, fake, alpha):
    mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    score = critic(mixed)
    grads, = torch.autograd.grad(outputs=score, inputs=mixed, grad_outputs=torch.ones_like(score),
                                 create_graph=True, retain_graph=True)
    norms = grads.view(grads.size(0), -1).norm(2, dim=1)
    return ((norms - 1) ** 2).mean(), norms


def main():
    rng = np.random.default_rng(11)
    gen = init_from(mlp(3, 24, 2, nn.ReLU).double(), rng)
    critic = init_from(mlp(2, 24, 1, lambda: nn.LeakyReLU(0.2)).double(), rng)
    opt_g = optim.Adam(gen.parameters(), lr=2e-3, betas=(0.5, 0.9))
    opt_c = optim.Adam(critic.parameters(), lr=2e-3, betas=(0.5, 0.9))
    lam, n_critic, batch = 10.0, 3, 32
    for step in range(8):
        for _ in range(n_critic):
            real = real_batch(rng, batch)
            z = torch.from_numpy(rng.standard_normal((batch, 3)))
            fake = gen(z).detach()
            alpha = torch.from_numpy(rng.random((batch, 1)))
            gp, norms = gradient_penalty(critic, real, fake, alpha)
            loss_c = critic(fake).mean() - critic(real).mean() + lam * gp
            opt_c.zero_grad()
            loss_c.backward()
            opt_c.step()
        z = torch.from_numpy(rng.standard_normal((batch, 3)))
        loss_g = -critic(gen(z)).mean()
        opt_g.zero_grad()
        loss_g.backward()
        g_norm = torch.sqrt(sum((p.grad ** 2).sum() for p in gen.parameters()))
        opt_g.step()
        stray = sum(p.grad.abs().sum() for p in critic.parameters() if p.grad is not None)
        print(f"step {step} critic {loss_c.item():.6f} gp {gp.item():.6f} gen {loss_g.item():.6f} "
              f"|g| {g_norm.item():.6f} norms {norms.min().item():.5f}..{norms.max().item():.5f} "
              f"critic grads from gen step {stray.item():.6f}")
    # the original WGAN: RMSprop and clipped critic weights
    opt_r = optim.RMSprop(critic.parameters(), lr=5e-4, alpha=0.9)
    for step in range(3):
        real = real_batch(rng, batch)
        fake = gen(torch.from_numpy(rng.standard_normal((batch, 3)))).detach()
        loss = critic(fake).mean() - critic(real).mean()
        opt_r.zero_grad()
        loss.backward()
        opt_r.step()
        for p in critic.parameters():
            p.data.clamp_(-0.05, 0.05)
        w = critic[0].weight
        print(f"clip step {step} loss {loss.item():.6f} w range {w.min().item():.4f} {w.max().item():.4f}",
              opt_r.state[w]["square_avg"].sum().item(), opt_r.state[w]["step"])
    with torch.no_grad():
        samples = gen(torch.from_numpy(rng.standard_normal((200, 3))))
        print("samples", samples.shape, samples.dtype, samples.mean(0), samples.std(0))
        quad = (samples[:, 0].abs() > samples[:, 1].abs()).sum().item()
        print("horizontal", quad, "critic on samples", critic(samples).squeeze(-1)[:4])


if __name__ == "__main__":
    main()
