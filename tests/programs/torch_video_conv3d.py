"""A tiny video classifier and clip autoencoder in float64, written for PyTorch; tests run it as is and with only
its imports changed, and compare what both print. Clips (N, C, T, H, W) of moving squares go through Conv3d with
per-axis kernel / stride / padding / dilation and groups, BatchNorm3d, MaxPool3d(return_indices=True) with
MaxUnpool3d, AvgPool3d(ceil_mode, count_include_pad=False), AdaptiveAvgPool3d / AdaptiveMaxPool3d to a (T, 1, 1)
temporal profile, Dropout3d (p=0 in training, the
identity in eval mode), a (2+1)-D factorised convolution, and a ConvTranspose3d decoder with
output_padding; trained with Adam for a few steps and checked against F.conv3d / F.avg_pool3d. Data and weights
from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class VideoNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.spatial = nn.Conv3d(1, 4, (1, 3, 3), padding=(0, 1, 1))
        self.temporal = nn.Conv3d(4, 4, (3, 1, 1), padding=(1, 0, 0), groups=2)
        self.bn = nn.BatchNorm3d(4)
        self.pool = nn.MaxPool3d((1, 2, 2), return_indices=True)
        self.conv = nn.Conv3d(4, 6, 3, stride=(1, 2, 2), padding=(2, 1, 1), dilation=(2, 1, 1))
        self.drop = nn.Dropout3d(0.0)
        self.profile = nn.AdaptiveAvgPool3d((None, 1, 1))
        self.peak = nn.AdaptiveMaxPool3d((2, 1, 1))
        self.head = nn.Linear(6 * 6 + 6 * 2, 2)
        self.unpool = nn.MaxUnpool3d((1, 2, 2))
        self.decode = nn.ConvTranspose3d(4, 1, 3, stride=(1, 2, 2), padding=1, output_padding=(0, 1, 1))

    def forward(self, clip):
        h = F.relu(self.bn(self.temporal(F.relu(self.spatial(clip)))))
        pooled, idx = self.pool(h)
        feats = self.drop(F.relu(self.conv(pooled)))
        summary = torch.cat([self.profile(feats).flatten(1), self.peak(feats).flatten(1)], 1)
        recon = self.decode(self.unpool(pooled, idx, output_size=h.shape[-3:])[:, :, :, ::2, ::2])
        return self.head(summary), recon


def clips(rng, n, t=6, size=8):
    data, labels = np.zeros((n, 1, t, size, size)), []
    for i in range(n):
        direction = i % 2
        y0, x0 = rng.integers(0, 3, 2)
        for f in range(t):
            dy, dx = (f, 0) if direction == 0 else (0, f)
            data[i, 0, f, y0 + dy // 2:y0 + dy // 2 + 3, x0 + dx // 2:x0 + dx // 2 + 3] = 1.0
        labels.append(direction)
    return data + 0.1 * rng.standard_normal(data.shape), np.array(labels)


def main():
    rng = np.random.default_rng(3)
    data, labels = clips(rng, 6)
    x, y = torch.from_numpy(data), torch.from_numpy(labels)
    model = VideoNet().double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(tuple(p.shape))))

    w = torch.from_numpy(rng.standard_normal((2, 1, 2, 3, 3)))
    direct = F.conv3d(x[:2], w, stride=(2, 1, 1), padding=(0, 1, 0))
    print("conv3d", tuple(direct.shape), direct[0, 1, 0, 2], direct.sum().item())
    avg = F.avg_pool3d(x[:2], (2, 3, 3), stride=2, padding=1, ceil_mode=True, count_include_pad=False)
    print("avg_pool3d", tuple(avg.shape), avg[1, 0, 1, 1], avg.sum().item())
    avg_mod = nn.AvgPool3d(2, stride=(1, 2, 2))(x[:1])
    print("AvgPool3d", tuple(avg_mod.shape), avg_mod[0, 0, 2, 1])

    opt = optim.Adam(model.parameters(), lr=0.01)
    for step in range(8):
        model.train()
        logits, recon = model(x)
        cls = F.cross_entropy(logits, y)
        rec = F.mse_loss(recon, x)
        loss = cls + rec
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} cls {cls.item():.10f} recon {rec.item():.10f} "
              f"bn mean {model.bn.running_mean.sum().item():.10f}")
    model.eval()
    with torch.no_grad():
        logits, recon = model(x)
        _, idx = model.pool(F.relu(model.bn(model.temporal(F.relu(model.spatial(x))))))
        print("eval logits", logits[:, 1] - logits[:, 0])
        print("recon", tuple(recon.shape), recon[0, 0, 2, 3], "pred", logits.argmax(1).tolist())
        print("pool indices", idx[0, 0, 0].flatten().tolist(), "bn var", model.bn.running_var)
        feats = F.relu(model.conv(model.pool(model.bn(model.temporal(F.relu(model.spatial(x)))).relu())[0]))
        print("dropout3d eval", torch.equal(nn.Dropout3d(0.5).eval()(feats), feats))
        print("profile", model.profile(feats)[0, :2].flatten(), "peak", model.peak(feats)[1, 0].flatten())


if __name__ == "__main__":
    main()
