"""An evaluation loop as classification scripts write it, written for PyTorch; tests run it as is and with only its
imports changed, and compare what both print. model.eval() with Dropout and BatchNorm, torch.no_grad and
torch.inference_mode, batched predictions over a DataLoader, top-1 / top-2 accuracy, a confusion matrix built
three ways (bincount of true * C + pred, index_put_ with accumulate, one-hot matmul), per-class precision /
recall / F1 with zero-division guards, macro and weighted averages, a calibration histogram through
torch.histc / bucketize, and the flags (requires_grad, is_inference, training) the loop leaves behind. Float32.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class Classifier(nn.Module):
    def __init__(self, rng):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(6, 12), nn.BatchNorm1d(12), nn.ReLU(), nn.Dropout(0.5), nn.Linear(12, 4))
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.from_numpy(rng.standard_normal(p.shape).astype(np.float32) * 0.6))
            self.body[1].running_mean.copy_(torch.from_numpy(rng.standard_normal(12).astype(np.float32) * 0.1))
            self.body[1].running_var.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, 12).astype(np.float32)))

    def forward(self, x):
        return self.body(x)


def main():
    rng = np.random.default_rng(19)
    x = torch.from_numpy(rng.standard_normal((50, 6)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 4, size=50))
    model = Classifier(rng)
    model.eval()
    loader = DataLoader(TensorDataset(x, y), batch_size=16)
    preds, probs_all, correct, top2 = [], [], 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            logits = model(xb)
            probs = logits.softmax(dim=1)
            pred = logits.argmax(dim=1)
            correct += (pred == yb).sum().item()
            top2 += (logits.topk(2, dim=1).indices == yb[:, None]).any(dim=1).sum().item()
            preds.append(pred)
            probs_all.append(probs)
    preds, probs = torch.cat(preds), torch.cat(probs_all)
    print(correct, top2, correct / len(y), round(top2 / len(y), 4), preds[:12], probs.requires_grad)
    C = 4
    cm1 = torch.bincount(y * C + preds, minlength=C * C).view(C, C)
    cm2 = torch.zeros(C, C, dtype=torch.long).index_put_((y, preds), torch.tensor(1), accumulate=True)
    cm3 = nn.functional.one_hot(y, C).T.float() @ nn.functional.one_hot(preds, C).float()
    print(cm1)
    print(torch.equal(cm1, cm2), torch.equal(cm1, cm3.long()), cm3.dtype, cm1.trace(), cm1.sum())
    tp = cm1.diag().float()
    precision = tp / cm1.sum(0).clamp(min=1)
    recall = tp / cm1.sum(1).clamp(min=1)
    f1 = torch.where(precision + recall > 0, 2 * precision * recall / (precision + recall), torch.zeros(()))
    support = cm1.sum(1)
    print(precision, recall, f1, support)
    print(f1.mean(), (f1 * support).sum() / support.sum(), tp.sum() / cm1.sum())
    conf, _ = probs.max(dim=1)
    hist = torch.histc(conf, bins=5, min=0.0, max=1.0)
    bins = torch.bucketize(conf, torch.linspace(0, 1, 6)[1:-1])
    hits = (preds == y).float()
    bin_acc = torch.zeros(5).index_add_(0, bins, hits) / torch.bincount(bins, minlength=5).clamp(min=1)
    bin_conf = torch.zeros(5).scatter_add_(0, bins, conf) / torch.bincount(bins, minlength=5).clamp(min=1)
    ece = (torch.bincount(bins, minlength=5) / len(y) * (bin_acc - bin_conf).abs()).sum()
    print(hist, bins[:10], bin_acc, bin_conf, ece)
    with torch.inference_mode():
        out = model(x[:5])
    print(out.is_inference(), out.requires_grad, model.training, model.body[3].training, out)
    model.train()
    with torch.no_grad():
        running = model.body[1].running_mean.clone()
        _ = model(x[:16])
        changed = (model.body[1].running_mean - running).abs().sum()
    print(model.training, changed > 0, model.body[1].num_batches_tracked, (model(x[:8]) != 0).any().item())
    model.eval()
    with torch.no_grad():
        again = model(x[:5])
    print(torch.allclose(again, out), again.argmax(1), nn.functional.cross_entropy(model(x), y))


if __name__ == "__main__":
    main()
