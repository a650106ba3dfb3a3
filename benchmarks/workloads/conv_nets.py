"""The small CNNs of the `convs` grid, built from the layers of `nn` (deepgrad's nn or torch.nn alike):
CIFAR-10 ResNets (He et al. 2016: 3 stages of 16/32/64 channels, n basic blocks each, depth 6n + 2)
and a MobileNet-style depthwise-separable block."""


def _basic_block(nn, cin, cout, stride):
    """Two 3x3 conv + BatchNorm layers with an identity (or 1x1 projection) shortcut."""

    class BasicBlock(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU()
            self.shortcut = nn.Sequential()
            if stride != 1 or cin != cout:
                self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            return self.relu(self.bn2(self.conv2(out)) + self.shortcut(x))
    return BasicBlock()


def cifar_resnet(nn, depth):
    """ResNet-`depth` for 3x32x32 images and 10 classes (depth = 6n + 2: 8, 20, 32, ...)."""
    n = (depth - 2) // 6
    layers = [nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for stage, cout in enumerate((16, 32, 64)):
        for i in range(n):
            layers.append(_basic_block(nn, cin, cout, 2 if stage and i == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


def separable_block(nn, channels, out_channels):
    """Depthwise 3x3 conv + BatchNorm + ReLU, then pointwise 1x1 conv + BatchNorm + ReLU, then a classifier head."""
    return nn.Sequential(
        nn.Conv2d(channels, channels, 3, padding=1, groups=channels, bias=False), nn.BatchNorm2d(channels), nn.ReLU(),
        nn.Conv2d(channels, out_channels, 1, bias=False), nn.BatchNorm2d(out_channels), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(out_channels, 10))
