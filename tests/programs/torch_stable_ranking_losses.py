"""Numerically careful losses as ranking and robust-regression papers write them: pinball (quantile) losses and
torch.quantile / nanquantile with each interpolation mode inside a differentiable objective, gradients through
sort and topk (a top-k hinge and a NeuralSort-style soft permutation), pairwise logistic RankNet and a ListNet
loss, masked softmax and masked max with -inf (fully masked rows made safe with torch.where), logsumexp over -inf,
log1p / expm1 / softplus with beta and threshold, logsigmoid and BCE-with-logits at extreme logits, and
logaddexp / xlogy. Float64 where the point is precision, float32 for the training loop.
"""
import numpy as np
import torch
import torch.nn.functional as F


def pinball(pred, target, quantiles):
    diff = target.unsqueeze(-1) - pred
    return torch.maximum(quantiles * diff, (quantiles - 1) * diff).mean()


def neural_sort(scores, tau):
    n = scores.shape[-1]
    s = scores.unsqueeze(-1)
    pair = (s - s.transpose(-1, -2)).abs()
    b = pair.sum(-1, keepdim=True)
    scaling = (n + 1 - 2 * (torch.arange(n, dtype=scores.dtype) + 1))
    c = s.transpose(-1, -2) * scaling.unsqueeze(-1) - b.transpose(-1, -2)
    return F.softmax(c / tau, dim=-1)


def masked_softmax(logits, mask):
    filled = logits.masked_fill(~mask, float("-inf"))
    probs = torch.softmax(filled, -1)
    return torch.where(mask.any(-1, keepdim=True), probs, torch.zeros_like(probs))


def main():
    rng = np.random.default_rng(52)
    q = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)
    pred = torch.tensor(rng.normal(0, 1, (6, 3)), requires_grad=True)
    y = torch.tensor(rng.normal(0, 1, 6))
    loss = pinball(pred, y, q)
    loss.backward()
    print("pinball:", loss.item(), "grad:", pred.grad[0])
    data = torch.tensor(rng.normal(0, 1, 11), requires_grad=True)
    for mode in ("linear", "lower", "higher", "midpoint", "nearest"):
        qs = torch.quantile(data, torch.tensor([0.05, 0.25, 0.5, 0.9], dtype=torch.float64), interpolation=mode)
        (g,) = torch.autograd.grad(qs.sum(), data)
        print(f"quantile {mode}: {qs.detach()} grad nonzero {g.nonzero().flatten().tolist()}")
    holes = data.detach().clone()
    holes[[2, 7]] = float("nan")
    print("quantile with nan:", torch.quantile(holes, 0.5).item(), "nanquantile:", torch.nanquantile(holes, 0.5).item())
    table = torch.tensor(rng.normal(0, 1, (3, 5)))
    table[1, 1] = float("nan")
    print("nanquantile dim:", torch.nanquantile(table, torch.tensor([0.25, 0.75], dtype=torch.float64), dim=1, keepdim=True).squeeze(-1))
    iqr = torch.quantile(data, 0.75) - torch.quantile(data, 0.25)
    robust = ((data - data.median()) / iqr).clamp(-2, 2)
    print("robust scaled:", robust.detach()[:5])

    scores = torch.tensor(rng.normal(0, 1, (2, 5)), requires_grad=True)
    relevance = torch.tensor(rng.integers(0, 3, (2, 5)), dtype=torch.float64)
    top, idx = scores.topk(2, dim=-1)
    hinge = F.relu(1 - top.unsqueeze(-1) + scores.unsqueeze(-2)).sum()
    sorted_scores, order = scores.sort(dim=-1, descending=True)
    dcg = (relevance.gather(1, order) / torch.log2(torch.arange(2, 7, dtype=torch.float64))).sum()
    (hinge + (sorted_scores * torch.tensor([5.0, 4, 3, 2, 1], dtype=torch.float64)).sum()).backward()
    print("topk idx:", idx, "dcg:", dcg.item())
    print("grad through topk+sort:", scores.grad)
    P = neural_sort(scores.detach(), tau=0.5)
    print("soft permutation rows sum:", P.sum(-1), "\nP[0]:", P[0])
    print("hard from soft:", P.argmax(-1), "vs sort:", scores.detach().argsort(-1, descending=True))
    s = scores.detach().requires_grad_()
    diff = s.unsqueeze(-1) - s.unsqueeze(-2)
    label = (relevance.unsqueeze(-1) > relevance.unsqueeze(-2)).double()
    valid = relevance.unsqueeze(-1) != relevance.unsqueeze(-2)
    ranknet = F.binary_cross_entropy_with_logits(diff[valid], label[valid])
    listnet = -(F.softmax(relevance, -1) * F.log_softmax(s, -1)).sum(-1).mean()
    (ranknet + listnet).backward()
    print("ranknet:", ranknet.item(), "listnet:", listnet.item(), "grad:", s.grad[1])

    logits = torch.tensor(rng.normal(0, 3, (3, 4)), requires_grad=True)
    mask = torch.tensor([[True, False, True, True], [False, False, False, False], [True, True, False, False]])
    probs = masked_softmax(logits, mask)
    print("masked softmax:", probs.detach())
    (probs * torch.arange(4.0, dtype=torch.float64)).sum().backward()
    print("finite grads:", bool(torch.isfinite(logits.grad).all()), logits.grad[2])
    mmax = logits.detach().masked_fill(~mask, float("-inf")).amax(-1)
    print("masked max:", mmax, "safe:", torch.where(torch.isinf(mmax), torch.zeros_like(mmax), mmax))
    print("logsumexp -inf rows:", torch.logsumexp(logits.detach().masked_fill(~mask, float("-inf")), -1))
    tiny = torch.tensor([1e-20, 1e-10, 1e-5, 1.0], dtype=torch.float64)
    print("log1p:", torch.log1p(tiny), "naive:", torch.log(1 + tiny))
    print("expm1:", torch.expm1(tiny))
    z = torch.tensor([-50.0, -5.0, 0.0, 5.0, 19.0, 21.0, 50.0], dtype=torch.float64, requires_grad=True)
    sp = F.softplus(z, beta=2.0, threshold=10.0)
    sp.sum().backward()
    print("softplus beta2:", sp.detach(), "grad:", z.grad)
    print("logsigmoid:", F.logsigmoid(z.detach()), "log(sigmoid):", torch.log(torch.sigmoid(z.detach())))
    print("bce logits extreme:", F.binary_cross_entropy_with_logits(z.detach(), torch.tensor([1.0, 0, 1, 0, 1, 0, 0], dtype=torch.float64), reduction="none"))
    print("logaddexp:", torch.logaddexp(z.detach(), torch.tensor(40.0, dtype=torch.float64)), "xlogy:",
          torch.xlogy(torch.tensor([0.0, 0.0, 2.0], dtype=torch.float64), torch.tensor([0.0, 3.0, 3.0], dtype=torch.float64)))

    torch.manual_seed(0)
    x = torch.tensor(rng.normal(0, 1, (64, 2)), dtype=torch.float32)
    target = x[:, :1] * 2 + torch.tensor(rng.standard_t(2, (64, 1)), dtype=torch.float32)
    w = torch.zeros(2, 3, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=0.1)
    qs32 = torch.tensor([0.1, 0.5, 0.9])
    for step in range(30):
        loss = pinball(x @ w + b, target.squeeze(1), qs32)
        opt.zero_grad()
        loss.backward()
        opt.step()
    cover = ((target < x @ w + b).float().mean(0))
    print("quantile regression loss:", round(loss.item(), 5), "coverage:", cover)
    print("bias per quantile:", b.detach())
