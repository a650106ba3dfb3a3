"""Signal-processing recipes with complex tensors, written for PyTorch; tests run it as is and with only its
imports changed, and compare what both print: FFT convolution against conv1d, a windowed magnitude
spectrogram, fftshift/fftfreq, polar/view_as_real round trips, a complex least-squares fit by gradient
descent (Wirtinger gradients through matmul with .mH), phase recovery of a signal from its spectrum
magnitude and a reference, and the printing of complex tensors. Float64 from a seeded NumPy generator.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F


def fft_convolve(signal, kernel):
    size = signal.shape[-1] + kernel.shape[-1] - 1
    return torch.fft.irfft(torch.fft.rfft(signal, n=size) * torch.fft.rfft(kernel, n=size), n=size)


def spectrogram(signal, frame, hop):
    window = torch.from_numpy(np.hanning(frame))
    frames = signal.unfold(-1, frame, hop) * window
    return torch.fft.rfft(frames, norm="ortho").abs() ** 2


def main():
    rng = np.random.default_rng(5)
    signal = torch.from_numpy(rng.standard_normal(40))
    kernel = torch.from_numpy(rng.standard_normal(5))
    direct = F.conv1d(signal.view(1, 1, -1), kernel.flip(0).view(1, 1, -1), padding=4).view(-1)
    via_fft = fft_convolve(signal, kernel)
    print("fft convolution matches conv1d", torch.allclose(direct, via_fft), f"{(direct - via_fft).abs().max().item():.3e}")

    t = torch.arange(64, dtype=torch.float64) / 64
    tone = torch.sin(2 * math.pi * 5 * t) + 0.5 * torch.cos(2 * math.pi * 12 * t)
    spec = spectrogram(tone, 16, 8)
    print("spectrogram", tuple(spec.shape), spec.argmax(-1).tolist())
    print("peak bins", torch.fft.rfft(tone).abs().topk(2).indices.tolist())
    print("fftfreq", torch.fft.fftfreq(8, d=0.5))
    print("shifted", torch.fft.fftshift(torch.fft.fftfreq(8)))
    print("2-D spectrum", torch.fft.fft2(tone.view(8, 8))[:2, :3])

    z = torch.polar(torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64), torch.tensor([0.0, math.pi / 2, -2.0], dtype=torch.float64))
    print("polar", z)
    print("as real", torch.view_as_real(z))
    print("back", torch.view_as_complex(torch.view_as_real(z) * 2))
    print("abs angle", z.abs(), z.angle())
    print("conj and real/imag", z.conj(), z.real, z.imag)

    a = torch.from_numpy(rng.standard_normal((12, 3)) + 1j * rng.standard_normal((12, 3)))
    truth = torch.from_numpy(np.array([1 - 2j, 0.5j, -1.5 + 0.25j]))
    b = a @ truth
    w = torch.zeros(3, dtype=torch.cdouble, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.02, momentum=0.5)
    for step in range(60):
        optimizer.zero_grad()
        residual = a @ w - b
        loss = (residual.conj() * residual).real.sum()
        loss.backward()
        optimizer.step()
        if step % 20 == 0:
            print(f"lsq step {step} loss {loss.item():.10f}")
    print("fitted", w.detach())
    normal = torch.linalg.norm(a.mH @ (a @ w.detach() - b))
    print("normal-equation residual", f"{normal.item():.6e}")

    reference = torch.from_numpy(rng.standard_normal(16))
    magnitude = torch.fft.fft(reference).abs()
    phase = torch.zeros(16, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([phase], lr=0.05)
    for step in range(80):
        optimizer.zero_grad()
        estimate = torch.fft.ifft(torch.polar(magnitude, phase)).real
        loss = ((estimate - reference) ** 2).sum() + 0.1 * torch.fft.rfft(estimate, norm="forward").abs().mean()
        loss.backward()
        optimizer.step()
        if step % 20 == 0:
            print(f"phase step {step} loss {loss.item():.10f}")
    print("phase grad", phase.grad[:4])
    print("dtypes", torch.fft.fft(torch.ones(4, dtype=torch.float32)).dtype, torch.fft.irfft(torch.ones(3, dtype=torch.cfloat)).dtype)
    print("scalar", torch.tensor(1 + 1j) * 2, (torch.ones(2) * 1j).dtype, torch.randn(2, dtype=torch.cfloat).dtype)


if __name__ == "__main__":
    main()
