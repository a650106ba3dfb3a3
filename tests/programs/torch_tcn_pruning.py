"""A temporal convolutional network for sequence regression, then pruned, written for PyTorch; tests run it as is
and with only its imports changed, and compare what both print. Causal dilated Conv1d blocks (left padding with
F.pad, chomp-free), weight normalisation through torch.nn.utils.parametrizations.weight_norm, residual 1x1
downsampling, gradient clipping by value, then magnitude pruning with torch.nn.utils.prune (l1_unstructured,
ln_structured, global_unstructured), the weight_orig/weight_mask pairs and forward pre-hooks it installs, the
sparsity it reaches, fine-tuning with the masks held, and prune.remove. Float64, weights from a seeded NumPy
generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune
import torch.optim as optim
from torch.nn.utils.parametrizations import weight_norm


class CausalBlock(nn.Module):
    def __init__(self, n_in, n_out, kernel, dilation):
        super().__init__()
        self.pad = (kernel - 1) * dilation
        self.conv1 = weight_norm(nn.Conv1d(n_in, n_out, kernel, dilation=dilation))
        self.conv2 = weight_norm(nn.Conv1d(n_out, n_out, kernel, dilation=dilation))
        self.down = nn.Conv1d(n_in, n_out, 1) if n_in != n_out else None

    def forward(self, x):
        h = F.relu(self.conv1(F.pad(x, (self.pad, 0))))
        h = F.relu(self.conv2(F.pad(h, (self.pad, 0))))
        res = x if self.down is None else self.down(x)
        return F.relu(h + res)


class TCN(nn.Module):
    def __init__(self, channels=(2, 6, 6, 6), kernel=3):
        super().__init__()
        self.blocks = nn.Sequential(*[CausalBlock(channels[i], channels[i + 1], kernel, 2 ** i)
                                      for i in range(len(channels) - 1)])
        self.head = nn.Linear(channels[-1], 1)

    def forward(self, x):
        return self.head(self.blocks(x)[:, :, -1])


def sparsity(module, name="weight"):
    w = getattr(module, name)
    return float((w == 0).sum()) / w.numel()


def main():
    rng = np.random.default_rng(31)
    model = TCN().double()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(0.35 * rng.standard_normal(tuple(p.shape))))
    print("param names", [n for n, _ in model.named_parameters()][:4])
    signal = np.cumsum(rng.standard_normal((64, 2, 20)), axis=-1) * 0.2
    x = torch.from_numpy(signal)
    y = torch.from_numpy(signal[:, 0, -5:].mean(-1, keepdims=True) - signal[:, 1, -1:])
    opt = optim.Adam(model.parameters(), lr=0.01)
    for epoch in range(5):
        for b in range(0, 64, 16):
            loss = F.mse_loss(model(x[b:b + 16]), y[b:b + 16])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_value_(model.parameters(), 0.5)
            opt.step()
        g = model.blocks[0].conv1.parametrizations.weight.original0.grad
        print(f"epoch {epoch} loss {loss.item():.6f} g-norm grad {g.abs().max().item():.6f}")
    conv = model.blocks[1].down if model.blocks[1].down is not None else model.blocks[0].down
    prune.l1_unstructured(conv, name="weight", amount=0.5)
    prune.ln_structured(model.head, name="weight", amount=2, n=2, dim=1)
    print("pruned", [n for n, _ in conv.named_parameters()], [n for n, _ in conv.named_buffers()],
          len(conv._forward_pre_hooks), prune.is_pruned(conv))
    print("sparsity", sparsity(conv), sparsity(model.head), model.head.weight_mask.sum().item())
    targets = [(model.blocks[2].down or model.head, "bias"), (model.blocks[0].down, "weight")]
    prune.global_unstructured(targets, pruning_method=prune.L1Unstructured, amount=4)
    print("global", [round(sparsity(m, n), 6) for m, n in targets], model.blocks[0].down.weight_mask.sum().item())
    opt = optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    for epoch in range(3):
        loss = F.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"finetune {epoch} loss {loss.item():.6f} still sparse {sparsity(conv)} "
              f"orig grad zeros {(conv.weight_orig.grad == 0).sum().item()}")
    prune.remove(conv, "weight")
    print("removed", [n for n, _ in conv.named_parameters()], hasattr(conv, "weight_mask"), sparsity(conv))
    with torch.no_grad():
        print("prediction", model(x[:4]).squeeze(1), "state keys", len(model.state_dict()))


if __name__ == "__main__":
    main()
