"""keras.ops for reading and writing parts of tensors and for choosing between values: `get_item`, `slice`,
`slice_update`, `scatter`, `scatter_update`, `select`, plus `dtype`, `is_tensor` and `saturate_cast`,
with Keras's arguments. Updates are out of place (a new tensor) and gradients flow to both the input and the
updates. Re-exported by keras.ops."""
import builtins

import numpy as np

import autograd as ag
from autograd import Tensor

from . import ops_dtype_rules as rules
from .ops_args import _t
from .ops_math import _result_dtype

REDUCTIONS = {"add": "add", "mul": "prod", "max": "amax", "min": "amin"}


def dtype(x):
    """The dtype of `x` as Keras's string name ('float32', 'int32', 'bool', ...)."""
    return _t(x).dtype.name


def is_tensor(x):
    """Whether `x` is a deepgrad Tensor (NumPy arrays and Python numbers are not)."""
    return isinstance(x, Tensor)


def get_item(x, key):
    """x[key], with NumPy indexing (ints, slices, None, Ellipsis, integer arrays, boolean masks)."""
    return _t(x)[key]


def _window(x, start_indices, shape, name, clip=False):
    """The basic-index tuple selecting the box of `shape` that starts at `start_indices` in x (with `clip`, a box
    may reach past an axis's end)."""
    starts = [int(s) for s in (start_indices.numpy() if isinstance(start_indices, Tensor) else start_indices)]
    shape = [int(d) for d in shape]
    if len(starts) != x.ndim or len(shape) != x.ndim:
        raise ValueError(f"keras.ops.{name}: start_indices {starts} and shape {shape} need one entry per axis of "
                         f"the input of shape {tuple(x.shape)}")
    for axis, (start, size, dim) in enumerate(zip(starts, shape, x.shape)):
        if size < 0 or start < 0 or start + size > dim and not clip:
            raise ValueError(f"keras.ops.{name}: the box from {starts} of shape {shape} leaves axis {axis} (size "
                             f"{dim}) of the input of shape {tuple(x.shape)}")
    return tuple(builtins.slice(s, s + n) for s, n in zip(starts, shape))


def slice(inputs, start_indices, shape):
    """The box of `shape` starting at `start_indices` (one start and one size per axis); a box reaching past an
    axis's end stops there, as Keras's torch backend slices it."""
    x = _t(inputs)
    return x[_window(x, start_indices, shape, "slice", clip=True)]


def _leading_box(x, starts, updates):
    """The index tuple Keras's torch backend writes `updates` through when `starts` (Python ints) name fewer axes
    than x has: each named axis from its start for the update's length, every later axis whole; and `updates`
    broadcast to that box's shape."""
    box = tuple(builtins.slice(s, s + n) for s, n in zip(starts, updates.shape)) + \
        (builtins.slice(None),) * (x.ndim - min(len(starts), updates.ndim))
    box = tuple(builtins.slice(lo, max(lo, hi)) for lo, hi, _ in (b.indices(d) for b, d in zip(box, x.shape)))
    region = tuple(b.stop - b.start for b in box)
    try:
        target = np.broadcast_shapes(tuple(updates.shape), region)
    except ValueError:
        target = None
    if target != region:
        raise RuntimeError(f"keras.ops.slice_update: updates of shape {tuple(updates.shape)} do not fit the box "
                           f"{region} that start_indices {list(starts)} select in the input of shape "
                           f"{tuple(x.shape)} (the axes after the given starts are taken whole); give updates that "
                           f"shape, or one start per axis")
    return box, updates.expand(*region)


def slice_update(inputs, start_indices, updates):
    """`inputs` with the box starting at `start_indices` replaced by `updates` (a new tensor); a list of fewer
    starts than axes updates the leading axes, the later ones whole, as Keras does."""
    x, updates = _t(inputs), _t(updates)
    if (isinstance(start_indices, (list, tuple)) and len(start_indices) < x.ndim
            and all(isinstance(s, int) for s in start_indices)):
        box, updates = _leading_box(x, [int(s) for s in start_indices], updates)
    else:
        if len(start_indices) < x.ndim:   # Keras's tensor path indexes one start per axis of the updates
            raise IndexError(f"keras.ops.slice_update: {len(start_indices)} start index(es) for updates of shape "
                             f"{tuple(updates.shape)} into an input of shape {tuple(x.shape)}; give one start per "
                             f"axis (only a list of Python ints may name just the leading axes)")
        box = _window(x, start_indices, updates.shape, "slice_update")
    mask = np.zeros(tuple(x.shape), dtype=bool)
    mask[box] = True
    padded = ag.pad(updates.astype(x.dtype), tuple((b.start, d - b.stop) for b, d in zip(box, x.shape)))
    return ag.where(ag.tensor(mask), padded, x)


def _coordinates(indices, shape, name):
    """Integer `indices` of shape (..., k) as an (n, k) NumPy array of coordinates, checked against the first k
    axes of `shape`."""
    index = _t(indices)
    if index.dtype.kind not in "iu" or index.ndim < 1 or index.shape[-1] > len(shape):
        raise ValueError(f"keras.ops.{name}: indices must be integers of shape (..., k) with k <= {len(shape)} "
                         f"(the target's rank), got dtype {index.dtype} and shape {tuple(index.shape)}")
    data = index.numpy().reshape(-1, index.shape[-1]).astype(np.int64)
    bounds = np.asarray(shape[:index.shape[-1]])
    if data.size and ((data < 0) | (data >= bounds)).any():
        raise IndexError(f"keras.ops.{name}: indices out of range for shape {tuple(shape)}")
    return data


def scatter(indices, values, shape):
    """A zero tensor of `shape` with `values` added at `indices` (shape (..., k): each row addresses the first k
    axes; repeated indices sum)."""
    shape = tuple(int(d) for d in shape)
    data = _coordinates(indices, shape, "scatter")
    values, slice_shape = _t(values), shape[data.shape[1]:]
    if values.size != data.shape[0] * int(np.prod(slice_shape)):
        raise ValueError(f"keras.ops.scatter: values of shape {tuple(values.shape)} do not fill the "
                         f"{data.shape[0]} slice(s) of shape {slice_shape} that indices of shape "
                         f"{tuple(_t(indices).shape)} address in shape {shape}; give values of shape "
                         f"{tuple(_t(indices).shape[:-1]) + slice_shape} (indices.shape[:-1] + shape[k:])")
    values = values.reshape(data.shape[0], *slice_shape)
    out = ag.zeros(*shape, dtype=values.dtype)
    return ag.index_put(out, tuple(ag.tensor(c) for c in data.T), values, accumulate=True)


def scatter_update(inputs, indices, updates, reduction=None):
    """`inputs` with `updates` written at `indices` (shape (..., k)), replacing the values (the last write wins
    for repeated indices) or combining with them by reduction 'add', 'mul', 'max' or 'min'."""
    x = _t(inputs)
    if reduction is not None and reduction not in REDUCTIONS:
        raise ValueError(f"keras.ops.scatter_update: reduction must be None or one of {', '.join(REDUCTIONS)}, "
                         f"got {reduction!r}")
    shape = tuple(x.shape)
    data = _coordinates(indices, shape, "scatter_update")
    k = data.shape[1]
    updates = _t(updates).astype(x.dtype).reshape(data.shape[0], *shape[k:])
    if reduction is None:
        return ag.index_put(x, tuple(ag.tensor(c) for c in data.T), updates)
    flat = x.reshape(int(np.prod(shape[:k])), *shape[k:])
    rows = ag.tensor(np.ravel_multi_index(tuple(data.T), shape[:k]) if data.size else np.zeros(0, np.int64))
    if reduction == "add":
        merged = ag.index_add(flat, 0, rows, updates)
    else:
        merged = ag.index_reduce(flat, 0, rows, updates, REDUCTIONS[reduction], include_self=True)
    return merged.reshape(*shape)


def select(condlist, choicelist, default=0):
    """Per element, the value from the first choice whose condition holds, else `default` (NumPy's select)."""
    if len(condlist) != len(choicelist) or not condlist:
        raise ValueError(f"keras.ops.select: condlist and choicelist must be non-empty and equally long, got "
                         f"{len(condlist)} and {len(choicelist)}")
    choices = [_t(c) for c in choicelist]
    common = _result_dtype(*choices)
    result = _t(default).astype(common)
    for cond, choice in zip(reversed(condlist), reversed(choices)):
        cond = _t(cond)
        result = ag.where(cond if cond.dtype == ag.bool_ else cond != 0, choice.astype(common), result)
    return result


def saturate_cast(x, dtype):
    """`x` cast to `dtype` with values clipped to its range first (NaN becomes 0 for integer dtypes, negatives
    False for bool), so nothing wraps around; gradients flow for float-to-float casts."""
    x, target = _t(x), rules.numpy_dtype(dtype)
    if target.kind == "f" or target.name == "bfloat16":
        if x.dtype.kind == "f" or x.dtype.name == "bfloat16":
            # as Keras, always (infinities become the largest finite value): the smaller of the two ranges in x's
            # dtype, nudged towards zero when rounding took it past the target's range
            top = float(ag.finfo(target).max)
            limit = np.asarray(min(float(ag.finfo(x.dtype).max), top)).astype(x.dtype)
            if float(limit) > top:
                limit = np.nextafter(limit, np.zeros((), x.dtype))
            x = ag.clamp(x, -float(limit), float(limit))
        return x.astype(target)
    if target.kind == "b":
        # the bool range is [0, 1]: negatives clip to False; NaN stays true as in any cast to bool
        return (x > 0) | ag.isnan(x) if x.dtype.kind == "f" else x > 0
    info = np.iinfo(target)
    data = (x.float() if x.dtype.name == "bfloat16" else x).numpy()
    if data.dtype.kind == "f":
        finite = float(ag.finfo(x.dtype).max)   # as Keras: infinities are first clipped to x's own range
        wide = np.nan_to_num(data.astype(np.float64), nan=0.0, posinf=finite, neginf=-finite)
        high, low = wide >= float(info.max), wide <= float(info.min)
        result = np.zeros(wide.shape, dtype=target)
        result[high], result[low] = info.max, info.min
        inside = ~(high | low)
        result[inside] = np.trunc(wide[inside]).astype(target)
        return ag.tensor(result)
    return ag.tensor(np.clip(data.astype(np.int64) if data.dtype.kind == "b" else data, info.min, info.max)
                     .astype(target))
