"""torch.fft as numerical code uses it, in float64: every transform pair under each norm= ("backward", "ortho",
"forward") round-tripped back to its input, Parseval's identity for the orthonormal scaling, rfft / irfft with odd
and even n= (padding and cropping), fft2 / ifft2 and rfftn / irfftn with s= and dim=, hfft / ihfft, fftshift /
ifftshift with dims, fftfreq / rfftfreq with d=, a circular convolution by the convolution theorem checked against
a direct sum, and gradients through the transforms (a spectral energy under each norm, a low-pass filter through
rfft / irfft, the magnitude of a 2-D spectrum) with the grad_fn names the transforms leave.
"""
import torch

fft = torch.fft


def main():
    torch.manual_seed(2606)
    x = torch.randn(8, dtype=torch.float64)
    z = torch.randn(6, dtype=torch.complex128)
    for norm in ["backward", "ortho", "forward"]:
        X = fft.fft(x, norm=norm)
        back = fft.ifft(X, norm=norm)
        Z = fft.fft(z, norm=norm)
        print(norm, X[:3], (back.real - x).abs().max() < 1e-12, back.imag.abs().max() < 1e-12,
              (fft.ifft(Z, norm=norm) - z).abs().max() < 1e-12)
        R = fft.rfft(x, norm=norm)
        print(norm, R.shape, R[-1], (fft.irfft(R, n=8, norm=norm) - x).abs().max() < 1e-12)
    X = fft.fft(x, norm="ortho")
    print("parseval", x.pow(2).sum().item(), X.abs().pow(2).sum().item())
    print("odd n", fft.rfft(x, n=7).shape, fft.irfft(fft.rfft(x), n=7), fft.rfft(x, n=11)[:2])
    print("even n", fft.irfft(fft.rfft(x[:5]), n=6))

    img = torch.randn(4, 6, dtype=torch.float64)
    F2 = fft.fft2(img, norm="ortho")
    print(F2.shape, F2[0, :2], (fft.ifft2(F2, norm="ortho").real - img).abs().max() < 1e-12)
    Rn = fft.rfftn(img, s=(4, 8), dim=(0, 1))
    print(Rn.shape, Rn[1, :2], fft.irfftn(Rn, s=(4, 8)).shape)
    print((fft.irfftn(fft.rfftn(img), s=img.shape) - img).abs().max() < 1e-12)
    h = torch.randn(5, dtype=torch.complex128)
    H = fft.hfft(h, n=8)
    print(H.dtype, H, fft.ihfft(H)[:3], (fft.ihfft(fft.hfft(h, n=8))[1:4] - h[1:4]).abs().max() < 1e-12)
    print(fft.fftfreq(6), fft.fftfreq(5, d=0.1), fft.rfftfreq(8, d=2.0))
    grid = torch.arange(12.0, dtype=torch.float64).view(3, 4)
    print(fft.fftshift(grid), fft.fftshift(grid, dim=1), fft.ifftshift(fft.fftshift(grid, dim=(0,)), dim=0))

    a = torch.randn(7, dtype=torch.float64)
    b = torch.randn(7, dtype=torch.float64)
    circ = fft.irfft(fft.rfft(a) * fft.rfft(b), n=7)
    direct = torch.stack([sum(a[j] * b[(i - j) % 7] for j in range(7)) for i in range(7)])
    print("circular", circ, (circ - direct).abs().max() < 1e-12)

    for norm in ["backward", "ortho", "forward"]:
        xs = x.clone().requires_grad_()
        energy = fft.rfft(xs, norm=norm).abs().pow(2).sum()
        energy.backward()
        print(norm, energy.item(), xs.grad)
    xs = x.clone().requires_grad_()
    print(fft.fft(xs).grad_fn.name(), fft.ifft(xs).grad_fn.name(), fft.fftn(xs).grad_fn.name(),
          fft.ihfft(xs).grad_fn.name(), fft.ihfft2(img.clone().requires_grad_()).grad_fn.name())
    sig = torch.randn(16, dtype=torch.float64, requires_grad=True)
    spec = fft.rfft(sig)
    keep = torch.zeros(spec.shape[0], dtype=torch.float64)
    keep[:4] = 1.0
    low = fft.irfft(spec * keep, n=16)
    loss = (low - torch.linspace(-1, 1, 16, dtype=torch.float64)).pow(2).mean()
    loss.backward()
    print(spec.grad_fn.name(), low.grad_fn.name(), loss.item())
    print(sig.grad)
    zc = z.clone().requires_grad_()
    out = fft.ifft(fft.fft(zc, norm="forward") * torch.arange(6, dtype=torch.float64), norm="forward")
    out.abs().sum().backward()
    print(out.grad_fn.name(), zc.grad)
    im = img.clone().requires_grad_()
    mag = fft.fftshift(fft.fft2(im)).abs()
    mag[1:3, 2:4].sum().backward()
    print(mag.grad_fn.name(), im.grad)
    ht = h.clone().requires_grad_()
    fft.hfft(ht, n=8).pow(2).sum().backward()
    print(ht.grad)


if __name__ == "__main__":
    main()
