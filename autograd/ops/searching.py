"""Where values fall among sorted boundaries (searchsorted, bucketize) and the index pairs of a matrix's
triangles (tril_indices, triu_indices); integer results without gradients."""
import numpy as np

from ..errors import ArgumentRangeError, ShapeError, SizeTypeError
from ..tensor import Tensor
from .dims import check_tensor
from .no_grad_op import no_grad_op


def _side(op, right, side):
    if side is not None:
        if side not in ("left", "right"):
            raise ArgumentRangeError(f"{op}: side must be 'left' or 'right', got {side!r}")
        if right and side == "left":
            raise ArgumentRangeError(f"{op}: right=True and side='left' contradict each other; pass one of them")
        return side
    return "right" if right else "left"


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """For each value of `input`, the index at which inserting it keeps `sorted_sequence` sorted along its last
    dim (the first such index, or the last with right=True / side='right'). A 1-D sequence serves all of
    input; an N-D one pairs its leading dims with input's."""
    check_tensor("searchsorted", sorted_sequence, "sorted_sequence")
    side = _side("searchsorted", right, side)
    values = input if isinstance(input, Tensor) else Tensor(np.asarray(input, dtype=sorted_sequence.dtype),
                                                            device=sorted_sequence.device)
    seq_nd = sorted_sequence.ndim > 1
    if seq_nd and sorted_sequence.shape[:-1] != values.shape[:-1]:
        raise ShapeError(f"searchsorted: an N-D sorted_sequence {sorted_sequence.shape} needs input with the same "
                         f"leading dims, got input {values.shape}; use a 1-D sequence to search every value in it")
    if sorter is not None:
        check_tensor("searchsorted", sorter, "sorter")
        if sorter.shape != sorted_sequence.shape:
            raise ShapeError(f"searchsorted: sorter of shape {sorter.shape} must match sorted_sequence's "
                             f"{sorted_sequence.shape}; pass sorted_sequence.argsort() as sorter")
    dtype = np.int32 if out_int32 else np.int64

    def compute(xp, seq, v, order=None):
        if order is not None:
            seq = xp.take_along_axis(seq, order, axis=-1)
        if seq.dtype.kind == "f" and seq.size and bool(xp.isnan(seq).any()):
            rows = seq.reshape(-1, seq.shape[-1])
            return _nan_aware_search(xp, rows, v.reshape(rows.shape[0], -1), side).reshape(v.shape).astype(dtype)
        if seq.ndim <= 1:
            return xp.searchsorted(seq.reshape(-1), v, side=side).astype(dtype)
        rows = seq.reshape(-1, seq.shape[-1])
        flat = v.reshape(rows.shape[0], -1)
        out = xp.stack([xp.searchsorted(r, w, side=side) for r, w in zip(rows, flat)]) if rows.shape[0] else \
            xp.zeros(flat.shape, dtype)
        return out.reshape(v.shape).astype(dtype)
    args = (sorted_sequence, values) + (() if sorter is None else (sorter,))
    return no_grad_op("searchsorted", compute, *args)


def _nan_aware_search(xp, rows, values, side):
    """PyTorch's binary search, run on every value of `values` (R, m) in its row of `rows` (R, n) at once: NumPy
    sorts NaN last, but PyTorch's search moves right at every comparison with a NaN (a boundary or the value), so
    [1, nan] puts 0.5 at 2; taken only when a boundary is NaN, where the two differ."""
    n = rows.shape[-1]
    start = xp.zeros(values.shape, np.int64)
    end = xp.full(values.shape, n, np.int64)
    for _ in range(int(n).bit_length() + 1):
        active = start < end
        mid = start + ((end - start) >> 1)
        mid_values = xp.take_along_axis(rows, xp.minimum(mid, n - 1), axis=-1)
        stays_left = (mid_values > values) if side == "right" else (mid_values >= values)
        start = xp.where(active & ~stays_left, mid + 1, start)
        end = xp.where(active & stays_left, mid, end)
    return start


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value of `input` among the sorted 1-D `boundaries`: i with boundaries[i-1] < x <=
    boundaries[i] (with right=True: boundaries[i-1] <= x < boundaries[i])."""
    check_tensor("bucketize", boundaries, "boundaries")
    if boundaries.ndim != 1:
        raise ShapeError(f"bucketize: boundaries must be 1-D, got shape {tuple(boundaries.shape)}; use searchsorted "
                         "for one sorted row per input row")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def _triangle_indices(op, pick, row, col, offset, dtype, device):
    for name, v in (("row", row), ("col", col), ("offset", offset)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
            raise SizeTypeError(f"{op}: {name} must be an int, got {type(v).__name__} {v!r}; pass int({name})")
        if v < 0 and name != "offset":
            raise ArgumentRangeError(f"{op}: {name} must be a non-negative int, got {v!r} (the matrix is row x col); "
                                     f"pass a size >= 0")
    rows, cols = pick(int(row), int(offset), int(col))
    return Tensor(np.stack([rows, cols]).astype(dtype if dtype is not None else np.int64), device=device)


def tril_indices(row, col, offset=0, *, dtype=None, device=None):
    """The (2, N) row and column indices of the lower triangle of a row x col matrix (diagonal `offset` and
    below), in row-major order."""
    return _triangle_indices("tril_indices", np.tril_indices, row, col, offset, dtype, device)


def triu_indices(row, col, offset=0, *, dtype=None, device=None):
    """The (2, N) row and column indices of the upper triangle of a row x col matrix (diagonal `offset` and
    above), in row-major order."""
    return _triangle_indices("triu_indices", np.triu_indices, row, col, offset, dtype, device)
