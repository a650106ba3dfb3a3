"""keras.ops that find, count and bucket values: `argpartition`, `searchsorted`, `digitize`, `bincount`,
`histogram`, `isin`, `nonzero`, `unique` and `unravel_index`, with Keras's arguments and int32 index results
(int64 for `unique`'s, as Keras's torch backend). Only `bincount`'s weights carry a gradient. Re-exported by
keras.ops."""
import numpy as np

import autograd as ag
from autograd.errors import ArgumentRangeError, ShapeError

from .ops_args import _t


def _int_tensor(x, name, what="x"):
    x = _t(x)
    if x.dtype.kind not in "iu":
        raise TypeError(f"keras.ops.{name}: {what} must hold integers, got dtype {x.dtype}; cast it with "
                        f"keras.ops.cast({what}, 'int32')")
    return x


def argpartition(x, kth, axis=-1):
    """Indices that partition `x` along `axis`: the kth entry is the one a sort would put there, smaller values
    come before it and larger after (int32; this returns the full stable sort order, one valid partition)."""
    x = _t(x)
    size = x.shape[axis] if x.ndim else 1
    if not -size <= int(kth) < size:
        raise ValueError(f"keras.ops.argpartition: kth={kth} is out of range for axis {axis} of size {size}")
    return ag.argsort(x, dim=axis, stable=True).astype(np.int32)


def searchsorted(sorted_sequence, values, side="left"):
    """Where each of `values` would go in the 1-D ascending `sorted_sequence` to keep it sorted: before equal
    entries for side='left', after them for 'right' (int32)."""
    seq, values = _t(sorted_sequence), _t(values)
    if seq.ndim != 1:
        raise ValueError(f"keras.ops.searchsorted: sorted_sequence must be 1-D, got shape {tuple(seq.shape)}")
    if side not in ("left", "right"):
        raise ValueError(f"keras.ops.searchsorted: side must be 'left' or 'right', got {side!r}")
    if values.dtype != seq.dtype:
        values = values.astype(np.result_type(values.dtype, seq.dtype))
        seq = seq.astype(values.dtype)
    return ag.searchsorted(seq, values, side=side).astype(np.int32)


def digitize(x, bins):
    """The index of the bin each value of `x` falls in: i with bins[i - 1] <= x < bins[i] for increasing `bins`,
    bins[i - 1] > x >= bins[i] for decreasing ones (NumPy's; int32)."""
    x, edges = _t(x), _t(bins)
    if edges.ndim != 1:
        raise ShapeError(f"keras.ops.digitize: bins must be 1-D, got shape {tuple(edges.shape)}")
    flat = x.reshape(-1)
    if edges.shape[0] > 1 and bool((edges[1:] < edges[:-1]).any()):
        reversed_edges = ag.flip(edges, (0,))
        index = edges.shape[0] - searchsorted(reversed_edges, flat, side="right")
    else:
        index = searchsorted(edges, flat, side="right")
    return index.reshape(*x.shape)


def bincount(x, weights=None, minlength=0, sparse=False):
    """How often each non-negative integer occurs in `x` (1-D, or 2-D counted row by row), summing `weights`
    instead of ones when given; at least `minlength` bins (int32 counts, weights' dtype for float weights)."""
    if sparse:
        raise ValueError("keras.ops.bincount: sparse outputs are not supported (pass sparse=False)")
    x = _int_tensor(x, "bincount")
    if x.ndim not in (1, 2):
        raise ValueError(f"keras.ops.bincount: x must be 1-D or 2-D, got shape {tuple(x.shape)}")
    ids = x.numpy().astype(np.int64)
    if ids.size and ids.min() < 0:
        raise ArgumentRangeError(f"keras.ops.bincount: x must hold non-negative integers (bincount only supports "
                                 f"1-d non-negative integral inputs), got {int(ids.min())}; shift or mask the "
                                 f"negative values first")
    length = max(int(minlength), int(ids.max()) + 1 if ids.size else 0)
    if weights is None:
        values = ag.ones(*x.shape, dtype=ag.int32)
    else:
        values = _t(weights)
        if tuple(values.shape) != tuple(x.shape):
            raise ValueError(f"keras.ops.bincount: weights of shape {tuple(values.shape)} must match x's shape "
                             f"{tuple(x.shape)}")
        if values.dtype.kind != "f":
            values = values.astype(np.int32)
    rows = 1 if x.ndim == 1 else x.shape[0]
    offsets = ids + (np.arange(rows)[:, None] * length if x.ndim == 2 else 0)
    out = ag.zeros(rows * length, dtype=values.dtype)
    counts = ag.index_add(out, 0, ag.tensor(offsets.reshape(-1)), values.reshape(-1))
    return counts.reshape(rows, length) if x.ndim == 2 else counts


def histogram(x, bins=10, range=None):
    """(counts, edges) of the values of `x` in `bins` equal bins over `range` (min to max of x by default): the
    counts and the bins + 1 edges in float64 for float64 input (as Keras's torch backend), else in float32."""
    x = _t(x)
    if not isinstance(bins, (int, np.integer)):
        raise TypeError(f"keras.ops.histogram: bins must be a positive int, got {bins!r}")
    if bins <= 0:
        raise ArgumentRangeError(f"keras.ops.histogram: bins must be > 0, got {bins}; pass a count of bins, e.g. "
                                 "bins=10")
    dtype = np.float64 if x.dtype == np.float64 else np.float32
    data = x.numpy().astype(dtype).reshape(-1)
    if range is None:
        low, high = (float(data.min()), float(data.max())) if data.size else (0.0, 1.0)
    else:
        low, high = float(range[0]), float(range[1])
    if low == high:   # one value only: the range widens by a half on each side (PyTorch, NumPy)
        low, high = low - 0.5, high + 0.5
    # PyTorch's edges (its linspace, which fills the upper half from the end) and its binning by those edges, the
    # last edge closed; NumPy's edges differ from them in the last bit
    edges = ag.linspace(low, high, int(bins) + 1, dtype=dtype).numpy()
    inside = data[(data >= edges[0]) & (data <= edges[-1])]
    slots = np.minimum(np.searchsorted(edges, inside, side="right") - 1, int(bins) - 1)
    counts = np.bincount(slots, minlength=int(bins)).astype(dtype)
    return ag.tensor(counts), ag.tensor(edges)


def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each value of x1 occurs in x2 (not occurs, with invert), shaped like x1 (bool)."""
    a, b = _t(x1), _t(x2)
    if a.dtype != b.dtype:
        common = np.result_type(a.dtype, b.dtype)
        a, b = a.astype(common), b.astype(common)
    return ag.isin(a, b.reshape(-1), assume_unique=assume_unique, invert=invert)


def nonzero(x):
    """The indices of the non-zero values of `x`, as NumPy's tuple of int32 tensors (one per axis)."""
    x = _t(x)
    if x.ndim == 0:
        x = x.reshape(1)
    return tuple(i.astype(np.int32) for i in ag.nonzero(x, as_tuple=True))


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None,
           fill_value=None):
    """The distinct values of `x` in ascending order (distinct slices along `axis` when given), with optional
    first-occurrence indices, the inverse mapping (shaped like x for axis=None) and counts (int64). `size` pads
    (with `fill_value`, 0 by default) or truncates the results to a fixed length."""
    x = _t(x)
    data = x.numpy()
    values, index, inverse, counts = np.unique(data.reshape(-1) if axis is None else data, return_index=True,
                                               return_inverse=True, return_counts=True, axis=axis)
    inverse = inverse.reshape(data.shape if axis is None else (-1,))
    if size is not None:
        values = _fixed(values, size, 0 if fill_value is None else fill_value, axis or 0)
        index, counts = _fixed(index, size, 0, 0), _fixed(counts, size, 0, 0)
    results = [ag.tensor(np.ascontiguousarray(values).astype(data.dtype))]
    for wanted, extra in ((return_index, index), (return_inverse, inverse), (return_counts, counts)):
        if wanted:
            results.append(ag.tensor(np.asarray(extra, dtype=np.int64)))
    return results[0] if len(results) == 1 else tuple(results)


def _fixed(array, size, fill, axis):
    """`array` cut or padded with `fill` to length `size` along `axis`."""
    length = array.shape[axis]
    if length >= size:
        return np.take(array, np.arange(size), axis=axis)
    pad = [(0, 0)] * array.ndim
    pad[axis] = (0, size - length)
    return np.pad(array, pad, constant_values=fill)


def unravel_index(indices, shape):
    """The coordinates in an array of `shape` (a tuple, or an int for 1-D) of each flat index (negative indices
    count from the end), as a tuple of int32 tensors."""
    flat = _int_tensor(indices, "unravel_index", "indices").numpy().astype(np.int64)
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(d) for d in shape)
    total = int(np.prod(shape))
    if flat.size and (flat.max() >= total or flat.min() < -total):
        raise ValueError(f"keras.ops.unravel_index: indices must lie in [-{total}, {total}) for shape {shape}")
    coords = np.unravel_index(np.mod(flat, total), shape)
    return tuple(ag.tensor(np.asarray(c, dtype=np.int32)) for c in coords)
