"""Pooling and padding layers a vision model rarely prints, float64: FractionalMaxPool2d / FractionalMaxPool3d
with fixed _random_samples (output_size and output_ratio, return_indices fed to MaxUnpool2d), LPPool1d / LPPool2d /
LPPool3d with ceil_mode, ReflectionPad3d / CircularPad3d / ReplicationPad3d / ZeroPad3d, CrossMapLRN2d, and
AdaptiveMaxPool2d with return_indices, in a small network trained a few SGD steps with its gradients printed."""
import torch
import torch.nn as nn


def main():
    torch.manual_seed(3)
    dt = torch.float64
    x = torch.randn(2, 3, 9, 9, dtype=dt, requires_grad=True)
    samples = torch.tensor([[[0.3, 0.7], [0.1, 0.9], [0.5, 0.5]], [[0.8, 0.2], [0.05, 0.6], [0.4, 0.45]]], dtype=dt)
    fmp = nn.FractionalMaxPool2d(3, output_size=(5, 4), return_indices=True, _random_samples=samples)
    y, idx = fmp(x)
    print("fmp2d", tuple(y.shape), idx[0, 0].tolist(), y.grad_fn.name())
    print("fmp2d vals", y[1, 2].detach().numpy().round(6))
    fmp_r = nn.FractionalMaxPool2d((2, 2), output_ratio=(0.5, 0.6), _random_samples=samples)
    y2 = fmp_r(x)
    print("fmp ratio", tuple(y2.shape), round(y2.sum().item(), 8))
    unpool = nn.MaxUnpool2d(2)
    u = unpool(y, idx, output_size=x.shape[-2:])
    print("unpool", tuple(u.shape), int((u != 0).sum()), u.grad_fn.name())
    (y.pow(2).sum() + u.sum() + y2.sum()).backward()
    print("fmp grad", x.grad[0, 1].numpy().round(6))

    v = torch.randn(1, 2, 5, 6, 6, dtype=dt, requires_grad=True)
    s3 = torch.tensor([[[0.25, 0.5, 0.75], [0.9, 0.1, 0.3]]], dtype=dt)
    y3, i3 = nn.FractionalMaxPool3d(2, output_size=(3, 3, 4), return_indices=True, _random_samples=s3)(v)
    print("fmp3d", tuple(y3.shape), i3[0, 1, 0].tolist())
    y3.sum().backward()
    print("fmp3d grad count", int((v.grad != 0).sum()), round(v.grad.sum().item(), 6))

    seq = torch.randn(2, 3, 11, dtype=dt, requires_grad=True)
    lp1 = nn.LPPool1d(2, 3, stride=2, ceil_mode=True)(seq)
    lp2 = nn.LPPool2d(3.0, (2, 3), stride=(2, 2), ceil_mode=True)(x.abs() + 0.1)
    lp3 = nn.LPPool3d(1, 2)(v)
    print("lppool", tuple(lp1.shape), tuple(lp2.shape), tuple(lp3.shape), lp2.grad_fn.name())
    print("lppool vals", lp1[0, 0].detach().numpy().round(6), round(lp2.sum().item(), 6), round(lp3.sum().item(), 6))
    x.grad = None
    (lp1.sum() + lp2.mean()).backward()
    print("lppool grad", seq.grad[1, 2].numpy().round(6), round(x.grad.abs().sum().item(), 6))

    pads = [nn.ReflectionPad3d((1, 2, 0, 1, 2, 1)), nn.CircularPad3d(1), nn.ReplicationPad3d((0, 1, 1, 0, 2, 2)),
            nn.ZeroPad3d((1, 0, 0, 1, 1, 0))]
    for pad in pads:
        v.grad = None
        p = pad(v)
        (p * torch.arange(p.numel(), dtype=dt).reshape(p.shape).cos()).sum().backward()
        print(type(pad).__name__, tuple(p.shape), p.grad_fn.name(), round(v.grad.sum().item(), 8),
              v.grad[0, 0, 0, 0].numpy().round(5))

    lrn = nn.CrossMapLRN2d(3, alpha=1e-2, beta=0.75, k=1.0)
    z = lrn(x)
    print("crossmap", round(z.sum().item(), 8), z[0, 1, 0, :4].detach().numpy().round(6))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3, padding=1, dtype=dt)
            self.pool = nn.FractionalMaxPool2d(2, output_size=(4, 4), _random_samples=samples[:, :1].expand(2, 4, 2))
            self.amp = nn.AdaptiveMaxPool2d((2, 2), return_indices=True)
            self.fc = nn.Linear(16, 2, dtype=dt)

        def forward(self, t):
            h = self.pool(torch.tanh(self.conv(t)))
            h, where = self.amp(h)
            return self.fc(h.flatten(1)), where

    torch.manual_seed(0)
    net = Net()
    opt = torch.optim.SGD(net.parameters(), lr=0.2, momentum=0.5)
    data = x.detach()
    target = torch.tensor([0, 1])
    for step in range(4):
        opt.zero_grad()
        out, where = net(data)
        loss = nn.functional.cross_entropy(out, target)
        loss.backward()
        opt.step()
        print("step", step, round(loss.item(), 10), where[0, 0].flatten().tolist(),
              round(net.conv.weight.grad.norm().item(), 10))
