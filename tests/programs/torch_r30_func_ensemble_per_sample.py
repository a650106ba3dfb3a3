"""torch.func as its tutorials use it, in float64: an ensemble of five MLPs stacked with stack_module_state and
run through vmap(functional_call) (one minibatch for all, then a minibatch each, in_dims=(0, 0, None) / (0, 0, 0)),
trained two SGD steps on the stacked parameters with grad over the vmapped loss; per-sample gradients with
vmap(grad(...), in_dims=(None, None, 0, 0)) compared against a loop of backward calls, with chunk_size and
out_dims; jacrev / jacfwd with has_aux, argnums tuples, hessian of a log-likelihood, linearize, and vjp / jvp.
"""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import (functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize,
                        stack_module_state, vjp, vmap)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 6)
        self.fc2 = nn.Linear(6, 3)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def main():
    torch.manual_seed(0)
    torch.set_default_dtype(torch.float64)
    models = [MLP() for _ in range(5)]
    params, buffers = stack_module_state(models)
    print("stacked", {k: tuple(v.shape) for k, v in params.items()}, len(buffers))
    base = copy.deepcopy(models[0]).to("meta")

    def fmodel(p, b, x):
        return functional_call(base, (p, b), (x,))

    x = torch.randn(8, 4)
    y = torch.randint(0, 3, (8,))
    same = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, x)
    print("same minibatch", tuple(same.shape), same[:, 0].sum(-1))
    loop = torch.stack([m(x) for m in models])
    print("matches loop", torch.allclose(same, loop))
    xs = torch.randn(5, 8, 4)
    each = vmap(fmodel)(params, buffers, xs)
    print("own minibatch", tuple(each.shape), each.mean((1, 2)))

    def ensemble_loss(p):
        logits = vmap(fmodel, in_dims=(0, 0, None))(p, buffers, x)
        return F.cross_entropy(logits.reshape(-1, 3), y.repeat(5))

    p = {k: v.detach().clone() for k, v in params.items()}
    for step in range(2):
        g, loss = grad_and_value(ensemble_loss)(p)
        p = {k: p[k] - 0.5 * g[k] for k in p}
        print(f"ensemble step {step} loss {loss.item():.10f} |g fc1| {g['fc1.weight'].norm().item():.10f}")

    model = models[1]
    weights = {k: v.detach() for k, v in model.named_parameters()}

    def sample_loss(w, b, xi, yi):
        out = functional_call(model, (w, b), (xi.unsqueeze(0),))
        return F.cross_entropy(out, yi.unsqueeze(0))

    per_sample = vmap(grad(sample_loss), in_dims=(None, None, 0, 0))(weights, {}, x, y)
    print("per-sample", {k: tuple(v.shape) for k, v in per_sample.items()})
    for i in (0, 5):
        model.zero_grad()
        F.cross_entropy(model(x[i:i + 1]), y[i:i + 1]).backward()
        print(f"sample {i} agrees", torch.allclose(per_sample["fc2.weight"][i], model.fc2.weight.grad),
              per_sample["fc2.bias"][i])
    chunked = vmap(grad(sample_loss), in_dims=(None, None, 0, 0), chunk_size=3)(weights, {}, x, y)
    print("chunked equal", all(torch.equal(chunked[k], per_sample[k]) for k in chunked))
    moved = vmap(lambda xi: (xi.sin(), xi.sum()), out_dims=(1, 0))(x)
    print("out_dims", tuple(moved[0].shape), moved[1])

    def f(z, c):
        h = torch.tanh(z @ c)
        return h.sum(-1), (h ** 2).mean()

    z = torch.randn(3, 4)
    c = torch.randn(4, 2)
    jr, aux = jacrev(f, argnums=(0, 1), has_aux=True)(z, c)
    jf, aux_f = jacfwd(f, argnums=(0, 1), has_aux=True)(z, c)
    print("jacrev shapes", tuple(jr[0].shape), tuple(jr[1].shape), "aux", f"{aux.item():.12f}")
    print("jacrev == jacfwd", torch.allclose(jr[0], jf[0]), torch.allclose(jr[1], jf[1]), f"{aux_f.item():.12f}")
    print("d f0 / dc", jr[1][0])

    mu = torch.tensor([0.3, -0.2])
    data = torch.randn(10, 2)

    def loglik(theta):
        m, log_s = theta[:2], theta[2:]
        return (-0.5 * ((data - m) / log_s.exp()) ** 2 - log_s).sum()

    theta = torch.cat([mu, torch.tensor([0.1, -0.3])])
    H = hessian(loglik)(theta)
    print("hessian", H)
    print("hessian symmetric", torch.allclose(H, H.T), torch.linalg.eigvalsh(H))
    out, jvp_fn = linearize(torch.sin, z)
    t = torch.ones_like(z)
    print("linearize", jvp_fn(t)[0], torch.allclose(jvp_fn(t), z.cos()))
    val, vjp_fn = vjp(lambda a: (a ** 3).sum(0), z)
    print("vjp", vjp_fn(torch.ones(4))[0][0], val)
    print("jvp", jvp(lambda a: a.exp().sum(), (z,), (torch.ones_like(z),)))
    torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    main()
