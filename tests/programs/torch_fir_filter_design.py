"""Digital filter design and spectral analysis as signal-processing notebooks write them with tensors; tests run it
as is and with only its imports changed, and compare what both print. Windowed-sinc FIR low-pass filters with
torch.hann_window / hamming_window / blackman_window / bartlett_window / kaiser_window (periodic and symmetric)
and torch.signal.windows (gaussian, exponential, cosine, nuttall, general_hamming), the frequency response
through torch.fft.rfft with fftfreq, filtering by F.conv1d with reflect padding and by FFT convolution,
an STFT / ISTFT round trip with a Hann window and center=True, Welch's power spectral density by framing with
unfold, and a learnable FIR filter fitted by gradient descent to a target response. Float64, NumPy data.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F


def lowpass(num_taps, cutoff, window):
    n = torch.arange(num_taps, dtype=torch.float64) - (num_taps - 1) / 2
    h = 2 * cutoff * torch.sinc(2 * cutoff * n) * window
    return h / h.sum()


def main():
    rng = np.random.default_rng(127)
    kw = dict(dtype=torch.float64)
    print(torch.hann_window(8, **kw), torch.hann_window(8, periodic=False, **kw))
    print(torch.hamming_window(7, **kw), torch.blackman_window(6, periodic=False, **kw))
    print(torch.bartlett_window(7, **kw), torch.kaiser_window(9, periodic=False, beta=8.6, **kw))
    print(torch.hamming_window(6, True, alpha=0.5, beta=0.5, **kw), torch.kaiser_window(6, **kw))
    W = torch.signal.windows
    print(W.gaussian(7, std=1.5, dtype=torch.float64), W.exponential(7, tau=2.0, dtype=torch.float64))
    print(W.cosine(6, dtype=torch.float64), W.nuttall(7, dtype=torch.float64),
          W.general_hamming(6, alpha=0.6, sym=False, dtype=torch.float64))
    taps = 31
    filters = {
        "hann": lowpass(taps, 0.1, torch.hann_window(taps, periodic=False, **kw)),
        "hamming": lowpass(taps, 0.1, torch.hamming_window(taps, periodic=False, **kw)),
        "kaiser": lowpass(taps, 0.1, torch.kaiser_window(taps, periodic=False, beta=6.0, **kw)),
        "blackman": lowpass(taps, 0.1, torch.blackman_window(taps, periodic=False, **kw)),
    }
    freqs = torch.fft.rfftfreq(256, d=1.0).to(torch.float64)
    for name, h in filters.items():
        response = torch.fft.rfft(h, n=256).abs()
        db = 20 * torch.log10(response.clamp(min=1e-12))
        stop = db[freqs > 0.2].max()
        print(f"{name:8s} center {h[taps // 2].item():.6f} dc {response[0].item():.6f} "
              f"at 0.1 {response[(freqs - 0.1).abs().argmin()].item():.6f} stopband {stop.item():.3f} dB")
    t = torch.arange(400, dtype=torch.float64)
    signal = torch.sin(2 * math.pi * 0.03 * t) + 0.5 * torch.sin(2 * math.pi * 0.3 * t) \
        + 0.1 * torch.tensor(rng.standard_normal(400), dtype=torch.float64)
    h = filters["hann"]
    padded = F.pad(signal.view(1, 1, -1), (taps // 2, taps // 2), mode="reflect")
    filtered = F.conv1d(padded, h.flip(0).view(1, 1, -1)).view(-1)
    n_fft = 512
    by_fft = torch.fft.irfft(torch.fft.rfft(signal, n=n_fft) * torch.fft.rfft(h, n=n_fft), n=n_fft)[taps // 2:taps // 2 + 400]
    print(filtered[100:104], by_fft[100:104], (filtered[50:350] - by_fft[50:350]).abs().max() < 1e-10)
    window = torch.hann_window(64, **kw)
    spec = torch.stft(signal, n_fft=64, hop_length=16, window=window, center=True, return_complex=True)
    print(spec.shape, spec.abs()[:3, 5], spec[13, 7])
    back = torch.istft(spec, n_fft=64, hop_length=16, window=window, center=True, length=400)
    print((back - signal).abs().max() < 1e-10, back[:3])
    frames = signal.unfold(0, 64, 32)
    win = torch.hann_window(64, periodic=False, **kw)
    psd = (torch.fft.rfft((frames - frames.mean(1, keepdim=True)) * win, dim=1).abs() ** 2).mean(0) / (win ** 2).sum()
    peaks = psd.topk(2).indices.sort().values
    print(frames.shape, peaks, torch.fft.rfftfreq(64)[peaks], psd[peaks])
    target = (freqs < 0.15).to(torch.float64)
    taps_param = torch.tensor(rng.normal(0, 0.05, 21), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([taps_param], lr=0.01)
    for step in range(60):
        resp = torch.fft.rfft(taps_param, n=256).abs()
        loss = ((resp - target) ** 2).mean() + 1e-3 * taps_param.pow(2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 15 == 0:
            print(f"step {step} loss {loss.item():.8f} grad-norm {taps_param.grad.norm().item():.6f}")
    print(taps_param.detach()[:5], torch.fft.rfft(taps_param.detach(), n=256).abs()[[0, 20, 60]])


if __name__ == "__main__":
    main()
