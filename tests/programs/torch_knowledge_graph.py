"""Knowledge-graph embeddings and learning to rank, written for PyTorch the way link-prediction code does it; tests run
it as is and with only its imports changed, and compare what both print. TransE with entity embeddings kept inside
the unit ball by nn.Embedding(max_norm=1) and relations as translations, scored by nn.PairwiseDistance (p=1 and 2)
and trained with MarginRankingLoss against corrupted triples; DistMult and a bilinear scorer (nn.Bilinear) trained
with SoftMarginLoss; filtered ranking metrics (MRR, hits@k) from argsort; then pairwise and listwise ranking losses
on query-document scores: MultiMarginLoss (p=1/2, class weights), MultiLabelMarginLoss, HingeEmbeddingLoss and
a ListNet softmax cross entropy; and Tensor.renorm. Float64, triples and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

N_ENT, N_REL, DIM = 12, 3, 6


class TransE(nn.Module):
    def __init__(self, p=1):
        super().__init__()
        self.ent = nn.Embedding(N_ENT, DIM, max_norm=1.0)
        self.rel = nn.Embedding(N_REL, DIM)
        self.dist = nn.PairwiseDistance(p=p)

    def forward(self, h, r, t):
        return -self.dist(self.ent(h) + self.rel(r), self.ent(t))


class DistMult(nn.Module):
    def __init__(self):
        super().__init__()
        self.ent = nn.Embedding(N_ENT, DIM)
        self.rel = nn.Embedding(N_REL, DIM)
        self.bilinear = nn.Bilinear(DIM, DIM, 1)

    def forward(self, h, r, t):
        eh, et = self.ent(h), self.ent(t)
        return (eh * self.rel(r) * et).sum(-1) + self.bilinear(eh, et).squeeze(-1)


def corrupt(rng, triples):
    bad = triples.clone()
    replace_head = torch.from_numpy(rng.random(len(triples)) < 0.5)
    random_ent = torch.from_numpy(rng.integers(0, N_ENT, len(triples)))
    bad[:, 0] = torch.where(replace_head, random_ent, bad[:, 0])
    bad[:, 2] = torch.where(replace_head, bad[:, 2], random_ent)
    return bad


def rank_tails(model, triples, known):
    h, r, t = triples.T
    scores = model(h.repeat_interleave(N_ENT), r.repeat_interleave(N_ENT), torch.arange(N_ENT).repeat(len(h)))
    scores = scores.view(len(h), N_ENT).detach().clone()
    for i, (hi, ri, ti) in enumerate(triples.tolist()):
        for other in known.get((hi, ri), ()):
            if other != ti:
                scores[i, other] = float("-inf")
    order = scores.argsort(dim=1, descending=True)
    ranks = (order == t.unsqueeze(1)).nonzero()[:, 1] + 1
    return ranks.double()


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(13)
    triples = torch.from_numpy(np.stack([rng.integers(0, N_ENT, 30), rng.integers(0, N_REL, 30),
                                         rng.integers(0, N_ENT, 30)], axis=1))
    known = {}
    for h, r, t in triples.tolist():
        known.setdefault((h, r), set()).add(t)

    for p in (1, 2):
        model = TransE(p)
        model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.8, tuple(v.shape)))
                               for k, v in model.state_dict().items()})
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
        loss_fn = nn.MarginRankingLoss(margin=1.0)
        for epoch in range(5):
            neg = corrupt(rng, triples)
            pos_score, neg_score = model(*triples.T), model(*neg.T)
            loss = loss_fn(pos_score, neg_score, torch.ones(len(triples)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            print(f"transE p={p} epoch {epoch}: loss {loss.item():.6f} "
                  f"max entity norm {model.ent.weight.norm(dim=1).max().item():.6f}")
        ranks = rank_tails(model, triples[:10], known)
        print(f"transE p={p}: MRR {(1 / ranks).mean().item():.6f} hits@3 {(ranks <= 3).double().mean().item():.3f}")

    model = DistMult()
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.3, tuple(v.shape)))
                           for k, v in model.state_dict().items()})
    opt = torch.optim.Adagrad(model.parameters(), lr=0.1)
    for epoch in range(4):
        neg = corrupt(rng, triples)
        scores = torch.cat([model(*triples.T), model(*neg.T)])
        labels = torch.cat([torch.ones(len(triples)), -torch.ones(len(neg))])
        loss = nn.SoftMarginLoss()(scores, labels) + 1e-3 * model.ent.weight.pow(2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"distmult epoch {epoch}: loss {loss.item():.6f}")
    print("distmult ranks:", rank_tails(model, triples[:8], known).tolist())

    scores = torch.from_numpy(rng.normal(0, 1, (4, 5))).requires_grad_()
    target = torch.tensor([0, 3, 1, 4])
    for p, margin in ((1, 1.0), (2, 0.5)):
        loss = F.multi_margin_loss(scores, target, p=p, margin=margin, weight=torch.tensor([1.0, 2.0, 1.0, 0.5, 1.0]))
        g, = torch.autograd.grad(loss, scores)
        print(f"multi margin p={p}: {loss.item():.6f} grad row0 {[round(v, 6) for v in g[0].tolist()]}")
    multilabel = torch.tensor([[0, 2, -1, 0, 0], [3, -1, 0, 0, 0], [1, 4, 2, -1, 0], [4, -1, 1, 1, 1]])
    print("multilabel margin:", [round(v, 6) for v in
                                 F.multilabel_margin_loss(scores, multilabel, reduction="none").tolist()])
    pair_dist = F.pairwise_distance(scores[:2], scores[2:], p=2, eps=1e-6, keepdim=True)
    hinge = nn.HingeEmbeddingLoss(margin=2.0)(pair_dist, torch.tensor([[1.0], [-1.0]]))
    print("hinge embedding:", round(hinge.item(), 6))
    relevance = torch.from_numpy(rng.integers(0, 4, (4, 5)).astype(np.float64))
    listnet = -(F.softmax(relevance, dim=1) * F.log_softmax(scores, dim=1)).sum(1).mean()
    listnet.backward()
    print("listnet:", round(listnet.item(), 6), "grad sum", round(scores.grad.sum().item(), 10))
    print(f"listnet as an f-string: {listnet}, first score {scores[0, 0]}")
    w = torch.from_numpy(rng.normal(0, 2, (3, 4)))
    print("renorm:", [round(v, 6) for v in w.renorm(p=2, dim=0, maxnorm=1.5).norm(dim=1).tolist()],
          [round(v, 6) for v in w.renorm(1, 1, 2.0).abs().sum(0).tolist()])
