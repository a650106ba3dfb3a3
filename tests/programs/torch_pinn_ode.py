"""A physics-informed network for a damped oscillator and the heat equation, written for PyTorch; tests run it as
is and with only its imports changed, and compare what both print. Derivatives of the network w.r.t. its inputs
by torch.autograd.grad(create_graph=True) twice (u_t, u_tt, u_xx through one call with several inputs),
residual + boundary losses, Adam then LBFGS(line_search_fn="strong_wolfe") with a closure, activation
checkpointing of a block with torch.utils.checkpoint, and a Jacobian check with torch.autograd.functional.
Float64 and weights from a seeded NumPy generator.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.checkpoint import checkpoint


class PINN(nn.Module):
    def __init__(self, n_in, hidden=16, use_checkpoint=False):
        super().__init__()
        self.inp = nn.Linear(n_in, hidden)
        self.block = nn.Sequential(nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh())
        self.out = nn.Linear(hidden, 1)
        self.use_checkpoint = use_checkpoint

    def forward(self, x):
        h = self.inp(x)
        h = checkpoint(self.block, h, use_reentrant=False) if self.use_checkpoint else self.block(h)
        return self.out(h)


def load_weights(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            fan_in = p.shape[1] if p.dim() == 2 else p.shape[0]
            p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape)) / math.sqrt(fan_in)))


def oscillator_loss(model, t, zeta=0.2, omega=3.0):
    t = t.clone().requires_grad_(True)
    u = model(t)
    u_t, = torch.autograd.grad(u, t, torch.ones_like(u), create_graph=True)
    u_tt, = torch.autograd.grad(u_t.sum(), t, create_graph=True)
    residual = u_tt + 2 * zeta * omega * u_t + omega ** 2 * u
    t0 = torch.zeros(1, 1, dtype=t.dtype, requires_grad=True)
    u0 = model(t0)
    du0, = torch.autograd.grad(u0.sum(), t0, create_graph=True)
    return residual.pow(2).mean() + (u0 - 1).pow(2).sum() + du0.pow(2).sum()


def heat_loss(model, xt, kappa=0.1):
    xt = xt.clone().requires_grad_(True)
    u = model(xt)
    grads, = torch.autograd.grad(u.sum(), xt, create_graph=True)
    u_x, u_t = grads[:, :1], grads[:, 1:]
    u_xx = torch.autograd.grad(u_x, xt, grad_outputs=torch.ones_like(u_x), create_graph=True)[0][:, :1]
    residual = u_t - kappa * u_xx
    x0 = xt[:, :1].detach()
    init = model(torch.cat([x0, torch.zeros_like(x0)], dim=1)) - torch.sin(math.pi * x0)
    edges = model(torch.tensor([[0.0, 0.5], [1.0, 0.5]], dtype=xt.dtype))
    return residual.pow(2).mean() + init.pow(2).mean() + edges.pow(2).mean()


def main():
    rng = np.random.default_rng(41)
    t = torch.from_numpy(np.linspace(0, 2, 40).reshape(-1, 1))
    model = PINN(1).double()
    load_weights(model, rng)
    opt = optim.Adam(model.parameters(), lr=0.01)
    for step in range(30):
        opt.zero_grad()
        loss = oscillator_loss(model, t)
        loss.backward()
        if step % 5 == 0:
            gn = torch.cat([p.grad.flatten() for p in model.parameters()]).norm()
            print(f"adam step {step} loss {loss.item():.6f} grad norm {gn.item():.6f}")
        opt.step()
    lbfgs = optim.LBFGS(model.parameters(), lr=1.0, max_iter=20, history_size=10, line_search_fn="strong_wolfe")

    def closure():
        lbfgs.zero_grad()
        loss = oscillator_loss(model, t)
        loss.backward()
        return loss

    for outer in range(3):
        loss = lbfgs.step(closure)
        print(f"lbfgs {outer} loss {loss.item():.8f} func evals {lbfgs.state[lbfgs._params[0]]['func_evals']}")
    with torch.no_grad():
        exact = torch.exp(-0.6 * t) * torch.cos(math.sqrt(9 - 0.36) * t)
        print("max error vs exact", (model(t) - exact).abs().max().item() < 0.5, model(t)[::10].squeeze(1))

    heat = PINN(2, hidden=12, use_checkpoint=True).double()
    plain = PINN(2, hidden=12).double()
    load_weights(heat, rng)
    plain.load_state_dict(heat.state_dict())
    xt = torch.from_numpy(rng.random((64, 2)))
    la, lb = heat_loss(heat, xt), heat_loss(plain, xt)
    ga = torch.autograd.grad(la, list(heat.parameters()))
    gb = torch.autograd.grad(lb, list(plain.parameters()))
    print("checkpoint same", torch.allclose(la, lb), all(torch.allclose(a, b) for a, b in zip(ga, gb)),
          ga[2].norm().item())
    opt = optim.Adam(heat.parameters(), lr=0.005, betas=(0.9, 0.99))
    for step in range(12):
        opt.zero_grad()
        loss = heat_loss(heat, xt)
        loss.backward()
        opt.step()
        if step % 3 == 0:
            print(f"heat step {step} loss {loss.item():.6f} out bias grad {heat.out.bias.grad.item():.6f}")
    point = torch.tensor([0.3, 0.2], dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda p: heat(p.unsqueeze(0)).squeeze(), point)
    hess = torch.autograd.functional.hessian(lambda p: heat(p.unsqueeze(0)).squeeze(), point)
    print("jacobian", jac, "hessian diag", torch.diagonal(hess), hess.shape)


if __name__ == "__main__":
    main()
