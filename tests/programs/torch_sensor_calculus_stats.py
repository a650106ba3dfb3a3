"""Numerical helpers on a sensor log, float64: velocity and acceleration by torch.diff (n=2, prepend / append,
along rows) and torch.gradient (coordinate spacing, edge_order=2, two dims), distance by trapezoid /
cumulative_trapezoid over uneven timestamps, running log-sum-exp with -inf entries, running peaks with
cummax / cummin (ties, gradients), renorm of rows, cleaning with nan_to_num (nan / posinf / neginf), histograms
(histc, histogram with weights and density, bincount with weights and minlength) and robust statistics
(aminmax, nanmedian with and without dim, kthvalue, mode, median ties) with gradients where they exist.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(2208)
    torch.set_printoptions(precision=5)
    t = torch.tensor(np.cumsum(rng.uniform(0.2, 1.0, size=8)), dtype=torch.float64)
    pos = torch.tensor(rng.normal(size=(2, 8)).cumsum(axis=1), dtype=torch.float64, requires_grad=True)

    vel = torch.diff(pos, dim=1) / torch.diff(t)
    print("velocity", vel)
    acc2 = torch.diff(pos, n=2, dim=-1, prepend=pos[:, :1].detach(), append=pos[:, -1:].detach() * 0)
    print("second difference", acc2.shape, acc2[0])
    g_t, = torch.gradient(pos, spacing=(t,), dim=1)
    print("gradient at timestamps", g_t[1])
    g2, = torch.gradient(pos, spacing=(t,), dim=1, edge_order=2)
    print("edge_order=2 ends", g2[:, 0], g2[:, -1])
    gr, gc = torch.gradient(pos, spacing=[0.5, 2.0], edge_order=1)
    print("two dims", gr[0, :3], gc[1, -3:])
    (vel.square().sum() + g2.sum() + acc2.abs().sum()).backward()
    print("pos grad", pos.grad)

    speed = torch.tensor(rng.uniform(0.0, 3.0, size=8), dtype=torch.float64, requires_grad=True)
    dist = torch.trapezoid(speed, t)
    cum = torch.cumulative_trapezoid(speed, x=t)
    cum_dx = torch.cumulative_trapezoid(speed, dx=0.5)
    print("distance", dist.item(), cum[-1].item(), cum.shape, cum_dx[:3])
    two = torch.stack([speed, speed * 2])
    print("trapezoid rows", torch.trapezoid(two, dx=0.25, dim=1), torch.trapezoid(two.T, x=t, dim=0))
    (dist + cum.sum()).backward()
    print("speed grad", speed.grad)

    logits = torch.tensor([[0.5, float("-inf"), 2.0, -1.0, float("-inf"), 3.0]], dtype=torch.float64)
    print("logcumsumexp", torch.logcumsumexp(logits, dim=1))
    allneg = torch.full((3,), float("-inf"), dtype=torch.float64)
    print("all -inf", allneg.logcumsumexp(0))
    lz = torch.tensor(rng.normal(size=6), dtype=torch.float64, requires_grad=True)
    lz.logcumsumexp(0).sum().backward()
    print("logcumsumexp grad", lz.grad)

    sig = torch.tensor([1.0, 3.0, 2.0, 3.0, 0.5, 4.0, 4.0, -1.0], dtype=torch.float64, requires_grad=True)
    peak = sig.cummax(dim=0)
    trough = torch.cummin(sig, 0)
    print("cummax", peak.values, peak.indices)
    print("cummin", trough)
    (peak.values * torch.arange(8.0, dtype=torch.float64)).sum().backward()
    print("cummax grad", sig.grad)
    sig.grad = None
    trough.values.sum().backward()
    print("cummin grad", sig.grad)
    print("cummax int rows", torch.tensor([[2, 1, 2], [0, 5, 5]]).cummax(1).indices.tolist())

    W = torch.tensor(rng.normal(size=(4, 3)) * 2, dtype=torch.float64, requires_grad=True)
    R = W.renorm(p=2, dim=0, maxnorm=1.5)
    print("renorm row norms", R.norm(dim=1))
    print("renorm p=1 dim=1", torch.renorm(W.detach(), 1, 1, 2.0).abs().sum(0))
    R.sum().backward()
    print("renorm grad", W.grad)

    raw = torch.tensor([1.0, float("nan"), float("inf"), -float("inf"), -2.5, float("nan")], dtype=torch.float64)
    print("nan_to_num", torch.nan_to_num(raw), raw.nan_to_num(nan=0.5, posinf=9.0, neginf=-9.0))
    print("nan_to_num f32", torch.nan_to_num(raw.float(), posinf=1e30).tolist()[2] > 1e29)

    vals = torch.tensor(rng.normal(size=40), dtype=torch.float64)
    print("histc", torch.histc(vals, bins=6, min=-2, max=2))
    print("histc auto range", torch.histc(vals, bins=4))
    w = torch.tensor(rng.uniform(0, 1, size=40), dtype=torch.float64)
    hist = torch.histogram(vals, bins=5, range=(-2.0, 2.0), weight=w)
    print("weighted histogram", hist.hist, hist.bin_edges)
    dens = torch.histogram(vals, bins=torch.tensor([-3.0, -1.0, 0.0, 0.5, 3.0], dtype=torch.float64), density=True)
    print("density", dens.hist, (dens.hist * torch.diff(dens.bin_edges)).sum().item())
    ids = torch.tensor(rng.integers(0, 5, size=12))
    print("bincount", torch.bincount(ids), torch.bincount(ids, minlength=8).shape)
    print("bincount weights", torch.bincount(ids, weights=torch.linspace(0, 1, 12, dtype=torch.float64)))

    data = torch.tensor(rng.normal(size=(3, 5)), dtype=torch.float64, requires_grad=True)
    mn, mx = torch.aminmax(data)
    print("aminmax", mn.item(), mx.item(), torch.aminmax(data, dim=1, keepdim=True).max.shape)
    print("aminmax int", torch.aminmax(torch.tensor([3, -7, 2])))
    holes = data.detach().clone()
    holes[0, 1] = float("nan")
    holes[2, :] = float("nan")
    rowmed = holes.nanmedian(dim=1)
    print("nanmedian", holes.nanmedian(), rowmed.values, rowmed.indices[:2])
    print("median with nan", holes.median(dim=1).values)
    masked = torch.where(torch.isnan(holes), torch.zeros_like(data), data)
    nm = masked.nanmedian(dim=0)
    k = data.kthvalue(2, dim=1, keepdim=True)
    (nm.values.sum() + k.values.sum()).backward()
    print("kthvalue", k.values.flatten(), k.indices.flatten())
    print("order-stat grad", data.grad)
    votes = torch.tensor([[1, 3, 3, 2, 2], [0, 0, 4, 4, 1]])
    print("mode", torch.mode(votes, dim=1), votes.mode(0).values)
    print("median ties", torch.tensor([1.0, 2.0, 2.0, 3.0]).median(), torch.tensor([[4, 1, 3, 2]]).median(1))


if __name__ == "__main__":
    main()
