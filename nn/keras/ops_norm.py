"""keras.ops normalizations: batch_normalization with given statistics, layer_normalization, rms_normalization
and normalize (x over its Lp norm). Keras's epsilon defaults (1e-3 for batch_normalization, backend.epsilon() =
1e-7 for the others); all differentiable in x and in the scale/offset tensors."""
import autograd as ag
from autograd.errors import DimRangeError, ShapeError

from .ops_args import _float, _t
from . import settings

EPSILON = 1e-7


def _axes(axis, ndim, op):
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    if not axes or any(not -ndim <= a < ndim for a in axes):
        raise DimRangeError(f"keras.ops.{op}: axis {axis!r} is out of range for an input with {ndim} axes "
                            f"(expected axes in [{-ndim}, {ndim - 1}])")
    return tuple(sorted(a % ndim for a in axes))


def _along(v, axes, x, op, name):
    """A per-feature tensor shaped to broadcast against x along `axes` (already broadcastable ones unchanged)."""
    v = _t(v).astype(x.dtype) if _t(v).dtype != x.dtype else _t(v)
    wanted = tuple(x.shape[a] for a in axes)
    if tuple(v.shape) == wanted and axes != tuple(range(x.ndim - len(axes), x.ndim)):
        shape = [1] * x.ndim
        for a in axes:
            shape[a] = x.shape[a]
        return v.reshape(*shape)
    try:
        ag.broadcast_shapes(tuple(v.shape), tuple(x.shape))
    except (ValueError, RuntimeError):
        raise ShapeError(f"keras.ops.{op}: {name} of shape {tuple(v.shape)} does not broadcast against x of shape "
                         f"{tuple(x.shape)} along axis {axes}; give it shape {wanted}") from None
    return v


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """(x - mean) / sqrt(variance + epsilon) * scale + offset, with `mean`, `variance`, `offset`, `scale` holding
    one value per entry of x's `axis` (the feature axis)."""
    x = _float(x)
    axes = _axes(axis, x.ndim, "batch_normalization")
    mean = _along(mean, axes, x, "batch_normalization", "mean")
    inv = ag.rsqrt(_along(variance, axes, x, "batch_normalization", "variance") + epsilon)
    if scale is not None:
        inv = inv * _along(scale, axes, x, "batch_normalization", "scale")
    out = (x - mean) * inv
    return out if offset is None else out + _along(offset, axes, x, "batch_normalization", "offset")


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """x standardised over `axis` (biased variance), then times `gamma` plus `beta` (rms_scaling=True, a Keras
    legacy switch, divides by sqrt(variance + epsilon) without centring)."""
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise TypeError(f"keras.ops.layer_normalization: unexpected arguments {sorted(kwargs)}")
    x = _float(x)
    axes = _axes(axis, x.ndim, "layer_normalization")
    eps = settings.epsilon() if epsilon is None else epsilon
    variance = x.var(dim=axes, keepdim=True, unbiased=False)
    out = x * ag.rsqrt(variance + eps) if rms_scaling else \
        (x - x.mean(dim=axes, keepdim=True)) * ag.rsqrt(variance + eps)
    if gamma is not None:
        out = out * _along(gamma, axes, x, "layer_normalization", "gamma")
    if beta is not None and not rms_scaling:
        out = out + _along(beta, axes, x, "layer_normalization", "beta")
    return out


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """x / sqrt(mean(x^2 over `axis`) + epsilon), times `scale`."""
    x = _float(x)
    axes = _axes(axis, x.ndim, "rms_normalization")
    out = x * ag.rsqrt((x * x).mean(dim=axes, keepdim=True) + (settings.epsilon() if epsilon is None else epsilon))
    return out if scale is None else out * _along(scale, axes, x, "rms_normalization", "scale")


def normalize(x, axis=-1, order=2, epsilon=None):
    """x divided by its `order`-norm along `axis`, the norm held at least `epsilon` (a 0-d x is treated as
    1-d)."""
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"keras.ops.normalize: order must be an int >= 1, got {order!r}")
    x = _float(x)
    if x.ndim == 0:
        x = x.reshape(1)
    eps = settings.epsilon() if epsilon is None else epsilon
    if order == 2:
        return x * ag.clamp(ag.rsqrt((x * x).sum(dim=axis, keepdim=True)), max=1.0 / eps)
    norm = (ag.abs(x) ** order).sum(dim=axis, keepdim=True) ** (1.0 / order)
    return x / ag.clamp(norm, min=eps)
