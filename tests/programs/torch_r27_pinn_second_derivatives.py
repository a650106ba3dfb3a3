"""A physics-informed network for u''(x) + pi^2 sin(pi x) = 0 on [0, 1] with u(0) = u(1) = 0, as the PINN papers'
PyTorch code writes it: u_x and u_xx through torch.autograd.grad(create_graph=True, grad_outputs=ones_like), the
residual and boundary losses trained by Adam with a MultiStepLR, the graph's node names, then curvature of the
loss with respect to a small parameter vector through torch.autograd.functional.hvp, vhp, hessian and jacobian
(create_graph and strategy options), and a Laplacian of a 2-D network by a loop over coordinates. Float64; every
random number comes from torch.manual_seed.
"""
import math

import torch
import torch.nn as nn
from torch.autograd.functional import hessian, hvp, jacobian, vhp


class PINN(nn.Module):
    def __init__(self, width=16, dim=1):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, width), nn.Tanh(), nn.Linear(width, width), nn.Softplus(beta=2.0),
                                 nn.Linear(width, 1))

    def forward(self, x):
        return self.net(x)


def residual(model, x):
    x = x.requires_grad_(True)
    u = model(x)
    (u_x,) = torch.autograd.grad(u, x, grad_outputs=torch.ones_like(u), create_graph=True)
    (u_xx,) = torch.autograd.grad(u_x, x, grad_outputs=torch.ones_like(u_x), create_graph=True)
    return u_xx + math.pi ** 2 * torch.sin(math.pi * x), u, u_x, u_xx


def main():
    torch.manual_seed(2702)
    model = PINN().double()
    x = torch.linspace(0, 1, 9, dtype=torch.float64).unsqueeze(-1)
    r, u, u_x, u_xx = residual(model, x.clone())
    print(u_x.grad_fn.name(), u_xx.grad_fn.name(), r.grad_fn.name())
    print(u_xx.squeeze(-1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[3, 5], gamma=0.3)
    boundary = torch.tensor([[0.0], [1.0]], dtype=torch.float64)
    for step in range(7):
        opt.zero_grad()
        r, *_ = residual(model, x.clone())
        loss = r.pow(2).mean() + 10 * model(boundary).pow(2).mean()
        loss.backward()
        gnorm = torch.stack([p.grad.norm() for p in model.parameters()]).norm()
        opt.step()
        sched.step()
        print(step, f"{loss.item():.8f}", f"{gnorm.item():.6f}", sched.get_last_lr())

    w = torch.randn(4, dtype=torch.float64)
    xs = torch.linspace(-1, 1, 6, dtype=torch.float64)

    def f(theta):
        pred = theta[0] * torch.tanh(theta[1] * xs + theta[2]) + theta[3] * xs ** 2
        return (pred - torch.cos(xs)).pow(2).sum()

    v = torch.tensor([1.0, -0.5, 0.25, 2.0], dtype=torch.float64)
    val, hv = hvp(f, w, v)
    val2, vh = vhp(f, w, v)
    H = hessian(f, w)
    print(f"{val.item():.10f}", hv, torch.allclose(hv, vh), torch.allclose(H @ v, hv))
    print(H)
    Hf = hessian(f, w, vectorize=True, outer_jacobian_strategy="forward-mode")
    print(torch.allclose(H, Hf), torch.linalg.eigvalsh(H))
    J = jacobian(lambda t: torch.stack([t.sin().sum(), (t ** 3).prod()]), w, create_graph=True)
    print(J.shape, J, J.requires_grad)

    torch.manual_seed(7)
    model2 = PINN(width=8, dim=2).double()
    pts = torch.rand(5, 2, dtype=torch.float64, requires_grad=True)
    out = model2(pts).sum()
    (g,) = torch.autograd.grad(out, pts, create_graph=True)
    lap = torch.zeros(5, dtype=torch.float64)
    for i in range(2):
        (gi,) = torch.autograd.grad(g[:, i].sum(), pts, create_graph=True)
        lap = lap + gi[:, i]
    print(lap, lap.grad_fn.name())
    lap.pow(2).sum().backward()
    print(model2.net[0].weight.grad)
