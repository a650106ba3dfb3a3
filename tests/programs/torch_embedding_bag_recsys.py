"""A recommendation model over sparse multi-hot features, as DLRM-style tutorials write it; tests run it as is
and with only its imports changed, and compare what both print. nn.EmbeddingBag in sum / mean / max modes with
offsets and include_last_offset, per_sample_weights, padding_idx inside bags and empty bags; 2-D bag input;
nn.Embedding with padding_idx (its zero gradient), max_norm renormalising the looked-up rows in place,
scale_grad_by_freq and from_pretrained(freeze=False); F.embedding_bag; a dot-interaction layer through
torch.bmm and triu_indices; training with BCEWithLogitsLoss(pos_weight) and Adagrad. Float32, NumPy data.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class DotInteraction(nn.Module):
    def forward(self, dense, sparse):
        feats = torch.stack([dense] + sparse, dim=1)
        inter = torch.bmm(feats, feats.transpose(1, 2))
        i, j = torch.triu_indices(feats.shape[1], feats.shape[1], offset=1)
        return torch.cat([dense, inter[:, i, j]], dim=1)


class TinyDLRM(nn.Module):
    def __init__(self, sizes, dim=4):
        super().__init__()
        self.bottom = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, dim))
        self.tables = nn.ModuleList([nn.EmbeddingBag(n, dim, mode="sum", padding_idx=0) for n in sizes])
        self.inter = DotInteraction()
        self.top = nn.Sequential(nn.Linear(dim + 3, 8), nn.ReLU(), nn.Linear(8, 1))

    def forward(self, dense, bags):
        d = self.bottom(dense)
        sparse = [t(idx, off) for t, (idx, off) in zip(self.tables, bags)]
        return self.top(self.inter(d, sparse)).squeeze(-1)


def main():
    rng = np.random.default_rng(123)
    weight = torch.from_numpy(rng.standard_normal((10, 3)).astype(np.float32))
    inp = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9, 0, 0])
    offsets = torch.tensor([0, 4, 4, 8])
    for mode in ["sum", "mean", "max"]:
        bag = nn.EmbeddingBag.from_pretrained(weight, mode=mode, freeze=False)
        print(mode, bag(inp, offsets))
    bag = nn.EmbeddingBag.from_pretrained(weight, mode="sum", padding_idx=0, freeze=False)
    psw = torch.from_numpy(rng.uniform(0.5, 1.5, 10).astype(np.float32))
    out = bag(inp, offsets, per_sample_weights=psw)
    out.sum().backward()
    print(out, bag.weight.grad[[0, 2, 4, 9]])
    meanbag = nn.EmbeddingBag.from_pretrained(weight, mode="mean", padding_idx=0)
    print(meanbag(inp, offsets), meanbag(torch.tensor([[1, 0, 3], [0, 0, 2]])))
    print(F.embedding_bag(inp, weight, torch.tensor([0, 3, 10]), mode="sum", include_last_offset=True),
          F.embedding_bag(torch.tensor([[7, 8], [1, 1]]), weight, mode="max"))
    emb = nn.Embedding.from_pretrained(weight.clone(), freeze=False, padding_idx=2)
    ids = torch.tensor([[2, 5, 5], [1, 2, 7]])
    emb(ids).pow(2).sum().backward()
    print(emb.weight.grad[[1, 2, 5, 7]])
    norm_emb = nn.Embedding.from_pretrained(weight.clone() * 3, max_norm=1.5, norm_type=2.0)
    looked = norm_emb(torch.tensor([0, 4, 4]))
    print(looked.norm(dim=1), norm_emb.weight.norm(dim=1)[:6])
    freq = nn.Embedding(10, 3, scale_grad_by_freq=True)
    with torch.no_grad():
        freq.weight.copy_(weight)
    freq(torch.tensor([3, 3, 3, 6])).sum().backward()
    print(freq.weight.grad[[3, 6]])
    sizes = [12, 7]
    model = TinyDLRM(sizes)
    rs = np.random.default_rng(6)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rs.normal(0, 0.4, tuple(p.shape)).astype(np.float32)))
    n = 16
    dense = torch.from_numpy(rng.standard_normal((n, 3)).astype(np.float32))
    bags = []
    for size in sizes:
        lengths = rng.integers(0, 4, n)
        idx = torch.from_numpy(rng.integers(0, size, lengths.sum()))
        off = torch.from_numpy(np.concatenate([[0], np.cumsum(lengths)[:-1]]))
        bags.append((idx, off))
    y = torch.from_numpy((rng.uniform(size=n) < 0.3).astype(np.float32))
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(2.0))
    opt = torch.optim.Adagrad(model.parameters(), lr=0.1)
    for step in range(6):
        opt.zero_grad()
        logits = model(dense, bags)
        loss = loss_fn(logits, y)
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.6f} auc-ish {(logits[y == 1].mean() - logits[y == 0].mean()).item():.5f}")
    print(model.tables[0].weight[0], model.tables[1].weight.grad[0], model(dense, bags)[:4])


if __name__ == "__main__":
    main()
