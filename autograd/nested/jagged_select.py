"""The jagged nested tensor's ops that pick or fold elements: max/min/amax/amin/argmax/argmin, all/any and prod
over a dim or all of it, and where / masked_fill, as PyTorch runs them on jagged tensors."""
import numbers

from ..ops.elementwise import where as dense_where
from ..ops.joining import stack
from ..tensor import Tensor

from ..nested_kind import NestedBase
from .ops import compact, normalize_dim, operand, refuse_holes, stored_dim

#: the ops that return (values, indices) when given a dim
_PAIRED = frozenset(("max", "min"))


def extreme(nt, how, dim=None, keepdim=False):
    """`how` (max, min, amax, amin, argmax, argmin, all, any, prod) over all elements (a dense 0-d tensor; arg*
    index values() flattened) or over `dim`: a regular dim keeps the structure, the ragged dim gives a dense
    (B, ...) tensor, the batch dim alone PyTorch refuses; max/min with a tensor for `dim` are the elementwise
    maximum/minimum."""
    op = f"{how}()"
    if how in _PAIRED and isinstance(dim, (Tensor, NestedBase)):   # max(nt, other): the elementwise form
        return getattr(nt, "maximum" if how == "max" else "minimum")(dim)
    # PyTorch indexes (arg*) the elements of values() in its order; with holes, the components' only
    whole = nt.values() if nt._lengths is None else compact(nt).stored
    if dim is None:
        if how in ("amax", "amin"):
            return getattr(whole, how)(tuple(range(whole.ndim)), keepdim)
        return getattr(whole, how)()
    if not isinstance(dim, numbers.Integral):
        dims = sorted({normalize_dim(op, d, nt.dim()) for d in dim})
        if len(dims) != 1:
            if nt._ragged_idx in dims and 0 not in dims:
                raise RuntimeError(f"{op}: reducing along a ragged and non-batch dimension is not supported for "
                                   "nested tensors")
            raise RuntimeError(f"{op}: reducing along several dims of a nested tensor is supported only for sum "
                               "and mean; reduce one dim at a time")
        dim = dims[0]
    d = normalize_dim(op, dim, nt.dim())
    if d == 0:
        raise RuntimeError(f"{op}: reducing along the batch dimension but not the ragged dimension is not "
                           "supported for nested tensors")
    if d == nt._ragged_idx:
        refuse_holes(nt, op)
        return _over_ragged(nt, how, keepdim)
    out = getattr(nt.stored, how)(stored_dim(nt, d, op), keepdim)
    ragged = nt._ragged_idx - (1 if d < nt._ragged_idx and not keepdim else 0)
    if how in _PAIRED:
        return type(out)(nt.with_stored(out[0], ragged), nt.with_stored(out[1], ragged))
    return nt.with_stored(out, ragged)


def _over_ragged(nt, how, keepdim):
    """`how` over each component's rows, stacked into a dense (B, ...) tensor (the ragged dim kept as size 1
    with keepdim)."""
    results = [getattr(nt.stored[a:b], how)(0, keepdim) for a, b in nt.rows()]

    def joined(parts):
        out = stack(parts, 0)
        return out.movedim(1, nt._ragged_idx) if keepdim and nt._ragged_idx != 1 else out
    if how in _PAIRED:
        return type(results[0])(joined([r[0] for r in results]), joined([r[1] for r in results]))
    return joined(results)


def where(func, condition, input=None, other=None):
    """input where `condition` (a nested tensor of the same offsets, or a dense one over the trailing dims) holds,
    else other; each of input and other a nested tensor of those offsets, a scalar or a trailing dense tensor.
    (`func`, the dense where, is what nested_call's table passes first.)"""
    if input is None or other is None:
        raise TypeError("where: takes where(condition, input, other) for nested tensors (where(condition) alone, "
                        "the indices of the True elements, is not supported for them)")
    nt = next(t for t in (input, other, condition) if isinstance(t, NestedBase))
    values = [operand(nt, t, "where.self") for t in (condition, input, other)]
    for given, value in zip((condition, input, other), values):
        if value is NotImplemented:
            raise TypeError(f"where: cannot combine a nested tensor with {type(given).__name__}")
    a, b = values[1], values[2]
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = nt.stored.new_full((), a)
    return nt.with_stored(dense_where(values[0], a, b))


def masked_fill(nt, mask, value):
    """`value` (a number) where `mask` (nested of the same offsets, or dense over the trailing dims) is True."""
    if isinstance(value, Tensor):
        raise NotImplementedError("aten.masked_fill.Tensor: masked_fill with a tensor value is not supported for "
                                  "nested (jagged) tensors; pass a Python number (value.item())")
    return where(None, mask, value, nt)
