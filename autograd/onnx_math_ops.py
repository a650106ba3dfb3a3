"""The elementwise ops, casts and reductions of a traced forward written as ONNX nodes (the converters' contract is
autograd.onnx_ops's: graph, arguments, keyword arguments in, output names out)."""
import numpy as np

from .onnx_ops import OnnxOpError, Value, _axes, _binary, _name, _refuse, _unary, truncate


def _float_constant(g, value, like, hint):
    return g.constant(np.asarray(value, like.array.dtype if isinstance(like, Value) else np.float32), hint)


def reciprocal_sqrt(g, args, kw):
    return [g.op("Reciprocal", [g.op("Sqrt", [_name(g, args[0])], "Rsqrt")], "Rsqrt")]


def log1p(g, args, kw):
    x = args[0]
    return [g.op("Log", [g.op("Add", [_name(g, x), _float_constant(g, 1, x, "one")], "Log1p")], "Log1p")]


def expm1(g, args, kw):
    x = args[0]
    return [g.op("Sub", [g.op("Exp", [_name(g, x)], "Expm1"), _float_constant(g, 1, x, "one")], "Expm1")]


def rounding(g, args, kw):
    """floor, ceil, trunc and round (half to even, as ONNX's Round), with `decimals` as x * 10^d rounded / 10^d."""
    x, kind, decimals = args[0], args[1], args[2] if len(args) > 2 else None
    name = _name(g, x)
    if x.array.dtype.kind != "f":   # rounding an integer tensor leaves it as it is
        return [g.op("Identity", [name], "Rounding")]
    scale = None
    if decimals:
        scale = _float_constant(g, 10.0 ** int(decimals), x, "scale")
        name = g.op("Mul", [name, scale], "Rounding")
    ops = {"floor": "Floor", "ceil": "Ceil", "round": "Round"}
    if kind in ops:
        name = g.op(ops[kind], [name], "Rounding")
    elif kind in ("trunc", "fix"):
        name = truncate(g, name)
    else:
        _refuse("rounding", f"of kind {kind!r} (export writes floor, ceil, round and trunc)")
    if scale is not None:
        name = g.op("Div", [name, scale], "Rounding")
    return [name]


def modulo(g, args, kw):
    """fmod (the dividend's sign) as ONNX Mod(fmod=1); remainder (the divisor's sign, `floor`) as a - floor(a/b)*b
    for floats, as Mod(fmod=0) for integers."""
    a, b, floor = args[:3]
    like = a if isinstance(a, Value) else b
    x, y = _name(g, a, like), _name(g, b, like)
    if not floor:
        return [g.op("Mod", [x, y], "Fmod", fmod=1)]
    if like.array.dtype.kind != "f":
        return [g.op("Mod", [x, y], "Remainder", fmod=0)]
    quotient = g.op("Floor", [g.op("Div", [x, y], "Remainder")], "Remainder")
    return [g.op("Sub", [x, g.op("Mul", [quotient, y], "Remainder")], "Remainder")]


def as_type(g, args, kw):
    x, dtype = args[0], np.dtype(args[1])
    if dtype.kind == "c":
        _refuse("a cast", f"to {dtype} (ONNX has no complex tensors)")
    to = g.onnx.helper.np_dtype_to_tensor_dtype(dtype)
    return [g.op("Cast", [_name(g, x)], "Cast", to=to)]


def shrink(bias_is_lambd):
    """hardshrink (x where |x| > lambd, else 0) and softshrink (moved toward 0 by lambd) as ONNX Shrink."""
    def convert(g, args, kw):
        lambd = float(kw.get("lambd", args[1] if len(args) > 1 else 0.5))
        return [g.op("Shrink", [_name(g, args[0])], "Shrink", lambd=lambd, bias=lambd if bias_is_lambd else 0.0)]
    return convert


def prelu(g, args, kw):
    x, slope = args[0], args[1]
    return [g.op("PRelu", [_name(g, x), _name(g, slope, x, "weight")], "PRelu")]


def celu(g, args, kw):
    alpha = float(kw.get("alpha", args[1] if len(args) > 1 else 1.0))
    return [g.op("Celu", [_name(g, args[0])], "Celu", alpha=alpha)]


def glu(g, args, kw):
    x, axis = args[0], int(kw.get("axis", args[1] if len(args) > 1 else -1))
    half = x.array.shape[axis] // 2
    first, second = g.fresh("Glu/Split"), g.fresh("Glu/Split")
    g.nodes.append(g.onnx.helper.make_node("Split", [_name(g, x), g.constant(np.array([half, half], np.int64),
                                                                               "split")],
                                           [first, second], name=first, axis=axis))
    return [g.op("Mul", [first, g.op("Sigmoid", [second], "Glu")], "Glu")]


def clamp_bound(op_type):
    def convert(g, args, kw):
        x, bound = args[0], args[1]
        return [g.op(op_type, [_name(g, x), _name(g, bound, x, "bound")], "Clamp")]
    return convert


def clip_tensor(g, args, kw):
    x, lo, hi = args[:3]
    name = _name(g, x)
    if lo is not None:
        name = g.op("Max", [name, _name(g, lo, x, "min")], "Clamp")
    if hi is not None:
        name = g.op("Min", [name, _name(g, hi, x, "max")], "Clamp")
    return [name]


def _reduction_axes(g, x, axis, whole):
    axes = None if whole else axis
    return g.constant(np.array(_axes(x, axes), np.int64), "axes"), _axes(x, axes)


def reduce(op_type):
    """A reduction whose forward is (x, axis=None, keepdims=False, ...)."""
    def convert(g, args, kw):
        x = args[0]
        axis = kw.get("axis", args[1] if len(args) > 1 else None)
        keepdims = kw.get("keepdims", args[2] if len(args) > 2 else False)
        name = _name(g, x)
        if kw.get("dtype") is not None and np.dtype(kw["dtype"]) != x.array.dtype:   # sum(int32) -> int64
            name = g.op("Cast", [name], op_type, to=g.onnx.helper.np_dtype_to_tensor_dtype(np.dtype(kw["dtype"])))
        axes, _ = _reduction_axes(g, x, axis, kw.get("whole", False))
        return [g.op(op_type, [name, axes], op_type, keepdims=int(bool(keepdims)))]
    return convert


def variance(root):
    """var / std with `ddof` (PyTorch's correction): the mean square deviation over n - ddof."""
    def convert(g, args, kw):
        x = args[0]
        axis, ddof = kw.get("axis", args[1] if len(args) > 1 else None), kw.get("ddof", 0)
        keepdims = bool(kw.get("keepdims", False))
        axes, listed = _reduction_axes(g, x, axis, kw.get("whole", False))
        count = int(np.prod([x.array.shape[a] for a in listed]))
        name = _name(g, x)
        deviation = g.op("Sub", [name, g.op("ReduceMean", [name, axes], "Var", keepdims=1)], "Var")
        squares = g.op("ReduceSum", [g.op("Mul", [deviation, deviation], "Var"), axes], "Var",
                       keepdims=int(keepdims))
        divisor = max(count - int(ddof), 0)
        y = g.op("Div", [squares, _float_constant(g, float(divisor), x, "count")], "Var")
        return [g.op("Sqrt", [y], "Std") if root else y]
    return convert


def cumsum(g, args, kw):
    x, dim = args[0], int(kw.get("dim", args[1] if len(args) > 1 else 0))
    return [g.op("CumSum", [_name(g, x), g.constant(np.asarray(dim, np.int64), "axis")], "CumSum")]


#: Function class name -> converter
CONVERTERS = {
    "Sin": _unary("Sin"), "Cos": _unary("Cos"), "Tan": _unary("Tan"), "Asin": _unary("Asin"),
    "Acos": _unary("Acos"), "Atan": _unary("Atan"), "Sinh": _unary("Sinh"), "Cosh": _unary("Cosh"),
    "Asinh": _unary("Asinh"), "Acosh": _unary("Acosh"), "Atanh": _unary("Atanh"), "Sign": _unary("Sign"),
    "Reciprocal": _unary("Reciprocal"), "Rsqrt": reciprocal_sqrt, "Log1p": log1p, "Expm1": expm1,
    "Rounding": rounding, "Modulo": modulo, "AsType": as_type, "Minimum": _binary("Min"), "Maximum": _binary("Max"),
    "Hardshrink": shrink(False), "Softshrink": shrink(True), "PreluKernel": prelu, "Celu": celu, "Glu": glu,
    "ClampMin": clamp_bound("Max"), "ClampMax": clamp_bound("Min"), "ClipTensor": clip_tensor,
    "Prod": reduce("ReduceProd"), "LogSumExp": reduce("ReduceLogSumExp"), "Mean": reduce("ReduceMean"),
    "Sum": reduce("ReduceSum"), "Var": variance(False), "Std": variance(True), "Cumsum": cumsum,
}

__all__ = ["CONVERTERS", "OnnxOpError"]
