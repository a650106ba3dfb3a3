"""torch.func in training code where randomness and structure matter: the "Model ensembling" tutorial's
stack_module_state over models with dropout, run through vmap over functional_call on a "meta" copy of the base
model with randomness="different" (each member its own mask) and "same" (one mask for all), with in_dims for a
shared minibatch and for per-model minibatches; per-member losses, gradients through the stacked parameters and a
hand-written SGD step on them; jacrev with has_aux and argnums tuples, jacfwd and hessian over dict inputs, nested
vmap with in_dims/out_dims, and vmap over a custom noise-injection function with randomness="different". Float64;
torch.manual_seed for weights, data and every random draw.
"""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, hessian, jacfwd, jacrev, stack_module_state, vmap


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(self.drop(F.relu(self.fc1(x))))


def main():
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(1908)
    num_models = 4
    models = [MLP() for _ in range(num_models)]
    data = torch.randn(10, 4)
    targets = torch.randint(0, 3, (10,))
    minibatches = data.view(2, 5, 4).repeat(2, 1, 1)
    params, buffers = stack_module_state(models)
    print("stacked", {k: tuple(v.shape) for k, v in params.items()})
    base_model = copy.deepcopy(models[0]).to("meta")
    print("meta", base_model.fc1.weight.device, base_model.fc1.weight.shape)

    def fmodel(params, buffers, x):
        return functional_call(base_model, (params, buffers), (x,))

    base_model.eval()
    eval_preds = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, data)
    loop_preds = torch.stack([m.eval()(data) for m in models])
    print("eval ensemble matches loop", torch.allclose(eval_preds, loop_preds), eval_preds.shape)

    base_model.train()
    diff = vmap(fmodel, in_dims=(0, 0, None), randomness="different")(params, buffers, data)
    same = vmap(fmodel, in_dims=(0, 0, 0), randomness="same")(params, buffers, minibatches)
    print("different masks", diff.shape, diff[:, 0, 0])
    print("same mask", same.shape, same[:, 0, :2])
    print("stream after", torch.rand(2))

    def member_loss(p, b, x, y):
        return F.cross_entropy(fmodel(p, b, x), y)

    base_model.eval()
    losses = vmap(member_loss, in_dims=(0, 0, None, None))(params, buffers, data, targets)
    # detached: under vmap PyTorch's batching rules pick the graph's last node (DivBackward0, ViewBackward0)
    print("member losses", losses.detach())
    grads = vmap(grad(member_loss), in_dims=(0, 0, None, None))(params, buffers, data, targets)
    print("member fc2.bias grads", grads["fc2.bias"].detach())
    for step in range(3):
        grads = vmap(grad(member_loss), in_dims=(0, 0, None, None))(params, buffers, data, targets)
        params = {k: v - 0.5 * grads[k] for k, v in params.items()}
        losses = vmap(member_loss, in_dims=(0, 0, None, None))(params, buffers, data, targets)
        print(f"step {step}: losses {losses.detach()}")

    noisy = vmap(lambda t: t + 0.1 * torch.randn_like(t), randomness="different")(torch.zeros(3, 4))
    print("noise rows", noisy)
    drop = vmap(lambda t: F.dropout(t, 0.5, training=True), randomness="same")(torch.ones(3, 6))
    print("same dropout rows equal", torch.equal(drop[0], drop[1]), drop[0])

    def f(w, b):
        y = torch.tanh(data[:3] @ w + b)
        return y.sum(0), y.pow(2).mean()

    w0, b0 = torch.randn(4, 2), torch.randn(2)
    (jw, jb), aux = jacrev(f, argnums=(0, 1), has_aux=True)(w0, b0)
    print("jacrev", jw.shape, jb.shape, aux, jb)
    jf = jacfwd(lambda w: f(w, b0)[0])(w0)
    print("jacfwd equal", torch.allclose(jf, jw))
    h = hessian(lambda d: (d["w"].sin() * d["s"]).sum())({"w": w0[:, 0], "s": torch.tensor(1.5)})
    print("hessian dict", {k: {kk: tuple(vv.shape) for kk, vv in v.items()} for k, v in h.items()})
    print("hessian ww diag", h["w"]["w"].diagonal(), "ws", h["w"]["s"])
    outer = vmap(vmap(lambda a, b: (a * b).sum(), in_dims=(0, None)), in_dims=(None, 0))(data[:3], data[3:5])
    print("nested vmap", outer)
    moved = vmap(lambda m: m.sum(0), in_dims=1, out_dims=1)(data.view(2, 5, 4))
    print("in/out dims", moved.shape, moved[0])


if __name__ == "__main__":
    main()
