"""A Gauss-Newton / Levenberg-Marquardt fit of a small network written with torch.func (float64): the model's
parameters as a dict through functional_call, the residual Jacobian by jacrev and by jacfwd over a dict of
parameters (argnums), grad with has_aux returning the predictions, vjp and jvp of the residuals with has_aux,
linearize for repeated Jacobian-vector products, hessian of the loss in one parameter, vmap over per-sample
gradients with in_dims naming a None, and an ensemble through stack_module_state under vmap."""
import copy

import torch
import torch.nn as nn
from torch.func import functional_call, grad, hessian, jacfwd, jacrev, jvp, linearize, stack_module_state, vjp, vmap


def r(t, digits=8):
    return [round(v, digits) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(3)
    net = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1)).double()
    x = torch.randn(12, 2, dtype=torch.float64)
    y = torch.sin(x[:, :1] * 2) + 0.5 * x[:, 1:] ** 2
    params = {k: v.detach().clone() for k, v in net.named_parameters()}

    def residual(p, inputs, targets):
        return (functional_call(net, p, (inputs,)) - targets).reshape(-1)

    def loss_and_pred(p, inputs, targets):
        pred = functional_call(net, p, (inputs,))
        return ((pred - targets) ** 2).mean(), pred

    g, pred = grad(loss_and_pred, has_aux=True)(params, x, y)
    print("grad has_aux", sorted(g), r(g["0.weight"]), r(pred[:3]))
    jr = jacrev(residual)(params, x, y)
    jf = jacfwd(residual)(params, x, y)
    print("jac shapes", [tuple(jr[k].shape) for k in sorted(jr)])
    print("jacrev==jacfwd", max((jr[k] - jf[k]).abs().max().item() for k in jr) < 1e-12, r(jr["2.weight"][0]))
    jx = jacrev(residual, argnums=1)(params, x, y)
    print("jac wrt x", tuple(jx.shape), r(jx[0, 0]), r(jx[5, 5]))

    res, vjp_fn, aux = vjp(lambda p: (residual(p, x, y), residual(p, x, y).abs().max()), params, has_aux=True)
    (ct,) = vjp_fn(torch.ones_like(res))
    print("vjp", r(aux), r(ct["2.bias"]), r(ct["0.bias"]))
    tangent = {k: torch.ones_like(v) * 0.1 for k, v in params.items()}
    out, jv = jvp(lambda p: residual(p, x, y), (params,), (tangent,))
    print("jvp", r(out[:3]), r(jv[:4]))
    _, lin = linearize(lambda p: residual(p, x, y), params)
    print("linearize", (lin(tangent) - jv).abs().max().item() < 1e-12, r(lin({k: 2 * t for k, t in tangent.items()})[:3]))
    h = hessian(lambda b: loss_and_pred({**params, "2.bias": b}, x, y)[0])(params["2.bias"])
    print("hessian bias", r(h))
    per_sample = vmap(grad(lambda p, xi, yi: loss_and_pred(p, xi[None], yi[None])[0]), in_dims=(None, 0, 0))(params, x, y)
    print("per-sample", tuple(per_sample["0.weight"].shape), r(per_sample["2.bias"][:4]))

    names = sorted(params)
    for it in range(4):
        J = torch.cat([jacrev(residual)(params, x, y)[k].reshape(12, -1) for k in names], 1)
        res = residual(params, x, y)
        step = torch.linalg.solve(J.T @ J + 0.5 * torch.eye(J.shape[1], dtype=torch.float64), J.T @ res)
        offset = 0
        for k in names:
            n = params[k].numel()
            params[k] = params[k] - step[offset:offset + n].reshape(params[k].shape)
            offset += n
        print("lm", it, f"{(residual(params, x, y) ** 2).mean().item():.10f}", f"{step.norm().item():.8f}")

    models = [copy.deepcopy(net) for _ in range(3)]
    for i, m in enumerate(models):
        with torch.no_grad():
            for p in m.parameters():
                p.mul_(1 + 0.1 * i)
    stacked, buffers = stack_module_state(models)
    base = copy.deepcopy(net).to("meta")

    def one(p, b, inp):
        return functional_call(base, (p, b), (inp,))

    ens = vmap(one, in_dims=(0, 0, None))(stacked, buffers, x[:4])
    print("ensemble", tuple(ens.shape), r(ens[:, 0, 0]), r(ens.mean(0)[:, 0]))
    ens2 = vmap(one)(stacked, buffers, x[:3].unsqueeze(1).expand(3, 2, 2))
    print("ensemble per-model", tuple(ens2.shape), r(ens2[:, :, 0]))
    ens_grad = vmap(grad(lambda p, b: one(p, b, x).pow(2).mean()), in_dims=(0, 0))(stacked, buffers)
    print("ensemble grad", r(ens_grad["2.bias"]), r(ens_grad["0.weight"][1, 0]))


main()
