"""Building a compressed sparse matrix (torch.sparse_csr_tensor / sparse_csc_tensor) from its offsets, its other
indices and its values: the checks both layouts share, and the COO entries both are held as."""
import numpy as np

import backends

from ..errors import DtypeError, IndexRangeError, ShapeError
from ..sparse_storage import is_sparse_array
from ..tensor import Tensor
from .sparse_build import _as_array, _constant, _rebuild, _sparse, _values, sparse_coo_tensor


#: layout -> (the compressed indices' name, the other indices' name, the compressed dim, its unit, the other unit)
_COMPRESSED = {"csr": ("crow_indices", "col_indices", 0, "row", "column"),
               "csc": ("ccol_indices", "row_indices", 1, "column", "row")}


def compressed_tensor(layout, compressed_indices, plain_indices, values, size, dtype, device, requires_grad):
    """The CSR or CSC (`layout`) matrix sparse_csr_tensor / sparse_csc_tensor build, kept as COO entries."""
    op = f"sparse_{layout}_tensor"
    names = _COMPRESSED[layout]
    dim, unit, other_unit = names[2], names[3], names[4]
    if device is None:
        device = values._device if isinstance(values, Tensor) else backends.get_default_device()
    else:
        device = backends.get_backend(device)
    offsets, plain, expanded = checked_offsets(op, layout, names, compressed_indices, plain_indices, device)
    if size is not None and len(tuple(size)) != 2:
        raise ShapeError(f"{op}: size must have 2 dims (a matrix), got {tuple(size)}")
    if size is None:
        extent = int(plain.max()) + 1 if plain.size else 0
        size = (offsets.size - 1, extent) if dim == 0 else (extent, offsets.size - 1)
    plain_extent = tuple(size)[1 - dim]
    if plain.size and int(plain.max()) >= plain_extent:
        # PyTorch's own wording under check_invariants=True (unchecked it builds a matrix that crashes later)
        short = "ncols" if dim == 0 else "nrows"
        raise IndexRangeError(f"{op}: `0 <= {names[1]} < {short}` is not satisfied: {names[1]} holds "
                              f"{int(plain.max())}, out of range for the size {tuple(size)} ({plain_extent} "
                              f"{other_unit}s); give a larger size or fix the indices")
    pairs = [expanded, plain] if dim == 0 else [plain, expanded]
    coo = sparse_coo_tensor(device.xp.stack(pairs), values, tuple(size), dtype=dtype, device=device)
    if coo.ndim != 2 or coo._data.sparse_dim != 2:
        raise ShapeError(f"{op}: values must hold one number per {other_unit} index, got shape "
                         f"{tuple(getattr(values, 'shape', ()))}")
    if coo.shape[dim] != offsets.size - 1:
        raise ShapeError(f"{op}: {names[0]} has {offsets.size} offsets, so {offsets.size - 1} {unit}s, but size is "
                         f"{tuple(size)}")
    keys = plain + expanded * coo.shape[1 - dim]
    if keys.size > 1 and int((keys[1:] <= keys[:-1]).sum()):
        raise ValueError(f"{op}: the {other_unit} indices of each {unit} must be increasing, without repeats")
    # COO entries are kept row by row: CSR's order is that order, CSC's only when it has at most one entry
    out = _rebuild(coo, coo._data.indices, _values(coo), dim == 0 or plain.size <= 1, layout=layout)
    if requires_grad:
        out = out.detach().requires_grad_(True)
    return out


def checked_offsets(op, layout, names, compressed_indices, plain_indices, device):
    """The int64 offsets and other indices of a compressed matrix (or of its blocks), checked, and the compressed
    index of each entry; names: the two arguments' names, as _COMPRESSED holds them."""
    offsets = _as_array(op, names[0], compressed_indices, device)
    plain = _as_array(op, names[1], plain_indices, device)
    if offsets.ndim != 1 or plain.ndim != 1 or offsets.dtype.kind not in "iu" or plain.dtype.kind not in "iu":
        raise DtypeError(f"{op}: {names[0]} and {names[1]} must be 1-D integer tensors, got {offsets.dtype} "
                         f"{tuple(offsets.shape)} and {plain.dtype} {tuple(plain.shape)}; batched "
                         f"{layout.upper()} is not supported")
    offsets, plain = offsets.astype(np.int64), plain.astype(np.int64)
    counts = offsets[1:] - offsets[:-1]
    if (offsets.size == 0 or int(offsets[0]) != 0 or (counts.size and int(counts.min()) < 0)
            or int(offsets[-1]) != plain.size):
        raise ValueError(f"{op}: {names[0]} must start at 0, never decrease and end at the number of entries "
                         f"({plain.size}), got {offsets.tolist() if offsets.size <= 20 else tuple(offsets.shape)}")
    expanded = device.xp.repeat(device.xp.arange(offsets.size - 1), counts)
    return offsets, plain, expanded


def refuse_blocked(t, op):
    """PyTorch's refusal to turn a BSR/BSC tensor into CSR/CSC (`op` names the conversion)."""
    layout = t._data.layout if isinstance(t, Tensor) and is_sparse_array(t._data) else None
    if layout in ("bsr", "bsc"):
        raise RuntimeError(f"sparse_compressed_{op}: expected SparseCsr or SparseCsc layout but got "
                           f"Sparse{layout.capitalize()}; go through .to_dense() (or .to_sparse()) first")


def compressed_storage(op, t, layout):
    """The sparse storage of `t`, which `op` needs in `layout` ('csr' or 'csc'); PyTorch's error otherwise."""
    s = _sparse(op, t)
    if s.layout != layout:
        kind = {"csr": "SparseCsr", "csc": "SparseCsc", "bsr": "SparseBsr", "bsc": "SparseBsc",
                "coo": "Sparse"}.get(s.layout, s.layout)
        raise RuntimeError(f"{op} expected sparse {_COMPRESSED[layout][3]} compressed tensor layout but got {kind} "
                           f"(shape {s.shape}); convert with .to_sparse_{layout}()")
    return s


def compressed_offsets(op, t, layout):
    """The (rows + 1,) or (columns + 1,) int64 offsets of each row's (CSR) or column's (CSC) entries."""
    s = compressed_storage(op, t, layout)
    dim, xp = _COMPRESSED[layout][2], t._device.xp
    counts = xp.bincount(s.indices[dim], minlength=s.shape[dim]) if s.nnz else xp.zeros(s.shape[dim], np.int64)
    return _constant(t, xp.concatenate([xp.zeros(1, np.int64), xp.cumsum(counts)]).astype(np.int64))
