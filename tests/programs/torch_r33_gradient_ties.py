"""Gradients where the function has ties or kinks, as a user probing subgradients meets them (float64): the
full max / min reductions and amax / amin (the gradient split evenly over tied elements), max(dim) and topk
(one index per tie), maximum / minimum / fmax of equal operands, clamp and hardtanh at their bounds, relu, abs,
sign and sqrt at zero, the norm of a zero vector, prod and cumprod through one and two zeros, median and
kthvalue of tied values, sort with stable ties, and the NaN trap of where with its nan_to_num fix."""
import torch
import torch.nn.functional as F


def grad_of(fn, values):
    x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    out = fn(x)
    out.backward(torch.ones_like(out))
    return out, x.grad


def show(label, fn, values):
    out, g = grad_of(fn, values)
    name = out.grad_fn.name() if out.grad_fn is not None else None
    print(label, name, [round(v, 6) for v in out.detach().reshape(-1).tolist()],
          [round(v, 6) for v in g.reshape(-1).tolist()])


def main():
    tied = [[1.0, 3.0, 3.0], [3.0, 0.5, 2.0]]
    show("max", lambda x: x.max(), tied)
    show("min", lambda x: x.min(), [[1.0, 0.5, 3.0], [0.5, 0.5, 2.0]])
    show("amax", lambda x: x.amax(), tied)
    show("amax dim", lambda x: torch.amax(x, dim=1), tied)
    show("amin dim0", lambda x: torch.amin(x, dim=0, keepdim=True), [[1.0, 2.0], [1.0, 0.5]])
    show("max dim", lambda x: x.max(dim=1).values, tied)
    print("max dim idx", torch.tensor(tied).max(dim=1).indices.tolist())
    show("topk", lambda x: x.topk(2, dim=1).values, tied)
    show("maximum eq", lambda x: torch.maximum(x, torch.full_like(x, 3.0)), tied)
    show("minimum eq", lambda x: torch.minimum(x, torch.full_like(x, 2.0)), tied)
    show("fmax eq", lambda x: torch.fmax(x, torch.full_like(x, 3.0)), tied)
    show("clamp", lambda x: x.clamp(0.5, 3.0), tied)
    show("clamp min t", lambda x: torch.clamp(x, min=torch.tensor([1.0, 0.5, 2.0], dtype=torch.float64)), tied)
    show("hardtanh", lambda x: F.hardtanh(x, -1.0, 1.0), [-1.0, -0.5, 0.0, 1.0, 2.0])
    show("relu0", torch.relu, [-1.0, 0.0, 2.0])
    show("abs0", torch.abs, [-1.0, 0.0, 2.0])
    show("sign", torch.sign, [-1.0, 0.0, 2.0])
    show("sqrt0", torch.sqrt, [0.0, 4.0])
    show("norm0", lambda x: x.norm(), [0.0, 0.0, 0.0])
    show("vecnorm1 0", lambda x: torch.linalg.vector_norm(x, ord=1), [0.0, -2.0, 0.0])
    show("vecnorm inf", lambda x: torch.linalg.vector_norm(x, ord=float("inf")), [3.0, -3.0, 1.0])
    show("prod one zero", lambda x: x.prod(), [2.0, 0.0, 3.0])
    show("prod two zeros", lambda x: x.prod(), [2.0, 0.0, 0.0])
    show("prod dim", lambda x: x.prod(dim=1), [[2.0, 0.0, 3.0], [1.5, 2.0, 4.0]])
    show("cumprod zero", lambda x: x.cumprod(0), [2.0, 0.0, 3.0, 4.0])
    show("cumprod zeros", lambda x: x.cumprod(0), [2.0, 0.0, 3.0, 0.0])
    show("median", lambda x: x.median(), [2.0, 1.0, 2.0, 5.0, 2.0])
    show("median dim", lambda x: x.median(dim=1).values, [[4.0, 1.0, 4.0, 0.0], [1.0, 1.0, 3.0, 3.0]])
    show("kthvalue", lambda x: x.kthvalue(2, dim=0).values, [3.0, 1.0, 1.0, 2.0])
    srt = torch.tensor([2.0, 1.0, 2.0, 1.0, 0.0], dtype=torch.float64)
    print("sort stable", srt.sort(stable=True).indices.tolist(), srt.sort(descending=True, stable=True).indices.tolist())
    show("sort", lambda x: x.sort(stable=True).values * torch.arange(1.0, 6.0, dtype=torch.float64),
         [2.0, 1.0, 2.0, 1.0, 0.0])
    show("where trap", lambda x: torch.where(x > 0, torch.log(x), torch.zeros_like(x)), [0.0, 2.0])
    show("where fix", lambda x: torch.where(x > 0, torch.log(torch.where(x > 0, x, torch.ones_like(x))),
                                            torch.zeros_like(x)), [0.0, 2.0])
    show("nan_to_num", lambda x: torch.nan_to_num(torch.log(x), neginf=-10.0), [0.0, 2.0])
    show("logsumexp tie", lambda x: torch.logsumexp(x, dim=0), [1.0, 1.0, 1.0])
    show("softplus", lambda x: F.softplus(x, beta=2.0, threshold=1.0), [0.25, 0.5, 0.75])

    # a subgradient method on an L1 / Linf objective, where ties happen on purpose
    torch.manual_seed(0)
    A = torch.randn(6, 3, dtype=torch.float64)
    b = torch.randn(6, dtype=torch.float64)
    w = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    for step in range(6):
        r = A @ w - b
        loss = r.abs().sum() + 0.5 * r.abs().amax() + 0.1 * w.abs().sum()
        loss.backward()
        with torch.no_grad():
            w -= 0.05 / (step + 1) * w.grad
        print("subgrad", step, round(loss.item(), 8), [round(v, 8) for v in w.grad.tolist()])
        w.grad = None
    print("w", [round(v, 8) for v in w.tolist()])


main()
