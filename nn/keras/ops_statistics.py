"""More keras.ops a custom layer, loss or metric reaches for: variance and standard deviation (population, as
NumPy and Keras), `moments`, `divide_no_nan`, `rsqrt`, `log1p`/`expm1`, trigonometry, rounding and the common
activations, all differentiable where Keras's are. Re-exported by keras.ops."""
import autograd as ag
from autograd import Tensor
from autograd.errors import ArgumentKindError

import numpy as np

from .. import functional as F
from . import ops_dtype_rules as rules
from .ops_args import _axis, _float, _pair, _t, float_kernel_input


def var(x, axis=None, keepdims=False):
    """The population variance (divides by N, as NumPy and Keras) over `axis`, of x in at least float32 and
    returned in Keras's result_type of x and float (float32 for integers and float64)."""
    x = _t(x)
    compute = rules.promoted(x, "float32")
    # torch's CPU var of float32 accumulates in float64 (two passes): the same order gives its rounding bit for bit
    computed = ag.var(rules.cast(rules.cast(x, compute), np.float64), dim=_axis(axis), keepdim=keepdims,
                      unbiased=False)
    return rules.cast(rules.cast(computed, compute), rules.float_result(x))


def std(x, axis=None, keepdims=False):
    """The population standard deviation (divides by N) over `axis`: float32 for integers and bools, else x's
    dtype (float64 stays, unlike var: Keras's own asymmetry)."""
    x = _t(x)
    if x.dtype.kind in "iub":
        x = x.astype(np.float32)
    return ag.sqrt(ag.var(x, dim=_axis(axis), keepdim=keepdims, unbiased=False))


def moments(x, axes, keepdims=False, synchronized=False):
    """(mean, population variance) of x over `axes`."""
    x = _float(x)
    return (ag.mean(x, dim=_axis(axes), keepdim=keepdims),
            ag.var(x, dim=_axis(axes), keepdim=keepdims, unbiased=False))


def divide_no_nan(x1, x2):
    """x1 / x2, with 0 wherever x2 is 0, in Keras's result_type of the two and float (Python numbers counting
    weakly; float32 for float64)."""
    a, b = _pair(x1, x2)
    dtype = rules.float_result(a, b, weak=True)
    a = rules.cast(a, dtype) if isinstance(a, Tensor) else a
    b = rules.cast(b, dtype) if isinstance(b, Tensor) else ag.tensor(np.asarray(b, dtype))
    zero = b == 0
    safe = ag.where(zero, ag.ones_like(b), b)
    quotient = a / safe
    return ag.where(zero, ag.zeros_like(quotient), quotient)


def rsqrt(x):
    """1 / sqrt(x)."""
    return 1.0 / ag.sqrt(_float(x))


def reciprocal(x):
    """1 / x."""
    return 1.0 / _float(x)


def log1p(x):
    """log(1 + x), accurate near 0."""
    return ag.log1p(_float(x))


def expm1(x):
    """exp(x) - 1, accurate near 0."""
    return ag.expm1(_float(x))


def sin(x):
    """The sine."""
    return ag.sin(_float(x))


def cos(x):
    """The cosine."""
    return ag.cos(_float(x))


def floor(x):
    """The largest integer not above x, as a float: Keras's result_type of x and float (floatx() for int64,
    float32 for float64)."""
    x = _t(x)
    return ag.floor(rules.cast(x, rules.float_unless_int64(x)))


def ceil(x):
    """The smallest integer not below x, as a float (the dtype rule of `floor`)."""
    x = _t(x)
    return ag.ceil(rules.cast(x, rules.float_unless_int64(x)))


def softplus(x):
    """log(1 + exp(x))."""
    return F.softplus(float_kernel_input(x, "softplus"))


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    x = float_kernel_input(x, "silu")
    return x * ag.sigmoid(x)


swish = silu


def gelu(x, approximate=True):
    """The GELU activation (tanh approximation by default, as Keras)."""
    return F.gelu(float_kernel_input(x, "gelu"), approximate="tanh" if approximate else "none")


def leaky_relu(x, negative_slope=0.2):
    """x where positive, negative_slope * x elsewhere (Keras's default slope is 0.2)."""
    if isinstance(negative_slope, (str, bytes)):   # torch's argument parser: a TypeError
        raise ArgumentKindError(f"keras.ops.leaky_relu: negative_slope must be a number, got {negative_slope!r}; "
                                "pass e.g. negative_slope=0.2")
    return F.leaky_relu(float_kernel_input(x, "leaky_relu"), negative_slope)


def elu(x, alpha=1.0):
    """x where positive, alpha * (exp(x) - 1) elsewhere."""
    return F.elu(float_kernel_input(x, "elu"), alpha)


def isnan(x):
    """Where x is NaN (booleans)."""
    return ag.isnan(_t(x))


def isfinite(x):
    """Where x is neither infinite nor NaN (booleans)."""
    return ag.isfinite(_t(x))


def swapaxes(x, axis1, axis2):
    """x with two axes exchanged."""
    return _t(x).transpose(axis1, axis2)


def moveaxis(x, source, destination):
    """x with axes moved from `source` to `destination`."""
    return ag.movedim(_t(x), source, destination)


def broadcast_to(x, shape):
    """x broadcast to `shape`."""
    return ag.broadcast_to(_t(x), tuple(shape))


def einsum(subscripts, *operands, **kwargs):
    """Einstein summation over the operands (int32 when every operand is int8, as Keras). Keyword arguments
    are taken and ignored, as Keras's torch backend does (they are for other backends' einsum)."""
    operands = [_t(o) for o in operands]
    if operands and all(o.dtype == np.int8 for o in operands):
        return rules.cast(ag.einsum(subscripts, *(o.astype(np.int32) for o in operands)), np.int32)
    return ag.einsum(subscripts, *operands)   # mixed dtypes are refused, as Keras on the torch backend refuses them
