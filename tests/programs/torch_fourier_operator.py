"""A 1-D Fourier neural operator written for PyTorch; tests run it as is and with only its imports changed,
and compare what both print. Spectral convolutions with complex weights (nn.Parameter of complex128),
torch.fft.rfft/irfft, a complex einsum, mode truncation by slicing into a zero complex tensor, GELU
channels, Adam with a step schedule, and gradient clipping: it learns the operator that maps a function
to its antiderivative on a periodic grid. Float64 data and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class SpectralConv1d(nn.Module):
    def __init__(self, in_channels, out_channels, modes, rng):
        super().__init__()
        self.modes = modes
        scale = 1.0 / (in_channels * out_channels)
        parts = rng.random((2, in_channels, out_channels, modes))
        self.weights = nn.Parameter(torch.from_numpy(scale * (parts[0] + 1j * parts[1])))

    def forward(self, x):
        batch, _, size = x.shape
        x_ft = torch.fft.rfft(x)
        out_ft = torch.zeros(batch, self.weights.shape[1], size // 2 + 1, dtype=torch.cdouble)
        out_ft[:, :, :self.modes] = torch.einsum("bix,iox->box", x_ft[:, :, :self.modes], self.weights)
        return torch.fft.irfft(out_ft, n=size)


class FNO1d(nn.Module):
    def __init__(self, modes, width, rng):
        super().__init__()
        self.lift = nn.Linear(2, width)
        self.spectral = nn.ModuleList([SpectralConv1d(width, width, modes, rng) for _ in range(2)])
        self.pointwise = nn.ModuleList([nn.Conv1d(width, width, 1) for _ in range(2)])
        self.project = nn.Sequential(nn.Linear(width, 32), nn.GELU(), nn.Linear(32, 1))

    def forward(self, x):
        x = self.lift(x).permute(0, 2, 1)
        for k, (spectral, pointwise) in enumerate(zip(self.spectral, self.pointwise)):
            x = spectral(x) + pointwise(x)
            if k < len(self.spectral) - 1:
                x = F.gelu(x)
        return self.project(x.permute(0, 2, 1)).squeeze(-1)


def load_real_weights(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if not p.is_complex():
                fan_in = p.shape[1] if p.ndim > 1 else p.shape[0]
                p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape)) / np.sqrt(fan_in)))


def antiderivative_data(rng, count, size):
    grid = np.linspace(0, 2 * np.pi, size, endpoint=False)
    coefficients = rng.standard_normal((count, 3, 2))
    k = np.arange(1, 4)[None, :, None]
    f = (coefficients[..., 0:1] * np.cos(k * grid) + coefficients[..., 1:2] * np.sin(k * grid)).sum(1)
    u = (coefficients[..., 0:1] * np.sin(k * grid) / k - coefficients[..., 1:2] * np.cos(k * grid) / k).sum(1)
    inputs = np.stack([f, np.broadcast_to(grid, f.shape)], axis=-1)
    return torch.from_numpy(inputs), torch.from_numpy(u)


def main():
    rng = np.random.default_rng(11)
    x, y = antiderivative_data(rng, 24, 32)
    print("data", tuple(x.shape), tuple(y.shape), x.dtype, float(y.abs().mean()))
    spectrum = torch.fft.rfft(y[0])
    print("dominant modes", spectrum.abs().topk(3).indices.tolist())
    print("spectrum head", spectrum[:4])
    model = FNO1d(modes=6, width=8, rng=rng).double()
    load_real_weights(model, rng)
    complex_params = [n for n, p in model.named_parameters() if p.is_complex()]
    print("complex parameters", complex_params, model.spectral[0].weights.dtype)
    print("parameter count", sum(p.numel() for p in model.parameters()))
    optimizer = optim.Adam(model.parameters(), lr=5e-3)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    for epoch in range(25):
        for start in range(0, 24, 8):
            optimizer.zero_grad()
            loss = F.mse_loss(model(x[start:start + 8]), y[start:start + 8])
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
        scheduler.step()
        if epoch % 6 == 0 or epoch == 24:
            print(f"epoch {epoch} loss {loss.item():.10f} grad-norm {float(norm):.10f}")
    weights = model.spectral[0].weights
    print("weight grad dtype", weights.grad.dtype, "abs mean", f"{weights.grad.abs().mean().item():.12f}")
    print("weights[0, 0, :3]", weights.detach()[0, 0, :3])
    with torch.no_grad():
        prediction = model(x[:2])
        print("relative error", f"{((prediction - y[:2]).norm() / y[:2].norm()).item():.10f}")
        print("phase of mode 1", torch.fft.rfft(prediction)[:, 1].angle())


if __name__ == "__main__":
    main()
