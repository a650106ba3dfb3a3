"""A SegNet-style encoder-decoder in float32, written for PyTorch; tests run it as is and with only its imports
changed, and compare what both print. The decoder upsamples with nn.MaxUnpool2d from the indices that
nn.MaxPool2d(return_indices=True, ceil_mode=True) returned (with output_size for odd sizes), a 1-D branch uses
MaxPool1d/MaxUnpool1d, AvgPool1d(count_include_pad=False, ceil_mode=True), AvgPool2d(divisor_override=),
LPPool1d/LPPool2d power-average pooling and AdaptiveMaxPool1d(return_indices=True), and the network is trained on
a toy segmentation of bright blobs with a per-pixel cross-entropy. Data and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class SegNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1 = nn.Conv2d(1, 4, 3, padding=1)
        self.enc2 = nn.Conv2d(4, 6, 3, padding=1)
        self.pool = nn.MaxPool2d(2, stride=2, return_indices=True, ceil_mode=True)
        self.unpool = nn.MaxUnpool2d(2, stride=2)
        self.dec2 = nn.Conv2d(6, 4, 3, padding=1)
        self.dec1 = nn.Conv2d(4, 2, 3, padding=1)
        self.lp = nn.LPPool2d(2, kernel_size=2, stride=1)
        self.avg = nn.AvgPool2d(3, stride=1, padding=1, divisor_override=4)

    def forward(self, x):
        h1 = F.relu(self.enc1(x))
        p1, i1 = self.pool(h1)
        h2 = F.relu(self.enc2(p1))
        p2, i2 = self.pool(h2)
        u2 = self.unpool(p2, i2, output_size=h2.shape[-2:])
        d2 = F.relu(self.dec2(u2))
        u1 = self.unpool(d2, i1, output_size=h1.shape[-2:])
        logits = self.dec1(u1) + 0.1 * self.avg(u1).mean(1, keepdim=True)
        return logits, self.lp(h1)


def blobs(rng, n, size):
    yy, xx = np.mgrid[:size, :size]
    images, masks = [], []
    for _ in range(n):
        cy, cx = rng.uniform(2, size - 2, 2)
        r = rng.uniform(1.5, 3.0)
        mask = ((yy - cy) ** 2 + (xx - cx) ** 2 <= r * r).astype(np.int64)
        images.append(mask + 0.3 * rng.standard_normal((size, size)))
        masks.append(mask)
    return np.stack(images)[:, None], np.stack(masks)


def main():
    rng = np.random.default_rng(17)
    images, masks = blobs(rng, 8, 11)
    x = torch.from_numpy(images).float()
    y = torch.from_numpy(masks)
    model = SegNet()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(tuple(p.shape))).float())

    with torch.no_grad():
        p, idx = F.max_pool2d(x[:1], 2, return_indices=True, ceil_mode=True)
        print("ceil pool", tuple(p.shape), "indices", idx[0, 0, :2])
        back = F.max_unpool2d(p, idx, 2, output_size=x.shape[-2:])
        print("unpool keeps maxima", tuple(back.shape), (back != 0).sum().item(), back.sum().item())

    opt = optim.Adam(model.parameters(), lr=0.02)
    for step in range(10):
        logits, lp = model(x)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        iou = ((logits.argmax(1) == 1) & (y == 1)).sum().item() / ((logits.argmax(1) == 1) | (y == 1)).sum().item()
        print(f"step {step} loss {loss.item():.5f} iou {iou:.4f} lp {lp.mean().item():.5f}")

    signal = torch.from_numpy(np.sin(np.linspace(0, 6, 2 * 3 * 13)).reshape(2, 3, 13)).float()
    signal = signal + torch.from_numpy(0.2 * rng.standard_normal((2, 3, 13))).float()
    signal.requires_grad_(True)
    m1, i1 = F.max_pool1d(signal, 3, stride=2, padding=1, return_indices=True)
    print("max_pool1d", m1[0, 0], i1[0, 0])
    un = nn.MaxUnpool1d(3, stride=2, padding=1)(m1, i1, output_size=signal.shape[-1:])
    print("max_unpool1d", un[0, 0])
    avg = nn.AvgPool1d(4, stride=3, padding=2, ceil_mode=True, count_include_pad=False)(signal)
    print("avg_pool1d", tuple(avg.shape), avg[1, 2])
    lp1 = nn.LPPool1d(3, kernel_size=3, stride=2)(signal.abs())
    print("lp_pool1d", lp1[0, 1])
    amax, aidx = nn.AdaptiveMaxPool1d(4, return_indices=True)(signal)
    print("adaptive max", amax[1, 0], aidx[1, 0])
    total = m1.sum() + un.pow(2).sum() + avg.sum() + lp1.sum() + amax.sum()
    total.backward()
    print("signal grad", signal.grad[0, 0])
    print("grad total", signal.grad.sum().item(), signal.grad.abs().sum().item())


if __name__ == "__main__":
    main()
