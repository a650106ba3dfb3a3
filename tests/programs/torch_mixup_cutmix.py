"""Mixup and CutMix training written for PyTorch the way image-classification recipes write it; tests run it as is
and with only its imports changed, and compare what both print. A small CNN on toy images, mixing coefficients from
torch.distributions.Beta (its log_prob, mean, variance and entropy printed; the lambdas themselves drawn by a
seeded NumPy generator so both libraries see the same ones), batch permutations from NumPy, mixup of images and
one-hot targets, CutMix boxes pasted by slicing with the lambda corrected to the box area, F.cross_entropy with
label_smoothing on class indices and on soft (probability) targets, the two-term mixed loss, SGD with Nesterov
momentum and OneCycleLR, and evaluation with a confusion matrix from bincount. Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Beta
from torch.optim.lr_scheduler import OneCycleLR


class SmallCNN(nn.Module):
    def __init__(self, classes=3):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(6, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(8, classes)

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))


def make_images(rng, n):
    ys = rng.integers(0, 3, n)
    x = 0.1 * rng.standard_normal((n, 1, 8, 8))
    for i, c in enumerate(ys):
        if c == 0:
            x[i, 0, :, 2:4] += 1.0
        elif c == 1:
            x[i, 0, 2:4, :] += 1.0
        else:
            x[i, 0, 2:6, 2:6] += 0.7
    return torch.from_numpy(x), torch.from_numpy(ys)


def rand_box(rng, lam, h, w):
    cut = np.sqrt(1.0 - lam)
    ch, cw = int(h * cut), int(w * cut)
    cy, cx = rng.integers(0, h), rng.integers(0, w)
    y1, y2 = np.clip(cy - ch // 2, 0, h), np.clip(cy + ch // 2, 0, h)
    x1, x2 = np.clip(cx - cw // 2, 0, w), np.clip(cx + cw // 2, 0, w)
    return int(y1), int(y2), int(x1), int(x2)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(23)
    beta = Beta(torch.tensor(0.4), torch.tensor(0.4))
    lams = torch.tensor([0.1, 0.5, 0.93])
    print("beta log_prob:", [round(v, 8) for v in beta.log_prob(lams).tolist()])
    print("beta mean, var, entropy:", round(beta.mean.item(), 8), round(beta.variance.item(), 8),
          round(beta.entropy().item(), 8))
    conc = torch.tensor([0.4, 1.0], requires_grad=True)
    Beta(conc[0], conc[1]).log_prob(lams).sum().backward()
    print("d log_prob / d concentrations:", [round(v, 8) for v in conc.grad.tolist()])

    x, y = make_images(rng, 48)
    model = SmallCNN()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.4, tuple(p.shape))))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    sched = OneCycleLR(opt, max_lr=0.1, total_steps=8)
    for step in range(8):
        idx = torch.from_numpy(rng.permutation(48)[:16])
        xb, yb = x[idx], y[idx]
        perm = torch.from_numpy(rng.permutation(16))
        lam = float(rng.beta(0.4, 0.4))
        if step % 2 == 0:
            mixed = lam * xb + (1 - lam) * xb[perm]
            soft = lam * F.one_hot(yb, 3).double() + (1 - lam) * F.one_hot(yb[perm], 3).double()
            kind = "mixup"
        else:
            y1, y2, x1, x2 = rand_box(rng, lam, 8, 8)
            mixed = xb.clone()
            mixed[:, :, y1:y2, x1:x2] = xb[perm][:, :, y1:y2, x1:x2]
            lam = 1 - (y2 - y1) * (x2 - x1) / 64
            soft = None
            kind = "cutmix"
        logits = model(mixed)
        if soft is not None:
            loss = F.cross_entropy(logits, soft, label_smoothing=0.1)
        else:
            loss = lam * F.cross_entropy(logits, yb, label_smoothing=0.1) + \
                (1 - lam) * F.cross_entropy(logits, yb[perm], label_smoothing=0.1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        print(f"step {step} {kind}: lam {lam:.6f} loss {loss.item():.8f} lr {sched.get_last_lr()[0]:.8f}")

    # the two forms of the mixed loss agree for mixup
    logits = model(x[:8])
    soft = 0.3 * F.one_hot(y[:8], 3).double() + 0.7 * F.one_hot(y[8:16], 3).double()
    a = F.cross_entropy(logits, soft, label_smoothing=0.2)
    b = 0.3 * F.cross_entropy(logits, y[:8], label_smoothing=0.2) + 0.7 * F.cross_entropy(logits, y[8:16],
                                                                                          label_smoothing=0.2)
    print("soft-target vs two-term loss:", round(a.item(), 10), round(b.item(), 10))
    print("per-sample smoothed loss:", [round(v, 8) for v in
                                        F.cross_entropy(logits, y[:8], label_smoothing=0.2, reduction="none")
                                        [:4].tolist()])
    model.eval()
    with torch.no_grad():
        pred = model(x).argmax(1)
    conf = torch.bincount(y * 3 + pred, minlength=9).view(3, 3)
    print("confusion:", conf.tolist(), "bn running var:", [round(v, 8) for v in
                                                         model.features[1].running_var[:3].tolist()])
