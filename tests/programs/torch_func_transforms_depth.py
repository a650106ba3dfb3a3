"""torch.func in depth, float64: Jacobians of a two-argument loss with jacrev / jacfwd over argnums tuples and
has_aux, a Hessian over one argument and one of a dict of parameters, vmap with in_dims tuples and None, nested
in_dims for dict inputs, out_dims tuples, chunk_size and randomness="same"-free deterministic bodies, per-sample
gradients through functional_call with a tuple of dicts (parameters, buffers) and strict=True, and model
ensembling by stack_module_state + vmap over the stacked parameters, checked against a loop.
"""
import copy

import numpy as np
import torch
import torch.nn as nn
from torch.func import functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, stack_module_state, vmap


def main():
    rng = np.random.default_rng(2204)
    torch.set_printoptions(precision=6)

    W = torch.tensor(rng.normal(size=(3, 4)), dtype=torch.float64)
    b = torch.tensor(rng.normal(size=3), dtype=torch.float64)
    x = torch.tensor(rng.normal(size=4), dtype=torch.float64)

    def layer(W, b, x):
        h = torch.tanh(W @ x + b)
        return h, h.norm()

    jW, jb = jacrev(layer, argnums=(0, 1), has_aux=True)(W, b, x)[0]
    print("jacrev argnums shapes", jW.shape, jb.shape)
    print("d h / d b", jb)
    (fW, fx), aux = jacfwd(layer, argnums=(0, 2), has_aux=True)(W, b, x)
    print("jacfwd aux", aux)
    print("d h / d x", fx)
    print("rev == fwd", torch.allclose(jW, fW))

    def energy(x, W):
        return torch.logsumexp(W @ x, dim=0) + 0.5 * x.dot(x)

    H = hessian(energy)(x, W)
    print("hessian x", H.shape, torch.linalg.eigvalsh(H))
    HW = hessian(energy, argnums=1)(x, W)
    print("hessian W", HW.shape, HW[0, 0])
    print("hessian via jacfwd(jacrev)", torch.allclose(jacfwd(jacrev(energy))(x, W), H))

    params = {"w": torch.tensor(rng.normal(size=4), dtype=torch.float64), "c": torch.tensor(0.3, dtype=torch.float64)}

    def logistic(p, x):
        return torch.nn.functional.softplus(-(x @ p["w"] + p["c"]))

    Hp = hessian(logistic)(params, x)
    print("dict hessian keys", sorted(Hp), sorted(Hp["w"]), Hp["w"]["w"].shape, Hp["c"]["w"])

    X = torch.tensor(rng.normal(size=(5, 4)), dtype=torch.float64)
    ys = vmap(layer, in_dims=(None, None, 0))(W, b, X)
    print("vmap over x", ys[0].shape, ys[1])
    Ws = torch.tensor(rng.normal(size=(2, 3, 4)), dtype=torch.float64)
    out = vmap(vmap(lambda W, x: W @ x, in_dims=(None, 0)), in_dims=(0, None))(Ws, X)
    print("nested vmap", out.shape, out[1, 2])
    batch = {"w": torch.tensor(rng.normal(size=(3, 4)), dtype=torch.float64), "c": params["c"]}
    per = vmap(logistic, in_dims=({"w": 0, "c": None}, None))(batch, x)
    print("dict in_dims", per)
    m1, m2 = vmap(lambda v: (v.sum(), v * 2), in_dims=1, out_dims=(0, 1))(X)
    print("out_dims", m1, m2.shape)
    chunked = vmap(lambda v: torch.outer(v, v).trace(), chunk_size=2)(X)
    print("chunk_size", chunked)
    print("vmap of grad", vmap(grad(energy), in_dims=(0, None))(X, W)[3])

    model = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.Tanh(), nn.Linear(6, 1)).double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.tensor(rng.normal(scale=0.5, size=tuple(p.shape)), dtype=torch.float64))
    model.eval()
    pdict = {k: v.detach() for k, v in model.named_parameters()}
    bdict = {k: v.detach() for k, v in model.named_buffers()}
    targets = torch.tensor(rng.normal(size=5), dtype=torch.float64)

    def sample_loss(p, bufs, xi, yi):
        pred = functional_call(model, (p, bufs), (xi.unsqueeze(0),), strict=True)
        return ((pred.squeeze() - yi) ** 2), pred.squeeze()

    g, (l, preds) = vmap(grad_and_value(sample_loss, has_aux=True), in_dims=(None, None, 0, 0))(pdict, bdict, X,
                                                                                                   targets)
    print("per-sample loss", l)
    print("per-sample grad shapes", {k: tuple(v.shape) for k, v in g.items()})
    print("per-sample bias grad", g["3.bias"].flatten())
    full = model(X).squeeze()
    loss = ((full - targets) ** 2).sum()
    loss.backward()
    print("sum matches", torch.allclose(g["0.weight"].sum(0), model[0].weight.grad))
    try:
        functional_call(model, ({"0.weight": pdict["0.weight"]}, bdict), (X,), strict=True)
    except RuntimeError as e:
        print("strict error", type(e).__name__, "missing" in str(e).lower())

    torch.manual_seed(22)
    members = [nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).double() for _ in range(3)]
    stacked, sbufs = stack_module_state(members)
    print("stacked", {k: tuple(v.shape) for k, v in stacked.items()}, sbufs)
    base = copy.deepcopy(members[0]).to("meta")

    def run(p, b, xb):
        return functional_call(base, (p, b), (xb,))

    ens = vmap(run, in_dims=(0, 0, None))(stacked, sbufs, X)
    print("ensemble", ens.shape, ens[:, 0])
    loop = torch.stack([m(X) for m in members])
    print("ensemble == loop", torch.allclose(ens, loop))
    minis = X.reshape(1, 5, 4).expand(3, 5, 4)
    print("different minibatches", vmap(run)(stacked, sbufs, minis * torch.tensor([1.0, 2.0, 3.0],
                                                                                 dtype=torch.float64)[:, None, None]).sum(dim=(1, 2)))
    print("stacked requires grad", stacked["0.weight"].requires_grad, stacked["0.weight"].is_leaf)


if __name__ == "__main__":
    main()
