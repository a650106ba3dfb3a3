"""keras.ops products and integrals: `kron`, `inner`, `vdot`, `tensordot`, `cross` (3- and 2-vectors, NumPy's
axis arguments), `correlate` (1-D, modes valid/same/full), `corrcoef` and `trapezoid`, with Keras's (NumPy's)
semantics and result dtypes, all differentiable. Re-exported by keras.ops."""
import numpy as np

import autograd as ag
from autograd.errors import ShapeError

from . import ops_dtype_rules as rules
from .ops_math import _same
from .ops_args import _float, _pair, _t


def _products_dtypes(x1, x2):
    """Both operands in the float dtype Keras computes its products in, and the dtype it returns them in: its
    result_type of the two (32-bit: float64 gives float32, int64 int32)."""
    a, b = _pair(x1, x2)
    result = rules.promoted(a, b)
    a, b = rules.both_as(a, b, rules.float_result(a, b))
    return a, b, result


def kron(x1, x2):
    """The Kronecker product: every value of x1 times the whole of x2, laid out block by block."""
    return ag.kron(*_same(x1, x2))


def inner(x1, x2):
    """The sum of products over the last axes of x1 and x2 (a plain product when either is 0-d), in Keras's
    result_type of the two."""
    a, b, result = _products_dtypes(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return rules.cast(a * b, result)
    if a.shape[-1] != b.shape[-1]:
        raise ShapeError(f"keras.ops.inner: the last axes differ: shapes {tuple(a.shape)} and {tuple(b.shape)}; "
                         "they must have the same size")
    return rules.cast(ag.inner(a, b), result)


def vdot(x1, x2):
    """The dot product of the flattened x1 and x2 (a 0-d tensor), in Keras's result_type of the two."""
    a, b, result = _products_dtypes(x1, x2)
    a, b = a.reshape(-1), b.reshape(-1)
    if a.shape[0] != b.shape[0]:
        raise ShapeError(f"keras.ops.vdot: the inputs hold {a.shape[0]} and {b.shape[0]} values; they must hold "
                         "the same number")
    return rules.cast((a * b).sum(), result)


def tensordot(x1, x2, axes=2):
    """The sum of products over the last `axes` axes of x1 and the first of x2, or over the axis lists
    axes = (axes_of_x1, axes_of_x2); in Keras's result_type of the two."""
    a, b, result = _products_dtypes(x1, x2)
    if not isinstance(axes, (int, np.integer)):
        first, second = axes
        axes = ([first] if isinstance(first, int) else list(first), [second] if isinstance(second, int)
                else list(second))
    return rules.cast(ag.tensordot(a, b, dims=axes), result)


def _moved_last(x, axis, name):
    if x.ndim == 0 or x.shape[axis] not in (2, 3):
        raise ShapeError(f"keras.ops.cross: axis {axis} of {name} (shape {tuple(x.shape)}) must have size 2 or 3 "
                         f"(no dimension of size 3 in input); give 2- or 3-vectors along the axis, or pick it with "
                         f"axisa= / axisb=")
    return ag.movedim(x, axis, -1)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of the vectors of x1 (along `axisa`) and x2 (along `axisb`), placed along `axisc`;
    `axis` sets all three. 2-vectors count as having z = 0, and two 2-vector inputs give the z component
    alone. Computed in Keras's result_type of the two (32-bit: float64 gives float32)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _pair(x1, x2)
    a, b = rules.both_as(a, b, rules.promoted(a, b))
    a, b = _moved_last(a, axisa, "x1"), _moved_last(b, axisb, "x2")
    planar = a.shape[-1] == 2 and b.shape[-1] == 2
    a0, a1, a2 = _components(a)
    b0, b1, b2 = _components(b)
    z = a0 * b1 - a1 * b0
    if planar:
        return z
    result = ag.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, z], dim=-1)
    return ag.movedim(result, -1, axisc)


def _components(v):
    parts = ag.unbind(v, dim=-1)
    return parts if len(parts) == 3 else (parts[0], parts[1], ag.zeros_like(parts[0]))


def correlate(x1, x2, mode="valid"):
    """The cross-correlation of two 1-D tensors, c[k] = sum_n x1[n + k] * x2[n] (NumPy's): 'valid' keeps the
    full overlaps, 'same' max(M, N) values, 'full' every lag. In float32 unless Keras's result_type of the two is
    float16 (so float64 inputs give float32, as Keras). Keras documents 1-D inputs only; others are refused."""
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"keras.ops.correlate: mode must be 'valid', 'same' or 'full', got {mode!r}")
    a, b = _pair(x1, x2)
    dtype = rules.promoted(a, b)
    a, b = rules.both_as(a, b, dtype if dtype == np.float16 else np.float32)
    if a.ndim != 1 or b.ndim != 1 or not a.shape[0] or not b.shape[0]:
        raise ValueError(f"keras.ops.correlate: needs two non-empty 1-D tensors, got shapes {tuple(a.shape)} and "
                         f"{tuple(b.shape)}; Keras documents correlate for 1-D tensors only (flatten them, or "
                         f"correlate row by row)")
    m, n = a.shape[0], b.shape[0]
    padded = ag.pad(a, ((n - 1, n - 1),))
    windows = np.arange(m + n - 1)[:, None] + np.arange(n)[None, :]
    full = ag.matmul(padded[ag.tensor(windows)], b)
    if mode == "full":
        return full
    if mode == "same":
        start = (n - 1) // 2 if n <= m else m // 2
        return full[start:start + max(m, n)]
    start = min(m, n) - 1
    return full[start:start + abs(m - n) + 1]


def corrcoef(x):
    """The Pearson correlation coefficients of the rows of `x` (variables in rows, observations in columns); float64
    for int64, as Keras."""
    x = _t(x)
    x = rules.cast(x, rules.float_keeping_int64(x))
    if x.ndim > 2:
        raise ValueError(f"keras.ops.corrcoef: x must be 1-D or 2-D, got shape {tuple(x.shape)}")
    return ag.corrcoef(x)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of `y` along `axis` by the trapezoid rule, at sample points `x` or spacing `dx` (floats)."""
    y = _float(y)
    if x is not None:
        x = _t(x)
        x = x.astype(y.dtype) if x.dtype != y.dtype else x
        return ag.trapezoid(y, x=x, dim=axis)
    return ag.trapezoid(y, dx=float(dx), dim=axis)
