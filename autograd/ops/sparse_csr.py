"""Sparse CSR matrices (torch.sparse_csr_tensor): held as their coalesced COO entries with the layout 'csr'
(row-major order is CSR's), so every sparse op takes them; this module makes them and reads their compressed
rows back."""
from ..errors import DimRangeError
from ..sparse_storage import is_sparse_array
from .sparse_build import _constant, _rebuild, _values, coalesce, to_sparse
from .sparse_compressed import compressed_offsets, compressed_storage, compressed_tensor, refuse_blocked

_CSR_NAMES = ("sparse_csr", "torch.sparse_csr")


def to_sparse_in_layout(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """Tensor.to_sparse: a sparse COO tensor, or with layout=torch.sparse_csr a CSR matrix."""
    if layout is not None and str(layout) in _CSR_NAMES:
        return to_sparse_csr(self)
    if layout is not None and str(layout) in ("sparse_csc", "torch.sparse_csc"):
        from .sparse_csc import to_sparse_csc   # sparse_csc builds on this module
        return to_sparse_csc(self)
    return to_sparse(self, sparse_dim, layout=layout, blocksize=blocksize, dense_dim=dense_dim)


def crow_indices(self):
    """The (rows + 1,) int64 offsets of each row's entries in a CSR tensor."""
    return compressed_offsets("crow_indices", self, "csr")


def col_indices(self):
    """The (nnz,) int64 column of each entry of a CSR tensor, row by row."""
    return _constant(self, compressed_storage("col_indices", self, "csr").indices[1])


def to_sparse_csr(self, dense_dim=None):
    """This matrix as a sparse CSR tensor (2-D, from a dense or a sparse COO one)."""
    if dense_dim:
        raise ValueError("to_sparse_csr: dense_dim is not supported; deepgrad's CSR tensors are plain matrices")
    if self.ndim != 2:
        # PyTorch fails on a missing dim with an IndexError (and takes batches of matrices, which are not here)
        error = DimRangeError if self.ndim < 2 else ValueError
        raise error(f"to_sparse_csr: expects a 2-D tensor, got shape {tuple(self.shape)}; deepgrad's CSR "
                    "tensors are matrices")
    if is_sparse_array(self._data) and self._data.layout == "csr":
        return self
    refuse_blocked(self, "to_sparse_csr")
    coo = coalesce(self) if is_sparse_array(self._data) else to_sparse(self)
    if coo._data.sparse_dim != 2:
        raise ValueError(f"to_sparse_csr: a hybrid COO tensor (shape {tuple(self.shape)}, {coo._data.sparse_dim} "
                         "sparse dims) has no CSR form here; convert it to dense first")
    return _rebuild(coo, coo._data.indices, _values(coo), True, layout="csr")


def sparse_csr_tensor(crow_indices, col_indices, values, size=None, *, dtype=None, device=None,
                      requires_grad=False, check_invariants=None):
    """A sparse CSR matrix: row i's entries are values[crow_indices[i]:crow_indices[i + 1]] in the columns
    col_indices[same range]; size defaults to the smallest that holds them. Differentiable in `values`."""
    return compressed_tensor("csr", crow_indices, col_indices, values, size, dtype, device, requires_grad)

