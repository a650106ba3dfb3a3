"""Gradient clipping in place: by the norm of all gradients together, or elementwise by value."""
import math
import warnings

import autograd as ag
from autograd import Tensor, arrays


class NormTypeError(ValueError, TypeError):
    """A norm_type that is no number (None, a list): the ValueError deepgrad raised first, and PyTorch's TypeError."""


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


def _total_norm(tensors, norm_type, error_if_nonfinite, who):
    """The norm of the norms of `tensors` (non-empty), accumulated in float32 for float16 ones."""
    device = tensors[0].device
    with ag.no_grad():
        norms = [_accumulable(g).reshape(-1).norm(norm_type).to(device) for g in tensors]
        total = ag.stack(norms).norm(norm_type)
        if error_if_nonfinite and not bool(ag.isfinite(total)):
            raise RuntimeError(f"{who}: the total norm of order {norm_type} of the gradients is "
                               f"non-finite ({float(total)}), so they cannot be clipped; find where the nan/inf starts "
                               "(ag.detect_anomaly()), or pass error_if_nonfinite=False to scale by it anyway")
    return total


def _scale_by(grads, max_norm, total):
    with ag.no_grad():
        scale = (max_norm / (total + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(scale.to(g.device).to(g.dtype))


def _max_norm(max_norm, who):
    try:
        max_norm = float(max_norm)
    except (TypeError, ValueError) as exc:   # float('a') is a ValueError, float(None) a TypeError: kept, as PyTorch's
        raise type(exc)(f"{who}: max_norm must be a number, got {type(max_norm).__name__} {max_norm!r} ({exc})") \
            from None
    if math.isnan(max_norm):
        raise ValueError(f"{who}: max_norm must be a number, got nan")
    return max_norm   # a negative one flips the gradients' sign (and scales them), as PyTorch's does


def _norm_type(norm_type, who):
    """norm_type as a float; for one float() refuses, `who`'s error of float()'s type (None: a TypeError,
    'foo': a ValueError, as PyTorch's)."""
    try:
        return float(norm_type)
    except (TypeError, ValueError) as exc:
        error = NormTypeError if isinstance(exc, TypeError) else ValueError
        raise error(f"{who}: norm_type must be a number (2.0 for the L2 norm) or 'inf', got "
                    f"{type(norm_type).__name__} {norm_type!r}") from None


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The `norm_type`-norm of the norms of `tensors` (a Tensor or an iterable of them, typically the
    gradients), as a 0-d Tensor in their dtype: the norm clip_grad_norm_ clips by (PyTorch's split of it into
    get_total_norm and clip_grads_with_norm_). `foreach` is accepted for PyTorch's signature."""
    norm_type = _norm_type(norm_type, "get_total_norm")
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    tensors = [t for t in tensors if t is not None and t.numel() > 0]
    if not tensors:
        return ag.tensor(0.0)
    return _total_norm(tensors, norm_type, error_if_nonfinite, "get_total_norm").to(tensors[0].dtype)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the parameters' gradients in place by max_norm / (total_norm + 1e-6), capped at 1: the second half
    of clip_grad_norm_, with a total norm computed by get_total_norm (and, e.g., reduced across processes)."""
    max_norm = _max_norm(max_norm, "clip_grads_with_norm_")
    if not isinstance(total_norm, ag.Tensor):
        raise TypeError(f"clip_grads_with_norm_: total_norm must be a Tensor (what get_total_norm returns), got "
                        f"{type(total_norm).__name__}; wrap a number with ag.tensor(value)")
    grads = [g for g in _grads(parameters, "clip_grads_with_norm_") if g.numel() > 0]
    if grads:
        _scale_by(grads, max_norm, total_norm)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients in place so that their combined `norm_type`-norm (the norm of the vector of
    every gradient's norm) is at most `max_norm`; return that norm, before clipping, as a 0-d Tensor.

    The scale is max_norm / (norm + 1e-6) capped at 1, as PyTorch's; it is applied without reading the
    norm back to the host unless `error_if_nonfinite` asks for a check that the norm is finite. Written
    with tensor ops, so an `ag.jit` replay clips each step's own gradients. `foreach` is accepted for
    PyTorch's signature (one path here).
    """
    max_norm = _max_norm(max_norm, "clip_grad_norm_")
    norm_type = _norm_type(norm_type, "clip_grad_norm_")   # before the gradients: a wrong one fails at once
    grads = [g for g in _grads(parameters, "clip_grad_norm_") if g.numel() > 0]
    if not grads:
        return ag.tensor(0.0)
    total = _total_norm(grads, norm_type, error_if_nonfinite, "clip_grad_norm_")
    _scale_by(grads, max_norm, total)
    return total.to(grads[0].dtype)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clip every gradient elementwise into [-clip_value, clip_value], in place (tensor ops, so `ag.jit`
    replays clip each step's gradients; `foreach` is accepted for PyTorch's signature)."""
    try:
        clip_value = float(clip_value)
    except (TypeError, ValueError) as exc:   # float('a') is a ValueError, float(None) a TypeError: kept, as PyTorch's
        raise type(exc)(f"clip_grad_value_: clip_value must be a number, got {type(clip_value).__name__} "
                        f"{clip_value!r} ({exc}); pass the bound, e.g. clip_value=1.0") from None
    if math.isnan(clip_value):
        raise ValueError("clip_grad_value_: clip_value must be a number, got nan")
    # a negative clip_value makes the lower bound exceed the upper one: every entry becomes clip_value, as PyTorch
    with ag.no_grad():
        for g in _grads(parameters, "clip_grad_value_"):
            g.clamp_(-clip_value, clip_value)


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated: clip_grad_norm_ under its old name, with a FutureWarning (as PyTorch)."""
    warnings.warn("nn.utils.clip_grad_norm is deprecated (as in PyTorch); use nn.utils.clip_grad_norm_ instead",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)
