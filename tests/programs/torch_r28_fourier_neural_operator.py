"""A 2-D Fourier neural operator as the neuraloperator papers write it in PyTorch: a lifting Linear, spectral
convolutions that take torch.fft.rfft2 of the field, multiply the lowest modes (both the positive and the negative
row frequencies) by complex weights held as torch.cfloat Parameters with torch.einsum, and return through
torch.fft.irfft2(s=...), beside a pointwise 1x1 Conv2d, GELU, and a projection; trained a few Adam steps on a
smoothing operator with a relative L2 loss. Prints the spectra's shapes and dtypes, the complex weights' gradient
norms, the node names along the spectral path, and the losses. Float32 (complex64 spectra); every random number
comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class SpectralConv2d(nn.Module):
    def __init__(self, channels, modes1, modes2):
        super().__init__()
        self.modes1, self.modes2 = modes1, modes2
        scale = 1.0 / (channels * channels)
        self.w1 = nn.Parameter(scale * torch.rand(channels, channels, modes1, modes2, dtype=torch.cfloat))
        self.w2 = nn.Parameter(scale * torch.rand(channels, channels, modes1, modes2, dtype=torch.cfloat))

    def forward(self, x):
        b, c, h, w = x.shape
        x_ft = torch.fft.rfft2(x)
        out_ft = torch.zeros(b, c, h, w // 2 + 1, dtype=torch.cfloat)
        m1, m2 = self.modes1, self.modes2
        out_ft[:, :, :m1, :m2] = torch.einsum("bixy,ioxy->boxy", x_ft[:, :, :m1, :m2], self.w1)
        out_ft[:, :, -m1:, :m2] = torch.einsum("bixy,ioxy->boxy", x_ft[:, :, -m1:, :m2], self.w2)
        return torch.fft.irfft2(out_ft, s=(h, w))


class FNO2d(nn.Module):
    def __init__(self, width=6, modes=3, layers=2):
        super().__init__()
        self.lift = nn.Linear(3, width)
        self.spectral = nn.ModuleList([SpectralConv2d(width, modes, modes) for _ in range(layers)])
        self.pointwise = nn.ModuleList([nn.Conv2d(width, width, 1) for _ in range(layers)])
        self.proj = nn.Sequential(nn.Linear(width, 16), nn.GELU(), nn.Linear(16, 1))

    def forward(self, a):
        b, h, w, _ = a.shape
        gy, gx = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing="ij")
        grid = torch.stack([gy, gx], dim=-1).expand(b, h, w, 2)
        x = self.lift(torch.cat([a, grid], dim=-1)).permute(0, 3, 1, 2)
        for i, (sc, pw) in enumerate(zip(self.spectral, self.pointwise)):
            x = sc(x) + pw(x)
            if i < len(self.spectral) - 1:
                x = F.gelu(x)
        return self.proj(x.permute(0, 2, 3, 1))


def relative_l2(pred, target):
    diff = (pred - target).flatten(1).norm(dim=1)
    return (diff / target.flatten(1).norm(dim=1)).mean()


def smooth(a):
    spec = torch.fft.rfft2(a.squeeze(-1))
    ky = torch.fft.fftfreq(a.shape[1]).abs()[:, None]
    kx = torch.fft.rfftfreq(a.shape[2])[None, :]
    return torch.fft.irfft2(spec * torch.exp(-20 * (ky ** 2 + kx ** 2)), s=a.shape[1:3]).unsqueeze(-1)


def main():
    torch.manual_seed(0)
    a = torch.randn(4, 8, 8, 1)
    u = smooth(a)
    print("target", u.shape, u.dtype, round(u.std().item(), 5))
    model = FNO2d()
    x_ft = torch.fft.rfft2(torch.randn(2, 6, 8, 8))
    print("spectrum", x_ft.shape, x_ft.dtype, model.spectral[0].w1.dtype, model.spectral[0].w1.shape)
    print("params", sum(p.numel() for p in model.parameters()),
          [n for n, p in model.named_parameters() if p.is_complex()])
    out = model(a)
    print("out", out.shape, out.dtype, out.grad_fn.name())
    sc = model.spectral[0]
    y = sc(torch.randn(1, 6, 8, 8))
    print("spectral node", y.grad_fn.name(), [f[0].name() for f in y.grad_fn.next_functions if f[0] is not None])
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for step in range(6):
        opt.zero_grad()
        loss = relative_l2(model(a), u)
        loss.backward()
        g1 = model.spectral[0].w1.grad
        print(f"step {step} loss {loss.item():.5f} |dW1| {g1.abs().norm().item():.5f} "
              f"dW1[0,0,0,0] {g1[0, 0, 0, 0].real.item():.5f}{g1[0, 0, 0, 0].imag.item():+.5f}j "
              f"|dlift| {model.lift.weight.grad.norm().item():.5f}")
        opt.step()
    w = model.spectral[1].w2.detach()
    print("w2 corner", torch.view_as_real(w[0, 0, 0]).flatten()[:4])
    print("w2 angle mean", round(w.angle().mean().item(), 5), "abs max", round(w.abs().max().item(), 5))
    with torch.no_grad():
        pred = model(a)
    print("final rel l2", round(relative_l2(pred, u).item(), 5))
    print("pred row", pred[0, 0, :4, 0])


if __name__ == "__main__":
    main()
