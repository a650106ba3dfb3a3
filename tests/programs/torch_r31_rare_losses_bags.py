"""Rarely printed losses and bags in float64, each with its gradient: multilabel_margin_loss (targets padded with
-1) and multilabel_soft_margin_loss with class weights, poisson_nll_loss(full=True) on rates and on log-rates,
gaussian_nll_loss with a scalar and a per-feature variance (full=True, eps), triplet_margin_with_distance_loss
with a custom distance and swap=True, soft_margin_loss, hinge_embedding_loss, margin_ranking_loss, and
embedding_bag in mode='max' / 'mean' with offsets, include_last_offset and per_sample_weights (mode='sum'),
trained a few SGD steps as a multi-label tagger."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class BagTagger(nn.Module):
    def __init__(self, vocab=12, dim=5, labels=4):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab, dim, mode="max")
        self.head = nn.Linear(dim, labels)

    def forward(self, tokens, offsets):
        return self.head(self.bag(tokens, offsets))


def main():
    torch.manual_seed(3)
    dt = torch.float64
    x = torch.randn(3, 4, dtype=dt, requires_grad=True)
    y = torch.tensor([[3, 0, -1, 1], [0, 1, 2, 3], [1, -1, 0, 0]])
    for red in ["none", "mean", "sum"]:
        loss = F.multilabel_margin_loss(x, y, reduction=red)
        print("multilabel_margin", red, loss.detach().numpy().round(10), loss.grad_fn.name())
    loss = F.multilabel_margin_loss(x, y)
    loss.backward()
    print("mlm grad", x.grad.numpy().round(10))

    x.grad = None
    t = torch.tensor([[1., 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]], dtype=dt)
    w = torch.tensor([1.0, 2.0, 0.5, 1.5], dtype=dt)
    loss = F.multilabel_soft_margin_loss(x, t, weight=w)
    loss.backward()
    print("mlsm", loss.item(), loss.grad_fn.name(), x.grad.numpy().round(10))

    rate = torch.rand(2, 3, dtype=dt, requires_grad=True)
    counts = torch.tensor([[0., 1, 4], [2, 0, 7]], dtype=dt)
    for log_input in [True, False]:
        for full in [False, True]:
            rate.grad = None
            loss = F.poisson_nll_loss(rate, counts, log_input=log_input, full=full, eps=1e-6)
            loss.backward()
            print("poisson", log_input, full, round(loss.item(), 10), rate.grad.numpy().round(10))

    mu = torch.randn(4, 3, dtype=dt, requires_grad=True)
    target = torch.randn(4, 3, dtype=dt)
    var = torch.rand(4, 1, dtype=dt, requires_grad=True)
    loss = F.gaussian_nll_loss(mu, target, var, full=True, eps=1e-3)
    loss.backward()
    print("gnll", round(loss.item(), 10), loss.grad_fn.name(), var.grad.numpy().ravel().round(10))
    var2 = (torch.rand(4, 3, dtype=dt) * 1e-4).requires_grad_()
    loss = F.gaussian_nll_loss(mu, target, var2, reduction="sum", eps=1e-3)
    loss.backward()
    print("gnll clamped", round(loss.item(), 8), var2.grad.numpy().round(8))
    print("gnll none", F.gaussian_nll_loss(mu, target, torch.ones(4, dtype=dt), reduction="none").detach().numpy().round(10))

    a, p, n = (torch.randn(5, 3, dtype=dt, requires_grad=True) for _ in range(3))
    cosd = lambda u, v: 1.0 - F.cosine_similarity(u, v)
    for swap in [False, True]:
        for fn in [None, cosd]:
            for t_ in (a, p, n):
                t_.grad = None
            loss = F.triplet_margin_with_distance_loss(a, p, n, distance_function=fn, margin=0.7, swap=swap)
            loss.backward()
            print("triplet", swap, fn is None, round(loss.item(), 10), n.grad.numpy()[0].round(10))
    crit = nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=1.0), reduction="sum")
    print(crit, round(crit(a, p, n).item(), 10))

    s = torch.randn(6, dtype=dt, requires_grad=True)
    lab = torch.tensor([1., -1, 1, 1, -1, -1], dtype=dt)
    for name, fn in [("soft_margin", lambda: F.soft_margin_loss(s, lab)),
                     ("hinge_embedding", lambda: F.hinge_embedding_loss(s, lab, margin=0.5)),
                     ("margin_ranking", lambda: F.margin_ranking_loss(s, s.flip(0), lab, margin=0.2))]:
        s.grad = None
        loss = fn()
        loss.backward()
        print(name, round(loss.item(), 10), loss.grad_fn.name(), s.grad.numpy().round(10))

    weight = torch.randn(10, 4, dtype=dt, requires_grad=True)
    tokens = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9])
    offsets = torch.tensor([0, 2, 5, 8])
    out = F.embedding_bag(tokens, weight, offsets, mode="max", include_last_offset=True)
    out.sum().backward()
    print("bag max", out.detach().numpy().round(10), out.grad_fn.name())
    print("bag max grad", weight.grad.numpy().round(10))
    weight.grad = None
    psw = torch.rand(8, dtype=dt, requires_grad=True)
    out = F.embedding_bag(tokens, weight, offsets[:3], mode="sum", per_sample_weights=psw)
    (out ** 2).sum().backward()
    print("bag sum psw", out.detach().numpy().round(10), psw.grad.numpy().round(10))
    out = F.embedding_bag(tokens.view(2, 4), weight, mode="mean")
    print("bag 2d mean", out.detach().numpy().round(10))

    model = BagTagger().double()
    opt = torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.5)
    toks = torch.randint(0, 12, (14,))
    offs = torch.tensor([0, 3, 7, 9, 12])
    multi = torch.tensor([[0, 2, -1, -1], [1, -1, 0, 0], [3, 2, 1, -1], [0, -1, 2, 2], [2, -1, 0, 0]])
    for step in range(4):
        opt.zero_grad()
        logits = model(toks, offs)
        loss = F.multilabel_margin_loss(logits, multi) + 0.1 * F.multilabel_soft_margin_loss(
            logits, (multi >= 0).to(dt))
        loss.backward()
        opt.step()
        print("step", step, round(loss.item(), 10), model.bag.weight.grad.abs().sum().item().__round__(10))
