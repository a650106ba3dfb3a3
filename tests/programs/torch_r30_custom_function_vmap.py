"""Custom autograd.Functions written the modern way, in float64: forward/setup_context pairs that save their
outputs (an exp and a softmax whose backward reads the result), a sort Function that marks its indices
non-differentiable, a clamp whose backward is once_differentiable and that turns off materialized gradients
(so an unused output's gradient arrives as None), a Function returning a non-tensor, generate_vmap_rule=True so
torch.func.vmap / grad / jacrev run through them, and a small model trained with them; grad_fn names, saved
tensor counts and gradcheck / gradgradcheck results are printed.
"""
import torch
from torch.autograd.function import once_differentiable
from torch.func import grad, jacrev, vmap


class MyExp(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        return x.exp()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y


class MySoftmax(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x, dim):
        z = x - x.amax(dim, keepdim=True)
        e = z.exp()
        return e / e.sum(dim, keepdim=True)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.dim = inputs[1]
        ctx.save_for_backward(output)

    @staticmethod
    def backward(ctx, g):
        (s,) = ctx.saved_tensors
        return s * (g - (g * s).sum(ctx.dim, keepdim=True)), None


class SortWithIndex(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        values, idx = x.sort(-1)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        return values, idx

    @staticmethod
    def backward(ctx, g_values, g_idx):
        (idx,) = ctx.saved_tensors
        return torch.zeros_like(g_values).scatter(-1, idx, g_values)


class ClampPair(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        c = x.clamp(lo, hi)
        return c, x - c, (x < lo) | (x > hi), "clamped"

    @staticmethod
    @once_differentiable
    def backward(ctx, g_out, g_rest, g_mask, g_str):
        (x,) = ctx.saved_tensors
        print("  ClampPair backward got", "None" if g_out is None else "a gradient",
              "None" if g_rest is None else "a gradient", g_mask, g_str)
        inside = ((x >= ctx.lo) & (x <= ctx.hi)).to(x.dtype)
        grad = torch.zeros_like(x)
        if g_out is not None:
            grad = grad + g_out * inside
        if g_rest is not None:
            grad = grad + g_rest * (1 - inside)
        return grad, None, None


def main():
    torch.manual_seed(0)
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    y = MyExp.apply(x)
    print("MyExp", y.grad_fn.name(), len(y.grad_fn.saved_tensors))
    y.sum().backward()
    print("d exp", torch.allclose(x.grad, x.exp()))
    s = MySoftmax.apply(x, 1)
    print("softmax rows", s.sum(1))
    (s[:, 0] * torch.arange(3.0, dtype=torch.float64)).sum().backward()
    print("softmax grad", x.grad)
    print("gradcheck", torch.autograd.gradcheck(lambda a: MySoftmax.apply(a, 0), (x,)),
          torch.autograd.gradgradcheck(lambda a: MySoftmax.apply(a, 1), (x,)))

    v, idx = SortWithIndex.apply(x)
    print("sort", v.requires_grad, idx.requires_grad, idx.dtype, idx[0])
    x.grad = None
    (v * torch.arange(4.0, dtype=torch.float64)).sum().backward()
    print("sort grad", x.grad[0], idx[0])

    c, rest, mask, tag = ClampPair.apply(x, -0.5, 0.5)
    print("clamp", c.grad_fn.name(), rest.grad_fn.name(), mask.requires_grad, tag, mask.sum().item())
    x.grad = None
    c.sum().backward(retain_graph=True)
    print("clamp grad", x.grad[1])
    x.grad = None
    (rest * 2).sum().backward()
    print("rest grad", x.grad[1])
    c2, _, mask2, _ = ClampPair.apply(x * 1.0, -0.5, 0.5)
    try:
        torch.autograd.grad(c2.sum(), x, create_graph=True)[0].sum().backward()
    except RuntimeError as e:
        print("once_differentiable:", str(e).splitlines()[0][:60])

    batched = vmap(MyExp.apply)(x.detach())
    print("vmap MyExp", torch.allclose(batched, x.detach().exp()))
    g = vmap(grad(lambda r: MySoftmax.apply(r, 0)[1]))(x.detach())
    print("vmap grad softmax", g[0])
    J = jacrev(lambda r: MySoftmax.apply(r, 0))(x.detach()[0])
    print("jacrev softmax", J.diagonal(), J.sum(0).abs().max().item() < 1e-12)

    w = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    target = torch.tensor([0, 2, 1, 1, 0])
    data = torch.randn(5, 4, dtype=torch.float64)
    opt = torch.optim.SGD([w], lr=0.5, momentum=0.9)
    for step in range(4):
        opt.zero_grad()
        p = MySoftmax.apply(data @ w, 1)
        loss = -p[torch.arange(5), target].log().mean()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.10f} grad_fn {loss.grad_fn.name()} {p.grad_fn.name()}")
    print("w", w)


if __name__ == "__main__":
    main()
