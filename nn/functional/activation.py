"""Activation functions as users call them; the ops themselves live in autograd/ops/activation.py."""
import warnings

import autograd as ag
from autograd.errors import ArgumentKindError, ArgumentRangeError, DtypeError
from autograd.node_names import shown_double_backward
from autograd.shown_nodes import shown_over
from autograd.int_fit import fitted_number
from autograd.methods_inplace import inplace as _inplace_form
from autograd.ops.activation import (Elu, Gelu, GeluTanh, Hardsigmoid, Hardtanh, LeakyRelu, Silu,  # noqa: F401
                                     Softplus, sigmoid)
from autograd.ops.activation import log_softmax as _log_softmax
from autograd.ops.activation import softmax as _softmax
from autograd.ops.activation import Softmax as _Softmax
from autograd.ops.activation import relu as _relu
from autograd.ops import activation_forms as _forms
from autograd.ops.self_gated import Hardswish, Mish
from autograd.ops.activation_forms import SELU_ALPHA as _SELU_ALPHA  # noqa: F401  (nn/functional/dropout.py)
from autograd.ops.activation_forms import SELU_SCALE as _SELU_SCALE  # noqa: F401
from autograd.ops.dims import check_tensor, dim_or, normalize
from autograd.ops.dtype_args import check_dtype_arg
from autograd.errors import UnsupportedDtypeError
from autograd.nested import is_nested
from autograd.nested_dispatch import nested_dispatch


@nested_dispatch
def relu(input, inplace=False):
    """max(input, 0); with `inplace`, written into `input`, which is returned (PyTorch's in-place form)."""
    return _maybe_inplace("relu", _relu, input, inplace)


@nested_dispatch
def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x for x > 0, negative_slope * x otherwise (into x with `inplace`)."""
    _float_input("leaky_relu", input)   # NumPy fails deep inside on integers (PyTorch: not implemented)
    return _maybe_inplace("leaky_relu", lambda t: LeakyRelu.apply(t, negative_slope), input, inplace)


@nested_dispatch
def elu(input, alpha=1.0, inplace=False):
    """x for x > 0, alpha * (exp(x) - 1) otherwise (into x with `inplace`)."""
    _float_input("elu", input)
    return _maybe_inplace("elu", lambda t: _elu(t, alpha), input, inplace)


def _elu(x, alpha):
    if isinstance(alpha, (str, bytes)):
        raise ArgumentKindError(f"elu(): argument 'alpha' (position 2) must be Number, not {type(alpha).__name__} "
                                f"({alpha!r}); give a number, e.g. alpha=1.0")
    return Elu.apply(x, float(alpha))


@nested_dispatch
def gelu(input, approximate="none"):
    """Gaussian error linear unit: x * Phi(x) exactly ('none'), or its tanh approximation ('tanh')."""
    _float_input("gelu", input)
    if approximate not in ("none", "tanh"):
        raise ArgumentRangeError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return (Gelu if approximate == "none" else GeluTanh).apply(input)


@nested_dispatch
def silu(input, inplace=False):
    """x * sigmoid(x) (also called swish; into x with `inplace`)."""
    check_tensor("silu", input)
    if input.dtype.kind != "c":   # complex silu is defined (PyTorch's too); integers are not
        _float_input("silu", input)
    return _maybe_inplace("silu", Silu.apply, input, inplace)


@nested_dispatch
def tanh(input):
    """Hyperbolic tangent."""
    check_tensor("tanh", input)
    return ag.tanh(input)


@nested_dispatch
def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold (as PyTorch)."""
    _float_input("softplus", input)
    return Softplus.apply(input, beta=float(beta), threshold=float(threshold))


@nested_dispatch
def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """x clipped to [min_val, max_val]; gradient 1 strictly inside, 0 at the ends and beyond (as PyTorch)."""
    check_tensor("hardtanh", input)
    _refuse_bool("hardtanh", input)
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
    if input.dtype.kind in "iu":   # integer input keeps its dtype, as in PyTorch
        if input.dtype.kind == "u" and min(min_val, max_val) < 0:
            raise RuntimeError(f"hardtanh: cannot clip an unsigned tensor ({input.dtype}, shape {tuple(input.shape)}) "
                               f"to negative limits (min_val={min_val}, max_val={max_val}), as in PyTorch; pass "
                               "limits >= 0 or convert the input with .float()")
        low, high = (fitted_number(v, input.dtype, "hardtanh") for v in (min_val, max_val))
        return _maybe_inplace("hardtanh", lambda t: ag.clip(t, low, high), input, inplace)
    return _maybe_inplace("hardtanh", lambda t: Hardtanh.apply(t, min_val, max_val), input, inplace)


def _float_input(op, x):
    check_tensor(op, x)
    if not x.is_floating_point():   # bfloat16 included (its NumPy kind is not "f")
        raise UnsupportedDtypeError(f"{op}: expects a floating-point tensor, got {x.dtype} (shape "
                                    f"{tuple(x.shape)}); convert it with .float()")


def _maybe_inplace(op, fn, x, inplace):
    """fn(x), written into x and returning x when `inplace` (PyTorch's in-place form)."""
    return _inplace_form(fn, op + "_")(x) if inplace else fn(x)


def _mish(x):
    return Mish.apply(x)


def _relu6(x):
    return Hardtanh.apply(x, 0.0, 6.0)


def _hardsigmoid(x):
    return Hardsigmoid.apply(x)


def _hardswish(x):
    return Hardswish.apply(x)


@nested_dispatch
def selu(input, inplace=False):
    """scale * elu(x, alpha) with PyTorch's fixed alpha ~ 1.6733 and scale ~ 1.0507 (self-normalising)."""
    _float_input("selu", input)
    return _maybe_inplace("selu", _forms.selu, input, inplace)


@nested_dispatch
def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    _float_input("mish", input)
    return _maybe_inplace("mish", _mish, input, inplace)


def _refuse_bool(op, input):
    """PyTorch clips no bool tensor (hardtanh and relu6 refuse one with a RuntimeError)."""
    if input.dtype == bool:
        raise DtypeError(f"{op}: bool inputs are not supported (hardtanh clips numbers; got bool of shape "
                         f"{tuple(input.shape)}), as in PyTorch; convert with .float() or .to(torch.uint8)")


@nested_dispatch
def relu6(input, inplace=False):
    """min(max(x, 0), 6)."""
    check_tensor("relu6", input)
    _refuse_bool("relu6", input)
    if input.dtype.kind in "iu":
        return hardtanh(input, 0, 6, inplace)
    return _maybe_inplace("relu6", _relu6, input, inplace)


@nested_dispatch
def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between."""
    _float_input("hardsigmoid", input)
    return _maybe_inplace("hardsigmoid", _hardsigmoid, input, inplace)


@nested_dispatch
def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6."""
    _float_input("hardswish", input)
    return _maybe_inplace("hardswish", _hardswish, input, inplace)


@nested_dispatch
def logsigmoid(input):
    """log(sigmoid(x)), finite for large |x|."""
    _float_input("logsigmoid", input)
    # 0 - softplus(-x), not its negation: a +0 (not -0) at large x, as PyTorch's min(x, 0) - log1p(exp(-|x|))
    negated = shown_double_backward(-input, "LogSigmoidBackwardBackward0")   # the input's one path: its gradient
    return shown_over(0.0 - Softplus.apply(negated), "LogSigmoidBackward0", input)


@nested_dispatch
def softsign(input):
    """x / (1 + |x|)."""
    check_tensor("softsign", input)
    return input / (1.0 + ag.abs(input))


def implicit_softmax_dim(op, ndim, stacklevel):
    """The dim PyTorch's deprecated implicit choice gives softmax, log_softmax and softmin called without one (0 for
    0-, 1- and 3-d inputs, else 1), after its UserWarning (reported `stacklevel` frames up, at the user's call)."""
    warnings.warn(f"Implicit dimension choice for {op} has been deprecated. Change the call to include dim=X as an "
                  "argument.", UserWarning, stacklevel=stacklevel + 1)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None, *, axis=None):
    """exp(x) normalised to sum to 1 along `dim` (cast to `dtype` first when given). Without a dim, PyTorch's
    deprecated implicit choice (dim 0 for 0-, 1- and 3-d inputs, else 1), with its warning."""
    if dim is None and axis is None and not is_nested(input) and isinstance(input, ag.Tensor):
        dim = implicit_softmax_dim("softmax", input.ndim, _stacklevel - 1)
    return _softmax(input, dim, check_dtype_arg("softmax", dtype), axis=axis)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None, *, axis=None):
    """log(softmax(x)) along `dim`, computed without overflow or log(0) (cast to `dtype` first when given).
    Without a dim, PyTorch's deprecated implicit choice (dim 0 for 0-, 1- and 3-d inputs, else 1), with its
    warning."""
    if dim is None and axis is None and not is_nested(input) and isinstance(input, ag.Tensor):
        dim = implicit_softmax_dim("log_softmax", input.ndim, _stacklevel - 1)
    return _log_softmax(input, dim, check_dtype_arg("log_softmax", dtype), axis=axis)


@nested_dispatch
def softmin(input, dim=None, _stacklevel=3, dtype=None, *, axis=None):
    """softmax(-x) along `dim` (cast to `dtype` first when given). Without a dim, PyTorch's deprecated
    implicit choice (dim 0 for 0-, 1- and 3-d inputs, else 1), with its warning."""
    op = "softmin"
    check_tensor(op, input)
    check_dtype_arg(op, dtype)
    dim = dim_or(op, dim, axis, None)
    if dim is None:
        dim = implicit_softmax_dim("softmin", input.ndim, _stacklevel)   # one more frame: its @nested_dispatch
    if dtype is not None:
        input = input.astype(dtype)
    _float_input(op, input)
    return _Softmax.apply(-input, normalize(op, dim, input.ndim, zero_d=None), False)


@nested_dispatch
def celu(input, alpha=1.0, inplace=False):
    """x for x > 0, alpha * (exp(x / alpha) - 1) otherwise (into `input` with `inplace`)."""
    _float_input("celu", input)
    if alpha == 0:
        raise ArgumentRangeError("celu: alpha must not be 0 (celu divides by it); pass a non-zero alpha, e.g. 1.0")
    return _maybe_inplace("celu", lambda t: _forms.celu(t, alpha), input, inplace)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomised leaky ReLU: in training, x * a for x <= 0 with each slope a drawn uniformly from
    [lower, upper) (the device's generator); otherwise leaky_relu with the mean slope (lower + upper) / 2."""
    _float_input("rrelu", input)
    if lower > upper:
        raise ArgumentRangeError(f"rrelu: lower ({lower}) must not exceed upper ({upper}); swap them")
    return _maybe_inplace("rrelu", lambda t: _forms.rrelu(t, lower, upper, training), input, inplace)
