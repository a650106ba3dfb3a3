"""torch.func as meta-learning and ensembling code uses it, with the options the tutorials skip; tests run it as
is and with only its imports changed, and compare what both print. functional_call on a model with tied
weights (tie_weights on and off, a tuple of parameter and buffer dicts, strict), a BatchNorm model called
functionally in train mode, vjp / grad_and_value / jacfwd with has_aux, jacrev of jacrev and jacfwd of jacrev with
argnums tuples, vmap with dict in_dims, out_dims tuples, chunk_size and nested vmap, an ensemble of five models
from stack_module_state trained together with a hand-written SGD step, and an inner-loop MAML step on a sine
task differentiated through. Float32, torch.manual_seed and a seeded NumPy generator.
"""
import copy

import numpy as np
import torch
import torch.nn as nn
from torch.func import (functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, stack_module_state, vjp,
                        vmap)


class TiedAutoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(6, 3)
        self.dec = nn.Linear(3, 6, bias=False)
        self.dec.weight = self.enc.weight      # the same Parameter, used transposed below

    def forward(self, x):
        return torch.tanh(self.enc(x)) @ self.dec.weight


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))

    def forward(self, x):
        return self.net(x)


def main():
    torch.manual_seed(24)
    rng = np.random.default_rng(2407)
    ae = TiedAutoencoder()
    x = torch.from_numpy(rng.normal(0, 1, (5, 6)).astype(np.float32))
    params = dict(ae.named_parameters())
    print("tied names", sorted(params), len(list(ae.parameters())))
    new_w = torch.ones(3, 6) * 0.1
    tied = functional_call(ae, {"enc.weight": new_w}, (x,))
    untied = functional_call(ae, {"enc.weight": new_w}, (x,), tie_weights=False)
    print("tie_weights", tied[0, :3], untied[0, :3])
    try:
        functional_call(ae, {"enc.weight": new_w, "enc.bias": torch.zeros(3)}, (x,), strict=True)
    except Exception as e:
        print("strict", type(e).__name__)
    mse = lambda p: ((functional_call(ae, p, (x,)) - x) ** 2).mean()
    g = grad(mse)({k: v.detach() for k, v in params.items()})
    print("tied grad", sorted(g), g["enc.weight"][0, :3])

    bn_model = nn.Sequential(nn.Linear(6, 4), nn.BatchNorm1d(4), nn.ReLU())
    p = {k: v.detach() for k, v in bn_model.named_parameters()}
    b = {k: v.clone() for k, v in bn_model.named_buffers()}
    out = functional_call(bn_model, (p, b), (x,))
    print("bn functional", out.shape, b["1.running_mean"], b["1.num_batches_tracked"].item(),
          bn_model[1].running_mean.abs().sum().item())

    def f(w, v):
        y = torch.sin(w @ v)
        return y.sum(), y
    w = torch.from_numpy(rng.normal(0, 1, (3, 4)).astype(np.float32))
    v = torch.from_numpy(rng.normal(0, 1, 4).astype(np.float32))
    (gw, gv), (val, aux) = grad_and_value(f, argnums=(0, 1), has_aux=True)(w, v)
    print("grad_and_value", round(val.item(), 6), gw[0], gv, aux.shape)
    out, pullback, aux = vjp(lambda a: (torch.exp(a) * 2, a.sum()), v, has_aux=True)
    print("vjp aux", out, pullback(torch.ones(4))[0], aux)
    jac, aux = jacfwd(lambda a: (torch.tanh(a) * 3, a.norm()), has_aux=True)(v)
    print("jacfwd aux", jac.diagonal(), aux)

    def energy(a, b):
        return (a ** 3).sum() * b.sum() + (a * b).sum() ** 2
    a, b2 = v[:3].clone(), v[1:].clone()
    hh = jacrev(jacrev(energy, argnums=(0, 1)), argnums=(0, 1))(a, b2)
    print("jacrev of jacrev", len(hh), len(hh[0]), hh[0][0].diagonal(), hh[0][1][0])
    mixed = jacfwd(jacrev(energy, argnums=1), argnums=0)(a, b2)
    print("jacfwd of jacrev", mixed.shape, torch.allclose(mixed, hh[1][0]), hessian(energy)(a, b2).diagonal())

    batch = {"x": torch.from_numpy(rng.normal(0, 1, (4, 3)).astype(np.float32)), "scale": torch.tensor(2.0)}
    out = vmap(lambda d: d["x"].softmax(0) * d["scale"], in_dims=({"x": 0, "scale": None},))(batch)
    print("vmap dict in_dims", out.sum(1))
    pair = vmap(lambda r: (r.cumsum(0), r.max()), in_dims=1, out_dims=(1, 0))(batch["x"])
    print("vmap out_dims", pair[0].shape, pair[1])
    chunked = vmap(lambda r: torch.outer(r, r).trace(), chunk_size=3)(batch["x"])
    print("vmap chunk_size", chunked, torch.allclose(chunked, (batch["x"] ** 2).sum(1)))
    table = vmap(vmap(lambda s, t: s * t + s, in_dims=(0, None)), in_dims=(None, 0))(torch.arange(3.0),
                                                                                      torch.arange(4.0))
    print("nested vmap", table.shape, table[3])

    models = [Regressor() for _ in range(5)]
    ens_params, ens_buffers = stack_module_state(models)
    base = copy.deepcopy(models[0]).to("meta")
    xs = torch.linspace(-3, 3, 24).unsqueeze(1)
    ys = torch.sin(xs)

    def loss_of(p, bufs, xb, yb):
        return ((functional_call(base, (p, bufs), (xb,)) - yb) ** 2).mean()
    per_model = vmap(grad_and_value(loss_of), in_dims=(0, 0, None, None))
    for step in range(40):
        grads, losses = per_model(ens_params, ens_buffers, xs, ys)
        ens_params = {k: ens_params[k] - 0.1 * grads[k] for k in ens_params}
        if step % 10 == 9:
            print("ensemble", step, losses)
    print("ensemble shapes", {k: tuple(t.shape) for k, t in sorted(ens_params.items())})

    learner = Regressor()
    meta = {k: v.detach().requires_grad_(True) for k, v in learner.named_parameters()}
    amp, phase = 1.5, 0.4
    xt = torch.from_numpy(rng.uniform(-5, 5, (10, 1)).astype(np.float32))
    yt = amp * torch.sin(xt + phase)

    def task_loss(p, xb, yb):
        return ((functional_call(learner, p, (xb,)) - yb) ** 2).mean()
    inner = grad(task_loss)(meta, xt[:5], yt[:5])
    adapted = {k: meta[k] - 0.05 * inner[k] for k in meta}
    outer = task_loss(adapted, xt[5:], yt[5:])
    outer.backward()
    print("maml", round(outer.item(), 6), meta["net.0.weight"].grad[:3, 0], meta["net.2.bias"].grad)


if __name__ == "__main__":
    main()
