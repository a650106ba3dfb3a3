"""Metric learning written for PyTorch; tests run it as is and with only its imports changed, and compare what
both print. An embedding net (Linear, BatchNorm1d, LeakyReLU, F.normalize) trained with TripletMarginLoss on
batch-hard triplets mined with cdist and masked_fill, plus CosineEmbeddingLoss; recall@1 from an einsum
similarity with fill_diagonal_, prototypes, einsum traces and bilinear forms, and the functional losses.
Deterministic: weights and data from seeded NumPy generators.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Embed(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(10, 24), nn.BatchNorm1d(24), nn.LeakyReLU(0.1), nn.Linear(24, 8))

    def forward(self, x):
        return F.normalize(self.net(x), p=2, dim=1)


def cosine_distance(u, v):
    return 1 - F.cosine_similarity(u, v)


def main():
    rng = np.random.default_rng(8)
    centers = rng.standard_normal((4, 10)) * 2
    labels = np.repeat(np.arange(4), 12)
    X = torch.from_numpy((centers[labels] + rng.standard_normal((48, 10))).astype(np.float32))
    Y = torch.from_numpy(labels)

    model = Embed()
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            p.copy_(torch.from_numpy(rng.uniform(-0.3, 0.3, tuple(p.shape)).astype(np.float32)))
    triplet = nn.TripletMarginLoss(margin=0.3, p=2)
    cosine = nn.CosineEmbeddingLoss(margin=0.2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.8, weight_decay=1e-4)
    for step in range(8):
        emb = model(X)
        dist = torch.cdist(emb, emb)
        same = Y.unsqueeze(0) == Y.unsqueeze(1)
        hardest_pos = dist.masked_fill(~same, -1.0).argmax(dim=1)
        hardest_neg = dist.masked_fill(same, float("inf")).argmin(dim=1)
        l_tri = triplet(emb, emb[hardest_pos], emb[hardest_neg])
        pair_target = torch.where(Y == Y.roll(1), 1.0, -1.0)
        l_cos = cosine(emb, emb.roll(1, dims=0), pair_target)
        loss = l_tri + 0.5 * l_cos
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} triplet {l_tri.item():.6f} cosine {l_cos.item():.6f}")
    model.eval()
    with torch.no_grad():
        emb = model(X)
        sim = torch.einsum("id,jd->ij", emb, emb)
        sim.fill_diagonal_(-2.0)
        recall = (Y[sim.argmax(1)] == Y).float().mean().item()
        print("recall@1", round(recall, 5), sim.shape, model.net[1].running_mean[:3])
        proto = torch.stack([emb[Y == c].mean(0) for c in range(4)])
        logits = torch.einsum("nd,cd->nc", emb, F.normalize(proto, dim=-1)) / 0.1
        accuracy = (logits.argmax(-1) == Y).float().mean().item()
        print("proto acc", accuracy, f"{F.cross_entropy(logits, Y).item():.5f}")
        bil = torch.einsum("bi,ij,bj->b", emb[:4], torch.eye(8) * 2, emb[:4])
        trace = torch.einsum("ii", sim[:3, :3])
        print("bilinear", bil, trace.item(), torch.einsum("bij->bji", emb.view(6, 8, 8)).shape)
    a, p_, n_ = X[:6, :4], X[6:12, :4], X[12:18, :4]
    print(f"{F.triplet_margin_loss(a, p_, n_, margin=1.0, p=1, swap=True):.5f}",
          f"{F.triplet_margin_with_distance_loss(a, p_, n_, distance_function=cosine_distance):.5f}",
          f"{F.cosine_embedding_loss(a, p_, torch.tensor([1, -1, 1, -1, 1, -1]), reduction='sum'):.5f}")
    print(f"{F.margin_ranking_loss(a[:, 0], p_[:, 0], torch.ones(6)):.5f}", F.pairwise_distance(a, p_).shape,
          f"{nn.TripletMarginLoss(reduction='none')(a, p_, n_).sum():.5f}")


if __name__ == "__main__":
    main()
