"""Scatter-add with repeated indices accumulated: the gradient of indexing and of embeddings.

np.add.at is exact but slow on 2-D operands. Integer indices on leading axes become row numbers;
rows are then added whole by fancy indexing, one rank of repeats at a time, when repeats are few
(embeddings), or summed through np.bincount (one value per row) or the fast 1-D np.add.at on flat
positions. Indices that cannot repeat are added directly; anything else goes to np.add.at as given.
"""
import numpy as np

from ..array_kernels.scatter import checked_index, out_of_bounds

#: ranks of repeated rows added by fancy indexing before the rest goes to np.add.at
_ROUNDS = 4


def _is_int_array(part):
    return isinstance(part, np.ndarray) and part.dtype.kind in "iu"


def _is_scalar_int(part):
    return isinstance(part, (int, np.integer)) and not isinstance(part, bool)


def scatter_add(out, index, src):
    """out[index] += src in place, accumulating repeated indices (index: a NumPy-style index)."""
    parts = index if isinstance(index, tuple) else (index,)
    arrays = [p for p in parts if _is_int_array(p) and p.ndim > 0]
    if not arrays:
        masks = [p for p in parts if isinstance(p, np.ndarray) and p.dtype == np.bool_]
        if len(masks) <= 1:
            out[index] += src   # ints, slices, None, Ellipsis and one mask select each element once
            return
    elif len(parts) <= out.ndim and out.flags.c_contiguous and all(
            _is_int_array(p) or _is_scalar_int(p) for p in parts):
        # integer indices on the leading k axes: flat row numbers into out viewed as (rows, rest)
        lead = out.shape[:len(parts)]
        coords = np.broadcast_arrays(*[_in_bounds("scatter_add", np.asarray(p), axis, out.shape)
                                       for axis, p in enumerate(parts)])
        rows = np.ravel_multi_index(coords, lead).reshape(-1)
        rest = out.shape[len(parts):]
        src = np.broadcast_to(src, coords[0].shape + rest).reshape((rows.size,) + rest)
        index_add(out.reshape((-1,) + rest), rows, src)
        return
    elif _add_distinct_rows(out, parts, src):
        return
    np.add.at(out, index, src)


#: at most this many rows of an index array are added one fancy-indexed add each (unfold's kH * kW)
_MAX_DISTINCT_ROWS = 64
#: elements of `out` in one block of leading rows, which stays in cache while every index row is added to it
_BLOCK_ELEMENTS = 2 ** 16


def _add_distinct_rows(out, parts, src):
    """out[parts] += src for parts = full slices, one integer array, full slices (x[:, :, table]'s gradient, as
    unfold's), when each row of the array along its first axis holds distinct positions: plain fancy-indexed adds,
    a block of leading rows at a time and index row after index row in each, so each position gets its values in
    np.add.at's order (the same bits) at a few times its speed. Returns False, having added nothing, where that
    does not apply."""
    full = slice(None)
    arrays = [k for k, p in enumerate(parts) if not (isinstance(p, slice) and p == full)]
    if (len(arrays) != 1 or len(parts) > out.ndim or not out.flags.c_contiguous or not isinstance(src, np.ndarray)
            or src.dtype != out.dtype):
        return False
    axis = arrays[0]
    index = parts[axis]
    if not _is_int_array(index) or index.ndim == 0 or index.size == 0 or index.shape[0] > _MAX_DISTINCT_ROWS:
        return False
    index = _in_bounds("scatter_add", index, axis, out.shape)
    rows = index.reshape(index.shape[0], -1)
    ordered = np.sort(rows, axis=1)
    if (ordered[:, 1:] == ordered[:, :-1]).any():
        return False
    lead, size, rest = out.shape[:axis], out.shape[axis], out.shape[axis + 1:]
    count, width = int(np.prod(lead, dtype=np.int64)), int(np.prod(rest, dtype=np.int64))
    flat = out.reshape(count, size, width)
    src = np.broadcast_to(src, lead + index.shape + rest).reshape((count,) + rows.shape + (width,))
    step = max(1, _BLOCK_ELEMENTS // max(size * width, 1))
    for first in range(0, count, step):
        block, values = flat[first:first + step], src[first:first + step]
        for r in range(rows.shape[0]):
            block[:, rows[r]] += values[:, r]
    return True


def _in_bounds(op, index, axis, shape):
    """index with negative entries wrapped, after checking every entry lies in [-size, size) for
    size = shape[axis]."""
    size = shape[axis]
    if index.size == 0:
        return index.astype(np.intp, copy=False)
    low, high = index.min(), index.max()
    if low < -size or high >= size:
        raise out_of_bounds(op, int(low if low < -size else high), axis, size, shape)
    index = index.astype(np.intp, copy=False)
    return np.where(index < 0, index + size, index) if low < 0 else index


def index_add(out, index, src):
    """out[index[i]] += src[i] in place along axis 0, accumulating repeats (embedding gradients)."""
    index = _in_bounds("index_add", checked_index(np, out, index), 0, out.shape)
    rows = out.shape[0]
    src = np.broadcast_to(np.asarray(src, dtype=out.dtype), index.shape + out.shape[1:])
    if index.size == 0 or out.size == 0:
        return
    if not out.flags.c_contiguous:
        np.add.at(out, index, src)
        return
    width = out.size // rows
    src = src.reshape(index.size, width)
    if width == 1 and out.dtype.kind == "f" and rows <= 8 * index.size:
        out.reshape(-1)[...] += np.bincount(index, weights=src.reshape(-1), minlength=rows)
    elif width > 1 and index.size <= rows:   # few repeats expected: whole-row adds pay off
        _add_rows(out.reshape(rows, width), index, src)
    else:
        _add_flat(out.reshape(rows, width), index, src)


def _add_flat(out, index, src):
    """out[index[i]] += src[i] for 2-D C-contiguous out by the fast 1-D np.add.at on flat positions."""
    width = out.shape[1]
    positions = index[:, None] * width + np.arange(width) if width > 1 else index
    np.add.at(out.reshape(-1), positions.reshape(-1), src.reshape(-1))


def _add_rows(out, index, src):
    """out[index[i]] += src[i] for 2-D C-contiguous out, whole rows at a time.

    Sorting the index ranks each occurrence of a row (0 for its first, 1 for its second, ...); the
    occurrences of one rank are distinct rows, so each rank is one plain fancy-indexed add. Rows
    repeated more than _ROUNDS times finish in one np.add.at over flat positions.
    """
    order = np.argsort(index, kind="stable")
    ordered = index[order]
    first = np.empty(index.size, bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    if starts.size == index.size:
        out[index] += src
        return
    rank = np.arange(index.size) - np.repeat(starts, np.diff(np.append(starts, index.size)))
    for r in range(_ROUNDS):
        at = np.flatnonzero(rank == r)
        if at.size == 0:
            return
        out[ordered[at]] += src[order[at]]
    rest = order[rank >= _ROUNDS]
    if rest.size:
        _add_flat(out, index[rest], src[rest])
