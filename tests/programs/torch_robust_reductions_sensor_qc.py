"""Reductions with their rarer arguments, as sensor quality-control and robust-statistics code uses them; tests
run it as is and with only its imports changed, and compare what both print. nanmedian / nanquantile with every
interpolation mode over dims with keepdim, quantile with a tensor of q and dim, mode on ties, var_mean /
std_mean with correction and several dims, aminmax, count_nonzero over a tuple of dims, logsumexp over rows that
are all -inf, matrix and vector norms (fro, nuc, inf, -inf, 0, p=3) over dims, renorm of filter banks, and a
robust (median-of-means / trimmed) fit trained by Adam with the gradients of quantile, nanmedian, std and norm.
Float32 from a seeded NumPy generator.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(2406)
    readings = torch.from_numpy(rng.normal(20, 2, (4, 10)).astype(np.float32))
    readings[0, [1, 4]] = float("nan")
    readings[2, :] = float("nan")
    readings[3, 7] = 95.0
    med, idx = torch.nanmedian(readings, dim=1)
    print("nanmedian", med, idx)
    print("nanmedian all", torch.nanmedian(readings).item(), torch.nanmedian(readings[0]).item())
    for mode in ("linear", "lower", "higher", "midpoint", "nearest"):
        print("nanquantile", mode, torch.nanquantile(readings, 0.3, dim=1, keepdim=True, interpolation=mode).squeeze(1))
    qs = torch.tensor([0.1, 0.5, 0.9])
    q = torch.quantile(readings[[0, 1, 3]].nan_to_num(0.0), qs, dim=1, keepdim=True)
    print("quantile tensor q", q.shape, q[:, 1, 0])
    print("quantile nan row", torch.quantile(readings, 0.5, dim=1))

    votes = torch.tensor([[3, 1, 3, 1, 2], [5, 5, 4, 4, 4], [0, 9, 8, 7, 6]])
    print("mode", torch.mode(votes, dim=1), torch.mode(votes, 0, keepdim=True).values)
    clean = readings[[1, 3]]
    v, m = torch.var_mean(clean, dim=1, correction=0)
    s, m2 = torch.std_mean(clean, dim=(0, 1), correction=2, keepdim=True)
    print("var_mean", v, m, "std_mean", s.flatten(), m2.shape)
    print("var corrections", torch.var(clean, 1, correction=3), torch.std(clean, unbiased=False))
    lo, hi = torch.aminmax(readings[[1, 3]], dim=0)
    print("aminmax", lo[:4], hi[:4], torch.aminmax(torch.tensor([[2, -7], [5, 1]])))
    mask = (readings > 21).int()
    print("count_nonzero", torch.count_nonzero(mask, dim=(0, 1)), torch.count_nonzero(mask, dim=1),
          torch.count_nonzero(readings.isnan(), dim=(1,)))
    logits = torch.tensor([[0.0, 1.0, 2.0], [-float("inf")] * 3, [1e4, 1e4, -float("inf")]])
    print("logsumexp -inf rows", torch.logsumexp(logits, dim=1), torch.logsumexp(logits, dim=0, keepdim=True))

    mats = torch.from_numpy(rng.normal(0, 1, (3, 4, 5)).astype(np.float32))
    print("fro", torch.norm(mats, p="fro", dim=(1, 2)), torch.linalg.matrix_norm(mats, ord="fro"))
    print("nuc", torch.norm(mats, p="nuc", dim=(1, 2)), torch.linalg.matrix_norm(mats, ord=-2))
    print("inf norms", torch.norm(mats, p=float("inf"), dim=2)[0], torch.linalg.matrix_norm(mats, ord=float("inf")),
          torch.linalg.matrix_norm(mats, ord=-1))
    print("vector norms", torch.linalg.vector_norm(mats, ord=0, dim=(1, 2)),
          torch.linalg.vector_norm(mats, ord=3, dim=1)[0], torch.linalg.vector_norm(mats, ord=-float("inf")))
    print("norm p=3 keepdim", torch.norm(mats, 3, dim=1, keepdim=True).shape, torch.norm(mats[0], dim=0))

    filters = torch.from_numpy(rng.normal(0, 1, (4, 2, 3)).astype(np.float32))
    ren = torch.renorm(filters, p=2, dim=0, maxnorm=2.0)
    print("renorm", ren.flatten(1).norm(dim=1), filters.flatten(1).norm(dim=1))
    print("renorm p=1 dim 2", torch.renorm(filters, 1, 2, 3.0).abs().sum(dim=(0, 1)))

    x = torch.from_numpy(rng.uniform(-2, 2, 60).astype(np.float32))
    y = 1.5 * x - 0.5 + torch.from_numpy(rng.standard_t(2, 60).astype(np.float32)) * 0.3
    y[::13] += 8.0
    w = torch.zeros(2, requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.05)
    for step in range(80):
        opt.zero_grad()
        res = y - (w[0] * x + w[1])
        blocks = res.abs().reshape(6, 10)
        loss = torch.median(blocks.mean(1)) + 0.1 * torch.quantile(res.abs(), 0.8) + 0.01 * w.norm(p=1)
        loss.backward()
        opt.step()
        if step % 20 == 19:
            print("robust fit", step, round(loss.item(), 5), w.detach())
    r = readings.clone().requires_grad_(True)
    stats = (torch.nanmedian(r, dim=1).values.nan_to_num(0).sum()
             + torch.nanquantile(r[[0, 1, 3]], 0.75, dim=1, interpolation="midpoint").sum()
             + torch.std(r[1]) + torch.linalg.matrix_norm(r[[1, 3]].reshape(4, 5), ord="nuc"))
    stats.backward()
    print("reduction grads", r.grad[0], r.grad[3, 5:])
    print("nan positions keep zero grad", r.grad[2].abs().sum().item())


if __name__ == "__main__":
    main()
