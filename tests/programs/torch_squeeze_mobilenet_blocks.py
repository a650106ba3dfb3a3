"""SqueezeNet's Fire module and MobileNetV2's inverted residual written by hand at toy size, float32 with
torch.manual_seed: Fire (1x1 squeeze, then 1x1 and 3x3 expand branches joined by torch.cat) with the SqueezeNet
final conv initialised by init.normal_(std=0.01) and the others by kaiming_uniform_, a ceil_mode MaxPool2d and
Dropout before the classifier conv; MobileNetV2's _make_divisible channel rounding, ConvBNReLU6 blocks, the
inverted residual (1x1 expansion, 3x3 depthwise with groups=hidden, linear 1x1 bottleneck, skip only when
stride 1 and channels match), ReLU6 clamping counted. Both train a few steps with RMSprop / SGD-nesterov;
losses, gradient norms, parameter counts and the depthwise weight shape are printed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.init as init


class Fire(nn.Module):
    def __init__(self, inplanes, squeeze_planes, expand1x1_planes, expand3x3_planes):
        super().__init__()
        self.squeeze = nn.Conv2d(inplanes, squeeze_planes, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze_planes, expand1x1_planes, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        self.expand3x3 = nn.Conv2d(squeeze_planes, expand3x3_planes, kernel_size=3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)

    def forward(self, x):
        x = self.squeeze_activation(self.squeeze(x))
        return torch.cat([self.expand1x1_activation(self.expand1x1(x)),
                          self.expand3x3_activation(self.expand3x3(x))], 1)


class TinySqueezeNet(nn.Module):
    def __init__(self, num_classes=4):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=3, stride=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            Fire(16, 4, 8, 8), Fire(16, 4, 8, 8),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            Fire(16, 6, 12, 12))
        final_conv = nn.Conv2d(24, num_classes, kernel_size=1)
        self.classifier = nn.Sequential(nn.Dropout(p=0.0), final_conv, nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d((1, 1)))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                if m is final_conv:
                    init.normal_(m.weight, mean=0.0, std=0.01)
                else:
                    init.kaiming_uniform_(m.weight)
                if m.bias is not None:
                    init.constant_(m.bias, 0)

    def forward(self, x):
        return torch.flatten(self.classifier(self.features(x)), 1)


def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


class ConvBNReLU(nn.Sequential):
    def __init__(self, in_planes, out_planes, kernel_size=3, stride=1, groups=1):
        padding = (kernel_size - 1) // 2
        super().__init__(nn.Conv2d(in_planes, out_planes, kernel_size, stride, padding, groups=groups, bias=False),
                         nn.BatchNorm2d(out_planes), nn.ReLU6(inplace=True))


class InvertedResidual(nn.Module):
    def __init__(self, inp, oup, stride, expand_ratio):
        super().__init__()
        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = stride == 1 and inp == oup
        layers = []
        if expand_ratio != 1:
            layers.append(ConvBNReLU(inp, hidden_dim, kernel_size=1))
        layers.extend([ConvBNReLU(hidden_dim, hidden_dim, stride=stride, groups=hidden_dim),
                       nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False), nn.BatchNorm2d(oup)])
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class TinyMobileNetV2(nn.Module):
    def __init__(self, num_classes=4, width_mult=0.5):
        super().__init__()
        setting = [[1, 8, 1, 1], [6, 12, 2, 2], [6, 16, 2, 1]]
        input_channel = _make_divisible(16 * width_mult, 4)
        features = [ConvBNReLU(3, input_channel, stride=2)]
        for t, c, n, s in setting:
            output_channel = _make_divisible(c * width_mult, 4)
            for i in range(n):
                features.append(InvertedResidual(input_channel, output_channel, s if i == 0 else 1, expand_ratio=t))
                input_channel = output_channel
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(0.0), nn.Linear(input_channel, num_classes))

    def forward(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(torch.flatten(x, 1))


def main():
    torch.manual_seed(3)
    x = torch.randn(6, 3, 33, 33)
    y = torch.randint(0, 4, (6,))
    sq = TinySqueezeNet()
    print("squeezenet params", sum(p.numel() for p in sq.parameters()), "features", sq.features(x).shape)
    print("final conv std", sq.classifier[1].weight.std().item())
    opt = torch.optim.RMSprop(sq.parameters(), lr=1e-3, alpha=0.9, momentum=0.5)
    for step in range(3):
        opt.zero_grad()
        loss = F.cross_entropy(sq(x), y)
        loss.backward()
        print(f"squeezenet step {step}: loss {loss.item():.5f} fire grad {sq.features[3].expand3x3.weight.grad.norm().item():.5f}")
        opt.step()
    print("divisible", [_make_divisible(v, 8) for v in (3, 12, 17.5, 30, 100)], _make_divisible(9, 4, 12))
    mb = TinyMobileNetV2()
    dw = mb.features[2].conv[1][0]
    print("mobilenet params", sum(p.numel() for p in mb.parameters()), "blocks", len(mb.features))
    print("depthwise", dw.weight.shape, dw.groups, [blk.use_res_connect for blk in mb.features[1:]])
    with torch.no_grad():
        h = mb.features[0](x)
    print("relu6 range", h.min().item(), h.max().item(), (h == 6).sum().item())
    opt = torch.optim.SGD(mb.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=4e-5)
    for step in range(3):
        opt.zero_grad()
        loss = F.cross_entropy(mb(x), y, label_smoothing=0.1)
        loss.backward()
        gn = nn.utils.clip_grad_norm_(mb.parameters(), max_norm=5.0)
        opt.step()
        print(f"mobilenet step {step}: loss {loss.item():.5f} grad norm {gn.item():.5f}")
    mb.eval()
    with torch.no_grad():
        out = mb(x)
    print("eval logits", out[:2])
    print("bn running var", mb.features[1].conv[0][1].running_var[:4])
