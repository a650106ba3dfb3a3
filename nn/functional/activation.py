"""Activation functions as users call them; the ops themselves live in autograd/ops/activation.py."""
import autograd as ag
from autograd.ops.activation import (Gelu, GeluTanh, LeakyRelu, Silu, Softplus, log_softmax,  # noqa: F401
                                     relu, sigmoid, softmax)
from autograd.ops.dims import check_tensor


def leaky_relu(x, negative_slope=0.01):
    """x for x > 0, negative_slope * x otherwise."""
    check_tensor("leaky_relu", x)
    return LeakyRelu.apply(x, negative_slope)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    check_tensor("elu", x)
    return ag.where(x > 0, x, alpha * (ag.exp(ag.minimum(x, 0.0)) - 1.0))


def gelu(x, approximate="none"):
    """Gaussian error linear unit: x * Phi(x) exactly ('none'), or its tanh approximation ('tanh')."""
    check_tensor("gelu", x)
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return (Gelu if approximate == "none" else GeluTanh).apply(x)


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    check_tensor("silu", x)
    return Silu.apply(x)


def tanh(x):
    """Hyperbolic tangent."""
    check_tensor("tanh", x)
    return ag.tanh(x)


def softplus(x, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold (as PyTorch)."""
    check_tensor("softplus", x)
    bx = x * beta if beta != 1 else x
    smooth = Softplus.apply(bx)
    if beta != 1:
        smooth = smooth / beta
    return ag.where(bx > threshold, x, smooth)


def hardtanh(x, min_val=-1.0, max_val=1.0):
    """x clipped to [min_val, max_val]."""
    check_tensor("hardtanh", x)
    if x.dtype.kind in "iu":   # integer input keeps its dtype, as in PyTorch
        min_val, max_val = int(min_val), int(max_val)
    return ag.clip(x, min_val, max_val)
