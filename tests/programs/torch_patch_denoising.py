"""Patch-based image denoising in float64, written for PyTorch; tests run it as is and with only its imports
changed, and compare what both print. Overlapping patches are cut with nn.Unfold (stride, padding, dilation),
denoised by non-local means (patch distances with torch.cdist, softmax weights over the other patches) and by a
learned linear patch dictionary, and put back with nn.Fold, divided by the fold of ones (the overlap counts);
F.unfold / F.fold with non-square kernels and dilation must invert each other on the counts, Tensor.unfold makes
a sliding-window view over rows, and the dictionary is trained with Adam on noisy / clean pairs. PSNR per method
is printed. Data from a seeded NumPy generator.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


def psnr(a, b):
    return (10 * torch.log10(1.0 / F.mse_loss(a, b))).item()


def synthetic(rng, n, size):
    yy, xx = np.mgrid[:size, :size] / size
    out = []
    for _ in range(n):
        fx, fy, phase = rng.uniform(1, 3, 2).tolist() + [rng.uniform(0, math.pi)]
        img = 0.5 + 0.3 * np.sin(2 * math.pi * (fx * xx + fy * yy) + phase)
        img[size // 3: size // 2, size // 4: 3 * size // 4] += 0.2
        out.append(img)
    return torch.from_numpy(np.stack(out)[:, None])


def fold_average(patches, size, kernel, stride, padding=0):
    fold = nn.Fold(output_size=size, kernel_size=kernel, stride=stride, padding=padding)
    counts = fold(torch.ones_like(patches))
    return fold(patches) / counts, counts


def main():
    rng = np.random.default_rng(1618)
    clean = synthetic(rng, 4, 12)
    noisy = clean + 0.1 * torch.from_numpy(rng.standard_normal(clean.shape))
    print("noisy psnr", psnr(noisy, clean))

    unfold = nn.Unfold(kernel_size=3, stride=1, padding=1)
    patches = unfold(noisy)
    print("patches", tuple(patches.shape), patches[0, :, 0])
    recon, counts = fold_average(patches, (12, 12), 3, 1, padding=1)
    print("fold(unfold) / counts is the identity", (recon - noisy).abs().max().item() < 1e-12,
          "counts", counts[0, 0, 0, :4].tolist(), counts[0, 0, 5, 5].item())

    # non-local means over the patches of each image
    filtered = []
    for h in (0.05, 0.1, 0.2):
        out = []
        for b in range(noisy.shape[0]):
            p = patches[b].t()                               # (L, 9)
            d2 = torch.cdist(p, p).pow(2) / p.shape[1]
            w = F.softmax(-d2 / (h * h), dim=1)
            out.append((w @ p).t())
        denoised, _ = fold_average(torch.stack(out), (12, 12), 3, 1, padding=1)
        filtered.append(denoised)
        print(f"nlm h={h} psnr {psnr(denoised, clean):.10f} center {denoised[1, 0, 6, 6].item():.10f}")

    for kernel, dilation, stride, padding in (((2, 3), 1, 1, 0), ((3, 2), 2, (2, 1), 1), (3, (1, 2), 2, 2)):
        cols = F.unfold(clean, kernel, dilation=dilation, padding=padding, stride=stride)
        counts = F.fold(torch.ones_like(cols), (12, 12), kernel, dilation=dilation, padding=padding, stride=stride)
        back = F.fold(cols, (12, 12), kernel, dilation=dilation, padding=padding, stride=stride)
        covered = counts > 0
        ok = torch.allclose(back[covered] / counts[covered], clean[covered])
        print(f"unfold k={kernel} d={dilation} s={stride} p={padding} cols {tuple(cols.shape)} "
              f"covered {int(covered.sum())} exact {ok} max count {counts.max().item()}")

    rows = noisy[0, 0].unfold(0, 3, 2)                   # (5, 12, 3): windows of three rows, step 2
    smooth_rows = rows.mean(-1)
    print("row windows", tuple(rows.shape), smooth_rows[2, :4], noisy[0, 0].unfold(1, 4, 4).sum((0, 2)))

    # a learned linear patch denoiser: 9 -> 5 -> 9 with a skip, trained on patch pairs
    enc = nn.Linear(9, 5).double()
    dec = nn.Linear(5, 9).double()
    for layer in (enc, dec):
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(0.2 * rng.standard_normal(tuple(layer.weight.shape))))
            layer.bias.zero_()
    train_clean = synthetic(rng, 6, 12)
    train_noisy = train_clean + 0.1 * torch.from_numpy(rng.standard_normal(train_clean.shape))
    x_p = unfold(train_noisy).transpose(1, 2).reshape(-1, 9)
    y_p = unfold(train_clean).transpose(1, 2).reshape(-1, 9)
    opt = optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=0.02)
    for step in range(40):
        pred = x_p - dec(torch.tanh(enc(x_p)))
        loss = F.mse_loss(pred, y_p)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 8 == 0:
            print(f"dictionary step {step} loss {loss.item():.12f}")
    with torch.no_grad():
        p = patches.transpose(1, 2)
        den = (p - dec(torch.tanh(enc(p)))).transpose(1, 2)
        learned, _ = fold_average(den, (12, 12), 3, 1, padding=1)
    print("learned psnr", psnr(learned, clean), "vs best nlm", max(psnr(f, clean) for f in filtered))
    print("learned sample", learned[2, 0, 4, :4])


if __name__ == "__main__":
    main()
