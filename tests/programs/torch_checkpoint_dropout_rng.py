"""Activation checkpointing in a dropout-heavy Transformer stack, written for PyTorch and seeded by
torch.manual_seed alone: torch.utils.checkpoint (use_reentrant=False and True, preserve_rng_state) must redraw the
same dropout masks when it recomputes a block, so the gradients equal an uncheckpointed run's; the RNG state is
saved and restored with torch.get_rng_state / set_rng_state and torch.random.fork_rng, and a private
torch.Generator drives a data shuffle without disturbing the global stream. Float32."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint, checkpoint_sequential


class Block(nn.Module):
    def __init__(self, dim=16, heads=2, p=0.25):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, dropout=0.0, batch_first=True)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 32), nn.GELU(), nn.Dropout(p), nn.Linear(32, dim))
        self.drop = nn.Dropout(p)

    def forward(self, x):
        h = self.norm1(x)
        x = x + self.drop(self.attn(h, h, h, need_weights=False)[0])
        return x + self.drop(self.mlp(self.norm2(x)))


class Stack(nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode
        self.blocks = nn.Sequential(*[Block() for _ in range(3)])
        self.head = nn.Linear(16, 4)

    def forward(self, x):
        if self.mode == "none":
            x = self.blocks(x)
        elif self.mode == "sequential":
            x = checkpoint_sequential(self.blocks, 3, x, use_reentrant=False)
        else:
            for block in self.blocks:
                x = checkpoint(block, x, use_reentrant=self.mode == "reentrant", preserve_rng_state=True)
        return self.head(x.mean(1))


def run(mode, x, y):
    torch.manual_seed(5)
    model = Stack(mode)
    model.train()
    torch.manual_seed(99)
    loss = F.cross_entropy(model(x.clone().requires_grad_(True)), y)
    loss.backward()
    after = torch.rand(2)
    grads = torch.cat([p.grad.flatten() for p in model.parameters()])
    return loss.item(), grads, after


def main():
    torch.manual_seed(16)
    x = torch.randn(6, 5, 16)
    y = torch.randint(0, 4, (6,))
    print("data", x.shape, y.tolist(), x[0, 0, :4])

    base_loss, base_grads, base_after = run("none", x, y)
    print("plain loss", round(base_loss, 6), "grad norm", round(base_grads.norm().item(), 5))
    for mode in ["nonreentrant", "reentrant", "sequential"]:
        loss, grads, after = run(mode, x, y)
        print(mode, "loss", round(loss, 6), "same loss", abs(loss - base_loss) < 1e-6,
              "max grad diff < 1e-5", (grads - base_grads).abs().max().item() < 1e-5,
              "stream after", torch.equal(after, base_after))
    print("grad slice", base_grads[:5])

    torch.manual_seed(3)
    state = torch.get_rng_state()
    first = torch.rand(3)
    torch.set_rng_state(state)
    again = torch.rand(3)
    print("replayed", torch.equal(first, again), first)
    with torch.random.fork_rng():
        torch.manual_seed(1234)
        inside = torch.randn(2)
    outside = torch.rand(2)
    torch.manual_seed(3)
    torch.rand(3)
    print("fork isolates", torch.equal(outside, torch.rand(2)), inside)

    gen = torch.Generator().manual_seed(7)
    order = torch.randperm(10, generator=gen)
    print("private shuffle", order.tolist(), torch.initial_seed())
    drop = nn.Dropout(0.5)
    torch.manual_seed(11)
    m1 = drop(torch.ones(12))
    torch.manual_seed(11)
    torch.randperm(10, generator=gen)
    m2 = drop(torch.ones(12))
    print("masks equal despite generator", torch.equal(m1, m2), m1)
    print("bernoulli", torch.bernoulli(torch.full((8,), 0.3), generator=gen))
    print("normal", torch.normal(torch.zeros(3), torch.ones(3) * 2, generator=gen))
    print("multinomial", torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 5, replacement=True, generator=gen).tolist())
    print("seed state", torch.random.initial_seed(), gen.initial_seed())


if __name__ == "__main__":
    main()
