"""ShuffleNet / MobileNet building blocks as mobile-vision tutorials write them; tests run it as is and with only
its imports changed, and compare what both print. Channel shuffle by view / transpose and by nn.ChannelShuffle,
grouped 1x1 and depthwise 3x3 convolutions with strides and padding, the stride-2 unit concatenating an
avg-pooled shortcut, inverted residuals with ReLU6 and BatchNorm in training and eval, squeeze-and-excitation
with Hardsigmoid, pixel_unshuffle / pixel_shuffle as space-to-depth, a grouped ConvTranspose2d with output_padding,
pooling with ceil_mode and count_include_pad, and a few SGD steps on random images. Float32, NumPy weights.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def channel_shuffle(x, groups):
    b, c, h, w = x.shape
    return x.view(b, groups, c // groups, h, w).transpose(1, 2).contiguous().view(b, c, h, w)


class ShuffleUnit(nn.Module):
    def __init__(self, cin, cout, groups, stride):
        super().__init__()
        self.stride, self.groups = stride, groups
        mid = cout // 4
        branch = cout - cin if stride == 2 else cout
        self.gconv1 = nn.Conv2d(cin, mid, 1, groups=groups, bias=False)
        self.bn1 = nn.BatchNorm2d(mid)
        self.dw = nn.Conv2d(mid, mid, 3, stride=stride, padding=1, groups=mid, bias=False)
        self.bn2 = nn.BatchNorm2d(mid)
        self.gconv2 = nn.Conv2d(mid, branch, 1, groups=groups, bias=False)
        self.bn3 = nn.BatchNorm2d(branch)
        self.shuffle = nn.ChannelShuffle(groups)

    def forward(self, x):
        out = F.relu(self.bn1(self.gconv1(x)))
        out = self.shuffle(out)
        out = self.bn2(self.dw(out))
        out = self.bn3(self.gconv2(out))
        if self.stride == 2:
            return F.relu(torch.cat([F.avg_pool2d(x, 3, stride=2, padding=1), out], dim=1))
        return F.relu(x + out)


class SqueezeExcite(nn.Module):
    def __init__(self, c, r=4):
        super().__init__()
        self.fc1 = nn.Conv2d(c, c // r, 1)
        self.fc2 = nn.Conv2d(c // r, c, 1)
        self.gate = nn.Hardsigmoid()

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * self.gate(self.fc2(F.relu(self.fc1(s))))


class InvertedResidual(nn.Module):
    def __init__(self, c, expand=3):
        super().__init__()
        hidden = c * expand
        self.block = nn.Sequential(
            nn.Conv2d(c, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6(inplace=True),
            nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden, bias=False), nn.BatchNorm2d(hidden),
            nn.Hardswish(), SqueezeExcite(hidden), nn.Conv2d(hidden, c, 1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        return x + self.block(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 12, 3, stride=2, padding=1)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.unit1 = ShuffleUnit(12, 24, groups=3, stride=2)
        self.unit2 = ShuffleUnit(24, 24, groups=3, stride=1)
        self.inv = InvertedResidual(24)
        self.head = nn.Linear(24, 5)

    def forward(self, x):
        x = self.pool(F.relu(self.stem(x)))
        x = self.inv(self.unit2(self.unit1(x)))
        return self.head(x.mean((2, 3)))


def main():
    rng = np.random.default_rng(126)
    x = torch.from_numpy(rng.standard_normal((2, 6, 3, 3)).astype(np.float32))
    print(channel_shuffle(x, 3)[0, :, 0, 0], torch.equal(channel_shuffle(x, 2), nn.ChannelShuffle(2)(x)),
          F.channel_shuffle(x, 3)[1, :, 1, 1])
    img = torch.from_numpy(rng.standard_normal((1, 2, 4, 6)).astype(np.float32))
    s2d = F.pixel_unshuffle(img, 2)
    print(s2d.shape, s2d[0, :4, 0, 0], torch.equal(F.pixel_shuffle(s2d, 2), img))
    up = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
    with torch.no_grad():
        up.weight.copy_(torch.from_numpy(rng.normal(0, 0.3, tuple(up.weight.shape)).astype(np.float32)))
        up.bias.copy_(torch.from_numpy(rng.normal(0, 0.1, 6).astype(np.float32)))
    y = up(torch.from_numpy(rng.standard_normal((1, 4, 3, 5)).astype(np.float32)))
    print(y.shape, y[0, :, 0, 0], up.weight.shape)
    z = torch.from_numpy(rng.standard_normal((1, 1, 5, 5)).astype(np.float32))
    print(F.avg_pool2d(z, 2, stride=2, ceil_mode=True)[0, 0], F.avg_pool2d(z, 3, stride=2, padding=1, count_include_pad=False)[0, 0],
          F.max_pool2d(z, 2, stride=2, ceil_mode=True).shape, F.avg_pool2d(z, 3, stride=2, padding=1, ceil_mode=True, divisor_override=2)[0, 0, 0])
    net = Net()
    rs = np.random.default_rng(9)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                for p in m.parameters(recurse=False):
                    p.copy_(torch.from_numpy(rs.normal(0, 0.3, tuple(p.shape)).astype(np.float32)))
    print(sum(p.numel() for p in net.parameters()), [tuple(m.weight.shape) for m in net.unit1.modules() if isinstance(m, nn.Conv2d)])
    images = torch.from_numpy(rng.standard_normal((4, 3, 16, 16)).astype(np.float32))
    labels = torch.from_numpy(rng.integers(0, 5, 4))
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    for step in range(4):
        opt.zero_grad()
        logits = net(images)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.6f}", net.unit1.bn1.running_mean[:3])
    net.eval()
    with torch.no_grad():
        out = net(images)
        print(out[0], out.argmax(1), net.inv.block[1].running_var[:3], net.unit2.dw.weight.grad is None)


if __name__ == "__main__":
    main()
