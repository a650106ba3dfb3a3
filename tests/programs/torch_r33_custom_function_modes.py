"""Custom autograd Functions written in the modern style (float64): forward without ctx plus setup_context,
ctx.needs_input_grad steering backward, mark_non_differentiable on an index output, save_for_forward with a jvp
used by forward-mode AD, once_differentiable refusing double backward, non-tensor arguments, a Function returning
a tuple with one output unused, gradcheck / gradgradcheck on them, torch.func.grad / jacrev / jvp through them
(generate_vmap_rule), and a layer built on one trained a few steps."""
import torch
import torch.autograd.forward_ad as fwAD
from torch.autograd.function import once_differentiable


class ScaledSoftplus(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x, beta):
        return torch.log1p(torch.exp(beta * x)) / beta

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, beta = inputs
        ctx.beta = beta
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * torch.sigmoid(ctx.beta * x), None

    @staticmethod
    def jvp(ctx, x_t, beta_t):
        (x,) = ctx.saved_tensors
        return x_t * torch.sigmoid(ctx.beta * x)


class SortWithIndex(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        values, index = x.sort(dim=-1)
        ctx.mark_non_differentiable(index)
        ctx.save_for_backward(index)
        return values, index

    @staticmethod
    def backward(ctx, grad_values, grad_index):
        (index,) = ctx.saved_tensors
        return torch.zeros_like(grad_values).scatter(-1, index, grad_values)


class WeightedProduct(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b, scale):
        ctx.save_for_backward(a, b)
        ctx.scale = scale
        return a * b * scale, (a - b).abs().sum()

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out, grad_dist):
        a, b = ctx.saved_tensors
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = grad_out * b * ctx.scale + grad_dist * torch.sign(a - b)
        if ctx.needs_input_grad[1]:
            gb = grad_out * a * ctx.scale - grad_dist * torch.sign(a - b)
        print("  needs_input_grad", ctx.needs_input_grad, grad_dist is None, float(grad_dist))
        return ga, gb, None


def r(t, digits=8):
    return [round(v, digits) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(0)
    x = torch.randn(5, dtype=torch.float64, requires_grad=True)
    y = ScaledSoftplus.apply(x, 2.0)
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), x)
    print("softplus", y.grad_fn.name(), r(y), r(g), r(gg))
    print("gradcheck", torch.autograd.gradcheck(lambda t: ScaledSoftplus.apply(t, 1.5), (x,)),
          torch.autograd.gradgradcheck(lambda t: ScaledSoftplus.apply(t, 1.5), (x,)))
    with fwAD.dual_level():
        dual = fwAD.make_dual(x.detach(), torch.ones(5, dtype=torch.float64))
        primal, tangent = fwAD.unpack_dual(ScaledSoftplus.apply(dual, 2.0))
        print("jvp", r(primal), r(tangent))
    print("func.grad", r(torch.func.grad(lambda t: ScaledSoftplus.apply(t, 3.0).sum())(x.detach())))
    print("jacrev diag", r(torch.diagonal(torch.func.jacrev(lambda t: ScaledSoftplus.apply(t, 3.0))(x.detach()))))
    print("vmap", r(torch.vmap(lambda t: ScaledSoftplus.apply(t, 0.5))(x.detach().reshape(5, 1))))
    _, jt = torch.func.jvp(lambda t: ScaledSoftplus.apply(t, 2.0), (x.detach(),), (torch.arange(5.0, dtype=torch.float64),))
    print("func.jvp", r(jt))

    m = torch.randn(2, 4, dtype=torch.float64, requires_grad=True)
    values, index = SortWithIndex.apply(m)
    print("sort", values.grad_fn.name(), index.requires_grad, values.requires_grad, index.tolist())
    (values * torch.arange(4.0, dtype=torch.float64)).sum().backward()
    print("sort grad", r(m.grad))

    a = torch.randn(3, dtype=torch.float64, requires_grad=True)
    b = torch.randn(3, dtype=torch.float64)
    out, dist = WeightedProduct.apply(a, b, 0.5)
    print("product", out.grad_fn.name(), dist.grad_fn.name(), r(out), round(dist.item(), 8))
    out.sum().backward()
    print("grad a", r(a.grad))
    b.requires_grad_()
    out, dist = WeightedProduct.apply(a, b, 2.0)
    ga, gb = torch.autograd.grad(out.sum() + 3 * dist, (a, b), create_graph=True)
    try:
        torch.autograd.grad(ga.sum(), a)
    except RuntimeError as e:
        print("double backward refused", "once_differentiable" in str(e) or "does not require grad" in str(e))
    print("grads", r(ga), r(gb))

    # a layer on ScaledSoftplus trained a few steps with Adam
    w = torch.nn.Parameter(torch.randn(3, 4, dtype=torch.float64) * 0.5)
    data = torch.randn(16, 4, dtype=torch.float64)
    target = torch.randn(16, 3, dtype=torch.float64)
    opt = torch.optim.Adam([w], lr=0.05)
    for step in range(5):
        loss = ((ScaledSoftplus.apply(data @ w.T, 1.5) - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("train", step, f"{loss.item():.10f}", r(w.grad[0], 8))


main()
