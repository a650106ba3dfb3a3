"""A small ResNet as torchvision's resnet.py initialises it, seeded by torch.manual_seed(2024): nn.init.
kaiming_normal_(mode="fan_out", nonlinearity="relu") on every Conv2d, BatchNorm weights 1 and biases 0, the last
BatchNorm of each residual branch zero-initialised (zero_init_residual), nn.Dropout2d before the head, and a
training loop with augmentation written in torch: random crops from torch.randint offsets after padding, random
horizontal flips from torch.rand, and mixup with a per-batch torch.randperm partner and a mixing weight drawn by
torch.distributions.Uniform (a Beta draw is not among the samplers that draw PyTorch's numbers). Images from
torch.randn with a horizontal, a vertical or no stripe. Float32; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Uniform


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self, num_classes=3, zero_init_residual=True):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.layer1 = BasicBlock(8, 8)
        self.layer2 = BasicBlock(8, 16, stride=2)
        self.dropout = nn.Dropout2d(0.2)
        self.fc = nn.Linear(16, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, BasicBlock):
                    nn.init.constant_(m.bn2.weight, 0)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer2(self.layer1(x))
        x = self.dropout(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def augment(images, pad=1):
    n, _, h, w = images.shape
    padded = F.pad(images, (pad, pad, pad, pad), mode="reflect")
    tops = torch.randint(0, 2 * pad + 1, (n,))
    lefts = torch.randint(0, 2 * pad + 1, (n,))
    crops = torch.stack([padded[i, :, t:t + h, l:l + w] for i, (t, l) in enumerate(zip(tops.tolist(), lefts.tolist()))])
    flip = torch.rand(n) < 0.5
    return torch.where(flip[:, None, None, None], crops.flip(-1), crops)


def main():
    torch.manual_seed(2024)
    model = ResNet()
    print("conv1 weight std:", round(model.conv1.weight.std().item(), 4),
          "layer2 conv:", [round(v, 4) for v in model.layer2.conv1.weight.flatten()[:4].tolist()])
    print("fc (default init):", [round(v, 4) for v in model.fc.weight[0, :4].tolist()])
    n = 48
    labels = torch.randint(0, 3, (n,))
    images = torch.randn(n, 1, 8, 8) * 0.5
    images[labels == 0, :, 3] += 1.5          # class 0: a horizontal stripe
    images[labels == 1, :, :, 4] += 1.5       # class 1: a vertical one; class 2: none
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4, nesterov=True)
    mix = Uniform(0.6, 1.0)
    for epoch in range(7):
        model.train()
        order = torch.randperm(n)
        total = 0.0
        for i in range(0, n, 16):
            idx = order[i:i + 16]
            x, y = augment(images[idx]), labels[idx]
            lam = mix.sample().item()
            partner = torch.randperm(x.size(0))
            x = lam * x + (1 - lam) * x[partner]
            out = model(x)
            loss = lam * F.cross_entropy(out, y) + (1 - lam) * F.cross_entropy(out, y[partner])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        model.eval()
        with torch.no_grad():
            acc = (model(images).argmax(1) == labels).float().mean().item()
        print(f"epoch {epoch}: loss {total / 3:.4f} train acc {acc:.4f} last lam {lam:.4f}")
    print("predictions:", model(images[:12]).argmax(1).tolist(), "labels:", labels[:12].tolist())
    print("an augmented image's first row:", augment(images[:1])[0, 0, 0])
    print("running mean:", model.bn1.running_mean[:4])
    print("zero-init residual gamma now:", model.layer1.bn2.weight[:4])
