"""The regularized incomplete gamma functions gammainc(input, other) = P(a, x) and gammaincc = Q(a, x) = 1 - P,
with a = input and x = other. As in PyTorch they are differentiable in other only (dP/dx = x^(a-1) e^-x /
Gamma(a)); a gradient with respect to input raises. SciPy evaluates them where it is installed, our own
kernels elsewhere (backends/array_kernels/scipy_special.py)."""
import numpy as np

from backends.array_kernels import gamma as gamma_kernels
from backends.array_kernels import scipy_special

from ..bf16_dtype import is_bf16
from ..broadcast import unbroadcast
from ..function import Function
from .dims import check_tensor
from .elementwise import _promote, exp, log
from .gamma import lgamma


def _density(ctx, a, x):
    """x^(a-1) e^-x / Gamma(a), on arrays, or as ops when backward records a graph."""
    if ctx.xp is ctx.device.xp:
        xp = ctx.xp
        with np.errstate(all="ignore"):
            return xp.exp((a - 1) * xp.log(x) - x - gamma_kernels.lgamma(xp, a))
    return exp((a - 1) * log(x) - x - lgamma(a))


class _IncompleteGamma(Function):
    sign = 1

    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        a, x = ctx.xp.broadcast_arrays(a, x)
        return scipy_special.evaluate(ctx.xp, ctx.op_name, a, x)

    def backward(ctx, gy):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise RuntimeError(f"{ctx.op_name}: PyTorch defines no derivative with respect to input (the shape "
                               "parameter a); detach input or set requires_grad=False on it (other, x, is "
                               "differentiable)")
        return None, unbroadcast(gy * (ctx.sign * _density(ctx, a, x)), x.shape)


class Gammainc(_IncompleteGamma):
    op_name = "gammainc"
    torch_name = "IgammaBackward0"   # PyTorch's node keeps the aten name for torch.igamma and special.gammainc


class Gammaincc(_IncompleteGamma):
    op_name = "gammaincc"
    torch_name = "IgammacBackward0"
    sign = -1


def _operands(name, input, other):
    check_tensor(name, input, "input")
    check_tensor(name, other, "other")
    a, x = _promote(input, other, name)
    if a.dtype.kind != "f" and not is_bf16(a.dtype):   # PyTorch computes in the promoted dtype: ints beside ints
        raise TypeError(f"{name}: expects a floating-point tensor among input ({input.dtype}) and other "
                        f"({other.dtype}) (PyTorch refuses integer ones too); convert with .to(ag.float32) or "
                        ".double()")
    if a.dtype != x.dtype:
        wide = np.promote_types(a.dtype, x.dtype)
        a, x = a.astype(wide), x.astype(wide)
    return a, x


def gammainc(input, other):
    """The regularized lower incomplete gamma function P(input, other), broadcasting; differentiable in other."""
    return Gammainc.apply(*_operands("gammainc", input, other))


def gammaincc(input, other):
    """The regularized upper incomplete gamma function Q(input, other) = 1 - P(input, other), broadcasting;
    differentiable in other."""
    return Gammaincc.apply(*_operands("gammaincc", input, other))
