"""Probabilistic time-series forecasting written for PyTorch the way forecasting code does it; tests run it as is and
with only its imports changed, and compare what both print. A seasonal series with missing values (NaN) from a
seeded NumPy generator, cleaned with torch.nanmean / nan_to_num and scaled per window; sliding windows by
Tensor.unfold; a causal self-attention forecaster through F.scaled_dot_product_attention(is_causal=True) over
circularly padded (nn.CircularPad1d) convolution features; heads trained with GaussianNLLLoss, PoissonNLLLoss and a
hand-written quantile (pinball) loss; the optimiser step fused into backward with
register_post_accumulate_grad_hook; evaluation with torch.quantile, histc, bucketize, cummax, diff and roll.
Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

WINDOW, HORIZON, QUANTILES = 12, 3, (0.1, 0.5, 0.9)


class Forecaster(nn.Module):
    def __init__(self, d=8):
        super().__init__()
        self.pad = nn.CircularPad1d((2, 0))
        self.conv = nn.Conv1d(1, d, 3)
        self.qkv = nn.Linear(d, 3 * d)
        self.gauss = nn.Linear(d, 2 * HORIZON)
        self.quant = nn.Linear(d, HORIZON * len(QUANTILES))
        self.rate = nn.Linear(d, HORIZON)

    def forward(self, x):
        h = F.silu(self.conv(self.pad(x.unsqueeze(1)))).transpose(1, 2)
        q, k, v = self.qkv(h).unsqueeze(1).chunk(3, dim=-1)
        h = F.scaled_dot_product_attention(q, k, v, is_causal=True).squeeze(1)[:, -1]
        mean, log_var = self.gauss(h).chunk(2, dim=-1)
        return mean, log_var.exp(), self.quant(h).view(-1, HORIZON, len(QUANTILES)), self.rate(h)


def pinball(pred, target):
    q = torch.tensor(QUANTILES)
    err = target.unsqueeze(-1) - pred
    return torch.maximum(q * err, (q - 1) * err).mean()


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(37)
    t = np.arange(120)
    series = 2 + np.sin(2 * np.pi * t / 12) + 0.01 * t + 0.2 * rng.standard_normal(120)
    series[rng.choice(120, 8, replace=False)] = np.nan
    s = torch.from_numpy(series)
    print("missing:", s.isnan().sum().item(), "nanmean:", round(s.nanmean().item(), 6),
          "nanmedian:", round(s.nanmedian().item(), 6))
    filled = torch.where(s.isnan(), s.nanmean(), s)
    print("nan_to_num equal fill:", torch.equal(torch.nan_to_num(s, nan=s.nanmean().item()), filled))
    windows = filled.unfold(0, WINDOW + HORIZON, 1)
    print("windows:", tuple(windows.shape), windows.stride(), windows.is_contiguous())
    x, y = windows[:, :WINDOW], windows[:, WINDOW:]
    loc, scale = x.mean(1, keepdim=True), x.std(1, keepdim=True)
    xn, yn = (x - loc) / scale, (y - loc) / scale

    model = Forecaster()
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.3, tuple(v.shape)))
                           for k, v in model.state_dict().items()})
    optimizers = {p: torch.optim.Adam([p], lr=0.01) for p in model.parameters()}

    def step_hook(p):
        optimizers[p].step()
        optimizers[p].zero_grad()

    handles = [p.register_post_accumulate_grad_hook(step_hook) for p in model.parameters()]
    gnll, pnll = nn.GaussianNLLLoss(full=True), nn.PoissonNLLLoss(log_input=True, full=True)
    counts = torch.round(y.clamp_min(0) * 3)
    for epoch in range(6):
        mean, var, quant, rate = model(xn)
        losses = (gnll(mean, yn, var), pinball(quant, yn), pnll(rate, counts))
        sum(losses).backward()
        print(f"epoch {epoch}: " + " ".join(f"{v.item():.6f}" for v in losses))
    print("grads freed by the hooks:", all(p.grad is None for p in model.parameters()))
    for h in handles:
        h.remove()

    with torch.no_grad():
        mean, var, quant, rate = model(xn)
    pred = mean * scale + loc
    print("first forecast:", [round(v, 6) for v in pred[0].tolist()], "truth", [round(v, 6) for v in y[0].tolist()])
    coverage = ((quant[..., 0] <= yn) & (yn <= quant[..., 2])).double().mean()
    print("80% interval coverage:", round(coverage.item(), 6))
    err = (pred - y).abs().flatten()
    print("error quantiles:", [round(v, 6) for v in torch.quantile(err, torch.tensor([0.1, 0.5, 0.9])).tolist()],
          round(torch.quantile(err, 0.75, interpolation="nearest").item(), 6))
    print("histc:", torch.histc(err, bins=5, min=0, max=2).tolist())
    print("bucketize:", torch.bucketize(err[:8], torch.tensor([0.25, 0.5, 1.0])).tolist(),
          torch.bucketize(err[:8], torch.tensor([0.25, 0.5, 1.0]), right=True).tolist())
    running_max, where = filled.cummax(0)
    print("cummax:", [round(v, 6) for v in running_max[-3:].tolist()], where[-3:].tolist())
    print("seasonal diff:", [round(v, 6) for v in (filled - torch.roll(filled, 12)).diff()[12:17].tolist()])
    print("diff n=2 with prepend:", [round(v, 6) for v in torch.diff(filled[:5], n=2, prepend=torch.zeros(1)).tolist()])
