"""GoogLeNet's inception block and DenseNet's dense block and transition, written by hand as torchvision does at
toy size, float32 with torch.manual_seed: BasicConv2d (Conv2d without bias, BatchNorm2d(eps=0.001), ReLU), four
branches joined with torch.cat along channels (1x1; 1x1 then 3x3; 1x1 then 3x3 standing in for 5x5; 3x3 max
pool with ceil_mode=True then 1x1), an auxiliary classifier through AdaptiveAvgPool2d((4, 4)); DenseNet's
_DenseLayer in BatchNorm-ReLU-Conv order with a bottleneck of bn_size * growth_rate channels, the concatenated
features list growing each layer, the transition halving channels with AvgPool2d(2). Two SGD-momentum steps for GoogLeNet and two AdamW steps for DenseNet
with the losses, channel counts and gradient norms of each branch printed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)), inplace=True)


class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(BasicConv2d(in_channels, ch3x3red, kernel_size=1),
                                     BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1))
        self.branch3 = nn.Sequential(BasicConv2d(in_channels, ch5x5red, kernel_size=1),
                                     BasicConv2d(ch5x5red, ch5x5, kernel_size=3, padding=1))
        self.branch4 = nn.Sequential(nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),
                                     BasicConv2d(in_channels, pool_proj, kernel_size=1))

    def forward(self, x):
        outputs = [self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)]
        return torch.cat(outputs, 1)


class TinyGoogLeNet(nn.Module):
    def __init__(self, num_classes=4):
        super().__init__()
        self.stem = BasicConv2d(3, 12, kernel_size=3, stride=2, padding=1)
        self.maxpool = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = Inception(12, 8, 6, 10, 2, 4, 4)
        self.inception3b = Inception(26, 10, 8, 12, 4, 6, 6)
        self.aux_pool = nn.AdaptiveAvgPool2d((4, 4))
        self.aux_fc = nn.Linear(26 * 16, num_classes)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(34, num_classes)

    def forward(self, x):
        x = self.maxpool(self.stem(x))
        x = self.inception3a(x)
        aux = self.aux_fc(torch.flatten(self.aux_pool(x), 1)) if self.training else None
        x = self.inception3b(x)
        return self.fc(torch.flatten(self.avgpool(x), 1)), aux


class _DenseLayer(nn.Module):
    def __init__(self, num_input_features, growth_rate, bn_size):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, padding=1, bias=False)

    def forward(self, inputs):
        concated = torch.cat(inputs, 1)
        bottleneck = self.conv1(self.relu1(self.norm1(concated)))
        return self.conv2(self.relu2(self.norm2(bottleneck)))


class _DenseBlock(nn.ModuleDict):
    def __init__(self, num_layers, num_input_features, bn_size, growth_rate):
        super().__init__()
        for i in range(num_layers):
            self.add_module("denselayer%d" % (i + 1), _DenseLayer(num_input_features + i * growth_rate, growth_rate, bn_size))

    def forward(self, init_features):
        features = [init_features]
        for name, layer in self.items():
            features.append(layer(features))
        return torch.cat(features, 1)


class _Transition(nn.Sequential):
    def __init__(self, num_input_features, num_output_features):
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


def main():
    torch.manual_seed(7)
    x = torch.randn(4, 3, 24, 24)
    y = torch.tensor([0, 3, 1, 2])
    net = TinyGoogLeNet()
    print("googlenet params", sum(p.numel() for p in net.parameters()))
    print("inception3a out", net.inception3a(torch.randn(2, 12, 6, 6)).shape)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    for step in range(2):
        opt.zero_grad()
        logits, aux = net(x)
        loss = F.cross_entropy(logits, y) + 0.3 * F.cross_entropy(aux, y)
        loss.backward()
        norms = [torch.cat([p.grad.flatten() for p in getattr(net.inception3b, f"branch{i}").parameters()]).norm().item()
                 for i in range(1, 5)]
        opt.step()
        print(f"googlenet step {step}: loss {loss.item():.5f}, branch grad norms", [round(n, 5) for n in norms])
    net.eval()
    with torch.no_grad():
        logits, aux = net(x)
    print("eval", logits[:2], aux)
    print("bn eps", net.stem.bn.eps, net.stem.bn.running_var[:3])

    block = _DenseBlock(num_layers=3, num_input_features=8, bn_size=2, growth_rate=4)
    trans = _Transition(8 + 3 * 4, 10)
    head = nn.Linear(10, 4)
    dense = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), block, trans)
    feats = dense(x)
    print("dense out", block(torch.randn(1, 8, 5, 5)).shape, "transition", feats.shape)
    print("layer names", list(block.keys()), block.denselayer3.conv1.in_channels)
    params = list(dense.parameters()) + list(head.parameters())
    print("densenet params", sum(p.numel() for p in params))
    opt = torch.optim.AdamW(params, lr=5e-3, weight_decay=1e-2)
    for step in range(2):
        opt.zero_grad()
        out = head(F.adaptive_avg_pool2d(F.relu(dense(x)), 1).flatten(1))
        loss = F.cross_entropy(out, y, label_smoothing=0.1)
        loss.backward()
        print(f"dense step {step}: loss {loss.item():.5f}, conv1 grad {block.denselayer1.conv1.weight.grad.norm().item():.5f}")
        opt.step()
    print("transition weight", trans.conv.weight[0, :5, 0, 0])
    print("norm1 running_mean", block.denselayer2.norm1.running_mean[:4])
