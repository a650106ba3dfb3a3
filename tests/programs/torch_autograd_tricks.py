"""Autograd beyond loss.backward(), written for PyTorch; tests run it as is and with only its imports changed, and
compare what both print. A custom torch.autograd.Function (straight-through rounding with ctx attributes and
needs_input_grad, mark_non_differentiable), tensor hooks that rescale gradients, retain_grad on intermediates,
a WGAN-GP gradient penalty through torch.autograd.grad(create_graph=True), Hessian-vector products, double backward,
torch.autograd.functional.jacobian / hessian, set_grad_enabled and inference_mode. Float64, data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.scale = scale
        ctx.save_for_backward(x)
        return torch.round(x * scale) / scale

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        inside = (x.abs() <= 1.0).to(grad_out.dtype)
        return grad_out * inside, None


class SortWithIndex(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        values, idx = torch.sort(x, dim=-1)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        return values, idx

    @staticmethod
    def backward(ctx, grad_values, grad_idx):
        (idx,) = ctx.saved_tensors
        return torch.zeros_like(grad_values).scatter(-1, idx, grad_values)


def main():
    rng = np.random.default_rng(4)
    x = torch.from_numpy(rng.uniform(-1.5, 1.5, (3, 4))).requires_grad_()
    q = RoundSTE.apply(x, 4.0)
    q.sum().backward()
    print("ste", q[0], x.grad.sum().item())

    v, idx = SortWithIndex.apply(x)
    (v * torch.arange(4, dtype=torch.float64)).sum().backward()
    print("sort grad", x.grad[1], idx.requires_grad, v.requires_grad, idx.dtype)

    w = torch.from_numpy(rng.standard_normal((4, 2))).requires_grad_()
    h = x @ w
    h.retain_grad()
    seen = []
    handle = h.register_hook(lambda g: seen.append(g.abs().sum().item()) or g * 2)
    out = torch.tanh(h).pow(2).sum()
    out.backward()
    print("hooked", round(seen[0], 8), h.grad.abs().sum().item(), w.grad.abs().sum().item(), h.is_leaf)
    handle.remove()
    w.grad = None
    torch.tanh(x @ w).pow(2).sum().backward()
    print("unhooked", w.grad.abs().sum().item(), h.grad_fn is not None, w.grad_fn)

    critic = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1)).double()
    with torch.no_grad():
        for p in critic.parameters():
            p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape)) * 0.5))
    real = torch.from_numpy(rng.standard_normal((6, 4)))
    fake = torch.from_numpy(rng.standard_normal((6, 4)) + 1)
    eps = torch.from_numpy(rng.random((6, 1)))
    opt = torch.optim.Adam(critic.parameters(), lr=0.01, betas=(0.5, 0.9))
    for step in range(4):
        mix = (eps * real + (1 - eps) * fake).requires_grad_(True)
        score = critic(mix)
        (grad,) = torch.autograd.grad(score, mix, grad_outputs=torch.ones_like(score), create_graph=True)
        penalty = ((grad.norm(2, dim=1) - 1) ** 2).mean()
        loss = critic(fake).mean() - critic(real).mean() + 10 * penalty
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"wgan-gp step {step} loss {loss.item():.8f} penalty {penalty.item():.8f}")

    a = torch.from_numpy(rng.standard_normal(3)).requires_grad_()
    f = (a.sin() * a.exp()).sum() + (a[0] * a[1] * a[2])
    (g,) = torch.autograd.grad(f, a, create_graph=True)
    vec = torch.tensor([1.0, -1.0, 0.5], dtype=torch.float64)
    (hvp,) = torch.autograd.grad(g, a, grad_outputs=vec, retain_graph=True)
    (g2,) = torch.autograd.grad(g.sum(), a)
    print("grad", g.detach(), "hvp", hvp, "g2", g2)
    fn = lambda t: torch.stack([t[0] * t[1], t[1].sin() + t[2] ** 2])
    jac = torch.autograd.functional.jacobian(fn, a.detach())
    hes = torch.autograd.functional.hessian(lambda t: (t ** 3).sum() + t[0] * t[2], a.detach())
    print("jacobian", jac.shape, jac[1], "hessian diag", hes.diagonal(), hes[0, 2].item())

    b = torch.ones(2, requires_grad=True, dtype=torch.float64)
    y = b * 3
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    print("accumulated", b.grad, "none grad", torch.autograd.grad((b * 2).sum(), [b, a], allow_unused=True)[1])
    with torch.set_grad_enabled(False):
        z = b * 2
    with torch.inference_mode():
        zi = b * 2
    print("grad modes", z.requires_grad, zi.requires_grad, torch.is_grad_enabled(), torch.is_inference_mode_enabled())
    c = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    d = c.detach()
    d.add_(1.0)
    e = c.clone().mul_(3)
    e.backward()
    print("detach shares", c.item(), "grad", c.grad.item(), e.grad_fn is not None)


if __name__ == "__main__":
    main()
