"""Three ResNet variants written by hand at toy size, float64 (built under torch.manual_seed in float32 then
.double()): ResNeXt's bottleneck (width = planes * base_width / 64 * groups, a grouped 3x3 conv with groups=
cardinality, a 1x1 conv plus BatchNorm downsample shortcut, zero-initialised last BatchNorm gamma as
zero_init_residual does), a pre-activation ResNet block (BatchNorm-ReLU before each conv, the shortcut taken from
the pre-activated input), and a Wide ResNet basic block (widen_factor, Dropout between the convolutions, the
equalInOut flag). Each trains three steps with SGD (nesterov, weight decay) under a MultiStepLR; losses, gradient
norms of the grouped convs, parameter counts by module type and eval outputs are printed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ResNeXtBottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, groups=4, base_width=16):
        super().__init__()
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, groups=groups, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes * self.expansion, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or inplanes != planes * self.expansion:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes * self.expansion, 1, stride, bias=False),
                                            nn.BatchNorm2d(planes * self.expansion))

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class PreActBlock(nn.Module):
    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False))

    def forward(self, x):
        out = F.relu(self.bn1(x))
        shortcut = self.shortcut(out) if hasattr(self, "shortcut") else x
        out = self.conv1(out)
        out = self.conv2(F.relu(self.bn2(out)))
        return out + shortcut


class WideBasic(nn.Module):
    def __init__(self, in_planes, out_planes, stride, drop_rate=0.0):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(in_planes, out_planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_planes)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_planes, out_planes, 3, 1, 1, bias=False)
        self.droprate = drop_rate
        self.equalInOut = in_planes == out_planes
        self.convShortcut = None if self.equalInOut else nn.Conv2d(in_planes, out_planes, 1, stride, 0, bias=False)

    def forward(self, x):
        if not self.equalInOut:
            x = self.relu1(self.bn1(x))
            out = x
        else:
            out = self.relu1(self.bn1(x))
        out = self.relu2(self.bn2(self.conv1(out if self.equalInOut else x)))
        if self.droprate > 0:
            out = F.dropout(out, p=self.droprate, training=self.training)
        out = self.conv2(out)
        return torch.add(x if self.equalInOut else self.convShortcut(x), out)


def count_by_type(model):
    counts = {}
    for m in model.modules():
        n = sum(p.numel() for p in m.parameters(recurse=False))
        if n:
            counts[type(m).__name__] = counts.get(type(m).__name__, 0) + n
    return counts


def train(net, x, y, name):
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[1, 2], gamma=0.2)
    for step in range(3):
        net.train()
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        grouped = [m for m in net.modules() if isinstance(m, nn.Conv2d)][1]
        print(f"{name} step {step}: loss {loss.item():.12f} conv grad {grouped.weight.grad.norm().item():.12f} "
              f"lr {opt.param_groups[0]['lr']:.4f}")
        opt.step()
        sched.step()
    net.eval()
    with torch.no_grad():
        print(f"{name} eval", net(x[:2]))


def main():
    torch.manual_seed(42)
    x = torch.randn(4, 8, 8, 8, dtype=torch.float64)
    y = torch.tensor([0, 1, 2, 1])
    resnext = nn.Sequential(ResNeXtBottleneck(8, 4, stride=1), ResNeXtBottleneck(16, 8, stride=2),
                            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 3)).double()
    for m in resnext.modules():
        if isinstance(m, ResNeXtBottleneck):
            nn.init.constant_(m.bn3.weight, 0)
    print("grouped conv", resnext[0].conv2, resnext[0].conv2.weight.shape)
    print("params by type", count_by_type(resnext))
    train(resnext, x, y, "resnext")
    print("bn3 gamma moved", resnext[1].bn3.weight[:4])

    preact = nn.Sequential(PreActBlock(8, 8), PreActBlock(8, 12, stride=2), nn.BatchNorm2d(12), nn.ReLU(),
                           nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(12, 3)).double()
    print("preact shortcut", hasattr(preact[0], "shortcut"), preact[1].shortcut)
    train(preact, x, y, "preact")

    wide = nn.Sequential(WideBasic(8, 16, 1, drop_rate=0.3), WideBasic(16, 16, 1, drop_rate=0.3),
                         nn.BatchNorm2d(16), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 3)).double()
    print("wide", [b.equalInOut for b in wide[:2]], sum(p.numel() for p in wide.parameters()))
    train(wide, x, y, "wide")
