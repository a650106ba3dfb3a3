"""keras.ops activations beyond the basic ones in ops.py, with Keras's formulas and defaults; every one is
differentiable (piecewise ones take the gradient of the branch that holds, as Keras's torch backend does)."""
import autograd as ag
from autograd.errors import ShapeError

from .. import functional as F
from .ops_args import _float, _t, float_kernel_input


def relu6(x):
    """min(max(x, 0), 6); integers keep their dtype, as Keras."""
    return _clipped(x, 0, 6)


def _clipped(x, low, high):
    x = _t(x)
    if x.dtype.kind in "iu":
        return ag.clamp(x, low, high)
    return ag.clamp(_float(x), float(low), float(high))


def selu(x):
    """The scaled exponential linear unit (scale 1.0507..., alpha 1.6732...)."""
    return F.selu(float_kernel_input(x, "selu"))


def celu(x, alpha=1.0):
    """max(x, 0) + min(alpha * (exp(x / alpha) - 1), 0)."""
    return F.celu(float_kernel_input(x, "celu"), alpha)


def glu(x, axis=-1):
    """The first half of `x` along `axis` gated by the sigmoid of the second half (an even size is needed)."""
    x = float_kernel_input(x, "glu")
    if x.shape[axis] % 2:
        raise ShapeError(f"keras.ops.glu: axis {axis} of shape {tuple(x.shape)} must have an even size to split "
                         f"in halves")
    return F.glu(x, axis)


def hard_sigmoid(x):
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between."""
    return ag.clamp(float_kernel_input(x, "hard_sigmoid") / 6.0 + 0.5, 0.0, 1.0)


def hard_silu(x):
    """x * hard_sigmoid(x)."""
    x = float_kernel_input(x, "hard_silu")
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def hard_tanh(x):
    """x clipped to [-1, 1]; integers keep their dtype, as Keras."""
    return _clipped(x, -1, 1)


def hard_shrink(x, threshold=0.5):
    """x where |x| > threshold, else 0."""
    x = float_kernel_input(x, "hard_shrink")
    return ag.where(ag.abs(x) > threshold, x, 0.0)


def soft_shrink(x, threshold=0.5):
    """x moved towards 0 by `threshold`, and 0 within [-threshold, threshold]."""
    # x * 0 inside the band: torch's softshrink keeps the sign of zero (-0.0 for negative x)
    x = float_kernel_input(x, "soft_shrink")
    return ag.where(x > threshold, x - threshold, ag.where(x < -threshold, x + threshold, x * 0.0))


def tanh_shrink(x):
    """x - tanh(x)."""
    x = _float(x)
    return x - ag.tanh(x)


def threshold(x, threshold, default_value):
    """x where x > threshold, else `default_value`."""
    x = _float(x)
    return ag.where(x > threshold, x, float(default_value))


def log_sigmoid(x):
    """log(sigmoid(x)), computed stably as -softplus(-x)."""
    return F.logsigmoid(float_kernel_input(x, "log_sigmoid"))


def softsign(x):
    """x / (1 + |x|)."""
    x = _float(x)
    return x / (ag.abs(x) + 1.0)


def sparse_plus(x):
    """0 for x <= -1, (x + 1)^2 / 4 for |x| < 1, and x for x >= 1."""
    x = _float(x)
    return ag.where(x <= -1.0, 0.0, ag.where(x >= 1.0, x, (x + 1.0) * (x + 1.0) * 0.25))


def sparse_sigmoid(x):
    """0 for x <= -1, (x + 1) / 2 for |x| < 1, and 1 for x >= 1."""
    return ag.clamp((_float(x) + 1.0) * 0.5, 0.0, 1.0)


def squareplus(x, b=4):
    """(x + sqrt(x^2 + b)) / 2, a smooth relu."""
    if b < 0:
        raise ValueError(f"keras.ops.squareplus: b must be non-negative, got {b}")
    x = _float(x)
    return (x + ag.sqrt(x * x + float(b))) * 0.5


def sparsemax(x, axis=-1):
    """The Euclidean projection of `x` onto the probability simplex along `axis`: like softmax, but most
    entries come out exactly 0."""
    x = _float(x)
    ranked = ag.sort(x, dim=axis, descending=True)[0]
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    k = ag.arange(1, x.shape[axis] + 1, dtype=x.dtype).reshape(*shape)
    running = ag.cumsum(ranked, dim=axis)
    support = ((1.0 + k * ranked) > running).astype(x.dtype)   # the sorted entries that stay positive
    size = support.sum(dim=axis, keepdim=True)
    kept_total = ag.take_along_axis(running, size.astype("int64") - 1, axis)
    return ag.clamp(x - (kept_total - 1.0) / size, min=0.0)
