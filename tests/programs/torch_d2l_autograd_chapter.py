"""The automatic-differentiation chapter of Dive into Deep Learning (d2l.ai) and course notebooks, written for
PyTorch; tests run it as is and with only its imports changed, and compare what both print. y = 2 x^T x and its
gradient 4x, x.grad accumulating across backward calls until x.grad.zero_(), a non-scalar y backed through
y.sum() and through backward(gradient=torch.ones(len(y))), detach() cutting a branch (u = y.detach(), z = u * x),
gradients through Python control flow (a while loop on the norm and an if on the sum, d = a * f(a) / a), a
tensor hook doubling and a hook recording, retain_grad() on an intermediate, retain_graph=True for a second
backward, torch.autograd.grad with create_graph=True for a second derivative and the Hessian-vector product,
plotting-style derivatives of sin over a grid checked against cos, the gradient of the chapter's exercise
functions, and requires_grad_ / is_leaf / grad_fn is None bookkeeping. Float64, data from NumPy.
"""
import math

import numpy as np
import torch


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(14)
    x = torch.arange(4.0)
    x.requires_grad_(True)
    print("x.grad before:", x.grad, x.is_leaf, x.requires_grad)
    y = 2 * torch.dot(x, x)
    y.backward()
    print("y:", y.item(), "grad:", x.grad.tolist(), "== 4x:", bool((x.grad == 4 * x).all()))
    x.grad.zero_()
    y = x.sum()
    y.backward()
    print("grad of sum:", x.grad.tolist())
    y = x.sum()
    y.backward()
    print("accumulated:", x.grad.tolist())

    x.grad.zero_()
    y = x * x
    y.backward(gradient=torch.ones(len(y)))
    print("non-scalar with gradient=:", x.grad.tolist())
    x.grad.zero_()
    y = x * x
    y.sum().backward()
    print("non-scalar via sum:", x.grad.tolist())
    x.grad.zero_()
    y = x * x
    y.backward(torch.tensor([1.0, 0.1, 0.01, 0.001]))
    print("weighted vector-Jacobian:", x.grad.tolist())

    x.grad.zero_()
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    print("detached:", x.grad.tolist(), bool((x.grad == u).all()), u.requires_grad, u.grad_fn is None)
    x.grad.zero_()
    y.sum().backward()
    print("y still differentiable:", x.grad.tolist())

    for value in (rng.normal(), -abs(rng.normal()), 1e-3):
        a = torch.tensor(value, requires_grad=True)
        d = f(a)
        d.backward()
        print(f"control flow a={value:.6f}: d/a = {(d / a).item():.1f}, grad = {a.grad.item():.1f}",
              bool(a.grad == d / a))

    seen = []
    w = torch.from_numpy(rng.normal(0, 1, 3)).requires_grad_()
    h = w.exp()
    h.retain_grad()
    handle = h.register_hook(lambda g: seen.append(g.clone()))
    w.register_hook(lambda g: g * 2)
    loss = (h * torch.tensor([1.0, 2.0, 3.0])).sum()
    loss.backward(retain_graph=True)
    print("hook saw:", seen[0].tolist(), "h.grad:", h.grad.tolist())
    print("w.grad doubled by its hook:", [round(v, 10) for v in w.grad.tolist()],
          torch.allclose(w.grad, 2 * h.detach() * torch.tensor([1.0, 2.0, 3.0])))
    handle.remove()
    loss.backward()
    print("second backward (graph retained):", len(seen), [round(v, 10) for v in w.grad.tolist()])

    x = torch.tensor(0.7, requires_grad=True)
    y = x ** 3 * torch.sin(x)
    (dy,) = torch.autograd.grad(y, x, create_graph=True)
    (d2y,) = torch.autograd.grad(dy, x)
    exact1 = 3 * 0.7 ** 2 * math.sin(0.7) + 0.7 ** 3 * math.cos(0.7)
    exact2 = 6 * 0.7 * math.sin(0.7) + 6 * 0.7 ** 2 * math.cos(0.7) - 0.7 ** 3 * math.sin(0.7)
    print("first and second derivative:", round(dy.item(), 12), round(exact1, 12), round(d2y.item(), 12),
          round(exact2, 12))

    v = torch.from_numpy(rng.normal(0, 1, 3))
    p = torch.from_numpy(rng.normal(0, 1, 3)).requires_grad_()
    A = torch.from_numpy(rng.normal(0, 1, (3, 3)))
    energy = p @ A @ p + p.pow(4).sum()
    (g,) = torch.autograd.grad(energy, p, create_graph=True)
    (hvp,) = torch.autograd.grad(g @ v, p)
    hess = A + A.T + torch.diag(12 * p.detach() ** 2)
    print("Hessian-vector product:", [round(t, 10) for t in hvp.tolist()], torch.allclose(hvp, hess @ v))

    xs = torch.linspace(-math.pi, math.pi, 9, requires_grad=True)
    torch.sin(xs).sum().backward()
    print("d sin / dx == cos:", torch.allclose(xs.grad, torch.cos(xs.detach())),
          [round(t, 6) for t in xs.grad.tolist()[:4]])

    x = torch.from_numpy(rng.normal(0, 1, 4)).requires_grad_()
    y = torch.where(x > 0, x ** 2, -x).sum() + torch.abs(x).max() + torch.norm(x)
    y.backward()
    print("piecewise gradient:", [round(t, 10) for t in x.grad.tolist()])
    with torch.no_grad():
        z = x * 2
    print("bookkeeping:", z.requires_grad, z.grad_fn is None, (x * 2).grad_fn is not None, x.detach().is_leaf,
          (x * 2).is_leaf)
