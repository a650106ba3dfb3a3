"""Reductions with keepdim and dim tuples, and NaN handling, as metrics and data-cleaning code write them; tests
run it as is and with only its imports changed, and compare what both print. sum / mean / amax / amin / std /
var / prod / logsumexp / norm over dim tuples and negative dims with keepdim, var_mean and std_mean with
correction, aminmax, all / any along a dim, count_nonzero; then a table with missing values: isnan masks,
nansum / nanmean / nanmedian / nanquantile, nan_to_num, masked means by hand, NaN propagation through max / sum,
and column statistics that ignore NaN. Float32, NumPy data.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(14)
    x = torch.from_numpy(rng.standard_normal((3, 4, 5)).astype(np.float32))
    print(x.sum(dim=(0, 2)), x.sum((-1, 0), keepdim=True).shape, x.mean((1, 2)), x.mean(-1, keepdim=True).shape)
    print(x.amax(dim=(0, 1)), x.amin((1, 2), keepdim=True).view(-1), x.max(dim=1, keepdim=True).indices.shape)
    print(x.std(dim=(0, 2)), x.var((1, 2), unbiased=False), x.std(0, correction=0)[0])
    v, m = torch.var_mean(x, dim=(0, 1), correction=1)
    s, m2 = torch.std_mean(x, dim=2, keepdim=True)
    print(v, m, s.shape, m2[0, :, 0])
    print(x.prod(1)[0], x.logsumexp(dim=(1, 2)), torch.logsumexp(x, 0, keepdim=True).shape)
    print(x.norm(dim=(1, 2)), x.norm(p=1, dim=-1)[0], torch.linalg.vector_norm(x, ord=float("inf"), dim=(0, 2)))
    mn, mx = torch.aminmax(x, dim=0)
    print(mn[0], mx[0], torch.aminmax(x))
    pos = x > 0
    print(pos.all(dim=0).sum(), pos.any(-1), torch.count_nonzero(pos, dim=(0, 2)), x.gt(0).float().mean((0, 1)))
    table = rng.standard_normal((6, 4)).astype(np.float32)
    table[[0, 2, 2, 5], [1, 0, 3, 1]] = np.nan
    t = torch.from_numpy(table)
    missing = torch.isnan(t)
    print(missing.sum(0), missing.any(1), t.isnan().nonzero().tolist())
    print(t.sum(0), t.nansum(0), torch.nansum(t), t.nanmean(0), torch.nanmean(t, dim=1, keepdim=True).view(-1))
    print(t.nanmedian(0), t.nanmedian())
    print(torch.nanquantile(t, 0.25, dim=0), torch.nanquantile(t, torch.tensor([0.1, 0.9]), dim=1)[:, 0])
    print(torch.nan_to_num(t, nan=0.0)[0], t.nan_to_num(-1.0)[2])
    filled = torch.where(missing, t.nanmean(0, keepdim=True).expand_as(t), t)
    print(filled[:, 1], filled.isnan().any().item())
    keep = ~missing
    masked_mean = torch.where(keep, t, torch.zeros_like(t)).sum(0) / keep.sum(0)
    print(masked_mean, torch.allclose(masked_mean, t.nanmean(0)))
    print(t.max(0).values, t.amax(1), t.min(), t.argmax(0), t.mean(), torch.isfinite(t).all(1))
    inf = torch.tensor([1.0, float("inf"), -float("inf"), float("nan")])
    print(torch.nan_to_num(inf), torch.nan_to_num(inf, posinf=9.0, neginf=-9.0), inf.isinf(), inf.isposinf(), (inf * 0).isnan())
    cs = torch.nan_to_num(t, 0.0).cumsum(0)
    print(cs[-1], keep.cumsum(0)[-1], (cs / keep.cumsum(0).clamp(min=1))[-1])


if __name__ == "__main__":
    main()
