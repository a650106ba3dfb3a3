"""Training with the optimiser step fused into backward, written for PyTorch: one SGD / Adam optimiser per
parameter stepped from register_post_accumulate_grad_hook (the memory-saving recipe from PyTorch's tutorials),
gradient statistics gathered with torch.autograd.graph.register_multi_grad_hook (mode "all" and "any"), a gradient
rescaling Tensor.register_hook on an activation, module forward-pre / forward / full-backward hooks that record
shapes, and a hook handle removed halfway; the fused run is checked against an ordinary step() loop. Float64,
weights and data from a seeded NumPy generator."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd.graph import register_multi_grad_hook


def build(rng):
    model = nn.Sequential(nn.Linear(5, 8), nn.GELU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.normal(0.0, 0.5, tuple(p.shape))))
    return model


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(1636)
    x = torch.from_numpy(rng.standard_normal((32, 5)))
    y = torch.from_numpy(rng.standard_normal((32, 2)))
    state = rng.bit_generator.state
    fused = build(rng)
    rng.bit_generator.state = state
    plain = build(rng)
    print("same start", all(torch.equal(a, b) for a, b in zip(fused.parameters(), plain.parameters())))

    optimizers = {}
    for name, p in fused.named_parameters():
        opt_cls = torch.optim.Adam if "weight" in name else torch.optim.SGD
        kwargs = {"lr": 0.01} if "weight" in name else {"lr": 0.05, "momentum": 0.9}
        optimizers[p] = opt_cls([p], **kwargs)

    order = []

    def step_now(param):
        order.append(tuple(param.shape))
        optimizers[param].step()
        optimizers[param].zero_grad()

    handles = [p.register_post_accumulate_grad_hook(step_now) for p in fused.parameters()]
    plain_opts = [torch.optim.Adam([p], lr=0.01) if p.dim() == 2 else torch.optim.SGD([p], lr=0.05, momentum=0.9)
                  for p in plain.parameters()]

    seen = {}

    def all_hook(grads):
        seen["all"] = [None if g is None else round(g.norm().item(), 10) for g in grads]

    def any_hook(grad):
        seen["any"] = tuple(grad.shape)

    records = []
    pre = fused[2].register_forward_pre_hook(lambda m, inp: records.append(("pre", tuple(inp[0].shape))))
    post = fused[2].register_forward_hook(lambda m, inp, out: records.append(("fwd", tuple(out.shape))))
    back = fused[4].register_full_backward_hook(
        lambda m, gin, gout: records.append(("bwd", tuple(gin[0].shape), round(gout[0].abs().sum().item(), 10))))

    for epoch in range(6):
        h1 = fused[0](x)
        h1.register_hook(lambda g: g * 0.5)
        out = fused[4](fused[3](fused[2](fused[1](h1))))
        w_last, b_last = fused[4].weight, fused[4].bias
        mh = register_multi_grad_hook((w_last, b_last), all_hook)
        ah = register_multi_grad_hook((out, h1), any_hook, mode="any")
        loss = F.mse_loss(out, y)
        loss.backward()
        mh.remove()
        ah.remove()

        for o in plain_opts:
            o.zero_grad()
        h1p = plain[0](x)
        h1p.register_hook(lambda g: g * 0.5)
        loss_p = F.mse_loss(plain[4](plain[3](plain[2](plain[1](h1p)))), y)
        loss_p.backward()
        for o in plain_opts:
            o.step()
        print(f"epoch {epoch} fused {loss.item():.10f} plain {loss_p.item():.10f} multi {seen['all']} any {seen['any']}")
        if epoch == 2:
            pre.remove()
            back.remove()
    print("grads cleared", all(p.grad is None for p in fused.parameters()))
    print("steps", len(order), sorted(set(order)))
    print("records", len(records), records[:3], records[-1])
    print("match", all(torch.allclose(a, b, atol=1e-12) for a, b in zip(fused.parameters(), plain.parameters())))
    print("last layer", fused[4].weight)
    print("adam state", sorted(optimizers[fused[0].weight].state[fused[0].weight]),
          optimizers[fused[0].weight].state[fused[0].weight]["step"])
    print("momentum", optimizers[fused[0].bias].state[fused[0].bias]["momentum_buffer"][:4])
    for h in handles:
        h.remove()
    fused(x).sum().backward()
    print("after removal", fused[0].bias.grad[:3])


if __name__ == "__main__":
    main()
