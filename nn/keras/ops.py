"""keras.ops: the NumPy-style functions Keras users call in custom layers, losses and metrics, with Keras's names,
arguments and semantics (`axis`, `keepdims`, NumPy's `dot`, `repeat`, `tile`, `take`), on deepgrad's differentiable
ops. Arguments may be Tensors, NumPy arrays or Python numbers (float64 arrays become float32, Keras's float type);
the results are Tensors, and gradients flow through every function except the comparisons, arg-reductions,
`shape`, creation functions and `stop_gradient`.
"""
import builtins

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.errors import ArgumentRangeError, DimRangeError, IdentifierError, IndexRangeError, ShapeError

from .. import functional as F
from . import settings
from . import ops_dtype_rules as rules
from .dtypes import standardize_dtype

from .ops_args import _axis, _float, _pair, _t, convert_to_numpy, convert_to_tensor  # noqa: F401 (re-exported)
from .ops_args import float_kernel_input as _float_kernel_input
from .ops_args import _uint8_if_bool
from .ops_statistics import (broadcast_to, ceil, cos, divide_no_nan, einsum, elu, expm1, floor, gelu,  # noqa: F401
                             isfinite, isnan, leaky_relu, log1p, moments, moveaxis, reciprocal, rsqrt, silu, sin,
                             softplus, std, swapaxes, swish, var)
from .ops_arrays import (argsort, average, count_nonzero, cumprod, diag, diagonal, eye, floor_divide, full,  # noqa: F401
                         full_like, hstack, identity, isinf, mod, nan_to_num, outer, pad, roll, round,
                         segment_sum, sort, split, top_k, trace, tril, triu, unstack, vstack)
from .ops_math import (allclose, angle, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh,  # noqa: F401
                       cbrt, conj, conjugate, cosh, deg2rad, erfc, erfinv, exp2, fabs, fmax, fmin, fmod, heaviside,
                       hypot, i0, imag, isclose, isneginf, isposinf, isreal, ldexp, log2, log10, logaddexp,
                       logaddexp2, logical_xor, nextafter, rad2deg, real, signbit, sinc, sinh, tan, true_divide,
                       trunc)
from .ops_bitwise import (bitwise_and, bitwise_invert, bitwise_left_shift, bitwise_not, bitwise_or,  # noqa: F401
                          bitwise_right_shift, bitwise_xor, gcd, lcm, left_shift, right_shift)
from .ops_nan import (amax, amin, nanargmax, nanargmin, nancumprod, nancumsum, nanmax, nanmean, nanmin,  # noqa: F401
                      nanprod, nanstd, nansum, nanvar, ptp)
from .ops_quantiles import median, nanmedian, nanpercentile, nanquantile, percentile, quantile  # noqa: F401
from .ops_windows import bartlett, blackman, hamming, hanning, kaiser  # noqa: F401
from .softmax_warning import warn_if_size_one_axis
from .ops_creation import array, copy, empty, empty_like, geomspace, logspace, meshgrid, tri, vander  # noqa: F401
from .ops_creation import _shape as _creation_shape
from .ops_shapes import (append, array_split, diagflat, diff, dsplit, dstack, fliplr, flipud, hsplit,  # noqa: F401
                         ravel, rot90, view, vsplit)
from .ops_products import corrcoef, correlate, cross, inner, kron, tensordot, trapezoid, vdot  # noqa: F401
from .ops_search import (argpartition, bincount, digitize, histogram, isin, nonzero, searchsorted,  # noqa: F401
                         unique, unravel_index)
from .ops_indexing import (dtype, get_item, is_tensor, saturate_cast, scatter, scatter_update, select,  # noqa: F401
                           slice, slice_update)


# ----- arithmetic ---------------------------------------------------------------------------------------
def add(x1, x2):
    """x1 + x2 (broadcasting)."""
    a, b = _pair(x1, x2)
    return a + b


def subtract(x1, x2):
    """x1 - x2 (broadcasting); a bool operand takes the other's dtype first, as Keras."""
    a, b = _pair(x1, x2)
    a, b = _bool_as_other(a, b), _bool_as_other(b, a)
    return a - b


def _bool_as_other(x, other):
    """x in the dtype Keras's subtraction gives it beside `other` when x is a bool tensor: the other tensor's
    dtype, int32 beside a Python int, floatx beside a Python float (the tensor `-` refuses bool, as PyTorch's)."""
    if not (isinstance(x, Tensor) and x.dtype == np.bool_):
        return x
    if isinstance(other, Tensor):
        return x.astype(other.dtype)
    if type(other) is int:
        return x.astype(np.int32)
    if type(other) is float:
        return x.astype(settings.floatx())
    return x


def multiply(x1, x2):
    """x1 * x2 (broadcasting)."""
    a, b = _pair(x1, x2)
    return a * b


def divide(x1, x2):
    """x1 / x2 (true division; integers give floats)."""
    a, b = _pair(x1, x2)
    if isinstance(a, Tensor) and a.dtype.kind in "iub":
        a = a.float()
    return a / b


def power(x1, x2):
    """x1 ** x2 (broadcasting)."""
    a, b = _pair(x1, x2)
    return a ** b


def maximum(x1, x2):
    """The elementwise larger of x1 and x2, in Keras's result_type of the two (a Python number counts weakly)."""
    return ag.maximum(*_in_common_dtype(x1, x2))


def minimum(x1, x2):
    """The elementwise smaller of x1 and x2, in Keras's result_type of the two (a Python number counts weakly)."""
    return ag.minimum(*_in_common_dtype(x1, x2))


def _in_common_dtype(x1, x2):
    """Both operands as Tensors of Keras's result_type of their dtypes, Python numbers counting weakly (so an
    int32 tensor beside 0.5 gives float32, a float64 tensor float32)."""
    a, b = _pair(x1, x2)
    return rules.both_as(a, b, rules.promoted(a, b, weak=True))


def negative(x):
    """-x."""
    return -_t(x)


def sqrt(x):
    """The elementwise square root (integers give floats)."""
    return ag.sqrt(_float(x))


def exp(x):
    """e ** x."""
    return ag.exp(_float(x))


def log(x):
    """The natural logarithm."""
    return ag.log(_float(x))


def abs(x):
    """|x| (a bool tensor is returned as it is, as Keras's torch backend does)."""
    x = _t(x)
    return x if x.dtype == np.bool_ else ag.abs(x)


absolute = abs


def square(x):
    """x * x (int32 for bools, as Keras)."""
    x = _t(x)
    if x.dtype == np.bool_:
        x = x.astype(np.int32)
    return x * x


def sign(x):
    """-1, 0 or 1 by the sign of x."""
    return ag.sign(_t(x))


def clip(x, x_min, x_max):
    """x limited to [x_min, x_max] (bools clipped as int32, as Keras)."""
    x = _t(x)
    return ag.clamp(x.astype(np.int32) if x.dtype == np.bool_ else x, x_min, x_max)


# ----- linear algebra ----------------------------------------------------------------------------------
def matmul(x1, x2):
    """The matrix product (batched over leading axes, NumPy's matmul), in Keras's result_type of the two (32-bit:
    float64 gives float32; two int8 operands give int32; bools are multiplied as floats and give bool)."""
    a, b = _t(x1), _t(x2)
    result = np.dtype(np.int32) if a.dtype == b.dtype == np.int8 else rules.promoted(a, b)
    compute = np.dtype(settings.floatx()) if result == np.bool_ else result
    return rules.cast(ag.matmul(rules.cast(a, compute), rules.cast(b, compute)), result)


def dot(x1, x2):
    """NumPy's dot: a product for scalars, the matrix product for 1-D and 2-D operands, and for N-D operands the
    sum over the last axis of x1 and the second-to-last of x2. Computed in float and returned in Keras's
    result_type of the two (32-bit: float64 operands give float32)."""
    a, b = _t(x1), _t(x2)
    result = rules.promoted(a, b)
    compute = rules.float_result(a, b)
    a, b = rules.cast(a, compute), rules.cast(b, compute)
    if a.ndim == 0 or b.ndim == 0:
        return rules.cast(a * b, result)
    if b.ndim <= 2:
        return rules.cast(ag.matmul(a, b), result)
    k = b.shape[-2]
    moved = ag.permute(b, (b.ndim - 2,) + tuple(range(b.ndim - 2)) + (b.ndim - 1,)).reshape(k, -1)
    return rules.cast(ag.matmul(a, moved).reshape(*a.shape[:-1], *b.shape[:-2], b.shape[-1]), result)


# ----- reductions ----------------------------------------------------------------------------------------
def sum(x, axis=None, keepdims=False):
    """The sum over `axis` (an int, a tuple, or None for every axis), in x's dtype (int32 for bools and narrow
    integers, as Keras)."""
    x = _t(x)
    return rules.cast(ag.sum(x, dim=_axis(axis), keepdim=keepdims), rules.reduced_int(x.dtype))


def mean(x, axis=None, keepdims=False):
    """The mean over `axis`, computed as Keras's torch backend computes it: in Keras's result_type of x and float32
    (float32 for float64 too, so a float64 mean carries float32 rounding), returned in x's float dtype (float32 for
    integers and bools); an empty `axis` returns x as it is, as Keras's does."""
    x = _t(x)
    if isinstance(axis, (tuple, list)) and not axis:
        return x
    computed = rules.promoted(x, "float32")
    result = ag.mean(rules.cast(x, computed), dim=_axis(axis), keepdim=keepdims)
    return rules.cast(result, computed if x.dtype.kind in "iub" else x.dtype)


def max(x, axis=None, keepdims=False, initial=None):
    """The largest value over `axis` (values only)."""
    result = ag.amax(_t(x), dim=_axis(axis), keepdim=keepdims)
    return result if initial is None else maximum(result, initial)


def min(x, axis=None, keepdims=False, initial=None):
    """The smallest value over `axis` (values only)."""
    result = ag.amin(_t(x), dim=_axis(axis), keepdim=keepdims)
    return result if initial is None else minimum(result, initial)


def prod(x, axis=None, keepdims=False, dtype=None):
    """The product over `axis`, in `dtype` or Keras's 32-bit result_type of x's (int32 for bools)."""
    x = _t(x)
    dtype = rules.product_dtype(x.dtype) if dtype is None else np.dtype(dtype)
    return rules.cast(ag.prod(rules.cast(x, dtype), dim=_axis(axis), keepdim=keepdims), dtype)


def argmax(x, axis=None, keepdims=False):
    """The index of the largest value along `axis` (of the flattened tensor for None), int32 as in Keras."""
    return ag.argmax(_uint8_if_bool(_t(x)), dim=axis, keepdim=keepdims).astype(np.int32)


def argmin(x, axis=None, keepdims=False):
    """The index of the smallest value along `axis` (of the flattened tensor for None), int32 as in Keras."""
    return ag.argmin(_uint8_if_bool(_t(x)), dim=axis, keepdim=keepdims).astype(np.int32)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis`, computed stably."""
    return ag.logsumexp(_float(x), dim=_axis(axis), keepdim=keepdims)


def cumsum(x, axis=None, dtype=None):
    """The running sum along `axis` (of the flattened tensor for None), in Keras's 32-bit result_type of `dtype`
    or of the input's dtype (int32 for booleans)."""
    x = _t(x)
    dtype = rules.running_dtype(x.dtype if dtype is None else dtype)
    x = rules.cast(x, dtype)
    return rules.cast(ag.cumsum(x.reshape(-1), dim=0) if axis is None else ag.cumsum(x, dim=axis), dtype)


def any(x, axis=None, keepdims=False):
    """Whether any value along `axis` is true (non-zero)."""
    return ag.any(_t(x) != 0, dim=_axis(axis), keepdim=keepdims)


def all(x, axis=None, keepdims=False):
    """Whether every value along `axis` is true (non-zero)."""
    return ag.all(_t(x) != 0, dim=_axis(axis), keepdim=keepdims)


# ----- comparisons and selection -------------------------------------------------------------------------
def equal(x1, x2):
    """x1 == x2, elementwise (bool)."""
    a, b = _pair(x1, x2)
    return a == b


def not_equal(x1, x2):
    """x1 != x2, elementwise (bool)."""
    a, b = _pair(x1, x2)
    return a != b


def greater(x1, x2):
    """x1 > x2, elementwise (bool)."""
    a, b = _pair(x1, x2)
    return a > b


def greater_equal(x1, x2):
    """x1 >= x2, elementwise (bool)."""
    a, b = _pair(x1, x2)
    return a >= b


def less(x1, x2):
    """x1 < x2, elementwise (bool)."""
    a, b = _pair(x1, x2)
    return a < b


def less_equal(x1, x2):
    """x1 <= x2, elementwise (bool)."""
    a, b = _pair(x1, x2)
    return a <= b


def logical_and(x1, x2):
    """Both true, elementwise."""
    return (_t(x1) != 0) & (_t(x2) != 0)


def logical_or(x1, x2):
    """Either true, elementwise."""
    return (_t(x1) != 0) | (_t(x2) != 0)


def logical_not(x):
    """Not true, elementwise."""
    return _t(x) == 0


def where(condition, x1=None, x2=None):
    """x1 where condition holds, else x2 (broadcasting; numbers allowed)."""
    if x1 is None and x2 is None:   # the indices where condition holds, one row per axis (int64; a 0-d condition
        # counts as 1-D), as Keras's torch backend
        return ag.tensor(np.stack(np.nonzero(np.atleast_1d(_t(condition).numpy()))).astype(np.int64))
    if x1 is None or x2 is None:
        raise ValueError("keras.ops.where: pass both x1 and x2, or neither (then it returns the indices where "
                         f"condition holds); got x1={'None' if x1 is None else 'a value'}, "
                         f"x2={'None' if x2 is None else 'a value'}")
    condition = _t(condition)
    if condition.dtype != ag.bool_:
        condition = condition != 0
    if not isinstance(x1, Tensor) and not isinstance(x2, Tensor):
        x1 = _t(x1)
    return ag.where(condition, x1 if isinstance(x1, (Tensor, int, float)) else _t(x1),
                    x2 if isinstance(x2, (Tensor, int, float)) else _t(x2))


# ----- shapes ------------------------------------------------------------------------------------------------
def shape(x):
    """The shape as a tuple of ints."""
    return tuple(_t(x).shape)


def ndim(x):
    """The number of axes (an int)."""
    return _t(x).ndim


def size(x):
    """The number of values, as a 0-d int64 tensor (Keras's torch backend's result)."""
    return ag.tensor(np.int64(_t(x).numel()))


def cast(x, dtype):
    """`x` converted to `dtype` ('float32', 'int32', 'bool', ...)."""
    return rules.cast(_t(x), dtype)


def reshape(x, newshape):
    """`x` with shape `newshape` (one -1 allowed)."""
    return _t(x).reshape(*((newshape,) if isinstance(newshape, int) else tuple(newshape)))


def transpose(x, axes=None):
    """The axes permuted by `axes` (reversed for None)."""
    x = _t(x)
    return ag.permute(x, tuple(reversed(range(x.ndim))) if axes is None else tuple(axes))


def expand_dims(x, axis):
    """`x` with new axes of size 1 at `axis` (an int or a tuple)."""
    x = _t(x)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    rank = x.ndim + len(axes)
    bad = [a for a in axes if not -rank <= a < rank]
    if bad:
        raise ValueError(f"keras.ops.expand_dims: axis {bad[0]} is out of bounds for an array with dimension {rank} "
                         f"(input shape {tuple(x.shape)}); pass an axis in [-{rank}, {rank})")
    for a in sorted(a % rank for a in axes):
        x = x.unsqueeze(a)
    return x


def squeeze(x, axis=None):
    """`x` without its axes of size 1 (only `axis`, which must have size 1, when given)."""
    x = _t(x)
    if axis is None:
        return x.reshape(*[d for d in x.shape if d != 1])
    # an axis of another size stays, as torch.squeeze (and Keras on the torch backend) leaves it
    given = (axis,) if isinstance(axis, int) else tuple(axis)
    for a in given:
        _check_axis("squeeze", a, x)
    axes = {a % x.ndim for a in given if x.shape[a % x.ndim] == 1}
    return x.reshape(*[d for k, d in enumerate(x.shape) if k not in axes])


def _check_axis(name, axis, x):
    """Refuse an axis past x's rank (Python's % would silently pick another one), with Keras's IndexError."""
    if not -x.ndim <= axis < x.ndim:
        raise DimRangeError(f"keras.ops.{name}: axis {axis} is out of range for an input of shape {tuple(x.shape)} "
                            f"(Dimension out of range: expected an axis in [{-x.ndim}, {x.ndim - 1}]); count axes from "
                            f"0, or from -1 for the last")


def concatenate(xs, axis=0):
    """The tensors joined along `axis`."""
    return ag.cat([_t(x) for x in xs], dim=axis)


def stack(x, axis=0):
    """The tensors stacked along a new axis `axis`."""
    return ag.stack([_t(v) for v in x], dim=axis)


def flip(x, axis=None):
    """`x` reversed along `axis` (every axis for None)."""
    x = _t(x)
    axes = tuple(range(x.ndim)) if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
    return ag.flip(x, axes)


def tile(x, repeats):
    """`x` repeated `repeats` times along each axis (NumPy's tile: missing leading counts are 1, extra ones add
    leading axes)."""
    x = _t(x)
    repeats = (repeats,) if isinstance(repeats, int) else tuple(repeats)
    if len(repeats) < x.ndim:
        repeats = (1,) * (x.ndim - len(repeats)) + repeats
    return x.repeat(*repeats)


def repeat(x, repeats, axis=None):
    """Each element repeated `repeats` times along `axis` (of the flattened tensor for None; NumPy's repeat)."""
    if isinstance(repeats, (list, tuple)):
        # Keras's torch backend fails on a Python list or tuple of counts (ValueError "Invalid dtype: object")
        raise ValueError(f"keras.ops.repeat: repeats={repeats!r} is a Python {type(repeats).__name__}, which "
                         "Keras's torch backend refuses (ValueError: Invalid dtype: object); pass an int, or the "
                         "counts as a NumPy array or tensor (np.array(repeats))")
    x = _t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if not isinstance(repeats, int):
        repeats = _t(repeats).astype(np.int64)
    return ag.repeat_interleave(x, repeats, dim=axis)


def take(x, indices, axis=None):
    """The values of `x` at `indices` along `axis` (of the flattened tensor for None); negative indices count
    from the end."""
    x = _t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    indices = _t(indices)
    if indices.dtype.kind not in "iu":
        indices = indices.astype(np.int64)
    _check_axis("take", axis, x)
    axis %= x.ndim
    size = x.shape[axis]
    if indices.numel():   # counted from the end once only: -5 of 3 is no index
        low, high = int(indices.min()), int(indices.max())
        if low < -size or high >= size:
            raise IndexRangeError(f"keras.ops.take: index {low if low < -size else high} is out of range for axis "
                                  f"{axis} of size {size} (input shape {tuple(x.shape)}); indices must lie in "
                                  f"[{-size}, {size})")
    indices = ag.where(indices < 0, indices + size, indices)
    return x[(builtins.slice(None),) * axis + (indices,)]


def take_along_axis(x, indices, axis=None):
    """The values of `x` at `indices` along `axis` (NumPy's take_along_axis; both flattened for None); negative
    indices count from the end."""
    x = _t(x)
    indices = _t(indices)
    if axis is None:
        x, indices, axis = x.reshape(-1), indices.reshape(-1), 0
    _check_axis("take_along_axis", axis, x)
    if indices.dtype.kind not in "iu":
        indices = indices.astype(np.int64)
    if indices.ndim != x.ndim:
        raise ShapeError(f"keras.ops.take_along_axis: input and indices should have the same number of dimensions, "
                         f"but got {x.ndim} dimensions for x {tuple(x.shape)} and {indices.ndim} for indices "
                         f"{tuple(indices.shape)}; expand the indices (keras.ops.expand_dims) to x's rank")
    indices = ag.where(indices < 0, indices + x.shape[axis], indices)
    return ag.take_along_axis(x, indices, axis)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Integer classes as one-hot vectors along a new `axis` (float32 by default); negative classes give zeros."""
    if sparse:
        raise ValueError("keras.ops.one_hot: sparse outputs are not supported")
    x = _t(x).astype(np.int64)
    valid = x >= 0
    encoded = F.one_hot(ag.where(valid, x, 0), num_classes) * valid.unsqueeze(-1)
    encoded = encoded.astype(rules.numpy_dtype(dtype or settings.floatx()))
    _check_axis("one_hot", axis, encoded)
    if axis not in (-1, encoded.ndim - 1):
        encoded = ag.permute(encoded, _moved_last(encoded.ndim, axis))
    return encoded


def _moved_last(rank, axis):
    axis %= rank
    order = list(range(rank - 1))
    order.insert(axis, rank - 1)
    return tuple(order)


# ----- creation -------------------------------------------------------------------------------------------------
def _dtype_arg(dtype, op):
    """A creation op's dtype argument (None: floatx) as a NumPy dtype, read as Keras reads it (Python's int is
    int32); Keras's ValueError 'Invalid dtype' for a name it does not know."""
    try:
        name = standardize_dtype(dtype)
    except ValueError:
        raise IdentifierError(f"keras.ops.{op}: Invalid dtype: {dtype!r}; give a Keras dtype name such as "
                              "'float32', 'int32' or 'bool'") from None
    return rules.numpy_dtype(name)


def ones(shape, dtype=None):
    """A tensor of ones (float32 by default)."""
    return ag.ones(*_creation_shape(shape, "ones"), dtype=_dtype_arg(dtype, "ones"))


def zeros(shape, dtype=None):
    """A tensor of zeros (float32 by default)."""
    return ag.zeros(*_creation_shape(shape, "zeros"), dtype=_dtype_arg(dtype, "zeros"))


def ones_like(x, dtype=None):
    """Ones shaped like `x` (its dtype unless `dtype`)."""
    x = _t(x)
    return ag.ones_like(x) if dtype is None else ag.ones(*x.shape, dtype=_dtype_arg(dtype, "ones_like"))


def zeros_like(x, dtype=None):
    """Zeros shaped like `x` (its dtype unless `dtype`)."""
    x = _t(x)
    return ag.zeros_like(x) if dtype is None else ag.zeros(*x.shape, dtype=_dtype_arg(dtype, "zeros_like"))


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in [start, stop) by step (1 when None) (int32 for integer arguments, float32
    otherwise, as Keras)."""
    if dtype is None:
        numbers = [v for v in (start, stop, step) if v is not None]
        dtype = "int32" if builtins.all(isinstance(v, (int, np.integer)) for v in numbers) else "float32"
    return ag.arange(start, stop, 1 if step is None else step, dtype=_dtype_arg(dtype, "arange"))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced values from start to stop (stop included unless endpoint=False; float32)."""
    if axis != 0:
        raise ValueError("keras.ops.linspace: only axis=0 is supported")
    if num < 0:   # Keras's torch backend: RuntimeError from torch.linspace
        raise ArgumentRangeError(f"keras.ops.linspace: number of steps must be non-negative, got num={num}; pass a "
                                 "count of values, 0 or more")
    step = (stop - start) / builtins.max((num - 1) if endpoint else num, 1)
    values = ag.tensor(np.linspace(start, stop, num, endpoint=endpoint)
                       .astype(rules.numpy_dtype(dtype or settings.floatx())))
    return (values, step) if retstep else values


# ----- activations and gradients -----------------------------------------------------------------------------
def softmax(x, axis=-1):
    """exp(x) normalised to sum 1 along `axis`."""
    warn_if_size_one_axis(x, axis)
    return F.softmax(_float_kernel_input(x, "softmax"), dim=axis)


def log_softmax(x, axis=-1):
    """log(softmax(x)) along `axis`, computed stably."""
    return F.log_softmax(_float_kernel_input(x, "log_softmax"), dim=axis)


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return ag.sigmoid(_float(x))


def relu(x):
    """max(x, 0)."""
    return F.relu(_t(x))


def tanh(x):
    """The hyperbolic tangent."""
    return ag.tanh(_float(x))


def stop_gradient(variable):
    """The same values, through which no gradient flows."""
    return _t(variable).detach()


def erf(x):
    """The error function, elementwise."""
    return ag.erf(_float(x))


# ----- the rest of Keras's ops, each family in its own module ------------------------------------------------
# (imported last: control flow brings `map`, which would hide the builtin from the functions above)
from .ops_conv import conv, conv_transpose, depthwise_conv, separable_conv  # noqa: E402,F401
from .ops_pool import adaptive_average_pool, adaptive_max_pool, average_pool, max_pool  # noqa: E402,F401
from .ops_nn import (celu, glu, hard_shrink, hard_sigmoid, hard_silu, hard_swish, hard_tanh,  # noqa: E402,F401
                     log_sigmoid, relu6, selu, soft_shrink, softsign, sparse_plus, sparse_sigmoid, sparsemax,
                     squareplus, tanh_shrink, threshold)
from .ops_norm import batch_normalization, layer_normalization, normalize, rms_normalization  # noqa: E402,F401
from .ops_losses import (binary_crossentropy, categorical_crossentropy, ctc_loss, in_top_k,  # noqa: E402,F401
                         multi_hot, psnr, sparse_categorical_crossentropy)
from .ops_patches import depth_to_space, extract_sequences, fold, space_to_depth, unfold  # noqa: E402,F401
from .ops_attention import dot_product_attention  # noqa: E402,F401
from .ops_control import (associative_scan, cond, custom_gradient, fori_loop, map, scan, switch,  # noqa: E402,F401
                          vectorized_map, while_loop)
from .ops_linalg import (cholesky, cholesky_inverse, det, eig, eigh, inv, logdet, lstsq,  # noqa: E402,F401
                         lu_factor, matrix_rank, norm, pinv, qr, slogdet, solve, solve_triangular, svd)
from .ops_fft import fft, fft2, ifft2, irfft, istft, rfft, stft  # noqa: E402,F401
from .ops_rearrange import rearrange  # noqa: E402,F401
from .ops_vectorize import jvp, vectorize  # noqa: E402,F401
from .ops_ctc_decode import ctc_decode, polar  # noqa: E402,F401
from .ops_segments import (cdist, segment_max, segment_min, segment_prod, view_as_complex,  # noqa: E402,F401
                           view_as_real)

import sys as _sys  # noqa: E402

from .ops_namespaces import build as _build_namespaces  # noqa: E402

# keras.ops.nn, .linalg, .image, .core and .numpy: views that read their functions from this module
nn, linalg, image, core, numpy = _build_namespaces(_sys.modules[__name__])
