"""Gradient clipping in place: by the norm of all gradients together, or elementwise by value."""
import math

import autograd as ag
from autograd import Tensor, arrays


def _grads(parameters, who):
    """The distinct gradient Tensors of `parameters` (a Tensor or an iterable of them), each array once."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads, seen = [], set()
    for p in parameters:
        if not isinstance(p, Tensor):
            raise TypeError(f"{who}: expected Tensors (e.g. model.parameters()), got {type(p).__name__}")
        g = p.grad
        if g is not None and id(arrays.array(g)) not in seen:
            seen.add(id(arrays.array(g)))  # a gradient shared by two parameters is counted and scaled once
            grads.append(g)
    return grads


def _accumulable(g):
    """float16 gradients as float32 for the norm: ten float16 gradients of 300 square-sum past float16's range
    (PyTorch accumulates them in float32 too); other dtypes as they are."""
    return g.float() if g.dtype == ag.float16 else g


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients in place so that their combined `norm_type`-norm (the norm of the vector of
    every gradient's norm) is at most `max_norm`; return that norm, before clipping, as a 0-d Tensor.

    The scale is max_norm / (norm + 1e-6) capped at 1, as PyTorch's; it is applied without reading the
    norm back to the host unless `error_if_nonfinite` asks for a check that the norm is finite. Written
    with tensor ops, so an `ag.jit` replay clips each step's own gradients. `foreach` is accepted for
    PyTorch's signature (one path here).
    """
    max_norm, norm_type = float(max_norm), float(norm_type)
    if max_norm < 0 or math.isnan(max_norm):
        raise ValueError(f"clip_grad_norm_: max_norm must be >= 0, got {max_norm}")
    grads = [g for g in _grads(parameters, "clip_grad_norm_") if g.numel() > 0]
    if not grads:
        return ag.tensor(0.0)
    device = grads[0].device
    with ag.no_grad():
        norms = [_accumulable(g).reshape(-1).norm(norm_type).to(device) for g in grads]
        total = ag.stack(norms).norm(norm_type)
        if error_if_nonfinite and not bool(ag.isfinite(total)):
            raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
                               f"{float(total)}, so they cannot be clipped; find where the nan/inf starts "
                               "(ag.detect_anomaly()), or pass error_if_nonfinite=False to scale by it anyway")
        scale = (max_norm / (total + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(scale.to(g.device).to(g.dtype))
    return total.to(grads[0].dtype)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clip every gradient elementwise into [-clip_value, clip_value], in place (tensor ops, so `ag.jit`
    replays clip each step's gradients; `foreach` is accepted for PyTorch's signature)."""
    clip_value = float(clip_value)
    if clip_value < 0 or math.isnan(clip_value):
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    with ag.no_grad():
        for g in _grads(parameters, "clip_grad_value_"):
            g.clamp_(-clip_value, clip_value)
