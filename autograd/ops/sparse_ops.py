"""What the dense ops do with sparse COO arguments (PyTorch's sparse kernels), and torch.sparse's functions.

Each form takes the arguments the dense op's Function was given and works on the sparse tensors' values
with dense recorded ops (sparse_build.py), so every result is differentiable in those values: sparse @ dense
products and their transposes, sums over any dims, softmax over the stored entries, products and quotients
with numbers and dense tensors (masked to the sparse entries, as PyTorch's), sums of sparse tensors, the
elementwise functions that keep zeros, transposes of sparse dims, dtype and device moves."""
import numpy as np

from ..errors import DtypeError, IndexShapeError, ShapeError
from ..function import named
from ..grad_mode import no_grad
from ..sparse_storage import SPARSE_FORMS, is_sparse_array
from ..tensor import Tensor
from . import activation, convert, elementwise, linalg, reduction, shape
from .dims import normalize
from .joining import concatenate
from .sparse_blocked import is_blocked, transpose as _blocked_transpose
from .sparse_matmul import SparseMatMul
from .sparse_build import _constant, _group_sum, _linear, _rebuild, _values, coalesce, to_dense


def is_sparse(t):
    """True for a sparse COO tensor."""
    return isinstance(t, Tensor) and is_sparse_array(t._data)


def _dense_operand(op, t):
    if isinstance(t, Tensor):
        return t
    raise TypeError(f"{op}: expected a Tensor beside the sparse tensor, got {type(t).__name__}")


def mm(mat1, mat2):
    """mat1 @ mat2 where either is sparse COO (sparse @ dense and dense @ sparse give a dense result, sparse @
    sparse a sparse one); differentiable in both (torch.sparse.mm)."""
    if is_sparse(mat1) and is_sparse(mat2):
        return (mm(mat1, to_dense(mat2))).to_sparse()
    if is_sparse(mat1):
        dense = _dense_operand("mm", mat2)
        if dense.ndim != 2:   # matmul takes a vector here; mm, as PyTorch's, only matrices
            raise IndexShapeError(f"mm: sparse @ dense needs a 2-D dense tensor, got shape {tuple(dense.shape)}; for "
                                  "a vector use matmul (sparse @ vector) or unsqueeze it to a column")
        return _sparse_times_dense(mat1, dense)
    if is_sparse(mat2):
        dense = _dense_operand("mm", mat1)
        if dense.ndim != 2:
            raise IndexShapeError(f"mm: dense @ sparse needs a 2-D dense tensor, got shape {tuple(dense.shape)}")
        return _sparse_times_dense(transpose(mat2), dense.transpose(0, 1)).transpose(0, 1)
    return linalg.mm(mat1, mat2)


def _sparse_times_dense(s, d):
    """sparse (M, K) @ dense (K,) or (K, N): each stored entry's value times its column's row of d, added
    into its row of the result."""
    sp = s._data
    if sp.ndim != 2 or sp.sparse_dim != 2:
        raise ShapeError(f"mm: a sparse COO operand must be a 2-D matrix with 2 sparse dims, got shape {sp.shape} "
                         f"with {sp.sparse_dim} sparse dims; sum or slice it to a matrix first")
    if d.ndim not in (1, 2) or d.shape[0] != sp.shape[1]:
        raise ShapeError(f"mm: sparse {sp.shape} @ dense {tuple(d.shape)}: the dense operand must be (K,) or "
                         f"(K, N) with K = {sp.shape[1]}, the sparse matrix's columns")
    if d.dtype != sp.dtype:
        raise DtypeError(f"mm: both operands must have the same dtype, got sparse {sp.dtype} and dense {d.dtype}; "
                         f"convert one, e.g. dense.to({sp.dtype})")
    if d._device is not s._device:
        d = d.to(s._device)
    d2 = d.unsqueeze(1) if d.ndim == 1 else d
    out = named(SparseMatMul.apply(_values(s), d2, sp.indices[0], sp.indices[1], sp.shape[0]),
                SparseMatMul.torch_name)
    return out.squeeze(1) if d.ndim == 1 else out


def transpose(s, axes=None):
    """A sparse tensor with its sparse dims permuted (axes: a permutation of every dim that keeps the dense
    dims in place; None reverses a matrix); its entries are no longer sorted (uncoalesced), as PyTorch's."""
    sp = s._data
    if is_blocked(s):
        if axes is not None and tuple(axes) != (1, 0):
            raise ShapeError(f"transpose: a sparse {sp.layout.upper()} matrix (shape {sp.shape}) swaps its two dims "
                             f"only, got the permutation {tuple(axes)}")
        return _blocked_transpose(s)
    if sp.layout in ("csr", "csc"):   # the same entries read the other way: CSR <-> CSC, as PyTorch's
        if axes is not None and tuple(axes) != (1, 0):
            raise ShapeError(f"transpose: a sparse {sp.layout.upper()} matrix (shape {sp.shape}) swaps its two dims "
                             f"only, got the permutation {tuple(axes)}")
        flipped = "csc" if sp.layout == "csr" else "csr"
        return _rebuild(s, sp.indices[[1, 0]], _values(s), sp.layout == "csc" or sp.nnz <= 1, sp.shape[::-1],
                        layout=flipped)
    axes = tuple(range(sp.ndim))[::-1] if axes is None else tuple(axes)
    sd = sp.sparse_dim
    if axes[sd:] != tuple(range(sd, sp.ndim)) or sorted(axes[:sd]) != list(range(sd)):
        raise ShapeError(f"transpose: a sparse COO tensor of shape {sp.shape} ({sd} sparse dims) can swap only "
                         f"its sparse dims, got the permutation {axes}")
    shape = tuple(sp.shape[a] for a in axes)
    return _rebuild(s, sp.indices[list(axes[:sd])], _values(s), sp.nnz <= 1, shape)


def sparse_sum(input, dim=None, dtype=None, keepdim=False):
    """The sum of a sparse tensor over `dim` (all dims when None): a dense tensor when every sparse dim is
    summed, else a coalesced sparse one (torch.sparse.sum)."""
    s = input._data
    if keepdim:
        raise ValueError(f"sum: keepdim=True is not supported for a sparse COO tensor (shape {s.shape}); sum, then "
                         "unsqueeze the dense result")
    vals = _values(input) if dtype is None else _values(input).to(dtype)
    dims = range(s.ndim) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    dims = sorted({normalize("sparse.sum", d, s.ndim) for d in dims})
    sd = s.sparse_dim
    summed_sparse = [d for d in dims if d < sd]
    dense_axes = [d - sd + 1 for d in dims if d >= sd]
    if dense_axes:
        vals = vals.sum(dim=tuple(dense_axes))
    # PyTorch's node: SumBackward0 for the sum of everything, SparseSumBackward0 when dims are named
    node = "SumBackward0" if dim is None else "SparseSumBackward0"
    if len(summed_sparse) == sd:
        return named(vals.sum(0), node)
    kept = [d for d in range(sd) if d not in summed_sparse]
    new_shape = tuple(s.shape[d] for d in kept) + tuple(n for d, n in enumerate(s.shape) if d >= sd and d not in dims)
    if not summed_sparse:
        return named(_rebuild(input, s.indices, vals, s.coalesced, new_shape), node)
    # the entries at the kept dims, whose repeats coalescing sums
    return named(coalesce(_rebuild(input, s.indices[kept], vals, False, new_shape)), node)


def softmax(input, dim, dtype=None):
    """Softmax over the stored entries along `dim` (missing entries count as -inf: they stay missing), a
    sparse tensor with the coalesced input's entries (torch.sparse.softmax)."""
    return _softmax("softmax", input, dim, dtype, log=False)


def log_softmax(input, dim, dtype=None):
    """log of softmax over the stored entries along `dim` (torch.sparse.log_softmax)."""
    return _softmax("log_softmax", input, dim, dtype, log=True)


def _softmax(op, input, dim, dtype, log):
    if not is_sparse(input):
        raise TypeError(f"torch.sparse.{op}: expected a sparse COO tensor, got a dense one of shape "
                        f"{tuple(input.shape)}; use torch.{op} for dense tensors")
    d = normalize(f"sparse.{op}", dim, input._data.ndim)
    c = coalesce(input)
    s = c._data
    vals = _values(c) if dtype is None else _values(c).to(dtype)
    sd = s.sparse_dim
    if d >= sd:   # a dense dim: each entry's block on its own
        fn = activation.log_softmax if log else activation.softmax
        return _rebuild(c, s.indices, fn(vals, d - sd + 1), True)
    xp = input._device.xp
    others = [k for k in range(sd) if k != d]
    keys = _linear(xp, s.indices[others], [s.shape[k] for k in others]) if others else xp.zeros(s.nnz, np.int64)
    unique, inverse = xp.unique(keys, return_inverse=True)
    group = _constant(c, inverse.reshape(-1))
    with no_grad():
        top = xp.full((unique.size,) + tuple(vals.shape[1:]), -np.inf, vals.dtype)
        xp.maximum.at(top, inverse.reshape(-1), vals._data)
    shifted = vals - _constant(c, top)[group]
    total = _group_sum(shifted.exp(), group, unique.size)
    out = shifted - total.log()[group] if log else shifted.exp() / total[group]
    return _rebuild(c, s.indices, out, True)


def _masked_values(s, dense):
    """The dense tensor's elements at the sparse tensor's entries (broadcast to its shape first)."""
    sp = s._data
    if dense.ndim == 0:
        return dense
    full = dense.expand(*sp.shape) if tuple(dense.shape) != sp.shape else dense
    return full[tuple(_constant(s, row) for row in sp.indices)]


def _mul(a, b):
    if is_sparse(a) and is_sparse(b):
        return _mul(a, to_dense(b))
    s, other = (a, b) if is_sparse(a) else (b, a)
    return _rebuild(s, s._data.indices, _values(s) * _masked_values(s, _dense(s, other)), s._data.coalesced)


def _div(a, b):
    if not is_sparse(a) or is_sparse(b):
        raise TypeError(f"div: only a sparse tensor divided by a number or a dense tensor is supported (a sparse "
                        f"divisor has zeros everywhere it stores nothing), got shapes {tuple(a.shape)} and "
                        f"{tuple(getattr(b, 'shape', ()))}")
    return _rebuild(a, a._data.indices, _values(a) / _masked_values(a, _dense(a, b)), a._data.coalesced)


def _add(a, b, negate=False):
    if is_blocked(a) and is_blocked(b) and _same_pattern(a._data, b._data):   # PyTorch keeps the block layout
        other = -_values(b) if negate else _values(b)
        return _rebuild(a, a._data.indices, _values(a) + other, a._data.coalesced)
    if is_sparse(a) and is_sparse(b):
        if tuple(a.shape) != tuple(b.shape):
            raise ShapeError(f"add: sparse tensors of shapes {tuple(a.shape)} and {tuple(b.shape)}; they must have "
                             "the same shape")
        other = -_values(b) if negate else _values(b)
        xp = a._device.xp
        joined = _rebuild(a, xp.concatenate([a._data.indices, b._data.indices], axis=1),
                          concatenate([_values(a), other], 0), False)
        return coalesce(joined)
    if is_sparse(a):
        return elementwise.sub(to_dense(a), b) if negate else elementwise.add(to_dense(a), b)
    return elementwise.sub(a, to_dense(b)) if negate else elementwise.add(a, to_dense(b))


def _same_pattern(s, t):
    return (s.layout == t.layout and s.layout.blocksize == t.layout.blocksize and s.shape == t.shape
            and s.indices.shape == t.indices.shape and bool((s.indices == t.indices).all()))


def _dense(like, other):
    if isinstance(other, Tensor):
        return other if other._device is like._device else other.to(like._device)
    return _constant(like, like._device.xp.asarray(other, dtype=like.dtype))


def _values_map(fn):
    """The form of an elementwise function that keeps zeros: fn on the coalesced tensor's values."""
    def form(x, *rest, **kwargs):
        c = x if is_blocked(x) else coalesce(x)   # a block tensor keeps its blocks (explicit zeros stay zeros)
        return _rebuild(c, c._data.indices, fn(_values(c), *rest, **kwargs), c._data.coalesced)
    return form


def _pow(a, b):
    if not is_sparse(a) or isinstance(b, Tensor) and (b.ndim or is_sparse(b)) or float(np.asarray(
            b._data if isinstance(b, Tensor) else b)) <= 0:
        raise TypeError(f"pow: a sparse tensor only takes a positive number as its exponent (x ** 0 and negative "
                        f"powers are not zero where it stores nothing), got {b!r}; use .to_dense() first")
    c = coalesce(a)
    return _rebuild(c, c._data.indices, _values(c) ** b, True)


def _astype(x, dtype):
    return _rebuild(x, x._data.indices, _values(x).to(dtype), x._data.coalesced)


def _to_device(x, target):
    moved = _values(x).to(target)
    indices = target.asarray(x._device.to_host(x._data.indices))
    return _rebuild(moved, indices, moved, x._data.coalesced, x.shape)


def _matmul(mat1, mat2):
    """MatMul's sparse form: mm's, and also a sparse matrix times a vector, which matmul takes and mm refuses."""
    if is_sparse(mat1) and not is_sparse(mat2):
        return _sparse_times_dense(mat1, _dense_operand("matmul", mat2))
    return mm(mat1, mat2)


SPARSE_FORMS.update({
    linalg.MatMul: _matmul,
    reduction.Sum: lambda x, axis=None, keepdims=False: sparse_sum(x, axis, keepdim=keepdims),
    shape.Transpose: transpose,
    elementwise.Mul: _mul,
    elementwise.Div: _div,
    elementwise.Add: _add,
    elementwise.Sub: lambda a, b: _add(a, b, negate=True),
    elementwise.Neg: _values_map(lambda v: -v),
    elementwise.Clone: lambda x, layout=None: elementwise.Clone.apply(x),   # every layout: the entries as they are
    elementwise.Sqrt: _values_map(lambda v: v.sqrt()),
    elementwise.Abs: _values_map(lambda v: v.abs()),
    elementwise.Sin: _values_map(lambda v: v.sin()),
    elementwise.Tanh: _values_map(lambda v: v.tanh()),
    elementwise.Sign: _values_map(lambda v: v.sign()),
    activation.Relu: _values_map(lambda v: v.relu()),
    elementwise.Pow: _pow,
    convert.AsType: _astype,
    convert.ToDevice: _to_device,
})
