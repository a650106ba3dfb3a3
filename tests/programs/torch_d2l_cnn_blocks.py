"""The modern-CNN chapter's blocks in the style of Dive into Deep Learning (d2l.ai), written for PyTorch; tests run it
as is and with only its imports changed, and compare what both print. vgg_block appended into a layers list and
unpacked into nn.Sequential, nin_block with 1x1 convolutions and a global nn.AdaptiveAvgPool2d head, an Inception
block of four branches concatenated on dim=1, d2l's Residual with an optional 1x1 projection (use_1x1conv, strides),
a DenseNet dense block whose conv_block outputs are concatenated onto the input and its transition block, the
layer-by-layer shape walk (`for layer in net: X = layer(X)`, also from torch.rand(size=..., dtype=...) as d2l draws
its probe), parameter counts with numel, and a short training run of a small NiN-style net with its gradient norms.
Float32, weights and data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

    def forward(self, x):
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        return torch.cat((p1, p2, p3, p4), dim=1)


class Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides) if use_1x1conv else None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


def conv_block(input_channels, num_channels):
    return nn.Sequential(nn.BatchNorm2d(input_channels), nn.ReLU(),
                         nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1))


class DenseBlock(nn.Module):
    def __init__(self, num_convs, input_channels, num_channels):
        super().__init__()
        self.net = nn.Sequential(*[conv_block(num_channels * i + input_channels, num_channels)
                                   for i in range(num_convs)])

    def forward(self, X):
        for blk in self.net:
            Y = blk(X)
            X = torch.cat((X, Y), dim=1)
        return X


def transition_block(input_channels, num_channels):
    return nn.Sequential(nn.BatchNorm2d(input_channels), nn.ReLU(),
                         nn.Conv2d(input_channels, num_channels, kernel_size=1), nn.AvgPool2d(kernel_size=2, stride=2))


def load_numpy(module, rng, scale=0.2):
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("weight") and p.dim() == 1:
                p.copy_(torch.from_numpy(1 + rng.normal(0, 0.1, tuple(p.shape)).astype(np.float32)))
            else:
                p.copy_(torch.from_numpy(rng.normal(0, scale, tuple(p.shape)).astype(np.float32)))


def summary(t):
    return tuple(t.shape), round(t.mean().item(), 4), round(t.std().item(), 4)


def main():
    rng = np.random.default_rng(5)
    conv_arch = ((1, 4), (2, 8))
    blocks, in_channels = [], 1
    for num_convs, out_channels in conv_arch:
        blocks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    vgg = nn.Sequential(*blocks, nn.Flatten(), nn.Linear(8 * 4 * 4, 16), nn.ReLU(), nn.Dropout(0.5),
                        nn.Linear(16, 10))
    load_numpy(vgg, rng)
    vgg.eval()
    X = torch.from_numpy(rng.normal(0, 1, (2, 1, 16, 16)).astype(np.float32))
    for blk in vgg:
        X = blk(X)
        if not isinstance(blk, (nn.ReLU, nn.Dropout)):
            print(blk.__class__.__name__, "output shape:\t", X.shape)
    print("vgg logits:", [round(v, 4) for v in X[0, :5].tolist()])
    print("vgg params:", sum(p.numel() for p in vgg.parameters()), len(list(vgg.parameters())))

    X = torch.rand(size=(1, 1, 32, 32), dtype=torch.float32)
    walk = nn.Sequential(nin_block(1, 6, kernel_size=5, strides=2, padding=1), nn.MaxPool2d(3, stride=2),
                         nn.Dropout(0.5), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
    print("shape walk:", [tuple((X := layer(X)).shape) for layer in walk])
    nin = nn.Sequential(nin_block(1, 6, kernel_size=5, strides=2, padding=1), nn.MaxPool2d(3, stride=2),
                        nin_block(6, 4, kernel_size=3, strides=1, padding=1),
                        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
    load_numpy(nin, rng, 0.3)
    X = torch.from_numpy(rng.normal(0, 1, (3, 1, 20, 20)).astype(np.float32))
    print("nin:", summary(nin(X)), [round(v, 4) for v in nin(X)[0].tolist()])

    inc = Inception(6, 4, (3, 6), (2, 3), 3)
    load_numpy(inc, rng)
    X = torch.from_numpy(rng.normal(0, 1, (2, 6, 7, 7)).astype(np.float32))
    print("inception:", summary(inc(X)))

    blk = Residual(3, 3)
    load_numpy(blk, rng)
    X = torch.from_numpy(rng.normal(0, 1, (4, 3, 6, 6)).astype(np.float32))
    print("residual:", summary(blk(X)))
    blk2 = Residual(3, 6, use_1x1conv=True, strides=2)
    load_numpy(blk2, rng)
    print("residual 1x1, stride 2:", summary(blk2(X)), blk2.bn1.num_batches_tracked.item())
    print("running mean:", [round(v, 4) for v in blk2.bn2.running_mean.tolist()])

    dense = DenseBlock(2, 3, 5)
    load_numpy(dense, rng)
    Y = dense(X)
    print("dense block:", summary(Y), torch.equal(Y[:, :3], X))
    trans = transition_block(13, 4)
    load_numpy(trans, rng)
    print("transition:", summary(trans(Y)))

    net = nn.Sequential(nin_block(1, 4, 3, 1, 1), nn.MaxPool2d(2), nin_block(4, 3, 3, 1, 1),
                        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
    load_numpy(net, rng, 0.4)
    imgs = torch.from_numpy(rng.normal(0, 1, (12, 1, 8, 8)).astype(np.float32))
    labels = torch.from_numpy(rng.integers(0, 3, 12))
    opt = torch.optim.SGD(net.parameters(), lr=0.3, momentum=0.9)
    for epoch in range(4):
        opt.zero_grad()
        loss = F.cross_entropy(net(imgs), labels)
        loss.backward()
        norms = [round(p.grad.norm().item(), 4) for p in net.parameters() if p.dim() == 4]
        opt.step()
        print(f"nin epoch {epoch}: loss {loss.item():.5f} conv grad norms {norms[:3]}")
