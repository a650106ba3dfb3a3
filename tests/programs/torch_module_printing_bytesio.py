"""Inspecting and shipping a model, written for PyTorch: print(model) for a network with every common layer and
its non-default options, a custom layer's extra_repr, named_modules / get_submodule / get_parameter, parameter
counts per module, tensors printed with requires_grad and grad_fn, and a state_dict round trip through torch.save
and torch.load into an io.BytesIO buffer (no file), loaded into a fresh model that must give the same outputs.
Float32, weights and data from a seeded NumPy generator."""
import io

import numpy as np
import torch
import torch.nn as nn


class ScaledResidual(nn.Module):
    def __init__(self, dim, scale=0.5, learnable=True):
        super().__init__()
        self.dim, self.learnable = dim, learnable
        self.proj = nn.Linear(dim, dim, bias=False)
        self.scale = nn.Parameter(torch.full((dim,), scale)) if learnable else scale

    def extra_repr(self):
        return f"dim={self.dim}, learnable={self.learnable}"

    def forward(self, x):
        return x + self.scale * self.proj(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(8, momentum=0.05),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=4, padding_mode="reflect"),
            nn.MaxPool2d(2, ceil_mode=True),
            nn.Dropout2d(0.1),
        )
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.head = nn.ModuleDict({"res": ScaledResidual(8), "fc": nn.Linear(8, 4)})
        self.gru = nn.GRU(4, 6, num_layers=2, batch_first=True, dropout=0.2)
        self.norm = nn.LayerNorm(6, eps=1e-6, elementwise_affine=True)
        self.emb = nn.Embedding(10, 4, padding_idx=0, max_norm=2.0)
        self.extras = nn.ParameterList([nn.Parameter(torch.zeros(2, 3)), nn.Parameter(torch.ones(4))])

    def forward(self, img, tokens):
        f = self.pool(self.features(img)).flatten(1)
        f = self.head["fc"](self.head["res"](f))
        seq = torch.cat([f.unsqueeze(1), self.emb(tokens)], dim=1)
        out, h = self.gru(seq)
        return self.norm(out[:, -1])


def main():
    rng = np.random.default_rng(16)
    model = Net()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.normal(0.0, 0.3, tuple(p.shape)).astype(np.float32)))
    print(model)
    print(model.head["res"])
    print(model.extras)
    for name, module in model.named_modules():
        n = sum(p.numel() for p in module.parameters(recurse=False))
        if n:
            print(f"{name:>16s} {type(module).__name__:>14s} {n:5d}")
    print("total", sum(p.numel() for p in model.parameters()),
          "trainable", sum(p.numel() for p in model.parameters() if p.requires_grad))
    print(model.get_submodule("features.3"))
    print(model.get_parameter("head.res.scale").shape)
    print("buffers", [(n, tuple(b.shape)) for n, b in model.named_buffers()])

    img = torch.from_numpy(rng.standard_normal((2, 3, 12, 12)).astype(np.float32))
    tokens = torch.from_numpy(rng.integers(0, 10, (2, 3)))
    model.eval()
    out = model(img, tokens)
    print(out)
    print(out.sum())
    w = torch.tensor([1.5, -2.0], requires_grad=True)
    print(w, w * 2, (w ** 2).mean(), w.detach())

    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    print("bytes written", buffer.tell() > 0)
    buffer.seek(0)
    state = torch.load(buffer)
    print("keys", len(state), list(state)[:6])
    print("dtypes", sorted({str(v.dtype) for v in state.values()}))
    fresh = Net()
    result = fresh.load_state_dict(state)
    print(result)
    fresh.eval()
    print("same outputs", torch.equal(fresh(img, tokens), out))
    print(fresh.features[1].running_mean)
    print(fresh.features[1].num_batches_tracked)

    partial = {k: v for k, v in state.items() if not k.startswith("gru")}
    partial["unused.weight"] = torch.zeros(1)
    missing = Net().load_state_dict(partial, strict=False)
    print("missing", missing.missing_keys)
    print("unexpected", missing.unexpected_keys)


if __name__ == "__main__":
    main()
