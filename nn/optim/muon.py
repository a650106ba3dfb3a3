"""Muon, as torch.optim.Muon: momentum SGD whose step direction is orthogonalised by a Newton-Schulz iteration.

The iteration runs in bfloat16 in PyTorch. Here it runs on float32 arrays of the device's array module, each
result rounded to bfloat16's precision where PyTorch's bfloat16 op rounds (a product computed in float32 and
rounded once, as PyTorch's CPU bfloat16 matrix products are), so the optional ml_dtypes package is not needed and
every device runs the same code.
"""
import math

from autograd import arrays

from ._buffers import lerp_, zeros_like_param
from .optimizer import Optimizer

#: PyTorch's defaults: the quintic iteration's coefficients, its step count and the norm's floor
NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)
NS_STEPS = 5
EPS = 1e-7
_LR_ADJUSTMENTS = (None, "original", "match_rms_adamw")


def to_bfloat16_precision(xp, a):
    """`a` rounded to the nearest bfloat16 value (ties to even), as a float32 array: in place for a float32 `a`;
    a float64 `a` is rounded from its own bits (through float32 it would be rounded twice). NaN stays NaN."""
    nan = xp.isnan(a)
    if a.dtype == xp.float64:
        a = a.copy()
        bits = a.view(xp.uint64)
        dropped = 52 - 7   # bfloat16 keeps 7 of float64's 52 mantissa bits
        bits += xp.uint64((1 << (dropped - 1)) - 1) + ((bits >> xp.uint64(dropped)) & xp.uint64(1))
        bits &= xp.uint64(~((1 << dropped) - 1) & 0xFFFFFFFFFFFFFFFF)
        a = a.astype(xp.float32)
    else:
        bits = a.view(xp.uint32)
        bits += xp.uint32(0x7FFF) + ((bits >> xp.uint32(16)) & xp.uint32(1))
        bits &= xp.uint32(0xFFFF0000)
    if nan.any():
        a[nan] = xp.nan
    return a


def orthogonalized(xp, update, coefficients=NS_COEFFICIENTS, steps=NS_STEPS, eps=EPS):
    """The Newton-Schulz approximation of U V^T for the 2-D `update` = U S V^T, as PyTorch's Muon computes it in
    bfloat16: a float32 array holding bfloat16 values, of update's shape."""
    a, b, c = coefficients
    x = to_bfloat16_precision(xp, update if update.dtype == xp.float64 else update.astype(xp.float32))
    tall = x.shape[0] > x.shape[1]
    if tall:
        x = x.T
    norm = xp.asarray(xp.sqrt(xp.sum(xp.square(x, dtype=xp.float64))), dtype=xp.float32).reshape(1)
    norm = xp.maximum(to_bfloat16_precision(xp, norm), to_bfloat16_precision(xp, xp.full(1, eps, xp.float32)))
    x = to_bfloat16_precision(xp, x / norm)
    for _ in range(steps):
        gram = to_bfloat16_precision(xp, x @ x.T)
        poly = gram @ gram
        poly *= xp.float32(c)
        poly += xp.float32(b) * gram
        poly = to_bfloat16_precision(xp, poly)
        nxt = poly @ x
        nxt += xp.float32(a) * x
        x = to_bfloat16_precision(xp, nxt)
    return x.T if tall else x


def adjusted_lr(lr, adjust_lr_fn, shape):
    """The learning rate Muon applies to a parameter of `shape` (rows, cols): Keller Jordan's sqrt(max(1, rows /
    cols)) scale ("original", the default) or 0.2 sqrt(max(rows, cols)) ("match_rms_adamw", Moonshot's)."""
    rows, cols = shape[:2]
    if adjust_lr_fn == "match_rms_adamw":
        return lr * 0.2 * math.sqrt(max(rows, cols))
    return lr * math.sqrt(max(1, rows / cols))


class Muon(Optimizer):
    """Muon for 2-D parameters (hidden layers' weight matrices): buf = lerp(buf, g, 1 - momentum); the direction
    lerp(g, buf, momentum) with nesterov (else buf) is orthogonalised by `ns_steps` Newton-Schulz steps
    with `ns_coefficients`; p *= 1 - lr * weight_decay; p -= adjusted lr * direction (see `adjusted_lr`).
    Optimise biases, embeddings and other non-matrix parameters with another optimiser such as AdamW."""

    _nonnegative = ("momentum", "weight_decay")

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=NS_COEFFICIENTS, eps=EPS, ns_steps=NS_STEPS, adjust_lr_fn=None):
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                                      ns_coefficients=tuple(ns_coefficients), eps=eps, ns_steps=ns_steps,
                                      adjust_lr_fn=adjust_lr_fn))
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(f"Muon: only 2-D parameters (weight matrices) can be optimised, got one of shape "
                                     f"{p.shape}; give biases, norms and embeddings to another optimiser (e.g. "
                                     "AdamW) in a second optimiser")

    def _check_group(self, group):
        super()._check_group(group)
        if group["adjust_lr_fn"] not in _LR_ADJUSTMENTS:
            raise ValueError(f"Muon: adjust_lr_fn {group['adjust_lr_fn']!r} is not supported; use None, 'original' "
                             "or 'match_rms_adamw'")
        if len(group["ns_coefficients"]) != 3:
            raise ValueError(f"Muon: ns_coefficients must be three numbers (a, b, c), got "
                             f"{group['ns_coefficients']!r}")
        if group["ns_steps"] >= 100:
            raise ValueError(f"Muon: ns_steps must be less than 100, got {group['ns_steps']}")

    def _update(self, p, grad, state, group):
        if p.dtype.kind == "c" or not hasattr(grad, "ndim"):
            raise RuntimeError("Muon does not support complex parameters")
        if grad.ndim != 2:
            raise ValueError(f"Muon: a parameter's gradient must be a 2-D matrix, got shape {tuple(grad.shape)}; "
                             "optimise parameters that are not matrices with another optimiser")
        device = p.device
        xp = device.xp
        if "momentum_buffer" not in state:
            state["momentum_buffer"] = zeros_like_param(p)
        buf = arrays.array(state["momentum_buffer"])
        momentum = group["momentum"]
        lerp_(xp, buf, grad, 1 - momentum)
        if group["nesterov"]:
            direction = grad.copy()
            lerp_(xp, direction, buf, momentum)
        else:
            direction = buf
        update = orthogonalized(xp, direction, group["ns_coefficients"], group["ns_steps"], group["eps"])
        param = arrays.array(p)
        lr = group["lr"]
        param *= 1 - lr * group["weight_decay"]
        step = adjusted_lr(lr, group["adjust_lr_fn"], p.shape)
        update = update.astype(param.dtype, copy=False)
        fused = device.sgd_step   # param -= step * update, rounded once as PyTorch's add_(alpha=) is
        if fused is None or not fused(param, update, None, step, 0, 0, False, 0, False):
            param -= step * update
