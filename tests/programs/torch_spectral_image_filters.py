"""Image processing in the Fourier domain, written for PyTorch with torch.fft: a 2-D Gaussian low-pass and a
band-pass mask built from fftfreq / rfftfreq and fftshift, applied with rfft2 / irfft2 (s=, norm=) and with
fftn / ifftn over chosen dims; phase correlation to find a circular shift (the peak of the normalised cross-power
spectrum); hfft / ihfft of a Hermitian signal; and a 2-D Fourier layer (an FNO block keeping the lowest modes with
complex weights) trained for a few Adam steps to learn a fixed blur. Float64, images from a seeded NumPy
generator."""
import numpy as np
import torch
import torch.nn as nn


class SpectralConv2d(nn.Module):
    def __init__(self, channels, modes1, modes2, rng):
        super().__init__()
        self.modes1, self.modes2 = modes1, modes2
        scale = 1.0 / (channels * channels)
        shape = (channels, channels, modes1, modes2)
        w = scale * (rng.standard_normal(shape) + 1j * rng.standard_normal(shape))
        self.w_low = nn.Parameter(torch.from_numpy(w.astype(np.complex128)))
        w2 = scale * (rng.standard_normal(shape) + 1j * rng.standard_normal(shape))
        self.w_high = nn.Parameter(torch.from_numpy(w2.astype(np.complex128)))

    def forward(self, x):
        h, w = x.shape[-2:]
        xf = torch.fft.rfft2(x, norm="ortho")
        out = torch.zeros(x.shape[0], x.shape[1], h, w // 2 + 1, dtype=torch.complex128)
        m1, m2 = self.modes1, self.modes2
        out[:, :, :m1, :m2] = torch.einsum("bixy,ioxy->boxy", xf[:, :, :m1, :m2], self.w_low)
        out[:, :, -m1:, :m2] = torch.einsum("bixy,ioxy->boxy", xf[:, :, -m1:, :m2], self.w_high)
        return torch.fft.irfft2(out, s=(h, w), norm="ortho")


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(1626)
    img = torch.from_numpy(rng.standard_normal((2, 1, 16, 12)))
    fy = torch.fft.fftfreq(16)
    fx = torch.fft.rfftfreq(12, d=0.5)
    print("freqs", fy[:5], fx)
    radius2 = fy[:, None] ** 2 + (fx[None, :] / 2) ** 2
    gauss = torch.exp(-radius2 / (2 * 0.1 ** 2))
    spec = torch.fft.rfft2(img)
    print("rfft2", spec.shape, spec.dtype, spec[0, 0, 0, :3])
    low = torch.fft.irfft2(spec * gauss, s=img.shape[-2:])
    print("low-pass energy", (low ** 2).sum().item(), (img ** 2).sum().item())
    print("low-pass corner", low[0, 0, :2, :4])

    full = torch.fft.fftshift(torch.fft.fftn(img, dim=(-2, -1), norm="forward"), dim=(-2, -1))
    print("centred dc", full[0, 0, 8, 6].real.item(), img[0].mean().item())
    ring = torch.fft.fftshift(torch.fft.fftfreq(16))[:, None] ** 2 + torch.fft.fftshift(torch.fft.fftfreq(12))[None, :] ** 2
    band = ((ring > 0.02) & (ring < 0.12)).to(full.dtype)
    bandpassed = torch.fft.ifftn(torch.fft.ifftshift(full * band, dim=(-2, -1)), dim=(-2, -1), norm="forward")
    print("band-pass imag max", bandpassed.imag.abs().max().item() < 1e-12, bandpassed.real[1, 0, 0, :4])

    shifted = torch.roll(img[0, 0], shifts=(3, -4), dims=(0, 1))
    A, B = torch.fft.fft2(img[0, 0]), torch.fft.fft2(shifted)
    cross = B * A.conj()
    corr = torch.fft.ifft2(cross / cross.abs().clamp_min(1e-12)).real
    peak = torch.argmax(corr)
    print("phase correlation peak", divmod(peak.item(), 12), round(corr.max().item(), 10))

    sig = torch.from_numpy(rng.standard_normal(9))
    half = torch.fft.ihfft(sig)
    print("ihfft", half.shape, half[:3])
    back = torch.fft.hfft(half, n=9)
    print("hfft roundtrip", torch.allclose(back, sig))
    print("norms", torch.fft.fft(sig, norm="ortho").abs().pow(2).sum().item(), sig.pow(2).sum().item())

    blur = torch.exp(-(fy[:, None] ** 2 + (fx[None, :] / 2) ** 2) / (2 * 0.15 ** 2))
    target = torch.fft.irfft2(torch.fft.rfft2(img) * blur, s=(16, 12))
    layer = SpectralConv2d(1, 4, 4, rng)
    opt = torch.optim.Adam(layer.parameters(), lr=0.05)
    for step in range(8):
        opt.zero_grad()
        loss = ((layer(img) - target) ** 2).mean()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.8f} grad {layer.w_low.grad.abs().sum().item():.8f}")
    print("learned low modes", layer.w_low.detach()[0, 0, 0, :3])
    print("grad dtype", layer.w_low.grad.dtype, layer.w_high.grad.shape)


if __name__ == "__main__":
    main()
