"""Margin and embedding losses in float64, written for PyTorch; tests run it as is and with only its imports
changed, and compare what both print. A multi-label tagger is trained with MultiLabelSoftMarginLoss (class
weights) and scored with MultiLabelMarginLoss (targets padded with -1); a multi-class head with MultiMarginLoss
(p=1 and p=2, margin, class weights); a siamese encoder with CosineEmbeddingLoss, HingeEmbeddingLoss on distances,
MarginRankingLoss on score pairs, SoftMarginLoss, TripletMarginLoss(p=1, swap=True) and
TripletMarginWithDistanceLoss with a custom cosine distance and with nn.PairwiseDistance; every loss is printed
with reduction 'none', 'sum' and 'mean', checked against its formula, and the functional forms are compared with the
modules. Data and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


def cosine_distance(a, b):
    return 1.0 - F.cosine_similarity(a, b, dim=-1)


def main():
    rng = np.random.default_rng(606)
    n, d, c = 24, 6, 4
    x = torch.from_numpy(rng.standard_normal((n, d)))
    labels = torch.from_numpy((rng.standard_normal((n, c)) + x[:, :c].numpy() > 0.3).astype(np.float64))
    print("label counts", labels.sum(0).tolist())
    tagger = nn.Linear(d, c).double()
    with torch.no_grad():
        tagger.weight.copy_(torch.from_numpy(0.3 * rng.standard_normal((c, d))))
        tagger.bias.zero_()
    weight = torch.tensor([1.0, 2.0, 0.5, 1.0], dtype=torch.float64)
    soft = nn.MultiLabelSoftMarginLoss(weight=weight)
    opt = optim.Adam(tagger.parameters(), lr=0.05)
    for step in range(6):
        loss = soft(tagger(x), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"multilabel step {step} loss {loss.item():.10f}")
    with torch.no_grad():
        scores = tagger(x)
        manual = -(weight * (labels * F.logsigmoid(scores) + (1 - labels) * F.logsigmoid(-scores))).mean(1)
        functional = F.multilabel_soft_margin_loss(scores, labels, weight=weight, reduction="none")
        print("soft margin none", soft.__class__(weight=weight, reduction="none")(scores, labels)[:4],
              (manual - functional).abs().max().item())
        idx = torch.full((n, c), -1, dtype=torch.long)
        for i in range(n):
            on = labels[i].nonzero().flatten()
            idx[i, :len(on)] = on
        for reduction in ("none", "sum", "mean"):
            out = nn.MultiLabelMarginLoss(reduction=reduction)(scores, idx)
            print("multilabel margin", reduction, out[:5] if reduction == "none" else out.item())

    classes = torch.from_numpy(rng.integers(0, c, n))
    logits = torch.from_numpy(rng.standard_normal((n, c))).requires_grad_(True)
    for p, margin in ((1, 1.0), (2, 0.5)):
        crit = nn.MultiMarginLoss(p=p, margin=margin, weight=torch.tensor([1.0, 0.5, 2.0, 1.0], dtype=torch.float64))
        loss = crit(logits, classes)
        (grad,) = torch.autograd.grad(loss, logits)
        print(f"multi margin p={p}", loss.item(), grad[0],
              F.multi_margin_loss(logits, classes, p=p, margin=margin, reduction="sum").item())

    encoder = nn.Sequential(nn.Linear(d, 8), nn.Tanh(), nn.Linear(8, 3)).double()
    with torch.no_grad():
        for prm in encoder.parameters():
            prm.copy_(torch.from_numpy(0.5 * rng.standard_normal(tuple(prm.shape))))
    a, b = x[:12], x[12:]
    same = torch.from_numpy(np.where(rng.random(12) < 0.5, 1.0, -1.0))
    anchor, positive, negative = x[:8], x[:8] + 0.3 * torch.from_numpy(rng.standard_normal((8, d))), x[8:16]
    opt = optim.SGD(encoder.parameters(), lr=0.1)
    losses = {
        "cosine_embedding": lambda: nn.CosineEmbeddingLoss(margin=0.2)(encoder(a), encoder(b), same),
        "hinge_embedding": lambda: nn.HingeEmbeddingLoss(margin=1.5)(F.pairwise_distance(encoder(a), encoder(b)), same),
        "margin_ranking": lambda: nn.MarginRankingLoss(margin=0.3)(encoder(a)[:, 0], encoder(b)[:, 0], same),
        "soft_margin": lambda: nn.SoftMarginLoss()(encoder(a)[:, 1], same),
        "triplet_p1_swap": lambda: nn.TripletMarginLoss(margin=0.5, p=1, swap=True)(
            encoder(anchor), encoder(positive), encoder(negative)),
        "triplet_cosine": lambda: nn.TripletMarginWithDistanceLoss(distance_function=cosine_distance, margin=0.4)(
            encoder(anchor), encoder(positive), encoder(negative)),
        "triplet_pairwise": lambda: nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=3),
                                                                     swap=True)(
            encoder(anchor), encoder(positive), encoder(negative)),
    }
    for name, fn in losses.items():
        loss = fn()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"{name:17s} {loss.item():.12f} grad {encoder[0].weight.grad.norm().item():.10f}")
    with torch.no_grad():
        ea, eb = encoder(a), encoder(b)
        cos = F.cosine_similarity(ea, eb)
        manual = torch.where(same > 0, 1 - cos, (cos - 0.2).clamp(min=0))
        per_pair = F.cosine_embedding_loss(ea, eb, same, margin=0.2, reduction="none")
        print("cosine none", per_pair[:4], (manual - per_pair).abs().max().item())
        dist = F.pairwise_distance(ea, eb)
        print("hinge sum", F.hinge_embedding_loss(dist, same, margin=1.5, reduction="sum").item(),
              "ranking none", F.margin_ranking_loss(ea[:, 0], eb[:, 0], same, margin=0.3, reduction="none")[:4])
        triple = encoder(anchor), encoder(positive), encoder(negative)
        print("triplet fn", F.triplet_margin_with_distance_loss(*triple, distance_function=cosine_distance,
                                                                margin=0.4, reduction="none"))
        print("soft margin sum", F.soft_margin_loss(ea[:, 1], same, reduction="sum").item(),
              "triplet none", F.triplet_margin_loss(*triple, p=1, swap=True, reduction="none")[:3])


if __name__ == "__main__":
    main()
