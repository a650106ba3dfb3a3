"""Tensor manipulation recipes from data and evaluation code, written for PyTorch; tests run them as is and with
only their imports changed, and compare what both print (values, shapes, dtypes). Beam-search style top-k over
flattened scores with index arithmetic, gather/scatter of per-row choices, in-place updates through views
(slices, transpose, diagonal, select, unsqueeze), advanced indexing with index tensors and boolean masks,
torch.where/unique(dim, return_inverse, return_counts)/unique_consecutive, sort(stable)/argsort/kthvalue/
searchsorted/bucketize, cumulative ops, one_hot, and metrics (confusion matrix via bincount, precision@k).
"""
import numpy as np
import torch
import torch.nn.functional as F


def beam_step(scores, log_probs, beam):
    total = scores.unsqueeze(-1) + log_probs
    flat = total.view(total.size(0), -1)
    top, idx = flat.topk(beam, dim=-1)
    return top, torch.div(idx, log_probs.size(-1), rounding_mode="floor"), idx % log_probs.size(-1)


def main():
    rng = np.random.default_rng(1)
    logits = torch.from_numpy(rng.standard_normal((2, 3, 5)))
    scores = torch.zeros(2, 3, dtype=torch.float64)
    tokens = torch.zeros(2, 3, 0, dtype=torch.long)
    for step in range(3):
        top, origin, word = beam_step(scores, F.log_softmax(logits + step, dim=-1), 3)
        tokens = torch.cat([tokens.gather(1, origin.unsqueeze(-1).expand(-1, -1, tokens.size(-1))),
                            word.unsqueeze(-1)], dim=-1)
        scores = top
        logits = logits.roll(1, dims=-1)
    print("beams", tokens.tolist(), scores)

    x = torch.arange(24, dtype=torch.float64).view(4, 6)
    col = x[:, 2]
    col.mul_(-1)
    x.t()[1].add_(100)
    x.diagonal().zero_()
    x.select(0, 3)[::2] = 7.5
    x[1:3, 4:].fill_(-2)
    x.unsqueeze(0)[0, 0, 5] = 42
    print("views", x, x.is_contiguous(), x.t().is_contiguous(), x[:, 1].stride())
    rows = torch.tensor([0, 2, 3])
    cols = torch.tensor([[1], [5]])
    print("adv", x[rows, 1], x[rows, cols].shape, x[[0, 1]][:, [True, False, True, False, False, True]])
    x[rows[:, None], torch.tensor([0, 1])] = torch.tensor([-1.0, -3.0], dtype=torch.float64)
    mask = x > 10
    x[mask] = x[mask].sqrt()
    print("masked", x.round(decimals=3), mask.sum(dim=1), mask.any(1).tolist(), mask.all().item())

    labels = torch.tensor([3, 1, 3, 0, 1, 1, 2, 3])
    u, inv, counts = torch.unique(labels, sorted=True, return_inverse=True, return_counts=True)
    print("unique", u, inv, counts, torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 2, 1, 3, 3]),
                                                             return_counts=True))
    pairs = torch.tensor([[1, 2], [0, 1], [1, 2], [0, 1], [5, 5]])
    up, pinv = torch.unique(pairs, dim=0, return_inverse=True)
    print("unique rows", up.tolist(), pinv.tolist())
    vals = torch.tensor([0.3, 0.1, 0.3, 0.9, 0.1, 0.5], dtype=torch.float64)
    sv, si = torch.sort(vals, stable=True)
    print("sort", sv, si, torch.argsort(vals, descending=True, stable=True), vals.kthvalue(2))
    edges = torch.tensor([0.0, 0.2, 0.4, 0.8], dtype=torch.float64)
    print("bucket", torch.bucketize(vals, edges), torch.bucketize(vals, edges, right=True),
          torch.searchsorted(edges, vals, side="right"), torch.searchsorted(edges, torch.tensor([[0.4], [0.5]],
                                                                                              dtype=torch.float64)))
    print("cum", vals.cumsum(0), vals.cumprod(0)[-1].item(), torch.cummax(vals, 0).indices, torch.logcumsumexp(vals, 0)[-1])
    print("where", torch.where(vals > 0.2, vals, torch.zeros_like(vals)), torch.where(vals > 0.4),
          torch.where(vals > 0.2, 1.0, -1.0).dtype)

    pred = torch.tensor([3, 1, 2, 0, 1, 0, 2, 3])
    conf = torch.bincount(labels * 4 + pred, minlength=16).view(4, 4)
    precision = conf.diag().double() / conf.sum(0).clamp(min=1)
    recall = conf.diag().double() / conf.sum(1)
    print("confusion", conf, precision, recall, F.one_hot(pred, 5).sum(0))
    sims = torch.from_numpy(rng.standard_normal((4, 6)))
    relevant = torch.from_numpy(rng.random((4, 6)) > 0.6)
    topk = sims.topk(3, dim=1, largest=True, sorted=True)
    hits = relevant.gather(1, topk.indices)
    print("p@3", hits.float().mean(1), topk.values[:, 0], sims.argmax(1), sims.amax(dim=(0, 1)).item())
    nearest = sims.topk(2, dim=0, largest=False)
    print("smallest", nearest.indices, nearest.values.shape, sims.max(dim=1, keepdim=True).values.shape)
    chosen = torch.zeros(4, 6).scatter_(1, topk.indices, 1.0)
    print("scatter", chosen.sum(1), chosen.dtype, torch.count_nonzero(chosen, dim=0))
    idx = torch.tensor([[0, 0], [1, 3], [3, 5]])
    print("gather_nd", sims[idx[:, 0], idx[:, 1]], sims.flatten()[idx[:, 0] * 6 + idx[:, 1]])
    a = torch.arange(6).view(2, 3)
    print("mixed", a[..., None].shape, a[None, :, [0, 2]].shape, a[:, None, 1:].shape, a[torch.tensor(1)],
          a[a > 2], a.flip(1), torch.rot90(a, 1, (0, 1)))


if __name__ == "__main__":
    main()
