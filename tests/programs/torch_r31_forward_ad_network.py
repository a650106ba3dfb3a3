"""Forward-mode AD through a small network, float64: dual_level / make_dual / unpack_dual through Linear, tanh,
softplus, silu and a custom autograd.Function with both jvp and backward (its save_for_forward), directional
derivatives compared with the reverse-mode vjp, a column-by-column Jacobian from forward-mode tangents, the
tangent's dtype and grad_fn-free result, and a forward-mode sensitivity used in a few SGD steps (the JVP of the
loss along a fixed direction as a penalty)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.autograd.forward_ad as fwAD


class SoftClip(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, limit):
        y = limit * torch.tanh(x / limit)
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        ctx.limit = limit
        return y

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (1 - torch.tanh(x / ctx.limit) ** 2), None

    @staticmethod
    def jvp(ctx, x_t, limit_t):
        (x,) = ctx.saved_tensors
        return x_t * (1 - torch.tanh(x / ctx.limit) ** 2)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(3, 5)
        self.l2 = nn.Linear(5, 2)

    def forward(self, x):
        h = F.softplus(F.silu(self.l1(x)), beta=2.0)
        return self.l2(SoftClip.apply(torch.tanh(h) * 3.0, 2.0))


def main():
    torch.manual_seed(9)
    net = Net().double()
    x = torch.randn(4, 3, dtype=torch.float64)
    v = torch.randn(4, 3, dtype=torch.float64)

    with fwAD.dual_level():
        dual = fwAD.make_dual(x, v)
        out = net(dual)
        primal, tangent = fwAD.unpack_dual(out)
        print("primal", primal.detach().numpy().round(10))
        print("tangent", tangent.detach().numpy().round(10), tangent.requires_grad,
              type(tangent.grad_fn).__name__)
        print("tangent dtype", tangent.dtype == torch.float64, fwAD.unpack_dual(x).tangent is None)
        y = SoftClip.apply(dual, 0.5)
        print("softclip tangent", fwAD.unpack_dual(y).tangent.detach().numpy().round(10))

    xr = x.clone().requires_grad_()
    out = net(xr)
    u = torch.randn(4, 2, dtype=torch.float64)
    (vjp_x,) = torch.autograd.grad(out, xr, u)
    print("dot check", round((tangent.detach() * u).sum().item(), 10), round((vjp_x * v).sum().item(), 10))

    x1 = x[:1]
    cols = []
    with fwAD.dual_level():
        for j in range(3):
            e = torch.zeros(1, 3, dtype=torch.float64)
            e[0, j] = 1.0
            cols.append(fwAD.unpack_dual(net(fwAD.make_dual(x1, e))).tangent[0])
    J = torch.stack(cols, dim=1)
    Jr = torch.autograd.functional.jacobian(lambda z: net(z)[0], x1)[:, 0]
    print("jacobian", J.detach().numpy().round(10))
    print("jacobian agrees", torch.allclose(J, Jr, atol=1e-12))

    target = torch.randn(4, 2, dtype=torch.float64)
    direction = torch.randn(4, 3, dtype=torch.float64)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    for step in range(4):
        opt.zero_grad()
        with fwAD.dual_level():
            out = net(fwAD.make_dual(x, direction))
            p, t = fwAD.unpack_dual(out)
            loss = F.mse_loss(p, target) + 0.05 * (t ** 2).mean()
        loss.backward()
        opt.step()
        print("step", step, p.requires_grad, round(loss.item(), 10), round(net.l1.weight.grad.norm().item(), 10),
              loss.grad_fn.name())
