"""Ops rewritten for the replay as array steps that write into buffers: what each op's forward and
backward compute, one ufunc-level step at a time, in exactly the order its eager code does.

A step is (op, dst, operand...): dst a slot, an operand a slot, ("k", number) a constant in the
op's dtype, or ("T", slot) a transposed slot. The op names are NumPy's ufuncs plus a few the
emitters know (`act_*`: the device's activation kernel; `relu_grad`; `where`; `matmul`; `sum0`,
a sum over axis 0; `sum_all`, over ("axes", every axis); `broadcast`, a 0-d value as an array).
Emitters (emit.py) turn steps into NumPy calls with `out=` buffers, or, for runs of elementwise
steps on `numba`, into one generated kernel. Because every step mirrors the
eager arithmetic (same operations, same operand order, same dtype), a replay stays bit-identical.

A rule returns None when it does not apply (broadcasting, mixed or integer dtypes, 0-d results):
the op then replays through its own forward/backward as before.
"""
import numpy as np

from ..ops.activation import Relu, Sigmoid
from ..ops.elementwise import Add, Div, Exp, Log, Mul, Neg, Pow, Sqrt, Sub, Tanh, Where
from ..ops.linalg import Linear
from ..ops.reduction import Sum
from .refs import Const

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


class Builder:
    """Collects the steps of a plan and the shape and dtype of every slot (new temporaries included)."""

    def __init__(self, meta):
        self.meta = meta          # slot -> (shape, dtype); grows with temporaries
        self.steps = []
        self.alias = {}           # slot -> the slot whose array it is (a gradient passed through)

    def tmp(self, shape, dtype):
        """A new slot for an intermediate value."""
        self.meta.append((tuple(shape), np.dtype(dtype)))
        return len(self.meta) - 1

    def emit(self, op, dst, *operands):
        self.steps.append((op, dst) + operands)


def _same(b, args, shape, dtype, scalars=True):
    """The operands for `args` when each is a slot of exactly (shape, dtype) or a Python number
    (as a constant), else None."""
    out = []
    for a in args:
        if isinstance(a, int):
            if b.meta[a] != (shape, dtype):
                return None
            out.append(a)
        elif scalars and type(a.value) in (int, float):
            out.append(("k", a.value))
        else:
            return None
    return out


def _elementwise(b, args, outs, nargs):
    """(operands, out slot, shape, dtype) when the op is a same-shape float elementwise op."""
    (o,) = outs
    shape, dtype = b.meta[o]
    if dtype not in _FLOATS or not shape or len(args) != nargs:
        return None
    ops = _same(b, args, shape, dtype)
    if ops is None or not any(isinstance(x, int) for x in ops):
        return None
    return ops, o, shape, dtype


# ----- the rules: each emits the forward and returns backward(b, gy, routes) ----------------------

def _binary(name, grads):
    def rule(b, ctx, args, kwargs, outs):
        found = _elementwise(b, args, outs, 2)
        if found is None or kwargs:
            return None
        (x, y), o, shape, dtype = found
        b.emit(name, o, x, y)
        return lambda b, gy, routes: grads(b, x, y, o, gy, routes, shape, dtype)
    return rule


def _add_grads(b, x, y, o, gy, routes, shape, dtype):
    for k, s in routes:
        b.alias[s] = gy


def _sub_grads(b, x, y, o, gy, routes, shape, dtype):
    for k, s in routes:
        if k == 0:
            b.alias[s] = gy
        else:
            b.emit("negative", s, gy)


def _mul_grads(b, x, y, o, gy, routes, shape, dtype):
    for k, s in routes:
        b.emit("multiply", s, gy, y if k == 0 else x)


def _div_grads(b, x, y, o, gy, routes, shape, dtype):
    for k, s in routes:
        if k == 0:
            b.emit("divide", s, gy, y)          # gy / b
        else:
            neg, ratio = b.tmp(shape, dtype), b.tmp(shape, dtype)
            b.emit("negative", neg, gy)
            b.emit("divide", ratio, o, y)
            b.emit("multiply", s, neg, ratio)   # -gy * (out / b)


def _unary(name, grads):
    def rule(b, ctx, args, kwargs, outs):
        found = _elementwise(b, args, outs, 1)
        if found is None or kwargs:
            return None
        (x,), o, shape, dtype = found
        b.emit(name, o, x)
        return lambda b, gy, routes: [grads(b, x, o, gy, s, shape, dtype) for k, s in routes]
    return rule


def _neg_grad(b, x, o, gy, s, shape, dtype):
    b.emit("negative", s, gy)


def _exp_grad(b, x, o, gy, s, shape, dtype):
    b.emit("multiply", s, gy, o)


def _log_grad(b, x, o, gy, s, shape, dtype):
    b.emit("divide", s, gy, x)


def _sqrt_grad(b, x, o, gy, s, shape, dtype):
    t = b.tmp(shape, dtype)
    b.emit("multiply", t, ("k", 2), o)
    b.emit("divide", s, gy, t)


def _tanh_grad(b, x, o, gy, s, shape, dtype):       # gy * (1 - out * out)
    sq, one_minus = b.tmp(shape, dtype), b.tmp(shape, dtype)
    b.emit("multiply", sq, o, o)
    b.emit("subtract", one_minus, ("k", 1), sq)
    b.emit("multiply", s, gy, one_minus)


def _sigmoid_grad(b, x, o, gy, s, shape, dtype):    # gy * (1 - out) * out
    t, one_minus = b.tmp(shape, dtype), b.tmp(shape, dtype)
    b.emit("subtract", one_minus, ("k", 1), o)
    b.emit("multiply", t, gy, one_minus)
    b.emit("multiply", s, t, o)


def _relu_grad(b, x, o, gy, s, shape, dtype):       # the device's relu gradient, from y > 0
    b.emit("relu_grad", s, gy, o)


def _relu(b, ctx, args, kwargs, outs):
    if ctx.act != "relu":
        return None
    return _unary("act_relu", _relu_grad)(b, ctx, args, kwargs, outs)


def _power(b, dst, x, p):
    """dst = x ** p as the eager op computes it for a Python-number exponent (ops/powers.py's exact forms,
    NumPy's fast path for 1, else NumPy's power)."""
    if p == 2:
        b.emit("multiply", dst, x, x)
    elif p == 3:
        sq = b.tmp(*b.meta[dst])
        b.emit("multiply", sq, x, x)
        b.emit("multiply", dst, sq, x)
    elif p == 1:
        b.emit("positive", dst, x)
    elif p == 0.5:
        b.emit("sqrt", dst, x)
    elif p == -0.5:
        root = b.tmp(*b.meta[dst])
        b.emit("sqrt", root, x)
        b.emit("divide", dst, ("k", 1), root)
    elif p == -1:
        b.emit("divide", dst, ("k", 1), x)
    elif p == -2:
        sq = b.tmp(*b.meta[dst])
        b.emit("multiply", sq, x, x)
        b.emit("divide", dst, ("k", 1), sq)
    else:
        b.emit("power", dst, x, ("k", p))


def _pow(b, ctx, args, kwargs, outs):
    found = _elementwise(b, args, outs, 2)
    if found is None or kwargs or not isinstance(args[0], int) or isinstance(args[1], int) or p_bad(args[1].value):
        return None
    (x, _), o, shape, dtype = found
    p = args[1].value
    _power(b, o, x, p)

    def grads(b, gy, routes):       # gy * (b * a ** (b - 1))
        for k, s in routes:
            t, power = b.tmp(shape, dtype), b.tmp(shape, dtype)
            _power(b, power, x, p - 1)
            b.emit("multiply", t, power, ("k", p))
            b.emit("multiply", s, gy, t)
    return grads


def p_bad(p):
    """True for an exponent the rule leaves to the op (0 makes ones; a bool is no number here)."""
    return type(p) not in (int, float) or p == 0


def _where(b, ctx, args, kwargs, outs):
    (o,) = outs
    shape, dtype = b.meta[o]
    if len(args) != 3 or kwargs or dtype not in _FLOATS or not shape or not isinstance(args[0], int) \
            or b.meta[args[0]] != (shape, np.dtype(bool)):
        return None
    ops = _same(b, args[1:], shape, dtype)
    if ops is None:
        return None
    cond, x, y = args[0], ops[0], ops[1]
    b.emit("where", o, cond, x, y)

    def grads(b, gy, routes):
        for k, s in routes:
            if k == 1:
                b.emit("where", s, cond, gy, ("k", 0))
            elif k == 2:
                b.emit("where", s, cond, ("k", 0), gy)
    return grads


def _linear(b, ctx, args, kwargs, outs):
    (o,) = outs
    if len(args) != 3 or kwargs or not all(isinstance(a, int) or isinstance(a.value, np.ndarray) for a in args[:2]):
        return None
    x, w, bias = args
    xs, ws = b.meta[x] if isinstance(x, int) else _meta(x.value), b.meta[w] if isinstance(w, int) else _meta(w.value)
    if len(xs[0]) != 2 or len(ws[0]) != 2 or b.meta[o][1] not in _FLOATS:
        return None
    if not (isinstance(bias, int) or bias.value is None or isinstance(bias.value, np.ndarray)):
        return None
    b.emit("matmul", o, x, ("T", w))
    if isinstance(bias, int) or bias.value is not None:
        b.emit("add", o, o, bias)               # y += bias

    def grads(b, gy, routes):
        for k, s in routes:
            if k == 0:
                b.emit("matmul", s, gy, w)
            elif k == 1:
                b.emit("matmul", s, ("T", gy), x)
            else:
                b.emit("sum0", s, gy)
    return grads


def _sum(b, ctx, args, kwargs, outs):
    """A sum over every axis to a 0-d value; its gradient is that value broadcast (no array made)."""
    (o,) = outs
    x = args[0]
    if not isinstance(x, int) or b.meta[o] is None or b.meta[o][0] != ():
        return None
    shape, dtype = b.meta[x]
    if dtype not in _FLOATS or not shape or ctx.keepdims or tuple(ctx.axes) != tuple(range(len(shape))):
        return None
    b.emit("sum_all", o, x, ("axes", tuple(ctx.axes)))

    def grads(b, gy, routes):
        for k, s in routes:
            b.emit("broadcast", s, gy)
    return grads


def _meta(a):
    return tuple(a.shape), a.dtype


RULES = {
    Add: _binary("add", _add_grads), Sub: _binary("subtract", _sub_grads), Mul: _binary("multiply", _mul_grads),
    Div: _binary("divide", _div_grads), Neg: _unary("negative", _neg_grad), Exp: _unary("exp", _exp_grad),
    Log: _unary("log", _log_grad), Sqrt: _unary("sqrt", _sqrt_grad), Tanh: _unary("tanh", _tanh_grad),
    Sigmoid: _unary("act_sigmoid", _sigmoid_grad), Relu: _relu, Pow: _pow, Where: _where, Linear: _linear,
    Sum: _sum,
}


def lower_forward(b, cls, ctx, refs, kwargs, outs):
    """Emit the steps of one op's forward into `b`; returns its backward emitter, or None (not lowered,
    nothing emitted). Constant array arguments must already be slots (see Plan)."""
    rule = RULES.get(cls)
    if rule is None or len(outs) != 1:
        return None
    before = len(b.steps)
    grads = rule(b, ctx, refs, kwargs, outs)
    if grads is None:
        del b.steps[before:]
    return grads


def lower_sum(b, a, c, out):
    """Emit out = a + c (two gradients of one value) when both are same-shape float slots; True if done."""
    shape, dtype = b.meta[out]
    if dtype not in _FLOATS or not shape or _same(b, (a, c), shape, dtype, scalars=False) is None:
        return False
    b.emit("add", out, a, c)
    return True


__all__ = ["Builder", "RULES", "lower_forward", "lower_sum", "Const"]
