"""Order statistics and scans in evaluation metrics, float64: torch.kthvalue (keepdim, ties, gradient), running
best-so-far curves with cummax / cummin (indices on ties, gradients through the values), a streaming log-partition
with torch.logcumsumexp (and its gradient, -inf entries), percentiles with torch.quantile in each interpolation
(linear, lower, higher, midpoint, nearest: on ties in position), torch.nanquantile over NaN-holed rows, a
robust trimmed loss through quantile's gradient, torch.topk on tied scores (largest and smallest, sorted=True: the values and the untied indices) and
torch.nan_to_num with its defaults and explicit nan/posinf/neginf replacements.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(77)
    torch.set_printoptions(precision=5)
    x = torch.tensor(rng.normal(size=(3, 7)), dtype=torch.float64, requires_grad=True)
    k = torch.kthvalue(x, 3, dim=1)
    print("kthvalue", k.values, k.indices)
    kk = torch.kthvalue(x, 2, dim=0, keepdim=True)
    print("keepdim", kk.values.shape, kk.indices)
    (k.values.sum() + 2 * kk.values.sum()).backward()
    print("kth grad", x.grad)
    ties = torch.tensor([3.0, 1.0, 2.0, 1.0, 3.0, 2.0], dtype=torch.float64)
    print("kth on ties", torch.kthvalue(ties, 2), torch.kthvalue(ties, 5).values)

    val_loss = torch.tensor([0.9, 0.7, 0.75, 0.7, 0.6, 0.65, 0.6, 0.8], dtype=torch.float64, requires_grad=True)
    best, at = torch.cummin(val_loss, dim=0)
    print("cummin", best, at)
    worst, wat = torch.cummax(val_loss, dim=0)
    print("cummax", worst, wat)
    (best * torch.arange(1.0, 9.0, dtype=torch.float64)).sum().backward()
    print("cummin grad", val_loss.grad)
    m = torch.tensor(rng.integers(0, 4, (2, 6)), dtype=torch.float64)
    print("cummax dim1", torch.cummax(m, dim=1).indices)
    print("tensor.cummin", m.cummin(1).values)

    s = torch.tensor(rng.normal(size=(2, 6)), dtype=torch.float64, requires_grad=True)
    lcse = torch.logcumsumexp(s, dim=1)
    print("logcumsumexp", lcse)
    print("last equals logsumexp", torch.allclose(lcse[:, -1], torch.logsumexp(s, dim=1)))
    lcse.sum().backward()
    print("lcse grad", s.grad)
    with_inf = torch.tensor([float("-inf"), 0.0, float("-inf"), 1.0], dtype=torch.float64)
    print("with -inf", torch.logcumsumexp(with_inf, 0))

    data = torch.tensor(rng.normal(size=(2, 9)), dtype=torch.float64)
    q = torch.tensor([0.1, 0.25, 0.5, 0.9], dtype=torch.float64)
    for mode in ["linear", "lower", "higher", "midpoint", "nearest"]:
        print(mode, torch.quantile(data, q, dim=1, interpolation=mode).T)
    print("scalar q keepdim", torch.quantile(data, 0.3, dim=1, keepdim=True).shape)
    print("flattened", torch.quantile(data, 0.75))
    print("nearest on halves", torch.quantile(torch.arange(4.0, dtype=torch.float64),
                                              torch.tensor([0.5, 1 / 6, 5 / 6], dtype=torch.float64),
                                              interpolation="nearest"))
    holes = data.clone()
    holes[0, ::3] = float("nan")
    holes[1, 4] = float("nan")
    print("quantile with nan", torch.quantile(holes, 0.5, dim=1))
    for mode in ["linear", "lower", "midpoint"]:
        print("nanquantile", mode, torch.nanquantile(holes, q, dim=1, interpolation=mode).T[1])
    all_nan = torch.full((3,), float("nan"), dtype=torch.float64)
    print("all nan", torch.nanquantile(all_nan, 0.5))

    residuals = torch.tensor(rng.standard_t(2, size=16), dtype=torch.float64, requires_grad=True)
    cut = torch.quantile(residuals.abs(), 0.8)
    trimmed = torch.where(residuals.abs() <= cut, residuals ** 2, cut * residuals.abs())
    trimmed.mean().backward()
    print("trimmed loss cut", cut.item())
    print("trimmed grad", residuals.grad)

    scores = torch.tensor([0.5, 0.9, 0.5, 0.1, 0.9, 0.5, 0.3], dtype=torch.float64)
    top = torch.topk(scores, 4)
    # which of the tied 0.5s topk picks is its selection algorithm's choice (not documented): compare values and
    # the scores the indices point at, not the indices
    print("topk ties", top.values, torch.equal(scores[top.indices], top.values), top.indices[:2])
    low = torch.topk(scores, 3, largest=False)
    print("bottomk ties", low.values, low.indices[:2], scores[low.indices])
    print("topk 2d", torch.topk(torch.tensor([[1.0, 1.0, 0.0], [2.0, 2.0, 2.0]], dtype=torch.float64), 2, dim=1))

    bad = torch.tensor([float("nan"), float("inf"), -float("inf"), 1.5, -0.0], dtype=torch.float64)
    print("nan_to_num", torch.nan_to_num(bad))
    print("explicit", torch.nan_to_num(bad, nan=0.0, posinf=1e3, neginf=-1e3))
    print("float32 default", torch.nan_to_num(bad.to(torch.float32)))
    print("int untouched", torch.nan_to_num(torch.tensor([1, 2, 3])))
