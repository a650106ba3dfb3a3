"""Word2vec skip-gram with negative sampling written for PyTorch the way embedding tutorials write it; tests run it
as is and with only its imports changed, and compare what both print. A toy corpus of topic sentences, (centre,
context) pairs from a sliding window, negatives drawn by a seeded NumPy generator from the unigram distribution to
the 3/4 power, centre and context tables as nn.Embedding(sparse=True) trained by optim.SparseAdam (the gradients are
sparse COO tensors: coalesce, indices, values), the log-sigmoid objective with torch.bmm, a dense-embedding twin with
Adam on the same batches, nearest neighbours by cosine similarity (F.normalize, topk), an analogy query, and
nn.Embedding.from_pretrained(freeze=True) of the learnt vectors. Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

TOPICS = [["cat", "dog", "pet", "fur", "paw"], ["car", "road", "wheel", "drive", "fuel"],
          ["sun", "moon", "star", "sky", "night"]]


class SkipGram(nn.Module):
    def __init__(self, vocab, dim, sparse):
        super().__init__()
        self.centre = nn.Embedding(vocab, dim, sparse=sparse)
        self.context = nn.Embedding(vocab, dim, sparse=sparse)

    def forward(self, centre, pos, neg):
        c = self.centre(centre).unsqueeze(2)                 # (B, D, 1)
        pos_score = torch.bmm(self.context(pos).unsqueeze(1), c).squeeze()
        neg_score = torch.bmm(self.context(neg), c).squeeze(2)
        return -(F.logsigmoid(pos_score) + F.logsigmoid(-neg_score).sum(1)).mean()


def build(rng):
    words = sorted({w for t in TOPICS for w in t})
    idx = {w: i for i, w in enumerate(words)}
    sentences = []
    for _ in range(30):
        t = TOPICS[rng.integers(0, 3)]
        sentences.append([idx[t[j]] for j in rng.permutation(5)[:4]])
    pairs = [(s[i], s[j]) for s in sentences for i in range(4) for j in range(max(0, i - 2), min(4, i + 3)) if i != j]
    counts = np.bincount([w for s in sentences for w in s], minlength=len(words)).astype(np.float64)
    return words, idx, np.array(pairs), counts ** 0.75 / (counts ** 0.75).sum()


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(4)
    words, idx, pairs, noise = build(rng)
    V, D = len(words), 6
    print("vocab:", V, "pairs:", len(pairs), "noise top:", [round(v, 8) for v in np.sort(noise)[-3:].tolist()])
    sparse_model, dense_model = SkipGram(V, D, True), SkipGram(V, D, False)
    init = {k: torch.from_numpy(rng.normal(0, 0.3, tuple(v.shape))) for k, v in sparse_model.state_dict().items()}
    sparse_model.load_state_dict(init)
    dense_model.load_state_dict(init)
    sparse_opt = optim.SparseAdam(list(sparse_model.parameters()), lr=0.05)
    dense_opt = optim.Adam(dense_model.parameters(), lr=0.05)

    for epoch in range(4):
        order = rng.permutation(len(pairs))
        totals = [0.0, 0.0]
        for b in range(0, len(order), 64):
            batch = pairs[order[b:b + 64]]
            centre, pos = torch.from_numpy(batch[:, 0]), torch.from_numpy(batch[:, 1])
            neg = torch.from_numpy(rng.choice(V, size=(len(batch), 3), p=noise))
            for k, (model, opt) in enumerate(((sparse_model, sparse_opt), (dense_model, dense_opt))):
                opt.zero_grad()
                loss = model(centre, pos, neg)
                loss.backward()
                opt.step()
                totals[k] += loss.item() * len(batch)
        print(f"epoch {epoch}: sparse loss {totals[0] / len(pairs):.8f} dense loss {totals[1] / len(pairs):.8f}")

    g = sparse_model.centre.weight.grad
    print("sparse grad:", g.is_sparse, "layout nnz rows:", g.coalesce().indices().shape[1],
          "values sum:", round(g.coalesce().values().sum().item(), 8))
    print("dense grad rows touched:", int((dense_model.centre.weight.grad.abs().sum(1) > 0).sum()))
    # SparseAdam only updates rows that were looked up: its moments stay zero elsewhere, unlike Adam
    diff = (sparse_model.centre.weight - dense_model.centre.weight).abs().max()
    print("sparse vs dense max weight diff:", round(diff.item(), 8))

    emb = F.normalize(sparse_model.centre.weight.detach() + sparse_model.context.weight.detach(), dim=1)
    sims = emb @ emb.T
    for w in ("cat", "car", "moon"):
        vals, nn_idx = sims[idx[w]].topk(3)
        print(f"neighbours of {w}:", [words[i] for i in nn_idx.tolist()], [round(v, 6) for v in vals.tolist()])
    q = emb[idx["dog"]] - emb[idx["cat"]] + emb[idx["car"]]
    scores = F.cosine_similarity(q.unsqueeze(0), emb, dim=1)
    print("analogy scores:", [round(v, 6) for v in scores[[idx["road"], idx["moon"], idx["fur"]]].tolist()])
    frozen = nn.Embedding.from_pretrained(emb, freeze=True)
    print("frozen lookup:", frozen.weight.requires_grad,
          [round(v, 8) for v in frozen(torch.tensor([0, 5])).sum(1).tolist()])
    topic_score = torch.stack([sims[[idx[w] for w in t]][:, [idx[w] for w in t]].mean() for t in TOPICS])
    print("within-topic similarity:", [round(v, 6) for v in topic_score.tolist()])
