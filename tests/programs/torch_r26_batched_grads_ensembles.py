"""Batched gradients three ways, as the pytorch.org tutorials and the autograd docs write them: a Jacobian built
row by row with torch.autograd.grad(is_grads_batched=True) and checked against a Python loop and
torch.autograd.functional.jacobian(vectorize=True), a Hessian-vector batch the same way through create_graph,
per-sample gradients of a small MLP through torch.func (functional_call, grad, vmap with in_dims=(None, 0, 0))
checked against a loop of backward calls and then clipped and noised as DP-SGD does, and model ensembling with
stack_module_state + vmap (same minibatch for all models and a different one per model) against the models run
one by one; the ensemble's stacked gradients feed a hand-written SGD step. Float32; every random number comes from
torch.manual_seed.
"""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, stack_module_state, vmap


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def main():
    torch.manual_seed(2609)
    x = torch.randn(5, requires_grad=True)
    W = torch.randn(3, 5)
    y = torch.sin(W @ x) * x[:3]
    basis = torch.eye(3)
    (jac,) = torch.autograd.grad(y, x, basis, retain_graph=True, is_grads_batched=True)
    rows = torch.stack([torch.autograd.grad(y, x, e, retain_graph=True)[0] for e in basis])
    print(jac, torch.allclose(jac, rows))
    jf = torch.autograd.functional.jacobian(lambda v: torch.sin(W @ v) * v[:3], x.detach(), vectorize=True)
    print(torch.allclose(jf, jac, atol=1e-6), jf.shape)

    f = (x ** 3).sum() + (x[:-1] * x[1:]).sum()
    (g,) = torch.autograd.grad(f, x, create_graph=True)
    vs = torch.randn(2, 5)
    (hv,) = torch.autograd.grad(g, x, vs, is_grads_batched=True)
    hess = torch.autograd.functional.hessian(lambda v: (v ** 3).sum() + (v[:-1] * v[1:]).sum(), x.detach())
    print(hv, torch.allclose(hv, vs @ hess), g.grad_fn.name())

    model = MLP()
    data = torch.randn(6, 4)
    targets = torch.randint(0, 3, (6,))
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        batch = sample.unsqueeze(0)
        predictions = functional_call(model, (params, buffers), (batch,))
        return F.cross_entropy(predictions, target.unsqueeze(0))

    ft_compute_grad = grad(compute_loss)
    ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
    ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets)
    print({k: tuple(v.shape) for k, v in ft_per_sample_grads.items()})
    loop = []
    for i in range(6):
        model.zero_grad()
        F.cross_entropy(model(data[i:i + 1]), targets[i:i + 1]).backward()
        loop.append(model.fc1.weight.grad.clone())
    print(torch.allclose(torch.stack(loop), ft_per_sample_grads["fc1.weight"], atol=1e-6))
    print(ft_per_sample_grads["fc2.bias"])
    flat = torch.cat([g.flatten(1) for g in ft_per_sample_grads.values()], dim=1)
    norms = flat.norm(dim=1)
    factor = (1.0 / norms).clamp(max=1.0)
    clipped = {k: (g * factor.view(-1, *([1] * (g.dim() - 1)))).sum(0) for k, g in ft_per_sample_grads.items()}
    noise = torch.randn_like(clipped["fc2.weight"]) * 0.1
    print(norms, factor, clipped["fc2.weight"] + noise)

    num_models = 3
    models = [MLP() for _ in range(num_models)]
    mparams, mbuffers = stack_module_state(models)
    print({k: tuple(v.shape) for k, v in mparams.items()}, mparams["fc1.bias"].requires_grad, mbuffers)
    base_model = copy.deepcopy(models[0]).to("meta")

    def fmodel(params, buffers, x):
        return functional_call(base_model, (params, buffers), (x,))

    minibatch = torch.randn(4, 4)
    same = vmap(fmodel, in_dims=(0, 0, None))(mparams, mbuffers, minibatch)
    one_by_one = torch.stack([m(minibatch) for m in models])
    print(same.shape, torch.allclose(same, one_by_one, atol=1e-6))
    minibatches = torch.randn(num_models, 4, 4)
    different = vmap(fmodel)(mparams, mbuffers, minibatches)
    print(different[:, 0], torch.allclose(different[1], models[1](minibatches[1]), atol=1e-6))

    def ensemble_loss(params, buffers, xb, yb):
        return F.cross_entropy(fmodel(params, buffers, xb), yb)

    labels = torch.randint(0, 3, (num_models, 4))
    for step in range(3):
        losses = vmap(ensemble_loss)(mparams, mbuffers, minibatches, labels)
        grads = vmap(grad(ensemble_loss))(mparams, mbuffers, minibatches, labels)
        mparams = {k: (v - 0.5 * grads[k]).detach() for k, v in mparams.items()}
        print(step, losses)
    print(mparams["fc2.bias"])


if __name__ == "__main__":
    main()
