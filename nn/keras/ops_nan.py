"""keras.ops reductions that skip NaN (`nansum`, `nanmean`, `nanvar`, `nanmax`, `nanargmax`, `nancumsum`, ...)
and the plain extremes `amax`, `amin` and `ptp`, with Keras's `axis`/`keepdims`, result dtypes (Keras's: integers
kept by sums and extremes, 32-bit products, float32 for means and variances of integers and float64; int32
indices) and all-NaN results (NaN, or -1 for the arg-reductions). Differentiable where Keras's are. Re-exported by keras.ops."""
import numpy as np

import autograd as ag

from . import ops_dtype_rules as rules
from .ops_args import _axis, _t, _uint8_if_bool


def _has_nan(x):
    return x.dtype.kind == "f"


def amax(x, axis=None, keepdims=False):
    """The largest value over `axis` (an int, a tuple, or None for all); NaN wherever a NaN is reduced."""
    return ag.amax(_t(x), dim=_axis(axis), keepdim=keepdims)


def amin(x, axis=None, keepdims=False):
    """The smallest value over `axis`; NaN wherever a NaN is reduced."""
    return ag.amin(_t(x), dim=_axis(axis), keepdim=keepdims)


def ptp(x, axis=None, keepdims=False):
    """The range max - min over `axis` ("peak to peak"; integers stay integers)."""
    x = _t(x)
    return amax(x, axis, keepdims) - amin(x, axis, keepdims)


def _filled(x, value):
    """x with its NaNs replaced by `value` (unchanged for integer tensors)."""
    return ag.where(ag.isnan(x), value, x) if _has_nan(x) else x


def _all_nan(x, axis, keepdims):
    return ag.all(ag.isnan(x), dim=_axis(axis), keepdim=keepdims)


def nanmax(x, axis=None, keepdims=False):
    """The largest non-NaN value over `axis` (NaN where every value is NaN)."""
    x = _t(x)
    if not _has_nan(x):
        return amax(x, axis, keepdims)
    result = amax(_filled(x, -np.inf), axis, keepdims)
    return ag.where(_all_nan(x, axis, keepdims), np.nan, result)


def nanmin(x, axis=None, keepdims=False):
    """The smallest non-NaN value over `axis` (NaN where every value is NaN)."""
    x = _t(x)
    if not _has_nan(x):
        return amin(x, axis, keepdims)
    result = amin(_filled(x, np.inf), axis, keepdims)
    return ag.where(_all_nan(x, axis, keepdims), np.nan, result)


def _arg_extreme(x, axis, keepdims, fill, pick):
    x = _uint8_if_bool(_t(x))
    index = pick(_filled(x, fill), dim=axis, keepdim=keepdims).astype(np.int32)
    if not _has_nan(x):
        return index
    return ag.where(_all_nan(x, axis, keepdims).reshape(*index.shape), -1, index)


def nanargmax(x, axis=None, keepdims=False):
    """The index of the largest non-NaN value along `axis` (of the flattened tensor for None; int32; -1 where
    every value is NaN)."""
    return _arg_extreme(x, axis, keepdims, -np.inf, ag.argmax)


def nanargmin(x, axis=None, keepdims=False):
    """The index of the smallest non-NaN value along `axis` (int32; -1 where every value is NaN)."""
    return _arg_extreme(x, axis, keepdims, np.inf, ag.argmin)


def nansum(x, axis=None, keepdims=False):
    """The sum over `axis` treating NaN as 0, in x's dtype (int32 for bools and narrow integers, as Keras)."""
    x = _t(x)
    return rules.cast(ag.sum(_filled(x, 0.0), dim=_axis(axis), keepdim=keepdims), rules.reduced_int(x.dtype))


def nanprod(x, axis=None, keepdims=False):
    """The product over `axis` treating NaN as 1, in Keras's 32-bit result_type of x's dtype (int32 for bools)."""
    x = _t(x)
    dtype = rules.product_dtype(x.dtype)
    return rules.cast(ag.prod(rules.cast(_filled(x, 1.0), dtype), dim=_axis(axis), keepdim=keepdims), dtype)


def _count(x, axis, keepdims):
    return ag.sum((~ag.isnan(x)).astype(x.dtype), dim=_axis(axis), keepdim=keepdims)


def nanmean(x, axis=None, keepdims=False):
    """The mean of the non-NaN values over `axis` (NaN where every value is NaN), in Keras's result_type of x and
    float (float32 for integers and float64)."""
    x = _t(x)
    x = rules.cast(x, rules.float_result(x))
    return ag.sum(_filled(x, 0.0), dim=_axis(axis), keepdim=keepdims) / _count(x, axis, keepdims)


def nanvar(x, axis=None, keepdims=False):
    """The population variance of the non-NaN values over `axis` (divides by their count), in Keras's result_type
    of x and float."""
    x = _t(x)
    x = rules.cast(x, rules.float_result(x))
    centred = _filled(x - nanmean(x, axis, keepdims=True), 0.0)
    return ag.sum(centred * centred, dim=_axis(axis), keepdim=keepdims) / _count(x, axis, keepdims)


def nanstd(x, axis=None, keepdims=False):
    """The population standard deviation of the non-NaN values over `axis`."""
    return ag.sqrt(nanvar(x, axis, keepdims))


def _running(x, axis, dtype, fill, op):
    x = _t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    target = rules.running_dtype(x.dtype if dtype is None else dtype)   # Keras's cumsum / cumprod rule
    filled = _filled(x, fill)
    # each value is cast before accumulating (NumPy's rule), so an int dtype truncates values, not running sums
    return op(filled if filled.dtype == target else filled.astype(target), axis).astype(target)


def nancumsum(x, axis=None, dtype=None):
    """The running sum along `axis` treating NaN as 0 (of the flattened tensor for None)."""
    return _running(x, axis, dtype, 0.0, ag.cumsum)


def nancumprod(x, axis=None, dtype=None):
    """The running product along `axis` treating NaN as 1 (of the flattened tensor for None)."""
    return _running(x, axis, dtype, 1.0, ag.cumprod)
