"""More keras.ops a custom layer, loss or metric reaches for: variance and standard deviation (population, as
NumPy and Keras), `moments`, `divide_no_nan`, `rsqrt`, `log1p`/`expm1`, trigonometry, rounding and the common
activations, all differentiable where Keras's are. Re-exported by keras.ops."""
import autograd as ag
from autograd import Tensor

from .. import functional as F
from .ops_args import _axis, _float, _pair, _t


def var(x, axis=None, keepdims=False):
    """The population variance (divides by N, as NumPy and Keras) over `axis`."""
    return ag.var(_float(x), dim=_axis(axis), keepdim=keepdims, unbiased=False)


def std(x, axis=None, keepdims=False):
    """The population standard deviation (divides by N) over `axis`."""
    return ag.sqrt(var(x, axis=axis, keepdims=keepdims))


def moments(x, axes, keepdims=False, synchronized=False):
    """(mean, population variance) of x over `axes`."""
    x = _float(x)
    return ag.mean(x, dim=_axis(axes), keepdim=keepdims), var(x, axis=axes, keepdims=keepdims)


def divide_no_nan(x1, x2):
    """x1 / x2, with 0 wherever x2 is 0."""
    a, b = _pair(x1, x2)
    a = _float(a) if isinstance(a, Tensor) else a
    b = _float(b) if isinstance(b, Tensor) else _t(float(b))
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
    """The largest integer not above x (floats give floats)."""
    return ag.floor(_float(x))


def ceil(x):
    """The smallest integer not below x (floats give floats)."""
    return ag.ceil(_float(x))


def softplus(x):
    """log(1 + exp(x))."""
    return F.softplus(_float(x))


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    x = _float(x)
    return x * ag.sigmoid(x)


swish = silu


def gelu(x, approximate=True):
    """The GELU activation (tanh approximation by default, as Keras)."""
    return F.gelu(_float(x), approximate="tanh" if approximate else "none")


def leaky_relu(x, negative_slope=0.2):
    """x where positive, negative_slope * x elsewhere (Keras's default slope is 0.2)."""
    return F.leaky_relu(_float(x), negative_slope)


def elu(x, alpha=1.0):
    """x where positive, alpha * (exp(x) - 1) elsewhere."""
    return F.elu(_float(x), alpha)


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


def einsum(subscripts, *operands):
    """Einstein summation over the operands."""
    return ag.einsum(subscripts, *(_t(o) for o in operands))
