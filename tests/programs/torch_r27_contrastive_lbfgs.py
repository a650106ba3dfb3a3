"""Contrastive representation learning and a second-order fine-tune, as SimCLR/CLIP-style PyTorch code writes
them: two augmented views through an encoder and projection head, F.normalize, a symmetric InfoNCE loss with the
temperature a learnable log-scale parameter clamped as CLIP clamps it, the same loss through logsumexp by hand
and through F.cross_entropy, alignment/uniformity metrics (torch.pdist), gradient clipping with
clip_grad_norm_(foreach=True) and error_if_nonfinite catching an inf gradient, and then a linear probe on the
frozen features fitted by torch.optim.LBFGS(line_search_fn='strong_wolfe') with a closure, its loss and state
printed after each step. Float32; every random number comes from torch.manual_seed.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(6, 16), nn.GELU(), nn.Linear(16, 8))
        self.head = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 4))
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def forward(self, x):
        feats = self.backbone(x)
        return feats, F.normalize(self.head(feats), dim=-1)


def info_nce(z1, z2, logit_scale):
    logits = logit_scale.clamp(max=math.log(100)).exp() * z1 @ z2.t()
    targets = torch.arange(z1.shape[0])
    return 0.5 * (F.cross_entropy(logits, targets) + F.cross_entropy(logits.t(), targets)), logits


def augment(x):
    return x * (1 + 0.1 * torch.randn_like(x)) + 0.05 * torch.randn_like(x)


def main():
    torch.manual_seed(2710)
    x = torch.randn(10, 6)
    model = Encoder()
    _, z1 = model(augment(x))
    _, z2 = model(augment(x))
    loss, logits = info_nce(z1, z2, model.logit_scale)
    manual = 0.5 * ((torch.logsumexp(logits, 1) - logits.diag()).mean()
                    + (torch.logsumexp(logits, 0) - logits.diag()).mean())
    print(f"{loss.item():.6f}", torch.allclose(loss, manual), z1.norm(dim=-1)[:3], z1.grad_fn.name())
    align = (z1 - z2).norm(dim=1).pow(2).mean()
    uniform = torch.pdist(z1, p=2).pow(2).mul(-2).exp().mean().log()
    print(f"{align.item():.6f}", f"{uniform.item():.6f}", torch.pdist(z1).shape)

    opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.05)
    for step in range(5):
        opt.zero_grad()
        _, z1 = model(augment(x))
        _, z2 = model(augment(x))
        loss, _ = info_nce(z1, z2, model.logit_scale)
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0, foreach=True)
        opt.step()
        print(step, f"{loss.item():.6f}", f"{norm.item():.6f}", f"{model.logit_scale.item():.6f}")
    model.head[0].weight.grad[0, 0] = float("inf")
    try:
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0, error_if_nonfinite=True)
    except RuntimeError as err:
        print(type(err).__name__, "non-finite" in str(err))
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0, norm_type="inf")
    print(total, model.head[0].weight.grad[0, :3])

    with torch.no_grad():
        feats, _ = model(x)
    labels = (x[:, 0] + x[:, 1] > 0).long()
    probe = nn.Linear(8, 2)
    lbfgs = torch.optim.LBFGS(probe.parameters(), lr=1, max_iter=10, history_size=5, line_search_fn="strong_wolfe")

    def closure():
        lbfgs.zero_grad()
        loss = F.cross_entropy(probe(feats), labels) + 1e-3 * probe.weight.pow(2).sum()
        loss.backward()
        return loss

    for step in range(3):
        loss = lbfgs.step(closure)
        state = lbfgs.state[lbfgs._params[0]]
        print(step, f"{loss.item():.6f}", state["func_evals"], state["n_iter"], f"{state['t']:.4f}")
    acc = (probe(feats).argmax(-1) == labels).float().mean()
    print(acc, probe.bias)
