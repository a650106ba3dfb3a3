"""Sparse CSC matrices (torch.sparse_csc_tensor, Tensor.to_sparse_csc): held as their COO entries in
column-major order (CSC's own order) with the layout 'csc', not marked coalesced (COO's order is row-major), so
every sparse op takes them; this module makes them and reads their compressed columns back."""
import numpy as np

import backends

from ..errors import DtypeError, ShapeError
from ..sparse_storage import is_sparse_array
from ..tensor import Tensor
from .sparse_build import _as_array, _constant, _rebuild, _sparse, _values, coalesce, sparse_coo_tensor, to_sparse


def _csc(op, t):
    s = _sparse(op, t)
    if s.layout != "csc":
        kind = {"csr": "SparseCsr", "coo": "Sparse"}.get(s.layout, s.layout)
        raise RuntimeError(f"{op} expected sparse column compressed tensor layout but got {kind} (shape {s.shape}); "
                           "convert with .to_sparse_csc()")
    return s


def ccol_indices(self):
    """The (columns + 1,) int64 offsets of each column's entries in a CSC tensor."""
    s = _csc("ccol_indices", self)
    xp = self._device.xp
    counts = xp.bincount(s.indices[1], minlength=s.shape[1]) if s.nnz else xp.zeros(s.shape[1], np.int64)
    return _constant(self, xp.concatenate([xp.zeros(1, np.int64), xp.cumsum(counts)]).astype(np.int64))


def row_indices(self):
    """The (nnz,) int64 row of each entry of a CSC tensor, column by column."""
    return _constant(self, _csc("row_indices", self).indices[0])


def as_csc(coo):
    """A coalesced 2-D sparse COO (or CSR) tensor's entries reordered column by column, as a CSC tensor
    (differentiable in its values)."""
    s = coo._data
    xp = coo._device.xp
    order = xp.lexsort((s.indices[0], s.indices[1])) if s.nnz else xp.zeros(0, np.int64)
    vals = _values(coo)[_constant(coo, order)]
    return _rebuild(coo, s.indices[:, order], vals, s.nnz <= 1, layout="csc")


def csc_to_coo(self):
    """A CSC tensor as the same entries (column-major, so uncoalesced) in a sparse COO tensor, as PyTorch's."""
    s = self._data
    return _rebuild(self, s.indices, _values(self), s.nnz <= 1, layout="coo")


def to_sparse_csc(self, dense_dim=None):
    """This matrix as a sparse CSC tensor (2-D, from a dense, sparse COO, CSR or CSC one)."""
    if dense_dim:
        raise ValueError("to_sparse_csc: dense_dim is not supported; deepgrad's CSC tensors are plain matrices")
    if self.ndim != 2:
        raise ValueError(f"to_sparse_csc: expects a 2-D tensor, got shape {tuple(self.shape)}; deepgrad's CSC "
                         "tensors are matrices")
    if is_sparse_array(self._data) and self._data.layout == "csc":
        return self
    if is_sparse_array(self._data):
        coo = coalesce(self if self._data.layout == "coo" else _rebuild(self, self._data.indices, _values(self),
                                                                           self._data.coalesced, layout="coo"))
    else:
        coo = to_sparse(self)
    if coo._data.sparse_dim != 2:
        raise ValueError(f"to_sparse_csc: a hybrid COO tensor (shape {tuple(self.shape)}, {coo._data.sparse_dim} "
                         "sparse dims) has no CSC form here; convert it to dense first")
    return as_csc(coo)


def sparse_csc_tensor(ccol_indices, row_indices, values, size=None, *, dtype=None, device=None,
                      requires_grad=False, check_invariants=None):
    """A sparse CSC matrix: column j's entries are values[ccol_indices[j]:ccol_indices[j + 1]] in the rows
    row_indices[same range]; size defaults to the smallest that holds them. Differentiable in `values`."""
    op = "sparse_csc_tensor"
    if device is None:
        device = values._device if isinstance(values, Tensor) else backends.get_default_device()
    else:
        device = backends.get_backend(device)
    ccol = _as_array(op, "ccol_indices", ccol_indices, device)
    row = _as_array(op, "row_indices", row_indices, device)
    if ccol.ndim != 1 or row.ndim != 1 or ccol.dtype.kind not in "iu" or row.dtype.kind not in "iu":
        raise DtypeError(f"{op}: ccol_indices and row_indices must be 1-D integer tensors, got {ccol.dtype} "
                         f"{tuple(ccol.shape)} and {row.dtype} {tuple(row.shape)}; batched CSC is not supported")
    ccol, row = ccol.astype(np.int64), row.astype(np.int64)
    counts = ccol[1:] - ccol[:-1]
    if ccol.size == 0 or int(ccol[0]) != 0 or (counts.size and int(counts.min()) < 0) or int(ccol[-1]) != row.size:
        raise ValueError(f"{op}: ccol_indices must start at 0, never decrease and end at the number of entries "
                         f"({row.size}), got {ccol.tolist() if ccol.size <= 20 else tuple(ccol.shape)}")
    cols = device.xp.repeat(device.xp.arange(ccol.size - 1), counts)
    if size is not None and len(tuple(size)) != 2:
        raise ShapeError(f"{op}: size must have 2 dims (a matrix), got {tuple(size)}")
    if size is None:
        size = (int(row.max()) + 1 if row.size else 0, ccol.size - 1)
    coo = sparse_coo_tensor(device.xp.stack([row, cols]), values, tuple(size), dtype=dtype, device=device)
    if coo.ndim != 2 or coo._data.sparse_dim != 2:
        raise ShapeError(f"{op}: values must hold one number per row index, got shape "
                         f"{tuple(getattr(values, 'shape', ()))}")
    if coo.shape[1] != ccol.size - 1:
        raise ShapeError(f"{op}: ccol_indices has {ccol.size} offsets, so {ccol.size - 1} columns, but size is "
                         f"{tuple(size)}")
    keys = row + cols * coo.shape[0]
    if keys.size > 1 and int((keys[1:] <= keys[:-1]).sum()):
        raise ValueError(f"{op}: the row indices of each column must be increasing, without repeats")
    out = _rebuild(coo, coo._data.indices, _values(coo), row.size <= 1, layout="csc")
    if requires_grad:
        out = out.detach().requires_grad_(True)
    return out
