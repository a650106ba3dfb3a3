"""PyTorch's older sparse products and builders: torch.smm, sspaddmm / saddmm, hspmm, dsmm, native_norm,
torch.sparse.sampled_addmm and spdiags. Each is written with the sparse tensors' recorded values (sparse_build.py)
and dense ops, so deepgrad's forms are differentiable where PyTorch's have no derivative."""
import numpy as np

from ..errors import DtypeError, ShapeError
from ..tensor import Tensor
from ..sparse_storage import is_sparse_array
from .joining import cat
from .sparse_build import _constant, _rebuild, _values, coalesce
from .sparse_ops import mm


def _is_coo(t):
    return isinstance(t, Tensor) and is_sparse_array(t._data) and t._data.layout == "coo"


def _sparse_coo(op, t):
    if not _is_coo(t):
        raise RuntimeError(f"{op}: expected a sparse COO tensor, got "
                           f"{'a dense one' if isinstance(t, Tensor) else type(t).__name__} (shape "
                           f"{tuple(getattr(t, 'shape', ()))}); make one with .to_sparse()")
    return t


def _row_product(op, mat1, mat2):
    """(the rows mat1 stores anything in, sorted; those rows of mat1 @ mat2)."""
    _sparse_coo(op, mat1)
    if mat1.ndim != 2 or not isinstance(mat2, Tensor) or mat2.ndim != 2:
        raise ShapeError(f"{op}: expects a sparse (M, K) matrix and a dense (K, N) one, got shapes "
                         f"{tuple(mat1.shape)} and {tuple(getattr(mat2, 'shape', ()))}")
    xp = mat1._device.xp
    rows = xp.unique(mat1._data.indices[0]).astype(np.int64)
    return rows, mm(mat1, mat2)[_constant(mat1, rows)]


def _rows_as_entries(like, rows, block, shape):
    """The sparse COO matrix holding every element of `block` (rows of a result) at its row and column."""
    xp = like._device.xp
    n = shape[1]
    indices = xp.stack([xp.repeat(rows, n), xp.tile(xp.arange(n, dtype=np.int64), rows.size)])
    indices = indices.reshape(2, -1)
    return _rebuild(like, indices, block.reshape(-1), indices.shape[1] <= 1, tuple(shape), layout="coo")


def smm(input, mat2):
    """input (sparse COO) @ mat2 (dense) as a sparse COO matrix: every element of each row input stores
    anything in (PyTorch's torch.smm)."""
    if not _is_coo(input):
        raise RuntimeError("tensor.sspaddmm(...) can only be called on sparse tensors; smm takes a sparse COO "
                           "matrix first (.to_sparse())")
    rows, block = _row_product("smm", input, mat2)
    return _rows_as_entries(input, rows, block, (input.shape[0], mat2.shape[1]))


def sspaddmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2) as a sparse COO matrix: input's entries, then smm's, not summed
    (uncoalesced, as PyTorch's)."""
    if not _is_coo(input):
        raise RuntimeError("tensor.sspaddmm(...) can only be called on sparse tensors; input must be sparse COO")
    product = smm(mat1, mat2)
    if tuple(product.shape) != tuple(input.shape):
        raise ShapeError(f"sspaddmm: input has shape {tuple(input.shape)} but mat1 @ mat2 has "
                         f"{tuple(product.shape)}; they must match")
    xp = input._device.xp
    indices = xp.concatenate([input._data.indices, product._data.indices], axis=1)
    values = cat([_values(input) * beta, _values(product) * alpha])
    return _rebuild(input, indices, values, indices.shape[1] <= 1, tuple(input.shape), layout="coo")


saddmm = sspaddmm   # PyTorch's older name for it


def hspmm(mat1, mat2):
    """mat1 (sparse COO) @ mat2 (dense) as a hybrid sparse tensor: one sparse dim (the rows mat1 stores anything
    in), each row's N values dense."""
    rows, block = _row_product("hspmm", mat1, mat2)
    shape = (mat1.shape[0], mat2.shape[1])
    return _rebuild(mat1, rows.reshape(1, -1), block, rows.size <= 1, shape, layout="coo")


hsmm = hspmm   # PyTorch's second name for it


def dsmm(input, mat2):
    """input (sparse COO) @ mat2 (dense), dense."""
    _sparse_coo("dsmm", input)
    return mm(input, mat2)


def native_norm(input, p=2, dim=None, keepdim=False, dtype=None):
    """The p-norm of a sparse COO tensor's values (a full reduction; PyTorch has no dense kernel for it)."""
    if not _is_coo(input):
        raise NotImplementedError("native_norm: only sparse COO tensors (PyTorch has no dense CPU kernel for "
                                  "aten::native_norm); use torch.linalg.vector_norm for dense ones")
    if dim is not None and sorted(d % input.ndim for d in dim) != list(range(input.ndim)):
        raise RuntimeError("norm_sparse currently only supports full reductions, so 'dim' must either be empty or "
                           "contain all dimensions of the input")
    vals = _values(coalesce(input))
    if dtype is not None:
        vals = vals.to(dtype)
    out = vals.norm(p)
    return out.reshape((1,) * input.ndim) if keepdim else out


def sampled_addmm(input, mat1, mat2, *, beta=1.0, alpha=1.0, out=None):
    """beta * input + alpha * (mat1 @ mat2) at input's entries only: a CSR matrix with input's pattern
    (torch.sparse.sampled_addmm)."""
    if not (isinstance(input, Tensor) and is_sparse_array(input._data) and input._data.layout == "csr"):
        raise NotImplementedError(f"sampled_addmm: input must be a sparse CSR matrix (PyTorch has no CPU kernel for "
                                  f"other layouts), got shape {tuple(getattr(input, 'shape', ()))} "
                                  f"{getattr(input, 'layout', type(input).__name__)}; convert with .to_sparse_csr()")
    s = input._data
    if mat1.ndim != 2 or mat2.ndim != 2 or (mat1.shape[0], mat2.shape[1]) != s.shape or mat1.shape[1] != mat2.shape[0]:
        raise ShapeError(f"sampled_addmm: mat1 {tuple(mat1.shape)} @ mat2 {tuple(mat2.shape)} must be a matrix of "
                         f"input's shape {s.shape}")
    if mat1.dtype != s.dtype or mat2.dtype != s.dtype:
        raise DtypeError(f"sampled_addmm: input, mat1 and mat2 must share one dtype, got {s.dtype}, {mat1.dtype} "
                         f"and {mat2.dtype}")
    picked = (mat1 @ mat2)[_constant(input, s.indices[0]), _constant(input, s.indices[1])]
    result = _rebuild(input, s.indices, _values(input) * beta + picked * alpha, s.coalesced, layout="csr")
    if out is not None:
        out._data = result._data
        return out
    return result


def spdiags(diagonals, offsets, shape, layout=None):
    """The (m, n) sparse matrix with diagonals[d] on the offsets[d]-th diagonal (0 the main one, > 0 above), the
    element in column j taken from diagonals[d, j] (scipy's convention); COO unless layout is sparse_csr/csc."""
    op = "spdiags"
    if not isinstance(diagonals, Tensor) or not isinstance(offsets, Tensor):
        raise TypeError(f"{op}: diagonals and offsets must be tensors, got {type(diagonals).__name__} and "
                        f"{type(offsets).__name__}")
    name = "coo" if layout is None else str(layout).replace("torch.", "").replace("sparse_", "")
    if name not in ("coo", "csr", "csc"):
        raise RuntimeError(f"{op}: Only output layouts (Sparse, SparseCsc, SparseCsr) are supported, got {layout}")
    table = diagonals.unsqueeze(0) if diagonals.ndim == 1 else diagonals
    shifts = [int(k) for k in np.asarray(offsets.detach().numpy()).reshape(-1)]
    if table.ndim != 2 or len(shifts) != table.shape[0]:
        raise RuntimeError(f"{op}: Number of diagonals ({table.shape[0] if table.ndim == 2 else table.ndim}) does not "
                           f"match the number of offsets ({len(shifts)})")
    if len(set(shifts)) != len(shifts):
        raise RuntimeError(f"{op}: Offset tensor contains duplicate values ({shifts})")
    m, n = (int(d) for d in shape)
    rows, cols, which = [], [], []
    for d, k in enumerate(shifts):
        col = np.arange(max(k, 0), min(n, m + k, table.shape[1]), dtype=np.int64)
        rows.append(col - k)
        cols.append(col)
        which.append(np.full(col.size, d, np.int64))
    rows, cols, which = (np.concatenate(a) if a else np.zeros(0, np.int64) for a in (rows, cols, which))
    xp = table._device.xp
    values = table[_constant(table, xp.asarray(which)), _constant(table, xp.asarray(cols))]
    indices = xp.asarray(np.stack([rows, cols]))
    out = _rebuild(table, indices, values, rows.size <= 1, (m, n), layout="coo")
    if name == "coo":
        return out
    return out.to_sparse_csr() if name == "csr" else out.to_sparse_csc()

