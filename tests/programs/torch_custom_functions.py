"""Fitting y = sin(x) with a cubic, four ways, then custom autograd Functions, written for PyTorch; tests run it as
is and with only its imports changed, and compare what both print. The fit goes from hand-written gradients on
tensors, to autograd, to a custom Function (the Legendre polynomial P3 with save_for_backward), to nn.Sequential
with Flatten(0, 1). Then Functions using needs_input_grad, mark_non_differentiable, set_materialize_grads(False),
a non-tensor argument, double backward (create_graph=True) and once_differentiable, checked with gradcheck and
gradgradcheck; torch.autograd.grad with grad_outputs and allow_unused; torch.autograd.functional's jacobian,
hessian, vjp, jvp and hvp. Float64, data from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd.function import once_differentiable


class Legendre3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return 0.5 * (5 * x ** 3 - 3 * x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * x ** 2 - 1)


class ScaledMul(torch.autograd.Function):
    """a * b * scale, where scale is a plain float (no gradient)."""

    @staticmethod
    def forward(ctx, a, b, scale):
        ctx.save_for_backward(a, b)
        ctx.scale = scale
        return a * b * scale

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = grad_output * b * ctx.scale
        if ctx.needs_input_grad[1]:
            grad_b = grad_output * a * ctx.scale
        return grad_a, grad_b, None


class Shift(torch.autograd.Function):
    """x + offset; backward returns a trailing None more than forward has inputs, which PyTorch ignores."""

    @staticmethod
    def forward(ctx, x, offset):
        return x + offset

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output, None, None


class MulConstant(torch.autograd.Function):
    """x * k in the newer form: forward without ctx, setup_context saves; usable under torch.func transforms."""
    generate_vmap_rule = True

    @staticmethod
    def forward(x, k=2.0):
        return x * k

    @staticmethod
    def setup_context(ctx, inputs, output):
        _, k = inputs
        ctx.k = k

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.k, None


class MaxWithArg(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        values, idx = x.max(dim=1)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        ctx.in_shape = x.shape
        return values, idx

    @staticmethod
    def backward(ctx, grad_values, grad_idx):
        (idx,) = ctx.saved_tensors
        out = torch.zeros(ctx.in_shape, dtype=grad_values.dtype)
        return out.scatter(1, idx.unsqueeze(1), grad_values.unsqueeze(1))


class TwoHeads(torch.autograd.Function):
    """(2x, x**2); with set_materialize_grads(False) an unused output's gradient arrives as None."""

    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(x)
        return x * 2, x ** 2

    @staticmethod
    def backward(ctx, g_double, g_square):
        (x,) = ctx.saved_tensors
        seen.append((g_double is None, g_square is None))
        total = torch.zeros_like(x)
        if g_double is not None:
            total = total + 2 * g_double
        if g_square is not None:
            total = total + 2 * x * g_square
        return total


seen = []


class Cube(torch.autograd.Function):
    """x**3 whose backward is built from differentiable ops, so it can be differentiated again."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x ** 2


class SoftClip(torch.autograd.Function):
    """tanh computed on the side; its backward runs once only (once_differentiable)."""

    @staticmethod
    def forward(ctx, x):
        y = torch.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * (1 - y * y)


def fit_manual(x, y, coef, lr, steps):
    a, b, c, d = [torch.tensor(v) for v in coef]
    for t in range(steps):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum().item()
        grad_y_pred = 2.0 * (y_pred - y)
        a -= lr * grad_y_pred.sum()
        b -= lr * (grad_y_pred * x).sum()
        c -= lr * (grad_y_pred * x ** 2).sum()
        d -= lr * (grad_y_pred * x ** 3).sum()
    return loss, [a.item(), b.item(), c.item(), d.item()]


def fit_autograd(x, y, coef, lr, steps, poly):
    params = [torch.tensor(v, requires_grad=True) for v in coef]
    for t in range(steps):
        loss = (poly(x, *params) - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None
    return loss.item(), [p.item() for p in params]


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(5)
    x = torch.linspace(-math.pi, math.pi, 200)
    y = torch.sin(x)
    coef = rng.normal(0.0, 0.5, 4).tolist()

    loss, found = fit_manual(x, y, coef, 5e-6, 300)
    print(f"manual: loss {loss:.6f}, y = {found[0]:.6f} + {found[1]:.6f} x + {found[2]:.6f} x^2 + {found[3]:.6f} x^3")
    cubic = lambda x, a, b, c, d: a + b * x + c * x ** 2 + d * x ** 3  # noqa: E731
    loss, found = fit_autograd(x, y, coef, 5e-6, 300, cubic)
    print(f"autograd: loss {loss:.6f}, coefficients {[round(v, 6) for v in found]}")
    legendre_coef = [0.0, -1.0, 0.0, 0.3]
    legendre = lambda x, a, b, c, d: a + b * Legendre3.apply(c + d * x)  # noqa: E731
    loss, found = fit_autograd(x, y, legendre_coef, 5e-6, 300, legendre)
    print(f"legendre: loss {loss:.6f}, coefficients {[round(v, 6) for v in found]}")

    xx = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
    model = nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(rng.normal(0.0, 0.3, (1, 3))))
        model[0].bias.fill_(0.1)
    for t in range(200):
        loss = F.mse_loss(model(xx), y, reduction="sum")
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= 1e-6 * p.grad
        if t % 50 == 49:
            print(f"nn step {t + 1}: loss {loss.item():.6f}")
    print("nn weights", model[0].weight.squeeze().tolist(), xx.shape, model(xx).shape)

    a = torch.from_numpy(rng.standard_normal(4)).requires_grad_()
    b = torch.from_numpy(rng.standard_normal(4))
    out = ScaledMul.apply(a, b, 2.5)
    out.sum().backward()
    print("scaled mul", out.grad_fn is not None, a.grad, b.grad)
    print("gradcheck ScaledMul", torch.autograd.gradcheck(lambda a, b: ScaledMul.apply(a, b, 0.5),
                                                         (a.detach().requires_grad_(), b.requires_grad_())))

    shifted = Shift.apply(a, 1.5)
    (shifted * b).sum().backward()
    print("extra None grads", shifted.grad_fn.name(), a.grad)
    a.grad = None
    MulConstant.apply(a, k=3.0).sum().backward()
    print("setup_context", a.grad, MulConstant.apply(a).grad_fn.name())
    per_row = torch.func.vmap(torch.func.grad(lambda t: MulConstant.apply(t).pow(2).sum()))(b.reshape(2, 2))
    print("func transforms of it", per_row)
    m = torch.from_numpy(rng.standard_normal((3, 5))).requires_grad_()
    vals, idx = MaxWithArg.apply(m)
    (vals * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    print("max with arg", idx.tolist(), idx.requires_grad, vals.requires_grad, m.grad.sum(dim=1).tolist())

    z = torch.from_numpy(rng.standard_normal(3)).requires_grad_()
    double, square = TwoHeads.apply(z)
    square.sum().backward()
    print("materialize off", seen[-1], z.grad)
    z.grad = None
    double, square = TwoHeads.apply(z)
    (double.sum() + square.sum()).backward()
    print("both used", seen[-1], z.grad)

    c = torch.tensor([0.5, -1.2, 2.0], requires_grad=True)
    (g,) = torch.autograd.grad(Cube.apply(c).sum(), c, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), c)
    print("cube grad", g.detach(), "second", gg)
    print("gradcheck Cube", torch.autograd.gradcheck(Cube.apply, (c,)),
          "gradgradcheck", torch.autograd.gradgradcheck(Cube.apply, (c,)))
    print("gradcheck Legendre3", torch.autograd.gradcheck(Legendre3.apply, (c,)))

    s = torch.from_numpy(rng.standard_normal(4)).requires_grad_()
    soft = SoftClip.apply(s)
    (gs,) = torch.autograd.grad(soft.sum(), s, create_graph=True)
    print("softclip", soft, gs.requires_grad)
    weights = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    (gs,) = torch.autograd.grad(soft, s, grad_outputs=weights, create_graph=True)
    print("softclip weighted", gs.detach(), gs.requires_grad)
    try:
        gs.sum().backward()
    except RuntimeError as err:
        print("once_differentiable refuses double backward:", "once_differentiable" in str(err))
    print("gradcheck SoftClip", torch.autograd.gradcheck(SoftClip.apply, (s,)))

    u = torch.from_numpy(rng.standard_normal(3)).requires_grad_()
    v = torch.from_numpy(rng.standard_normal(3)).requires_grad_()
    unused = torch.zeros(2, requires_grad=True)
    w = torch.stack([u[0] * v[1], u.sum() * v[2], (u * v).sum()])
    gu, gv, gn = torch.autograd.grad(w, (u, v, unused), grad_outputs=torch.tensor([1.0, -1.0, 0.5]),
                                     allow_unused=True)
    print("grad_outputs", gu, gv, gn)
    w = torch.stack([u[0] * v[1], u.sum() * v[2], (u * v).sum()])
    gu, gn = torch.autograd.grad(w.sum(), (u, unused), materialize_grads=True)
    print("materialize_grads", gn, gu.sum().item())
    w = torch.stack([u[0] * v[1], u.sum() * v[2], (u * v).sum()])
    (rows,) = torch.autograd.grad(w, u, grad_outputs=torch.eye(3), is_grads_batched=True)
    print("is_grads_batched jacobian", rows.shape, rows[2])

    def fn(p):
        return torch.stack([p[0] * p[1], p[1].sin() * p[2], p.pow(2).sum()])

    def scalar_fn(p):
        return (p[0] ** 2 * p[1] + p[2].exp() * p[1]).sum()

    p = torch.tensor([0.3, -0.8, 1.1])
    J = torch.autograd.functional.jacobian(fn, p)
    H = torch.autograd.functional.hessian(scalar_fn, p)
    print("functional jacobian", J.shape, J[1])
    print("functional hessian", H[1], torch.allclose(H, H.T))
    val, vjp_out = torch.autograd.functional.vjp(fn, p, torch.tensor([1.0, 0.0, 2.0]))
    print("functional vjp", val, vjp_out)
    val, jvp_out = torch.autograd.functional.jvp(fn, p, torch.tensor([0.0, 1.0, 1.0]))
    print("functional jvp", jvp_out)
    val, hvp_out = torch.autograd.functional.hvp(scalar_fn, p, torch.tensor([1.0, 1.0, 0.0]))
    print("functional hvp", val.item(), hvp_out)
    return {"jacobian": J.numpy()}
