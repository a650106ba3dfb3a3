"""Reducing values into a tensor at indices along a dim (torch.scatter_reduce, torch.index_reduce): sum, prod,
mean, amax or amin of the values that land on each position, with or without the position's own value.

One op, ScatterReduce, with PyTorch's gradients: sum and mean share the gradient out (mean by the count),
prod divides the product by each factor (handling zeros), and amax / amin split the gradient evenly between
the elements equal to the result."""
import numpy as np

from .. import complex_forms
from ..errors import ArgumentRangeError, DtypeError, ShapeError
from ..function import Function, named
from ..tensor import Tensor
from .dims import check_tensor, normalize
from .gather import _check_index, _grid, _index_array, _selected_shape
from .indexing import on_device_of
from .index_update import _along, _checked_index
from .shape import reshape

REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")
_UFUNCS = {"sum": "add", "mean": "add", "prod": "multiply", "amax": "maximum", "amin": "minimum"}


def _ufunc_at(xp, name, out, grid, values):
    """out[grid] = ufunc(out[grid], values), accumulating over repeated positions (ufunc.at)."""
    getattr(xp, name).at(out, grid, values)


def _identity(xp, reduce, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    if dtype.kind == "b":
        return reduce == "amin"
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


class ScatterReduce(Function):
    """input with the values of src reduced into it at index along a dim."""

    differentiable_backward = False
    op_name = "scatter_reduce"
    torch_saves_result = True   # as PyTorch's node: changing the result in place makes backward refuse

    def forward(ctx, x, src, index, d, reduce, include_self):
        xp = ctx.xp
        index = index.astype(np.int64, copy=False)
        grid = _grid(xp, index % x.shape[d] if index.size else index, d)
        values = src[tuple(slice(0, m) for m in _selected_shape(grid))]
        out = x.copy()
        hit = None
        if not include_self:
            hit = xp.zeros(x.shape, dtype=bool)
            hit[grid] = True
            out[hit] = _identity(xp, reduce, x.dtype)
        _ufunc_at(xp, _UFUNCS[reduce], out, grid, values)
        count = None
        if reduce == "mean":
            count = xp.zeros(x.shape, dtype=np.int64) if not include_self else xp.ones(x.shape, dtype=np.int64)
            _ufunc_at(xp, "add", count, grid, xp.ones(values.shape, dtype=np.int64))
            count = xp.maximum(count, 1)
            if x.dtype.kind in "fc":
                out = out / count.astype(x.dtype)
            else:
                out = xp.floor_divide(out, count).astype(x.dtype)
        ctx.grid, ctx.reduce, ctx.include_self = grid, reduce, include_self
        ctx.src_shape, ctx.d = src.shape, d
        ctx.hit, ctx.count = hit, count
        if reduce in ("prod", "amax", "amin"):
            ctx.save_for_backward(x, values, out)
        return out

    def backward(ctx, gy):
        xp, grid, reduce = ctx.xp, ctx.grid, ctx.reduce
        need = ctx.needs_input_grad
        if reduce == "sum":
            gx, gv = gy, gy[grid]
        elif reduce == "mean":
            share = gy / ctx.count.astype(gy.dtype)
            gx, gv = share, share[grid]
        elif reduce == "prod":
            gx, gv = _prod_grads(xp, gy, grid, ctx.include_self, *ctx.saved_tensors)
        else:
            x, values, out = ctx.saved_tensors
            # PyTorch's split: every element equal to the result takes an equal share (x's own counted even when
            # include_self=False, as PyTorch counts it)
            x_hits = (x == out).astype(gy.dtype)
            v_hits = (values == out[grid]).astype(gy.dtype)
            ways = x_hits.copy()
            _ufunc_at(xp, "add", ways, grid, v_hits)
            share = gy / ways
            gx, gv = x_hits * share, v_hits * share[grid]
        if need[0] and not ctx.include_self:   # +0 where overwritten, as PyTorch's masked_fill (not gx * 0: -0)
            gx = xp.where(ctx.hit, xp.zeros((), gx.dtype), gx)
        gs = None
        if need[1]:
            gs = xp.zeros(ctx.src_shape, gy.dtype)
            gs[tuple(slice(0, m) for m in gv.shape)] = gv
        return (gx if need[0] else None), gs, None, None, None, None


def _prod_grads(xp, gy, grid, include_self, x, values, out):
    """The gradients of a scatter product: the product of the other factors at each position, exact when
    factors are 0 (PyTorch's formulas)."""
    safe_x = xp.where(x == 0, 1, x)
    with_safe_x = safe_x.copy()
    if not include_self:
        with_safe_x[grid] = 1
    _ufunc_at(xp, "multiply", with_safe_x, grid, values)
    gx = gy * with_safe_x / safe_x
    zeros = values == 0
    zero_count = xp.zeros(x.shape, dtype=np.int64)
    _ufunc_at(xp, "add", zero_count, grid, zeros.astype(np.int64))
    lone_zero = zeros & (zero_count[grid] == 1)
    # a lone zero factor's gradient is the product of the others: the product redone with it set to 1
    others = x.copy()
    if not include_self:
        others[grid] = 1
    _ufunc_at(xp, "multiply", others, grid, xp.where(lone_zero, 1, values))
    gv = xp.where(lone_zero, (gy * others)[grid], (gy * out)[grid] / xp.where(zeros, 1, values))
    return gx, gv


def _check_reduce(op, reduce, allowed, input):
    if reduce not in allowed:
        fix = " (index_reduce has no 'sum': use index_add)" if op == "index_reduce" and reduce == "sum" else ""
        raise ArgumentRangeError(f"{op}: reduce must be one of {', '.join(allowed)}, got {reduce!r} "
                                 f"(input shape {tuple(input.shape)}); pass one of those{fix}")


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """A copy of `input` with each src[i][j][k] reduced into position [i][index[i][j][k]][k] for dim 1 (and
    likewise for other dims) by `reduce` ('sum', 'prod', 'mean', 'amax' or 'amin'); with include_self=False the
    positions written to start from the values alone. Integer 'mean' rounds down, as PyTorch's."""
    op = "scatter_reduce"
    check_tensor(op, input)
    check_tensor(op, src, "src")
    _check_reduce(op, reduce, REDUCTIONS, input)
    if complex_forms.active and reduce in ("amax", "amin"):   # complex numbers have no order
        complex_forms.refuse(f"{op} (reduce={reduce!r})", input, src)
    d = normalize(op, dim, input.ndim)
    idx = _index_array(op, index, input.device)
    if src.dtype != input.dtype:
        raise DtypeError(f"{op}: src ({src.dtype}) must have input's dtype ({input.dtype}); convert it with "
                         ".to(input.dtype)")
    if input.ndim == 0:
        flat_index = reshape(index, (-1,)) if isinstance(index, Tensor) else idx.reshape(-1)
        out = scatter_reduce(reshape(input, (1,)), 0, flat_index, reshape(src, (-1,)), reduce,
                             include_self=include_self)
        return reshape(out, ())
    if idx.ndim == 0 and input.ndim == 1:   # PyTorch counts a 0-d index (and src) as one element
        flat_index = reshape(index, (1,)) if isinstance(index, Tensor) else idx.reshape(1)
        return scatter_reduce(input, d, flat_index, reshape(src, (-1,)) if src.ndim == 0 else src, reduce,
                              include_self=include_self)
    _check_index(op, idx, input, d, "self")
    if src.ndim != idx.ndim or any(m > n for m, n in zip(idx.shape, src.shape)):
        raise ShapeError(f"{op}: src shape {tuple(src.shape)} must have index's number of dims and be at least "
                         f"index's shape {tuple(idx.shape)} in every dim (input shape {tuple(input.shape)}); give "
                         f"src one value per index")
    picks = on_device_of(input, index) if isinstance(index, Tensor) else idx
    return ScatterReduce.apply(input, src, picks, d, reduce, bool(include_self))


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """A copy of `input` with source's slices reduced into the slices at the 1-D `index` along `dim` by
    `reduce` ('prod', 'mean', 'amax' or 'amin'); with include_self=False the slices written to start from the
    source values alone."""
    op = "index_reduce"
    check_tensor(op, input)
    _check_reduce(op, reduce, ("prod", "mean", "amax", "amin"), input)
    d, idx = _checked_index(op, input, dim, index, source)
    if source.dtype != input.dtype:
        raise DtypeError(f"{op}: source ({source.dtype}) must have input's dtype ({input.dtype}); convert it with "
                         ".to(input.dtype)")
    if input.ndim == 0:
        out = scatter_reduce(reshape(input, (1,)), 0, idx, reshape(source, (-1,)), reduce, include_self=include_self)
        return reshape(out, ())
    return named(scatter_reduce(input, d, _along(idx, d, source.shape), source, reduce, include_self=include_self),
                 "IndexReduceBackward0")
