"""Sparse COO tensors (torch.sparse_coo_tensor): making them, their indices and values, coalescing, and the
conversions to and from dense tensors.

Two recorded ops join them to the graph, SparseFromValues (values -> sparse) and ValuesOf (sparse ->
values); everything else is written with dense ops on the values between those two, so gradients reach
the values of every sparse tensor the result came from. A gradient for a sparse tensor is itself sparse,
with that tensor's own indices (PyTorch's gradient of a sparse input: values at its entries only)."""
import numpy as np

import backends

from ..dtypes import get_default_dtype
from ..errors import ArgumentRangeError, DtypeError, IndexRangeError, ShapeError
from ..function import Function, named
from ..grad_mode import no_grad
from ..sparse_storage import SparseCOO, is_sparse_array, linear_positions as _linear
from ..tensor import Tensor


class SparseFromValues(Function):
    """A sparse COO tensor with the given values (nnz, *dense dims) at fixed indices; differentiable in the
    values."""
    op_name = "sparse_coo_tensor"
    torch_name = "SparseCooTensorWithDimsAndTensorsBackward0"
    half_native = True   # no arithmetic: float16/bfloat16 values stay as they are (not widened to float32)

    def forward(ctx, values, indices, shape, coalesced, layout="coo"):
        ctx.indices = indices
        # saved as PyTorch's node saves its result: a second backward through a freed graph is refused
        ctx.save_for_backward(indices)
        return SparseCOO(indices, values, shape, coalesced, layout)

    def backward(ctx, g):
        if isinstance(g, Tensor):   # create_graph: the values of the gradient, recorded
            return _values_at_graph(g, ctx.indices), None, None, None, None
        return _values_at(ctx.device, g, ctx.indices), None, None, None, None


class ValuesOf(Function):
    """The values of a sparse COO tensor, one row per stored entry (repeats of an uncoalesced one included)."""
    op_name = "values"
    torch_name = "ValuesBackward0"
    half_native = True

    def forward(ctx, s):
        ctx.indices, ctx.shape, ctx.coalesced, ctx.layout = s.indices, s.shape, s.coalesced, s.layout
        ctx.save_for_backward(s.indices)   # as PyTorch's node saves the sparse tensor (freed after backward)
        return s.values

    def backward(ctx, g):
        if isinstance(g, Tensor):
            return SparseFromValues.apply(g, ctx.indices, ctx.shape, ctx.coalesced, ctx.layout)
        return SparseCOO(ctx.indices, g, ctx.shape, ctx.coalesced, ctx.layout)


def _values_at(device, g, indices):
    """The values of the sparse gradient g at `indices` (the entries of the tensor it is for; every repeat of
    a position gets the gradient of that position)."""
    if g.indices is indices:
        return g.values
    xp = device.xp
    count, inverse, slot, hits = _matched(xp, indices, g.indices, g.shape)
    total = xp.zeros((count,) + tuple(g.values.shape[1:]), g.values.dtype)
    device.index_add(total, slot[hits], g.values[hits])
    return total[inverse]


def _matched(xp, indices, others, shape):
    """(how many distinct positions `indices` holds, each of its entries' place among them, each entry of
    `others`' place there, and whether that entry's position is one of them)."""
    keys, own = _linear(xp, indices, shape), _linear(xp, others, shape)
    unique, inverse = xp.unique(keys, return_inverse=True)
    slot = xp.minimum(xp.searchsorted(unique, own), max(unique.size - 1, 0))
    hits = unique[slot] == own if unique.size else xp.zeros(own.shape, bool)
    return unique.size, inverse.reshape(-1), slot, hits


def _values_at_graph(g, indices):
    """_values_at for a recorded gradient (create_graph)."""
    if g._data.indices is indices:
        return ValuesOf.apply(g)
    return sparse_mask_at(g, indices)


def _as_array(op, name, data, device, dtype=None):
    if isinstance(data, Tensor):
        arr = data._data if data._device is device else data.to(device)._data
    else:
        arr = device.asarray(np.asarray(data) if dtype is None else np.asarray(data, dtype=dtype))
    if is_sparse_array(arr):
        raise TypeError(f"{op}: {name} must be a dense tensor, got a sparse one; pass its .values() or .indices()")
    return arr


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, requires_grad=False,
                      check_invariants=None, is_coalesced=None):
    """A sparse COO tensor: values[k] (a number, or a dense block for hybrid tensors) at position
    indices[:, k]; size defaults to the smallest that holds every index. Differentiable in `values`."""
    op = "sparse_coo_tensor"
    if device is None:
        device = values._device if isinstance(values, Tensor) else (
            indices._device if isinstance(indices, Tensor) else backends.get_default_device())
    else:
        device = backends.get_backend(device)
    idx = _as_array(op, "indices", indices, device)
    if idx.dtype.kind not in "iu" or idx.ndim != 2:
        raise DtypeError(f"{op}: indices must be a 2-D integer tensor (sparse_dim, nnz), got {idx.dtype} of shape "
                         f"{tuple(idx.shape)}; e.g. torch.tensor([[0, 1], [2, 0]]) for entries (0, 2) and (1, 0)")
    idx = idx.astype(np.int64, copy=False)
    vals_t = values if isinstance(values, Tensor) else None
    if vals_t is None:
        vals = np.asarray(values)
        if dtype is None and vals.dtype.kind == "f":
            vals = vals.astype(get_default_dtype())
        vals_t = Tensor._make(device.asarray(vals), device, None, 0, False)
    elif vals_t._device is not device:
        vals_t = vals_t.to(device)
    if is_sparse_array(vals_t._data):
        raise TypeError(f"{op}: values must be a dense tensor, got a sparse one; pass its .values()")
    if dtype is not None and vals_t.dtype != np.dtype(dtype):
        vals_t = vals_t.to(dtype)
    if vals_t.ndim == 0 or vals_t.shape[0] != idx.shape[1]:
        raise ShapeError(f"{op}: indices and values must have same nnz, but got nnz from indices: {idx.shape[1]}, "
                         f"nnz from values: {vals_t.shape[0] if vals_t.ndim else 'none (a 0-d tensor)'}; give one "
                         "value (or dense block) per index column")
    shape = _checked_size(op, idx, vals_t.shape, size)
    coalesced = bool(is_coalesced) if is_coalesced is not None else idx.shape[1] <= 1
    if requires_grad:
        out = Tensor._make(SparseCOO(idx, vals_t._data, shape, coalesced), device, None, 0, False)
        return out.requires_grad_(True)
    return named(SparseFromValues.apply(vals_t, idx, shape, coalesced), SparseFromValues.torch_name)


def _checked_size(op, idx, values_shape, size):
    """The tensor's shape: size when given (checked against the indices and values), else the smallest."""
    sparse_dim, dense_shape = idx.shape[0], tuple(values_shape[1:])
    if idx.size and int(idx.min()) < 0:
        raise IndexRangeError(f"{op}: indices must be non-negative, got {int(idx.min())}; PyTorch's sparse tensors "
                              "do not count negative indices from the end")
    top = [int(m) + 1 for m in idx.max(axis=1)] if idx.shape[1] else [0] * sparse_dim
    if size is None:
        return tuple(top) + dense_shape
    size = tuple(int(n) for n in (size if not isinstance(size, Tensor) else size.tolist()))
    if len(size) != sparse_dim + len(dense_shape) or size[sparse_dim:] != dense_shape:
        raise ShapeError(f"{op}: size {size} does not fit indices of {sparse_dim} sparse dims and values of shape "
                         f"{tuple(values_shape)} (dense dims {dense_shape}); size must be (sparse sizes..., "
                         f"{', '.join(map(str, dense_shape)) or 'no dense sizes'})")
    for d, (n, m) in enumerate(zip(size, top)):
        if m > n:
            raise IndexRangeError(f"{op}: an index {m - 1} in sparse dim {d} is out of range for size {size} "
                                  f"(dim {d} has {n} positions); give a larger size or fix the indices")
    return size


def _sparse(op, t):
    if not isinstance(t, Tensor) or not is_sparse_array(t._data):
        layout = "strided" if isinstance(t, Tensor) else type(t).__name__
        raise RuntimeError(f"{op}: expected a sparse COO tensor, got {layout} (shape "
                           f"{tuple(getattr(t, 'shape', ()))}); make one with torch.sparse_coo_tensor or .to_sparse()")
    return t._data


def values(self):
    """The values of a coalesced sparse tensor (PyTorch refuses an uncoalesced one: call .coalesce())."""
    s = _sparse("values", self)
    if not s.coalesced and s.layout != "csc":   # a CSC tensor's entries are unique, in column order
        raise RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
    return _values(self)


def _values(self):
    """The stored values of a sparse tensor, repeats of an uncoalesced one included."""
    _sparse("_values", self)
    return named(ValuesOf.apply(self), ValuesOf.torch_name)


def indices(self):
    """The (sparse_dim, nnz) int64 indices of a coalesced sparse tensor."""
    if not _sparse("indices", self).coalesced:
        raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
    return _indices(self)


def _indices(self):
    """The stored (sparse_dim, nnz) int64 indices of a sparse tensor."""
    return Tensor._make(_sparse("_indices", self).indices, self._device, None, 0, False)


def coalesce(self):
    """The same sparse tensor with its entries sorted by position and repeats summed."""
    s = _sparse("coalesce", self)
    if s.coalesced:
        return self
    xp = self._device.xp
    keys = _linear(xp, s.indices, s.shape)
    unique, first, inverse = xp.unique(keys, return_index=True, return_inverse=True)
    summed = _group_sum(_values(self), _constant(self, inverse.reshape(-1)), unique.size)
    return _rebuild(self, s.indices[:, first], summed, True)


def _group_sum(vals, group, count):
    """vals' rows summed into `count` groups (a recorded index_add)."""
    zeros = Tensor._make(vals._device.xp.zeros((count,) + tuple(vals.shape[1:]), vals.dtype), vals._device, None, 0,
                         False)
    return zeros.index_add(0, group, vals)


def _constant(like, array):
    return Tensor._make(array, like._device, None, 0, False)


def _rebuild(like, indices, vals, coalesced, shape=None, layout=None):
    """A sparse tensor on like's device from indices (an array) and values (a Tensor); a CSR `like` gives a CSR
    result where the entries stay those of a CSR matrix (its shape, sorted and unique)."""
    shape = tuple(like.shape if shape is None else shape)
    if layout is None:
        data = like._data
        keeps = is_sparse_array(data) and data.layout == "csr" and coalesced and shape == data.shape
        layout = "csr" if keeps else "coo"
        if (is_sparse_array(data) and data.layout in ("csc", "bsr", "bsc") and indices is data.indices
                and shape == data.shape):
            layout = data.layout   # the same entries in the same order: still a CSC, BSR or BSC matrix
    return named(SparseFromValues.apply(vals, indices, shape, coalesced, layout), SparseFromValues.torch_name)


def is_coalesced(self):
    """True when the sparse tensor's entries are sorted by position with no repeats."""
    return _sparse("is_coalesced", self).coalesced


def sparse_dim(self):
    """The number of sparse dims (0 for a dense tensor)."""
    return self._data.sparse_dim if is_sparse_array(self._data) else 0


def dense_dim(self):
    """The number of dense dims (every dim of a dense tensor)."""
    return self.ndim - self._data.sparse_dim if is_sparse_array(self._data) else self.ndim


def nnz(self):
    """The number of stored entries of a sparse tensor."""
    return _sparse("_nnz", self).nnz


def to_dense(self, dtype=None, *, masked_grad=None):
    """The dense tensor a sparse one stands for (repeats summed); a dense tensor itself."""
    if not is_sparse_array(self._data):
        return self if dtype is None else self.to(dtype)
    s = self._data
    xp = self._device.xp
    dense = Tensor._make(xp.zeros(s.shape, s.dtype), self._device, None, 0, False)
    if s.sparse_dim == 0:   # no sparse dims (sparse_resize_and_clear_ makes one): each entry is the whole tensor
        out = dense + _values(self).sum(0)
    else:
        out = dense.index_put(tuple(_constant(self, row) for row in s.indices), _values(self), accumulate=True)
    out = named(out, "ToDenseBackward0")
    return out if dtype is None else out.to(dtype)


def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """A coalesced sparse COO tensor with this tensor's nonzero entries (the first `sparse_dim` dims sparse,
    the rest dense blocks, stored where any element of the block is nonzero)."""
    if is_sparse_array(self._data):
        return self if self._data.layout == "coo" else csr_to_coo(self)
    if layout is not None and str(layout) not in ("sparse_coo", "torch.sparse_coo"):
        raise ValueError(f"to_sparse: layout {layout} is not built; deepgrad has sparse COO tensors only "
                         "(layout=torch.sparse_coo)")
    if blocksize is not None:
        raise ValueError("to_sparse: blocksize is for the BSR/BSC layouts; pass layout=torch.sparse_bsr or "
                         "torch.sparse_bsc with it")
    sd = self.ndim if sparse_dim is None else int(sparse_dim)
    if dense_dim is not None:
        sd = self.ndim - int(dense_dim)
    if not 0 < sd <= self.ndim:
        raise ArgumentRangeError(f"to_sparse: sparse_dim must be in 1..{self.ndim} for a tensor of shape "
                         f"{tuple(self.shape)}, got {sd}")
    xp = self._device.xp
    with no_grad():
        nonzero = self._data != 0
        if sd < self.ndim:
            nonzero = nonzero.any(axis=tuple(range(sd, self.ndim)))
        idx = xp.stack(xp.nonzero(nonzero)).astype(np.int64).reshape(sd, -1)
    picked = self[tuple(_constant(self, row) for row in idx)]
    return _rebuild(self, idx, picked, True)


def csr_to_coo(self):
    """A CSR, CSC, BSR or BSC tensor as the same entries in a sparse COO tensor (coalesced for CSR; a CSC one's
    entries stay in column order, a block one's block by block, flagged coalesced only when that order is
    row-major, as PyTorch's)."""
    s = self._data
    return _rebuild(self, s.indices, _values(self), s.layout == "csr" or s.coalesced, layout="coo")


def to_sparse_coo(self):
    """to_sparse() (PyTorch's name for the COO layout)."""
    return to_sparse(self)


def sparse_mask_at(self, indices):
    """This sparse tensor's values at the given index columns (zeros where it has none), as a recorded op."""
    s = _sparse("sparse_mask", self)
    xp = self._device.xp
    count, inverse, slot, hits = _matched(xp, indices, s.indices, s.shape)
    vals = _values(self)[_constant(self, xp.nonzero(hits)[0])]
    return _group_sum(vals, _constant(self, slot[hits]), count)[_constant(self, inverse)]


def sparse_mask(self, mask):
    """A sparse tensor with mask's entries holding this tensor's values at their positions (zeros where a
    sparse self stores nothing); differentiable in this tensor's values."""
    m = _sparse("sparse_mask", mask)
    if tuple(self.shape) != m.shape:
        raise ShapeError(f"sparse_mask: the tensor (shape {tuple(self.shape)}) and the mask (shape {m.shape}) must "
                         "have the same shape")
    if is_sparse_array(self._data):
        picked = sparse_mask_at(self, m.indices)
    else:
        picked = self[tuple(_constant(self, row) for row in m.indices)]
    return _rebuild(mask, m.indices, picked, m.coalesced)


def _resize_arguments(op, self, size, sparse_dim, dense_dim):
    """(size as a tuple of ints, sparse_dim, dense_dim) checked as PyTorch checks them, and self's contents."""
    if isinstance(self, Tensor) and not is_sparse_array(self._data):   # PyTorch has no kernel for a dense tensor
        raise NotImplementedError(f"{op}: expected a sparse COO tensor, got a dense (strided) one of shape "
                                  f"{tuple(self.shape)}; use resize_ for a dense tensor, or make a sparse one with "
                                  f".to_sparse()")
    contents = _sparse(op, self)
    if contents.layout != "coo":
        raise NotImplementedError(f"{op}: only sparse COO tensors can be resized this way, got a sparse "
                                  f"{contents.layout.upper()} tensor; convert with .to_sparse_coo() first")
    if not isinstance(size, (tuple, list)) or not all(isinstance(n, (int, np.integer)) for n in size):
        raise TypeError(f"{op}(): argument 'size' must be a tuple of ints, got {size!r}")
    size, sparse_dim, dense_dim = tuple(int(n) for n in size), int(sparse_dim), int(dense_dim)
    if len(size) != sparse_dim + dense_dim:
        raise RuntimeError(f"{op}: 'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = {len(size)}, "
                           f"sparse_dim = {sparse_dim}, dense_dim = {dense_dim}")
    if min(size, default=0) < 0 or sparse_dim < 0 or dense_dim < 0:
        raise RuntimeError(f"{op}: sizes and dim counts must be >= 0, got size {size}, sparse_dim {sparse_dim}, "
                           f"dense_dim {dense_dim}")
    if self.requires_grad and self.is_leaf:
        raise RuntimeError(f"{op}: a leaf Variable that requires grad is being used in an in-place operation; call "
                           f"it under ag.no_grad() or on t.detach()")
    if self.requires_grad:
        raise RuntimeError(f"{op}: the tensor is part of a graph (it requires grad), and resizing it would leave its "
                           f"gradient undefined; call it on t.detach()")
    return size, sparse_dim, dense_dim, contents


def _emptied(t, size, sparse_dim):
    """Contents with no stored entries, of `size` with `sparse_dim` sparse dims, on t's device and dtype."""
    xp = t._device.xp
    return SparseCOO(xp.zeros((sparse_dim, 0), np.int64), xp.zeros((0,) + size[sparse_dim:], t.dtype), size, True)


def sparse_resize_(self, size, sparse_dim, dense_dim):
    """Resize this sparse COO tensor in place to `size`, with `sparse_dim` sparse and `dense_dim` dense dims, and
    return it. A tensor with stored entries keeps them: it may only grow its sparse sizes, with the same number
    of sparse and dense dims and the same dense sizes; an empty one takes any size."""
    op = "sparse_resize_"
    size, sparse_dim, dense_dim, s = _resize_arguments(op, self, size, sparse_dim, dense_dim)
    if s.nnz:
        old_sparse, old_dense = s.shape[:s.sparse_dim], s.shape[s.sparse_dim:]
        if sparse_dim != s.sparse_dim or dense_dim != len(old_dense):
            which = "sparse" if sparse_dim != s.sparse_dim else "dense"
            raise RuntimeError(f"{op}: changing the number of {which} dimensions (from "
                               f"{s.sparse_dim if which == 'sparse' else len(old_dense)} to "
                               f"{sparse_dim if which == 'sparse' else dense_dim}) on a non-empty sparse tensor is "
                               f"not supported; use sparse_resize_and_clear_ to empty it first, or build a new "
                               f"tensor with torch.sparse_coo_tensor")
        if any(new < old for new, old in zip(size[:sparse_dim], old_sparse)):
            raise RuntimeError(f"{op}: shrinking the size of sparse dimensions (from {list(old_sparse)} to "
                               f"{list(size[:sparse_dim])}) on a non-empty sparse tensor is not supported (entries "
                               f"would fall outside); use sparse_resize_and_clear_, or select the entries you keep")
        if size[sparse_dim:] != old_dense:
            # PyTorch re-reads the values' memory at the new dense sizes, with uninitialised new elements
            raise RuntimeError(f"{op}: changing the size of dense dimensions (from {list(old_dense)} to "
                               f"{list(size[sparse_dim:])}) on a non-empty sparse tensor is not supported here; "
                               f"pad or slice the values and build a new tensor with torch.sparse_coo_tensor")
        self._data = SparseCOO(s.indices, s.values, size, s.coalesced)
    else:
        self._data = _emptied(self, size, sparse_dim)
    self._bump_version()
    return self


def sparse_resize_and_clear_(self, size, sparse_dim, dense_dim):
    """Remove every stored entry of this sparse COO tensor and resize it in place to `size`, with `sparse_dim`
    sparse and `dense_dim` dense dims; returns it."""
    size, sparse_dim, _, _ = _resize_arguments("sparse_resize_and_clear_", self, size, sparse_dim, dense_dim)
    self._data = _emptied(self, size, sparse_dim)
    self._bump_version()
    return self
