"""The jagged nested tensor's ops that rearrange or re-read its regular dims without touching the components'
lengths: permute (transpose is one), view / reshape over the trailing dims, expand to its own sizes."""
from .ops import normalize_dim, size_text
from .ragged import RaggedInt


def permute(nt, *dims):
    """The dims in the order `dims` (the batch dim stays first; the ragged one may move: attention layouts)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    ndim = nt.dim()
    order = [normalize_dim("permute", d, ndim) for d in dims]   # new logical dim k is old logical dim order[k]
    if sorted(order) != list(range(ndim)):
        raise RuntimeError(f"permute(): dims {tuple(dims)} are not a permutation of the {ndim} dims of a nested "
                           f"tensor of size {size_text(nt)}")
    if order[0] != 0:
        raise ValueError("Permute is not supported on the batch dimension for jagged NT (keep dim 0 first)")
    ragged = order.index(nt._ragged_idx)
    old_rest = [d for d in range(1, ndim) if d != nt._ragged_idx]
    new_rest = [order[k] for k in range(1, ndim) if k != ragged]
    return nt.with_stored(nt.stored.permute(0, *[1 + old_rest.index(d) for d in new_rest]), ragged)


def transpose(nt, dim0, dim1):
    """The nested tensor with two non-batch dims swapped."""
    ndim = nt.dim()
    d0, d1 = normalize_dim("transpose", dim0, ndim), normalize_dim("transpose", dim1, ndim)
    if 0 in (d0, d1) and d0 != d1:
        raise RuntimeError("transpose(): not supported for NestedTensor on dim=0 (the batch dimension)")
    order = list(range(ndim))
    order[d0], order[d1] = order[d1], order[d0]
    return permute(nt, *order)


def _sizes(shape):
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)


def _keeps_structure(nt, sizes):
    """Whether `sizes` keeps the batch dim (its size or -1) and the ragged one (its symbol or -1) in place."""
    ragged = nt._ragged_idx
    return (len(sizes) > ragged and sizes[0] in (len(nt), -1)
            and (sizes[ragged] == -1 or (isinstance(sizes[ragged], RaggedInt) and sizes[ragged] == nt._j)))


def view(nt, op, *shape):
    """A view (reshape: maybe a copy) with the batch and ragged dims kept and the trailing dims re-read as
    `shape[2:]`; PyTorch refuses any other shape."""
    sizes = _sizes(shape)
    if _keeps_structure(nt, sizes) and nt._ragged_idx == 1:
        return nt.with_stored(getattr(nt.stored, op)((nt.stored.shape[0],) + tuple(sizes[2:])))
    if nt._ragged_idx != 1 and sizes == tuple(nt.shape):
        return nt   # PyTorch views a moved ragged dim only as its own size (its symbol, not -1)
    raise RuntimeError(f"{op}(): cannot view shape {size_text(nt)} as {list(sizes)}: a jagged tensor keeps its batch "
                       "dim and its ragged dim (give -1 or its symbol there) and, with the ragged dim at 1, re-reads "
                       "only the dims after it; use unflatten / flatten, or to_padded_tensor")


def expand(nt, *sizes):
    """The nested tensor with its regular size-1 dims expanded to `sizes` (-1, or its own size, elsewhere)."""
    sizes = _sizes(sizes)
    if len(sizes) != nt.dim() or not _keeps_structure(nt, sizes):
        raise RuntimeError(f"expand(): cannot expand shape {size_text(nt)} -> {list(sizes)}")
    regular = [s for k, s in enumerate(sizes) if k not in (0, nt._ragged_idx)]
    return nt.with_stored(nt.stored.expand(-1, *regular))
