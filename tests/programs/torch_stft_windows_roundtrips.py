"""Short-time Fourier analysis as audio front ends write it; tests run it as is and with only its imports changed,
and compare what both print. Every torch.signal.windows window (sym and periodic, with their shape arguments) and
the torch.*_window factories with periodic=False, stft / istft round trips over center, pad_mode, win_length
shorter than n_fft, onesided=False, normalized, return_complex=False and a complex input, a spectral-gating
denoiser trained through stft / istft by gradient descent, and a gradient of a log-magnitude loss back to the
waveform. Float64 from a seeded NumPy generator.
"""
import math

import numpy as np
import torch
import torch.nn as nn


class SpectralGate(nn.Module):
    """A learned per-frequency gain applied between stft and istft."""

    def __init__(self, n_fft, hop):
        super().__init__()
        self.n_fft, self.hop = n_fft, hop
        self.logit = nn.Parameter(torch.zeros(n_fft // 2 + 1, 1, dtype=torch.float64))
        self.register_buffer("window", torch.hann_window(n_fft, dtype=torch.float64))

    def forward(self, wave):
        spec = torch.stft(wave, self.n_fft, self.hop, window=self.window, return_complex=True)
        gated = spec * torch.sigmoid(self.logit)
        return torch.istft(gated, self.n_fft, self.hop, window=self.window, length=wave.shape[-1])


def main():
    rng = np.random.default_rng(2402)
    w = torch.signal.windows
    print("hann", w.hann(6, dtype=torch.float64), w.hann(6, sym=False, dtype=torch.float64))
    print("hamming", w.hamming(5, dtype=torch.float64), w.general_hamming(5, alpha=0.6, sym=False,
                                                                          dtype=torch.float64))
    print("blackman", w.blackman(7, dtype=torch.float64), w.nuttall(7, dtype=torch.float64))
    print("bartlett", w.bartlett(6, dtype=torch.float64), w.cosine(6, sym=False, dtype=torch.float64))
    print("gaussian", w.gaussian(7, std=1.5, dtype=torch.float64), w.exponential(7, tau=2.0, dtype=torch.float64))
    print("exponential periodic", w.exponential(6, center=2.0, tau=3.0, sym=False, dtype=torch.float64))
    print("kaiser", w.kaiser(8, beta=8.6, dtype=torch.float64),
          torch.kaiser_window(8, periodic=False, beta=5.0, dtype=torch.float64))
    print("general cosine", w.general_cosine(6, a=[0.46, 0.23, 0.31], sym=True, dtype=torch.float64))
    print("factories", torch.hann_window(5, periodic=False, dtype=torch.float64),
          torch.bartlett_window(5, dtype=torch.float64), torch.blackman_window(4, periodic=False, dtype=torch.float64))

    t = torch.arange(256, dtype=torch.float64) / 256
    clean = torch.sin(2 * math.pi * 9 * t) + 0.4 * torch.sin(2 * math.pi * 31 * t)
    noisy = clean + 0.3 * torch.from_numpy(rng.standard_normal(256))
    win = torch.hann_window(32, dtype=torch.float64)
    spec = torch.stft(noisy, 32, 8, window=win, return_complex=True)
    print("centered", tuple(spec.shape), spec.abs().sum().item(), spec[3, 1:5])
    back = torch.istft(spec, 32, 8, window=win)
    print("round trip", tuple(back.shape), (back - noisy).abs().max().item() < 1e-12)
    short = torch.stft(noisy, 32, 8, win_length=20, window=torch.hamming_window(20, dtype=torch.float64),
                       center=True, pad_mode="constant", return_complex=True)
    print("win_length 20", tuple(short.shape), short.abs().mean().item())
    back = torch.istft(short, 32, 8, win_length=20, window=torch.hamming_window(20, dtype=torch.float64),
                       length=256)
    print("win_length round trip", (back - noisy).abs().max().item() < 1e-12)
    uncentered = torch.stft(noisy, 32, 16, window=win, center=False, return_complex=True)
    print("uncentered", tuple(uncentered.shape), uncentered.abs().max().item())
    two_sided = torch.stft(noisy, 16, 4, window=torch.hann_window(16, dtype=torch.float64), onesided=False,
                           normalized=True, return_complex=True)
    print("two sided", tuple(two_sided.shape), torch.allclose(two_sided[1], two_sided[15].conj()),
          two_sided.abs().pow(2).sum().item())
    back = torch.istft(two_sided, 16, 4, window=torch.hann_window(16, dtype=torch.float64), onesided=False,
                       normalized=True, length=256)
    print("two sided round trip", (back - noisy).abs().max().item() < 1e-12)
    as_real = torch.stft(noisy[:64], 16, 8, window=torch.hann_window(16, dtype=torch.float64),
                         return_complex=False)
    print("return_complex=False", tuple(as_real.shape), as_real.dtype, as_real[2, 1])
    analytic = torch.complex(noisy[:64], torch.roll(noisy[:64], 3))
    cspec = torch.stft(analytic, 16, 8, window=torch.hann_window(16, dtype=torch.float64), return_complex=True)
    print("complex input", tuple(cspec.shape), cspec.dtype, cspec.abs().sum().item())
    cback = torch.istft(cspec, 16, 8, window=torch.hann_window(16, dtype=torch.float64), onesided=False,
                        return_complex=True, length=64)
    print("complex round trip", cback.dtype, (cback - analytic).abs().max().item() < 1e-12)
    batch = torch.stack([noisy, clean])
    print("batched", tuple(torch.stft(batch, 64, 32, window=torch.hann_window(64, dtype=torch.float64),
                                      return_complex=True).shape))

    gate = SpectralGate(32, 8)
    opt = torch.optim.Adam(gate.parameters(), lr=0.2)
    for step in range(40):
        opt.zero_grad()
        loss = ((gate(noisy) - clean) ** 2).mean()
        loss.backward()
        opt.step()
        if step % 10 == 9:
            print("gate step", step, loss.item())
    gains = torch.sigmoid(gate.logit).squeeze(1)
    print("gate gains", gains[:12])
    print("strongest bins", gains.topk(3).indices.tolist())

    wave = noisy[:96].clone().requires_grad_(True)
    mag = torch.stft(wave, 16, 4, window=torch.blackman_window(16, dtype=torch.float64),
                     return_complex=True).abs()
    loss = torch.log1p(mag).sum()
    loss.backward()
    print("log magnitude", loss.item(), wave.grad[:6], wave.grad.norm().item())


if __name__ == "__main__":
    main()
