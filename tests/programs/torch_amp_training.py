"""A PyTorch automatic-mixed-precision training loop, written for PyTorch (autocast, GradScaler, unscale_ and
gradient clipping); tests run it as is and with only its imports changed. Deterministic: no random numbers.

The first steps overflow on purpose (init_scale 2**21): float16 gradients times 2**21 are inf, so the scaler
skips those steps and halves its scale until they fit, as in real runs.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.fc1 = nn.Linear(4 * 6 * 6, 32)
        self.norm = nn.LayerNorm(32)
        self.fc2 = nn.Linear(32, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        x = self.norm(F.relu(self.fc1(x.flatten(1))))
        return self.fc2(x)


def deterministic_init(model):
    with torch.no_grad():
        for i, (name, p) in enumerate(model.named_parameters()):
            values = torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.37 + i) * 0.3
            p.copy_(values.view_as(p))


def make_data():
    t = torch.linspace(-1, 1, 64 * 144).view(64, 1, 12, 12)
    x = torch.sin(7 * t) + torch.cos(3 * t * t)
    score = x[:, 0, :6, :].mean(dim=(1, 2)) - x[:, 0, 6:, :].mean(dim=(1, 2))
    y = torch.zeros(64, dtype=torch.long)
    y[score > -0.05] = 1
    y[score > 0.05] = 2
    return x, y


def main(device="cpu"):
    x, y = make_data()
    model = Net().to(device)
    deterministic_init(model)
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scaler = torch.amp.GradScaler(device, init_scale=2.0 ** 21)
    losses, scales = [], []
    for step in range(24):
        start = (step % 4) * 16
        xb, yb = x[start:start + 16].to(device), y[start:start + 16].to(device)
        optimizer.zero_grad()
        with torch.autocast(device_type=device, dtype=torch.float16):
            out = model(xb)
            loss = F.cross_entropy(out, yb)
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=2.0)
        scaler.step(optimizer)
        scaler.update()
        losses.append(loss.item())
        scales.append(scaler.get_scale())
        assert out.dtype == torch.float16 and loss.dtype == torch.float32
        assert all(p.dtype == torch.float32 and p.grad.dtype == torch.float32 for p in model.parameters())
    print(f"AMP: first loss {losses[0]:.5f}, last loss {losses[-1]:.5f}, final scale {scales[-1]}")
    return {"losses": losses, "scales": scales}


if __name__ == "__main__":
    main()
