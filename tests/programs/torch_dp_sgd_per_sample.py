"""Differentially private SGD written for PyTorch with torch.func, the way Opacus-style tutorials do it by hand:
per-sample gradients from torch.vmap(grad(...)) over functional_call (in_dims, chunk_size), each clipped to a norm
bound, summed, noised with Gaussian noise drawn from NumPy, and applied by hand; then the same clipped update is
checked against a Python loop of ordinary backward calls, and a privacy-style accounting of clip fractions is
printed. Float64, weights and data from a seeded NumPy generator."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, grad_and_value, vmap


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(6, 10)
        self.norm = nn.LayerNorm(10)
        self.out = nn.Linear(10, 3)

    def forward(self, x):
        return self.out(torch.tanh(self.norm(self.hidden(x))))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(1606)
    model = Classifier()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(rng.normal(0.0, 0.5, tuple(p.shape))))
    x = torch.from_numpy(rng.standard_normal((48, 6)))
    w_true = torch.from_numpy(rng.standard_normal((6, 3)))
    y = (x @ w_true).argmax(dim=1)
    print("labels", torch.bincount(y, minlength=3).tolist(), x.dtype, y.dtype)

    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def loss_one(p, b, xi, yi):
        logits = functional_call(model, (p, b), (xi.unsqueeze(0),))
        return F.cross_entropy(logits, yi.unsqueeze(0))

    per_sample = vmap(grad(loss_one), in_dims=(None, None, 0, 0))
    grads = per_sample(params, buffers, x[:8], y[:8])
    print("per-sample shapes", {k: tuple(v.shape) for k, v in grads.items()})

    chunked = torch.vmap(grad(loss_one), in_dims=(None, None, 0, 0), chunk_size=3)(params, buffers, x[:8], y[:8])
    print("chunked equal", all(torch.allclose(grads[k], chunked[k]) for k in grads))

    loop = []
    for i in range(8):
        model.zero_grad()
        F.cross_entropy(model(x[i:i + 1]), y[i:i + 1]).backward()
        loop.append(model.out.weight.grad.clone())
    print("loop vs vmap", torch.allclose(torch.stack(loop), grads["out.weight"], atol=1e-12))

    g_and_v = vmap(grad_and_value(loss_one), in_dims=(None, None, 0, 0))
    g, v = g_and_v(params, buffers, x[:4], y[:4])
    print("per-sample losses", v)
    print("hidden.bias grads\n", g["hidden.bias"])

    clip, sigma, lr, batch = 1.0, 0.6, 0.5, 12
    clipped_history = []
    for step in range(8):
        idx = torch.from_numpy(rng.choice(48, size=batch, replace=False))
        gs = vmap(grad(loss_one), in_dims=(None, None, 0, 0))(params, buffers, x[idx], y[idx])
        flat = torch.cat([gs[k].reshape(batch, -1) for k in gs], dim=1)
        norms = torch.linalg.vector_norm(flat, ord=2, dim=1)
        factors = (clip / (norms + 1e-6)).clamp(max=1.0)
        clipped_history.append((factors < 1.0).double().mean().item())
        new = {}
        for k in params:
            shaped = factors.view(-1, *([1] * (gs[k].dim() - 1)))
            total = (gs[k] * shaped).sum(0)
            noise = torch.from_numpy(rng.normal(0.0, sigma * clip, tuple(total.shape)))
            new[k] = params[k] - lr * (total + noise) / batch
        params = new
        with torch.no_grad():
            full = F.cross_entropy(functional_call(model, (params, buffers), (x,)), y)
        print(f"step {step} loss {full.item():.6f} max norm {norms.max().item():.6f} "
              f"mean factor {factors.mean().item():.6f}")

    print("clip fractions", [round(c, 4) for c in clipped_history])
    logits = functional_call(model, (params, buffers), (x,))
    acc = (logits.argmax(1) == y).double().mean()
    print("accuracy", acc.item())
    print("final out.bias", params["out.bias"])
    print("norm of update", sum(p.norm() ** 2 for p in params.values()).sqrt())
    jac_in = vmap(torch.func.jacrev(lambda xi: functional_call(model, (params, buffers), (xi,))))(x[:2])
    print("input jacobians", jac_in.shape)
    print(jac_in[0].sum(dim=0))


if __name__ == "__main__":
    main()
