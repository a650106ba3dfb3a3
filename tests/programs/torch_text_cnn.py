"""Sentence classification with a Kim-style text CNN, written for PyTorch the way its tutorials build it; tests run
it as is and with only its imports changed, and compare what both print. A vocabulary built from a toy corpus with
special <pad> / <unk> ids, sentences padded to a batch, "pretrained" vectors loaded with nn.Embedding.from_pretrained
(freeze=True, padding_idx) next to a trainable copy (the two-channel variant), Conv1d filters of widths 2, 3 and 4
over the (batch, embedding, time) layout, max-over-time pooling by F.max_pool1d with the full length and by
amax, dropout in train and eval mode, nn.CosineSimilarity nearest neighbours in the embedding space, and Adadelta
training (the original paper's optimiser) with a max-norm constraint on the classifier rows applied after each
step. Float32, data and weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CORPUS = [
    ("the movie was great and fun", 1), ("a truly great film", 1), ("fun and moving story", 1),
    ("i loved the acting", 1), ("what a wonderful great cast", 1), ("the plot was dull", 0),
    ("a boring and slow film", 0), ("i hated the ending", 0), ("dull acting and a weak story", 0),
    ("the worst movie", 0), ("slow boring dull", 0), ("great fun", 1),
]


def build_vocab(sentences):
    words = sorted({w for s in sentences for w in s.split()})
    itos = ["<pad>", "<unk>"] + words
    return {w: i for i, w in enumerate(itos)}, itos


def encode(batch, stoi):
    ids = [[stoi.get(w, 1) for w in s.split()] for s in batch]
    length = max(max(len(i) for i in ids), 4)
    return torch.tensor([i + [0] * (length - len(i)) for i in ids])


class TextCNN(nn.Module):
    def __init__(self, vectors, n_filters=3, widths=(2, 3, 4), n_classes=2):
        super().__init__()
        self.static = nn.Embedding.from_pretrained(vectors, freeze=True, padding_idx=0)
        self.tuned = nn.Embedding.from_pretrained(vectors.clone(), freeze=False, padding_idx=0)
        dim = vectors.shape[1]
        self.convs = nn.ModuleList([nn.Conv1d(2 * dim, n_filters, w) for w in widths])
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(n_filters * len(widths), n_classes)

    def forward(self, ids):
        emb = torch.cat([self.static(ids), self.tuned(ids)], dim=-1).transpose(1, 2)
        pooled = [F.max_pool1d(F.relu(conv(emb)), conv(emb).shape[-1]).squeeze(-1) for conv in self.convs]
        return self.fc(self.dropout(torch.cat(pooled, dim=1)))


def main():
    rng = np.random.default_rng(47)
    stoi, itos = build_vocab([s for s, _ in CORPUS])
    print("vocab:", len(itos), itos[:6], "unk id:", stoi.get("terrible", 1))
    vectors = torch.from_numpy(rng.normal(0, 0.5, (len(itos), 6)).astype(np.float32))
    vectors[0] = 0.0
    model = TextCNN(vectors)
    for conv in model.convs:
        conv.weight.data = torch.from_numpy(rng.normal(0, 0.3, tuple(conv.weight.shape)).astype(np.float32))
        conv.bias.data.fill_(0.05)
    model.fc.weight.data = torch.from_numpy(rng.normal(0, 0.3, tuple(model.fc.weight.shape)).astype(np.float32))
    model.fc.bias.data.zero_()
    print("trainable:", [n for n, p in model.named_parameters() if p.requires_grad])
    print("frozen:", [n for n, p in model.named_parameters() if not p.requires_grad], model.static.padding_idx)

    ids = encode([s for s, _ in CORPUS], stoi)
    y = torch.tensor([label for _, label in CORPUS])
    print("batch:", tuple(ids.shape), ids[11].tolist(), encode(["terrible great"], stoi).tolist())
    emb = torch.cat([model.static(ids), model.tuned(ids)], -1).transpose(1, 2)
    feat = F.relu(model.convs[1](emb))
    print("conv width 3:", tuple(feat.shape), "max_pool1d == amax:",
          torch.equal(F.max_pool1d(feat, feat.shape[-1]).squeeze(-1), feat.amax(-1)))

    model.eval()
    with torch.no_grad():
        eval_logits = model(ids)
    print("eval deterministic:", torch.equal(eval_logits, model(ids)), round(eval_logits.sum().item(), 5))
    model.train()
    with torch.no_grad():
        print("train-mode dropout changes logits:", not torch.equal(model(ids), eval_logits), model.training)

    opt = torch.optim.Adadelta([p for p in model.parameters() if p.requires_grad], lr=1.0, rho=0.95, eps=1e-6)
    model.dropout.p = 0.0
    model.train()
    for epoch in range(8):
        opt.zero_grad()
        loss = F.cross_entropy(model(ids), y)
        loss.backward()
        opt.step()
        with torch.no_grad():
            norms = model.fc.weight.norm(dim=1, keepdim=True)
            model.fc.weight.mul_(torch.clamp(0.9 / norms, max=1.0))
        print(f"epoch {epoch}: loss {loss.item():.5f} fc row norms {[round(v, 4) for v in norms.flatten().tolist()]}")
    print("static unchanged:", torch.equal(model.static.weight, vectors), "pad row still zero:",
          model.tuned.weight[0].abs().sum().item())

    cos = nn.CosineSimilarity(dim=-1, eps=1e-8)
    query = model.tuned.weight[stoi["great"]]
    sims = cos(query.unsqueeze(0), model.tuned.weight[2:])
    top = sims.topk(3)
    print("nearest to 'great':", [itos[i + 2] for i in top.indices.tolist()],
          [round(v, 4) for v in top.values.tolist()])
    model.eval()
    with torch.no_grad():
        probs = F.softmax(model(encode(["great fun movie", "boring dull plot", "terrible"], stoi)), dim=1)
    print("predictions:", [round(v, 4) for v in probs[:, 1].tolist()])
