"""Mixed-precision training on the CPU with torch.autocast('cpu', dtype=torch.bfloat16): a small convolutional
network with InstanceNorm2d(affine=True, track_running_stats=True), GroupNorm, BatchNorm2d and LayerNorm after
autocast convolutions and linears, printing each activation's dtype and grad_fn name, the float32 loss, the
parameters' gradient dtypes, the running statistics, autocast switched off inside (torch.autocast(enabled=False))
and the eval-mode outputs, for a few SGD steps."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 4, 3, padding=1)
        self.inorm = nn.InstanceNorm2d(4, affine=True, track_running_stats=True)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.gnorm = nn.GroupNorm(3, 6)
        self.bnorm = nn.BatchNorm2d(6)
        self.fc = nn.Linear(6 * 4 * 4, 8)
        self.lnorm = nn.LayerNorm(8)
        self.head = nn.Linear(8, 3)

    def forward(self, x, trace=None):
        steps = []
        h = self.conv1(x)
        steps.append(("conv1", h))
        h = F.relu(self.inorm(h))
        steps.append(("inorm", h))
        h = self.gnorm(self.conv2(h))
        steps.append(("gnorm", h))
        h = self.bnorm(h)
        steps.append(("bnorm", h))
        h = self.lnorm(self.fc(h.flatten(1)))
        steps.append(("lnorm", h))
        with torch.autocast("cpu", enabled=False):
            extra = h.float().pow(2).mean()
        steps.append(("fp32 block", extra))
        out = self.head(torch.tanh(h))
        steps.append(("head", out))
        if trace is not None:
            trace.extend((name, str(t.dtype), t.grad_fn.name()) for name, t in steps)
        return out, extra


def main():
    torch.manual_seed(21)
    model = Net()
    x = torch.randn(4, 2, 6, 6)
    y = torch.tensor([0, 2, 1, 2])
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for step in range(4):
        opt.zero_grad()
        trace = [] if step == 0 else None
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out, extra = model(x, trace)
            loss = F.cross_entropy(out, y) + 0.01 * extra
        if trace:
            for line in trace:
                print(*line)
            print("loss", loss.dtype, loss.grad_fn.name())
        loss.backward()
        opt.step()
        print("step", step, f"{loss.item():.4f}", str(model.conv1.weight.grad.dtype),
              f"{model.inorm.weight.grad.abs().sum().item():.4f}")
        print("  running", model.inorm.running_mean.numpy().round(3), model.bnorm.running_var.numpy().round(3))
    model.eval()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out, _ = model(x)
    print("eval", out.dtype, out.float().detach().numpy().round(2))
