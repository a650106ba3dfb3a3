"""Multi-label classification as tagging and medical-imaging code writes it, written for PyTorch; tests run it as
is and with only its imports changed, and compare what both print. Imbalanced multi-hot targets from a seeded NumPy
generator, pos_weight = negatives / positives per label for nn.BCEWithLogitsLoss (with a per-label weight too, and
reduction='none' averaged by hand), checked against the written-out formula at extreme logits and against
MultiLabelSoftMarginLoss; an MLP trained with Adam and a ReduceLROnPlateau on the validation loss (absolute
threshold, cooldown, min_lr); then the metrics people compute by hand: sigmoid thresholds, per-label precision /
recall / F1 with zero-division guards, micro and macro F1, subset accuracy, Hamming loss, average precision per
label from a descending sort and cumsum, and the best per-label thresholds from a grid. Float32, data and weights
from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def f1_parts(pred, target):
    tp = (pred * target).sum(0)
    fp = (pred * (1 - target)).sum(0)
    fn = ((1 - pred) * target).sum(0)
    return tp, fp, fn


def average_precision(scores, target):
    order = torch.argsort(scores, descending=True, stable=True)
    hits = target[order]
    precision_at_k = hits.cumsum(0) / torch.arange(1, len(hits) + 1)
    return (precision_at_k * hits).sum() / hits.sum().clamp(min=1)


def main():
    rng = np.random.default_rng(29)
    n, d, labels = 96, 10, 5
    x_np = rng.standard_normal((n, d)).astype(np.float32)
    w_true = rng.standard_normal((d, labels)).astype(np.float32)
    bias_true = np.array([0.5, -1.0, -1.8, -2.5, 0.0], dtype=np.float32)
    y_np = ((x_np @ w_true) * 0.8 + bias_true + rng.logistic(size=(n, labels)) > 0.8).astype(np.float32)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    pos = y.sum(0)
    pos_weight = (n - pos) / pos.clamp(min=1)
    print("positives per label:", pos.tolist(), "pos_weight:", [round(p, 4) for p in pos_weight.tolist()])

    logits = torch.tensor([[30.0, -30.0, 0.0, 2.0, -100.0], [-50.0, 80.0, 1.5, -2.0, 100.0]])
    target = torch.tensor([[1.0, 0.0, 1.0, 0.0, 1.0], [1.0, 1.0, 0.0, 1.0, 0.0]])
    lw = torch.tensor([1.0, 2.0, 0.5, 1.0, 1.5])
    crit = nn.BCEWithLogitsLoss(pos_weight=pos_weight, weight=lw, reduction="none")
    by_hand = -lw * (pos_weight * target * F.logsigmoid(logits) + (1 - target) * F.logsigmoid(-logits))
    print("extreme logits:", [round(v, 4) for v in crit(logits, target).flatten().tolist()])
    print("matches formula:", torch.allclose(crit(logits, target), by_hand, rtol=1e-5, atol=1e-5))
    plain = F.binary_cross_entropy_with_logits(logits, target)
    mlsm = nn.MultiLabelSoftMarginLoss()(logits, target)
    print("BCE mean vs MultiLabelSoftMargin:", round(plain.item(), 5), round(mlsm.item(), 5),
          round(nn.MultiLabelSoftMarginLoss(weight=lw, reduction="sum")(logits, target).item(), 4))

    model = nn.Sequential(nn.Linear(d, 16), nn.ReLU(), nn.Linear(16, labels))
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.3, tuple(v.shape)).astype(np.float32))
                           for k, v in model.state_dict().items()})
    train_idx, val_idx = torch.arange(0, 72), torch.arange(72, n)
    criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1, threshold=0.06,
                                                       threshold_mode="abs", cooldown=1, min_lr=0.004)
    for epoch in range(8):
        model.train()
        for batch in train_idx.split(24):
            opt.zero_grad()
            loss = criterion(model(x[batch]), y[batch])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            val = criterion(model(x[val_idx]), y[val_idx]).item()
        sched.step(val)
        print(f"epoch {epoch}: train {loss.item():.4f} val {val:.4f} lr {opt.param_groups[0]['lr']:.4g}")

    with torch.no_grad():
        probs = torch.sigmoid(model(x))
    pred = (probs > 0.5).float()
    tp, fp, fn = f1_parts(pred, y)
    precision = tp / (tp + fp).clamp(min=1)
    recall = tp / (tp + fn).clamp(min=1)
    f1 = torch.where(precision + recall > 0, 2 * precision * recall / (precision + recall), torch.zeros(labels))
    print("precision:", [round(v, 4) for v in precision.tolist()])
    print("recall:", [round(v, 4) for v in recall.tolist()])
    micro = 2 * tp.sum() / (2 * tp.sum() + fp.sum() + fn.sum())
    print("macro F1:", round(f1.mean().item(), 4), "micro F1:", round(micro.item(), 4))
    print("subset accuracy:", round((pred == y).all(dim=1).float().mean().item(), 4),
          "hamming loss:", round((pred != y).float().mean().item(), 4))
    ap = torch.stack([average_precision(probs[:, j], y[:, j]) for j in range(labels)])
    print("average precision:", [round(v, 4) for v in ap.tolist()], "mAP:", round(ap.mean().item(), 4))
    grid = torch.linspace(0.1, 0.9, 9)
    preds = (probs[None] > grid[:, None, None]).float()
    tpg = (preds * y).sum(1)
    f1g = 2 * tpg / (preds.sum(1) + y.sum(0)).clamp(min=1)
    best = f1g.argmax(0)
    print("best thresholds:", [round(v, 2) for v in grid[best].tolist()],
          "F1 there:", [round(v, 4) for v in f1g.max(0).values.tolist()])
