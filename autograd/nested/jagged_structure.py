"""The jagged nested tensor's ops that cut, join or index it along a dimension (cat, stack, chunk, split, narrow,
select, squeeze, indexing), each over a regular dim run on the values, with PyTorch's refusals for the batch and
ragged dims."""
import numbers

from ..creation import tensor
from ..dtypes import int64
from ..ops.joining import cat as dense_cat

from ..nested_kind import NestedBase
from .ops import normalize_dim, stored_dim


def regular_dim(nt, dim, op, ndim=None):
    """(`dim` normalized, the dim of `nt.stored` it is) for a dim that is neither the batch nor the ragged one;
    PyTorch's RuntimeError for those two."""
    d = normalize_dim(op, dim, nt.dim() if ndim is None else ndim)
    if d == 0:
        raise RuntimeError(f"{op}(): not supported for NestedTensor on dim=0 (the batch dim); unbind it first")
    if d == nt._ragged_idx:
        raise RuntimeError(f"{op}(): not supported for NestedTensor on ragged dim (dim={d}); pad it first with "
                           "to_padded_tensor")
    return d, stored_dim(nt, d, op)


def _needs_plain(nt, op):
    """PyTorch's ValueError for an op that takes only a jagged tensor without holes whose ragged dim is dim 1."""
    if nt._lengths is not None or nt._ragged_idx != 1:
        raise ValueError(f"NestedTensor {op}(self: jt, ...): expected self to be a contiguous jagged layout "
                         f"NestedTensor (no lengths, the ragged dim at 1; this one has size {tuple(nt.shape)}, "
                         f"lengths {'given' if nt._lengths is not None else 'none'}); nt.contiguous() fills holes")


def _ragged_after_removing(nt, d):
    """The ragged dim's index once the regular dim `d` is gone."""
    return nt._ragged_idx - (1 if d < nt._ragged_idx else 0)


def cat(func, tensors, dim=0):
    """Jagged nested tensors of the same offsets joined along a regular dim."""
    tensors = list(tensors)
    first = tensors[0]
    for t in tensors:
        if not isinstance(t, NestedBase) or t.layout is not first.layout:
            raise RuntimeError(f"cat(): every tensor must be a jagged nested tensor when the first is one, got "
                               f"{type(t).__name__}; make the dense ones nested over the same offsets")
        if t._offsets is not first._offsets or t._ragged_idx != first._ragged_idx:
            raise RuntimeError("cat(): expected all nested tensors to have matching ragged structures outside of "
                               "the concatenated dim (they must share their offsets)")
    _, inner = regular_dim(first, dim, "cat")
    return first.with_stored(func([t.stored for t in tensors], inner))


def stack(func, tensors, dim=0):
    """Jagged nested tensors of the same offsets stacked along a new regular dim."""
    tensors = list(tensors)
    first = tensors[0]
    d = normalize_dim("stack", dim, first.dim() + 1)
    if d in (0, first._ragged_idx):
        regular_dim(first, d, "stack")   # PyTorch's refusal of the batch and ragged dims
    return cat(dense_cat, [t.unsqueeze(d) for t in tensors], d)


def chunk(nt, chunks, dim=0):
    """`chunks` pieces along a regular dim (views, not contiguous), or groups of components along dim 0."""
    _needs_plain(nt, "chunk_default")
    if normalize_dim("chunk", dim, nt.dim()) == 0:
        return _batch_chunks(nt, chunks)
    _, inner = regular_dim(nt, dim, "chunk")
    return tuple(nt.with_stored(piece) for piece in nt.stored.chunk(chunks, inner))


def _batch_chunks(nt, chunks):
    """Groups of `ceil(B / chunks)` components, each a contiguous nested tensor with offsets of its own."""
    offsets = nt._offsets.tolist()
    size = -(-len(nt) // chunks)
    groups = []
    for start in range(0, len(nt), size):
        bounds = offsets[start:start + size + 1]
        own = tensor([b - bounds[0] for b in bounds], dtype=int64, device=nt.device)
        groups.append(type(nt)(nt.stored[bounds[0]:bounds[-1]], own, None, nt._ragged_idx))
    return tuple(groups)


def split(nt, split_size_or_sections, dim=0):
    """Pieces of the given size(s) along a regular dim (views, not contiguous)."""
    op = "split" if isinstance(split_size_or_sections, numbers.Integral) else "split_with_sizes"
    _needs_plain(nt, "split_tensor")
    _, inner = regular_dim(nt, dim, op)
    return tuple(nt.with_stored(piece) for piece in nt.stored.split(split_size_or_sections, inner))


def narrow(nt, dim, start, length):
    """The slice start:start + length of a regular dim (a view, not contiguous)."""
    _needs_plain(nt, "narrow")
    _, inner = regular_dim(nt, dim, "narrow")
    return nt.with_stored(nt.stored.narrow(inner, start, length))


def select(nt, dim, index):
    """Component `index` (dim 0: a dense tensor), or index `index` of a regular dim (a nested tensor)."""
    if normalize_dim("select", dim, nt.dim()) == 0:
        count = len(nt)
        if not -count <= index < count:
            raise IndexError(f"select(): index {index} out of range for a nested tensor of {count} components")
        return nt.unbind()[index]
    if nt._lengths is not None:
        raise ValueError("select(): not yet supported on dim != 0 for non-contiguous nested tensor with holes; "
                         "call nt.contiguous() first")
    d, inner = regular_dim(nt, dim, "select")
    return nt.with_stored(nt.stored.select(inner, index), _ragged_after_removing(nt, d))


def squeeze(nt, dim=None):
    """The regular dim `dim` removed when its size is 1 (else unchanged); PyTorch refuses squeeze() with no dim."""
    if dim is None:
        raise NotImplementedError("aten.squeeze.default: squeeze() without a dim is not supported for nested "
                                  "(jagged) tensors; name the dim, e.g. nt.squeeze(-1)")
    _needs_plain(nt, "squeeze_dim")
    d, inner = regular_dim(nt, dim, "squeeze")
    if nt.stored.shape[inner] != 1:
        return nt
    return nt.with_stored(nt.stored.squeeze(inner), _ragged_after_removing(nt, d))


def getitem(nt, index):
    """nt[i] (component i), nt[..., k] (index k of the last dim); PyTorch refuses slicing the batch dim."""
    if isinstance(index, numbers.Integral):
        return select(nt, 0, index)
    if isinstance(index, tuple) and len(index) == 2 and index[0] is Ellipsis and isinstance(index[1],
                                                                                              numbers.Integral):
        return select(nt, -1, index[1])
    if isinstance(index, slice) or (isinstance(index, tuple) and index and isinstance(index[0], slice)):
        raise RuntimeError(f"slice(): not supported for NestedTensor on dim=0 (index {index!r}); index one "
                           "component (nt[i]) or unbind it")
    raise NotImplementedError(f"nested tensor indexing: only nt[i] (one component) and nt[..., k] are supported, "
                              f"got {index!r}")
