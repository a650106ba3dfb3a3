"""Special functions: erf, erfc, erfcx, erfinv, expm1, exp2, logit, xlogy, xlog1py and entr (PyTorch's
torch.special names)."""
import math

import numpy as np

from backends.array_kernels import special as kernels

from ..broadcast import unbroadcast
from .. import complex_forms
from ..function import Function, named
from ..tensor import Tensor
from .dims import check_tensor
from .elementwise import _floating, _promote, pow
from .pointwise import _both_tensors

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def kernel_or_op(ctx, kernel, op, *args):
    """kernel(xp, *args) on the raw arrays of a plain backward; op.apply(*args) on the Tensors a backward that
    records a graph (create_graph) sees, so that the derivative can be differentiated again."""
    if ctx.xp is ctx.device.xp:
        return kernel(ctx.xp, *args)
    return op.apply(*args)


class Erf(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return kernels.erf(ctx.xp, x)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        return gy * (_TWO_OVER_SQRT_PI * ctx.xp.exp(-(x * x)))


class Erfc(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return kernels.erfc(ctx.xp, x)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        return gy * (-_TWO_OVER_SQRT_PI * ctx.xp.exp(-(x * x)))


class Erfinv(Function):
    torch_saves_result = False   # PyTorch's node keeps the input, not the result: changing that in place is allowed
    def forward(ctx, y):
        out = kernels.erfinv(ctx.xp, y)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, gy):
        out = ctx.saved_tensors[0]
        return gy * (ctx.xp.exp(out * out) / _TWO_OVER_SQRT_PI)


class Erfcx(Function):
    torch_name = "SpecialErfcxBackward0"
    def forward(ctx, x):
        out = kernels.erfcx(ctx.xp, x)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, gy):
        x, out = ctx.saved_tensors
        return gy * (2 * x * out - _TWO_OVER_SQRT_PI)


class Entr(Function):
    torch_name = "SpecialEntrBackward0"
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            inside = -x * xp.log(xp.where(x > 0, x, 1))
        return xp.where(x > 0, inside, xp.where(x == 0, 0, xp.where(x < 0, -xp.inf, x))).astype(x.dtype)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            return gy * -(1 + ctx.xp.log(x))   # PyTorch's: inf at 0, nan below


class Xlogy(Function):
    """x * log(y) with 0 where x is 0 (nan where y is); PyTorch's gradients, including log(y) for x at x = 0."""

    edge = 0.0    # log's argument is y - edge: xlogy's y, xlog1py's 1 + y

    @classmethod
    def log(cls, xp, y):
        return xp.log(y)

    def forward(ctx, x, y):
        xp = ctx.xp
        ctx.save_for_backward(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = xp.where(x == 0, 0, x * type(ctx).log(xp, y))
        return xp.where(xp.isnan(y), y, out).astype(out.dtype)

    def backward(ctx, gy):
        xp, x, y = ctx.xp, *ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = gy_y = None
        with np.errstate(divide="ignore", invalid="ignore"):
            if need[0]:
                # torch: xlogy(grad, y), then 0 where x is 0 and y is outside log's domain
                if isinstance(gy, Tensor):   # create_graph: recorded, so that its derivative in gy is log(y) even
                    gx = type(ctx).apply(gy, y)   # where gy is 0 (forward-mode AD differentiates at gy = 0)
                else:
                    gx = ctx.select(gy == 0, 0, gy * type(ctx).log(xp, y))
                gx = ctx.select(y != y, y, gx)
                gx = unbroadcast(ctx.select((x == 0) & (y <= ctx.edge), 0, gx), x.shape)
            if need[1]:
                gy_y = unbroadcast(gy * x / (y - ctx.edge), y.shape)
        return gx, gy_y


class Xlog1py(Xlogy):
    torch_name = "SpecialXlog1PyBackward0"
    edge = -1.0

    @classmethod
    def log(cls, xp, y):
        return xp.log1p(y)


class Expm1(Function):
    def forward(ctx, x):
        out = ctx.xp.expm1(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, gy):
        return gy * (ctx.saved_tensors[0] + 1)


complex_forms.holomorphic(Expm1)   # its derivative exp(z) serves complex values too


def erf(input):
    """The error function 2/sqrt(pi) * integral of exp(-t^2) from 0 to input."""
    check_tensor("erf", input)
    return Erf.apply(_floating(input))


def erfc(input):
    """1 - erf(input), accurate where it is tiny (large input)."""
    check_tensor("erfc", input)
    return Erfc.apply(_floating(input))


def erfinv(input):
    """The inverse of erf: defined on [-1, 1] (+-inf at +-1, nan outside)."""
    check_tensor("erfinv", input)
    return Erfinv.apply(_floating(input))


def expm1(input):
    """exp(input) - 1, accurate for small input."""
    check_tensor("expm1", input)
    return Expm1.apply(_floating(input))


def exp2(input):
    """2 ** input."""
    check_tensor("exp2", input)
    return named(pow(2.0, _floating(input)), "Exp2Backward0")


class Logit(Function):
    """log(p / (1 - p)), p first clamped to [eps, 1 - eps] when eps is given; PyTorch's gradient: nan outside
    [0, 1] without eps, 0 outside [eps, 1 - eps] with it."""
    torch_name = "LogitBackward0"

    def forward(ctx, p, eps):
        xp = ctx.xp
        ctx.save_for_backward(p)
        ctx.eps = eps
        if eps is not None:
            p = xp.clip(p, eps, 1.0 - eps)
        with np.errstate(divide="ignore", invalid="ignore"):
            return xp.log(p / (1 - p)).astype(p.dtype, copy=False)

    def backward(ctx, gy):
        p, = ctx.saved_tensors
        eps = ctx.eps
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = gy / (p * (1 - p))
            if eps is None:
                return ctx.select((p < 0) | (p > 1), np.nan, slope), None
            return ctx.select((p < eps) | (p > 1 - eps), 0, slope), None


def logit(input, eps=None):
    """log(p / (1 - p)); with eps, p is first clamped to [eps, 1 - eps] (gradient 0 outside, nan outside [0, 1]
    without eps), as torch.logit."""
    check_tensor("logit", input)
    if complex_forms.active:
        complex_forms.refuse("logit", input)
    if eps is not None and not 0 <= eps <= 0.5:
        raise ValueError(f"logit: eps must be in [0, 0.5], got {eps!r}")
    return Logit.apply(_floating(input), None if eps is None else float(eps))


def _xlog(op, cls, input, other):
    x, y = _both_tensors(op, input, other, floating=True)
    return cls.apply(*_promote(_floating(x), _floating(y), op))


def xlogy(input, other):
    """input * log(other), with 0 where input is 0 (unless other is nan), as torch.xlogy."""
    return _xlog("xlogy", Xlogy, input, other)


def xlog1py(input, other):
    """input * log1p(other), with 0 where input is 0 (unless other is nan), as torch.special.xlog1py."""
    return _xlog("xlog1py", Xlog1py, input, other)


def erfcx(input):
    """The scaled complementary error function exp(input^2) * erfc(input), finite where erfc underflows."""
    check_tensor("erfcx", input)
    return Erfcx.apply(_floating(input))


def entr(input):
    """The elementwise entropy -input * log(input): 0 at 0, -inf below 0."""
    check_tensor("entr", input)
    return Entr.apply(_floating(input))
