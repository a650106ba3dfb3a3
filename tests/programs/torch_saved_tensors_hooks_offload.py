"""Memory-saving autograd in a training loop, the way PyTorch's "Hooks for autograd saved tensors" tutorial and
activation-checkpointing code write it: torch.autograd.graph.saved_tensors_hooks with pack/unpack functions that
count and log what is saved (shapes of x * y, exp and a Linear layer), hooks that store to a dict keyed by a
counter (the tutorial's "saving to disk" stand-in), save_on_cpu(pin_memory=False) around a model's forward,
torch.utils.checkpoint.checkpoint with use_reentrant=False (and preserve_rng_state) around blocks of an MLP whose
gradients must equal the plain run's, and a gradient-penalty step with retain_graph/create_graph inside the hooks.
Float64, weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd.graph import save_on_cpu, saved_tensors_hooks
from torch.utils.checkpoint import checkpoint


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc1 = nn.Linear(width, 2 * width)
        self.fc2 = nn.Linear(2 * width, width)
        self.norm = nn.LayerNorm(width)

    def forward(self, x):
        return self.norm(x + self.fc2(torch.tanh(self.fc1(x))))


class Net(nn.Module):
    def __init__(self, width=4, depth=3, use_checkpoint=False):
        super().__init__()
        self.blocks = nn.ModuleList([Block(width) for _ in range(depth)])
        self.head = nn.Linear(width, 1)
        self.use_checkpoint = use_checkpoint

    def forward(self, x):
        for block in self.blocks:
            if self.use_checkpoint:
                x = checkpoint(block, x, use_reentrant=False)
            else:
                x = block(x)
        return self.head(x).squeeze(-1)


def load(model, seed):
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            p.copy_(torch.from_numpy(rng.normal(0.0, 0.4, tuple(p.shape))))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(1904)
    x = torch.from_numpy(rng.standard_normal((5,))).requires_grad_()
    y = torch.from_numpy(rng.standard_normal((5,))).requires_grad_()
    shapes = []

    def pack_hook(t):
        shapes.append(tuple(t.shape))
        return t

    def unpack_hook(t):
        return t

    with saved_tensors_hooks(pack_hook, unpack_hook):
        z = x * y
    print("x * y saved", shapes, "grad", torch.autograd.grad(z.sum(), x)[0].sum().item())
    shapes.clear()
    with saved_tensors_hooks(pack_hook, unpack_hook):
        e = x.exp()
    print("exp saved", shapes)

    storage = {}
    counter = [0]

    def pack_to_store(t):
        counter[0] += 1
        storage[counter[0]] = t.clone()
        return counter[0]

    def unpack_from_store(key):
        return storage[key]

    with saved_tensors_hooks(pack_to_store, unpack_from_store):
        w = torch.from_numpy(rng.standard_normal((3, 5))).requires_grad_()
        out = torch.tanh(w @ x).pow(2).sum()
    print("stored", counter[0] > 0, sorted(tuple(v.shape) for v in storage.values())[-1])
    gw, gx = torch.autograd.grad(out, [w, x])
    print("grads through store", gw.sum().item(), gx)

    calls = {"pack": 0, "unpack": 0}

    def pack_count(t):
        calls["pack"] += 1
        return t

    def unpack_count(t):
        calls["unpack"] += 1
        return t

    inp = torch.from_numpy(rng.standard_normal((6, 4)))
    target = torch.from_numpy(rng.standard_normal(6))
    plain = Net()
    load(plain, 7)
    ckpt = Net(use_checkpoint=True)
    load(ckpt, 7)
    offload = Net()
    load(offload, 7)

    loss_plain = F.mse_loss(plain(inp), target)
    loss_plain.backward()
    loss_ckpt = F.mse_loss(ckpt(inp), target)
    loss_ckpt.backward()
    with save_on_cpu(pin_memory=False):
        loss_off = F.mse_loss(offload(inp), target)
    loss_off.backward()
    print("losses", loss_plain.item(), loss_ckpt.item(), loss_off.item())
    for (n, a), b, c in zip(plain.named_parameters(), ckpt.parameters(), offload.parameters()):
        if n.endswith("fc1.weight") or n.startswith("head"):
            print(n, torch.allclose(a.grad, b.grad), torch.allclose(a.grad, c.grad), a.grad.flatten()[:3])

    with saved_tensors_hooks(pack_count, unpack_count):
        loss_h = F.mse_loss(plain(inp), target)
    print("packed some", calls["pack"] > 0, "unpacked before backward", calls["unpack"])
    loss_h.backward()
    print("unpacked after backward", calls["unpack"] > 0)

    opt = torch.optim.SGD(ckpt.parameters(), lr=0.1, momentum=0.9)
    for step in range(4):
        opt.zero_grad()
        xin = inp.clone().requires_grad_()
        pred = ckpt(xin)
        loss = F.mse_loss(pred, target)
        g, = torch.autograd.grad(pred.sum(), xin, create_graph=True, retain_graph=True)
        penalty = (g.norm(2, dim=1) - 1).pow(2).mean()
        (loss + 0.1 * penalty).backward()
        gn = torch.nn.utils.clip_grad_norm_(ckpt.parameters(), 5.0)
        opt.step()
        print(f"step {step}: loss {loss.item():.8f} penalty {penalty.item():.8f} grad-norm {gn.item():.8f}")
    with torch.no_grad():
        print("final predictions", ckpt(inp))
    print("checkpoint grad_fn", ckpt(inp).grad_fn.name())


if __name__ == "__main__":
    main()
