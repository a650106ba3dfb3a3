"""EfficientNet's MBConv block written by hand as torchvision does, float32 with torch.manual_seed: expansion 1x1
conv, depthwise kxk conv (groups = channels, stride 2 in the downsampling block), SqueezeExcitation (adaptive
average pool, two 1x1 convs, SiLU then Sigmoid scale), a linear 1x1 projection, and StochasticDepth in "row"
mode written out (torch.empty([N, 1, 1, 1]).bernoulli_(survival_rate), divided by the survival rate) and in
"batch" mode; BatchNorm2d(eps=1e-3, momentum=0.01) as EfficientNet sets it, nn.SiLU(inplace=True). The drop path
is checked for eval identity, its drop rate is counted over many draws, and four SGD steps are printed with the
learning rate from a cosine schedule and the SE gates.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def stochastic_depth(input, p, mode, training=True):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    survival_rate = 1.0 - p
    if mode == "row":
        size = [input.shape[0]] + [1] * (input.ndim - 1)
    else:
        size = [1] * input.ndim
    noise = torch.empty(size, dtype=input.dtype, device=input.device)
    noise = noise.bernoulli_(survival_rate)
    if survival_rate > 0.0:
        noise.div_(survival_rate)
    return input * noise


class StochasticDepth(nn.Module):
    def __init__(self, p, mode):
        super().__init__()
        self.p, self.mode = p, mode

    def forward(self, input):
        return stochastic_depth(input, self.p, self.mode, self.training)

    def extra_repr(self):
        return f"p={self.p}, mode={self.mode}"


class SqueezeExcitation(nn.Module):
    def __init__(self, input_channels, squeeze_channels):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = nn.SiLU()
        self.scale_activation = nn.Sigmoid()

    def _scale(self, input):
        return self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(input)))))

    def forward(self, input):
        return self._scale(input) * input


def conv_bn_act(cin, cout, k, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01)]
    if act:
        layers.append(nn.SiLU(inplace=True))
    return nn.Sequential(*layers)


class MBConv(nn.Module):
    def __init__(self, cin, cout, expand_ratio, kernel, stride, sd_prob):
        super().__init__()
        self.use_res_connect = stride == 1 and cin == cout
        expanded = cin * expand_ratio
        layers = []
        if expanded != cin:
            layers.append(conv_bn_act(cin, expanded, 1))
        layers.append(conv_bn_act(expanded, expanded, kernel, stride, groups=expanded))
        layers.append(SqueezeExcitation(expanded, max(1, cin // 4)))
        layers.append(conv_bn_act(expanded, cout, 1, act=False))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(sd_prob, "row")

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result += input
        return result


def main():
    torch.manual_seed(11)
    x = torch.randn(8, 3, 16, 16)
    y = torch.randint(0, 3, (8,))
    sd = StochasticDepth(0.25, "row")
    ones = torch.ones(4000, 1, 1, 1)
    kept = (sd(ones) > 0).float().mean().item()
    print(sd, "kept fraction", kept, "scaled to", sd(ones).max().item())
    sd.eval()
    print("eval identity", torch.equal(sd(ones), ones))
    print("batch mode", stochastic_depth(torch.ones(3, 2), 0.5, "batch").tolist())
    blocks = [(8, 8, 1, 3, 1), (8, 12, 4, 3, 2), (12, 12, 4, 5, 1), (12, 12, 4, 3, 1)]
    total = len(blocks)
    layers = [conv_bn_act(3, 8, 3, stride=2)]
    for i, (cin, cout, e, k, s) in enumerate(blocks):
        layers.append(MBConv(cin, cout, e, k, s, sd_prob=0.2 * i / total))
    net = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(12, 3))
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out")
        elif isinstance(m, nn.Linear):
            init_range = 1.0 / math.sqrt(m.out_features)
            nn.init.uniform_(m.weight, -init_range, init_range)
            nn.init.zeros_(m.bias)
    print("params", sum(p.numel() for p in net.parameters()))
    print("sd probs", [round(b.stochastic_depth.p, 3) for b in net[1:5]], [b.use_res_connect for b in net[1:5]])
    print("depthwise", net[2].block[1][0])
    # SGD, not Adam: a BatchNorm bias that feeds a 1x1 conv and another BatchNorm gets an exactly-zero gradient,
    # which Adam's normalisation would turn rounding noise into full-size steps
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-5)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
    for step in range(4):
        net.train()
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        gn = torch.sqrt(sum(p.grad.pow(2).sum() for p in net.parameters()))
        opt.step()
        sched.step()
        print(f"step {step}: loss {loss.item():.5f} grad norm {gn.item():.5f} lr {sched.get_last_lr()[0]:.6f}")
    net.eval()
    with torch.no_grad():
        gates = net[3].block[2]._scale(net[2](net[1](net[0](x[:2]))).repeat(1, 4, 1, 1))
        out = net(x)
    print("se gates", gates.flatten()[:6])
    print("eval logits", out[:3])
    print("bn stats", net[0][1].running_mean[:4], net[0][1].momentum)
