"""keras.ops order statistics: `quantile`, `percentile`, `median` and their NaN-skipping forms, with Keras's
(NumPy's) arguments: `q` a number or a 1-D array (which adds a leading axis), `axis` an int, a tuple or None,
`method` one of linear, lower, higher, midpoint, nearest, and `keepdims`. Results are floats in Keras's
result_type of x and float (float32 for integers and float64) and differentiable. Re-exported by keras.ops."""
import numpy as np

import autograd as ag
from autograd.errors import ArgumentRangeError

from . import ops_dtype_rules as rules
from .ops_args import _t

METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _reduced(x, axis):
    """x with the reduced axes moved last and merged into one, and the axes reduced (sorted, non-negative)."""
    if axis is None:
        return x.reshape(-1), tuple(range(x.ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(sorted(a % x.ndim if x.ndim else 0 for a in axes))
    if x.ndim == 0:
        return x.reshape(1), ()
    kept = [a for a in range(x.ndim) if a not in axes]
    moved = ag.permute(x, tuple(kept) + axes)
    return moved.reshape(*[x.shape[a] for a in kept], -1), axes


def _order_statistic(name, op, x, q, axis, method, keepdims):
    if method not in METHODS:
        raise ValueError(f"keras.ops.{name}: method={method!r} is not one of {', '.join(METHODS)}")
    x = _t(x)
    result_dtype = rules.float_result(x)
    x = rules.cast(x, rules.promoted(x, "float32"))
    q = _t(q)
    if q.ndim > 1:
        raise ValueError(f"keras.ops.{name}: q must be a number or a 1-D array, got shape {tuple(q.shape)}")
    q_values = q.numpy().astype(np.float64)
    if q_values.size and (q_values.min() < 0 or q_values.max() > 1):
        raise ArgumentRangeError(f"keras.ops.{name}: q must lie in [0, 1] (or [0, 100] for the percentile forms; "
                                 f"quantile() q values must be in the range [0, 1]), got {q_values.tolist()}")
    flat, axes = _reduced(x, axis)
    result = op(flat, q.astype(x.dtype) if q.ndim else float(q_values), dim=-1, interpolation=method)
    if keepdims:
        shape = [1 if a in axes or axis is None else d for a, d in enumerate(x.shape)]
        result = result.reshape(*((q.shape[0],) if q.ndim else ()), *shape)
    return rules.cast(result, result_dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th quantiles (q in [0, 1]) of x over `axis`; NaN wherever a NaN is reduced."""
    return _order_statistic("quantile", ag.quantile, x, q, axis, method, keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th percentiles (q in [0, 100]) of x over `axis`."""
    return _order_statistic("percentile", ag.quantile, x, _t(q).astype(np.float64) / 100.0, axis, method,
                            keepdims)


def median(x, axis=None, keepdims=False):
    """The median over `axis` (the mean of the two middle values for an even count, as NumPy)."""
    return _order_statistic("median", ag.quantile, x, 0.5, axis, "linear", keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th quantiles of the non-NaN values over `axis` (NaN where every value is NaN)."""
    return _order_statistic("nanquantile", ag.nanquantile, x, q, axis, method, keepdims)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th percentiles (q in [0, 100]) of the non-NaN values over `axis`."""
    return _order_statistic("nanpercentile", ag.nanquantile, x, _t(q).astype(np.float64) / 100.0, axis, method,
                            keepdims)


def nanmedian(x, axis=None, keepdims=False):
    """The median of the non-NaN values over `axis`."""
    return _order_statistic("nanmedian", ag.nanquantile, x, 0.5, axis, "linear", keepdims)
