"""CLIP-style contrastive pretraining as the open_clip reference code writes it: an image tower (conv stem) and a
text tower (embedding + mean pool over a padding mask), both projected and L2-normalised with F.normalize, a
learnable temperature stored as log(1/0.07) whose exponent is clamped at 100 after each step, the symmetric
cross-entropy over the similarity matrix, and zero-shot retrieval metrics (recall@k through topk, mean rank
through argsort). NumPy data, float32.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class ImageTower(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.proj = nn.Linear(8, dim, bias=False)

    def forward(self, x):
        return self.proj(F.gelu(self.conv(x)).mean(dim=(2, 3)))


class TextTower(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.emb = nn.Embedding(vocab, 16, padding_idx=0)
        self.ln = nn.LayerNorm(16)
        self.proj = nn.Linear(16, dim, bias=False)

    def forward(self, ids):
        mask = (ids != 0).unsqueeze(-1).float()
        pooled = (self.emb(ids) * mask).sum(1) / mask.sum(1).clamp(min=1)
        return self.proj(self.ln(pooled))


class Clip(nn.Module):
    def __init__(self, vocab=30, dim=12):
        super().__init__()
        self.image = ImageTower(dim)
        self.text = TextTower(vocab, dim)
        self.logit_scale = nn.Parameter(torch.ones([]) * np.log(1 / 0.07))

    def forward(self, images, ids):
        img = F.normalize(self.image(images), dim=-1)
        txt = F.normalize(self.text(ids), dim=-1)
        return self.logit_scale.exp() * img @ txt.t()


def clip_loss(logits):
    labels = torch.arange(logits.shape[0])
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(5)
    model = Clip()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name != "logit_scale":
                p.copy_(torch.tensor(rng.normal(0, 0.3, tuple(p.shape)), dtype=torch.float32))
        model.text.emb.weight[0].zero_()
    concepts = rng.normal(0, 1, (10, 3, 1, 1))
    n = 10
    images = torch.tensor(concepts + rng.normal(0, 0.5, (n, 3, 8, 8)), dtype=torch.float32)
    lengths = rng.integers(2, 6, n)
    ids = np.zeros((n, 6), dtype=np.int64)
    for i in range(n):
        ids[i, :lengths[i]] = (np.arange(lengths[i]) * 3 + i * 2) % 29 + 1
    ids = torch.tensor(ids)
    print("logit scale start:", round(model.logit_scale.exp().item(), 4))
    opt = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.1)
    for step in range(10):
        logits = model(images, ids)
        loss = clip_loss(logits)
        opt.zero_grad()
        loss.backward()
        scale_grad = model.logit_scale.grad.item()
        opt.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, np.log(100))
        print(f"step {step}: loss {loss.item():.5f} scale {model.logit_scale.exp().item():.4f} dscale {scale_grad:.5f}")
    model.eval()
    with torch.no_grad():
        sims = model(images, ids)
        top = sims.topk(3, dim=1).indices
        target = torch.arange(n).unsqueeze(1)
        for k in (1, 3):
            print(f"image->text recall@{k}:", (top[:, :k] == target).any(1).float().mean().item())
        ranks = (sims.t().argsort(dim=1, descending=True) == target).nonzero()[:, 1]
        print("text->image ranks:", ranks)
        print("mean rank:", ranks.float().mean().item() + 1)
        print("diag sims:", sims.diagonal())
        probs = sims.softmax(dim=-1)
        print("row entropy:", -(probs * probs.clamp_min(1e-12).log()).sum(-1))
