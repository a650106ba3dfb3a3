"""Long-horizon forecasting with DLinear and reversible instance normalisation (RevIN), written for PyTorch the way
the time-series forecasting libraries write them; tests run it as is and with only its imports changed, and compare
what both print. A multivariate series (trend + seasonality + noise from a seeded NumPy generator) cut into windows
by Tensor.unfold, the series decomposition by a moving average (edge-replicated padding by repeat, then
nn.AvgPool1d with stride 1 over the (batch, channel, time) layout) into trend and seasonal parts, per-channel
linear heads (individual=True, an nn.ModuleList) and shared heads, RevIN normalising each window by its own mean
and standard deviation (var(unbiased=False) + eps, detached statistics) with a learnable affine map that is undone
on the forecast, nn.InstanceNorm1d compared to the same statistics, training with MSE under Adam, and MAE / MSE
per horizon step on held-out windows. Float32, data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class MovingAvg(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.kernel_size = kernel_size
        self.avg = nn.AvgPool1d(kernel_size=kernel_size, stride=1, padding=0)

    def forward(self, x):
        front = x[:, 0:1, :].repeat(1, (self.kernel_size - 1) // 2, 1)
        end = x[:, -1:, :].repeat(1, (self.kernel_size - 1) // 2, 1)
        x = torch.cat([front, x, end], dim=1)
        return self.avg(x.permute(0, 2, 1)).permute(0, 2, 1)


class RevIN(nn.Module):
    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.affine_weight = nn.Parameter(torch.ones(num_features))
        self.affine_bias = nn.Parameter(torch.zeros(num_features))

    def forward(self, x, mode):
        if mode == "norm":
            self.mean = torch.mean(x, dim=1, keepdim=True).detach()
            self.stdev = torch.sqrt(torch.var(x, dim=1, keepdim=True, unbiased=False) + self.eps).detach()
            return (x - self.mean) / self.stdev * self.affine_weight + self.affine_bias
        x = (x - self.affine_bias) / (self.affine_weight + self.eps * self.eps)
        return x * self.stdev + self.mean


class DLinear(nn.Module):
    def __init__(self, seq_len, pred_len, channels, kernel_size=5, individual=True):
        super().__init__()
        self.decomp = MovingAvg(kernel_size)
        self.individual = individual
        self.revin = RevIN(channels)
        if individual:
            self.seasonal = nn.ModuleList([nn.Linear(seq_len, pred_len) for _ in range(channels)])
            self.trend = nn.ModuleList([nn.Linear(seq_len, pred_len) for _ in range(channels)])
        else:
            self.seasonal = nn.Linear(seq_len, pred_len)
            self.trend = nn.Linear(seq_len, pred_len)

    def forward(self, x):
        x = self.revin(x, "norm")
        trend = self.decomp(x)
        seasonal = x - trend
        seasonal, trend = seasonal.permute(0, 2, 1), trend.permute(0, 2, 1)
        if self.individual:
            s = torch.stack([m(seasonal[:, i]) for i, m in enumerate(self.seasonal)], dim=1)
            t = torch.stack([m(trend[:, i]) for i, m in enumerate(self.trend)], dim=1)
        else:
            s, t = self.seasonal(seasonal), self.trend(trend)
        return self.revin((s + t).permute(0, 2, 1), "denorm")


def load_numpy(model, rng):
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.1, tuple(v.shape)).astype(np.float32))
                           if "affine" not in k else v for k, v in model.state_dict().items()})


def main():
    rng = np.random.default_rng(59)
    t = np.arange(160, dtype=np.float32)
    series = np.stack([0.05 * t + np.sin(2 * np.pi * t / 12), 3.0 - 0.02 * t + 0.5 * np.cos(2 * np.pi * t / 8),
                       10 + 2 * np.sin(2 * np.pi * t / 24)], axis=1)
    series = torch.from_numpy((series + 0.1 * rng.standard_normal(series.shape)).astype(np.float32))
    seq_len, pred_len = 24, 6
    windows = series.unfold(0, seq_len + pred_len, 4).permute(0, 2, 1)
    print("windows:", tuple(windows.shape))
    x, y = windows[:, :seq_len], windows[:, seq_len:]
    x_train, y_train, x_test, y_test = x[:26], y[:26], x[26:], y[26:]

    ma = MovingAvg(5)
    trend = ma(x[:2])
    print("trend:", tuple(trend.shape), [round(v, 4) for v in trend[0, :4, 0].tolist()],
          "edges replicated:", round(trend[0, 0, 1].item(), 4))
    rev = RevIN(3)
    normed = rev(x[:4], "norm")
    print("RevIN mean/std:", [round(v, 4) for v in normed.mean(1)[0].tolist()],
          [round(v, 4) for v in normed.std(1, unbiased=False)[0].tolist()])
    print("round trip:", torch.allclose(rev(normed, "denorm"), x[:4], atol=1e-4))
    inorm = nn.InstanceNorm1d(3, eps=1e-5)
    print("InstanceNorm1d agrees:", torch.allclose(inorm(x[:4].permute(0, 2, 1)).permute(0, 2, 1), normed, atol=1e-4))

    for individual in (True, False):
        model = DLinear(seq_len, pred_len, 3, individual=individual)
        load_numpy(model, rng)
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        for epoch in range(12):
            perm = torch.from_numpy(rng.permutation(26))
            for batch in perm.split(8):
                opt.zero_grad()
                loss = F.mse_loss(model(x_train[batch]), y_train[batch])
                loss.backward()
                opt.step()
        with torch.no_grad():
            pred = model(x_test)
        mse = ((pred - y_test) ** 2).mean(dim=(0, 2))
        mae = (pred - y_test).abs().mean(dim=(0, 2))
        print(f"individual={individual}: last loss {loss.item():.5f} test MSE {mse.mean().item():.5f}")
        print("  MSE per step:", [round(v, 4) for v in mse.tolist()])
        print("  MAE per step:", [round(v, 4) for v in mae.tolist()])
        print("  RevIN affine:", [round(v, 4) for v in model.revin.affine_weight.tolist()])
    naive = ((x_test[:, -1:] - y_test) ** 2).mean()
    print("naive last-value MSE:", round(naive.item(), 5))
