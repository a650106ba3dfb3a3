"""Output shapes of keras.ops nodes that Keras works out from the input shapes alone, where a run on zeros cannot
stand in for an unknown (None) size: reshape (a target shape a (None, 3) tensor may or may not take: Keras trusts
it, and -1 stays unknown), squeeze(axis) (refused unless the axis is 1), and the broadcasting binary ops (None
meets a known size: the known size). Each rule gives (shape, dtype), dtype None where a run must tell it."""
import math
import numbers

#: Keras's broadcasting binary ops (those whose compute_output_spec calls broadcast_shapes)
BROADCASTING = ("add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod", "power", "maximum",
                "minimum", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
                "logical_or", "logical_xor")


def static_output(op_name, fn, args, kwargs):
    """(shape, dtype) of the op's symbolic output by Keras's rule, or None where no rule applies (a run on zeros
    then tells). Raises ValueError where Keras refuses the shapes."""
    bound = dict(getattr(fn, "keywords", None) or {})
    bound.update(kwargs)
    if op_name == "reshape" and args and isinstance(bound.get("newshape"), (numbers.Integral, list, tuple)):
        return reshape_shape(args[0].shape, bound["newshape"]), args[0].dtype
    if op_name == "squeeze" and args:
        shape = squeeze_shape(args[0].shape, bound.get("axis"))
        return None if shape is None else (shape, args[0].dtype)
    if op_name == "unique" and args and not any(bound.get(k) for k in ("return_index", "return_inverse",
                                                                      "return_counts")):
        # data-dependent: Keras's count of distinct values is unknown unless `size` fixes it
        axis, length = bound.get("axis"), bound.get("size")
        if axis is None:
            return (length,), args[0].dtype
        shape = list(args[0].shape)
        shape[axis] = length
        return tuple(shape), args[0].dtype
    if op_name == "bincount" and args and getattr(args[0], "shape", None) is not None:
        # data-dependent too: the largest value decides the length, minlength only bounds it from below
        return tuple(args[0].shape[:-1]) + (None,), None
    if op_name in BROADCASTING and len(args) == 2 and not kwargs:
        shapes = [_shape(a) for a in args]
        if None not in shapes and any(None in s for s in shapes):
            return tuple(broadcast_shape(*shapes)), None
    return None


def _shape(value):
    if isinstance(value, (numbers.Number, bool)):
        return ()
    shape = getattr(value, "shape", None)
    return None if shape is None else tuple(shape)


def reshape_shape(input_shape, newshape):
    """Keras's reshape output shape: with an unknown size in or out, the target as given (-1 unknown); else the
    target with -1 worked out, refused when the sizes disagree."""
    newshape = (newshape,) if isinstance(newshape, numbers.Integral) else tuple(newshape)
    newshape = tuple(int(d) if isinstance(d, numbers.Integral) else None for d in newshape)
    if newshape.count(-1) > 1:
        raise ValueError(f"reshape: there must be at most one unknown dimension (-1) in newshape, got "
                         f"newshape={newshape}; give every size but one")
    if None in input_shape or None in newshape:
        return tuple(None if d == -1 else d for d in newshape)
    size = math.prod(input_shape)
    known = math.prod(d for d in newshape if d != -1)
    if -1 not in newshape:
        if size != known:
            raise ValueError(f"The total size of the tensor must be unchanged. Received: input_shape={input_shape}, "
                             f"newshape={newshape}; give a newshape of {size} elements")
        return newshape
    if known == 0 or size % known:
        raise ValueError(f"The total size of the tensor must be unchanged, however, the input size cannot by divided "
                         f"by the specified dimensions in newshape. Received: input_shape={input_shape}, "
                         f"newshape={newshape}")
    return tuple(size // known if d == -1 else d for d in newshape)


def squeeze_shape(input_shape, axis):
    """Keras's squeeze output shape: without `axis` the known 1s go; each axis given must be 1 (not unknown)."""
    shape = list(input_shape)
    if axis is None:
        return tuple(d for d in shape if d != 1)
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    for a in axes:
        if not -len(shape) <= a < len(shape):
            return None   # out of range: the op's own check names it
        if shape[a] != 1:
            raise ValueError(f"Cannot squeeze axis {a}, because the dimension is not 1 (input shape "
                             f"{tuple(input_shape)}); squeeze an axis of size 1, or reshape instead")
    dropped = {a % len(shape) for a in axes}
    return tuple(d for k, d in enumerate(shape) if k not in dropped)


def broadcast_shape(first, second):
    """Keras's broadcast of two shapes with unknown sizes: a known size wins over None, 1 gives way to anything."""
    rank = max(len(first), len(second))
    a = [1] * (rank - len(first)) + list(first)
    b = [1] * (rank - len(second)) + list(second)
    out = []
    for x, y in zip(a, b):
        if x == 1:
            out.append(y)
        elif x is None:
            out.append(None if y == 1 else y)
        elif y == 1 or y is None or y == x:
            out.append(x)
        else:
            raise ValueError(f"Cannot broadcast shape, the failure dim has value {x}, which cannot be broadcasted to "
                             f"{y}. Input shapes are: {list(first)} and {list(second)}.")
    return out
