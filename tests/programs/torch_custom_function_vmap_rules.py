"""Custom autograd Functions that work under torch.func, written for PyTorch: forward without ctx plus
setup_context, an explicit vmap staticmethod (in_dims / out_dims bookkeeping), a jvp staticmethod for forward mode,
a Function with generate_vmap_rule=True, and non-differentiable integer outputs (mark_non_differentiable); used under
vmap, grad, jacrev, jacfwd, hessian and vmap(grad(...)) for per-example gradients, and checked against plain
autograd and gradcheck. Float64, data from a seeded NumPy generator."""
import numpy as np
import torch
from torch.func import grad, hessian, jacfwd, jacrev, vmap


class SoftClip(torch.autograd.Function):
    """y = c * tanh(x / c), with its own vmap rule."""

    @staticmethod
    def forward(x, c):
        return c * torch.tanh(x / c)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, c = inputs
        ctx.c = c
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return gy * (1 - torch.tanh(x / ctx.c) ** 2), None

    @staticmethod
    def jvp(ctx, gx, gc):
        (x,) = ctx.saved_tensors
        return gx * (1 - torch.tanh(x / ctx.c) ** 2)

    @staticmethod
    def vmap(info, in_dims, x, c):
        x_dim, _ = in_dims
        x = x.movedim(x_dim, 0) if x_dim is not None else x.expand(info.batch_size, *x.shape)
        return SoftClip.apply(x, c), 0


class CubeTopIndex(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        return x ** 3, torch.argmax(x, dim=-1)

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        ctx.mark_non_differentiable(output[1])

    @staticmethod
    def backward(ctx, gy, gidx):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * gy

    @staticmethod
    def jvp(ctx, gx):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * gx, None


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(1646)
    x = torch.from_numpy(rng.standard_normal((4, 5)) * 2)
    w = torch.from_numpy(rng.standard_normal(5))

    y = SoftClip.apply(x, 1.5)
    print("softclip", y[0])
    batched = vmap(SoftClip.apply, in_dims=(0, None))(x, 1.5)
    print("vmap equal", torch.equal(batched, y))
    cols = vmap(SoftClip.apply, in_dims=(1, None), out_dims=1)(x, 1.5)
    print("vmap over columns", torch.allclose(cols, y), cols.shape)

    def loss(wv, xi):
        return SoftClip.apply(xi * wv, 1.5).sum() ** 2

    per_example = vmap(grad(loss), in_dims=(None, 0))(w, x)
    print("per-example grads", per_example.shape)
    print(per_example[1])
    manual = []
    for i in range(4):
        wv = w.clone().requires_grad_(True)
        loss(wv, x[i]).backward()
        manual.append(wv.grad)
    print("matches loop", torch.allclose(torch.stack(manual), per_example, atol=1e-12))

    jr = jacrev(lambda v: SoftClip.apply(v, 0.8))(x[0])
    jf = jacfwd(lambda v: SoftClip.apply(v, 0.8))(x[0])
    print("jacobian diag", torch.diagonal(jr))
    print("jacrev == jacfwd", torch.allclose(jr, jf), "off-diagonal zero", (jr - torch.diag(torch.diagonal(jr))).abs().max().item())

    cubes, idx = CubeTopIndex.apply(x)
    print("cube", cubes[0], "argmax", idx, idx.requires_grad)
    vc, vi = vmap(CubeTopIndex.apply)(x)
    print("generated vmap", torch.equal(vc, cubes), torch.equal(vi, idx))
    h = hessian(lambda v: CubeTopIndex.apply(v)[0].sum())(x[2])
    print("hessian diag", torch.diagonal(h))
    g2 = vmap(grad(lambda v: (CubeTopIndex.apply(v)[0] * w).sum()))(x)
    print("vmap grad cube", g2[3])

    xs = x.clone().requires_grad_(True)
    out, top = CubeTopIndex.apply(xs)
    (out.sum() + SoftClip.apply(xs, 2.0).pow(2).sum()).backward()
    print("plain grad", xs.grad[1])
    print("gradcheck softclip", torch.autograd.gradcheck(lambda v: SoftClip.apply(v, 1.2), (x[:2, :3].clone().requires_grad_(),)))
    print("gradcheck cube", torch.autograd.gradcheck(lambda v: CubeTopIndex.apply(v)[0], (x[:2, :3].clone().requires_grad_(),)))
    print("forward-mode check", torch.autograd.gradcheck(lambda v: SoftClip.apply(v, 1.2), (x[:1].clone().requires_grad_(),),
                                                         check_forward_ad=True, check_backward_ad=True))
    nested = vmap(vmap(SoftClip.apply, in_dims=(0, None)), in_dims=(0, None))(x.reshape(2, 2, 5), 0.5)
    print("nested vmap", nested.shape, nested[1, 0, :3])


if __name__ == "__main__":
    main()
