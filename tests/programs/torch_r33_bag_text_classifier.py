"""A bag-of-words text classifier the way the PyTorch text tutorial builds it (float64): variable-length token
lists flattened with an offsets tensor, nn.EmbeddingBag in 'mean', 'sum' with per_sample_weights (tf-idf) and
'max' modes, include_last_offset=True, padding_idx, an empty bag, F.embedding_bag with 2-D input, a collate_fn
that builds the offsets with cumsum, and a few epochs of SGD with the gradient rows of the embedding table."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils import data

DOCS = [([1, 4, 4, 2], 0), ([3, 5], 1), ([6, 2, 7, 1, 1], 0), ([5, 5, 3, 8], 1), ([2, 9], 0), ([8, 3, 0, 0], 1),
        ([4, 1, 6], 0), ([7, 8, 5], 1)]


def collate(batch):
    tokens = [torch.tensor(t) for t, _ in batch]
    lengths = torch.tensor([len(t) for t in tokens])
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), lengths.cumsum(0)[:-1]])
    weights = torch.cat([torch.full((len(t),), 1.0 / len(t), dtype=torch.float64) for t in tokens])
    return torch.cat(tokens), offsets, weights, torch.tensor([label for _, label in batch])


class Classifier(nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.bag = nn.EmbeddingBag(10, 4, mode=mode, padding_idx=0)
        self.fc = nn.Linear(4, 2)

    def forward(self, tokens, offsets, weights=None):
        return self.fc(self.bag(tokens, offsets, per_sample_weights=weights))


def r(t, digits=6):
    return [round(v, digits) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(0)
    table = torch.randn(10, 3, dtype=torch.float64, requires_grad=True)
    tokens = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9])
    offsets = torch.tensor([0, 2, 2, 5, 8])
    for mode in ["mean", "sum", "max"]:
        out = F.embedding_bag(tokens, table, offsets, mode=mode, include_last_offset=True)
        (g,) = torch.autograd.grad((out * torch.arange(1.0, 13.0, dtype=torch.float64).reshape(4, 3)).sum(), table)
        print("bag", mode, out.grad_fn.name(), tuple(out.shape), r(out[0]), r(out[1]), r(g[4]), r(g[9]))
    psw = torch.tensor([0.5, 1.0, 2.0, -1.0, 0.25, 1.0, 1.0, 3.0], dtype=torch.float64, requires_grad=True)
    out = F.embedding_bag(tokens, table, offsets[:-1], mode="sum", per_sample_weights=psw)
    gt, gp = torch.autograd.grad(out.pow(2).sum(), (table, psw))
    print("psw", r(out), r(gt[4]), r(gp))
    out = F.embedding_bag(tokens, table, offsets[:-1], mode="mean", padding_idx=4)
    print("padding_idx", r(out))
    two_d = torch.tensor([[1, 2, 0], [3, 3, 4]])
    print("2d input", r(F.embedding_bag(two_d, table, mode="max")), r(F.embedding_bag(two_d, table, padding_idx=0)))

    loader = data.DataLoader(DOCS, batch_size=4, shuffle=False, collate_fn=collate)
    for mode in ["mean", "sum"]:
        torch.manual_seed(1)
        model = Classifier(mode).double()
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
        for epoch in range(4):
            total, correct = 0.0, 0
            for tok, off, w, labels in loader:
                logits = model(tok, off, w if mode == "sum" else None)
                loss = F.cross_entropy(logits, labels)
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += loss.item()
                correct += int((logits.argmax(1) == labels).sum())
            print("train", mode, epoch, f"{total:.8f}", correct, r(model.bag.weight.grad[5]), r(model.bag.weight.grad[0]))
        print("pad row", r(model.bag.weight[0]), r(model.fc.bias))


main()
