"""Older and alternative spellings PyTorch keeps beside its main ops, each built on the main op so that its
values and gradients are that op's: msort, fix, sum_to_size, put, split_with_sizes, unravel_index, and the
pre-`torch.linalg` triangular solves (cholesky_solve, cholesky_inverse, triangular_solve)."""
import numbers

import numpy as np

from ..errors import DtypeError, ShapeError
from ..function import named
from ..return_types import return_type
from ..tensor import Tensor
from .dims import check_tensor
from .joining import split
from .linalg_solve import solve_triangular
from .put import index_put
from .reduction import sum as sum_
from .rounding import trunc
from .shape import reshape, transpose
from .sorting import sort

triangular_solve_result = return_type("triangular_solve", ["solution", "cloned_coefficient"])


def msort(input):
    """`input` sorted along its first dim (sort(input, dim=0).values)."""
    return sort(input, dim=0).values


def fix(input):
    """Rounded toward zero: trunc's other name."""
    return trunc(input)


def sum_to_size(input, *size):
    """`input` summed down to `size` (which it must broadcast to), as the gradient of a broadcast is."""
    check_tensor("sum_to_size", input)
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    size = tuple(int(n) for n in size)
    if len(size) > input.ndim or any(n not in (1, m) for n, m in zip(size[::-1], input.shape[::-1])):
        raise ValueError(f"sum_to_size: size {size} is not expandable to the tensor's shape {input.shape}; each "
                         f"dim of size must be 1 or equal the tensor's, counting from the last")
    extra = input.ndim - len(size)
    dims = tuple(range(extra)) + tuple(extra + i for i, n in enumerate(size) if n == 1 and input.shape[extra + i] != 1)
    return reshape(sum_(input, dim=dims) if dims else input, size)


def put(input, index, source, accumulate=False):
    """A copy of `input`, read as 1-D, with the elements at the int64 `index` set to `source`'s (added to them
    with accumulate=True, repeated indices summing); index and source have the same number of elements."""
    check_tensor("put", input)
    check_tensor("put", index, "index")
    check_tensor("put", source, "source")
    if index.dtype != np.int64:
        raise DtypeError(f"put: expected an int64 (long) index tensor, got {index.dtype}; convert it with .long()")
    if index.numel() != source.numel():
        raise ValueError(f"put: index has {index.numel()} elements (shape {index.shape}) and source has "
                         f"{source.numel()} (shape {source.shape}); they need one source element per index")
    n = input.numel()
    if index.numel() and (int(index.min()) < -n or int(index.max()) >= n):
        raise IndexError(f"put: an index is out of range for a tensor of {n} elements (indices from "
                         f"{int(index.min())} to {int(index.max())})")
    flat = index_put(reshape(input, (-1,)), (reshape(index, (-1,)),), reshape(source, (-1,)), accumulate)
    return named(reshape(flat, input.shape), "PutBackward0")


def split_with_sizes(input, split_sizes, dim=0):
    """`input` cut along `dim` into pieces of the given sizes (which must add up to its length there)."""
    check_tensor("split_with_sizes", input)
    total = sum(int(s) for s in split_sizes)
    length = input.shape[dim]
    if total != length:
        raise ValueError(f"split_with_sizes: split_sizes {list(split_sizes)} add up to {total} but dim {dim} of "
                         f"shape {input.shape} has length {length}; they must add up to it")
    return split(input, list(split_sizes), dim)


def unravel_index(indices, shape):
    """The coordinates in a tensor of `shape` of the flat (row-major) `indices`: a tuple of int64 tensors,
    one per dim, each of indices' shape."""
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    shape = tuple(int(n) for n in shape)
    if isinstance(indices, Tensor):
        if indices.dtype.kind not in "iu":
            raise TypeError(f"unravel_index: expected an integer tensor of indices, got {indices.dtype}")
        raw, device = indices.numpy(), indices.device
    else:
        raw, device = np.asarray(indices), None
    size = int(np.prod(shape))
    if raw.size and (int(raw.min()) < -size or int(raw.max()) >= size):
        raise IndexError(f"unravel_index: an index is out of range for shape {shape} of {size} elements "
                         f"(indices from {int(raw.min())} to {int(raw.max())})")
    coords = np.unravel_index(np.where(raw < 0, raw + size, raw), shape)
    return tuple(Tensor(np.asarray(c, dtype=np.int64), device=device) for c in coords)


def cholesky_solve(B, L, upper=False):
    """X with A X = B, where A = L L^H (upper=False, L lower triangular) or U^H U (upper=True); ^H is the
    transpose for real L."""
    check_tensor("cholesky_solve", B)
    check_tensor("cholesky_solve", L, "L")
    if B.ndim < 2 or L.ndim < 2:
        raise ValueError(f"cholesky_solve: B and L must be matrices (or batches of them), got shapes {B.shape} "
                         f"and {L.shape}")
    adjoint = L.mH if L.dtype.kind == "c" else _transposed(L)
    lower, upper_factor = (adjoint, L) if upper else (L, adjoint)
    return named(solve_triangular(upper_factor, solve_triangular(lower, B, upper=False), upper=True),
                 "CholeskySolveBackward0")


def cholesky_inverse(L, upper=False):
    """The inverse of A = L L^H (upper=False) or U^H U (upper=True) from its Cholesky factor."""
    check_tensor("cholesky_inverse", L)
    if L.ndim < 2 or L.shape[-1] != L.shape[-2]:
        raise ShapeError(f"cholesky_inverse: expected a square matrix (or a batch of them), got shape {L.shape}; "
                         "pass the Cholesky factor L of a square matrix (linalg.cholesky(A))")
    eye = Tensor(np.eye(L.shape[-1], dtype=L.dtype), device=L.device)
    return named(cholesky_solve(eye, L, upper), "CholeskyInverseBackward0")   # PyTorch's one node


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False):
    """torch.triangular_solve: X with op(A) X = b for the triangular A (op transposes it when transpose=True),
    as the named tuple (solution, cloned_coefficient)."""
    check_tensor("triangular_solve", b)
    check_tensor("triangular_solve", A, "A")
    coefficient = _transposed(A) if transpose else A
    solution = solve_triangular(coefficient, b, upper=upper != bool(transpose), unitriangular=unitriangular)
    return triangular_solve_result(solution, A.clone())


def _transposed(A):
    return transpose(A, -2, -1)
