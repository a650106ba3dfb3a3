"""A spectral-masking denoiser, float64: the window functions (torch.kaiser_window with beta and periodic=False,
torch.signal.windows.kaiser / gaussian / exponential / general_hamming / nuttall / cosine / blackman), stft with
center=False, pad_mode='constant', onesided=False, normalized=True and return_complex, istft with length= and a
window, magnitude and phase (abs, angle) of the spectrogram, and a learned per-frequency mask trained through
stft -> mask -> istft with its gradients, a multi-resolution spectral-convergence loss over two hop sizes."""
import math

import torch


def main():
    torch.manual_seed(31)
    dt = torch.float64
    print("kaiser", torch.kaiser_window(7, periodic=False, beta=5.0, dtype=dt).numpy().round(8))
    print("kaiser periodic", torch.kaiser_window(6, dtype=dt).numpy().round(8))
    W = torch.signal.windows
    print("sig kaiser", W.kaiser(5, beta=8.0, sym=False, dtype=dt).numpy().round(8))
    print("gaussian", W.gaussian(6, std=1.5, dtype=dt).numpy().round(8))
    print("exponential", W.exponential(5, tau=2.0, dtype=dt).numpy().round(8))
    print("general_hamming", W.general_hamming(6, alpha=0.6, sym=False, dtype=dt).numpy().round(8))
    print("nuttall", W.nuttall(5, dtype=dt).numpy().round(8))
    print("cosine/blackman", W.cosine(4, dtype=dt).numpy().round(8), W.blackman(5, dtype=dt).numpy().round(8))

    t = torch.arange(256, dtype=dt) / 64.0
    clean = torch.sin(2 * math.pi * 3 * t) + 0.5 * torch.sin(2 * math.pi * 7.5 * t)
    noisy = clean + 0.4 * torch.randn(256, dtype=dt)
    n_fft, hop = 32, 8
    win = torch.hann_window(n_fft, dtype=dt)
    spec = torch.stft(noisy, n_fft, hop_length=hop, window=win, return_complex=True)
    print("spec", tuple(spec.shape), spec.dtype, round(spec.abs().sum().item(), 6), round(spec.angle()[3, 5].item(), 8))
    full = torch.stft(noisy, 16, hop_length=4, win_length=12, window=torch.kaiser_window(12, dtype=dt),
                      center=False, onesided=False, normalized=True, return_complex=True)
    print("two-sided", tuple(full.shape), round(full.abs().pow(2).sum().item(), 6), round(full[5, 2].real.item(), 8))
    padded = torch.stft(noisy, n_fft, hop_length=hop, window=win, pad_mode="constant", return_complex=True)
    print("constant pad", round((padded - spec).abs().max().item(), 8))
    back = torch.istft(spec, n_fft, hop_length=hop, window=win, length=250)
    print("istft", tuple(back.shape), round((back - noisy[:250]).abs().max().item(), 10) < 1e-10)

    mask_logit = torch.zeros(n_fft // 2 + 1, 1, dtype=dt, requires_grad=True)
    opt = torch.optim.Adam([mask_logit], lr=0.2)
    for step in range(5):
        opt.zero_grad()
        s = torch.stft(noisy, n_fft, hop_length=hop, window=win, return_complex=True)
        est = torch.istft(s * torch.sigmoid(mask_logit), n_fft, hop_length=hop, window=win, length=256)
        loss = 0.0
        for fft, hp in ((32, 8), (16, 4)):
            w2 = torch.hann_window(fft, dtype=dt)
            se = torch.stft(est, fft, hop_length=hp, window=w2, return_complex=True).abs()
            sc = torch.stft(clean, fft, hop_length=hp, window=w2, return_complex=True).abs()
            loss = loss + (se - sc).norm() / sc.norm() + torch.nn.functional.l1_loss(se.clamp_min(1e-7).log(),
                                                                                    sc.clamp_min(1e-7).log())
        loss.backward()
        opt.step()
        print("step", step, round(loss.item(), 10), round(mask_logit.grad.abs().sum().item(), 10),
              round(torch.sigmoid(mask_logit).mean().item(), 8))
    print("mask", torch.sigmoid(mask_logit).detach().flatten().numpy().round(4))
    z = noisy[:64].clone().requires_grad_()
    sp = torch.stft(z, 16, hop_length=4, window=torch.signal.windows.gaussian(16, std=3.0, dtype=dt),
                    return_complex=True)
    (sp.abs() ** 2).sum().backward()
    print("stft grad", z.grad[:6].numpy().round(8), sp.grad_fn.name())
