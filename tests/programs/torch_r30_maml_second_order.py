"""Model-agnostic meta-learning on sine regression tasks, in float64: inner SGD steps on fast weights with
torch.autograd.grad(create_graph=True) (second order) and create_graph=False (first-order MAML), a head that
some tasks never use so autograd.grad needs allow_unused=True (None) or materialize_grads=True (zeros),
functional_call over a dict of fast weights, the meta-gradient accumulated over a task batch and applied by
Adam, retain_graph for two meta-objectives, and the second-order terms compared with the first-order ones.
"""
import math

import torch
import torch.nn as nn
from torch.func import functional_call


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh())
        self.head = nn.Linear(16, 1)
        self.aux_head = nn.Linear(16, 1)

    def forward(self, x, use_aux=False):
        h = self.body(x)
        return self.aux_head(h) if use_aux else self.head(h)


def sample_task(gen):
    amp = 0.5 + 2.0 * torch.rand(1, generator=gen, dtype=torch.float64)
    phase = math.pi * torch.rand(1, generator=gen, dtype=torch.float64)
    xs = 10 * torch.rand(20, 1, generator=gen, dtype=torch.float64) - 5
    ys = amp * torch.sin(xs + phase)
    return xs[:10], ys[:10], xs[10:], ys[10:]


def adapt(model, params, x, y, steps, lr, second_order, use_aux=False):
    for _ in range(steps):
        loss = ((functional_call(model, params, (x,), {"use_aux": use_aux}) - y) ** 2).mean()
        grads = torch.autograd.grad(loss, list(params.values()), create_graph=second_order,
                                    materialize_grads=True)
        params = {k: p - lr * g for (k, p), g in zip(params.items(), grads)}
    return params


def main():
    torch.manual_seed(0)
    model = Regressor().double()
    gen = torch.Generator().manual_seed(7)
    meta_opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for it in range(4):
        meta_opt.zero_grad()
        total = 0.0
        for t in range(3):
            xs, ys, xq, yq = sample_task(gen)
            params = dict(model.named_parameters())
            fast = adapt(model, params, xs, ys, steps=2, lr=0.05, second_order=True, use_aux=(t == 2))
            q_loss = ((functional_call(model, fast, (xq,), {"use_aux": t == 2}) - yq) ** 2).mean()
            (q_loss / 3).backward()
            total += q_loss.item()
        print(f"meta {it} query loss {total / 3:.10f} head grad {model.head.weight.grad.norm().item():.10f} "
              f"aux grad {model.aux_head.weight.grad.norm().item():.10f}")
        meta_opt.step()

    xs, ys, xq, yq = sample_task(gen)
    loss = ((model(xs) - ys) ** 2).mean()
    params = list(model.parameters())
    try:
        torch.autograd.grad(loss, params, retain_graph=True)
    except RuntimeError as e:
        print("unused head:", str(e).split(".")[0])
    g_none = torch.autograd.grad(loss, params, retain_graph=True, allow_unused=True)
    print("allow_unused", [None if g is None else tuple(g.shape) for g in g_none])
    g_zero = torch.autograd.grad(loss, params, retain_graph=True, materialize_grads=True)
    print("materialize_grads", g_zero[-1], g_zero[-2].abs().sum().item())
    g2 = torch.autograd.grad(loss, params, create_graph=True, allow_unused=True)
    print("create_graph grads require grad", [g is not None and g.requires_grad for g in g2])
    gnorm = sum((g ** 2).sum() for g in g2 if g is not None)
    hv = torch.autograd.grad(gnorm, model.head.weight, retain_graph=True)[0]
    print("d |g|^2 / d head", hv[0, :4], gnorm.grad_fn.name())

    base = dict(model.named_parameters())
    second = adapt(model, base, xs, ys, steps=1, lr=0.1, second_order=True)
    first = adapt(model, base, xs, ys, steps=1, lr=0.1, second_order=False)
    q2 = ((functional_call(model, second, (xq,)) - yq) ** 2).mean()
    q1 = ((functional_call(model, first, (xq,)) - yq) ** 2).mean()
    print("same query loss", torch.allclose(q1, q2), f"{q2.item():.10f}")
    g_second = torch.autograd.grad(q2, model.body[0].weight, retain_graph=True)[0]
    g_first = torch.autograd.grad(q1, model.body[0].weight)[0]
    print("second-order meta-gradient", g_second[:3, 0])
    print("first-order meta-gradient", g_first[:3, 0])
    print("difference", (g_second - g_first).norm().item() > 1e-6, second["head.weight"].grad_fn.name(),
          first["head.weight"].grad_fn.name())
    print("second-order nodes", q2.grad_fn.name(), second["body.0.weight"].grad_fn.next_functions[1][0].name())


if __name__ == "__main__":
    main()
