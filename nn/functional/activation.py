"""Activation functions; the fused ones run one backend kernel forward and one backward."""
import autograd as ag
from autograd import Function


class _Fused(Function):
    """An activation computed by the backend's act_forward/act_backward kernels."""

    differentiable_backward = False

    def forward(ctx, x, name):
        ctx.name = name
        y = ctx.device.act_forward(name, x)
        ctx.save_for_backward(x, y)
        return y

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        return ctx.device.act_backward(ctx.name, x, y, gy), None


class _Softmax(Function):
    op_name = "softmax"
    differentiable_backward = False

    def forward(ctx, x, axis, log):
        ctx.axis, ctx.log = axis, log
        y = (ctx.device.log_softmax if log else ctx.device.softmax)(x, axis)
        ctx.save_for_backward(y)
        return y

    def backward(ctx, gy):
        y = ctx.saved_tensors[0]
        grad = ctx.device.log_softmax_grad if ctx.log else ctx.device.softmax_grad
        return grad(y, gy, ctx.axis), None, None


class _Softplus(Function):
    """log(1 + exp(x)) without overflow; its gradient sigmoid(x) = exp(x - softplus(x)) is smooth at 0
    and keeps its tiny values for very negative x."""

    op_name = "softplus"

    def forward(ctx, x):
        y = ctx.xp.logaddexp(0.0, x)
        ctx.save_for_backward(x, y)
        return y

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        return gy * ctx.xp.exp(x - y)


class _LeakyRelu(Function):
    op_name = "leaky_relu"

    def forward(ctx, x, slope):
        ctx.slope = slope
        mask = x > 0
        ctx.save_for_backward(mask)
        return ctx.xp.where(mask, x, x * slope)

    def backward(ctx, gy):
        mask = ctx.saved_tensors[0]
        return ctx.xp.where(mask, gy, gy * ctx.slope), None


def relu(x):
    """max(x, 0)."""
    return ag.relu(x)


def leaky_relu(x, negative_slope=0.01):
    """x for x > 0, negative_slope * x otherwise."""
    return _LeakyRelu.apply(x, negative_slope)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    return ag.where(x > 0, x, alpha * (ag.exp(ag.minimum(x, 0.0)) - 1.0))


def gelu(x, approximate="none"):
    """Gaussian error linear unit: x * Phi(x) exactly ('none'), or its tanh approximation ('tanh')."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return _Fused.apply(x, "gelu" if approximate == "none" else "gelu_tanh")


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    return _Fused.apply(x, "silu")


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return ag.sigmoid(x)


def tanh(x):
    """Hyperbolic tangent."""
    return ag.tanh(x)


def softplus(x, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold (as PyTorch)."""
    bx = x * beta if beta != 1 else x
    smooth = _Softplus.apply(bx)
    if beta != 1:
        smooth = smooth / beta
    return ag.where(bx > threshold, x, smooth)


def hardtanh(x, min_val=-1.0, max_val=1.0):
    """x clipped to [min_val, max_val]."""
    return ag.clip(x, min_val, max_val)


def softmax(x, axis=-1):
    """exp(x) normalised to sum to 1 along axis (stable for large inputs)."""
    return _Softmax.apply(x, axis, False)


def log_softmax(x, axis=-1):
    """log(softmax(x)) along axis, computed without overflow or log(0)."""
    return _Softmax.apply(x, axis, True)
