"""LoRA fine-tuning of a frozen MLP written for PyTorch with torch.nn.utils.parametrize, the way parameter-efficient
fine-tuning code writes it; tests run it as is and with only its imports changed, and compare what both print. A
base classifier is pre-trained, frozen, and every Linear weight gets a low-rank additive parametrization
(W + B @ A * alpha / r, B initialised to zero so the start is exact) registered with register_parametrization;
only the adapters train (AdamW, a StepLR schedule), parametrize.cached() reuses the adapted weights across calls,
the original weights sit in parametrizations.weight.original, the state_dict carries the adapter keys; then the
adapters are merged with remove_parametrizations(leave_parametrized=True) and the merged plain model must print
the same outputs; a second parametrization (a weight-norm style scaling) is stacked and removed without merging.
Data from a seeded NumPy generator; float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.parametrize as parametrize
from torch.optim.lr_scheduler import StepLR


class LoRA(nn.Module):
    def __init__(self, out_features, in_features, rank, alpha, a_init):
        super().__init__()
        self.A = nn.Parameter(a_init)
        self.B = nn.Parameter(torch.zeros(out_features, rank))
        self.scale = alpha / rank

    def forward(self, W):
        return W + (self.B @ self.A) * self.scale


class RowScale(nn.Module):
    def __init__(self, rows):
        super().__init__()
        self.g = nn.Parameter(torch.ones(rows, 1))

    def forward(self, W):
        return self.g * W / W.norm(dim=1, keepdim=True)


def make_data(rng, n, shift):
    x = rng.standard_normal((n, 5))
    logits = x @ np.array([[1.0, -1.0, 0.5], [0.5, 1.0, -1.0], [-1.0, 0.2, 1.0], [0.3, 0.3, 0.3], [0.0, 1.0, 0.0]])
    y = np.argmax(logits + shift, axis=1)
    return torch.from_numpy(x), torch.from_numpy(y)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(19)
    base = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3))
    base.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.4, tuple(v.shape)))
                          for k, v in base.state_dict().items()})
    x, y = make_data(rng, 64, 0.0)
    opt = torch.optim.SGD(base.parameters(), lr=0.1)
    for epoch in range(3):
        loss = F.cross_entropy(base(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"pretrain {epoch}: loss {loss.item():.8f}")

    base.requires_grad_(False)
    x2, y2 = make_data(rng, 64, np.array([0.0, 1.5, -1.0]))
    before = base(x2).detach()
    print("shifted-task loss before:", round(F.cross_entropy(before, y2).item(), 8))
    for layer in base:
        if isinstance(layer, nn.Linear):
            out_f, in_f = layer.weight.shape
            a = torch.from_numpy(rng.normal(0, 0.2, (2, in_f)))
            parametrize.register_parametrization(layer, "weight", LoRA(out_f, in_f, 2, 4.0, a))
    print("is parametrized:", parametrize.is_parametrized(base[0]), parametrize.is_parametrized(base[0], "bias"))
    print("starts exact:", torch.equal(base(x2), before))
    trainable = [n for n, p in base.named_parameters() if p.requires_grad]
    print("trainable:", trainable)
    print("adapter keys in state_dict:", sorted(k for k in base.state_dict() if "parametrizations" in k)[:3])

    opt = torch.optim.AdamW([p for p in base.parameters() if p.requires_grad], lr=0.05, weight_decay=0.01)
    sched = StepLR(opt, step_size=3, gamma=0.5)
    for epoch in range(6):
        with parametrize.cached():
            logits = base(x2)
            loss = F.cross_entropy(logits, y2) + 1e-3 * sum(layer.weight.pow(2).sum() for layer in base
                                                             if isinstance(layer, nn.Linear))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        acc = (logits.argmax(1) == y2).double().mean()
        print(f"lora {epoch}: loss {loss.item():.8f} acc {acc.item():.6f} lr {sched.get_last_lr()[0]:.6f}")
    orig = base[0].parametrizations.weight.original
    print("original untouched:", orig.requires_grad, orig.grad is None,
          "delta norm:", round((base[0].weight - orig).norm().item(), 8))
    adapted = base(x2).detach()

    for layer in base:
        if isinstance(layer, nn.Linear):
            parametrize.remove_parametrizations(layer, "weight", leave_parametrized=True)
    print("merged is plain Parameter:", type(base[0].weight).__name__, parametrize.is_parametrized(base[0]))
    print("merged outputs match:", torch.allclose(base(x2), adapted, rtol=1e-12, atol=1e-12),
          round(base(x2).sum().item(), 8))

    layer = base[2]
    parametrize.register_parametrization(layer, "weight", RowScale(16))
    w0 = layer.weight.detach().clone()
    print("row norms after scaling:", [round(v, 8) for v in layer.weight.norm(dim=1)[:3].tolist()])
    layer.parametrizations.weight[0].g.data.fill_(2.0)
    out = base(x2).pow(2).mean()
    out.backward()
    print("g grad:", [round(v, 8) for v in layer.parametrizations.weight[0].g.grad[:3, 0].tolist()],
          "original grad sum:", round(layer.parametrizations.weight.original.grad.sum().item(), 8))
    parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)
    print("restored original:", torch.equal(layer.weight, base[2].weight), round(layer.weight.sum().item(), 8),
          "changed by scaling:", not torch.allclose(w0, layer.weight))
