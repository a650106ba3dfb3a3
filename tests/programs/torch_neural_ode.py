"""A neural ordinary differential equation written for PyTorch the way torchdiffeq-style code writes it by hand;
tests run it as is and with only its imports changed, and compare what both print. A small MLP vector field with
time as an input, fixed-step RK4 integration (torch.stack of the trajectory), training on a spiral by backpropagating
through the solver, the adjoint method written by hand (the augmented state integrated backwards with
vector-Jacobian products from torch.autograd.grad(grad_outputs=..., allow_unused=True)) checked against direct
backpropagation, forward-mode sensitivities with torch.func.jvp, the Jacobian trace of the field for a
continuous normalising flow's log-density change (torch.func.jacrev + vmap, and Hutchinson's estimator with fixed
NumPy probe vectors). Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.func import jacrev, jvp, vmap


class Field(nn.Module):
    def __init__(self, dim=2, hidden=16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim + 1, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Softplus(),
                                 nn.Linear(hidden, dim))

    def forward(self, t, z):
        tt = torch.full(z.shape[:-1] + (1,), float(t), dtype=z.dtype) if not torch.is_tensor(t) else \
            t.expand(z.shape[:-1] + (1,))
        return self.net(torch.cat([z, tt], dim=-1))


def rk4(f, z0, ts):
    zs = [z0]
    z = z0
    for t0, t1 in zip(ts[:-1], ts[1:]):
        h = t1 - t0
        k1 = f(t0, z)
        k2 = f(t0 + h / 2, z + h / 2 * k1)
        k3 = f(t0 + h / 2, z + h / 2 * k2)
        k4 = f(t1, z + h * k3)
        z = z + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        zs.append(z)
    return torch.stack(zs)


def adjoint_grads(field, z0, ts, dl_dzT):
    params = tuple(field.parameters())
    with torch.no_grad():
        zT = rk4(field, z0, ts)[-1]

    def aug(t, state):
        z, a = state[..., :2], state[..., 2:4]
        with torch.enable_grad():
            z = z.detach().requires_grad_(True)
            fz = field(t, z)
            vjps = torch.autograd.grad(fz, (z,) + params, grad_outputs=-a, allow_unused=True)
        dparams = torch.cat([v.flatten() for v in vjps[1:]])
        return torch.cat([fz.detach(), vjps[0]], -1), dparams

    state = torch.cat([zT, dl_dzT], -1)
    g_params = torch.zeros(sum(p.numel() for p in params))
    rts = ts.flip(0)
    for t0, t1 in zip(rts[:-1], rts[1:]):
        h = t1 - t0
        k1, p1 = aug(t0, state)
        k2, p2 = aug(t0 + h / 2, state + h / 2 * k1)
        k3, p3 = aug(t0 + h / 2, state + h / 2 * k2)
        k4, p4 = aug(t1, state + h * k3)
        state = state + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        g_params = g_params + h / 6 * (p1 + 2 * p2 + 2 * p3 + p4)
    return state[..., 2:4], g_params


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(43)
    field = Field()
    with torch.no_grad():
        for p in field.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.4, tuple(p.shape))))
    ts = torch.linspace(0.0, 1.0, 9)
    theta = np.linspace(0, 2.5, 9)
    spiral = torch.from_numpy(np.stack([np.exp(-0.3 * theta) * np.cos(theta), np.exp(-0.3 * theta) * np.sin(theta)], 1))
    z0 = spiral[0:1].clone()
    traj = rk4(field, z0, ts)
    print("trajectory shape:", tuple(traj.shape), "end:", [round(v, 8) for v in traj[-1, 0].tolist()])

    opt = torch.optim.Adam(field.parameters(), lr=0.02)
    for step in range(6):
        opt.zero_grad()
        pred = rk4(field, z0, ts)[:, 0]
        loss = (pred - spiral).pow(2).mean()
        loss.backward()
        opt.step()
        print(f"step {step}: loss {loss.item():.8f}")

    # adjoint versus backprop through the solver, for L = |z(T)|^2 / 2 over a batch of starts
    starts = torch.from_numpy(rng.standard_normal((3, 2)) * 0.5)
    field.zero_grad()
    z0b = starts.clone().requires_grad_(True)
    zT = rk4(field, z0b, ts)[-1]
    (0.5 * zT.pow(2).sum()).backward()
    direct = torch.cat([p.grad.flatten() for p in field.parameters()])
    with torch.no_grad():
        zT_ng = rk4(field, starts, ts)[-1]
    a0, g_adj = adjoint_grads(field, starts, ts, zT_ng)
    print("dL/dz0 direct:", [round(v, 8) for v in z0b.grad[0].tolist()],
          "adjoint:", [round(v, 8) for v in a0[0].tolist()])
    print("param grad rel diff:", f"{((g_adj - direct).norm() / direct.norm()).item():.4e}")
    print("param grad norm:", round(direct.norm().item(), 8))

    # forward-mode sensitivity of the end point to the start
    def end_point(z):
        return rk4(field, z, ts)[-1]
    out, tangent = jvp(end_point, (starts[:1],), (torch.tensor([[1.0, 0.0]]),))
    print("jvp end tangent:", [round(v, 8) for v in tangent[0].tolist()])

    # continuous normalising flow: d log p / dt = -trace(df/dz)
    def f_single(z):
        return field(torch.tensor(0.5), z.unsqueeze(0)).squeeze(0)
    jac = vmap(jacrev(f_single))(starts)
    traces = jac.diagonal(dim1=-2, dim2=-1).sum(-1)
    print("exact traces:", [round(v, 8) for v in traces.tolist()])
    eps = torch.from_numpy(rng.choice([-1.0, 1.0], size=(64, 2)))
    z = starts[0].repeat(64, 1).requires_grad_(True)
    fz = field(torch.tensor(0.5), z)
    vjp, = torch.autograd.grad(fz, z, grad_outputs=eps)
    print("hutchinson estimate:", round((vjp * eps).sum(-1).mean().item(), 8))
