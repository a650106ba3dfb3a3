"""Fine-tuning a small pretrained-style CNN, written for PyTorch; tests run it as is and with only its imports
changed, and compare what both print. The backbone is "pretrained", saved with torch.save to an in-memory buffer
and to a temp file (with the optimizer's state), loaded back with torch.load and load_state_dict(strict=False)
into a model with a new head (missing/unexpected keys printed), model surgery on an nn.Sequential (an item
replaced, one deleted, the rest extended and renumbered), the early layers frozen with requires_grad_(False),
optimizer param groups with different learning rates, BatchNorm running stats in train() vs eval(), and
inference under torch.no_grad. Float64 and weights from a seeded NumPy generator.
"""
import copy
import io
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(4, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d((1, 1)))
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))


class FineTuned(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.features = Backbone().features
        self.head = nn.Sequential(nn.Dropout(p=0.0), nn.Linear(8, n_classes))

    def forward(self, x):
        return self.head(self.features(x).flatten(1))


def init_from(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight") and p.dim() > 1:
                fan_in = p[0].numel()
                p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape)) / np.sqrt(fan_in)))
            elif name.endswith("bias"):
                p.copy_(torch.from_numpy(0.1 * rng.standard_normal(tuple(p.shape))))


def make_data(rng, n, n_classes):
    labels = rng.integers(0, n_classes, n)
    x = 0.3 * rng.standard_normal((n, 1, 8, 8))
    for i, c in enumerate(labels):
        x[i, 0, 2 * c:2 * c + 3, :] += 1.0
    return torch.from_numpy(x), torch.from_numpy(labels)


def train(model, opt, x, y, epochs, tag):
    model.train()
    for epoch in range(epochs):
        for b in range(0, len(y), 16):
            loss = F.cross_entropy(model(x[b:b + 16]), y[b:b + 16])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        print(f"{tag} epoch {epoch} loss {loss.item():.6f}")


def main():
    rng = np.random.default_rng(5)
    x, y = make_data(rng, 48, 3)
    pre = Backbone().double()
    init_from(pre, rng)
    train(pre, optim.SGD(pre.parameters(), lr=0.1, momentum=0.9), x, y, 3, "pretrain")
    bn = pre.features[1]
    print("bn stats", bn.running_mean, bn.running_var.sum().item(), bn.num_batches_tracked.item())
    buffer = io.BytesIO()
    torch.save(pre.state_dict(), buffer)
    buffer.seek(0)
    state = torch.load(buffer)
    print("keys", len(state), list(state)[:3], state["features.1.num_batches_tracked"].dtype)

    model = FineTuned(n_classes=4).double()
    init_from(model, rng)
    result = model.load_state_dict(state, strict=False)
    print("load result", result)
    print("missing", sorted(result.missing_keys))
    print("unexpected", sorted(result.unexpected_keys))
    print("same conv", torch.equal(model.features[0].weight, pre.features[0].weight))
    surgery = copy.deepcopy(pre.features)
    surgery[-1] = nn.AdaptiveMaxPool2d((1, 1))
    del surgery[3]                      # no first max-pool: the second conv sees the full 8x8 map
    surgery.extend([nn.Flatten(), nn.Linear(8, 2).double()])
    with torch.no_grad():
        pooled = surgery[:-1](x[:2])
    print("surgery", len(surgery), [type(m).__name__ for m in surgery][2:], pooled.shape, pooled[0, :3],
          list(surgery.state_dict())[-4:])
    for name, p in model.named_parameters():
        if name.startswith("features.0") or name.startswith("features.1"):
            p.requires_grad_(False)
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    print("trainable", trainable)
    backbone_params = [p for n, p in model.named_parameters() if p.requires_grad and n.startswith("features")]
    opt = optim.Adam([{"params": backbone_params, "lr": 1e-3},
                      {"params": model.head.parameters()}], lr=1e-2, weight_decay=1e-4)
    print("groups", [(g["lr"], len(g["params"]), g["weight_decay"]) for g in opt.param_groups])
    x2, y2 = make_data(rng, 48, 4)
    frozen_before = model.features[0].weight.clone()
    train(model, opt, x2, y2, 4, "finetune")
    print("frozen unchanged", torch.equal(frozen_before, model.features[0].weight),
          model.features[0].weight.grad is None, model.features[4].weight.grad.norm().item())

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ckpt.pt")
        torch.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 4}, path)
        ckpt = torch.load(path)
    restored = FineTuned(n_classes=4).double()
    print("strict load", restored.load_state_dict(ckpt["model"]))
    opt2 = optim.Adam([{"params": [p for n, p in restored.named_parameters() if n.startswith("features.4")
                                   or n.startswith("features.5")], "lr": 1e-3},
                       {"params": restored.head.parameters()}], lr=1e-2, weight_decay=1e-4)
    opt2.load_state_dict(ckpt["optim"])
    print("epoch", ckpt["epoch"], "opt steps", [s["step"].item() for s in opt2.state.values()][:2],
          opt2.param_groups[0]["lr"], opt2.param_groups[1]["lr"])
    model.eval()
    restored.eval()
    with torch.no_grad():
        a, b = model(x2[:6]), restored(x2[:6])
        print("eval equal", torch.allclose(a, b), a.argmax(1), a.requires_grad)
        acc = (model(x2).argmax(dim=1) == y2).float().mean()
        print("accuracy", round(acc.item(), 6), "train-mode differs",
              not torch.allclose(model.train()(x2[:6]), a))


if __name__ == "__main__":
    main()
