"""keras.ops that make tensors: `array`, `copy`, `empty`/`empty_like`, `tri`, `vander`, `geomspace`, `logspace` and
`meshgrid`, with Keras's arguments and default dtypes (float32 for new float data, int32 for Python ints).
`copy`, `vander` and `meshgrid` pass gradients to their inputs; the rest are constants. Re-exported by
keras.ops."""
import operator

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.errors import ArgumentRangeError

from .ops_args import _t, convert_to_tensor
from . import settings
from . import ops_dtype_rules as rules


def _shape(shape, op="empty"):
    """A creation op's shape (an int or a sequence of ints) as a tuple; a TypeError naming the op for a string, a
    float or a bool size, which the torch backend refuses too."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        return (int(shape),)
    try:
        if isinstance(shape, (str, bytes)) or any(isinstance(d, bool) for d in shape):
            raise TypeError
        return tuple(operator.index(d) for d in shape)
    except TypeError:
        raise TypeError(f"keras.ops.{op}: shape must be an int or a tuple of ints, got {shape!r}; pass e.g. "
                        "shape=(2, 3)") from None


def array(x, dtype=None):
    """`x` as a tensor, as `convert_to_tensor` makes it (Keras's `array` is that function)."""
    return convert_to_tensor(x, dtype=dtype)


def copy(x):
    """A copy of `x` (gradients flow back to `x`)."""
    return ag.clone(_t(x))


def empty(shape, dtype=None):
    """A tensor of `shape` (float32 by default) whose values are unspecified; deepgrad fills it with zeros."""
    return ag.zeros(*_shape(shape), dtype=rules.numpy_dtype(dtype or settings.floatx()))


def empty_like(x, dtype=None):
    """An unspecified (here zero-filled) tensor shaped like `x`, with its dtype unless `dtype`."""
    x = _t(x)
    return ag.zeros(*x.shape, dtype=rules.numpy_dtype(dtype) if dtype else x.dtype)


def tri(N, M=None, k=0, dtype=None):
    """An N x M matrix (M = N by default) with ones on and below the k-th diagonal (float32 by default)."""
    M = N if M is None else M
    if N < 0 or M < 0:
        raise ArgumentRangeError(f"keras.ops.tri: trying to create a tensor with negative dimension: N={N}, M={M}; "
                                 "pass sizes of 0 or more")
    return ag.tensor(np.tri(N, M, k, dtype=rules.numpy_dtype(dtype or settings.floatx())))


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the 1-D `x`: columns x ** (N - 1), ..., x ** 0 (the other way round when
    `increasing`); N defaults to len(x) and the dtype is x's."""
    x = _t(x)
    if x.ndim != 1:
        raise ValueError(f"keras.ops.vander: x must be 1-D, got shape {tuple(x.shape)}; flatten it with "
                         f"keras.ops.ravel(x)")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise ValueError(f"keras.ops.vander: N must be >= 0, got {n}")
    return ag.vander(x, N=n, increasing=increasing).astype(x.dtype)


def _numbers(value):
    return value.numpy() if isinstance(value, Tensor) else np.asarray(value)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """`num` values spaced evenly on a log scale from start to stop (stop included unless endpoint=False;
    float32 by default); array start/stop give a new `axis` of samples."""
    values = np.geomspace(_numbers(start), _numbers(stop), num, endpoint=endpoint, axis=axis)
    return ag.tensor(values.astype(rules.numpy_dtype(dtype or settings.floatx())))


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """base ** linspace(start, stop, num): `num` values spaced evenly on a log scale (float32 by default)."""
    if isinstance(num, (int, np.integer)) and num < 0:
        raise ArgumentRangeError(f"keras.ops.logspace: number of steps must be non-negative, got num={num}; pass a "
                                 "count of values, 0 or more")
    values = np.logspace(_numbers(start), _numbers(stop), num, endpoint=endpoint, base=base, axis=axis)
    return ag.tensor(values.astype(rules.numpy_dtype(dtype or settings.floatx())))


def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D tensors: 'xy' (Cartesian, the default) swaps the first two output axes, 'ij'
    (matrix) does not. Returns a list of tensors."""
    if indexing not in ("xy", "ij"):
        raise ArgumentRangeError(f"keras.ops.meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    tensors = [_t(v).reshape(-1) for v in x]
    return list(ag.meshgrid(*tensors, indexing=indexing)) if tensors else []

