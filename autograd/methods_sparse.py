"""The sparse COO methods of Tensor (indices, values, coalesce, to_dense, to_sparse, ...) and its layout."""
from . import type_objects
from .ops import sparse_build as SB
from .sparse_storage import is_sparse_array


def _layout(self):
    return type_objects.sparse_coo if is_sparse_array(self._data) else type_objects.strided


def _is_sparse(self):
    return is_sparse_array(self._data)


BINDINGS = {
    "layout": property(_layout, doc="ag.sparse_coo for a sparse COO tensor, else ag.strided."),
    "is_sparse": property(_is_sparse, doc="True for a sparse COO tensor."),
    "indices": SB.indices, "_indices": SB._indices, "values": SB.values, "_values": SB._values,
    "coalesce": SB.coalesce, "is_coalesced": SB.is_coalesced, "sparse_dim": SB.sparse_dim,
    "dense_dim": SB.dense_dim, "_nnz": SB.nnz, "to_dense": SB.to_dense, "to_sparse": SB.to_sparse,
    "to_sparse_coo": SB.to_sparse_coo,
}
