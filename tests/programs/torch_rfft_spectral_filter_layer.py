"""A learnable spectral filter layer (the global-filter / FNet idea) on 1-D and 2-D signals: torch.fft.rfft with
n= padding and norm="ortho", a complex weight held as a real parameter viewed with torch.view_as_complex,
multiplication in frequency space and torch.fft.irfft back with the original length, rfft2/irfft2 with s= on
images, fftfreq / rfftfreq, fftshift, and a few Adam steps denoising a sinusoid, with gradients checked through
the complex path. Float64; data and weights from a seeded NumPy generator.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class GlobalFilter1d(nn.Module):
    def __init__(self, length, weights):
        super().__init__()
        self.length = length
        self.weight = nn.Parameter(torch.tensor(weights))

    def forward(self, x):
        X = torch.fft.rfft(x, n=self.length, dim=-1, norm="ortho")
        X = X * torch.view_as_complex(self.weight)
        return torch.fft.irfft(X, n=self.length, dim=-1, norm="ortho")[..., : x.shape[-1]]


class GlobalFilter2d(nn.Module):
    def __init__(self, h, w, weights):
        super().__init__()
        self.s = (h, w)
        self.weight = nn.Parameter(torch.tensor(weights))

    def forward(self, x):
        X = torch.fft.rfft2(x, s=self.s, norm="forward")
        Y = X * torch.complex(self.weight[..., 0], self.weight[..., 1])
        return torch.fft.irfft2(Y, s=self.s, norm="forward")


def r(t, k=8):
    return [round(v, k) for v in t.flatten().tolist()]


def main():
    rng = np.random.default_rng(1818)
    n = 24
    t = torch.arange(n, dtype=torch.float64)
    clean = torch.sin(2 * math.pi * 3 * t / n) + 0.5 * torch.cos(2 * math.pi * 5 * t / n)
    noisy = clean + torch.tensor(0.3 * rng.standard_normal((4, n)))
    print("rfftfreq:", r(torch.fft.rfftfreq(8, d=0.5), 6), "fftfreq:", r(torch.fft.fftfreq(5), 6))
    print("fftshift:", r(torch.fft.fftshift(torch.arange(6.0, dtype=torch.float64))))
    spec = torch.fft.rfft(clean)
    print("spectrum:", spec.shape, spec.dtype, "peaks:", spec.abs().topk(2).indices.tolist())
    print("peak magnitudes:", r(spec.abs().topk(2).values, 6))
    layer = GlobalFilter1d(32, 0.1 * rng.standard_normal((17, 2)) + np.array([1.0, 0.0]))
    out = layer(noisy)
    print("filtered:", tuple(out.shape), out.dtype, "first:", r(out[0, :4]))
    opt = torch.optim.Adam(layer.parameters(), lr=0.05)
    for step in range(8):
        opt.zero_grad()
        loss = F.mse_loss(layer(noisy), clean.expand_as(noisy))
        loss.backward()
        if step == 0:
            print("weight grad[:3]:", r(layer.weight.grad[:3], 9))
        opt.step()
        print(f"step {step}: mse {loss.item():.10f}")
    gain = torch.view_as_complex(layer.weight.detach()).abs()
    print("gain at signal bins:", r(gain[[3, 5]], 6), "mean gain:", round(gain.mean().item(), 8))
    img = torch.tensor(rng.standard_normal((2, 1, 6, 8)), requires_grad=True)
    f2 = GlobalFilter2d(6, 8, rng.standard_normal((6, 5, 2)))
    y = f2(img)
    print("2d out:", tuple(y.shape), "rfft2 shape:", tuple(torch.fft.rfft2(img).shape))
    (y ** 2).sum().backward()
    print("img grad sum:", round(img.grad.sum().item(), 8), "weight grad norm:", round(f2.weight.grad.norm().item(), 8))
    z = torch.tensor(rng.standard_normal(10), requires_grad=True)
    Z = torch.fft.fft(z)
    power = (Z.real ** 2 + Z.imag ** 2).sum() + torch.fft.ifft(Z * 1j).imag.sum()
    power.backward()
    print("parseval:", round(power.item(), 8), "grad:", r(z.grad[:4], 8))
