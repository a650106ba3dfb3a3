"""Model ensembles and per-sample gradients with torch.func, written for PyTorch; tests run it as is and with only
its imports changed, and compare what both print. Several small MLPs with weights set from NumPy are stacked with
stack_module_state and run at once through vmap over functional_call on a weightless copy of one of them (moved to
the meta device); per-sample gradients come from vmap(grad(...)) and are checked against a loop of ordinary
backward calls; then jacrev / jacfwd / hessian / vjp / jvp of a small function. Float64, data from NumPy.
"""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import (functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize,
                        stack_module_state, vjp, vmap)


class TinyMLP(nn.Module):
    def __init__(self, n_in=5, hidden=7, n_out=3):
        super().__init__()
        self.fc1 = nn.Linear(n_in, hidden)
        self.fc2 = nn.Linear(hidden, n_out)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def numpy_weights(model, rng):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.normal(0.0, 0.6, tuple(p.shape))))
    return model


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(11)
    models = [numpy_weights(TinyMLP(), rng) for _ in range(4)]
    data = torch.from_numpy(rng.standard_normal((6, 5)))
    minibatches = torch.from_numpy(rng.standard_normal((4, 6, 5)))

    params, buffers = stack_module_state(models)
    print("stacked", sorted(params), params["fc1.weight"].shape, params["fc2.bias"].requires_grad, len(buffers))

    base = copy.deepcopy(models[0]).to("meta")
    print("base on", base.fc1.weight.device, base.fc1.weight.shape, base.fc1.weight.is_meta)

    print("meta weight", base.fc2.bias)
    with torch.device("meta"):
        skeleton = TinyMLP()
    print("built on meta", skeleton.fc1.weight.device, skeleton.fc2.weight.shape)
    skeleton.to_empty(device="cpu")
    skeleton.load_state_dict(models[3].state_dict())
    print("materialized", skeleton.fc1.weight.device, torch.allclose(skeleton(data), models[3](data)))
    try:
        base(data)
        print("meta base ran on real data")
    except (RuntimeError, NotImplementedError) as err:
        print("meta base has no data to run with:", isinstance(err, (RuntimeError, NotImplementedError)))

    def run_one(p, b, x):
        return functional_call(base, (p, b), (x,))

    same_batch = vmap(run_one, in_dims=(0, 0, None))(params, buffers, data)
    looped = torch.stack([m(data) for m in models])
    print("ensemble same data", same_batch.shape, torch.allclose(same_batch, looped), same_batch[2, 1])
    per_model = vmap(run_one, in_dims=(0, 0, 0))(params, buffers, minibatches)
    looped = torch.stack([m(x) for m, x in zip(models, minibatches)])
    print("ensemble own data", per_model.shape, (per_model - looped).abs().max().item() < 1e-12)
    print("ensemble votes", per_model.argmax(dim=-1)[:, :4].tolist())

    model = models[1]
    targets = torch.from_numpy(rng.integers(0, 3, size=6))
    weights = {k: v.detach() for k, v in model.named_parameters()}
    bufs = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(p, b, sample, target):
        out = functional_call(model, (p, b), (sample.unsqueeze(0),))
        return F.cross_entropy(out, target.unsqueeze(0))

    per_sample = vmap(grad(compute_loss), in_dims=(None, None, 0, 0))(weights, bufs, data, targets)
    for name in ["fc1.weight", "fc2.bias"]:
        loop = []
        for i in range(6):
            model.zero_grad()
            F.cross_entropy(model(data[i:i + 1]), targets[i:i + 1]).backward()
            loop.append(dict(model.named_parameters())[name].grad.clone())
        loop = torch.stack(loop)
        print("per-sample", name, tuple(per_sample[name].shape), torch.allclose(per_sample[name], loop),
              round(per_sample[name].norm().item(), 10))
    print("first sample fc2.bias grad", per_sample["fc2.bias"][0])
    model.zero_grad()
    F.cross_entropy(model(data), targets).backward()
    print("mean of per-sample == batch grad", torch.allclose(per_sample["fc1.weight"].mean(0), model.fc1.weight.grad))

    def f(x):
        return torch.stack([x[0] ** 2 * x[1], torch.sin(x[1]) + x[2].exp(), (x * x).sum()])

    x = torch.from_numpy(rng.standard_normal(3))
    jr = jacrev(f)(x)
    jf = jacfwd(f)(x)
    print("jacrev", jr[0], jr.shape)
    print("jacfwd == jacrev", torch.allclose(jr, jf))

    def g(x):
        return (x[0] ** 3 + x[0] * x[1] ** 2 + torch.cos(x[2]) * x[1]).squeeze()

    h = hessian(g)(x)
    print("hessian", h.shape, h[0], h[2])
    print("hessian symmetric", torch.allclose(h, h.T))

    out, vjp_fn = vjp(f, x)
    (vx,) = vjp_fn(torch.ones(3))
    print("vjp", out, vx)
    value, tangent = jvp(f, (x,), (torch.tensor([1.0, 0.0, -1.0]),))
    print("jvp", tangent, torch.allclose(value, out))
    value, jvp_fn = linearize(f, x)
    print("linearize", torch.allclose(jvp_fn(torch.tensor([1.0, 0.0, -1.0])), tangent), jvp_fn(torch.ones(3)))

    def loss_of(w, x, y):
        return ((x @ w - y) ** 2).mean()

    w = torch.from_numpy(rng.standard_normal(3))
    xs = torch.from_numpy(rng.standard_normal((4, 3)))
    ys = torch.from_numpy(rng.standard_normal(4))
    print("grad of lstsq", grad(loss_of)(w, xs, ys))
    sample_grads = vmap(grad(loss_of), in_dims=(None, 0, 0))(w, xs, ys)
    print("per-sample lstsq", sample_grads.shape, sample_grads[3])
    batched_jac = vmap(jacrev(torch.sin))(xs)
    print("vmap(jacrev(sin))", batched_jac.shape, batched_jac[1].diagonal())
    transposed = vmap(run_one, in_dims=(0, 0, None), out_dims=1)(params, buffers, data)
    print("out_dims=1", transposed.shape, torch.equal(transposed.transpose(0, 1), same_batch))

    def loss_with_aux(w, x, y):
        residual = x @ w - y
        return (residual ** 2).mean(), residual.abs().max()

    gw, (value, worst) = grad_and_value(loss_with_aux, has_aux=True)(w, xs, ys)
    print("grad_and_value has_aux", gw[0], round(value.item(), 10), round(worst.item(), 10))
    jw, jx = jacrev(lambda w, x: torch.tanh(x @ w), argnums=(0, 1))(w, xs)
    print("jacrev argnums=(0, 1)", jw.shape, jx.shape, jx[2, 2])
    return {"ensemble": per_model.detach().numpy()}
