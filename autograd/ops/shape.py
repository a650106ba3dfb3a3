"""Shape ops: reshape, transpose, squeeze, broadcast, flip, pad, and joining/splitting tensors."""
import numpy as np

from ..broadcast import unbroadcast
from ..function import Function
from ..tensor import Tensor


class Reshape(Function):
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return x.reshape(shape)

    def backward(ctx, gy):
        return gy.reshape(ctx.shape), None

    @staticmethod
    def explain_error(args, exc):
        x, shape = args
        return (f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) into {tuple(shape)}; "
                "the number of elements must stay the same (one dimension may be -1)")


class Transpose(Function):
    def forward(ctx, x, axes):
        ctx.axes = axes
        return x.transpose(axes)

    def backward(ctx, gy):
        return gy.transpose(tuple(np.argsort(ctx.axes))) if ctx.axes is not None else gy.transpose(), None


class BroadcastTo(Function):
    op_name = "broadcast_to"

    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return ctx.xp.broadcast_to(x, shape)

    def backward(ctx, gy):
        return unbroadcast(gy, ctx.shape), None


class Flip(Function):
    def forward(ctx, x, axis):
        ctx.axis = axis
        return ctx.xp.flip(x, axis)

    def backward(ctx, gy):
        return ctx.xp.flip(gy, ctx.axis), None


class Pad(Function):
    def forward(ctx, x, pad_width, value):
        ctx.crop = tuple(slice(lo, lo + n) for (lo, _), n in zip(pad_width, x.shape))
        return ctx.xp.pad(x, pad_width, mode="constant", constant_values=value)

    def backward(ctx, gy):
        return gy[ctx.crop], None, None


class Concatenate(Function):
    def forward(ctx, *arrays, axis=0):
        ctx.axis = axis
        ctx.bounds = np.cumsum([0] + [a.shape[axis] for a in arrays])
        return ctx.xp.concatenate(arrays, axis=axis)

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
        return ctx.xp.stack(arrays, axis=axis)

    def backward(ctx, gy):
        axis = ctx.axis % gy.ndim
        lead = (slice(None),) * axis
        return tuple(gy[lead + (i,)] for i in range(gy.shape[axis]))

    @staticmethod
    def explain_error(args, exc):
        shapes = [tuple(a.shape) for a in args if isinstance(a, Tensor)]
        return f"stack: every tensor must have the same shape, got {shapes}"


class Split(Function):
    def forward(ctx, x, indices_or_sections, axis=0):
        ctx.axis = axis
        ctx.shape = x.shape
        return tuple(ctx.xp.split(x, indices_or_sections, axis=axis))

    def backward(ctx, *grads):
        return ctx.xp.concatenate(grads, axis=ctx.axis), None


def reshape(x, *shape):
    """The same values in a new shape (one dimension may be -1)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    shape = tuple(int(s) for s in shape)
    if shape == x.shape:
        return x
    return Reshape.apply(x, shape)


def transpose(x, axes=None):
    """Permute the axes (reverse them when axes is None)."""
    if axes is not None:
        axes = tuple(int(a) % x.ndim for a in axes)
        if sorted(axes) != list(range(x.ndim)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of the {x.ndim} axes of shape {x.shape}")
    return Transpose.apply(x, axes)


def swapaxes(x, axis1, axis2):
    """Exchange two axes."""
    axes = list(range(x.ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return Transpose.apply(x, tuple(axes))


def _normalise_axis(axis, ndim, op):
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for {ndim} dimensions")
    return axis % ndim


def squeeze(x, axis=None):
    """Remove axes of length 1 (all of them, or those in `axis`)."""
    if axis is None:
        shape = tuple(n for n in x.shape if n != 1)
    else:
        axes = (axis,) if isinstance(axis, int) else axis
        axes = {_normalise_axis(a, x.ndim, "squeeze") for a in axes}
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError(f"squeeze: axis {a} of shape {x.shape} has length {x.shape[a]}, not 1")
        shape = tuple(n for i, n in enumerate(x.shape) if i not in axes)
    return reshape(x, shape)


def expand_dims(x, axis):
    """Insert a length-1 axis at position `axis`."""
    axis = _normalise_axis(axis, x.ndim + 1, "expand_dims")
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])


unsqueeze = expand_dims


def flatten(x, start_axis=0, end_axis=-1):
    """Merge axes start_axis..end_axis into one."""
    if x.ndim == 0:
        return reshape(x, (1,))
    start = _normalise_axis(start_axis, x.ndim, "flatten")
    end = _normalise_axis(end_axis, x.ndim, "flatten")
    merged = int(np.prod(x.shape[start:end + 1]))
    return reshape(x, x.shape[:start] + (merged,) + x.shape[end + 1:])


def broadcast_to(x, shape):
    """View x with the given (broadcast-compatible) shape."""
    shape = tuple(shape)
    if shape == x.shape:
        return x
    try:
        np.broadcast_shapes(x.shape, shape)
    except ValueError:
        raise ValueError(f"broadcast_to: shape {x.shape} cannot be broadcast to {shape}") from None
    return BroadcastTo.apply(x, shape)


def flip(x, axis=None):
    """Reverse the order of elements along `axis` (all axes when None)."""
    return Flip.apply(x, axis)


def pad(x, pad_width, value=0):
    """Pad with a constant; pad_width as NumPy's ((before, after), ...) or an int for every side."""
    if isinstance(pad_width, int):
        pad_width = ((pad_width, pad_width),) * x.ndim
    pad_width = tuple((int(a), int(b)) for a, b in pad_width)
    if len(pad_width) != x.ndim:
        raise ValueError(f"pad: pad_width has {len(pad_width)} pairs but the tensor has {x.ndim} dimensions")
    return Pad.apply(x, pad_width, value)


def concatenate(tensors, axis=0):
    """Join tensors along an existing axis."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("concatenate: needs at least one tensor")
    return Concatenate.apply(*tensors, axis=axis)


def stack(tensors, axis=0):
    """Join same-shaped tensors along a new axis."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack: needs at least one tensor")
    return Stack.apply(*tensors, axis=axis)


def split(x, indices_or_sections, axis=0):
    """Split into equal sections (an int) or at the given indices (a list), as NumPy does."""
    if isinstance(indices_or_sections, int) and x.shape[axis] % indices_or_sections:
        raise ValueError(f"split: axis {axis} of length {x.shape[axis]} does not divide into "
                         f"{indices_or_sections} equal sections; pass split indices instead")
    out = Split.apply(x, indices_or_sections, axis=axis)
    return list(out) if isinstance(out, tuple) else [out]
