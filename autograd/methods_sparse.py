"""The sparse COO methods of Tensor (indices, values, coalesce, to_dense, to_sparse, ...) and its layout."""
from . import type_objects
from .ops import sparse_blocked as SBL
from .ops import sparse_build as SB
from .ops import sparse_csc as SCC
from .ops import sparse_csr as SC
from .sparse_storage import is_sparse_array


def _layout(self):
    if not is_sparse_array(self._data):
        return type_objects.strided
    return {"csr": type_objects.sparse_csr, "csc": type_objects.sparse_csc, "bsr": type_objects.sparse_bsr,
            "bsc": type_objects.sparse_bsc}.get(self._data.layout, type_objects.sparse_coo)


def _is_sparse(self):
    return is_sparse_array(self._data) and self._data.layout == "coo"


def _is_sparse_csr(self):
    return is_sparse_array(self._data) and self._data.layout == "csr"


BINDINGS = {
    "layout": property(_layout, doc="ag.sparse_coo, sparse_csr, sparse_csc, sparse_bsr or sparse_bsc for a sparse "
                                    "tensor, else ag.strided."),
    "is_sparse": property(_is_sparse, doc="True for a sparse COO tensor (False for CSR, as PyTorch's)."),
    "is_sparse_csr": property(_is_sparse_csr, doc="True for a sparse CSR tensor."),
    "crow_indices": SBL.crow_indices, "col_indices": SBL.col_indices, "to_sparse_csr": SC.to_sparse_csr,
    "ccol_indices": SBL.ccol_indices, "row_indices": SBL.row_indices, "to_sparse_csc": SCC.to_sparse_csc,
    "to_sparse_bsr": SBL.to_sparse_bsr, "to_sparse_bsc": SBL.to_sparse_bsc,
    "indices": SB.indices, "_indices": SB._indices, "values": SBL.values, "_values": SB._values,
    "coalesce": SB.coalesce, "is_coalesced": SB.is_coalesced, "sparse_dim": SB.sparse_dim,
    "dense_dim": SB.dense_dim, "_nnz": SBL.nnz, "to_dense": SB.to_dense, "to_sparse": SBL.to_sparse_in_layout,
    "to_sparse_coo": SB.to_sparse_coo, "sparse_mask": SB.sparse_mask, "sparse_resize_": SB.sparse_resize_,
    "sparse_resize_and_clear_": SB.sparse_resize_and_clear_,
}
