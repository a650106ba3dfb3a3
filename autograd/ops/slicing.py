"""Picking and replacing parts of a tensor with PyTorch's names: select, narrow_copy, take and unfold, and the
out-of-place writes slice_scatter, select_scatter and diagonal_scatter (a copy of input with src written into
the part), composites of indexing and setitem, so both inputs get their gradients."""
import numbers
import operator

import numpy as np

from ..function import kept_as_given, named
from .dims import check_tensor, normalize
from .indexing import on_device_of
from .setitem import setitem
from .shape import movedim, narrow, reshape
from .unfold_view import UnfoldWindows
from ..errors import ArgumentRangeError, DimRangeError, DtypeError, ShapeError, SizeTypeError


def _index(op, index, size, dim, shape):
    if isinstance(index, bool):
        raise TypeError(f"{op}: index must be an int, got {index!r}")
    try:   # an int, or what stands for one as PyTorch takes it (a NumPy integer, a 0-d integer tensor)
        index = operator.index(index)
    except TypeError:
        raise TypeError(f"{op}: index must be an int, got {index!r}") from None
    if not -size <= index < size:
        raise IndexError(f"{op}: index {index} is out of range for dim {dim} of size {size} (shape {tuple(shape)})")
    return int(index) % size


def select(input, dim, index):
    """The slice of `input` at `index` along `dim`, with that dim removed (input[..., index, ...])."""
    check_tensor("select", input)
    if input.ndim == 0:
        raise IndexError("select: cannot be applied to a 0-d tensor; it has no dim to select from")
    d = normalize("select", dim, input.ndim)
    out = input[(slice(None),) * d + (_index("select", index, input.shape[d], dim, input.shape),)]
    return kept_as_given(out, given_dim=dim, given_index=index)


def narrow_copy(input, dim, start, length):
    """A copy of the slice start:start+length of `input` along `dim` (narrow, not sharing memory)."""
    check_tensor("narrow_copy", input)
    return named(narrow(input, dim, start, length).clone(), "NarrowCopyBackward0")


def unfold(input, dimension, size, step):
    """Tensor.unfold: every window of `size` elements along `dimension`, `step` apart, as a new last dim
    (that dim becomes the window count, (n - size) // step + 1), a view sharing input's memory; gradients add up
    where windows overlap."""
    check_tensor("unfold", input)
    d = normalize("unfold", dimension, max(input.ndim, 1))
    n = input.shape[d] if input.ndim else 1
    if not 0 <= size <= n or step <= 0:
        raise ShapeError(f"unfold: windows of size {size} with step {step} along dim {d} of size {n} (shape "
                         f"{input.shape}); size must be at most {n} and step positive")
    if input.ndim == 0:
        return reshape(input, (1,))
    return UnfoldWindows.apply(input, d, int(size), int(step))


def take(input, index):
    """The elements of `input`, read as a 1-D tensor, at the int64 `index` (any shape: the result has it);
    negative indices count from the end."""
    check_tensor("take", input)
    check_tensor("take", index, "index")
    if index.dtype != np.int64:
        raise DtypeError(f"take: expected an int64 (long) index tensor, got {index.dtype}; convert it with .long()")
    n = input.numel()
    if index.numel() and (int(index.min()) < -n or int(index.max()) >= n):
        raise IndexError(f"take: an index is out of range for a tensor of {n} elements (indices from "
                         f"{int(index.min())} to {int(index.max())})")
    return named(reshape(input, (-1,))[on_device_of(input, index)], "TakeBackward0")


def _scatter_into(op, input, src, index, expected, torch_name):
    check_tensor(op, input)
    check_tensor(op, src, "src")
    if tuple(src.shape) != tuple(expected):
        raise ShapeError(f"{op}: expected src to have the size of the slice of input it replaces, {tuple(expected)}, "
                         f"got {tuple(src.shape)} (input shape {tuple(input.shape)}); reshape src or pick a slice "
                         f"of its size")
    if src.dtype != input.dtype:
        src = src.astype(input.dtype)
    return named(setitem(input, index, src), torch_name)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of `input` with input[..., start:end:step, ...] (along `dim`) replaced by `src`."""
    check_tensor("slice_scatter", input)
    d = normalize("slice_scatter", dim, input.ndim)
    if not isinstance(step, numbers.Integral) or isinstance(step, bool):
        raise SizeTypeError(f"slice_scatter: step must be a positive int, got {type(step).__name__} {step!r}; pass "
                            f"int(step)")
    if step <= 0:
        raise ArgumentRangeError(f"slice_scatter: step must be a positive int, got {step!r} (input shape "
                                 f"{tuple(input.shape)}); PyTorch's slices do not step backwards: flip src instead")
    part = slice(start, end, step)
    expected = tuple(len(range(*part.indices(n))) if i == d else n for i, n in enumerate(input.shape))
    return _scatter_into("slice_scatter", input, src, (slice(None),) * d + (part,), expected,
                         "SliceScatterBackward0")


def select_scatter(input, src, dim, index):
    """A copy of `input` with the slice at `index` along `dim` replaced by `src` (input's shape without dim)."""
    check_tensor("select_scatter", input)
    if input.ndim == 0:
        raise IndexError("select_scatter: cannot be applied to a 0-d tensor; it has no dim to select from")
    d = normalize("select_scatter", dim, input.ndim)
    i = _index("select_scatter", index, input.shape[d], dim, input.shape)
    return _scatter_into("select_scatter", input, src, (slice(None),) * d + (i,),
                         input.shape[:d] + input.shape[d + 1:], "SelectScatterBackward0")


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of `input` with its diagonal (offset, dim1, dim2: as input.diagonal) replaced by `src`, which has
    that diagonal's shape (the other dims, then the diagonal's length)."""
    op = "diagonal_scatter"
    check_tensor(op, input)
    if input.ndim < 2:
        raise DimRangeError(f"{op}: expects a tensor with at least 2 dims, got shape {tuple(input.shape)}; its "
                            f"diagonal needs two dims (dim1, dim2)")
    d1, d2 = normalize(op, dim1, input.ndim), normalize(op, dim2, input.ndim)
    if d1 == d2:
        raise ShapeError(f"{op}: dim1 and dim2 must differ, got {dim1} and {dim2} (shape {tuple(input.shape)}); "
                         f"pass two different dims")
    x = movedim(input, (d1, d2), (-2, -1))
    rows, cols = x.shape[-2:]
    length = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    steps = np.arange(length)
    xp = input.device.xp
    index = (Ellipsis, xp.asarray(steps + max(-offset, 0)), xp.asarray(steps + max(offset, 0)))
    out = _scatter_into(op, x, src, index, x.shape[:-2] + (length,), "DiagonalScatterBackward0")
    return named(movedim(out, (-2, -1), (d1, d2)), "DiagonalScatterBackward0")
