"""PyTorch's top-level activation spellings (torch.selu, celu, rrelu, prelu, hardshrink, threshold, dropout):
composites of existing ops, written here once so that `ag.selu(x)` and `F.selu(x)` run the same code
(nn.functional adds only its `inplace=` handling)."""
import numbers
import numpy as np

from ..bf16_dtype import is_bf16
from ..broadcast import unbroadcast
from ..errors import ArgumentRangeError, DtypeError, ShapeError, UnsupportedDtypeError
from ..random_generator import check_generator
from ..function import Function, named
from ..shown_nodes import shown_over
from ..int_fit import fitted_number
from .activation import Elu, LeakyRelu
from .dims import check_tensor
from .dropout import Dropout
from .elementwise import mul, where
from .gather import masked_fill
from .no_grad_op import no_grad_op

#: SELU's fixed constants (Klambauer et al.), as PyTorch's
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def float_input(op, x):
    """Raise unless `x` is a floating-point tensor (the message names op, dtype and shape, and the fix)."""
    check_tensor(op, x)
    if x.dtype.kind != "f" and not is_bf16(x.dtype):
        raise UnsupportedDtypeError(f"{op}: expects a floating-point tensor, got {x.dtype} (shape "
                                    f"{tuple(x.shape)}); convert it with .float()")


def selu(input):
    """scale * elu(x, alpha) with PyTorch's fixed alpha ~ 1.6733 and scale ~ 1.0507 (self-normalising)."""
    float_input("selu", input)
    return named(mul(Elu.apply(input, SELU_ALPHA), SELU_SCALE), "EluBackward0")   # PyTorch's one node


def celu(input, alpha=1.0):
    """x for x > 0, alpha * (exp(x / alpha) - 1) otherwise."""
    float_input("celu", input)
    if alpha == 0:
        raise ArgumentRangeError("celu: alpha must not be 0 (celu divides by it); pass a non-zero alpha, e.g. 1.0")
    alpha = float(alpha)
    if alpha == 1.0:
        return named(Elu.apply(input, 1.0), "CeluBackward0")   # the same function: one fused node
    return Celu.apply(input, alpha)


class Celu(Function):
    """x for x > 0, alpha * expm1(x / alpha) otherwise, as PyTorch's elu with
    input scale 1 / alpha: gradient exp(x / alpha) on the negative side, x == 0 included; the derivative of that
    gradient is 0 at x == 0, as PyTorch's double backward (which masks x < 0)."""
    torch_name = "CeluBackward0"

    def forward(ctx, x, alpha):
        xp = ctx.xp
        ctx.alpha = alpha
        ctx.save_for_backward(x)
        negative = xp.expm1(xp.minimum(x, 0) * (1.0 / alpha)) * alpha   # no overflow in the discarded branch
        return xp.where(x > 0, x, negative).astype(x.dtype, copy=False)

    def backward(ctx, gy):
        x, = ctx.saved_tensors
        negative = ctx.select(x < 0, x, 0.0)
        return gy * ctx.select(x > 0, 1.0, ctx.xp.exp(negative * (1.0 / ctx.alpha))), None


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """Randomised leaky ReLU: in training, x * a for x <= 0 with each slope a drawn uniformly from
    [lower, upper) (the device's generator, or `generator`); otherwise leaky_relu with the mean slope
    (lower + upper) / 2."""
    float_input("rrelu", input)
    if lower > upper:
        raise ArgumentRangeError(f"rrelu: lower ({lower}) must not exceed upper ({upper}); swap them")
    lower, upper = float(lower), float(upper)
    if not training:
        return named(LeakyRelu.apply(input, (lower + upper) / 2.0), "RreluWithNoiseBackward0")
    rng = check_generator("rrelu", generator)
    device = input.device
    if input.dtype == np.float16 and device.type != "cuda":
        raise UnsupportedDtypeError(f"rrelu: training mode is not implemented for float16 on {device} (input of "
                                    f"shape {tuple(input.shape)}), as PyTorch's CPU kernel has none; convert first: "
                                    "F.rrelu(x.float(), training=True).half(), or use bfloat16")

    def slopes(xp, a):   # drawn inside the op, so that an ag.jit replay draws afresh
        # as PyTorch: one float64 draw per element <= 0, in order, between the bounds rounded to the
        # dtype's arithmetic precision (float32 for float16 and bfloat16)
        negative = a <= 0
        count = int(negative.sum())
        wide = np.float64 if a.dtype == np.float64 else np.float32
        low, high = float(wide(lower)), float(wide(upper))
        u = device.rand((count,), np.float64) if rng is None else device.asarray(rng.random((count,), np.float64))
        out = xp.ones(a.shape, wide if half else a.dtype)
        out[negative] = (u * (high - low) + low).astype(wide).astype(out.dtype)   # unfused here, as PyTorch's
        return out
    half = input.dtype.itemsize == 2
    if half:
        return RreluHalfTrain.apply(input, slopes)
    return named(where(input > 0, input, mul(input, no_grad_op("rrelu", slopes, input))), "RreluWithNoiseBackward0")


class RreluHalfTrain(Function):
    """rrelu in training on float16 / bfloat16: as PyTorch's kernel, the product with the float32 slope is rounded
    once to the input's dtype, while the slopes kept for backward (its `noise`) are rounded to that dtype. Rounding
    the slope first (a product of two half values) put some outputs a unit off."""
    op_name = "rrelu"
    torch_name = "RreluWithNoiseBackward0"
    half_native = True   # the float32 form would round the kept noise apart from the product

    def forward(ctx, x, slopes):
        r = slopes(ctx.xp, x)   # drawn inside the op, so that an ag.jit replay draws afresh
        ctx.save_for_backward(r.astype(x.dtype))
        return (x.astype(np.float32) * r).astype(x.dtype)

    def backward(ctx, gy):
        noise, = ctx.saved_tensors
        return gy * noise, None


class _Shrink(Function):
    """A shrink activation as one node, as PyTorch's (so a create_graph gradient shows PyTorch's node too): the
    gradient passes only where x < -lambd or x > lambd, as PyTorch's vectorised backward (none at a NaN in x, nor
    anywhere for a NaN lambd)."""

    def forward(ctx, x, lambd):
        ctx.save_for_backward((x < -lambd) | (x > lambd))
        return type(ctx).shrunk(ctx, x, lambd)

    def backward(ctx, gy):
        return ctx.select(ctx.saved_tensors[0], gy, 0), None


class Hardshrink(_Shrink):
    @staticmethod
    def shrunk(ctx, x, lambd):
        """x where |x| > lambd, 0 elsewhere (NaN stays NaN)."""
        return ctx.select(ctx.xp.abs(x) <= lambd, 0, x)


class Softshrink(_Shrink):
    # a 16-bit input arrives as it is, computed in float32 here: its half form would hand over a packed float32 copy
    # and lose the strides that decide the zeros' signs
    half_native = True

    def forward(ctx, x, lambd):
        wide = x.astype(np.float32) if ctx.xp is np and x.dtype.itemsize == 2 else x
        ctx.save_for_backward((wide < -lambd) | (wide > lambd))
        out = wide - ctx.xp.clip(wide, -lambd, lambd)   # x moved lambd towards 0, 0 within the band, NaN as NaN
        if isinstance(out, np.generic):   # a 0-d input: an array to write the sign into
            out = np.array(out)
        if ctx.xp is np and out.size:
            _sign_scalar_zeros(x, wide, out, lambd)
        return out if out.dtype == x.dtype else out.astype(x.dtype)


def _sign_scalar_zeros(x, wide, out, lambd):
    """Give the zeros of softshrink's `out` the sign PyTorch's CPU kernel gives them: it runs a contiguous inner
    loop one 64-byte vector at a time (0. inside the band) and the elements left after the last whole vector, or
    every element of a strided loop, one by one as x * 0 (-0. for a negative x). `wide` is x in float32 or x."""
    block = 64 // x.itemsize
    if x.flags.c_contiguous or x.flags.f_contiguous:   # one loop over the whole memory
        scalar = np.zeros(x.size, bool)
        scalar[x.size // block * block:] = True
        scalar = scalar.reshape(x.shape, order="C" if x.flags.c_contiguous else "F")
    elif x.strides[-1] == x.itemsize:   # contiguous rows: one loop each
        scalar = np.zeros(x.shape, bool)
        scalar[..., x.shape[-1] // block * block:] = True
    else:
        scalar = True
    np.copyto(out, wide * 0, where=scalar & (wide >= -lambd) & (wide <= lambd))


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, 0 elsewhere (NaN stays NaN); the gradient passes only where x < -lambd or x > lambd,
    as PyTorch's vectorised backward (so none at a NaN in x, nor anywhere for a NaN lambd)."""
    float_input("hardshrink", input)
    return Hardshrink.apply(input, lambd)


def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, 0 between (NaN stays NaN); gradient as hardshrink's (F's
    softshrink checks lambd and calls this)."""
    float_input("softshrink", input)
    return Softshrink.apply(input, lambd)


def threshold(input, threshold, value):
    """x where x > threshold, `value` elsewhere; gradient 0 where replaced. An integer input keeps its
    dtype, with threshold and value truncated to integers as PyTorch does."""
    check_tensor("threshold", input)
    if input.dtype.kind == "b":
        raise TypeError(f"threshold: expects a numeric tensor, got bool (shape {tuple(input.shape)}); "
                        "convert it with .float() or .int()")
    if input.dtype.kind in "iu":   # in the dtype as PyTorch converts them (-2.0 into uint8 overflows)
        threshold, value = (fitted_number(v, input.dtype, "threshold") for v in (threshold, value))
    return shown_over(masked_fill(input, input <= threshold, value), "ThresholdBackward0", input)


def prelu(input, weight):
    """max(0, x) + weight * min(0, x), with `weight` of 1 element or one per channel (dim 1 of input)."""
    op = "prelu"
    check_tensor(op, input)
    check_tensor(op, weight, "weight")
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.ndim != 1 or weight.shape[0] not in (1, channels):
        raise ShapeError(f"{op}: weight must be 1-D with 1 element or one per channel ({channels}, dim 1 of input "
                         f"shape {input.shape}), got weight shape {weight.shape}; build PReLU(num_parameters="
                         f"{channels}) or PReLU(1)")
    if weight.dtype != input.dtype:
        raise TypeError(f"{op}: input is {input.dtype} but weight is {weight.dtype}; convert one to the other")
    if input.ndim == 1:   # PyTorch's kernel takes the weight as it is here, a view of it elsewhere
        slope = weight
    elif weight.shape[0] == 1:
        slope = weight.reshape(() if input.ndim == 0 else (1,) * input.ndim)
    else:
        slope = weight.reshape((channels,) + (1,) * (input.ndim - 2))
    return PreluKernel.apply(input, slope)


class PreluKernel(Function):
    """prelu as one node over the input and the weight shaped to broadcast over it, as PyTorch's _prelu_kernel (so a
    create_graph gradient shows PyTorch's PreluKernelBackwardBackward0)."""

    def forward(ctx, x, slope):
        ctx.save_for_backward(x, slope)
        return ctx.select(x > 0, x, slope * x)

    def backward(ctx, gy):
        x, slope = ctx.saved_tensors
        need = ctx.needs_input_grad
        positive = x > 0
        gx = ctx.select(positive, gy, slope * gy) if need[0] else None
        gw = unbroadcast(ctx.select(positive, 0, x * gy), slope.shape) if need[1] else None
        return gx, gw


def dropout(input, p, train):
    """torch.dropout: while `train`, zero each element with probability p and scale the others by 1 / (1 - p)
    (the expected value is unchanged); otherwise, and for p = 0, the input itself."""
    check_tensor("dropout", input)
    if not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p!r}")
    if not train or p == 0.0:
        return input
    if input.dtype.kind != "f" and not is_bf16(input.dtype):
        raise DtypeError(f"dropout: input must be a float tensor, got {input.dtype} (shape {input.shape}); "
                        "convert it with .float()")
    return Dropout.apply(input, float(p))

