"""Online hard-example mining and per-sample loss bookkeeping as detection and metric-learning code does it:
per-sample losses from F.cross_entropy(reduction="none") and the deprecated reduce=False spelling, keeping the
top-k hardest with topk, focal-style reweighting, per-sample BCE with logits and pos_weight, a margin ranking
loss over mined pairs, triplet and cosine-embedding losses with size_average=False, sample weights applied by
hand, and an SGD loop whose batches keep only the hard examples. Keyword-style calls throughout
(torch.arange(end=), x.split(split_size=), torch.maximum(x, other=), torch.mul(x, other=)). Float64; data and
weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, rng):
        super().__init__()
        self.body = nn.Linear(6, 10)
        self.cls = nn.Linear(10, 3)
        self.emb = nn.Linear(10, 4)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.tensor(rng.standard_normal(tuple(p.shape)) * 0.4))

    def forward(self, x):
        h = torch.tanh(self.body(x))
        return self.cls(h), F.normalize(self.emb(h), dim=1)


def r(t, k=8):
    return [round(v, k) for v in t.flatten().tolist()]


def main():
    rng = np.random.default_rng(1818)
    X = torch.tensor(rng.standard_normal((60, 6)))
    y = torch.tensor((X[:, 0] > 0.3).long().numpy() + (X[:, 1] > 0.5).long().numpy())
    print("labels:", torch.bincount(y).tolist(), "index range:", torch.arange(end=5).tolist())
    net = Net(rng).double()
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.5)
    logits, emb = net(X)
    per = F.cross_entropy(logits, y, reduction="none")
    legacy = F.cross_entropy(logits, y, reduce=False)
    print("per-sample:", r(per[:4]), "legacy equal:", bool(torch.equal(per, legacy)))
    hard_vals, hard_idx = per.topk(10)
    print("hardest:", hard_idx.tolist(), "losses:", r(hard_vals[:3]))
    pt = torch.exp(-per)
    focal = torch.mul((1 - pt) ** 2, other=per)
    print("focal mean:", round(focal.mean().item(), 10), "ce mean:", round(per.mean().item(), 10))
    for epoch in range(5):
        total = 0.0
        for xb, yb in zip(X.split(split_size=20), y.split(20)):
            logits, emb = net(xb)
            per = F.cross_entropy(logits, yb, reduce=False)
            keep = per.topk(8).indices
            weights = torch.linspace(1.0, 0.5, 8, dtype=torch.float64)
            loss = (per[keep].sort(descending=True).values * weights).sum() / weights.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: mined loss {total / 3:.10f}")
    logits, emb = net(X)
    target = F.one_hot(y, 3).double()
    bce = F.binary_cross_entropy_with_logits(logits, target, None, True, False, pos_weight=torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64))
    print("bce per-element:", tuple(bce.shape), "row0:", r(bce[0]))
    anchor, pos, neg = emb[y == 0][:5], emb[y == 0][5:10], emb[y != 0][:5]
    trip = F.triplet_margin_loss(anchor, pos, neg, margin=0.5, size_average=False)
    trip_none = F.triplet_margin_loss(anchor, pos, neg, 0.5, 2, 1e-6, False, None, False)
    print("triplet sum:", round(trip.item(), 10), "per triplet:", r(trip_none))
    cos_t = torch.tensor([1.0, 1.0, -1.0, -1.0, 1.0], dtype=torch.float64)
    cos = F.cosine_embedding_loss(anchor, torch.cat([pos[:2], neg[:2], pos[2:3]]), cos_t, 0.1, False)
    print("cosine embedding sum:", round(cos.item(), 10))
    s_pos = (anchor * pos).sum(1)
    s_neg = (anchor * neg).sum(1)
    rank = F.margin_ranking_loss(s_pos, s_neg, torch.ones(5, dtype=torch.float64), 0.2, reduce=False)
    print("ranking per pair:", r(rank), "violations:", int((rank > 0).sum()))
    print("hinge with maximum:", r(torch.maximum(0.2 - (s_pos - s_neg), other=torch.zeros(5, dtype=torch.float64))))
    kl = F.kl_div(F.log_softmax(logits, 1), F.softmax(logits.flip(0), 1), None, False)
    print("kl per element:", tuple(kl.shape), "sum:", round(kl.sum().item(), 10))
    nll = F.nll_loss(F.log_softmax(logits, 1), y, torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64), None, 1, None, "sum")
    print("weighted nll ignoring class 1:", round(nll.item(), 10))
    acc = (logits.argmax(1) == y).double().mean().item()
    print("accuracy:", round(acc, 6), "hardest now:", F.cross_entropy(logits, y, reduce=False).topk(5).indices.tolist())
