"""A click-through-rate model written for PyTorch the way recommender code writes it; tests run it as is and with
only its imports changed, and compare what both print. Sparse categorical fields with per-field offsets, a
factorisation machine (first-order nn.EmbeddingBag sums with per_sample_weights, the second-order term by the
square-of-sum minus sum-of-squares trick), a DeepFM MLP head sharing the embeddings, BCEWithLogitsLoss with
pos_weight for class imbalance, Adagrad on the embeddings and Adam on the MLP as two optimisers, a multi-hot
"genres" field pooled by EmbeddingBag(mode="mean") over offsets, and evaluation with a hand-written ROC AUC
(argsort ranks with ties averaged via torch.unique(return_inverse=True) and scatter_add), log loss and calibration
by bucketize. Data from a seeded NumPy generator; float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FIELD_SIZES = [5, 7, 4]
GENRES = 6


class DeepFM(nn.Module):
    def __init__(self, dim=4):
        super().__init__()
        total = sum(FIELD_SIZES)
        self.register_buffer("offsets", torch.tensor(np.cumsum([0] + FIELD_SIZES[:-1])))
        self.linear = nn.EmbeddingBag(total, 1, mode="sum")
        self.embed = nn.Embedding(total, dim)
        self.genre = nn.EmbeddingBag(GENRES, dim, mode="mean")
        self.bias = nn.Parameter(torch.zeros(1))
        self.mlp = nn.Sequential(nn.Linear(dim * (len(FIELD_SIZES) + 1), 16), nn.ReLU(), nn.Dropout(0.0),
                                 nn.Linear(16, 1))

    def forward(self, fields, values, genre_idx, genre_off):
        idx = fields + self.offsets
        B, Fn = idx.shape
        first = self.linear(idx.reshape(-1), torch.arange(0, B * Fn, Fn), per_sample_weights=values.reshape(-1))
        v = self.embed(idx) * values.unsqueeze(-1)
        v = torch.cat([v, self.genre(genre_idx, genre_off).unsqueeze(1)], dim=1)
        second = 0.5 * (v.sum(1).pow(2) - v.pow(2).sum(1)).sum(1, keepdim=True)
        deep = self.mlp(v.flatten(1))
        return (self.bias + first + second + deep).squeeze(1)


def make_data(rng, n):
    fields = np.stack([rng.integers(0, s, n) for s in FIELD_SIZES], 1)
    values = rng.uniform(0.5, 1.5, (n, len(FIELD_SIZES)))
    counts = rng.integers(1, 4, n)
    genre_idx = rng.integers(0, GENRES, counts.sum())
    genre_off = np.concatenate([[0], np.cumsum(counts)[:-1]])
    logit = 1.2 * (fields[:, 0] == 1) - 0.8 * (fields[:, 1] > 4) + 0.5 * values[:, 2] - 1.5
    y = (rng.uniform(0, 1, n) < 1 / (1 + np.exp(-logit))).astype(np.float64)
    return (torch.from_numpy(fields), torch.from_numpy(values), torch.from_numpy(genre_idx),
            torch.from_numpy(genre_off), torch.from_numpy(y))


def roc_auc(scores, labels):
    uniq, inverse = torch.unique(scores, return_inverse=True)
    order_rank = torch.empty_like(scores)
    order_rank[torch.argsort(scores)] = torch.arange(1, len(scores) + 1, dtype=scores.dtype)
    sums = torch.zeros(len(uniq), dtype=scores.dtype).scatter_add(0, inverse, order_rank)
    counts = torch.zeros(len(uniq), dtype=scores.dtype).scatter_add(0, inverse, torch.ones_like(scores))
    ranks = (sums / counts)[inverse]
    pos = labels.sum()
    neg = len(labels) - pos
    return (ranks[labels == 1].sum() - pos * (pos + 1) / 2) / (pos * neg)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(47)
    model = DeepFM()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.2, tuple(p.shape))))
    train = make_data(rng, 96)
    test = make_data(rng, 48)
    pos_rate = train[-1].mean()
    print("positive rate:", round(pos_rate.item(), 6))
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=(1 - pos_rate) / pos_rate)
    sparse_params = list(model.linear.parameters()) + list(model.embed.parameters()) + list(model.genre.parameters())
    dense_params = [model.bias] + list(model.mlp.parameters())
    opt_sparse = torch.optim.Adagrad(sparse_params, lr=0.1, initial_accumulator_value=0.1)
    opt_dense = torch.optim.Adam(dense_params, lr=5e-3)
    for epoch in range(6):
        model.train()
        total = 0.0
        for start in range(0, 96, 32):
            fields, values, gi, go, y = train
            sl = slice(start, start + 32)
            g_lo, g_hi = go[start].item(), (go[start + 32].item() if start + 32 < 96 else len(gi))
            logits = model(fields[sl], values[sl], gi[g_lo:g_hi], go[sl] - g_lo)
            loss = loss_fn(logits, y[sl])
            opt_sparse.zero_grad()
            opt_dense.zero_grad()
            loss.backward()
            opt_sparse.step()
            opt_dense.step()
            total += loss.item()
        print(f"epoch {epoch}: train loss {total / 3:.8f}")
    model.eval()
    with torch.no_grad():
        fields, values, gi, go, y = test
        logits = model(fields, values, gi, go)
        probs = torch.sigmoid(logits)
    print("test auc:", round(roc_auc(probs, y).item(), 8))
    print("test log loss:", round(F.binary_cross_entropy(probs, y).item(), 8))
    print("auc with tied scores:", round(roc_auc(torch.tensor([0.1, 0.4, 0.4, 0.8, 0.4]),
                                               torch.tensor([0.0, 1.0, 0.0, 1.0, 1.0])).item(), 8))
    buckets = torch.bucketize(probs, torch.tensor([0.25, 0.5, 0.75]))
    for k in range(4):
        m = buckets == k
        if m.any():
            print(f"bucket {k}: n {int(m.sum())} mean p {probs[m].mean().item():.6f} rate {y[m].mean().item():.6f}")
    print("genre grad norm:", round(model.genre.weight.grad.norm().item(), 8),
          "linear grad nonzero rows:", int((model.linear.weight.grad.abs().sum(1) > 0).sum()))
