"""A spectral model over 3-D volumes and 1-D Hermitian signals, float64: rfftn / irfftn with s= and dim=,
fftshift / ifftshift over chosen dims, fftfreq / rfftfreq with d=, hfft / ihfft and hfft2 / ihfft2 round trips,
a learnable complex spectral filter (view_as_real parameters) trained a few Adam steps, and the gradients of each
transform under norm='ortho' / 'forward' printed with their grad_fn names."""
import torch
import torch.nn as nn


class SpectralFilter3d(nn.Module):
    def __init__(self, shape, modes):
        super().__init__()
        self.shape = shape
        self.modes = modes
        self.w = nn.Parameter(torch.randn(modes, modes, modes, 2, dtype=torch.float64) * 0.3)

    def forward(self, x):
        X = torch.fft.rfftn(x, dim=(-3, -2, -1), norm="ortho")
        m = self.modes
        out = torch.zeros_like(X)
        out[..., :m, :m, :m] = X[..., :m, :m, :m] * torch.view_as_complex(self.w)
        return torch.fft.irfftn(out, s=self.shape, dim=(-3, -2, -1), norm="ortho")


def main():
    torch.manual_seed(6)
    dt = torch.float64
    x = torch.randn(2, 4, 6, 5, dtype=dt, requires_grad=True)
    X = torch.fft.rfftn(x, s=(4, 6, 8), dim=(1, 2, 3))
    print("rfftn", X.shape, X.dtype == torch.complex128, X.grad_fn.name())
    y = torch.fft.irfftn(X, s=(4, 6, 5), dim=(1, 2, 3))
    print("irfftn", y.shape, round((y - x).abs().max().item(), 12) < 1e-12, y.grad_fn.name())
    (y * torch.arange(5, dtype=dt)).sum().backward()
    print("irfftn grad", x.grad[0, 0].numpy().round(8))

    f = torch.fft.fftfreq(6, d=0.5, dtype=dt)
    rf = torch.fft.rfftfreq(7, d=0.25, dtype=dt)
    print("freq", f.numpy(), rf.numpy())
    print("shift", torch.fft.fftshift(f).numpy(), torch.fft.ifftshift(torch.fft.fftshift(f)).numpy())
    grid = torch.arange(12.0, dtype=dt).view(3, 4)
    print("shift dims", torch.fft.fftshift(grid, dim=1).numpy(), torch.fft.ifftshift(grid, dim=(0, 1)).numpy())

    s = torch.randn(5, dtype=dt, requires_grad=True)
    h = torch.fft.ihfft(s)
    print("ihfft", h.detach().resolve_conj().numpy().round(8), h.grad_fn.name())
    back = torch.fft.hfft(h, n=5)
    print("hfft back", back.detach().numpy().round(8), back.grad_fn.name())
    (back * torch.linspace(-1, 1, 5, dtype=dt)).sum().backward()
    print("hfft grad", s.grad.numpy().round(8) + 0.0)  # + 0.0: the FFT libraries round a zero to +0 or -0
    for norm in ["backward", "ortho", "forward"]:
        z = torch.randn(4, 3, dtype=torch.complex128, requires_grad=True)
        out = torch.fft.hfft(z, n=4, norm=norm)
        (out ** 2).sum().backward()
        print("hfft", norm, out.detach().numpy().round(6)[0], z.grad.resolve_conj().numpy().round(6)[0])
    img = torch.randn(4, 6, dtype=dt, requires_grad=True)
    H2 = torch.fft.ihfft2(img)
    print("ihfft2", H2.shape, H2.grad_fn.name())
    back2 = torch.fft.hfft2(H2, s=(4, 6))
    print("hfft2 back", round((back2 - img).abs().max().item(), 12) < 1e-12)
    (back2.sin()).sum().backward()
    print("hfft2 grad", img.grad.numpy().round(8))

    torch.manual_seed(1)
    model = SpectralFilter3d((4, 6, 5), 2)
    target_w = torch.randn(2, 2, 2, 2, dtype=dt)
    ref = SpectralFilter3d((4, 6, 5), 2)
    with torch.no_grad():
        ref.w.copy_(target_w)
    data = torch.randn(3, 4, 6, 5, dtype=dt)
    with torch.no_grad():
        tgt = ref(data)
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    for step in range(5):
        opt.zero_grad()
        loss = ((model(data) - tgt) ** 2).mean()
        loss.backward()
        opt.step()
        print("spectral step", step, round(loss.item(), 10), model.w.grad.abs().sum().item().__round__(8))
    print("w", model.w.detach()[0, 0].numpy().round(6))
