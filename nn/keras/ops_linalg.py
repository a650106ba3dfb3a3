"""keras.ops.linalg: Keras's linear algebra names and argument conventions on autograd.linalg (batched over
leading axes, differentiable), plus lu_factor (ag.linalg's, with Keras's 0-based pivots) and eig (computed
with NumPy, values only: a gradient through it raises)."""
import numpy as np

import autograd as ag
from autograd.errors import ArgumentRangeError

from . import ops_dtype_rules as rules
from .ops_args import _float, _t


class CholeskyError(ag.linalg.LinAlgError, ValueError):
    """A matrix keras.ops.cholesky cannot factor: Keras raises ValueError ("Cholesky decomposition failed"), and it
    stays the LinAlgError (a RuntimeError) that ag.linalg.cholesky raised."""


def _square(x, op):
    x = _float(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"keras.ops.{op}: needs square matrices (..., n, n), got shape {tuple(x.shape)}")
    return x


def cholesky(x, upper=False):
    """The Cholesky factor of symmetric positive-definite `x`: lower L with x = L L^T (upper U = L^T when
    upper=True)."""
    try:
        return ag.linalg.cholesky(_square(x, "cholesky"), upper=upper)
    except ag.linalg.LinAlgError as why:
        raise CholeskyError(f"keras.ops.cholesky: Cholesky decomposition failed: {why}") from None


def cholesky_inverse(x, upper=False):
    """The inverse of A from its Cholesky factor `x` (A = x x^T for lower x; x^T x for upper=True). The
    gradient treats `x` as a full matrix, as PyTorch's cholesky_inverse (and so Keras) does."""
    # a general inverse (not a triangular solve) so that the gradient reaches both triangles, as Keras's does
    inv_factor = ag.linalg.inv(_square(x, "cholesky_inverse"))
    t = inv_factor.transpose(-1, -2)
    return ag.matmul(inv_factor, t) if upper else ag.matmul(t, inv_factor)


def det(x):
    """The determinant of each square matrix."""
    return ag.linalg.det(_square(x, "det"))


def inv(x):
    """The inverse of each square matrix."""
    return ag.linalg.inv(_square(x, "inv"))


def logdet(x):
    """log(det(x)) for positive-determinant matrices (nan for negative ones)."""
    return ag.logdet(_square(x, "logdet"))


def slogdet(x):
    """(sign, log|det|) of each square matrix."""
    sign, logabs = ag.linalg.slogdet(_square(x, "slogdet"))
    return sign, logabs


def eigh(x):
    """(eigenvalues ascending, eigenvectors as columns) of symmetric matrices (the lower triangle is read)."""
    w, v = ag.linalg.eigh(_square(x, "eigh"))
    return w, v


def eig(x):
    """(eigenvalues, eigenvectors as columns) of general square matrices, complex (complex64 from float32), as
    Keras's torch backend returns them; differentiable through ag.linalg.eig (a loss must not depend on the
    eigenvectors' phase)."""
    w, v = ag.linalg.eig(_square(x, "eig"))
    return w, v


def lu_factor(x):
    """LAPACK's partial-pivot LU: (lu, pivots) with L (unit lower, below the diagonal) and U packed in `lu`,
    and int32 `pivots` (row i was swapped with row pivots[i], 0-based). Differentiable in x through lu."""
    packed, pivots = ag.linalg.lu_factor(_float(x))
    return packed, pivots - 1


def lstsq(a, b, rcond=None):
    """The least-squares solution x of a x = b (b a vector or a matrix of right-hand sides)."""
    a, b = _float(a), _float(b)
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(f"keras.ops.lstsq: a must be (m, n) and b (m,) or (m, k); got {tuple(a.shape)} and "
                         f"{tuple(b.shape)}")
    vector = b.ndim == 1
    solution = ag.matmul(ag.linalg.pinv(a, rcond=rcond) if rcond is not None else ag.linalg.pinv(a),
                         b.unsqueeze(1) if vector else b)
    return solution.squeeze(1) if vector else solution


def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse (singular values below rcond * largest count as zero)."""
    x = _float(x)
    return ag.linalg.pinv(x) if rcond is None else ag.linalg.pinv(x, rtol=rcond)


def qr(x, mode="reduced"):
    """(q, r) with x = q r: q orthonormal columns, r upper triangular ('reduced' or 'complete')."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"keras.ops.qr: mode must be 'reduced' or 'complete', got {mode!r}")
    q, r = ag.linalg.qr(_float(x), mode=mode)
    return q, r


def solve(a, b):
    """x with a x = b for square `a` (b: (..., n) or (..., n, k))."""
    a, b = _square(a, "solve"), _float(b)
    return ag.linalg.solve(a, b)


def solve_triangular(a, b, lower=False):
    """x with a x = b for triangular `a` (upper unless lower=True; b a vector or a matrix)."""
    a, b = _square(a, "solve_triangular"), _float(b)
    vector = b.ndim == a.ndim - 1
    x = ag.linalg.solve_triangular(a, b.unsqueeze(-1) if vector else b, upper=not lower)
    return x.squeeze(-1) if vector else x


def svd(x, full_matrices=True, compute_uv=True):
    """(u, s, vh) with x = u diag(s) vh (s descending), or only s when compute_uv=False."""
    x = _float(x)
    if not compute_uv:
        return ag.linalg.svdvals(x)
    u, s, vh = ag.linalg.svd(x, full_matrices=full_matrices)
    return u, s, vh


def matrix_rank(x, tol=None):
    """The number of singular values above `tol` (by default max(m, n) * eps * the largest), as int32."""
    x = _float(x)
    s = ag.linalg.svdvals(x).detach()
    if tol is None:
        tol = s.amax(dim=-1, keepdim=True) * (max(x.shape[-2:]) * float(np.finfo(x.dtype).eps))
    return (s > tol).astype(np.int32).sum(dim=-1).astype(np.int32)


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector norms (one axis, or a 1-D x) and matrix norms (two axes, or a 2-D x with axis=None and an ord):
    ord None/'fro' (the 2-norm of all values), 'nuc', inf, -inf, 1, -1, 2, -2, and for vectors any number.
    Computed in Keras's result_type of x and float (float32 for integers and float64)."""
    x = _t(x)
    x = rules.cast(x, rules.float_unless_int64(x))
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    if isinstance(axes, tuple) and len(axes) == 1:
        axes = axes[0]
    matrix = isinstance(axes, tuple) or (axes is None and x.ndim == 2 and ord is not None)
    if matrix:
        dims = axes if axes is not None else (-2, -1)
        if len(dims) != 2:
            raise ArgumentRangeError(f"keras.ops.norm: axis must be one axis or two, got {axis!r}; for the norm of "
                                     "every value pass axis=None on a reshaped x, e.g. ops.norm(ops.reshape(x, "
                                     "(-1,)))")
        if ord in (None, "fro"):
            return ag.linalg.vector_norm(x, 2, dim=dims, keepdim=keepdims)
        return ag.linalg.matrix_norm(x, ord=ord, dim=dims, keepdim=keepdims)
    if ord in ("fro", "nuc"):
        raise ValueError(f"keras.ops.norm: ord={ord!r} is a matrix norm; pass two axes")
    if axes is None and ord is not None and x.ndim != 1:
        raise ValueError(f"keras.ops.norm: ord={ord!r} needs a vector, a matrix or an axis; got shape "
                         f"{tuple(x.shape)}")
    return ag.linalg.vector_norm(x, 2 if ord is None else ord, dim=axes, keepdim=keepdims)
