"""Block-compressed sparse matrices (torch.sparse_bsr_tensor / sparse_bsc_tensor / sparse_compressed_tensor,
Tensor.to_sparse_bsr / to_sparse_bsc): held as the COO entries of every element of every stored block, block by
block (by rows of blocks for BSR, by columns of blocks for BSC) and each block's elements row by row, the order
PyTorch's COO form of them has; the layout carries the blocksize. So every sparse op takes them (products, sums,
to_dense, ...); this module makes them, converts between them and reads their blocks back."""
import numpy as np

import backends

from ..dtypes import get_default_dtype
from ..errors import IndexRangeError, ShapeError
from ..function import named
from ..grad_mode import no_grad
from ..sparse_storage import BlockLayout, block_area, is_sparse_array
from ..tensor import Tensor
from . import sparse_build as SB
from . import sparse_csc as SCC
from . import sparse_csr as SC
from .sparse_compressed import _COMPRESSED, checked_offsets, compressed_storage, compressed_tensor

#: block layout -> the compressed matrix layout whose index names and compressed dim it shares
_PLAIN = {"bsr": "csr", "bsc": "csc"}
_KIND = {"bsr": "SparseBsr", "bsc": "SparseBsc", "csr": "SparseCsr", "csc": "SparseCsc", "coo": "Sparse"}


def is_blocked(t):
    """True for a BSR or BSC tensor."""
    return isinstance(t, Tensor) and is_sparse_array(t._data) and t._data.layout in _PLAIN


def _block_keys(xp, indices, shape, layout, blocksize):
    """Each element entry's place in `layout`'s storage order: its block's place (by rows of blocks for BSR, by
    columns for BSC), then its place inside the block, row by row."""
    (r, c), (m, n) = blocksize, shape
    block_row, in_row = indices[0] // r, indices[0] % r
    block_col, in_col = indices[1] // c, indices[1] % c
    block = block_row * (n // c) + block_col if layout == "bsr" else block_col * (m // r) + block_row
    return (block * r + in_row) * c + in_col


def _assemble(block_rows, block_cols, blocks, shape, layout, torch_name):
    """The `layout` matrix of `shape` whose blocks (a (nnz, R, C) Tensor, recorded) sit at the given block rows and
    columns (arrays, already in the layout's order)."""
    xp = blocks._device.xp
    r, c = blocks.shape[1], blocks.shape[2]
    rows = block_rows[:, None, None] * r + xp.arange(r)[None, :, None] + xp.zeros((1, 1, c), np.int64)
    cols = block_cols[:, None, None] * c + xp.arange(c)[None, None, :] + xp.zeros((1, r, 1), np.int64)
    indices = xp.stack([rows.reshape(-1), cols.reshape(-1)]).astype(np.int64)
    # the entries are coalesced (PyTorch's flag) when block order happens to be row-major order too
    keys = indices[0] * shape[1] + indices[1]
    coalesced = keys.size <= 1 or bool((keys[1:] > keys[:-1]).all())
    kind = BlockLayout(layout, (r, c))
    out = SB.SparseFromValues.apply(blocks.reshape(-1), indices, tuple(shape), coalesced, kind)
    return named(out, torch_name)


def _host_values(values, dtype, device):
    data = np.asarray(values)
    if dtype is None and data.dtype.kind == "f":
        data = data.astype(get_default_dtype())
    return Tensor._make(device.asarray(data), device, None, 0, False)


def blocked_tensor(layout, compressed_indices, plain_indices, values, size, dtype, device, requires_grad):
    """The BSR or BSC (`layout`) matrix sparse_bsr_tensor / sparse_bsc_tensor build from the offsets of each row
    (column) of blocks, each block's column (row) and the (nnz, R, C) blocks."""
    op = f"sparse_{layout}_tensor"
    names = _COMPRESSED[_PLAIN[layout]]
    dim = names[2]
    if device is None:
        device = values._device if isinstance(values, Tensor) else backends.get_default_device()
    else:
        device = backends.get_backend(device)
    offsets, plain, expanded = checked_offsets(op, layout, names, compressed_indices, plain_indices, device)
    blocks = values if isinstance(values, Tensor) else _host_values(values, dtype, device)
    if blocks._device is not device:
        blocks = blocks.to(device)
    if dtype is not None and blocks.dtype != np.dtype(dtype):
        blocks = blocks.to(dtype)
    if blocks.ndim != 3 or blocks.shape[0] != plain.size or 0 in blocks.shape[1:]:
        raise ShapeError(f"{op}: values must be (nnz, R, C): one R x C block per {names[1]} entry ({plain.size}), "
                         f"got shape {tuple(blocks.shape)}; batched or hybrid {layout.upper()} is not supported")
    blocksize = tuple(blocks.shape[1:])
    units = offsets.size - 1
    if size is None:
        extent = int(plain.max()) + 1 if plain.size else 0
        counts = (units, extent) if dim == 0 else (extent, units)
        size = (counts[0] * blocksize[0], counts[1] * blocksize[1])
    size = tuple(int(n) for n in size)
    if len(size) != 2 or size[0] % blocksize[0] or size[1] % blocksize[1]:
        raise ShapeError(f"{op}: size {size} must be a matrix whose dims the blocksize {blocksize} divides")
    grid = (size[0] // blocksize[0], size[1] // blocksize[1])
    if grid[dim] != units:
        raise ShapeError(f"{op}: {names[0]} has {offsets.size} offsets, so {units} {names[3]}s of blocks, but size "
                         f"{size} with blocksize {blocksize} has {grid[dim]}")
    if plain.size and int(plain.max()) >= grid[1 - dim] or plain.size and int(plain.min()) < 0:
        raise IndexRangeError(f"{op}: {names[1]} must be in [0, {grid[1 - dim]}) ({names[4]}s of blocks of size "
                              f"{size} with blocksize {blocksize}), got {plain.tolist() if plain.size <= 20 else ''}")
    keys = plain + expanded * grid[1 - dim]
    if keys.size > 1 and int((keys[1:] <= keys[:-1]).sum()):
        raise ValueError(f"{op}: the {names[4]} indices of each {names[3]} of blocks must be increasing, without "
                         "repeats")
    block_rows, block_cols = (expanded, plain) if dim == 0 else (plain, expanded)
    out = _assemble(block_rows, block_cols, blocks, size, layout, "SparseCompressedTensorBackward0")
    if requires_grad:
        out = out.detach().requires_grad_(True)
    return out


def sparse_bsr_tensor(crow_indices, col_indices, values, size=None, *, dtype=None, device=None,
                      requires_grad=False, check_invariants=None):
    """A sparse BSR matrix: row of blocks i holds the blocks values[crow_indices[i]:crow_indices[i + 1]] (each
    R x C) at the block columns col_indices[same range]; size defaults to the smallest that holds them.
    Differentiable in `values`."""
    return blocked_tensor("bsr", crow_indices, col_indices, values, size, dtype, device, requires_grad)


def sparse_bsc_tensor(ccol_indices, row_indices, values, size=None, *, dtype=None, device=None,
                      requires_grad=False, check_invariants=None):
    """A sparse BSC matrix: column of blocks j holds the blocks values[ccol_indices[j]:ccol_indices[j + 1]] (each
    R x C) at the block rows row_indices[same range]. Differentiable in `values`."""
    return blocked_tensor("bsc", ccol_indices, row_indices, values, size, dtype, device, requires_grad)


def sparse_compressed_tensor(compressed_indices, plain_indices, values, size=None, *, dtype=None, layout=None,
                             device=None, requires_grad=False, check_invariants=None):
    """A CSR, CSC, BSR or BSC matrix (`layout`, required) from its compressed indices, its other indices and its
    values (numbers for CSR/CSC, R x C blocks for BSR/BSC)."""
    name = str(layout).replace("torch.", "").replace("sparse_", "")
    if name in ("csr", "csc"):
        return compressed_tensor(name, compressed_indices, plain_indices, values, size, dtype, device, requires_grad)
    if name in _PLAIN:
        return blocked_tensor(name, compressed_indices, plain_indices, values, size, dtype, device, requires_grad)
    got = "none" if layout is None else _KIND.get(name, str(layout))
    raise RuntimeError(f"sparse_compressed_tensor expected sparse compressed tensor layout but got {got}; pass "
                       "layout=torch.sparse_csr, sparse_csc, sparse_bsr or sparse_bsc")


def _checked_blocksize(op, blocksize):
    size = (blocksize, blocksize) if isinstance(blocksize, (int, np.integer)) else tuple(blocksize)
    if len(size) != 2:
        raise RuntimeError(f"{op}: blocksize needs to be a tuple of size 2, but got {len(size)}")
    if min(size) <= 0:
        raise RuntimeError(f"{op}: blocksize needs to be positive, but got {list(size)}")
    return tuple(int(n) for n in size)


def to_blocked(self, layout, blocksize, dense_dim=None):
    """This matrix as a `layout` ('bsr' or 'bsc') tensor of R x C blocks: every block holding a nonzero element
    is stored (from a dense, COO, CSR, CSC, BSR or BSC matrix)."""
    op = f"to_sparse_{layout}"
    size = _checked_blocksize(op, blocksize)
    if dense_dim:
        raise ValueError(f"{op}: dense_dim is not supported; deepgrad's {layout.upper()} tensors are plain matrices")
    if self.ndim != 2:
        raise ValueError(f"{op}: expects a 2-D tensor, got shape {tuple(self.shape)}; deepgrad's {layout.upper()} "
                         "tensors are matrices (no batch dims)")
    if is_blocked(self):
        have = self._data.layout
        if have.blocksize != size:
            raise RuntimeError(f"{op}: conversion from {_KIND[have]} to {_KIND[layout]} with blocksize changed from "
                               f"{list(have.blocksize)} to {list(size)} is not supported; go through .to_dense()")
        return self if have == layout else _reordered(self, self._data.indices, SB._values(self), self.shape,
                                                      layout, size)
    dense = SB.to_dense(self) if is_sparse_array(self._data) else self
    m, n = dense.shape
    if m % size[0] or n % size[1]:
        raise RuntimeError(f"dense_to_sparse_{layout}: tensor sparse size ({m},{n}) must be divisible by given "
                           f"blocksize ({size[0]},{size[1]})")
    xp = dense._device.xp
    with no_grad():
        grid = (dense._data != 0).reshape(m // size[0], size[0], n // size[1], size[1]).any(axis=(1, 3))
        if layout == "bsr":
            block_rows, block_cols = (a.astype(np.int64) for a in xp.nonzero(grid))
        else:
            block_cols, block_rows = (a.astype(np.int64) for a in xp.nonzero(grid.T))
    r, c = size
    rows = block_rows[:, None, None] * r + xp.arange(r)[None, :, None] + xp.zeros((1, 1, c), np.int64)
    cols = block_cols[:, None, None] * c + xp.arange(c)[None, None, :] + xp.zeros((1, r, 1), np.int64)
    blocks = dense[SB._constant(dense, rows), SB._constant(dense, cols)]
    return _assemble(block_rows, block_cols, blocks, (m, n), layout, f"ToSparse{layout.capitalize()}Backward0")


def _reordered(like, indices, vals, shape, layout, blocksize):
    """The element entries (indices, recorded values) put into `layout`'s storage order, as a `layout` tensor."""
    xp = like._device.xp
    order = xp.argsort(_block_keys(xp, indices, shape, layout, blocksize), kind="stable")
    picked = indices[:, order]
    keys = picked[0] * shape[1] + picked[1]
    coalesced = keys.size <= 1 or bool((keys[1:] > keys[:-1]).all())
    out = SB.SparseFromValues.apply(vals[SB._constant(like, order)], picked, tuple(shape), coalesced,
                                    BlockLayout(layout, blocksize))
    return named(out, SB.SparseFromValues.torch_name)


def transpose(s):
    """A BSR matrix's transpose as a BSC one of the transposed blocks, and the other way round (PyTorch's)."""
    sp = s._data
    r, c = sp.layout.blocksize
    flipped = "bsc" if sp.layout == "bsr" else "bsr"
    return _reordered(s, sp.indices[[1, 0]], SB._values(s), sp.shape[::-1], flipped, (c, r))


def _grid_positions(op, t, layout):
    """The block row and block column of each stored block of the `layout` tensor t."""
    s = compressed_storage(op, t, layout)
    r, c = s.layout.blocksize
    first = s.indices[:, ::r * c]   # each block's elements are stored together, its top-left one first
    return first[0] // r, first[1] // c


def _offsets(t, layout, op):
    rows, cols = _grid_positions(op, t, layout)
    s, xp = t._data, t._device.xp
    dim = 0 if layout == "bsr" else 1
    along = rows if dim == 0 else cols
    extent = s.shape[dim] // s.layout.blocksize[dim]
    counts = xp.bincount(along, minlength=extent) if along.size else xp.zeros(extent, np.int64)
    return SB._constant(t, xp.concatenate([xp.zeros(1, np.int64), xp.cumsum(counts)]).astype(np.int64))


def _layout_of(t):
    return t._data.layout if isinstance(t, Tensor) and is_sparse_array(t._data) else None


def crow_indices(self):
    """The offsets of each row's entries (CSR) or each row of blocks' blocks (BSR), int64."""
    if _layout_of(self) == "bsr":
        return _offsets(self, "bsr", "crow_indices")
    return SC.crow_indices(self)


def col_indices(self):
    """The column of each entry (CSR) or block column of each block (BSR), int64."""
    if _layout_of(self) == "bsr":
        return SB._constant(self, _grid_positions("col_indices", self, "bsr")[1])
    return SC.col_indices(self)


def ccol_indices(self):
    """The offsets of each column's entries (CSC) or each column of blocks' blocks (BSC), int64."""
    if _layout_of(self) == "bsc":
        return _offsets(self, "bsc", "ccol_indices")
    return SCC.ccol_indices(self)


def row_indices(self):
    """The row of each entry (CSC) or block row of each block (BSC), int64."""
    if _layout_of(self) == "bsc":
        return SB._constant(self, _grid_positions("row_indices", self, "bsc")[0])
    return SCC.row_indices(self)


def values(self):
    """The stored values: (nnz,) for COO/CSR/CSC, the (nnz, R, C) blocks of a BSR/BSC tensor."""
    if not is_blocked(self):
        return SB.values(self)
    s = self._data
    r, c = s.layout.blocksize
    return named(SB._values(self).reshape(s.nnz // (r * c), r, c), SB.ValuesOf.torch_name)


def nnz(self):
    """The number of stored entries (of stored blocks for BSR/BSC)."""
    s = SB._sparse("_nnz", self)
    return s.nnz // block_area(s.layout)


def to_sparse_in_layout(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """Tensor.to_sparse: a sparse COO tensor, or one in `layout` (CSR, CSC, or BSR / BSC with `blocksize`)."""
    name = str(layout).replace("torch.", "").replace("sparse_", "")
    if layout is None or name not in _PLAIN:
        return SC.to_sparse_in_layout(self, sparse_dim, layout=layout, blocksize=blocksize, dense_dim=dense_dim)
    if blocksize is None:
        raise RuntimeError(f"dense_to_sparse: conversion from Strided to {_KIND[name]} without blocksize argument "
                           "given is not supported; pass blocksize=(R, C)")
    return to_blocked(self, name, blocksize, dense_dim)


def to_sparse_bsr(self, blocksize, dense_dim=None):
    """This matrix as a sparse BSR tensor of blocksize (R, C) blocks."""
    return to_blocked(self, "bsr", blocksize, dense_dim)


def to_sparse_bsc(self, blocksize, dense_dim=None):
    """This matrix as a sparse BSC tensor of blocksize (R, C) blocks."""
    return to_blocked(self, "bsc", blocksize, dense_dim)


def _copy_of(name, read):
    def copy(input, *, out=None):
        result = read(input).clone()
        if out is not None:
            out.resize_(result.shape).copy_(result)
            return out
        return result
    copy.__name__ = copy.__qualname__ = f"{name}_copy"
    copy.__doc__ = f"A copy of input.{name}() (torch.{name}_copy), not sharing its memory."
    return copy


crow_indices_copy = _copy_of("crow_indices", crow_indices)
col_indices_copy = _copy_of("col_indices", col_indices)
ccol_indices_copy = _copy_of("ccol_indices", ccol_indices)
row_indices_copy = _copy_of("row_indices", row_indices)
values_copy = _copy_of("values", values)
indices_copy = _copy_of("indices", SB.indices)

