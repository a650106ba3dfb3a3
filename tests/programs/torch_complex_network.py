"""A complex-valued network trained with a real loss, as signal-processing and MRI papers write it: complex
parameters (cfloat/cdouble Linear layers), modReLU and cardioid activations, |z| and angle features, the
conjugate Wirtinger gradients PyTorch defines (checked against finite differences), torch.polar /
view_as_real / view_as_complex, and FFT-based circular convolution (fft, ifft, rfft with n, irfft) checked
against a direct sum, with an SGD step on complex weights. Float64 / complex128.
"""
import numpy as np
import torch
import torch.nn as nn


class ModReLU(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.b = nn.Parameter(torch.full((features,), -0.1, dtype=torch.float64))

    def forward(self, z):
        mag = z.abs()
        return torch.relu(mag + self.b) * z / (mag + 1e-9)


def cardioid(z):
    return 0.5 * (1 + torch.cos(torch.angle(z))) * z


class ComplexNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 6, dtype=torch.cdouble)
        self.act = ModReLU(6)
        self.fc2 = nn.Linear(6, 2, dtype=torch.cdouble)

    def forward(self, z):
        return self.fc2(cardioid(self.act(self.fc1(z))))


def main():
    rng = np.random.default_rng(23)
    net = ComplexNet()
    with torch.no_grad():
        for name, p in net.named_parameters():
            if p.is_complex():
                p.copy_(torch.tensor(rng.normal(0, 0.5, tuple(p.shape)) + 1j * rng.normal(0, 0.5, tuple(p.shape))))
    print("param dtypes:", [str(p.dtype) for p in net.parameters()])
    z = torch.tensor(rng.normal(0, 1, (8, 4)) + 1j * rng.normal(0, 1, (8, 4)))
    target = torch.tensor(rng.normal(0, 1, (8, 2)) + 1j * rng.normal(0, 1, (8, 2)))
    out = net(z)
    print("out[0]:", out[0].detach())
    loss = (out - target).abs().pow(2).mean()
    loss.backward()
    print("loss:", loss.item())
    print("fc2 bias grad:", net.fc2.bias.grad)
    print("modrelu grad:", net.act.b.grad)
    w = net.fc2.bias
    eps = 1e-6
    with torch.no_grad():
        w[0] += eps
        up = (net(z) - target).abs().pow(2).mean().item()
        w[0] -= 2 * eps
        down = (net(z) - target).abs().pow(2).mean().item()
        w[0] += eps
        d_real = (up - down) / (2 * eps)
        w[0] += 1j * eps
        up = (net(z) - target).abs().pow(2).mean().item()
        w[0] -= 2j * eps
        down = (net(z) - target).abs().pow(2).mean().item()
        w[0] += 1j * eps
        d_imag = (up - down) / (2 * eps)
    print("finite difference matches grad:", abs(d_real - w.grad[0].real.item()) < 1e-6,
          abs(d_imag - w.grad[0].imag.item()) < 1e-6)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.5)
    for step in range(5):
        opt.zero_grad()
        loss = (net(z) - target).abs().pow(2).mean()
        loss.backward()
        opt.step()
        print(f"step {step}: loss {loss.item():.10f}")
    r = torch.tensor(rng.uniform(0.5, 2, 5), requires_grad=True)
    th = torch.tensor(rng.uniform(-3, 3, 5), requires_grad=True)
    p = torch.polar(r, th)
    feats = torch.view_as_real(p)
    (feats[:, 0] * 2 + feats[:, 1] ** 2).sum().backward()
    print("polar grads:", r.grad, th.grad)
    zz = torch.tensor(rng.normal(0, 1, (3, 2)), requires_grad=True)
    c = torch.view_as_complex(zz)
    (c * c.conj()).real.sum().backward()
    print("view_as_complex grad:", zz.grad)
    x = torch.tensor(rng.normal(0, 1, 16), requires_grad=True)
    k = torch.tensor(rng.normal(0, 1, 16))
    circ = torch.fft.ifft(torch.fft.fft(x) * torch.fft.fft(k)).real
    direct = torch.stack([sum(x[j] * k[(i - j) % 16] for j in range(16)) for i in range(16)])
    print("fft conv matches direct:", torch.allclose(circ, direct))
    lin = torch.fft.irfft(torch.fft.rfft(x, n=32) * torch.fft.rfft(k[:5], n=32), n=32)[:20]
    print("linear conv via rfft:", lin[:6].detach())
    lin.pow(2).sum().backward()
    print("grad through rfft/irfft:", x.grad[:6])
    spec = torch.fft.fft(torch.complex(x.detach(), k))
    print("spectrum angle/abs:", spec.angle()[:4], spec.abs()[:4])
