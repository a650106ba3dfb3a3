"""Custom autograd.Functions used in both modes, and the forward-mode tools around them: tests run it as is and with
only its imports changed, and compare what both print. A Function with setup_context, a jvp and
save_for_forward, run under forward_ad dual numbers, torch.func.jvp / jacfwd / linearize and backward; a top-k
Function whose indices are mark_non_differentiable; a once_differentiable Function whose double backward raises;
ctx.needs_input_grad and set_materialize_grads(False) with an unused output; forward_ad through nn.Linear and a
custom Function in one chain; torch.func.hessian of functional_call on a model with buffers; and
torch.autograd.functional's jvp / vhp / hessian with create_graph and strategy options. Float64.
"""
import torch
import torch.autograd.forward_ad as fwAD
import torch.nn as nn
from torch.autograd.function import once_differentiable
from torch.autograd.functional import hessian as ag_hessian
from torch.autograd.functional import jvp as ag_jvp
from torch.autograd.functional import vhp as ag_vhp
from torch.func import functional_call, hessian, jacfwd, jacrev, jvp, linearize


class ScaledSoftplus(torch.autograd.Function):
    """y = softplus(a * x) / a, with both backward and jvp written by hand."""

    generate_vmap_rule = True

    @staticmethod
    def forward(x, a):
        return torch.nn.functional.softplus(a * x) / a

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, a = inputs
        ctx.save_for_backward(x, a)
        ctx.save_for_forward(x, a)
        ctx.saw_grads = ctx.needs_input_grad

    @staticmethod
    def backward(ctx, g):
        x, a = ctx.saved_tensors
        s = torch.sigmoid(a * x)
        ga = None
        if ctx.needs_input_grad[1]:
            ga = (g * (x * s / a - torch.nn.functional.softplus(a * x) / a ** 2)).sum().reshape(a.shape)
        return g * s, ga

    @staticmethod
    def jvp(ctx, dx, da):
        x, a = ctx.saved_tensors
        s = torch.sigmoid(a * x)
        out = dx * s
        if da is not None:
            out = out + da * (x * s / a - torch.nn.functional.softplus(a * x) / a ** 2)
        return out


class TopK(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        values, idx = x.topk(k, dim=-1)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        ctx.shape = x.shape
        return values, idx

    @staticmethod
    def backward(ctx, gv, gi):
        (idx,) = ctx.saved_tensors
        return torch.zeros(ctx.shape, dtype=gv.dtype).scatter(-1, idx, gv), None


class CubeOnce(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * g


class SplitHalves(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        n = x.shape[0] // 2
        return x[:n] * 2, x[n:] * 3

    @staticmethod
    def backward(ctx, g1, g2):
        parts = [g1 * 2 if g1 is not None else None, g2 * 3 if g2 is not None else None]
        print("  split backward got", [p is None for p in parts])
        a = parts[0] if parts[0] is not None else torch.zeros(2, dtype=torch.float64)
        b = parts[1] if parts[1] is not None else torch.zeros(2, dtype=torch.float64)
        return torch.cat([a, b])


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 2)
        self.register_buffer("shift", torch.tensor([0.5, -0.5, 1.0]))

    def forward(self, x):
        return torch.tanh(self.lin(x - self.shift)).sum()


def main():
    torch.manual_seed(250)
    x = torch.tensor([-1.5, 0.2, 2.0], dtype=torch.float64, requires_grad=True)
    a = torch.tensor([1.7], dtype=torch.float64, requires_grad=True)
    y = ScaledSoftplus.apply(x, a)
    y.sum().backward()
    print("apply", y, y.grad_fn.name(), x.grad, a.grad)
    with fwAD.dual_level():
        dual = fwAD.make_dual(x.detach(), torch.tensor([1.0, 0.5, -2.0], dtype=torch.float64))
        out = ScaledSoftplus.apply(dual, a.detach())
        print("forward_ad", fwAD.unpack_dual(out).tangent)
        dual_a = fwAD.make_dual(a.detach(), torch.ones(1, dtype=torch.float64))
        print("forward_ad da", fwAD.unpack_dual(ScaledSoftplus.apply(x.detach(), dual_a)).tangent)
    f = lambda t: ScaledSoftplus.apply(t, torch.tensor([0.9], dtype=torch.float64))
    primal, tangent = jvp(f, (x.detach(),), (torch.ones(3, dtype=torch.float64),))
    print("func.jvp", primal, tangent)
    print("jacfwd", jacfwd(f)(x.detach()).diagonal(), "jacrev", jacrev(f)(x.detach()).diagonal())
    out, jvp_fn = linearize(lambda t: torch.sin(t) * t.sum(), x.detach())
    print("linearize", out, jvp_fn(torch.tensor([1.0, 0.0, -1.0], dtype=torch.float64)))

    z = torch.tensor([[0.3, 2.0, -1.0, 0.7], [1.5, -0.2, 0.9, 0.1]], dtype=torch.float64, requires_grad=True)
    vals, idx = TopK.apply(z, 2)
    print("topk", vals, idx, idx.requires_grad, vals.requires_grad)
    (vals * torch.tensor([1.0, 10.0], dtype=torch.float64)).sum().backward()
    print("topk grad", z.grad)

    c = torch.tensor([0.5, -2.0], dtype=torch.float64, requires_grad=True)
    seed = torch.ones(2, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(CubeOnce.apply(c), c, grad_outputs=seed, create_graph=True)
    print("once grad", g, g.requires_grad)
    try:
        g.sum().backward()
    except RuntimeError as e:
        print("double backward raised", "once_differentiable" in str(e))

    h = torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64, requires_grad=True)
    first, second = SplitHalves.apply(h)
    first.sum().backward()
    print("materialize off", h.grad)

    lin = nn.Linear(3, 2).double()
    with fwAD.dual_level():
        xd = fwAD.make_dual(x.detach(), torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64))
        hidden = lin(xd)
        out = ScaledSoftplus.apply(hidden, torch.tensor([2.0], dtype=torch.float64))
        print("chain tangent", fwAD.unpack_dual(out).tangent, lin.weight[:, 1] * torch.sigmoid(2 * lin(x.detach())))

    net = Net().double()
    params = {k: v.detach() for k, v in net.named_parameters()}
    buffers = {k: v for k, v in net.named_buffers()}
    inp = torch.tensor([0.4, -0.3, 0.8], dtype=torch.float64)
    H = hessian(lambda p: functional_call(net, (p, buffers), (inp,)))(params)
    print("hessian keys", sorted(H), sorted(H["lin.bias"]), H["lin.bias"]["lin.bias"])
    print("hessian w-b", H["lin.weight"]["lin.bias"].shape, H["lin.weight"]["lin.bias"][0, 0])
    Hx = hessian(lambda t: functional_call(net, params, (t,), {}), argnums=0)(inp)
    print("hessian input", Hx)

    fn = lambda u, v: (u ** 2 * v.sin()).sum()
    u0 = torch.tensor([1.0, -0.5], dtype=torch.float64)
    v0 = torch.tensor([0.3, 1.2], dtype=torch.float64)
    val, jv = ag_jvp(fn, (u0, v0), (torch.ones(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)))
    print("functional jvp", val, jv)
    val, vh = ag_vhp(fn, (u0, v0), (torch.ones(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)))
    print("functional vhp", vh)
    Hf = ag_hessian(fn, (u0, v0), create_graph=False, vectorize=False, outer_jacobian_strategy="reverse-mode")
    print("functional hessian", Hf[0][1], Hf[1][1])
