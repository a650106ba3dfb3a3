"""Running (cumulative) sums and products along a dim."""
import numpy as np

from ..errors import UnsupportedDtypeError
from ..function import Function
from ..tensor import Tensor
from .dims import check_tensor, normalize, required_dim
from .dtype_args import check_dtype_arg


#: what PyTorch's CPU scan kernels accumulate a dtype in (its acc_type), rounding once at the end
_WIDE = {np.dtype(np.float32): np.float64, np.dtype(np.complex64): np.complex128}


def _running(ctx, a, method, dim):
    """The running sum or product (`method`: "cumsum" or "cumprod") of array `a` along `dim`, accumulated as
    PyTorch's CPU kernel does: float32 in float64 and rounded once (a float32 running sum of 100,000 normal values
    differed from PyTorch's in 99.6% of its elements); a 16-bit input, here in float32, in float32; ints in their
    own dtype (NumPy would widen int8..int32 to int64). The array's method, not xp.cumsum: NumPy's module function
    warns of an overflow from its own Python frame, where autograd's filter does not silence it."""
    dtype = a.dtype
    wide = _WIDE.get(dtype) if ctx.xp is np and not getattr(ctx, "half_in", None) else None
    out = getattr(a, method)(axis=dim, dtype=wide or dtype)
    return out.astype(dtype) if wide else out


class Cumsum(Function):
    def forward(ctx, x, dim):
        ctx.dim = dim
        return ctx.xp.ascontiguousarray(_running(ctx, x, "cumsum", dim))   # contiguous, as PyTorch's

    def backward(ctx, gy):
        if isinstance(gy, Tensor):   # create_graph: the reversed running sum, recorded
            return gy.flip(ctx.dim).cumsum(ctx.dim).flip(ctx.dim), None
        xp = ctx.xp
        return xp.flip(_running(ctx, xp.flip(gy, ctx.dim), "cumsum", ctx.dim), ctx.dim), None


class Cumprod(Function):
    differentiable_backward = False

    def forward(ctx, x, dim):
        ctx.dim = dim
        out = ctx.xp.ascontiguousarray(_running(ctx, x, "cumprod", dim))   # contiguous as PyTorch's
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, gy):
        # PyTorch's O(n) first-derivative cases, which fix what inf and NaN entries give: without zeros,
        # reversed cumsum(out * gy) / x; with zeros, that formula before a slice's first zero, the exact sum
        # over the products that skip it at the first zero, and 0 after it
        x, out = ctx.saved_tensors
        xp = ctx.xp
        if x.size <= 1 or x.shape[ctx.dim] == 1:
            return gy, None
        mx, g, mo = (xp.moveaxis(a, ctx.dim, -1) for a in (x, gy, out))
        w = mo * g
        is_zero = mx == 0
        if not is_zero.any():
            return xp.moveaxis(_reversed_cumsum(xp, w) / mx, -1, ctx.dim), None
        count = is_zero.cumsum(axis=-1)
        before = count == 0
        grad = ctx.select(before, _reversed_cumsum(xp, ctx.select(before, w, 0)) / ctx.select(before, mx, 1), 0)
        between = count == 1
        first = is_zero & between
        skipped = ctx.select(between & ~first, mx, 1).cumprod(axis=-1)   # prod of x_j for z1 < j <= k
        total = (skipped * ctx.select(between, g, 0)).sum(axis=-1, keepdims=True)
        exclusive = xp.concatenate([xp.ones_like(mo[..., :1]), mo[..., :-1]], axis=-1)   # prod of x_j, j < z1
        grad = ctx.select(first, total * exclusive, grad)
        return xp.moveaxis(grad, -1, ctx.dim), None


def _reversed_cumsum(xp, a):
    """Sums of each entry and those after it along the last axis."""
    return xp.flip(xp.flip(a, -1).cumsum(axis=-1), -1)   # the method: see Cumsum


def _scan(op, cls, input, dim, dtype):
    check_tensor(op, input)
    if dtype is not None and np.dtype(dtype).kind == "b":
        raise UnsupportedDtypeError(f"{op}: dtype=bool is not implemented, as in PyTorch (\"{op}_out_cpu\" not "
                                    f"implemented for 'Bool'); accumulate in an integer dtype, dtype=torch.int64, "
                                    f"and compare afterwards (> 0)")
    if dtype is not None:
        input = input.astype(dtype)
    elif input.dtype.kind in "biu":   # PyTorch accumulates integers and bools in int64
        input = input.astype(np.int64)
    return cls.apply(input, normalize(op, dim, input.ndim, zero_d=None))


def _zero_d(input, dtype):
    """A running sum or product of a 0-d tensor: itself, in the scan's accumulation dtype."""
    if dtype is not None:
        return input.astype(dtype)
    return input.astype(np.int64) if input.dtype.kind in "biu" else input.clone()


def cumsum(input, dim=None, *, dtype=None, axis=None):
    """Running sum along `dim` (integers accumulate in int64, as PyTorch)."""
    check_tensor("cumsum", input)
    check_dtype_arg("cumsum", dtype)
    dim = required_dim("cumsum", dim, axis)
    normalize("cumsum", dim, input.ndim)
    if input.ndim == 0:
        return _zero_d(input, dtype)
    return _scan("cumsum", Cumsum, input, dim, dtype)


def cumprod(input, dim=None, *, dtype=None, axis=None):
    """Running product along `dim` (its gradient is exact where the input has zeros)."""
    check_tensor("cumprod", input)
    check_dtype_arg("cumprod", dtype)
    dim = required_dim("cumprod", dim, axis)
    normalize("cumprod", dim, input.ndim)
    if input.ndim == 0:
        return _zero_d(input, dtype)
    return _scan("cumprod", Cumprod, input, dim, dtype)
