"""A spectrally normalised GAN (SN-GAN) on 2-D toy data, written for PyTorch the way its spectral-norm GAN code does
it; tests run it as is and with only its imports changed, and compare what both print. The discriminator wraps its
layers in nn.utils.spectral_norm (weight_orig / weight_u / weight_v, power iteration each training forward, frozen
in eval) and nn.utils.parametrizations.spectral_norm (parametrizations.weight.original, _u, _v), with the
power-iteration vectors loaded from NumPy through load_state_dict so both libraries start alike; the hinge loss for
D and G, Adam with betas (0.0, 0.9), two D steps per G step (the G step backpropagating only into G's parameters
with backward(inputs=...), a grad_fn pre-hook watching the gradient reaching D's output), the largest singular value
checked against torch.linalg.matrix_norm(ord=2) and svdvals, and remove_spectral_norm. Float64, data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import parametrizations, remove_spectral_norm, spectral_norm


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = spectral_norm(nn.Linear(2, 16))
        self.fc2 = parametrizations.spectral_norm(nn.Linear(16, 16), n_power_iterations=2)
        self.out = spectral_norm(nn.Linear(16, 1), n_power_iterations=1, eps=1e-8)

    def forward(self, x):
        return self.out(F.leaky_relu(self.fc2(F.leaky_relu(self.fc1(x), 0.1)), 0.1))


def unit(rng, n):
    v = rng.standard_normal(n)
    return torch.from_numpy(v / np.linalg.norm(v))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(31)
    D = Discriminator()
    G = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
    print(D)
    print("D keys:", sorted(D.state_dict()))
    state = {}
    for k, v in D.state_dict().items():
        state[k] = unit(rng, v.shape[0]) if k.endswith(("_u", "_v")) else torch.from_numpy(
            rng.normal(0, 0.5, tuple(v.shape)))
    D.load_state_dict(state)
    G.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.5, tuple(v.shape))) for k, v in G.state_dict().items()})

    with torch.no_grad():
        D.eval()
        D(torch.zeros(1, 2))
        sigma_eval = (D.fc1.weight_orig / D.fc1.weight).mean().item()
        D.train()
    print("fc1 sigma estimate (eval, no iteration):", round(sigma_eval, 6))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.0, 0.9))
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.0, 0.9))
    for it in range(6):
        for _ in range(2):
            real = torch.from_numpy(rng.normal(0, 0.2, (32, 2)) + np.where(rng.random((32, 1)) < 0.5, 1.0, -1.0))
            fake = G(torch.from_numpy(rng.standard_normal((32, 2)))).detach()
            d_loss = F.relu(1 - D(real)).mean() + F.relu(1 + D(fake)).mean()
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
        fake_out = D(G(torch.from_numpy(rng.standard_normal((32, 2)))))
        seen = []
        handle = fake_out.grad_fn.register_prehook(lambda grads: seen.append(grads[0].abs().sum().item()))
        g_loss = -fake_out.mean()
        d_grad_before = D.out.bias.grad.clone()
        opt_g.zero_grad()
        g_loss.backward(inputs=list(G.parameters()))
        handle.remove()
        opt_g.step()
        print(f"iter {it}: d {d_loss.item():.6f} g {g_loss.item():.6f} D grads untouched "
              f"{torch.equal(D.out.bias.grad, d_grad_before)} grad into D output {seen[0]:.6f}")

    D.eval()
    with torch.no_grad():
        w1 = D.fc1.weight
        w2 = D.fc2.weight
        print("fc1 normalised sigma:", round(torch.linalg.matrix_norm(w1, ord=2).item(), 6),
              "orig:", round(torch.linalg.svdvals(D.fc1.weight_orig)[0].item(), 6))
        print("fc2 normalised sigma:", round(torch.linalg.matrix_norm(w2, ord=2).item(), 6),
              "u norm:", round(D.fc2.parametrizations.weight[0]._u.norm().item(), 6))
        print("u vectors:", [round(v, 6) for v in D.fc1.weight_u[:4].tolist()],
              [round(v, 6) for v in D.fc2.parametrizations.weight[0]._v[:4].tolist()])
        x = torch.from_numpy(rng.standard_normal((3, 2)))
        print("eval outputs stable:", torch.equal(D(x), D(x)), [round(v, 6) for v in D(x).squeeze(1).tolist()])
    before = D(x).detach()
    remove_spectral_norm(D.fc1)
    print("after remove:", sorted(k for k in D.state_dict() if k.startswith("fc1")),
          torch.allclose(D(x), before))
    samples = G(torch.from_numpy(rng.standard_normal((200, 2)))).detach()
    print("generated mean/std:", [round(v, 6) for v in samples.mean(0).tolist()],
          [round(v, 6) for v in samples.std(0).tolist()])
