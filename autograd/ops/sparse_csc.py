"""Sparse CSC matrices (torch.sparse_csc_tensor, Tensor.to_sparse_csc): held as their COO entries in
column-major order (CSC's own order) with the layout 'csc', not marked coalesced (COO's order is row-major), so
every sparse op takes them; this module makes them and reads their compressed columns back."""
import numpy as np

from ..errors import DimRangeError
from ..sparse_storage import is_sparse_array
from .sparse_build import _constant, _rebuild, _values, coalesce, to_sparse
from .sparse_compressed import compressed_offsets, compressed_storage, compressed_tensor, refuse_blocked


def ccol_indices(self):
    """The (columns + 1,) int64 offsets of each column's entries in a CSC tensor."""
    return compressed_offsets("ccol_indices", self, "csc")


def row_indices(self):
    """The (nnz,) int64 row of each entry of a CSC tensor, column by column."""
    return _constant(self, compressed_storage("row_indices", self, "csc").indices[0])


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
        # PyTorch fails on a missing dim with an IndexError (and takes batches of matrices, which are not here)
        error = DimRangeError if self.ndim < 2 else ValueError
        raise error(f"to_sparse_csc: expects a 2-D tensor, got shape {tuple(self.shape)}; deepgrad's CSC "
                    "tensors are matrices")
    if is_sparse_array(self._data) and self._data.layout == "csc":
        return self
    refuse_blocked(self, "to_sparse_csc")
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
    return compressed_tensor("csc", ccol_indices, row_indices, values, size, dtype, device, requires_grad)
