"""Custom autograd Functions that work in every mode, written for PyTorch the way library authors write them;
tests run it as is and with only its imports changed, and compare what both print. A numerically stable
log1p(exp(x)) (softplus) Function with a backward and a forward-mode jvp (ctx.save_for_forward), checked with
torch.autograd.gradcheck / gradgradcheck (its backward built from differentiable ops, so it can be differentiated
twice) and with forward-mode AD through torch.autograd.forward_ad; a Function whose backward is decorated with
torch.autograd.function.once_differentiable (its gradient has no graph, so a second derivative is refused); a
Function with two outputs and a non-tensor argument, mark_non_differentiable on an integer output; the
setup_context style with generate_vmap_rule=True, run under torch.func.vmap and torch.func.grad and jacrev; all
compared with the same math written with built-in ops. Float64, data from NumPy.
"""
import numpy as np
import torch
import torch.autograd.forward_ad as fwAD
from torch.autograd.function import once_differentiable
from torch.func import grad, jacrev, vmap


class StableSoftplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = torch.clamp(x, min=0) + torch.log1p(torch.exp(-x.abs()))
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return grad_out * torch.sigmoid(x)

    @staticmethod
    def jvp(ctx, x_t):
        (x,) = ctx.saved_tensors
        return x_t * torch.sigmoid(x)


class ClippedSquare(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, limit):
        ctx.save_for_backward(x)
        ctx.limit = limit
        return x.clamp(-limit, limit) ** 2

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        inside = (x.abs() < ctx.limit).to(x.dtype)
        return grad_out * 2 * x * inside, None


class TopValue(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        values, idx = x.topk(k, dim=-1)
        ctx.save_for_backward(idx)
        ctx.shape = x.shape
        ctx.mark_non_differentiable(idx)
        return values, idx

    @staticmethod
    def backward(ctx, grad_values, grad_idx):
        (idx,) = ctx.saved_tensors
        g = torch.zeros(ctx.shape, dtype=grad_values.dtype)
        return g.scatter(-1, idx, grad_values), None


class Cube(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        return x ** 3

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return grad_out * 3 * x ** 2


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(71)
    x = torch.from_numpy(rng.normal(0, 3, 6) * np.array([1, 1, 1, 1, 20, -20])).requires_grad_()
    y = StableSoftplus.apply(x)
    print("softplus:", [round(v, 6) for v in y.tolist()], "matches F.softplus:",
          torch.allclose(y, torch.nn.functional.softplus(x)), type(y.grad_fn).__name__)
    y.sum().backward()
    print("grad:", [round(v, 6) for v in x.grad.tolist()])
    small = x.detach()[:4].clone().requires_grad_()
    print("gradcheck:", torch.autograd.gradcheck(StableSoftplus.apply, (small,)),
          "gradgradcheck:", torch.autograd.gradgradcheck(StableSoftplus.apply, (small,)))
    tangent = torch.from_numpy(rng.standard_normal(6))
    with fwAD.dual_level():
        out = StableSoftplus.apply(fwAD.make_dual(x.detach(), tangent))
        jvp_out = fwAD.unpack_dual(out).tangent
    print("forward-mode jvp:", [round(v, 6) for v in jvp_out.tolist()],
          torch.allclose(jvp_out, tangent * torch.sigmoid(x.detach())))

    z = torch.from_numpy(rng.normal(0, 1.5, 5)).requires_grad_()
    sq = ClippedSquare.apply(z, 1.0)
    (g,) = torch.autograd.grad(sq.sum(), z, create_graph=True)
    print("clipped square grad:", [round(v, 6) for v in g.tolist()], g.requires_grad)
    try:
        g.sum().backward()
        print("second derivative: allowed")
    except RuntimeError as err:
        print("second derivative refused:", "does not require grad" in str(err))

    m = torch.from_numpy(rng.standard_normal((3, 5))).requires_grad_()
    values, idx = TopValue.apply(m, 2)
    print("top values:", [[round(v, 6) for v in row] for row in values.tolist()], idx.tolist(), idx.requires_grad)
    (values * torch.tensor([1.0, -2.0])).sum().backward()
    print("scatter grad:", m.grad.tolist())
    ref = m.detach().clone().requires_grad_()
    (ref.topk(2, dim=-1).values * torch.tensor([1.0, -2.0])).sum().backward()
    print("same as topk:", torch.equal(ref.grad, m.grad))

    batch = torch.from_numpy(rng.standard_normal((4, 3)))
    print("vmap:", torch.allclose(vmap(Cube.apply)(batch), batch ** 3))
    per_sample = vmap(grad(lambda v: Cube.apply(v).sum()))(batch)
    print("vmap(grad):", torch.allclose(per_sample, 3 * batch ** 2), [round(v, 6) for v in per_sample[0].tolist()])
    jac = jacrev(Cube.apply)(batch[0])
    print("jacrev diagonal:", torch.allclose(jac, torch.diag(3 * batch[0] ** 2)), tuple(jac.shape))
