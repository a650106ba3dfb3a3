"""Second-order gradients through the activation modules a model rarely uses, float64: for Softmin, Softmax2d,
LogSigmoid, Tanhshrink, Softsign, Mish, CELU, SELU, Hardtanh, Hardshrink, Softshrink, Threshold, GLU, PReLU
(per channel), RReLU in eval, SiLU, ELU and Softplus(beta, threshold): the gradient taken with create_graph=True
(its node's name printed), a Hessian-vector product through it, and a gradient-penalty training loop (a small
critic whose input-gradient norm is pushed to 1) stepping Adam a few times."""
import torch
import torch.nn as nn


def main():
    torch.manual_seed(9)
    dt = torch.float64
    x = torch.randn(2, 4, 3, 3, dtype=dt) * 1.5
    v = torch.randn(2, 4, 3, 3, dtype=dt)
    acts = [nn.Softmin(dim=1), nn.Softmax2d(), nn.LogSigmoid(), nn.Tanhshrink(), nn.Softsign(), nn.Mish(),
            nn.CELU(alpha=0.7), nn.SELU(), nn.Hardtanh(-0.5, 1.2), nn.Hardshrink(0.6), nn.Softshrink(0.4),
            nn.Threshold(0.2, -1.0), nn.GLU(dim=1), nn.PReLU(4, init=0.15).double(), nn.RReLU(0.1, 0.3).eval(),
            nn.SiLU(), nn.ELU(alpha=1.3), nn.Softplus(beta=2.0, threshold=1.5)]
    for act in acts:
        xi = x.clone().requires_grad_()
        y = act(xi)
        (g,) = torch.autograd.grad((y * y.detach().cos()).sum(), xi, create_graph=True)
        gname = g.grad_fn.name() if g.grad_fn is not None else None
        (hv,) = torch.autograd.grad((g * v).sum(), xi, allow_unused=True)
        hv_sum = None if hv is None else round(hv.sum().item(), 8)
        print(type(act).__name__, y.grad_fn.name(), gname, round(g.sum().item(), 8), hv_sum)

    prelu = nn.PReLU(4, init=0.2).double()
    xi = x.clone().requires_grad_()
    (gx,) = torch.autograd.grad(prelu(xi).pow(2).sum(), xi, create_graph=True)
    gx.abs().sum().backward()
    print("prelu weight grad2", prelu.weight.grad.numpy().round(8))

    torch.manual_seed(2)
    critic = nn.Sequential(nn.Linear(3, 16), nn.Mish(), nn.Linear(16, 16), nn.CELU(0.5), nn.Linear(16, 8),
                           nn.Softsign(), nn.Linear(8, 1)).double()
    opt = torch.optim.Adam(critic.parameters(), lr=0.01)
    real = torch.randn(16, 3, dtype=dt) + 1.0
    fake = torch.randn(16, 3, dtype=dt) - 1.0
    for step in range(4):
        opt.zero_grad()
        alpha = torch.linspace(0, 1, 16, dtype=dt).unsqueeze(1)
        mix = (alpha * real + (1 - alpha) * fake).requires_grad_()
        (gm,) = torch.autograd.grad(critic(mix).sum(), mix, create_graph=True)
        penalty = ((gm.norm(2, dim=1) - 1) ** 2).mean()
        loss = critic(fake).mean() - critic(real).mean() + 10 * penalty
        loss.backward()
        opt.step()
        print("gp step", step, round(loss.item(), 10), round(penalty.item(), 10),
              round(critic[0].weight.grad.norm().item(), 10), gm.grad_fn.name())
