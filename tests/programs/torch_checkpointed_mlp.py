"""Activation checkpointing of a deep residual MLP written for PyTorch the way memory-saving training code does it;
tests run it as is and with only its imports changed, and compare what both print. The same weights run plain,
with torch.utils.checkpoint.checkpoint around each block (use_reentrant=False, with keyword arguments and a
dropout-free block that takes two tensors), with checkpoint_sequential over an nn.Sequential in segments, and with
the reentrant variant; the gradients must agree; then a few AdamW steps with checkpointing on, a double backward
(gradient penalty) through non-reentrant checkpoints, and a module with a no-grad input and a frozen layer.
Data from a seeded NumPy generator; float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint, checkpoint_sequential


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, 2 * dim)
        self.fc2 = nn.Linear(2 * dim, dim)

    def forward(self, x):
        return x + self.fc2(F.silu(self.fc1(self.norm(x))))


class GatedBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.gate = nn.Linear(dim, dim)

    def forward(self, x, context, scale=1.0):
        return x + scale * torch.sigmoid(self.gate(context)) * torch.tanh(x)


class DeepMLP(nn.Module):
    def __init__(self, dim=8, depth=6, mode="none"):
        super().__init__()
        self.inp = nn.Linear(4, dim)
        self.blocks = nn.Sequential(*[Block(dim) for _ in range(depth)])
        self.gated = GatedBlock(dim)
        self.out = nn.Linear(dim, 3)
        self.mode = mode

    def forward(self, x):
        h = self.inp(x)
        if self.mode == "none":
            h = self.blocks(h)
            h = self.gated(h, h * 0.5, scale=0.7)
        elif self.mode == "each":
            for block in self.blocks:
                h = checkpoint(block, h, use_reentrant=False)
            h = checkpoint(self.gated, h, h * 0.5, scale=0.7, use_reentrant=False)
        elif self.mode == "sequential":
            h = checkpoint_sequential(self.blocks, 3, h, use_reentrant=False)
            h = self.gated(h, h * 0.5, scale=0.7)
        else:
            h = checkpoint_sequential(self.blocks, 2, h, use_reentrant=True)
            h = checkpoint(self.gated, h, h * 0.5, 0.7, use_reentrant=True)
        return self.out(h)


def grads_of(model, x, y):
    model.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    return loss.item(), torch.cat([p.grad.flatten() for p in model.parameters()])


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(8)
    x = torch.from_numpy(rng.standard_normal((10, 4)))
    y = torch.from_numpy(rng.integers(0, 3, 10))
    ref = DeepMLP()
    state = {k: torch.from_numpy(rng.normal(0, 0.4, tuple(v.shape))) for k, v in ref.state_dict().items()}
    ref.load_state_dict(state)
    loss_ref, g_ref = grads_of(ref, x, y)
    print("plain loss:", round(loss_ref, 10), "grad norm:", round(g_ref.norm().item(), 10))
    for mode in ("each", "sequential", "reentrant"):
        model = DeepMLP(mode=mode)
        model.load_state_dict(state)
        loss, g = grads_of(model, x, y)
        print(f"{mode}: loss {loss:.10f} max grad diff {(g - g_ref).abs().max().item():.3e}"
              f" close {torch.allclose(g, g_ref, rtol=1e-10, atol=1e-12)}")

    model = DeepMLP(mode="each")
    model.load_state_dict(state)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.05)
    for step in range(5):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y, label_smoothing=0.1)
        loss.backward()
        opt.step()
        print(f"train step {step}: loss {loss.item():.10f}")

    # gradient penalty through checkpoints: d/dw |d loss / d x|^2
    xg = x.clone().requires_grad_(True)
    loss = F.cross_entropy(model(xg), y)
    gx, = torch.autograd.grad(loss, xg, create_graph=True)
    penalty = gx.pow(2).sum()
    model.zero_grad()
    penalty.backward()
    plain = DeepMLP()
    plain.load_state_dict(model.state_dict())
    xg2 = x.clone().requires_grad_(True)
    gx2, = torch.autograd.grad(F.cross_entropy(plain(xg2), y), xg2, create_graph=True)
    gx2.pow(2).sum().backward()
    print("penalty:", round(penalty.item(), 10), "input-grad norm:", round(gx.norm().item(), 10))
    print("penalty grad of inp.weight:", [round(v, 8) for v in model.inp.weight.grad[0].tolist()])
    print("matches unchecked:", torch.allclose(model.inp.weight.grad, plain.inp.weight.grad, rtol=1e-9, atol=1e-12))

    # a frozen first block and an input that needs no grad
    model.blocks[0].requires_grad_(False)
    model.zero_grad(set_to_none=True)
    h = checkpoint(model.blocks[0], model.inp(x).detach(), use_reentrant=False)
    out = checkpoint_sequential(model.blocks[1:], 2, h, use_reentrant=False)
    out.sum().backward()
    print("frozen block grad:", model.blocks[0].fc1.weight.grad, "out requires grad:", out.requires_grad)
    print("block 5 grad sum:", round(model.blocks[5].fc2.weight.grad.sum().item(), 10))
