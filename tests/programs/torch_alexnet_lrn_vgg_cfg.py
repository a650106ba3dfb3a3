"""Two classic image classifiers written by hand at toy size, float32, every weight from torch.manual_seed: an
AlexNet-style network (large-stride first conv, ReLU(inplace=True), nn.LocalResponseNorm after the first two
convolutions as in the paper, overlapping MaxPool2d(3, 2), nn.AdaptiveAvgPool2d((2, 2)) so the classifier is
input-size independent, Dropout in the classifier) and VGG built from torchvision's make_layers(cfg, batch_norm)
lists ("M" entries for pooling), with the torchvision weight initialisation (kaiming_normal_ fan_out, normal_(0,
0.01) for Linear, constant_ for BatchNorm). Each trains three SGD-with-momentum steps; losses, gradient norms,
parameter counts, feature shapes at two input sizes and BatchNorm running statistics are printed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class AlexNetSmall(nn.Module):
    def __init__(self, num_classes=5, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=5, stride=2, padding=2), nn.ReLU(inplace=True),
            nn.LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2.0),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(16, 24, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.LocalResponseNorm(size=3, alpha=1e-3, beta=0.75, k=1.0),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(24, 32, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((2, 2))
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(32 * 2 * 2, 48), nn.ReLU(inplace=True),
                                        nn.Linear(48, num_classes))

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))


cfgs = {"A": [8, "M", 16, "M", 32, 32, "M"], "B": [8, 8, "M", 16, 16, "M", 32, "M"]}


def make_layers(cfg, batch_norm=False):
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    def __init__(self, features, num_classes=5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.classifier = nn.Sequential(nn.Linear(32, 24), nn.ReLU(True), nn.Dropout(p=0.0), nn.Linear(24, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def train(model, x, y, name, steps=3):
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    model.train()
    for step in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        gnorm = torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters()))
        opt.step()
        print(f"{name} step {step}: loss {loss.item():.5f} grad norm {gnorm.item():.5f}")


def main():
    torch.manual_seed(20)
    x = torch.randn(6, 3, 32, 32)
    y = torch.randint(0, 5, (6,))
    lrn = nn.LocalResponseNorm(3)
    print("lrn", lrn, lrn(x[:1, :, :2, :2]).flatten()[:4])
    alex = AlexNetSmall(dropout=0.0)
    print("alexnet params", sum(p.numel() for p in alex.parameters()))
    print("features 32x32", alex.features(x).shape, "40x48", alex.features(torch.randn(1, 3, 40, 48)).shape)
    print("logits", alex(x)[0])
    train(alex, x, y, "alexnet")
    alex.eval()
    with torch.no_grad():
        print("eval logits", alex(x[:2]))

    for key, bn in [("A", False), ("B", True)]:
        vgg = VGG(make_layers(cfgs[key], batch_norm=bn))
        n_conv = sum(isinstance(m, nn.Conv2d) for m in vgg.modules())
        print(f"vgg {key} bn={bn}: {len(vgg.features)} layers, {n_conv} convs,",
              sum(p.numel() for p in vgg.parameters() if p.requires_grad), "params")
        print("conv std", vgg.features[0].weight.std().item())
        train(vgg, x, y, f"vgg{key}")
        if bn:
            bn1 = vgg.features[1]
            print("running mean", bn1.running_mean[:4], "batches", bn1.num_batches_tracked.item())
            print("running var", bn1.running_var[:4])
        vgg.eval()
        with torch.no_grad():
            probs = F.softmax(vgg(x), dim=1)
        print("eval probs", probs[0], probs.argmax(1).tolist())
