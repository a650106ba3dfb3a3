"""Model-agnostic meta-learning (MAML) on sinusoid regression, written for PyTorch in the way meta-learning code
commonly writes it; tests run it as is and with only its imports changed, and compare what both print. Tasks are
sinusoids with amplitude and phase drawn from a seeded NumPy generator; the inner loop adapts a copy of the weights
by torch.autograd.grad(create_graph=True) and runs the network through torch.func.functional_call on the adapted
dict, the outer loop backpropagates through the adaptation (second order) into Adam; then first-order MAML
(create_graph=False, detached inner gradients), learned per-parameter inner step sizes (Meta-SGD), and fine-tuning
on a held-out task with torch.func.grad. Float64, weights from NumPy.
"""
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad


class SineNet(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(1, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                                 nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x)


def sample_task(rng, k):
    amp, phase = rng.uniform(0.5, 2.0), rng.uniform(0.0, np.pi)
    xs = rng.uniform(-3.0, 3.0, (2 * k, 1))
    ys = amp * np.sin(xs + phase)
    x, y = torch.from_numpy(xs), torch.from_numpy(ys)
    return (x[:k], y[:k]), (x[k:], y[k:])


def adapt(model, params, support, steps, lr, first_order=False, step_sizes=None):
    x, y = support
    for _ in range(steps):
        loss = F.mse_loss(functional_call(model, params, (x,)), y)
        grads = torch.autograd.grad(loss, list(params.values()), create_graph=not first_order)
        if step_sizes is None:
            params = OrderedDict((n, p - lr * g) for (n, p), g in zip(params.items(), grads))
        else:
            params = OrderedDict((n, p - step_sizes[n.replace(".", "_")] * g)
                                 for (n, p), g in zip(params.items(), grads))
    return params


def meta_train(model, rng, epochs, first_order=False, step_sizes=None, label="maml"):
    extra = list(step_sizes.parameters()) if step_sizes is not None else []
    meta_opt = torch.optim.Adam(list(model.parameters()) + extra, lr=0.01)
    for epoch in range(epochs):
        meta_opt.zero_grad()
        total = 0.0
        for _ in range(3):
            support, query = sample_task(rng, 5)
            fast = adapt(model, OrderedDict(model.named_parameters()), support, 2, 0.05, first_order, step_sizes)
            qloss = F.mse_loss(functional_call(model, fast, (query[0],)), query[1])
            (qloss / 3).backward()
            total += qloss.item() / 3
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        meta_opt.step()
        print(f"{label} epoch {epoch}: query loss {total:.6f} grad norm {gnorm.item():.6f}")


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(2024)
    model = SineNet()
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.5, tuple(v.shape)))
                           for k, v in model.state_dict().items()})
    init = {k: v.clone() for k, v in model.state_dict().items()}

    support, query = sample_task(rng, 5)
    params = OrderedDict(model.named_parameters())
    fast = adapt(model, params, support, 1, 0.05)
    print("adapted keeps graph:", fast["net.0.weight"].requires_grad, fast["net.0.weight"].grad_fn is not None)
    second = torch.autograd.grad(F.mse_loss(functional_call(model, fast, (query[0],)), query[1]),
                                 model.net[0].bias)[0]
    print("second-order grad of first bias:", [round(v, 6) for v in second[:4].tolist()])

    meta_train(model, rng, 4)
    model.load_state_dict(init)
    meta_train(model, rng, 3, first_order=True, label="fomaml")

    model.load_state_dict(init)
    step_sizes = nn.ParameterDict({n.replace(".", "_"): nn.Parameter(torch.full_like(p, 0.05))
                                   for n, p in model.named_parameters()})
    meta_train(model, rng, 3, step_sizes=step_sizes, label="meta-sgd")
    print("learned step sizes:", {k: round(v.mean().item(), 6) for k, v in sorted(step_sizes.items())})

    (xs, ys), (xq, yq) = sample_task(rng, 10)
    weights = {k: v.detach() for k, v in model.named_parameters()}

    def task_loss(w, x, y):
        return F.mse_loss(functional_call(model, w, (x,)), y)

    grad_fn = grad(task_loss)
    for step in range(4):
        g = grad_fn(weights, xs, ys)
        weights = {k: w - 0.05 * g[k] for k, w in weights.items()}
        print(f"fine-tune step {step}: support {task_loss(weights, xs, ys).item():.6f} "
              f"query {task_loss(weights, xq, yq).item():.6f}")
    with torch.no_grad():
        preds = functional_call(model, weights, (torch.linspace(-3, 3, 5).unsqueeze(1),))
    print("predictions:", [round(v, 6) for v in preds.squeeze(1).tolist()])
