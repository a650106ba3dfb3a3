"""An audio pipeline on torch.stft / torch.istft: a chirp plus noise is analysed with a Hann window in centred
and uncentred framings, onesided and two-sided, complex and real-view outputs; a multi-resolution spectral loss
(spectral convergence + log-magnitude L1 over three FFT sizes) trains a small FIR denoiser (a Conv1d) for a few
SGD steps; a mel-like filterbank is applied to the power spectrogram; the signal is resynthesised by istft with
`length=` and a Griffin-Lim-style phase step; gradients flow back through stft to the waveform. Float64; the
noise comes from torch.manual_seed.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def spectral_loss(pred, target, n_ffts=(32, 64, 128)):
    total = pred.new_zeros(())
    for n_fft in n_ffts:
        win = torch.hann_window(n_fft, dtype=pred.dtype)
        sp = torch.stft(pred, n_fft, hop_length=n_fft // 4, window=win, return_complex=True).abs()
        st = torch.stft(target, n_fft, hop_length=n_fft // 4, window=win, return_complex=True).abs()
        sc = torch.linalg.norm(st - sp, "fro") / torch.linalg.norm(st, "fro")
        mag = F.l1_loss(torch.log(sp + 1e-2), torch.log(st + 1e-2))
        total = total + sc + mag
    return total / len(n_ffts)


def main():
    torch.manual_seed(0)
    sr = 800
    t = torch.arange(800, dtype=torch.float64) / sr
    clean = torch.sin(2 * math.pi * (40 * t + 60 * t ** 2)) * torch.hann_window(800, periodic=False,
                                                                                  dtype=torch.float64)
    noisy = clean + 0.2 * torch.randn(800, dtype=torch.float64)
    win = torch.hann_window(64, dtype=torch.float64)
    spec = torch.stft(noisy, 64, hop_length=16, window=win, return_complex=True)
    print("centred", spec.shape, spec.dtype, round(spec.abs().sum().item(), 6))
    spec_nc = torch.stft(noisy, 64, hop_length=16, win_length=48, window=torch.hann_window(48, dtype=torch.float64),
                         center=False, return_complex=True)
    print("uncentred win_length=48", spec_nc.shape, round(spec_nc.abs().max().item(), 6))
    two = torch.stft(noisy, 64, hop_length=32, window=win, onesided=False, return_complex=True)
    print("two-sided", two.shape, torch.allclose(two[1:32], two[33:].flip(0).conj()))
    real_view = torch.view_as_real(torch.stft(noisy, 32, window=torch.hann_window(32, dtype=torch.float64),
                                              return_complex=True))
    print("real view", real_view.shape, real_view[3, 2])
    back = torch.istft(spec, 64, hop_length=16, window=win, length=800)
    print("istft", back.shape, "max err", f"{(back - noisy).abs().max().item():.3e}")
    norm = torch.stft(noisy, 64, hop_length=16, window=win, normalized=True, return_complex=True)
    print("normalized ratio", round((spec.abs().sum() / norm.abs().sum()).item(), 8))

    power = spec.abs().pow(2)
    n_mels = 6
    edges = torch.linspace(0, 33, n_mels + 2, dtype=torch.float64)
    bins = torch.arange(33, dtype=torch.float64)
    lower = (bins.unsqueeze(0) - edges[:-2].unsqueeze(1)) / (edges[1:-1] - edges[:-2]).unsqueeze(1)
    upper = (edges[2:].unsqueeze(1) - bins.unsqueeze(0)) / (edges[2:] - edges[1:-1]).unsqueeze(1)
    fbank = torch.clamp(torch.minimum(lower, upper), min=0)
    mel = torch.log(fbank @ power + 1e-6)
    print("mel", mel.shape, mel[:, 10])

    denoise = nn.Conv1d(1, 1, 9, padding=4, bias=False, dtype=torch.float64)
    with torch.no_grad():
        denoise.weight.fill_(1.0 / 9)
    opt = torch.optim.SGD(denoise.parameters(), lr=0.005, momentum=0.9)
    for step in range(5):
        opt.zero_grad()
        pred = denoise(noisy.view(1, 1, -1)).view(-1)
        loss = spectral_loss(pred, clean)
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.10f} |dw| {denoise.weight.grad.norm().item():.10f}")
    print("taps", denoise.weight.view(-1))

    wave = noisy.clone().requires_grad_(True)
    mag = torch.stft(wave, 32, hop_length=8, window=torch.hann_window(32, dtype=torch.float64),
                     return_complex=True).abs()
    mag[:, 5:9].sum().backward()
    print("d mag / d wave", wave.grad[40:44], mag.grad_fn.name())

    target_mag = torch.stft(clean, 64, hop_length=16, window=win, return_complex=True).abs()
    phase = torch.exp(1j * torch.angle(spec))
    for it in range(3):
        est = torch.istft(target_mag * phase, 64, hop_length=16, window=win, length=800)
        reproj = torch.stft(est, 64, hop_length=16, window=win, return_complex=True)
        phase = reproj / (reproj.abs() + 1e-12)
        err = (reproj.abs() - target_mag).norm() / target_mag.norm()
        print(f"griffin-lim {it}: spectral error {err.item():.10f} corr {F.cosine_similarity(est, clean, 0).item():.10f}")


if __name__ == "__main__":
    main()
