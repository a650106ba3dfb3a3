"""Gradient clipping in place: by the norm of all gradients together, or elementwise by value."""
import math

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


def _accumulable(a):
    """float16 gradients as float32 for the norm: ten float16 gradients of 300 square-sum past float16's range
    (PyTorch accumulates them in float32 too); other dtypes as they are."""
    return a.astype("float32") if a.dtype == "float16" else a


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale all gradients in place so that their combined `norm_type`-norm (the norm of the vector of
    every gradient's norm) is at most `max_norm`; return that norm, before clipping, as a 0-d Tensor.

    The scale is max_norm / (norm + 1e-6) capped at 1, as PyTorch's; it is applied without reading the
    norm back to the host unless `error_if_nonfinite` asks for a check that the norm is finite.
    """
    max_norm, norm_type = float(max_norm), float(norm_type)
    if max_norm < 0 or math.isnan(max_norm):
        raise ValueError(f"clip_grad_norm_: max_norm must be >= 0, got {max_norm}")
    grads = _grads(parameters, "clip_grad_norm_")
    grads = [g for g in grads if g.size > 0]
    if not grads:
        return Tensor(0.0)
    device = grads[0].device
    xp = device.xp
    norms = [g.device.xp.linalg.norm(_accumulable(arrays.array(g)).reshape(-1), ord=norm_type) for g in grads]
    norms = [n if g.device is device else device.asarray(g.device.to_host(n)) for n, g in zip(norms, grads)]
    total = xp.linalg.norm(xp.stack(norms), ord=norm_type)
    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
                           f"{float(total)}, so they cannot be clipped; find where the nan/inf starts "
                           "(ag.detect_anomaly()), or pass error_if_nonfinite=False to scale by it anyway")
    scale = xp.minimum(max_norm / (total + 1e-6), 1.0)
    for g in grads:
        factor = scale if g.device is device else g.device.asarray(device.to_host(scale))
        arrays.array(g)[...] *= factor.astype(g.dtype)
        arrays.mark_changed(g)
    return arrays.wrap(xp.asarray(total).astype(grads[0].dtype), device)


def clip_grad_value_(parameters, clip_value):
    """Clip every gradient elementwise into [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    if clip_value < 0 or math.isnan(clip_value):
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    for g in _grads(parameters, "clip_grad_value_"):
        values = arrays.array(g)
        g.device.xp.clip(values, -clip_value, clip_value, out=values)
        arrays.mark_changed(g)
