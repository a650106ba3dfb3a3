"""What the torch.linalg ops share before any math: LinAlgError, the argument checks whose messages name the op,
the shapes and dtypes and the fix, and LAPACK calls that report which matrix of a batch failed and why.

NumPy raises one LinAlgError for a whole batch and CuPy, by default, none at all; `lapack` runs the call so that
both raise, then finds the failing matrices one by one (only on that error path) and gives each a code as
LAPACK's `info` does (1-based): the first zero pivot of the LU factorisation (inv, solve) or the order of the
first leading minor that is not positive-definite (cholesky)."""
import contextlib

import numpy as np

from ..return_types import return_type
from .dims import check_tensor
from ..errors import DtypeError, ShapeError, UnsupportedDtypeError


class LinAlgError(RuntimeError):
    """A matrix the op cannot handle: singular for inv and solve, not positive-definite for cholesky. The
    message names the op and, in a batch, the first failing matrix, as torch.linalg.LinAlgError (also a
    RuntimeError)."""


#: (result, info) of the *_ex functions, PyTorch's torch.return_types
InvEx = return_type("linalg_inv_ex", ["inverse", "info"])
SolveEx = return_type("linalg_solve_ex", ["result", "info"])
CholeskyEx = return_type("linalg_cholesky_ex", ["L", "info"])

FLOATS = (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.complex64), np.dtype(np.complex128))


def check_float(op, x, name="A"):
    """`x` when it is a float32, float64, complex64 or complex128 Tensor; else a TypeError naming op, the dtype
    and the fix."""
    check_tensor(op, x, name)
    if x.dtype not in FLOATS:
        kind = ("low precision dtypes are not supported" if x.dtype.kind == "f"
                else "expects a floating point or complex tensor")
        kernel = _KERNELS_WITHOUT_DTYPE_CHECK.get(op)
        error = DtypeError if kernel is None else UnsupportedDtypeError
        where = "" if kernel is None else f" (PyTorch: \"{kernel}\" not implemented for this dtype)"
        raise error(f"{op}: {kind}, got {name} of dtype {x.dtype}{where}; convert it with .double() or .float() "
                    "(deepgrad's linear algebra runs in float32, float64, complex64 and complex128 only)")
    return x


#: the ops whose PyTorch CPU kernel, not a dtype check, refuses other dtypes: a NotImplementedError there
_KERNELS_WITHOUT_DTYPE_CHECK = {"linalg.eigh": "linalg_eigh_cpu", "linalg.eigvalsh": "linalg_eigh_cpu",
                                "linalg.lu_factor": "lu_cpu", "linalg.lu_factor_ex": "lu_cpu", "linalg.lu": "lu_cpu",
                                "linalg.householder_product": "orgqr_cpu",
                                "linalg.solve_triangular": "triangular_solve_cpu"}


def check_matrix(op, x, name="A", square=True):
    """`x` when it is a float (batch of) matrix (square unless told); else an error naming op and the shape."""
    check_float(op, x, name)
    if x.ndim < 2:
        raise ShapeError(f"{op}: the input tensor {name} must have at least 2 dimensions (a matrix or a batch of "
                         f"them), got shape {tuple(x.shape)}; for a vector v use v.unsqueeze(-1) or v.unsqueeze(0)")
    if square and x.shape[-1] != x.shape[-2]:
        raise ShapeError(f"{op}: {name} must be batches of square matrices, but they are {x.shape[-2]} by "
                         f"{x.shape[-1]} matrices (shape {tuple(x.shape)})")
    return x


def check_same_dtype(op, a, b):
    if a.dtype != b.dtype:
        raise DtypeError(f"{op}: expected A and B to have the same dtype, got {a.dtype} and {b.dtype}; convert one "
                         "with .to(other.dtype)")


def batch_shape(op, *shapes):
    """The broadcast of the batch shapes (all but the last two dims) of `shapes`, or an error naming op."""
    try:
        return tuple(np.broadcast_shapes(*(tuple(s[:-2]) for s in shapes)))
    except ValueError:
        listed = " and ".join(str(tuple(s)) for s in shapes)
        raise ShapeError(f"{op}: the batch dimensions of {listed} do not broadcast; each batch dim, aligned from the "
                         "right, must match or be 1") from None


def raising(xp):
    """A context in which xp.linalg raises numpy.linalg.LinAlgError for singular or indefinite input (CuPy, by
    default, returns garbage instead)."""
    if xp is np:
        return contextlib.nullcontext()
    import cupyx   # the only other array module
    return cupyx.errstate(linalg="raise")


def lapack(xp, fn, a, *others, diagnose, out_shape):
    """(fn(a, *others), None) when fn handles every matrix; else (result, info) with info a host int32 array of
    a's batch shape: 0 for the matrices fn handles, diagnose(matrix) (> 0) for the others, whose results are
    NaN. `others` have a's batch shape already."""
    batch = a.shape[:-2]
    try:
        with raising(xp):
            return fn(a, *others), None
    except np.linalg.LinAlgError:
        pass
    flat_a = a.reshape((-1,) + a.shape[-2:])
    flat_others = [o.reshape((-1,) + o.shape[len(batch):]) for o in others]
    out = xp.full((flat_a.shape[0],) + tuple(out_shape[len(batch):]), np.nan, dtype=a.dtype)
    info = np.zeros(flat_a.shape[0], dtype=np.int32)
    for i in range(flat_a.shape[0]):
        try:
            with raising(xp):
                out[i] = fn(flat_a[i], *(o[i] for o in flat_others))
        except np.linalg.LinAlgError:
            matrix = flat_a[i] if xp is np else xp.asnumpy(flat_a[i])
            info[i] = diagnose(matrix) or matrix.shape[-1]
    return out.reshape(out_shape), info.reshape(batch)


def first_failure(info):
    """(flat batch index, code) of the first nonzero entry of a host info array, or None."""
    flat = np.asarray(info).reshape(-1)
    bad = np.flatnonzero(flat)
    return (int(bad[0]), int(flat[bad[0]])) if bad.size else None


def raise_failure(op, info, describe, batched):
    """Raise LinAlgError for the first failing matrix of `info` (a host array): describe(code) says what failed."""
    found = first_failure(info)
    if found is None:
        return
    index, code = found
    where = f"(Batch element {index}): " if batched else ""
    raise LinAlgError(f"{op}: {where}{describe(code)}")


def pivot_size(xp, column):
    """The magnitude LAPACK's partial pivoting compares: |x|, and |Re x| + |Im x| for complex x (izamax)."""
    if column.dtype.kind == "c":
        return xp.abs(column.real) + xp.abs(column.imag)
    return xp.abs(column)


def zero_pivot(a):
    """The 1-based position of the first zero pivot of the LU factorisation of square `a` with partial pivoting
    (LAPACK getrf's info), or 0 when there is none."""
    a = np.array(a)
    n = a.shape[0]
    for k in range(n):
        p = k + int(np.argmax(pivot_size(np, a[k:, k])))
        if a[p, k] == 0:
            return k + 1
        a[[k, p]] = a[[p, k]]
        a[k + 1:, k] /= a[k, k]
        a[k + 1:, k + 1:] -= np.outer(a[k + 1:, k], a[k, k + 1:])
    return 0


def indefinite_minor(a):
    """The order of the smallest leading minor of symmetric `a` (lower triangle read) that is not
    positive-definite (LAPACK potrf's info), or 0 when a is positive-definite."""
    def fails(k):
        try:
            np.linalg.cholesky(a[:k, :k])
            return False
        except np.linalg.LinAlgError:
            return True
    low, high = 1, a.shape[0]          # a leading minor that fails makes every larger one fail: bisect
    if not fails(high):
        return 0
    while low < high:
        mid = (low + high) // 2
        low, high = (low, mid) if fails(mid) else (mid + 1, high)
    return low


def singular_inverse(code):
    return (f"The diagonal element {code} is zero, the inversion could not be completed because the input matrix "
            "is singular. Use linalg.pinv for a pseudo-inverse, or linalg.inv_ex to get per-matrix info without an "
            "error")


def singular_solve(code):
    return ("The solver failed because the input matrix is singular. Use linalg.lstsq for a least-squares "
            "solution, or linalg.solve_ex to get per-matrix info without an error")


def not_positive_definite(code):
    return (f"The factorization could not be completed because the input is not positive-definite (the leading "
            f"minor of order {code} is not positive-definite). Check that A is symmetric positive-definite (e.g. "
            "add a small multiple of the identity), or use linalg.cholesky_ex to get per-matrix info")


def host(xp, a):
    """A small array (info codes, ranks) on the host."""
    return a if xp is np else xp.asnumpy(a)
