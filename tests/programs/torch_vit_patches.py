"""A tiny Vision Transformer and an MLP-Mixer on 8x8 toy images, written for PyTorch; tests run them as is and
with only their imports changed, and compare what both print. Patches via unfold/reshape/permute (and checked
against an einsum-free F.unfold), a learned class token and positional embedding, pre-norm blocks with
nn.MultiheadAttention(batch_first=True) fed a key_padding_mask that hides dropped patches, GELU MLPs, AdamW with
decoupled weight decay on only the weight matrices (two param groups), CrossEntropyLoss(label_smoothing), and
averaged attention weights read back. Float64 and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


def patchify(images, p):
    b, c, h, w = images.shape
    x = images.unfold(2, p, p).unfold(3, p, p)             # b, c, h/p, w/p, p, p
    x = x.permute(0, 2, 3, 1, 4, 5).reshape(b, (h // p) * (w // p), c * p * p)
    return x


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, x, pad_mask):
        h = self.norm1(x)
        a, weights = self.attn(h, h, h, key_padding_mask=pad_mask, need_weights=True)
        x = x + a
        return x + self.mlp(self.norm2(x)), weights


class TinyViT(nn.Module):
    def __init__(self, patch=2, dim=12, heads=3, depth=2, n_classes=3):
        super().__init__()
        self.patch = patch
        self.embed = nn.Linear(patch * patch, dim)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.zeros(1, 1 + 16, dim))
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, images, drop):
        x = self.embed(patchify(images, self.patch))
        x = torch.cat([self.cls.expand(x.size(0), -1, -1), x], dim=1) + self.pos
        pad_mask = torch.cat([torch.zeros(x.size(0), 1, dtype=torch.bool), drop], dim=1)
        for block in self.blocks:
            x, weights = block(x, pad_mask)
        return self.head(self.norm(x[:, 0])), weights


class MixerLayer(nn.Module):
    def __init__(self, tokens, dim):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.token_mlp = nn.Sequential(nn.Linear(tokens, 8), nn.GELU(approximate="tanh"), nn.Linear(8, tokens))
        self.channel_mlp = nn.Sequential(nn.Linear(dim, 16), nn.GELU(), nn.Linear(16, dim))

    def forward(self, x):
        x = x + self.token_mlp(self.norm1(x).transpose(1, 2)).transpose(1, 2)
        return x + self.channel_mlp(self.norm2(x))


def load_weights(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name and name.endswith("weight"):
                p.fill_(1.0)
            else:
                p.copy_(torch.from_numpy(0.3 * rng.standard_normal(tuple(p.shape))))


def make_images(rng, n):
    labels = rng.integers(0, 3, n)
    images = 0.2 * rng.standard_normal((n, 1, 8, 8))
    for i, c in enumerate(labels):
        if c == 0:
            images[i, 0, :, 2:4] += 1.0
        elif c == 1:
            images[i, 0, 5:7, :] += 1.0
        else:
            images[i, 0, np.arange(8), np.arange(8)] += 1.0
    return torch.from_numpy(images), torch.from_numpy(labels)


def main():
    rng = np.random.default_rng(17)
    images, labels = make_images(rng, 36)
    p = patchify(images, 2)
    ref = F.unfold(images, kernel_size=2, stride=2).transpose(1, 2)
    print("patches", p.shape, torch.allclose(p, ref), p.is_contiguous())
    model = TinyViT().double()
    load_weights(model, rng)
    print(model)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "pos" not in n and "cls" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "pos" not in n and "cls" not in n)]
    print("groups", len(decay), len(no_decay), sum(p.numel() for p in decay))
    opt = optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                      lr=3e-3, betas=(0.9, 0.98), eps=1e-9)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    for epoch in range(5):
        total = 0.0
        for b in range(0, 36, 12):
            drop = torch.from_numpy(rng.random((12, 16)) < 0.2)
            logits, weights = model(images[b:b + 12], drop)
            loss = loss_fn(logits, labels[b:b + 12])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"vit epoch {epoch} loss {total / 3:.6f} pos grad {model.pos.grad.norm().item():.6f} "
              f"cls grad {model.cls.grad.abs().sum().item():.6f}")
    print("attn weights", weights.shape, weights.sum(-1)[0, :3], weights[0, 0, 1:][drop[0]].abs().max().item())
    model.eval()
    with torch.no_grad():
        logits, _ = model(images, torch.zeros(36, 16, dtype=torch.bool))
        print("vit acc", (logits.argmax(1) == labels).double().mean().item(), F.softmax(logits[:2], -1))

    mixer = nn.Sequential(nn.Linear(4, 6), MixerLayer(16, 6), MixerLayer(16, 6), nn.LayerNorm(6)).double()
    head = nn.Linear(6, 3).double()
    load_weights(mixer, rng)
    load_weights(head, rng)
    opt = optim.AdamW(list(mixer.parameters()) + list(head.parameters()), lr=5e-3, weight_decay=0.01)
    for epoch in range(4):
        for b in range(0, 36, 12):
            feats = mixer(patchify(images[b:b + 12], 2))
            logits = head(torch.einsum("btd->bd", feats) / feats.size(1))
            loss = F.cross_entropy(logits, labels[b:b + 12], label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"mixer epoch {epoch} loss {loss.item():.6f} token grad "
              f"{mixer[1].token_mlp[0].weight.grad.norm().item():.6f}")


if __name__ == "__main__":
    main()
