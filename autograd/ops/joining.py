"""Joining and splitting tensors: cat, stack, split, chunk, tensor_split, unbind (PyTorch's meanings:
split takes a chunk size or a list of sizes; NumPy's sections are tensor_split)."""
import builtins
import functools
import itertools
import numbers
import operator

import numpy as np

from .. import type_objects
from ..dtypes import promoted
from ..function import Function, kept_as_given, named
from ..tensor import Tensor
from ..nested_dispatch import nested_dispatch
from .dims import check_tensor, dim_or as _dim_or, normalize
from ..errors import ArgumentRangeError, ShapeError, SizeTypeError


def _row_major_unless_channels_last(xp, out):
    """out, row-major unless it is laid out channels-last: PyTorch's cat gives a contiguous result unless its
    inputs share a channels-last format (NumPy keeps transposed inputs' order, and a later dropout mask or random
    fill follows the layout)."""
    if out.flags.c_contiguous or any(out.ndim == f.rank and type_objects.laid_out_as(out, f)
                                     for f in (type_objects.channels_last, type_objects.channels_last_3d)):
        return out
    return xp.ascontiguousarray(out)


class Concatenate(Function):
    torch_name = "CatBackward0"

    def forward(ctx, *arrays, axis=0):
        ctx.axis = axis
        ctx.bounds = np.cumsum([0] + [a.shape[axis] for a in arrays])
        return _row_major_unless_channels_last(ctx.xp, ctx.xp.concatenate(arrays, axis=axis))

    def backward(ctx, gy):
        axis = ctx.axis % gy.ndim
        lead = (slice(None),) * axis
        return tuple(gy[lead + (slice(int(lo), int(hi)),)] for lo, hi in zip(ctx.bounds[:-1], ctx.bounds[1:]))

    @staticmethod
    def explain_error(args, exc):
        shapes = [tuple(a.shape) for a in args if isinstance(a, Tensor)]
        return (f"concatenate: shapes {shapes} do not fit together: all dimensions except the concatenation "
                f"axis must match ({exc})")


class Stack(Function):
    def forward(ctx, *arrays, axis=0):
        ctx.axis = axis
        return _row_major_unless_channels_last(ctx.xp, ctx.xp.stack(arrays, axis=axis))

    def backward(ctx, gy):
        axis = ctx.axis % gy.ndim
        lead = (slice(None),) * axis
        return tuple(gy[lead + (i,)] for i in range(gy.shape[axis]))

    @staticmethod
    def explain_error(args, exc):
        shapes = [tuple(a.shape) for a in args if isinstance(a, Tensor)]
        return f"stack: every tensor must have the same shape, got {shapes}"


class Split(Function):
    def forward(ctx, x, bounds, axis=0):
        ctx.axis = axis
        ctx.shape = x.shape
        # plain slices: the same views np.split makes, without its two swapaxes per piece
        lead = (slice(None),) * axis
        edges = [0, *bounds, x.shape[axis]]
        return tuple(x[lead + (slice(start, stop),)] for start, stop in zip(edges[:-1], edges[1:]))

    def backward(ctx, *grads):
        return ctx.xp.concatenate(grads, axis=ctx.axis), None


class Unbind(Function):
    """The slices of x along `axis`, one node with an output per slice (views of x), as PyTorch's unbind."""
    torch_name = "UnbindBackward0"
    complex_ready = True   # backward only stacks the gradients: the same for complex ones

    def forward(ctx, x, axis=0):
        ctx.axis = axis
        lead = (slice(None),) * axis
        return tuple(x[lead + (i, Ellipsis)] for i in range(x.shape[axis]))   # Ellipsis: 0-d views, not scalars

    def backward(ctx, *grads):
        return ctx.xp.stack(grads, axis=ctx.axis)


def _tensors(op, tensors):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{op}: expects a sequence of Tensors (a list or tuple), got one Tensor; "
                        f"wrap it in a list: {op}([t], ...)")
    tensors = list(tensors)
    if not tensors:
        raise ShapeError(f"{op}: needs at least one tensor")
    for i, t in enumerate(tensors):
        check_tensor(op, t, f"tensor {i}")
    first = tensors[0]._data.dtype
    if any(t._data.dtype != first for t in tensors):   # one dtype by PyTorch's promotion (int32 with float32: float32)
        common = functools.reduce(promoted, (t._data.dtype for t in tensors))
        tensors = [t if t._data.dtype == common else t.astype(common) for t in tensors]
    return tensors


@nested_dispatch(sequence=True)
def cat(tensors, dim=None, *, axis=None):
    """Join tensors along an existing dim (every other dim must match)."""
    dim = _dim_or("cat", dim, axis, 0)
    tensors = _tensors("cat", tensors)
    if any(t.ndim == 0 for t in tensors):
        raise ShapeError(f"cat: zero-dimensional tensors cannot be concatenated (got shapes "
                         f"{[tuple(t.shape) for t in tensors]}); use stack, or give each a dim first (t.reshape(1))")
    # PyTorch's legacy rule: a 1-D empty tensor (torch.tensor([])) joins any shape, adding nothing but its dtype
    kept = [t for t in tensors if tuple(t.shape) != (0,)] or tensors
    return kept_as_given(Concatenate.apply(*kept, axis=normalize("cat", dim, kept[0].ndim)), given_dim=dim)


concatenate = concat = cat


@nested_dispatch(sequence=True)
def stack(tensors, dim=None, *, axis=None):
    """Join same-shaped tensors along a new dim."""
    dim = _dim_or("stack", dim, axis, 0)
    tensors = _tensors("stack", tensors)
    return kept_as_given(Stack.apply(*tensors, axis=normalize("stack", dim, tensors[0].ndim + 1)), given_dim=dim)


def _split_at(x, bounds, dim):
    """Pieces of x between consecutive cut points along dim (one graph node for all of them)."""
    out = Split.apply(x, list(bounds), axis=dim)
    return tuple(out) if isinstance(out, tuple) else (out,)


def _cut_points(sizes):
    """The running sums of the piece sizes but the last, as ints: where the pieces are cut (np.cumsum's values,
    without its Python wrapper)."""
    return list(map(int, itertools.accumulate(sizes)))[:-1]


def _split_sizes(size, shape):
    """split's list of piece sizes as ints; a TypeError naming split for a float or a non-sequence (int() would
    truncate 1.5 silently)."""
    try:
        if isinstance(size, str):
            raise TypeError
        items = list(size)
    except TypeError:
        raise TypeError(f"split: split_size_or_sections must be an int (the chunk size) or a list or tuple of ints "
                        f"(each piece's size), got {type(size).__name__} {size!r} (shape {shape}); e.g. "
                        "x.split(2) or x.split([1, 2])") from None
    sizes = []
    for i, v in enumerate(items):
        try:
            sizes.append(operator.index(v))
        except TypeError:
            raise TypeError(f"split: split_size_or_sections must be a list or tuple of ints, but element {i} is "
                            f"{type(v).__name__} {v!r} (sizes {items}, shape {shape}); give each piece's size as a "
                            "whole number of elements") from None
    return sizes


@nested_dispatch
def split(tensor, split_size_or_sections, dim=None, *, axis=None):
    """Pieces of `split_size_or_sections` elements along `dim` (an int: that chunk size, the last piece
    smaller if need be; a list: the size of each piece), as torch.split."""
    dim = _dim_or("split", dim, axis, 0)
    check_tensor("split", tensor)
    if tensor.ndim == 0:
        raise ShapeError("split: a 0-d tensor has no dim to split")
    d = normalize("split", dim, tensor.ndim)
    n = tensor.shape[d]
    size = split_size_or_sections
    if isinstance(size, numbers.Integral) and not isinstance(size, bool):
        if size <= 0 and n:
            raise ShapeError(f"split: split_size must be a positive int, got {size}")
        sizes = [size] * (n // size) + ([n % size] if n % size else []) if n else [0]
    else:
        sizes = _split_sizes(size, tensor.shape)
        if builtins.sum(sizes) != n or builtins.any(v < 0 for v in sizes):
            raise ShapeError(f"split: sizes {sizes} must be non-negative and add up to {n}, the length of "
                             f"dim {dim} (shape {tensor.shape})")
        pieces = _split_at(tensor, _cut_points(sizes), d)
        named(pieces[0], "SplitWithSizesBackward0")   # the pieces share one node: PyTorch's for a list of sizes
        return pieces
    return _split_at(tensor, _cut_points(sizes), d)


@nested_dispatch
def chunk(input, chunks, dim=0):
    """At most `chunks` pieces along `dim`, each of ceil(n / chunks) elements but the last (torch.chunk)."""
    if not isinstance(chunks, numbers.Integral) or isinstance(chunks, bool):   # PyTorch's parser: a TypeError
        raise SizeTypeError(f"chunk: chunks must be an int (the number of pieces), got {type(chunks).__name__} "
                            f"{chunks!r}; e.g. x.chunk(2)")
    if chunks <= 0:
        raise ShapeError(f"chunk: chunks must be a positive int, got {chunks!r}")
    check_tensor("chunk", input)
    n = input.shape[normalize("chunk", dim, input.ndim)] if input.ndim else 0
    if n == 0 and input.ndim:   # an empty dim: `chunks` empty pieces, as PyTorch's
        return split(input, [0] * chunks, dim)
    return split(input, builtins.max(-(-n // chunks), 1), dim)


def tensor_split(input, indices_or_sections=None, dim=0, *, sections=None, indices=None,
                 tensor_indices_or_sections=None):
    """Split along `dim` into `sections` near-equal pieces (an int; the first n % sections get one more), or
    at the given indices (a list), as torch.tensor_split / numpy.array_split. PyTorch's keywords sections=,
    indices= and tensor_indices_or_sections= name the same argument."""
    given = [v for v in (indices_or_sections, sections, indices, tensor_indices_or_sections) if v is not None]
    if len(given) != 1:
        raise TypeError(f"tensor_split: give the split once, as sections (an int), indices (a list) or a tensor of "
                        f"either, got {len(given)} of them")
    indices_or_sections = given[0]
    check_tensor("tensor_split", input)
    d = normalize("tensor_split", dim, input.ndim)
    n = input.shape[d]
    arg = indices_or_sections
    if isinstance(arg, Tensor):
        arg = arg.tolist()
    if isinstance(arg, numbers.Integral):
        if arg <= 0:
            raise ArgumentRangeError(f"tensor_split: the number of sections must be larger than 0, got {arg} "
                                     f"(for a tensor of shape {tuple(input.shape)}); pass sections >= 1 or a list "
                                     f"of split indices")
        base, extra = divmod(n, arg)
        bounds = np.cumsum([base + 1] * extra + [base] * (arg - extra))[:-1].tolist()
    else:
        if not isinstance(arg, (list, tuple)) or not all(isinstance(i, numbers.Integral) for i in arg):
            raise TypeError(f"tensor_split(): indices_or_sections must be an int (a number of sections), a list or "
                            f"tuple of int indices, or an integer Tensor, got {arg!r} (tensor of shape "
                            f"{tuple(input.shape)}); e.g. x.tensor_split(2) or x.tensor_split([1, 3])")
        bounds = [builtins.min(builtins.max(int(i) + (n if i < 0 else 0), 0), n) for i in arg]
    # PyTorch slices each piece: separate views (SliceBackward0 each), which may be changed in place in a graph
    edges = [0] + bounds + [n]
    lead = (slice(None),) * d
    return tuple(named(input[lead + (slice(start, builtins.max(start, stop)),)], "SliceBackward0")
                 for start, stop in zip(edges, edges[1:]))


@nested_dispatch
def unbind(input, dim=None, *, axis=None):
    """The slices of `input` along `dim` (the first unless given), as a tuple of tensors with that dim removed."""
    check_tensor("unbind", input)
    d = normalize("unbind", _dim_or("unbind", dim, axis, 0), input.ndim)
    if input.shape[d] == 0:
        return ()
    pieces = Unbind.apply(input, axis=d)
    return pieces if isinstance(pieces, tuple) else (pieces,)
