"""Reductions: sum, mean, var, std, max, min, amax, amin, argmax, argmin, logsumexp, prod, any, all.

Signatures are PyTorch's (`dim`, `keepdim`; `max(dim)` returns `(values, indices)`; var/std unbiased by
default); NumPy's `axis`/`keepdims`/`ddof` spellings are accepted too.
"""
import builtins
import math

import numpy as np

from .. import complex_forms
from ..dtypes import get_default_dtype, is_floating
from ..errors import DtypeError, EmptyReductionError, ShapeError
from ..function import Function, named
from ..shown_nodes import shown_over
from ..return_types import return_type
from ..tensor import Tensor
from ..nested_dispatch import nested_dispatch
from .dims import check_tensor, every_dim_if_empty, normalize, resolve
from .dtype_args import check_dtype_arg
from .no_grad_op import no_grad_op
from .elementwise import add, maximum, minimum, sqrt
from .indexing import take_along_axis
from .torch_half_prod import torch_half_prod


def _axes(axis, ndim):
    """axis (None, int or tuple, negatives allowed) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        axis = (axis,)
    out = []
    for a in axis:
        size = builtins.max(ndim, 1)
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"dim must be an int or a tuple of ints, got {axis!r}")
        if not -size <= a < size:
            raise IndexError(f"dim {a} is out of range for a tensor with {ndim} dimensions "
                             f"(expected a dim in [{-size}, {size - 1}])")
        if ndim:  # a 0-d tensor accepts axis 0 or -1 (as PyTorch does) and has nothing to reduce
            out.append(a % ndim)
    return tuple(sorted(out))


def _check_dims(op, dim, ndim):
    """IndexError (TypeError) naming op unless every dim in `dim` (None, an int or a sequence) fits ndim."""
    if dim is None or (type(dim) is int and -ndim <= dim < ndim):   # the common cases, without a call
        return
    seen = set()
    for d in dim if isinstance(dim, (tuple, list)) else (dim,):
        k = normalize(op, d, ndim)
        if k in seen and ndim:
            raise ShapeError(f"dim {k} appears multiple times in the list of dims: {op} got dim={dim!r} for a tensor "
                             f"with {ndim} dimensions; name each dim once")
        seen.add(k)


def _reduction_args(op, input, dim, axis, keepdim, keepdims):
    """(dim, keepdim) of the reduction `op` of `input`: a Tensor, dim given once (dim or axis), every dim in range."""
    check_tensor(op, input)
    dim, keepdim = resolve(op, dim, axis, keepdim, keepdims)
    _check_dims(op, dim, input.ndim)
    return dim, keepdim


def _dense(out):
    """out, copied into C order where it is not: PyTorch lays a reduction's result out contiguously whatever the
    input's strides, where NumPy keeps the input's order (so .view of a sum over a permuted tensor would fail)."""
    return out if out.flags.c_contiguous else out.copy()


def array_sum(x, axes, keepdims=False, dtype=None):
    """The sum of array `x` over `axes`. On NumPy arrays it calls NumPy's add ufunc from here: `ndarray.sum` runs
    through NumPy's own Python module, whose overflow RuntimeWarning autograd's filter would not see (PyTorch
    prints nothing); the direct call also skips that module's frame."""
    if type(x) is np.ndarray:
        return np.add.reduce(x, axis=axes, dtype=dtype, keepdims=keepdims)
    return x.sum(axis=axes, keepdims=keepdims, dtype=dtype)


def array_mean(x, axes, keepdims=False):
    """`x.mean(axis=axes, keepdims=keepdims)` of an array, with NumPy's rounding (float16 summed in float32) but
    its warnings (overflow, the mean of nothing) raised from deepgrad's module, as array_sum."""
    if type(x) is not np.ndarray:
        return x.mean(axis=axes, keepdims=keepdims)
    half = x.dtype == np.float16
    dtype = np.float32 if half else np.float64 if x.dtype.kind in "biu" else None
    total = np.add.reduce(x, axis=axes, dtype=dtype, keepdims=keepdims)
    count = np.intp(x.size if axes is None or len(axes) == x.ndim else math.prod([x.shape[a] for a in axes]))
    if type(total) is np.ndarray:   # divided as NumPy's mean does (by an intp, so float32 goes through float64)
        out = np.true_divide(total, count, out=total, casting="unsafe")
    else:
        out = total.dtype.type(total / count)
    return out.astype(np.float16) if half else out


def _expand(g, shape, axes, keepdims):
    """Reshape a reduced gradient so that it broadcasts against the input of shape `shape`."""
    if keepdims or not axes:
        return g
    kept = tuple(1 if i in axes else n for i, n in enumerate(shape))
    return g.reshape(kept)


class Sum(Function):
    def forward(ctx, x, axis=None, keepdims=False, dtype=None):
        ctx.shape = x.shape
        ctx.dim = axis   # as given (grad_fn._saved_dim shows it so)
        ctx.axes = _axes(axis, x.ndim)
        ctx.keepdims = keepdims
        if ctx.xp is np:   # NumPy's ufunc itself: its warnings (inf + -inf) then come from here, where autograd
            # ignores them as PyTorch
            return _dense(np.add.reduce(x, axis=ctx.axes, keepdims=keepdims, dtype=dtype))
        return _dense(x.sum(axis=ctx.axes, keepdims=keepdims, dtype=dtype))

    def backward(ctx, gy):
        g = _expand(gy, ctx.shape, ctx.axes, ctx.keepdims)
        return ctx.xp.broadcast_to(g, ctx.shape)


class Mean(Function):
    def forward(ctx, x, axis=None, keepdims=False):
        ctx.shape = x.shape
        ctx.dim = axis   # as given (grad_fn._saved_dim shows it so)
        ctx.axes = _axes(axis, x.ndim)
        ctx.keepdims = keepdims
        ctx.count = int(np.prod([x.shape[a] for a in ctx.axes])) if ctx.axes else 1
        return _dense(array_mean(x, ctx.axes, keepdims))

    def backward(ctx, gy):
        g = _expand(gy, ctx.shape, ctx.axes, ctx.keepdims) / builtins.max(ctx.count, 1)
        return ctx.xp.broadcast_to(g, ctx.shape)


def _denominator(x, axes, ddof):
    """count - ddof as a float, at least 0 (dividing arrays by it then gives inf/nan, as in NumPy and PyTorch)."""
    count = int(np.prod([x.shape[a] for a in axes])) if axes else 1
    return float(builtins.max(count - ddof, 0))


def _spread(ctx, x, whole, ddof):
    """Record on ctx what var's and std's backward need besides x: the clamped denominator and, for
    correction >= N, the signed N - correction and whether the reduction was over the whole tensor."""
    ctx.denom = _denominator(x, ctx.axes, ddof)
    ctx.dof = (int(np.prod([x.shape[a] for a in ctx.axes])) if ctx.axes else 1) - ddof
    ctx.whole = whole or x.ndim == 0


def _degenerate_var_grad(ctx, g, centered):
    """PyTorch's var gradient when correction >= N: over the whole tensor (dim=None) g times nan where x is
    its mean and inf elsewhere; along dims 2 g (x - mean) / (N - correction), N - correction <= 0 as is."""
    xp = ctx.xp
    if ctx.whole:
        return g * xp.where(centered == 0, np.nan, np.inf).astype(centered.dtype)
    return g * centered * (2.0 / ctx.dof if ctx.dof else float("inf"))


class Var(Function):
    def forward(ctx, x, axis=None, ddof=0, keepdims=False, whole=False):
        ctx.axes = _axes(axis, x.ndim)
        ctx.keepdims = keepdims
        centered = x - array_mean(x, ctx.axes, True)
        _spread(ctx, x, whole, ddof)
        ctx.save_for_backward(x)
        return _dense(array_sum(centered * centered, ctx.axes, keepdims) / ctx.denom)

    def backward(ctx, gy):
        x = ctx.saved_tensors[0]
        centered = x - x.mean(axis=ctx.axes, keepdims=True)
        g = _expand(gy, x.shape, ctx.axes, ctx.keepdims)
        if ctx.dof <= 0:
            return _degenerate_var_grad(ctx, g, centered)
        return g * centered * (2.0 / ctx.denom)


class Std(Function):
    """sqrt(var) as one op, so that a constant input gets gradient 0 (as in PyTorch) rather than 0 * inf."""

    def forward(ctx, x, axis=None, ddof=0, keepdims=False, whole=False):
        xp = ctx.xp
        ctx.axes = _axes(axis, x.ndim)
        ctx.keepdims = keepdims
        centered = x - array_mean(x, ctx.axes, True)
        _spread(ctx, x, whole, ddof)
        out = _dense(xp.sqrt(array_sum(centered * centered, ctx.axes, keepdims) / ctx.denom))
        ctx.save_for_backward(x, out)  # the returned array itself, so create_graph can differentiate through it
        return out

    def backward(ctx, gy):
        x, out = ctx.saved_tensors
        xp = ctx.xp
        centered = x - x.mean(axis=ctx.axes, keepdims=True)
        g = _expand(gy, x.shape, ctx.axes, ctx.keepdims)
        out = _expand(out, x.shape, ctx.axes, ctx.keepdims)
        if ctx.dof <= 0:   # PyTorch's order: var's gradient of g / (2 std), 0 where std is 0
            return _degenerate_var_grad(ctx, xp.where(out == 0, 0, g / (out * 2)), centered)
        safe = xp.where(out == 0, 1, out * ctx.denom)
        return xp.where(out == 0, 0, g * centered / safe)


def _inner_extent(shape, axes):
    """How many elements PyTorch's kernel walks in its innermost loop: the trailing dims that are all reduced or
    all kept (size-1 dims aside) merge into one."""
    inner, reduced = 1, None
    for d in reversed(range(len(shape))):
        if shape[d] == 1:
            continue
        if reduced is None:
            reduced = d in axes
        elif (d in axes) != reduced:
            break
        inner *= shape[d]
    return inner


def _first_zero(x, axes, out):
    """`out` (amax/amin of x over `axes`, kept dims) with each zero result signed as the first zero along `axes`:
    -0. and 0. compare equal, and PyTorch's CPU kernel keeps the first of tied extremes when its inner loop is under
    32 elements (its scalar loop), where NumPy's reduction keeps the last."""
    kept = [a for a in range(x.ndim) if a not in axes]
    rows = x.transpose(kept + list(axes)).reshape(out.size, -1)
    first = rows[np.arange(out.size), (rows == 0).argmax(axis=1)].reshape(out.shape)
    return np.where(out == 0, first, out)


class Extremum(Function):
    """max / min over axes; the gradient is shared equally among tied extreme values. PyTorch words it two ways,
    and the two differ where a value is NaN or a gradient negative: max() / min() of the whole tensor
    (`whole=True`) give the positions that hold the result (the NaNs, when it is NaN) their share and the others
    +0; amax / amin give grad / count * (x == result): -0 beside a negative gradient, and NaN everywhere when the
    result is NaN (no position equals it)."""
    torch_saves_result = True   # as PyTorch's node: changing the result in place makes backward refuse

    def forward(ctx, x, axis=None, keepdims=False, largest=True, whole=False):
        ctx.axes = _axes(axis, x.ndim)
        ctx.whole = whole
        if x.size == 0 and (not ctx.axes or builtins.any(x.shape[a] == 0 for a in ctx.axes)):
            raise ValueError(f"{'max' if largest else 'min'} over an empty axis (shape {x.shape}, axis {axis}) "
                             "has no value")
        ctx.keepdims = keepdims
        out = _dense((x.max if largest else x.min)(axis=ctx.axes, keepdims=True))
        if not whole and ctx.xp is np and x.dtype.kind == "f" and x.ndim and np.count_nonzero(out) < out.size \
                and _inner_extent(x.shape, ctx.axes) < 32:
            out = _first_zero(x, ctx.axes, out)
        ctx.save_for_backward(x, out)
        return out if keepdims else out.reshape([n for i, n in enumerate(x.shape) if i not in ctx.axes])

    def backward(ctx, gy):
        x, out = ctx.saved_tensors
        xp = ctx.xp
        mask = xp.where(out != out, x != x, x == out) if ctx.whole else x == out   # (v != v: v is NaN)
        count = mask.sum(axis=ctx.axes, keepdims=True).astype(x.dtype)  # an int count would widen float32
        g = _expand(gy, x.shape, ctx.axes, ctx.keepdims)
        if ctx.whole:
            return ctx.select(mask, g / count, 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / count * mask


class LogSumExp(Function):
    torch_name = "LogsumexpBackward0"

    def forward(ctx, x, axis=None, keepdims=False):
        xp = ctx.xp
        ctx.axes = _axes(axis, x.ndim)
        ctx.keepdims = keepdims
        m = x.max(axis=ctx.axes, keepdims=True) if x.size else xp.zeros((1,) * x.ndim, x.dtype)
        m = xp.where(xp.isfinite(m), m, 0)
        with np.errstate(divide="ignore"):  # a row of only -inf is -inf, as PyTorch says without a warning
            out = xp.log(xp.exp(x - m).sum(axis=ctx.axes, keepdims=True)) + m
        out = _dense(out if keepdims else out.reshape([n for i, n in enumerate(x.shape) if i not in ctx.axes]))
        ctx.save_for_backward(x, out)  # the returned array itself, so create_graph can differentiate through it
        return out

    def backward(ctx, gy):
        x, out = ctx.saved_tensors
        g = _expand(gy, x.shape, ctx.axes, ctx.keepdims)
        with np.errstate(invalid="ignore"):  # -inf - -inf in a row of only -inf: NaN, as PyTorch's gradient
            return g * ctx.xp.exp(x - _expand(out, x.shape, ctx.axes, ctx.keepdims))


class Prod(Function):
    differentiable_backward = False

    def forward(ctx, x, axis=None, keepdims=False, dtype=None):
        ctx.axes = _axes(axis, x.ndim)
        ctx.keepdims = keepdims
        ctx.whole = axis is None
        half = _half_input(ctx)
        if half is not None and x.size:   # PyTorch's kernel rounds each multiplication (ops/torch_half_prod.py)
            out = torch_half_prod(x, ctx.axes, keepdims, half)
        else:
            out = _dense(x.prod(axis=ctx.axes, keepdims=keepdims, dtype=dtype) if ctx.xp is not np else
                         np.multiply.reduce(x, axis=ctx.axes, dtype=dtype, keepdims=keepdims))   # as array_sum
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, gy):
        # PyTorch's cases, which differ at inf and NaN entries: no zero, out / x; a product of all elements with
        # two zeros or more, zeros; otherwise the exact exclusive products
        x, out = ctx.saved_tensors
        xp = ctx.xp
        if x.size == 0:
            return xp.zeros_like(x)
        if x.ndim == 0:
            return gy
        axes = ctx.axes
        g = _expand(gy, x.shape, axes, ctx.keepdims)
        zeros = int(xp.count_nonzero(x == 0))
        if zeros == 0:
            ratio = _expand(out, x.shape, axes, ctx.keepdims) / x
            half = _half_input(ctx)
            if half is not None:   # PyTorch's grad * (result / input): the quotient rounded to the 16-bit dtype too
                ratio = ratio.astype(half).astype(ratio.dtype)
            return g * ratio
        if zeros > 1 and ctx.whole:
            return xp.zeros_like(x)
        # product of all other elements, exact when x has zeros: exclusive cumulative products
        keep = [i for i in range(x.ndim) if i not in axes]
        perm = keep + list(axes)
        moved = x.transpose(perm)
        flat = moved.reshape(moved.shape[:len(keep)] + (-1,))
        ones = xp.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
        left = xp.concatenate([ones, flat[..., :-1]], axis=-1).cumprod(axis=-1)   # the method: see scan.Cumsum
        right = xp.flip(xp.concatenate([ones, xp.flip(flat, -1)[..., :-1]], axis=-1).cumprod(axis=-1), -1)
        half = _half_input(ctx)
        if half is not None:   # PyTorch's cumprods (kept in float32) are rounded to the 16-bit dtype, and their product
            left, right = (a.astype(half).astype(a.dtype) for a in (left, right))
            others = (left * right).astype(half).astype(left.dtype)
        else:
            others = left * right
        others = others.reshape(moved.shape).transpose(np.argsort(perm))
        return g * others


def _half_input(ctx):
    """The bfloat16/float16 dtype of a host op's first input, which its half form hands over in float32, or None."""
    halves = getattr(ctx, "half_in", None)
    return halves[0] if halves and ctx.xp is np else None


#: what max/min/sort/topk/... with a dim return, as PyTorch's torch.return_types: a tuple with names
MaxResult = return_type("max", ["values", "indices"])
MinResult = return_type("min", ["values", "indices"])


@nested_dispatch
def sum(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Sum over `dim` (an int or tuple; None: all dims); in `dtype` if given, else integer and bool input sums
    to int64 (uint8 too, as PyTorch), floating input to its own dtype."""
    check_dtype_arg("sum", dtype)
    dim, keepdim = _reduction_args("sum", input, every_dim_if_empty(dim), axis, keepdim, keepdims)
    if dtype is not None:
        input = input.astype(dtype)
    return named(Sum.apply(input, axis=dim, keepdims=keepdim, **_accumulated(input, dtype)),
                 "SumBackward0" if dim is None else "SumBackward1")


def _accumulated(input, dtype):
    """The keyword arguments that make NumPy sum or multiply `input` to PyTorch's result dtype: none for floating
    input (NumPy's own dtype is it, and the ops' composed and sparse forms take no dtype), else the requested dtype
    itself (NumPy would widen int32 to int64), or int64 for integer and bool input (NumPy sums uint8 to uint64)."""
    if input.dtype.kind not in "biu":
        return {}
    return {"dtype": np.int64 if dtype is None else input.dtype}


@nested_dispatch
def mean(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Arithmetic mean over `dim`; integer and bool input need a floating `dtype` (as PyTorch: DtypeError
    otherwise)."""
    check_dtype_arg("mean", dtype)
    dim, keepdim = _reduction_args("mean", input, every_dim_if_empty(dim), axis, keepdim, keepdims)
    if dtype is not None:
        input = input.astype(dtype)
    _refuse_integers("mean", input, "x.float().mean() or x.mean(dtype=torch.float32)")
    return named(Mean.apply(input, axis=dim, keepdims=keepdim), "MeanBackward0" if dim is None else "MeanBackward1")


def _refuse_integers(op, input, fix):
    """DtypeError (a RuntimeError, as PyTorch's) for an integer or bool `input` to `op`, whose result PyTorch
    defines for floating and complex tensors only."""
    if input.dtype.kind in "biu":
        raise DtypeError(f"{op}(): input must be a floating point or complex tensor (as in PyTorch), "
                         f"got {input.dtype} (shape {tuple(input.shape)}); convert it first: {fix}")


def _correction(op, unbiased, correction, ddof):
    """The degrees-of-freedom correction from PyTorch's `unbiased`/`correction` or NumPy's `ddof` (default 1)."""
    given = [name for name, v in (("unbiased", unbiased), ("correction", correction), ("ddof", ddof)) if v is not None]
    if len(given) > 1:
        raise TypeError(f"{op}: pass only one of unbiased, correction and ddof (got {', '.join(given)})")
    if unbiased is not None:
        return 1 if unbiased else 0
    if correction is not None:
        return correction
    return 1 if ddof is None else ddof


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None, ddof=None):
    """Variance over `dim`, divided by N - correction (PyTorch's default: unbiased, correction=1).

    `var(x, False)` (PyTorch's legacy unbiased flag) and NumPy's `ddof=` are accepted.
    """
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    whole = dim is None and axis is None
    dim, keepdim = _reduction_args("var", input, every_dim_if_empty(dim), axis, keepdim, keepdims)
    ddof = _correction("var", unbiased, correction, ddof)
    _refuse_integers("var", input, "x.float().var()")
    if input.dtype.kind == "c":   # the mean of |z - mean|^2: the parts' variances added
        return add(var(input.real, dim, keepdim=keepdim, correction=ddof),
                   var(input.imag, dim, keepdim=keepdim, correction=ddof))
    return Var.apply(input, axis=dim, ddof=ddof, keepdims=keepdim, whole=whole)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None, ddof=None):
    """Standard deviation over `dim` (square root of var, unbiased by default; gradient 0 where it is 0)."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    whole = dim is None and axis is None
    dim, keepdim = _reduction_args("std", input, every_dim_if_empty(dim), axis, keepdim, keepdims)
    ddof = _correction("std", unbiased, correction, ddof)
    _refuse_integers("std", input, "x.float().std()")
    if input.dtype.kind == "c":
        return sqrt(var(input, dim, keepdim=keepdim, correction=ddof))
    return Std.apply(input, axis=dim, ddof=ddof, keepdims=keepdim, whole=whole)


def _extreme(op, input, dim, keepdim, axis, keepdims, largest, result):
    check_tensor(op, input)
    if isinstance(dim, Tensor):   # torch.max(a, b): the elementwise maximum
        return (maximum if largest else minimum)(input, dim)
    dim, keepdim = resolve(op, dim, axis, keepdim, keepdims)
    if dim is None:
        _check_not_empty(op, input)
        return named(Extremum.apply(input, axis=None, keepdims=False, largest=largest, whole=True),
                     op.capitalize() + "Backward1")
    d = normalize(op, dim, input.ndim)
    if input.ndim and input.shape[d] == 0:
        raise EmptyReductionError(f"{op}: dim {dim} of shape {input.shape} is empty, so it has no {op}imum")
    indices = _arg(input, d, True, "argmax" if largest else "argmin")
    values = take_along_axis(input, indices, d) if input.ndim else input
    if not keepdim and input.ndim:
        shape = input.shape[:d] + input.shape[d + 1:]
        values, indices = values.reshape(shape), indices.reshape(shape)
    if values is not input:   # PyTorch's one node for max(dim) / min(dim), over the input's own edge
        shown_over(values, op.capitalize() + "Backward0", input)
    return result(values, indices)


@nested_dispatch
def max(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The largest value; with `dim`, `(values, indices)` along it (the gradient goes to the index picked);
    with a Tensor as second argument, the elementwise maximum."""
    return _extreme("max", input, dim, keepdim, axis, keepdims, True, MaxResult)


@nested_dispatch
def min(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The smallest value; with `dim`, `(values, indices)` along it; with a Tensor, the elementwise minimum."""
    return _extreme("min", input, dim, keepdim, axis, keepdims, False, MinResult)


@nested_dispatch
def amax(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The largest values over `dim` (int or tuple; None or (): all); ties share the gradient equally."""
    if complex_forms.active:
        complex_forms.refuse("amax", input)
    dim, keepdim = _reduction_args("amax", input, dim, axis, keepdim, keepdims)
    if dim is None or dim == ():
        _check_not_empty("amax", input)
    _check_extent("amax", input, dim)
    return named(Extremum.apply(input, axis=dim if dim != () else None, keepdims=keepdim, largest=True),
                 "AmaxBackward0")


@nested_dispatch
def amin(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The smallest values over `dim` (int or tuple; None or (): all); ties share the gradient equally."""
    if complex_forms.active:
        complex_forms.refuse("amin", input)
    dim, keepdim = _reduction_args("amin", input, dim, axis, keepdim, keepdims)
    if dim is None or dim == ():
        _check_not_empty("amin", input)
    _check_extent("amin", input, dim)
    return named(Extremum.apply(input, axis=dim if dim != () else None, keepdims=keepdim, largest=False),
                 "AminBackward0")


def _check_not_empty(op, input):
    """Refuse a reduction of every element of an empty tensor, which has no value, naming the dim= fix."""
    if input.numel() == 0:
        raise ShapeError(f"{op}(): Expected reduction dim to be specified for input.numel() == 0 (the input has shape "
                         f"{tuple(input.shape)}); an empty tensor has no {op[1:] if op[0] == 'a' else op}imum: specify "
                         f"the reduction dim with the 'dim' argument to reduce a non-empty dim, or check the size "
                         f"first")


def _check_extent(op, input, dim):
    """An EmptyReductionError where `dim` (given, not every dim) names an empty dim of `input`."""
    if dim is None or dim == () or not input.ndim:
        return
    for d in (dim if isinstance(dim, (tuple, list)) else (dim,)):
        if input.shape[d] == 0:
            raise EmptyReductionError(f"{op}: dim {d} of shape {tuple(input.shape)} is empty, so it has no "
                                      f"{op[1:]}imum; reduce a non-empty dim")


def logsumexp(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """log(sum(exp(x))) over `dim`, computed without overflow."""
    dim, keepdim = _reduction_args("logsumexp", input, dim, axis, keepdim, keepdims)
    if not is_floating(input.dtype):
        input = input.astype(get_default_dtype())   # as PyTorch: integer and bool input give the default float
    return LogSumExp.apply(input, axis=dim, keepdims=keepdim)


@nested_dispatch
def prod(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Product over `dim` (gradient exact even with zeros)."""
    check_dtype_arg("prod", dtype)
    dim, keepdim = _reduction_args("prod", input, dim, axis, keepdim, keepdims)
    if dtype is not None:
        input = input.astype(dtype)
    return named(Prod.apply(input, axis=dim, keepdims=keepdim, **_accumulated(input, dtype)),
                 "ProdBackward0" if dim is None else "ProdBackward1")


@nested_dispatch
def argmax(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Index of the largest value along `dim` (of the flattened tensor when dim is None), as int64."""
    dim, keepdim = resolve("argmax", dim, axis, keepdim, keepdims)
    _refuse_bool("argmax", input)
    return _arg(input, dim, keepdim, "argmax")


@nested_dispatch
def argmin(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Index of the smallest value along `dim` (of the flattened tensor when dim is None), as int64."""
    dim, keepdim = resolve("argmin", dim, axis, keepdim, keepdims)
    _refuse_bool("argmin", input)
    return _arg(input, dim, keepdim, "argmin")


def _refuse_bool(op, x):
    if isinstance(x, Tensor) and x.dtype == np.bool_:
        raise DtypeError(f"{op}(): does not support bool input (shape {tuple(x.shape)}), as in PyTorch; convert "
                         f"it first: x.to(torch.uint8).{op}(...)")


def _arg(x, dim, keepdim, op):
    check_tensor(op, x)
    if dim is not None:
        dim = normalize(op, dim, x.ndim)
        dim = dim if x.ndim else None
    if x.size == 0 and (dim is None or x.shape[dim] == 0):   # empty elsewhere: an empty result, as PyTorch
        raise EmptyReductionError(f"{op}: the tensor is empty (shape {x.shape}), so it has no {op[3:]}imum")
    ndim = x.ndim

    def compute(xp, v):
        out = _dense(getattr(xp, op)(v, axis=dim, keepdims=keepdim).astype(np.int64))
        return out.reshape((1,) * ndim) if dim is None and keepdim else out
    return no_grad_op(op, compute, x, dim=dim, keepdim=keepdim)


@nested_dispatch
def any(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """True where any element along `dim` is non-zero (bool; uint8 for uint8 input, as PyTorch)."""
    return _truth("any", input, dim, keepdim, axis, keepdims)


@nested_dispatch
def all(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """True where every element along `dim` is non-zero (bool; uint8 for uint8 input, as PyTorch)."""
    return _truth("all", input, dim, keepdim, axis, keepdims)


def _truth(op, input, dim, keepdim, axis, keepdims):
    dim, keepdim = _reduction_args(op, input, dim, axis, keepdim, keepdims)
    axes = None if dim is None else _axes(dim, input.ndim)
    as_uint8 = input.dtype == np.uint8

    def compute(xp, v):
        out = _dense(getattr(v, op)(axis=axes, keepdims=keepdim))
        return out.astype(np.uint8) if as_uint8 else out
    return no_grad_op(op, compute, input, dim=axes, keepdim=keepdim)
