"""Shape ops: reshape, transpose/permute, squeeze/unsqueeze, flatten, expand, narrow, repeat, flip, pad.

Meanings are PyTorch's (transpose swaps two dims, squeeze(dim) leaves a dim that is not 1); NumPy's
spellings that PyTorch lacks stay accepted (transpose() reverses, expand_dims, swapaxes, moveaxis)."""
import builtins
import numbers
import operator

import numpy as np

from ..broadcast import unbroadcast
from ..function import Function, kept_as_given, named
from ..shown_nodes import show_graph, shown_over
from ..tensor import Tensor
from ..nested_dispatch import nested_dispatch
from .dims import check_tensor, int_argument, normalize, required_dim, resolve
from ..errors import ArgumentRangeError, DimRangeError, IndexRangeError, ShapeError


class Reshape(Function):
    torch_name = "ViewBackward0"   # PyTorch's reshape of a contiguous tensor is a view

    def forward(ctx, x, shape):
        ctx.shape = x.shape
        out = x.reshape(shape)
        if not x.flags.c_contiguous and out.size > 1:
            share = getattr(ctx.xp, "may_share_memory", None)
            if share is not None:
                # PyTorch's reshape of a non-contiguous tensor: an alias when the strides allow, else a copy
                # (clone, then _unsafe_view)
                ctx.torch_name = "ReshapeAliasBackward0" if share(x, out) else "UnsafeViewBackward0"
        return out

    def backward(ctx, gy):
        return gy.reshape(ctx.shape), None

    @staticmethod
    def explain_error(args, exc):
        x, shape = args
        shape = tuple(shape)
        if shape.count(-1) > 1:
            return (f"reshape: cannot reshape a tensor of shape {x.shape} into {shape}: only one dimension can be "
                    "inferred; give every size but one (-1 marks the one to infer)")
        if x.size == 0 and -1 in shape:
            return (f"reshape: cannot reshape a tensor of shape {x.shape} (0 elements) into {shape} because the "
                    "unspecified dimension size -1 can be any value and is ambiguous; give every size")
        return (f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) into {shape}; "
                "the number of elements must stay the same (one dimension may be -1)")


class Transpose(Function):
    def forward(ctx, x, axes):
        ctx.axes = axes
        return x.transpose(axes)

    def backward(ctx, gy):
        return gy.transpose(tuple(np.argsort(ctx.axes))) if ctx.axes is not None else gy.transpose(), None


def _expand_strides(shape, strides, target):
    """The byte strides PyTorch's expand gives a tensor of `shape`/`strides` expanded to `target`: 0 along the
    dims it repeats, the input's own stride along the others, and a new leading dim of size 1 the stride that
    steps over the dims after it."""
    out = [0] * len(target)
    lead = len(target) - len(shape)
    for i in range(len(target) - 1, -1, -1):
        d = i - lead
        if d >= 0:
            size, stride = shape[d], strides[d]
        else:
            size, stride = 1, target[i + 1] * out[i + 1] if i + 1 < len(target) else 0   # (0-d input: 0)
        out[i] = stride if size == target[i] else 0
    return tuple(out)


class BroadcastTo(Function):
    op_name = "broadcast_to"
    torch_name = "ExpandBackward0"   # expand and broadcast_to are one op in PyTorch

    def forward(ctx, x, shape):
        ctx.shape = x.shape
        if x.size == int(np.prod(shape)):
            # nothing repeated (the same shape, or leading 1s added): a writable view, as PyTorch's expand
            return x.reshape(shape)
        out = ctx.xp.broadcast_to(x, shape)
        strides = _expand_strides(x.shape, x.strides, out.shape)
        if strides != out.strides:   # a kept size-1 dim: PyTorch keeps its stride (NumPy's broadcast sets 0)
            out = ctx.xp.lib.stride_tricks.as_strided(out, out.shape, strides)
        return out

    def backward(ctx, gy):
        return unbroadcast(gy, ctx.shape), None


class Flip(Function):
    def forward(ctx, x, axis):
        ctx.axis = axis
        return ctx.xp.flip(x, axis).copy()   # a new tensor, as PyTorch's flip: writing to it leaves x alone

    def backward(ctx, gy):
        return ctx.xp.flip(gy, ctx.axis), None


class Repeat(Function):
    """x tiled reps[i] times along each dim: always a new array (never a view of x), as PyTorch's repeat."""

    def forward(ctx, x, reps):
        ctx.blocks = tuple(v for r, n in zip(reps, x.shape) for v in (r, n))
        return ctx.xp.tile(x, reps)

    def backward(ctx, gy):
        return gy.reshape(ctx.blocks).sum(axis=tuple(range(0, len(ctx.blocks), 2))), None


class Pad(Function):
    def forward(ctx, x, pad_width, value):
        ctx.crop = tuple(slice(lo, lo + n) for (lo, _), n in zip(pad_width, x.shape))
        return ctx.xp.pad(x, pad_width, mode="constant", constant_values=value)

    def backward(ctx, gy):
        return gy[ctx.crop], None, None


def reshape(x, *sizes, shape=None):
    """The same values in a new shape (one dimension may be -1), given as ints, one sequence or shape=."""
    check_tensor("reshape", x)
    shape = _given_sizes("reshape", sizes, "shape", shape)
    if min(shape, default=0) < -1:   # NumPy would read any negative size as -1
        raise ShapeError(f"reshape: invalid size {min(shape)} in shape {shape} for a tensor of shape {x.shape}; "
                         "sizes must be >= 0, or -1 for the one size to infer")
    return Reshape.apply(x, shape)   # a new tensor (a view) even for the same shape, as PyTorch


def view(x, *shape, size=None):
    """The same values in a new shape (ints, one sequence or size=), sharing x's memory (one dimension may be
    -1); a RuntimeError when x's layout (after t(), permute() or expand()) cannot take that shape without a
    copy, as PyTorch's view does."""
    check_tensor("view", x)
    out = reshape(x, _given_sizes("view", shape, "size", size))
    if out is x or out.numel() <= 1:
        return out
    share = None if x._data.flags.c_contiguous else getattr(x.device.xp, "may_share_memory", None)
    if share is not None and not share(x._data, out._data):   # (a C-contiguous array always reshapes to a view)
        strides = tuple(n // x._data.itemsize for n in x._data.strides)
        raise RuntimeError(f"view: a tensor of shape {x.shape} laid out with strides {strides} (not "
                           f"contiguous: after t(), permute() or expand()) cannot be viewed as "
                           f"{tuple(out.shape)} without a copy; use .reshape(...) or .contiguous().view(...)")
    return named(out, "ViewBackward0")   # a view, even where reshape would have shown an alias


def _given_sizes(op, sizes, keyword, value):
    """The sizes given positionally (separate ints or one sequence) or by PyTorch's keyword (`keyword`=value), as
    a tuple of ints."""
    if value is not None:
        if sizes:
            raise TypeError(f"{op}: give the sizes positionally or as {keyword}=, not both (got {sizes!r} and "
                            f"{keyword}={value!r})")
        sizes = (value,)
    return _sizes(op, sizes)


def _sizes(op, sizes):
    """A shape given as separate ints or as one sequence, as a tuple of ints."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    try:
        return tuple(map(operator.index, sizes))
    except TypeError:
        raise TypeError(f"{op}: sizes must be ints, got {sizes!r}") from None


def permute(input, *order, dims=None):
    """The tensor with its dims reordered: result dim i is input dim dims[i] (ints, one sequence or dims=)."""
    check_tensor("permute", input)
    if not order and dims is None:
        raise TypeError("permute: missing the dims (e.g. x.permute(1, 0); a 0-d tensor takes x.permute(()))")
    dims = _given_sizes("permute", order, "dims", dims)
    if len(dims) == input.ndim:
        for d in dims:   # a dim past the rank is PyTorch's IndexError, before the permutation check
            _dim_in_range("permute", d, input.ndim)
        if len(set(d % builtins.max(input.ndim, 1) for d in dims)) < len(dims):
            raise ShapeError(f"permute(): duplicate dims are not allowed: dims {dims} name a dim twice for shape "
                             f"{tuple(input.shape)}, so they are not a permutation; list each of the {input.ndim} dims once, e.g. "
                             f"{tuple(range(input.ndim))[::-1]}")
    if len(dims) != input.ndim or sorted(d % builtins.max(input.ndim, 1) for d in dims) != list(range(input.ndim)):
        raise ShapeError(f"permute: dims {dims} are not a permutation of the {input.ndim} dims of shape "
                         f"{input.shape}")
    return kept_as_given(named(Transpose.apply(input, tuple(d % input.ndim for d in dims)), "PermuteBackward0"),
                         given_dims=dims)


def _dim_in_range(op, dim, ndim):
    """normalize's check, raised as a DimRangeError (a ValueError as before and PyTorch's IndexError)."""
    try:
        return normalize(op, dim, ndim)
    except IndexError as exc:
        raise DimRangeError(str(exc)) from None


def _once_each(op, dims, given, shape):
    """ShapeError naming op unless the normalised `dims` name each dim at most once (PyTorch refuses repeats)."""
    seen = set()
    for d in dims:
        if d in seen:
            raise ShapeError(f"dim {d} appears multiple times in the list of dims: {op} got dims {given} for shape "
                             f"{tuple(shape)}; name each dim once")
        seen.add(d)


@nested_dispatch
def transpose(input, dim0=None, dim1=None):
    """`input` with dims dim0 and dim1 swapped (PyTorch's meaning).

    NumPy's spellings are accepted where PyTorch has none: no dims reverses them all, and one sequence
    of dims permutes them (use permute for that).
    """
    check_tensor("transpose", input)
    if dim1 is None:
        if dim0 is None:
            return Transpose.apply(input, None)
        if isinstance(dim0, (tuple, list)):
            return permute(input, dim0)
        raise TypeError(f"transpose: expects two dims to swap, got only dim0={dim0!r}; e.g. x.transpose(0, 1)")
    return swapaxes(input, dim0, dim1)


def swapaxes(input, axis0, axis1):
    """Exchange two dims (also called swapdims, and transpose(dim0, dim1))."""
    check_tensor("swapaxes", input)
    if input.ndim == 0:
        normalize("transpose", axis0, 0), normalize("transpose", axis1, 0)
        return kept_as_given(_same_view(input, "TransposeBackward0"), given_dim0=axis0, given_dim1=axis1)
    a, b = normalize("transpose", axis0, input.ndim), normalize("transpose", axis1, input.ndim)
    if a == b:
        return kept_as_given(_same_view(input, "TransposeBackward0"), given_dim0=axis0, given_dim1=axis1)
    axes = list(range(input.ndim))
    axes[a], axes[b] = axes[b], axes[a]
    return kept_as_given(Transpose.apply(input, tuple(axes)), given_dim0=axis0, given_dim1=axis1)


def swapdims(input, dim0, dim1):
    """torch.swapdims: swapaxes with PyTorch's dim0 / dim1 keyword names."""
    return swapaxes(input, dim0, dim1)


def t(input):
    """The transpose of a matrix (of a 0-d or 1-D tensor: a new view of it, unchanged)."""
    check_tensor("t", input)
    if input.ndim > 2:
        raise ShapeError(f"t: expects a tensor with at most 2 dims, got shape {input.shape}; use "
                         "transpose(dim0, dim1) or permute")
    return named(swapaxes(input, 0, 1) if input.ndim == 2 else _same_view(input), "TBackward0")


def _same_view(input, torch_name=None):
    """A new tensor viewing all of `input` as it is (PyTorch's no-op views are new tensor objects that share the
    memory and the graph, never the input itself)."""
    if isinstance(input._data, np.generic):
        input._data = np.array(input._data)   # a NumPy scalar has no views; a 0-d array does
    out = Transpose.apply(input, tuple(range(input.ndim)))
    return out if torch_name is None else named(out, torch_name)


def movedim(input, source, destination):
    """`input` with the dims at `source` moved to `destination` (ints or sequences), the rest in order."""
    check_tensor("movedim", input)
    src = (source,) if isinstance(source, numbers.Integral) else tuple(source)
    dst = (destination,) if isinstance(destination, numbers.Integral) else tuple(destination)
    if len(src) != len(dst):
        raise ShapeError(f"movedim: source {source} ({len(src)} dims) and destination {destination} ({len(dst)} "
                         f"dims) differ in length; give one destination per source dim")
    src = [normalize("movedim", d, builtins.max(input.ndim, 1)) for d in src]   # a 0-d tensor takes dim 0 / -1
    dst = [normalize("movedim", d, builtins.max(input.ndim, 1)) for d in dst]
    for name, given, dims in (("source", source, src), ("destination", destination, dst)):
        if len(set(dims)) != len(dims):
            raise ShapeError(f"movedim: repeated dim in {name} {given} (shape {tuple(input.shape)}); name each dim "
                             f"once")
    if input.ndim == 0:
        return permute(input, ())
    order = [d for d in range(input.ndim) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, order)


moveaxis = movedim


@nested_dispatch
def squeeze(input, dim=None, *, axis=None):
    """Remove dims of length 1: all of them, or those of `dim` (an int or tuple) that have length 1
    (other dims named are left as they are, as in PyTorch)."""
    check_tensor("squeeze", input)
    dim, _ = resolve("squeeze", dim, axis, False, None)
    if dim is None:
        shape = tuple(n for n in input.shape if n != 1)
    else:
        dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
        listed = [normalize("squeeze", d, input.ndim) for d in dims]
        _once_each("squeeze", listed, dim, input.shape)
        dims = set(listed)
        shape = tuple(n for i, n in enumerate(input.shape) if not (i in dims and n == 1))
    # PyTorch's three overloads: squeeze(), squeeze(int), squeeze(tuple)
    variant = 0 if dim is None else 1 if isinstance(dim, numbers.Integral) else 2
    out = _renamed(reshape(input, shape), input, f"SqueezeBackward{variant}")
    return out if out is input else kept_as_given(out, given_dim=dim)   # (a no-op: input's own node keeps its own)


@nested_dispatch
def unsqueeze(input, dim=None, *, axis=None):
    """Insert a length-1 dim at position `dim`."""
    check_tensor("unsqueeze", input)
    given = required_dim("unsqueeze", dim, axis)
    dim = normalize("unsqueeze", given, input.ndim + 1)
    return kept_as_given(_renamed(reshape(input, input.shape[:dim] + (1,) + input.shape[dim:]), input,
                                  "UnsqueezeBackward0"), given_dim=given)   # (never a no-op: a new dim)


def _renamed(out, input, torch_name):
    """`out`, its node shown as `torch_name` where the op made one (a no-op returns `input` itself, untouched)."""
    return out if out is input else named(out, torch_name)


def expand_dims(x, axis):
    """Insert a length-1 axis at position `axis` (NumPy's name for unsqueeze)."""
    check_tensor("expand_dims", x)
    return unsqueeze(x, axis)


@nested_dispatch
def flatten(input, start_dim=0, end_dim=-1, *, start_axis=None, end_axis=None):
    """Merge dims start_dim..end_dim into one (a 0-d tensor becomes 1-D)."""
    check_tensor("flatten", input)
    start_dim = start_dim if start_axis is None else start_axis
    end_dim = end_dim if end_axis is None else end_axis
    if input.ndim == 0:
        return reshape(input, (1,))
    start = normalize("flatten", start_dim, input.ndim)
    end = normalize("flatten", end_dim, input.ndim)
    if start > end:
        raise ShapeError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} (shape {input.shape}); "
                         "swap them")
    if start == end:
        return input   # nothing merged: PyTorch returns the input itself
    merged = int(np.prod(input.shape[start:end + 1]))
    return reshape(input, input.shape[:start] + (merged,) + input.shape[end + 1:])


def unflatten(input, dim, sizes):
    """Split dim `dim` into `sizes` (one of them may be -1)."""
    check_tensor("unflatten", input)
    d = normalize("unflatten", dim, input.ndim)
    sizes = _sizes("unflatten", (sizes,))
    known = int(np.prod([n for n in sizes if n != -1]))
    if sizes.count(-1) > 1:
        raise ShapeError(f"unflatten: only one dimension can be inferred: sizes {sizes} hold {sizes.count(-1)} -1s "
                         f"for dim {dim} of length {input.shape[d]} (shape {tuple(input.shape)}); give every size "
                         "but one")
    if (-1 not in sizes and known != input.shape[d]) or (
            -1 in sizes and (known == 0 or input.shape[d] % known)):
        raise ShapeError(f"unflatten: sizes {sizes} do not multiply to {input.shape[d]}, the length of dim {dim} "
                         f"(shape {input.shape})")
    if -1 in sizes:
        sizes = tuple(input.shape[d] // known if n == -1 else n for n in sizes)
    # splitting one dim is always a view: PyTorch's unflatten is a view, whatever the layout
    return named(reshape(input, input.shape[:d] + sizes + input.shape[d + 1:]), "ViewBackward0")


def expand(input, *sizes, size=None):
    """A view of `input` broadcast to `sizes` (ints, one sequence or size=; -1 keeps a dim; new leading dims may
    be added)."""
    check_tensor("expand", input)
    sizes = _given_sizes("expand", sizes, "size", size)
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise ShapeError(f"expand: sizes {sizes} have fewer dims than the tensor's shape {input.shape}")
    shape = tuple(input.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(sizes))
    if builtins.any(n < 0 for n in shape):
        raise ShapeError(f"expand: -1 is only allowed for existing dims, got sizes {sizes} for shape {input.shape}")
    return broadcast_checked("expand", input, shape)


@nested_dispatch
def narrow(input, dim, start, length):
    """The slice start:start+length of `input` along `dim` (shares the graph)."""
    check_tensor("narrow", input)
    start, length = int_argument("narrow", "start", start), int_argument("narrow", "length", length)
    d = normalize("narrow", dim, input.ndim)
    n = input.shape[d]
    start = int(start) + (n if start < 0 else 0)
    if length < 0:
        raise IndexRangeError(f"narrow(): length must be non-negative, got {length} (dim {dim} of length {n}, shape "
                              f"{tuple(input.shape)}); give the number of elements to keep from start")
    if not 0 <= start <= n or length < 0 or start + length > n:
        raise IndexRangeError(f"narrow: start {start} and length {length} do not fit dim {dim} of length {n} (shape "
                              f"{tuple(input.shape)}); start + length must be at most {n}")
    return input[(slice(None),) * d + (slice(start, start + int(length)),)]


def repeat(input, *sizes, repeats=None):
    """`input` tiled `sizes[i]` times along each dim (ints, one sequence or repeats=; extra leading sizes add
    dims), as Tensor.repeat."""
    sizes = _given_sizes("repeat", sizes, "repeats", repeats)
    if len(sizes) < input.ndim:
        raise ShapeError(f"repeat: needs at least {input.ndim} repeat counts for shape {input.shape}, got {sizes}")
    if builtins.any(n < 0 for n in sizes):
        raise ShapeError(f"repeat: the repeat counts {sizes} hold a negative number (shape {tuple(input.shape)}); "
                         "PyTorch would make a tensor with a negative dimension. Pass counts of 0 or more")
    x = reshape(input, (1,) * (len(sizes) - input.ndim) + input.shape) if len(sizes) > input.ndim else input
    return named(Repeat.apply(x, sizes), "RepeatBackward0")


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element repeated `repeats` times (an int, a one-element tensor, or one count per element) along `dim`
    (None: the flattened tensor), as torch.repeat_interleave. With only a 1-D integer tensor of counts,
    `repeat_interleave(counts)`, the positions 0, 1, ... each repeated its count of times. output_size, when
    given, must be the length of the result along `dim`."""
    check_tensor("repeat_interleave", input)
    if repeats is None:
        return _repeated_positions(input, output_size)
    x = flatten(input) if dim is None else input
    d = 0 if dim is None else normalize("repeat_interleave", dim, x.ndim)
    if not isinstance(repeats, numbers.Integral):
        counts = np.asarray(repeats.numpy() if isinstance(repeats, Tensor) else repeats)
        if counts.size == 1 and counts.ndim <= 1 and counts.dtype.kind in "iu":   # one count for every element
            repeats = int(counts.reshape(()))
    if isinstance(repeats, numbers.Integral):
        if repeats < 0:
            raise ArgumentRangeError(f"repeat_interleave: repeats must be >= 0, got {repeats} (input shape "
                                     f"{tuple(x.shape)}); pass a count of copies, 0 or more")
        _check_output_size(output_size, x.shape[d] * int(repeats))
        shape = x.shape[:d + 1] + (int(repeats),) + x.shape[d + 1:]
        y = broadcast_to(unsqueeze(x, d + 1), shape)
        out = reshape(y, x.shape[:d] + (x.shape[d] * int(repeats),) + x.shape[d + 1:])
        # PyTorch copies the expansion (clone) and views it; deepgrad's reshape does both in one node
        return show_graph(out, "ViewBackward0", (("CloneBackward0", (0,)),), y)
    counts = np.asarray(counts, dtype=np.int64).reshape(-1)
    if counts.shape != (x.shape[d],) or (counts < 0).any():
        raise ShapeError(f"repeat_interleave: repeats must hold {x.shape[d]} non-negative counts (one per element "
                         f"of dim {d}), or a single count, got {counts.tolist()}")
    _check_output_size(output_size, int(counts.sum()))
    index = np.repeat(np.arange(x.shape[d]), counts)
    return shown_over(x[(slice(None),) * d + (x.device.asarray(index),)], "IndexSelectBackward0", x)


def _repeated_positions(counts, output_size):
    """repeat_interleave(counts): 0, 1, ... repeated counts[0], counts[1], ... times, in counts' dtype."""
    if counts.ndim != 1 or counts.dtype.kind not in "iu":
        raise ShapeError(f"repeat_interleave: called with only a tensor of counts, it needs a 1-D integer tensor, "
                         f"got shape {counts.shape} and dtype {counts.dtype}; pass repeats= to repeat a tensor's "
                         "elements")
    host = np.asarray(counts.numpy())
    if (host < 0).any():
        raise ArgumentRangeError(f"repeat_interleave: counts must be >= 0, got {host.tolist()}; pass counts of "
                                 f"copies, 0 or more")
    _check_output_size(output_size, int(host.sum()))
    positions = np.repeat(np.arange(host.shape[0], dtype=host.dtype), host)
    return Tensor(positions, device=counts.device)


def _check_output_size(output_size, size):
    if output_size is not None and output_size != size:
        raise ShapeError(f"repeat_interleave: output_size={output_size} but the result has {size} elements along "
                         f"the repeated dim; pass output_size={size} or leave it out")


def broadcast_to(input, size=None, *, shape=None):
    """View `input` with the given broadcast-compatible `size` (PyTorch's keyword; NumPy's `shape=` is taken too)."""
    check_tensor("broadcast_to", input)
    if (size is None) == (shape is None):
        raise TypeError("broadcast_to: give the target size once, positionally or as size= (NumPy's shape= also "
                        f"works), got size={size!r}, shape={shape!r}")
    return broadcast_checked("broadcast_to", input, size if shape is None else shape)


def broadcast_to_method(self, *size, **kwargs):
    """Tensor.broadcast_to: the size as one sequence, as separate ints (x.broadcast_to(2, 3)) or as size=."""
    return broadcast_to(self, _sizes("broadcast_to", size), **kwargs) if size else broadcast_to(self, **kwargs)


def broadcast_checked(op, x, shape, what="the tensor"):
    """x broadcast to `shape`, or a ShapeError naming `op` and the first dim that cannot be broadcast."""
    shape = tuple(int(n) for n in shape)
    lead = len(shape) - x.ndim
    if builtins.any(n < 0 for n in shape):
        raise ShapeError(f"{op}: cannot broadcast {what} of shape {x.shape} to {shape}: sizes must be >= 0")
    if lead < 0:
        raise ShapeError(f"{op}: cannot broadcast {what} of shape {x.shape} to {shape}: the target has fewer "
                         "dims; give a size for every dim")
    for i, n in enumerate(x.shape):
        if n != shape[lead + i] and n != 1:
            raise ShapeError(f"{op}: cannot broadcast {what} of shape {x.shape} to {shape}: dim {lead + i} "
                             f"has size {n} where the target has {shape[lead + i]}; only dims of size 1 can be "
                             "expanded (reshape, unsqueeze or repeat it first)")
    return BroadcastTo.apply(x, shape)


def flip(input, dims=None, *, axis=None):
    """Reverse the order of elements along `dims` (an int or sequence, required as in PyTorch)."""
    check_tensor("flip", input)
    dims, _ = resolve("flip", dims, axis, False, None)
    if dims is None:
        every = tuple(range(input.ndim))
        raise TypeError(f"flip(): missing the required argument 'dims' (input of shape {tuple(input.shape)}); "
                        f"PyTorch has no default: pass the dims to reverse, e.g. flip(x, dims={every}) for every dim")
    given = dims
    dims = tuple(normalize("flip", d, input.ndim) for d in ((dims,) if isinstance(dims, numbers.Integral) else dims))
    _once_each("flip", dims, given, input.shape)
    if input.ndim == 0:
        dims = ()   # PyTorch takes dim 0 / -1 of a 0-d tensor, and there is nothing to reverse
    return Flip.apply(input, dims)


def pad(x, pad_width, value=0):
    """Pad with a constant; pad_width as NumPy's ((before, after), ...) or an int for every side."""
    check_tensor("pad", x)
    if isinstance(pad_width, int):
        pad_width = ((pad_width, pad_width),) * x.ndim
    pad_width = tuple((int(a), int(b)) for a, b in pad_width)
    if len(pad_width) != x.ndim:
        raise ValueError(f"pad: pad_width has {len(pad_width)} pairs but the tensor has {x.ndim} dimensions")
    return Pad.apply(x, pad_width, value)
