"""Variable-length sequences as a jagged nested tensor (torch.nested, layout=torch.jagged) instead of padding: a
padded batch is cut to its true lengths with as_nested_tensor, run through Linear + LayerNorm + GELU, two-head
scaled dot-product attention per sequence (unflatten to (B, j, heads, D), transpose to (B, heads, j, D), back
and flatten, as PyTorch's nested-tensor transformer tutorial does), a residual, a mean-pool over the ragged dim
(on the padded form) and a Linear head, and trained 3 SGD steps; the nested tensor's shape, repr, offsets, padded
form and the gradients that reach the padded batch are printed. Float64 from a seeded NumPy generator.
"""
import re

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def ragged(text):
    """The printout with the ragged size's global number (j1, j7, ...: it counts every nested tensor made in the
    process) left out."""
    return re.sub(r"j[0-9]+", "j*", str(text))


class JaggedEncoder(nn.Module):
    def __init__(self, d_in, d_model):
        super().__init__()
        self.proj = nn.Linear(d_in, d_model)
        self.norm = nn.LayerNorm(d_model)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.head = nn.Linear(d_model, 1)
        self.d_model = d_model

    def forward(self, nt, lengths):
        h = F.gelu(self.norm(self.proj(nt)))
        d = self.d_model
        heads = [2, d // 2]
        q = (h @ self.qkv.weight[:d].T).unflatten(-1, heads).transpose(1, 2)
        k = F.linear(h, self.qkv.weight[d: 2 * d]).unflatten(-1, heads).transpose(1, 2)
        v = F.linear(h, self.qkv.weight[2 * d:]).unflatten(-1, heads).transpose(1, 2)
        attended = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).flatten(-2)
        padded = torch.nested.to_padded_tensor(h, 0.0) + torch.nested.to_padded_tensor(attended, 0.0)
        pooled = padded.sum(dim=1) / lengths[:, None]
        return self.head(pooled).squeeze(-1), h, attended


def main():
    rng = np.random.default_rng(2413)
    lengths = [3, 5, 2, 4]
    padded = torch.from_numpy(rng.normal(size=(4, 5, 6)))
    padded.requires_grad_(True)
    target = torch.from_numpy(rng.normal(size=4))
    model = JaggedEncoder(6, 8).double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.normal(scale=0.4, size=tuple(p.shape))))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    nt = torch.nested.as_nested_tensor([padded[i, :n] for i, n in enumerate(lengths)], layout=torch.jagged)
    print("shape", ragged(nt.shape), "dim", nt.dim(), "layout", nt.layout, "is_nested", nt.is_nested)
    print("offsets", nt.offsets().tolist(), "values", tuple(nt.values().shape))
    print(ragged(repr(nt.detach())))
    print("lengths", [t.shape[0] for t in nt.unbind()])
    for step in range(3):
        opt.zero_grad()
        pred, h, attended = model(nt, torch.tensor(lengths, dtype=torch.float64))
        loss = F.mse_loss(pred, target)
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.10f}")
        print("  pred", [round(x, 8) for x in pred.tolist()])
        print("  head grad", [round(x, 8) for x in model.head.weight.grad[0].tolist()])
    print("h shape", ragged(h.shape), "contiguous", h.is_contiguous(), "attended", ragged(attended.shape),
          attended.is_contiguous())
    repadded = torch.nested.to_padded_tensor(h.detach(), -1.0)
    print("padded", tuple(repadded.shape), round(repadded.sum().item(), 8))
    print("padded row 2", [round(x, 6) for x in repadded[2, :, 0].tolist()])
    grad = padded.grad
    print("input grad zero beyond lengths", all(float(grad[i, n:].abs().sum()) == 0.0 for i, n in enumerate(lengths)))
    print("input grad norm", round(grad.norm().item(), 10))
    print("input grad row 0", [round(x, 8) for x in grad[0, 0].tolist()])
    leaf = torch.nested.nested_tensor([padded[i, :n].detach() for i, n in enumerate(lengths)], layout=torch.jagged,
                                      requires_grad=True)
    print(ragged(repr(leaf)), leaf.shape[1] == nt.shape[1], h.shape[1] == nt.shape[1])
    (leaf.softmax(-1) * 3.0 - leaf.sin()).exp().sum().backward()
    print("leaf grad", ragged(leaf.grad.shape), round(leaf.grad.values().sum().item(), 8))
    print("leaf grad padded", [round(x, 8) for x in leaf.grad.to_padded_tensor(0.0)[1, 4].tolist()])


if __name__ == "__main__":
    main()
