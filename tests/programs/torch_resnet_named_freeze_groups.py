"""A small ResNet for 16x16 images built with nn.Sequential(OrderedDict(...)) names, inspected the way people
debug transfer learning: named_modules / named_buffers / state_dict keys, model.apply(init_fn) with kaiming and
constant init, freezing the stem with requires_grad_(False), an optimizer with per-group learning rates and
weight decay, a few training steps on random images, then the frozen weights checked unchanged. Float32;
torch.manual_seed drives every random number.
"""
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(OrderedDict([
                ("conv", nn.Conv2d(cin, cout, 1, stride, bias=False)), ("bn", nn.BatchNorm2d(cout))]))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


def init_fn(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.constant_(m.weight, 1.0)
        nn.init.constant_(m.bias, 0.0)
    elif isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, 0, 0.01)
        nn.init.zeros_(m.bias)


def main():
    torch.manual_seed(5)
    model = nn.Sequential(OrderedDict([
        ("stem", nn.Sequential(OrderedDict([("conv", nn.Conv2d(3, 8, 3, padding=1, bias=False)),
                                            ("bn", nn.BatchNorm2d(8)), ("relu", nn.ReLU(inplace=True))]))),
        ("layer1", Block(8, 8, 1)),
        ("layer2", Block(8, 16, 2)),
        ("pool", nn.AdaptiveAvgPool2d((1, 1))),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(16, 5)),
    ]))
    model.apply(init_fn)
    names = [n for n, _ in model.named_modules()]
    print("modules:", len(names), names[:6])
    print("last modules:", names[-4:])
    print("buffers:", [n for n, _ in model.named_buffers()][:4], len(list(model.buffers())))
    keys = list(model.state_dict().keys())
    print("state_dict keys:", len(keys), keys[:5])
    print("shortcut keys:", [k for k in keys if "shortcut" in k])
    print("conv std:", round(model.stem.conv.weight.std().item(), 4), "fc std:", round(model.fc.weight.std().item(), 5))
    model.stem.requires_grad_(False)
    frozen = model.stem.conv.weight.clone()
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    print("trainable:", len(trainable), "frozen:", sum(1 for p in model.parameters() if not p.requires_grad))
    head = list(model.fc.parameters())
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("fc")]
    opt = torch.optim.SGD([{"params": body, "lr": 0.01}, {"params": head, "lr": 0.1, "weight_decay": 1e-3}],
                          lr=0.05, momentum=0.9)
    print("groups:", [(g["lr"], g["weight_decay"], len(g["params"])) for g in opt.param_groups])
    x = torch.randn(12, 3, 16, 16)
    y = torch.randint(0, 5, (12,))
    for step in range(5):
        opt.zero_grad()
        out = model(x)
        loss = F.cross_entropy(out, y)
        loss.backward()
        opt.step()
        print(f"step {step}: loss {loss.item():.5f} out {tuple(out.shape)}")
    print("stem grad is None:", model.stem.conv.weight.grad is None, "unchanged:", torch.equal(frozen, model.stem.conv.weight))
    print("stem running_mean:", [round(v, 5) for v in model.stem.bn.running_mean[:4].tolist()])
    print("batches tracked:", model.layer2.shortcut.bn.num_batches_tracked.item())
    model.eval()
    with torch.no_grad():
        pred = model(x).softmax(-1)
    print("eval probs row0:", [round(v, 4) for v in pred[0].tolist()])
    print("fc bias:", [round(v, 5) for v in model.fc.bias.tolist()])
