"""Self-supervised BYOL and semi-supervised mean-teacher training written for PyTorch with torch.optim.swa_utils;
tests run it as is and with only its imports changed, and compare what both print. An online encoder with
BatchNorm1d, projector and predictor, a target network kept as an AveragedModel with a custom avg_fn (BYOL's
momentum) and with get_ema_multi_avg_fn (mean teacher, use_buffers=True so BatchNorm statistics are averaged too),
the BYOL normalised-regression loss on two fixed augmentations, a consistency loss between student and teacher, then
stochastic weight averaging with an equal-weight AveragedModel, SWALR annealing after a cosine schedule and
update_bn over a DataLoader. Data and augmentation noise from a seeded NumPy generator; float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import CosineAnnealingLR
from torch.optim.swa_utils import AveragedModel, SWALR, get_ema_multi_avg_fn, update_bn
from torch.utils.data import DataLoader, TensorDataset


def mlp(i, h, o):
    return nn.Sequential(nn.Linear(i, h), nn.BatchNorm1d(h), nn.ReLU(), nn.Linear(h, o))


class Online(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = mlp(6, 16, 8)
        self.projector = mlp(8, 16, 4)

    def forward(self, x):
        return self.projector(self.encoder(x))


def byol_loss(p, z):
    p, z = F.normalize(p, dim=-1), F.normalize(z, dim=-1)
    return (2 - 2 * (p * z).sum(dim=-1)).mean()


def init(module, rng, scale=0.3):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, scale, tuple(p.shape))))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(21)
    x = torch.from_numpy(rng.standard_normal((32, 6)))
    labels = torch.from_numpy((rng.standard_normal(32) > 0).astype(np.int64))

    online, predictor = Online(), mlp(4, 16, 4)
    init(online, rng)
    init(predictor, rng)
    tau = 0.9
    target = AveragedModel(online, avg_fn=lambda avg, new, num: tau * avg + (1 - tau) * new)
    for p in target.parameters():
        p.requires_grad_(False)
    opt = torch.optim.SGD(list(online.parameters()) + list(predictor.parameters()), lr=0.05, momentum=0.9)
    for step in range(5):
        v1 = x + 0.1 * torch.from_numpy(rng.standard_normal((32, 6)))
        v2 = x * torch.from_numpy(rng.uniform(0.8, 1.2, (32, 6)))
        p1, p2 = predictor(online(v1)), predictor(online(v2))
        with torch.no_grad():
            z1, z2 = target(v1), target(v2)
        loss = byol_loss(p1, z2) + byol_loss(p2, z1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        target.update_parameters(online)
        gap = sum((a - b).pow(2).sum() for a, b in zip(online.parameters(), target.module.parameters()))
        print(f"byol step {step}: loss {loss.item():.8f} online-target gap {gap.item():.8f} "
              f"n_averaged {target.n_averaged.item()}")
    print("target bn mean kept from init:", [round(v, 6) for v in target.module.encoder[1].running_mean[:3].tolist()])

    # mean teacher: classification on a few labels plus consistency to the EMA teacher
    student = nn.Sequential(mlp(6, 16, 8), nn.ReLU(), nn.Linear(8, 2))
    init(student, rng)
    teacher = AveragedModel(student, multi_avg_fn=get_ema_multi_avg_fn(0.8), use_buffers=True)
    opt = torch.optim.Adam(student.parameters(), lr=1e-2)
    for step in range(5):
        noisy = x + 0.05 * torch.from_numpy(rng.standard_normal((32, 6)))
        s_logits = student(noisy)
        with torch.no_grad():
            t_probs = F.softmax(teacher(x), dim=-1)
        sup = F.cross_entropy(s_logits[:8], labels[:8])
        cons = F.mse_loss(F.softmax(s_logits, dim=-1), t_probs)
        loss = sup + 2.0 * cons
        opt.zero_grad()
        loss.backward()
        opt.step()
        teacher.update_parameters(student)
        print(f"mean-teacher step {step}: sup {sup.item():.8f} cons {cons.item():.8f}")
    bn_s, bn_t = student[0][1], teacher.module[0][1]
    print("teacher bn running mean:", [round(v, 8) for v in bn_t.running_mean[:3].tolist()],
          "student:", [round(v, 8) for v in bn_s.running_mean[:3].tolist()])
    teacher.eval()
    acc = (teacher(x).argmax(-1) == labels).double().mean()
    print("teacher accuracy:", round(acc.item(), 6))

    # SWA: cosine phase, then constant SWALR with equal-weight averaging, then recompute BN statistics
    model = nn.Sequential(mlp(6, 16, 8), nn.ReLU(), nn.Linear(8, 2))
    init(model, rng)
    swa = AveragedModel(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    cosine = CosineAnnealingLR(opt, T_max=4)
    swa_sched = SWALR(opt, swa_lr=0.02, anneal_epochs=2, anneal_strategy="cos")
    loader = DataLoader(TensorDataset(x, labels), batch_size=8, shuffle=False)
    for epoch in range(6):
        total = 0.0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        if epoch >= 3:
            swa.update_parameters(model)
            swa_sched.step()
        else:
            cosine.step()
        print(f"swa epoch {epoch}: loss {total / 4:.8f} lr {opt.param_groups[0]['lr']:.8f}")
    update_bn(loader, swa)
    swa.eval()
    print("swa bn after update_bn:", [round(v, 8) for v in swa.module[0][1].running_var[:3].tolist()],
          "batches tracked:", swa.module[0][1].num_batches_tracked.item())
    print("swa loss:", round(F.cross_entropy(swa(x), labels).item(), 8))
