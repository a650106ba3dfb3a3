"""Custom autograd Functions using the rarer parts of ctx, as library code and research prototypes write them;
tests run it as is and with only its imports changed, and compare what both print. ctx.needs_input_grad to skip
work, ctx.set_materialize_grads(False) with None incoming gradients, mark_dirty for an in-place op, several
outputs with mark_non_differentiable on an index output, non-tensor arguments and ctx attributes, the
setup_context style (forward without ctx), once_differentiable, a Function whose backward is itself
differentiable (double backward through save_for_backward), a straight-through estimator, and gradcheck on
float64 inputs. NumPy data.
"""
import numpy as np
import torch
from torch.autograd.function import once_differentiable


class ScaledMatmul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b, scale):
        ctx.save_for_backward(a, b)
        ctx.scale = scale
        return a @ b * scale

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = grad @ b.T * ctx.scale
        if ctx.needs_input_grad[1]:
            gb = a.T @ grad * ctx.scale
        return ga, gb, None


class SplitHalves(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        n = x.shape[-1] // 2
        return x[..., :n].clone(), x[..., n:].clone()

    @staticmethod
    def backward(ctx, g1, g2):
        parts = []
        for g, ref in ((g1, 0), (g2, 1)):
            parts.append(g if g is not None else None)
        if g1 is None:
            g1 = torch.zeros_like(g2)
        if g2 is None:
            g2 = torch.zeros_like(g1)
        return torch.cat([g1, g2], dim=-1)


class ReluInplace(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.mark_dirty(x)
        x.clamp_(min=0)
        ctx.save_for_backward(x)
        return x

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y > 0).to(grad.dtype)


class SortWithIndex(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        values, idx = torch.sort(x, dim=-1)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        return values, idx

    @staticmethod
    def backward(ctx, gv, gi):
        (idx,) = ctx.saved_tensors
        return torch.zeros_like(gv).scatter(-1, idx, gv)


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x ** 3

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2


class ClipGradOnce(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, bound):
        ctx.bound = bound
        return x.clone()

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        return grad.clamp(-ctx.bound, ctx.bound), None


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


def main():
    rng = np.random.default_rng(124)
    a = torch.tensor(rng.standard_normal((3, 4)), dtype=torch.float64, requires_grad=True)
    b = torch.tensor(rng.standard_normal((4, 2)), dtype=torch.float64)
    out = ScaledMatmul.apply(a, b, 0.5)
    out.sum().backward()
    print(out, a.grad, b.grad, out.grad_fn.__class__.__name__)
    print(torch.autograd.gradcheck(lambda u, v: ScaledMatmul.apply(u, v, 2.0),
                                   (a.detach().requires_grad_(), b.detach().requires_grad_())))
    x = torch.tensor(rng.standard_normal((2, 6)), dtype=torch.float64, requires_grad=True)
    left, right = SplitHalves.apply(x)
    (left * 2).sum().backward()
    print(left.shape, x.grad)
    x.grad = None
    l2, r2 = SplitHalves.apply(x)
    (l2.sum() + (r2 ** 2).sum()).backward()
    print(x.grad[0])
    y = torch.tensor(rng.standard_normal(5), dtype=torch.float64, requires_grad=True)
    z = y * 1.0
    r = ReluInplace.apply(z)
    print(r is z, z, r.grad_fn.__class__.__name__)
    (r * torch.arange(5.0, dtype=torch.float64)).sum().backward()
    print(y.grad)
    s = torch.tensor(rng.standard_normal((2, 5)), dtype=torch.float64, requires_grad=True)
    vals, idx = SortWithIndex.apply(s)
    print(vals, idx, idx.requires_grad, vals.requires_grad)
    (vals * torch.linspace(0, 1, 5, dtype=torch.float64)).sum().backward()
    print(s.grad)
    c = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
    cube = Cube.apply(c)
    (g,) = torch.autograd.grad(cube.sum(), c, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), c)
    print(cube, g, gg, torch.autograd.gradcheck(Cube.apply, (c,)), torch.autograd.gradgradcheck(Cube.apply, (c,)))
    w = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    clipped = ClipGradOnce.apply(w * 10, 4.0)
    (clipped ** 2).sum().backward()
    print(w.grad)
    try:
        w2 = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
        (gcl,) = torch.autograd.grad(ClipGradOnce.apply(w2 * 3, 1.0).pow(2).sum(), w2, create_graph=True)
        gcl.backward()
    except RuntimeError as e:
        print("once_differentiable refused double backward:", "trying to differentiate twice" in str(e))
    q = torch.tensor(rng.uniform(-2, 2, 6), dtype=torch.float64, requires_grad=True)
    rounded = RoundSTE.apply(q * 1.5)
    loss = ((rounded - 1.0) ** 2).mean()
    loss.backward()
    print(rounded, q.grad)
    lin = torch.nn.Linear(3, 1).double()
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[0.3, -0.2, 0.5]], dtype=torch.float64))
        lin.bias.fill_(0.1)
    data = torch.tensor(rng.standard_normal((8, 3)), dtype=torch.float64)
    target = torch.tensor(rng.standard_normal((8, 1)), dtype=torch.float64)
    opt = torch.optim.SGD(lin.parameters(), lr=0.1)
    for step in range(3):
        opt.zero_grad()
        pred = ScaledMatmul.apply(data, lin.weight.T, 1.0) + lin.bias
        loss = ((Cube.apply(pred - target)) ** 2).mean()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.8f}", lin.weight.grad)


if __name__ == "__main__":
    main()
