"""A ResNet-style CIFAR trainer as the fast-training recipes write it: BasicBlocks with BatchNorm and a 1x1
projection shortcut, weight decay only on conv / linear weights (norms and biases in a no-decay param group),
SGD with Nesterov momentum, OneCycleLR stepped per batch (cosine, then linear annealing with three_phase), label
smoothing in CrossEntropyLoss, and eval-mode accuracy with running statistics. NumPy data, float32.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class ResNetTiny(nn.Module):
    def __init__(self, classes=4):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True))
        self.layer1 = BasicBlock(8, 8, 1)
        self.layer2 = BasicBlock(8, 16, 2)
        self.head = nn.Linear(16, classes)

    def forward(self, x):
        x = self.layer2(self.layer1(self.stem(x)))
        return self.head(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(21)
    model = ResNetTiny()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                fan_out = m.out_channels * m.kernel_size[0] * m.kernel_size[1]
                m.weight.copy_(torch.tensor(rng.normal(0, np.sqrt(2 / fan_out), tuple(m.weight.shape)), dtype=torch.float32))
            elif isinstance(m, nn.Linear):
                m.weight.copy_(torch.tensor(rng.uniform(-0.25, 0.25, tuple(m.weight.shape)), dtype=torch.float32))
                m.bias.zero_()
        for name, m in model.named_modules():
            if name.endswith("bn2"):
                nn.init.zeros_(m.weight)
    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    print("decay / no-decay tensors:", len(decay), len(no_decay))
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0.0}],
                          lr=0.1, momentum=0.9, nesterov=True)
    epochs, steps = 3, 4
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[0.2, 0.1], epochs=epochs, steps_per_epoch=steps,
                                                pct_start=0.25, div_factor=10, final_div_factor=100, three_phase=True)
    print("initial lrs:", [round(g["lr"], 6) for g in opt.param_groups], "momentum:", opt.param_groups[0]["momentum"])
    centers = rng.normal(0, 1, (4, 3, 1, 1))
    x_all = torch.tensor(centers[rng.integers(0, 4, 64)] + rng.normal(0, 1.0, (64, 3, 8, 8)), dtype=torch.float32)
    y_all = torch.tensor(np.argmax(x_all.mean(dim=(2, 3)).numpy() @ rng.normal(0, 1, (3, 4)), axis=1))
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for b in range(steps):
            xb, yb = x_all[b * 16:(b + 1) * 16], y_all[b * 16:(b + 1) * 16]
            loss = criterion(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        lrs = [g["lr"] for g in opt.param_groups]
        print(f"epoch {epoch}: loss {total / steps:.5f} lr {lrs[0]:.6f} {lrs[1]:.6f} momentum {opt.param_groups[0]['momentum']:.5f}")
    model.eval()
    with torch.no_grad():
        logits = model(x_all)
        acc = (logits.argmax(1) == y_all).float().mean().item()
        print("eval accuracy:", round(acc, 4), "eval loss:", round(F.cross_entropy(logits, y_all).item(), 5))
    bn = model.stem[1]
    print("stem running mean:", bn.running_mean)
    print("stem running var:", bn.running_var)
    print("batches tracked:", bn.num_batches_tracked.item())
    print("bn2 gamma layer1:", model.layer1.bn2.weight)
    print("scheduler last lr:", [round(v, 8) for v in sched.get_last_lr()])
