"""Audio feature extraction and keyword-style classification written for PyTorch without torchaudio, the way speech
front ends are written by hand; tests run it as is and with only its imports changed, and compare what both print.
Synthetic chirps and tones from a seeded NumPy generator; torch.stft with a Hann window (center=True reflect
padding, onesided, normalized), power spectrogram, a triangular mel filterbank built from torch.linspace /
torch.fft.rfftfreq, log-mel with clamp_min, MFCCs through an orthonormal DCT-II matrix, deltas by conv1d with
replicate padding, SpecAugment-style time/frequency masks, torch.istft round trip, a few Griffin-Lim iterations
(torch.polar / angle), and a small Conv2d classifier trained on the log-mels. Float64, weights from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SR, N_FFT, HOP, N_MELS = 800, 64, 16, 10


def hz_to_mel(f):
    return 2595.0 * torch.log10(1.0 + f / 700.0)


def mel_filterbank():
    freqs = torch.fft.rfftfreq(N_FFT, d=1.0 / SR)
    mels = torch.linspace(hz_to_mel(torch.tensor(0.0)).item(), hz_to_mel(torch.tensor(SR / 2)).item(), N_MELS + 2)
    hz = 700.0 * (10 ** (mels / 2595.0) - 1.0)
    lower, centre, upper = hz[:-2, None], hz[1:-1, None], hz[2:, None]
    up = (freqs - lower) / (centre - lower)
    down = (upper - freqs) / (upper - centre)
    return torch.clamp(torch.minimum(up, down), min=0.0)


def dct_matrix(n_mfcc, n_mels):
    n = torch.arange(n_mels, dtype=torch.float64)
    k = torch.arange(n_mfcc, dtype=torch.float64).unsqueeze(1)
    basis = torch.cos(math.pi / n_mels * (n + 0.5) * k) * math.sqrt(2.0 / n_mels)
    basis[0] /= math.sqrt(2.0)
    return basis


def make_clip(rng, label, n=400):
    t = np.arange(n) / SR
    if label == 0:
        f0 = rng.uniform(60, 120)
        sig = np.sin(2 * np.pi * (f0 + 150 * t) * t)
    else:
        sig = np.sin(2 * np.pi * rng.uniform(200, 300) * t) * np.hanning(n)
    return sig + 0.05 * rng.standard_normal(n)


def numpy_weights(module, rng):
    """The module's state with every weight and bias drawn from `rng` (BatchNorm's running statistics kept)."""
    return {k: torch.from_numpy(rng.normal(0, 0.3, tuple(v.shape))) if v.is_floating_point() and "running" not in k
            else v for k, v in module.state_dict().items()}


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(23)
    labels = np.array([0, 1] * 4)
    wave = torch.from_numpy(np.stack([make_clip(rng, k) for k in labels]))
    window = torch.hann_window(N_FFT)
    spec = torch.stft(wave, N_FFT, hop_length=HOP, window=window, center=True, pad_mode="reflect",
                      return_complex=True)
    print("stft:", tuple(spec.shape), spec.dtype, round(spec.abs().mean().item(), 6))
    norm_spec = torch.stft(wave, N_FFT, hop_length=HOP, window=window, normalized=True, return_complex=True)
    print("normalized ratio:", round((spec.abs() / norm_spec.abs().clamp_min(1e-12)).mean().item(), 6))
    power = spec.abs() ** 2
    fb = mel_filterbank()
    print("filterbank:", tuple(fb.shape), [round(v, 6) for v in fb.sum(1)[:4].tolist()])
    logmel = torch.log(torch.clamp_min(fb @ power, 1e-10))
    print("log-mel:", tuple(logmel.shape), round(logmel.mean().item(), 6), round(logmel.std().item(), 6))
    mfcc = torch.einsum("km,bmt->bkt", dct_matrix(6, N_MELS), logmel)
    print("mfcc[0,:,3]:", [round(v, 6) for v in mfcc[0, :, 3].tolist()])
    kernel = torch.tensor([-2.0, -1.0, 0.0, 1.0, 2.0]) / 10.0
    padded = F.pad(mfcc.reshape(-1, 1, mfcc.size(-1)), (2, 2), mode="replicate")
    deltas = F.conv1d(padded, kernel.view(1, 1, -1)).view_as(mfcc)
    print("deltas:", [round(v, 6) for v in deltas[1, 1, :5].tolist()])

    recon = torch.istft(spec, N_FFT, hop_length=HOP, window=window, length=wave.size(1))
    print("istft error:", f"{(recon - wave).abs().max().item():.2e}" if (recon - wave).abs().max() < 1e-9 else "big")
    mag = spec[0].abs()
    phase = torch.from_numpy(rng.uniform(-np.pi, np.pi, tuple(mag.shape)))
    for it in range(3):
        est = torch.istft(torch.polar(mag, phase), N_FFT, hop_length=HOP, window=window, length=wave.size(1))
        phase = torch.stft(est, N_FFT, hop_length=HOP, window=window, return_complex=True).angle()
        err = (torch.stft(est, N_FFT, hop_length=HOP, window=window, return_complex=True).abs() - mag).norm()
        print(f"griffin-lim {it}: spectral error {err.item():.6f}")

    masked = logmel.clone()
    for b in range(len(masked)):
        f0, t0 = int(rng.integers(0, N_MELS - 3)), int(rng.integers(0, masked.size(-1) - 5))
        masked[b, f0:f0 + 3] = masked[b].mean()
        masked[b, :, t0:t0 + 5] = 0.0
    print("masked fraction:", round((masked != logmel).double().mean().item(), 6))

    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d((2, 2)),
                          nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveMaxPool2d((1, 1)), nn.Flatten(),
                          nn.Linear(8, 2))
    model.load_state_dict(numpy_weights(model, rng))
    x = ((masked - masked.mean()) / masked.std()).unsqueeze(1)
    y = torch.from_numpy(labels)
    opt = torch.optim.AdamW(model.parameters(), lr=0.02)
    for epoch in range(5):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch}: loss {loss.item():.6f}")
