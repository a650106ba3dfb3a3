"""PyTorch's `out=` argument for the module-level functions (`ag.matmul(a, b, out=c)`, `ag.exp(x, out=y)`,
`ag.max(x, 1, out=(values, indices))`)."""
import functools
import warnings

import numpy as np

from ..dtypes import castable
from ..errors import DtypeError, GraphError
from ..grad_mode import state
from ..tensor import Tensor

# the functions whose out= must have the result's own dtype, as PyTorch's (abs, neg, rounding, dot, norms,
# argmax): the others take any dtype the result casts to by same-kind rules (exp of float32 into float16)
EXACT = frozenset(("abs", "absolute", "neg", "negative", "sign", "sgn", "signbit", "ceil", "floor", "round", "trunc",
                   "fix", "frac", "isposinf", "isneginf", "nan_to_num", "bitwise_not", "dot", "mv", "vdot", "norm",
                   "vector_norm", "argmax", "argmin", "amax", "amin", "aminmax", "logcumsumexp", "renorm", "histc",
                   "histogram", "index_reduce",
                   # random draws: a draw in out's dtype takes other numbers from the stream than one cast to it
                   "bernoulli", "multinomial", "normal"))
# and those whose out= takes any dtype, which they then compute in (as their dtype=), as PyTorch's
UNSAFE = frozenset(("sum", "prod", "cumsum", "cumprod", "arange", "linspace", "logspace"))
# and those that compute a half-precision input in a wider out's precision, as PyTorch's
WIDENED = frozenset(("mean", "logsumexp"))


def _widened(x, out_dtype):
    """x cast to out_dtype's real precision when x is float16 / bfloat16 and that is a wider float one."""
    if not isinstance(x, Tensor) or x.dtype.itemsize != 2 or x.dtype.kind in "iub":
        return x
    target = np.dtype(out_dtype)
    if target.kind == "c":   # complex64 holds float32 parts, complex128 float64 ones
        target = np.dtype(np.float32 if target.itemsize == 8 else np.float64)
    return x.to(target) if target.kind == "f" and target.itemsize > 2 else x


def write_out(op, result, out, exact=False):
    """Store `result` in the tensor `out` (resized if its shape differs) and return `out`; with `exact`, out's
    dtype must be the result's, with `exact="unsafe"` it may be any."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{op}(): argument 'out' must be a Tensor, got {type(out).__name__}")
    if state.enabled and (result.requires_grad or out.requires_grad):
        _refuse_grad(op)
    if exact is True and result.dtype != out.dtype:
        raise DtypeError(f"{op}(): expected out to have dtype {result.dtype}, but it is {out.dtype}; pass a "
                         f"{result.dtype} tensor as out")
    if exact != "unsafe" and not castable(np.dtype(result.dtype), np.dtype(out.dtype)):
        raise DtypeError(f"{op}(): the result is {result.dtype} and cannot be stored in out, a {out.dtype} tensor")
    if result.device is not out.device and not (result.device.host_memory and out.device.host_memory):
        raise ValueError(f"{op}(): out is on {out.device} but the result is on {result.device}")
    if tuple(out.shape) == tuple(result.shape):
        out._writable()[...] = result._data
    else:
        if out.size:   # PyTorch warns too: only an empty out is meant to be resized
            warnings.warn(f"{op}(): an output with one or more elements was resized since it had shape "
                          f"{list(out.shape)}, which does not match the required output shape {list(result.shape)}; "
                          "pass an empty tensor (or one of the result's shape) as out", UserWarning, stacklevel=3)
        out._data = result._data.astype(out.dtype, copy=True)
    out._bump_version()
    return out


def _refuse_grad(op):
    raise GraphError(f"{op}(): functions with out=... arguments don't support automatic differentiation, but one "
                     "of the arguments requires grad; call it without out= (or inside ag.no_grad())")


def write_outs(op, result, outs):
    """Store the named tuple `result` (values, indices, ...) in the tensors `outs`, each of its part's dtype,
    and return them as the same named tuple."""
    if not isinstance(outs, (tuple, list)) or len(outs) != len(result):
        raise TypeError(f"{op}(): out must be a tuple of {len(result)} tensors ({', '.join(result._fields)}), got "
                        f"{type(outs).__name__}{'' if not isinstance(outs, (tuple, list)) else f' of {len(outs)}'}")
    for part, into in zip(result, outs):   # checked before any is written, as a failed call leaves out as it was
        if isinstance(into, Tensor) and part.dtype != into.dtype:
            raise DtypeError(f"{op}(): expected out tensors of dtypes {[str(p.dtype) for p in result]}, got "
                             f"{[str(t.dtype) for t in outs]}; pass tensors of those dtypes")
    return type(result)(*(write_out(op, part, into, exact=True) for part, into in zip(result, outs)))


def with_out(fn, name=None):
    """`fn` taking PyTorch's keyword `out=`: the result is written into that tensor (or, for a named-tuple
    result, that tuple of tensors), which is returned."""
    name = name or fn.__name__
    exact = True if name in EXACT else "unsafe" if name in UNSAFE else False

    @functools.wraps(fn)
    def call(*args, out=None, **kwargs):
        if exact == "unsafe" and isinstance(out, Tensor) and kwargs.get("dtype") is None:
            if state.enabled and getattr(args[0] if args else kwargs.get("input"), "requires_grad", False):
                _refuse_grad(name)   # checked on the input: an integer result would not show it
            kwargs["dtype"] = out.dtype
        if name in WIDENED and isinstance(out, Tensor) and args:
            args = (_widened(args[0], out.dtype),) + args[1:]
        result = fn(*args, **kwargs)
        if out is None:
            return result
        if isinstance(result, tuple):
            return write_outs(name, result, out)
        return write_out(name, result, out, exact)
    return call


def unary_with_out(fn, name=None):
    """`fn(input)` taking `out=`, as `with_out`, with the least overhead when out is not given (the unary math
    functions run in users' hot loops)."""
    name = name or fn.__name__
    exact = name in EXACT

    @functools.wraps(fn)
    def call(input, *, out=None):
        result = fn(input)
        if out is None:
            return result
        # abs of a complex tensor is a float one that PyTorch casts into out as any other result
        return write_out(name, result, out, exact and not (name in _COMPLEX_CASTS and input.is_complex()))
    return call


_COMPLEX_CASTS = frozenset(("abs", "absolute"))


#: the module-level functions that take out= (the Tensor methods and operators do without it)
UNARY = ("exp log log1p sqrt abs absolute neg negative sigmoid tanh sin cos tan sinh cosh asin acos atan asinh "
         "acosh atanh arcsin arccos arctan arcsinh arccosh arctanh sign sgn signbit ceil floor trunc fix frac "
         "reciprocal rsqrt square erf erfc erfinv exp2 expm1 digamma lgamma i0 log2 log10 deg2rad rad2deg sinc "
         "isposinf isneginf bitwise_not logical_not").split()
GENERAL = ("add sub mul div pow matmul mm bmm cat concat concatenate stack sum mean prod cumsum cumprod clamp clip "
           "maximum minimum where round logit nan_to_num max min sort topk kthvalue mode median argmax argmin dot "
           "mv outer vdot norm amax amin atan2 arctan2 hypot fmax fmin fmod remainder bernoulli multinomial normal "
           "aminmax diff histc histogram logcumsumexp renorm index_reduce eq ne lt le gt ge logical_and logical_or "
           "logical_xor bitwise_and bitwise_or bitwise_xor bitwise_left_shift bitwise_right_shift logsumexp arange "
           "linspace logspace addcmul addcdiv addmm baddbmm addbmm addmv addr").split()


def install(namespace, names_unary=UNARY, names=GENERAL):
    """Rebind the named functions of `namespace` (a module's globals) to their out= forms; aliases of one
    function (atan2 and arctan2) stay one object."""
    done = {}
    for wrap, chosen in ((unary_with_out, names_unary), (with_out, names)):
        for name in chosen:
            if name in namespace:
                fn = namespace[name]
                if id(fn) not in done:
                    done[id(fn)] = (fn, wrap(fn, name))   # the function is kept alive, so its id stays its own
                namespace[name] = done[id(fn)][1]
