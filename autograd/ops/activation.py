"""Activation ops; the fused ones run one backend kernel forward and one backward.

Under create_graph (higher-order gradients) `ctx.xp` is autograd's graph namespace instead of the
backend's array module; the fused backwards then fall back to composite formulas that it records.
"""
import math

from .. import complex_forms
from ..bf16_dtype import is_bf16
from ..errors import GraphError, UnsupportedDtypeError
from ..function import Function, kept_as_given
from ..grad_mode import no_grad
from ..type_objects import channels_last_like
from ..nested_dispatch import nested_dispatch
from .dims import check_tensor, dim_or, normalize
from .elementwise import _floating, maximum
from .no_derivative import underived
from .torch_half_log_softmax import half_log_softmax_lastdim
from .dtype_args import check_dtype_arg


_GELU_K = math.sqrt(2.0 / math.pi)


_GELU_C = 0.044715


def _relu_grad(xp, x, y, gy):
    return PiecewiseLinearGrad.apply(gy, y, ~(y._data <= 0), 0.0)   # NaN passes, as PyTorch's x <= 0 test


def _silu_grad(xp, x, y, gy):
    s = 1.0 / (1.0 + xp.exp(-x))
    return gy * (s * (1.0 + x * (1.0 - s)))


def _gelu_tanh_grad(xp, x, y, gy):
    t = xp.tanh(_GELU_K * (x + _GELU_C * x * x * x))
    return gy * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * _GELU_K * (1.0 + 3.0 * _GELU_C * x * x))


def _no_graph_grad(xp, x, y, gy):
    raise GraphError("create_graph: gelu(approximate='none') has no recorded second derivative; "
                     "use gelu(x, approximate='tanh') for higher-order gradients")


_GRAPH_GRADS = {"relu": _relu_grad, "silu": _silu_grad, "gelu_tanh": _gelu_tanh_grad, "gelu": _no_graph_grad}


class FusedActivation(Function):
    """An activation computed by the backend's act_forward/act_backward kernels (`act` names it)."""

    act = None

    def forward(ctx, x):
        # a device's fused kernel may write row-major; PyTorch's elementwise result keeps a channels-last layout
        y = channels_last_like(ctx.xp, ctx.device.act_forward(ctx.act, x), x)
        # relu's gradient mask is y > 0, the same as x > 0: keep one array alive, not two
        ctx.save_for_backward(*((y, y) if ctx.act == "relu" else (x, y)))
        return y

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        if ctx.xp is ctx.device.xp:
            return ctx.device.act_backward(ctx.act, x, y, gy)
        return _GRAPH_GRADS[ctx.act](ctx.xp, x, y, gy)


class Relu(FusedActivation):
    op_name = act = "relu"


class Silu(FusedActivation):
    op_name = act = "silu"
    torch_saves_result = False   # PyTorch's node keeps the input, not the result: changing that in place is allowed


class Gelu(FusedActivation):
    op_name = act = "gelu"
    torch_saves_result = False   # PyTorch's node keeps the input, not the result: changing that in place is allowed


class GeluTanh(FusedActivation):
    op_name, act = "gelu", "gelu_tanh"
    torch_saves_result = False   # PyTorch's node keeps the input, not the result: changing that in place is allowed
    torch_name = "GeluBackward0"   # PyTorch shows one node for both approximations


class Softmax(Function):
    op_name = "softmax"

    def forward(ctx, x, axis, log):
        ctx.axis, ctx.log = axis, log
        half = getattr(ctx, "half_in", (None,))[0] if log and ctx.device.host_memory else None
        if half is not None and x.ndim and axis == x.ndim - 1 and x.size:   # PyTorch's 16-bit roundings (see file)
            y = half_log_softmax_lastdim(x, half, ctx.xp)
        else:
            y = (ctx.device.log_softmax if log else ctx.device.softmax)(x, axis)
        if not y.flags.c_contiguous:   # a transposed input: PyTorch's result is contiguous (and .view()-able)
            y = ctx.xp.ascontiguousarray(y)
        ctx.save_for_backward(y)
        return y

    def name(self):
        """SoftmaxBackward0 or LogSoftmaxBackward0, as PyTorch names them."""
        return "LogSoftmaxBackward0" if self.log else "SoftmaxBackward0"

    def backward(ctx, gy):
        y = ctx.saved_tensors[0]
        if ctx.xp is ctx.device.xp:
            grad = ctx.device.log_softmax_grad if ctx.log else ctx.device.softmax_grad
            return grad(y, gy, ctx.axis), None, None
        if ctx.log:
            return gy - ctx.xp.exp(y) * gy.sum(axis=ctx.axis, keepdims=True), None, None
        return y * (gy - (gy * y).sum(axis=ctx.axis, keepdims=True)), None, None


class Softplus(Function):
    """log(1 + exp(beta * x)) / beta without overflow, x itself where beta * x > threshold (PyTorch's one node); its
    gradient sigmoid(beta * x) = exp(beta * (x - softplus(x))) is smooth at 0 and keeps its tiny values for very
    negative x."""

    op_name = "softplus"

    def forward(ctx, x, beta=1.0, threshold=math.inf):
        xp = ctx.xp
        bx = x * beta if beta != 1 else x
        # logaddexp(0, x) by vectorised exp and log1p: NumPy's logaddexp calls libm per element
        # (44 ms over 1M float32 elements against 3.9)
        y = xp.log1p(xp.exp(-xp.abs(bx)))
        y += xp.maximum(bx, 0)
        if beta != 1:
            y /= beta
        if threshold != math.inf:
            y = xp.where(bx > threshold, x, y)
        ctx.beta, ctx.threshold = beta, threshold
        ctx.save_for_backward(x, y)
        return y

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        beta, xp = ctx.beta, ctx.xp
        bx, by = (x * beta, y * beta) if beta != 1 else (x, y)
        # bx - by is inf - inf (nan) at x = +inf, where the gradient is exp(0) = 1
        slope = xp.exp(xp.where(bx == math.inf, 0.0, bx - by))
        if ctx.threshold != math.inf:
            slope = xp.where(bx > ctx.threshold, 1.0, slope)
        return gy * slope


class Elu(Function):
    """x for x > 0, alpha * (exp(x) - 1) otherwise; the gradient on the negative side (x == 0 included,
    as PyTorch) is alpha * exp(x), from the input as PyTorch's (the output's y + alpha rounds to 0 where
    exp(x) is below the output's precision: x = -30 in float32)."""

    op_name = "elu"

    def forward(ctx, x, alpha):
        ctx.alpha = alpha
        ctx.save_for_backward(x)
        return ctx.device.elu(x, alpha)

    def backward(ctx, gy):
        x, = ctx.saved_tensors
        if ctx.xp is not ctx.device.xp:
            # exp of x where x < 0 (0 elsewhere): its derivative vanishes at x == 0, PyTorch's double
            # backward (its mask is x < 0 there, x <= 0 in the first derivative)
            negative = ctx.select(x < 0, x, 0.0)
            return gy * ctx.select(x > 0, 1.0, ctx.alpha * ctx.xp.exp(negative)), None
        return ctx.device.elu_backward(x, gy, ctx.alpha), None


class PiecewiseLinearGrad(Function):
    """The backward of a piecewise-linear activation as a graph op: gy where `mask`, gy * slope elsewhere.

    Recorded only under create_graph. `anchor` (the activation's input or output) joins the graph with a
    zero derivative, as PyTorch's threshold/leaky_relu/hardtanh backwards do, so a second `grad` with
    respect to the activation's input returns zeros instead of calling it unused.
    """

    op_name = "threshold_backward"

    def forward(ctx, gy, anchor, mask, slope):
        ctx.mask, ctx.slope = mask, slope
        ctx.anchor_meta = (anchor.shape, anchor.dtype)
        return ctx.select(mask, gy, gy * slope if slope else 0)

    def backward(ctx, ggy):
        shape, dtype = ctx.anchor_meta
        return (ctx.select(ctx.mask, ggy, ggy * ctx.slope if ctx.slope else 0),
                ctx.device.xp.zeros(shape, dtype=dtype), None, None)


class LeakyRelu(Function):
    """x where x > 0, else slope * x; the gradient's sign test reads the output for a positive slope
    (y > 0 exactly where x > 0), the input otherwise, so no mask is kept."""

    op_name = "leaky_relu"
    torch_saves_result = False   # PyTorch's node keeps the input, not the result: changing that in place is allowed

    def forward(ctx, x, slope):
        ctx.slope = slope
        y = ctx.device.leaky_relu(x, slope)
        # the output also anchors a second derivative (it is usually saved by the next op anyway)
        if slope > 0:
            ctx.save_for_backward(y)
        else:
            ctx.save_for_backward(y, x)
        return y

    def backward(ctx, gy):
        saved = ctx.saved_tensors
        ref = saved[-1]
        if ctx.xp is not ctx.device.xp:
            return PiecewiseLinearGrad.apply(gy, saved[0], ref._data > 0, ctx.slope), None
        return ctx.device.leaky_relu_backward(ref, gy, ctx.slope), None


class Hardtanh(Function):
    """x clipped to [lo, hi]; gradient 1 strictly inside the range and 0 at and beyond its ends (PyTorch's)."""

    op_name = "hardtanh"
    torch_saves_result = False   # PyTorch's node keeps the input, not the result: changing that in place is allowed

    def forward(ctx, x, lo, hi):
        mask = (x > lo) & (x < hi)
        y = ctx.xp.clip(x, lo, hi)
        ctx.save_for_backward(mask, y)
        return y

    def backward(ctx, gy):
        mask, y = ctx.saved_tensors
        if ctx.xp is not ctx.device.xp:
            return PiecewiseLinearGrad.apply(gy, y, mask._data, 0.0), None, None
        return ctx.select(mask, gy, 0), None, None   # +0 (not gy * 0: -0 or NaN) outside, as PyTorch's


#: PyTorch's hardsigmoid backward multiplies by 1/6 rounded to float32 (its kernel writes `1.0f / 6.0f`), in every
#: dtype: a float64 gradient is 3e-8 larger, relatively, than one divided by 6, and float32 ones differ in the last bit
_ONE_SIXTH_F32 = 0.1666666716337204   # float32(1) / float32(6), exactly


class Hardsigmoid(Function):
    """min(max(x + 3, 0), 6) / 6; gradient PyTorch's: g * float32(1/6) strictly between -3 and 3, +0 elsewhere.
    PyTorch has no derivative of that gradient: under create_graph it sits behind a node whose backward raises."""

    op_name = "hardsigmoid"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.clip(x + 3.0, 0.0, 6.0) / 6.0

    def backward(ctx, gy):
        x, = ctx.saved_tensors
        if ctx.xp is not ctx.device.xp:   # create_graph
            with no_grad():
                gx = ctx.xp.where((x > -3.0) & (x < 3.0), gy * _ONE_SIXTH_F32, 0.0)
            return underived(gx, (gy, x), "hardsigmoid_backward")
        return ctx.select((x > -3.0) & (x < 3.0), gy * _ONE_SIXTH_F32, 0)


class Sigmoid(Function):
    def forward(ctx, x):
        out = ctx.device.act_forward("sigmoid", x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, gy):
        out = ctx.saved_tensors[0]
        return gy * (1 - out) * out   # PyTorch's order of the products


@nested_dispatch
def sigmoid(input):
    """Logistic sigmoid 1 / (1 + e**-x), stable for large |x|."""
    check_tensor("sigmoid", input)
    return Sigmoid.apply(_floating(input))


@nested_dispatch
def relu(input):
    """max(x, 0) (a fused kernel for float tensors; integer tensors keep their dtype)."""
    check_tensor("relu", input)
    if input.dtype.kind == "f" or is_bf16(input.dtype):
        return Relu.apply(input)
    if input.dtype.kind == "c":
        complex_forms.refuse("relu", input)
    if input.dtype.kind == "b":
        raise UnsupportedDtypeError(f"relu: Boolean inputs not supported for relu (input of shape {tuple(input.shape)}"
                                    f"), as in PyTorch; a bool tensor is already >= 0: convert it first if you need "
                                    f"numbers, x.float()")
    return maximum(input, 0)


def _softmax(op, input, dim, dtype, axis, log):
    dim = dim_or(op, dim, axis, -1)
    check_tensor(op, input)
    if dtype is not None:
        input = input.astype(dtype)
    if input.dtype.kind != "f" and not is_bf16(input.dtype):
        raise UnsupportedDtypeError(f"{op}: expects a floating-point tensor, got {input.dtype} (shape {input.shape}); "
                                    "convert it with .float() or pass dtype=ag.float32")
    return kept_as_given(Softmax.apply(input, normalize(op, dim, input.ndim, zero_d=None), log), given_dim=dim)


@nested_dispatch
def softmax(input, dim=None, dtype=None, *, axis=None):
    """exp(x) normalised to sum to 1 along `dim` (default the last; stable for large inputs)."""
    return _softmax("softmax", input, dim, check_dtype_arg("softmax", dtype), axis, False)


@nested_dispatch
def log_softmax(input, dim=None, dtype=None, *, axis=None):
    """log(softmax(x)) along `dim`, computed without overflow or log(0)."""
    return _softmax("log_softmax", input, dim, check_dtype_arg("log_softmax", dtype), axis, True)
