"""Tabular classification in float32 (PyTorch's default dtype), written for PyTorch; tests run it as is and with
only its imports changed, and compare what both print. Features standardised with mean/std, a categorical column
through nn.Embedding concatenated to the numeric ones, class weights from bincount in CrossEntropyLoss, a
TensorDataset/DataLoader without shuffling, BatchNorm1d and Dropout(p=0) switched by train()/eval(), and the
metrics people compute by hand: a confusion matrix via index_put_(accumulate=True), per-class precision/recall/F1,
macro F1, a one-vs-rest ROC AUC from sort and cumsum, and calibration bins with bucketize. Data and weights from a
seeded NumPy generator, cast with .float().
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self, n_num, n_cat, n_classes):
        super().__init__()
        self.cat = nn.Embedding(n_cat, 3)
        self.body = nn.Sequential(nn.Linear(n_num + 3, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(p=0.0),
                                  nn.Linear(16, n_classes))

    def forward(self, num, cat):
        return self.body(torch.cat([num, self.cat(cat)], dim=1))


def confusion(pred, target, n):
    m = torch.zeros(n, n, dtype=torch.long)
    m.index_put_((target, pred), torch.ones_like(target), accumulate=True)
    return m


def auc(scores, positive):
    order = torch.argsort(scores, descending=True)
    pos = positive[order].float()
    tpr = torch.cumsum(pos, 0) / pos.sum()
    fpr = torch.cumsum(1 - pos, 0) / (1 - pos).sum()
    return torch.trapz(tpr, fpr).item()


def main():
    rng = np.random.default_rng(37)
    n, n_classes = 200, 3
    cat = rng.integers(0, 5, n)
    num = rng.standard_normal((n, 4)) * np.array([1.0, 10.0, 0.1, 3.0]) + np.array([0.0, 50.0, 1.0, -2.0])
    score = num[:, 0] + 0.1 * (num[:, 1] - 50) + (cat == 2) * 1.5
    labels = np.digitize(score, [-0.3, 1.2])
    num_t = torch.from_numpy(num).float()
    mean, std = num_t[:150].mean(0), num_t[:150].std(0)
    num_t = (num_t - mean) / std
    cat_t, y = torch.from_numpy(cat), torch.from_numpy(labels)
    print("dtypes", num_t.dtype, cat_t.dtype, y.dtype, "stats", mean, std)
    counts = torch.bincount(y[:150], minlength=n_classes)
    weights = counts.sum() / (n_classes * counts.float())
    print("counts", counts.tolist(), "class weights", weights)
    model = Net(4, 5, n_classes)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(tuple(p.shape))).float())
    loader = DataLoader(TensorDataset(num_t[:150], cat_t[:150], y[:150]), batch_size=32, shuffle=False)
    loss_fn = nn.CrossEntropyLoss(weight=weights)
    opt = optim.Adam(model.parameters(), lr=0.02, weight_decay=1e-4)
    for epoch in range(8):
        model.train()
        total, seen = 0.0, 0
        for xb, cb, yb in loader:
            loss = loss_fn(model(xb, cb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
            seen += len(yb)
        model.eval()
        with torch.no_grad():
            val = loss_fn(model(num_t[150:], cat_t[150:]), y[150:]).item()
        print(f"epoch {epoch} train {total / seen:.5f} val {val:.5f} batches {len(loader)}")
    with torch.no_grad():
        probs = F.softmax(model(num_t[150:], cat_t[150:]), dim=1)
    pred, target = probs.argmax(1), y[150:]
    m = confusion(pred, target, n_classes)
    print("confusion", m.tolist())
    tp = m.diag().float()
    precision = tp / m.sum(0).clamp(min=1)
    recall = tp / m.sum(1).clamp(min=1)
    f1 = 2 * precision * recall / (precision + recall).clamp(min=1e-8)
    print("precision", precision, "recall", recall)
    print("f1", f1, "macro", f1.mean().item(), "accuracy", (pred == target).float().mean().item())
    print("auc per class", [round(auc(probs[:, c], target == c), 5) for c in range(n_classes)])
    conf, _ = probs.max(1)
    bins = torch.bucketize(conf, torch.tensor([0.4, 0.6, 0.8]))
    for b in range(4):
        sel = bins == b
        if sel.any():
            print("bin", b, sel.sum().item(), round(conf[sel].mean().item(), 5),
                  round((pred[sel] == target[sel]).float().mean().item(), 5))
    print("bn running", model.body[1].running_mean[:3], model.body[1].num_batches_tracked.item())


if __name__ == "__main__":
    main()
