"""Running (cumulative) sums and products along a dim."""
import numpy as np

from ..function import Function
from ..tensor import Tensor
from .dims import check_tensor, normalize, required_dim


class Cumsum(Function):
    def forward(ctx, x, dim):
        ctx.dim = dim
        # dtype=x.dtype: NumPy widens int8..int32 sums to int64, PyTorch keeps the dtype the caller asked for
        return ctx.xp.ascontiguousarray(ctx.xp.cumsum(x, axis=dim, dtype=x.dtype))   # contiguous, as PyTorch's

    def backward(ctx, gy):
        if isinstance(gy, Tensor):   # create_graph: the reversed running sum, recorded
            return gy.flip(ctx.dim).cumsum(ctx.dim).flip(ctx.dim), None
        xp = ctx.xp
        return xp.flip(xp.cumsum(xp.flip(gy, ctx.dim), axis=ctx.dim), ctx.dim), None


class Cumprod(Function):
    differentiable_backward = False

    def forward(ctx, x, dim):
        ctx.dim = dim
        out = ctx.xp.ascontiguousarray(ctx.xp.cumprod(x, axis=dim, dtype=x.dtype))   # contiguous as PyTorch's
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, gy):
        # d out_j / d x_i = prod_{k<=j, k!=i} x_k: exclusive products, exact when x has zeros
        x, out = ctx.saved_tensors
        xp = ctx.xp
        moved = xp.moveaxis(x, ctx.dim, -1)
        g = xp.moveaxis(gy, ctx.dim, -1)
        n = moved.shape[-1]
        grad = xp.zeros_like(moved)
        for i in range(n):   # O(n^2) but exact with zeros; cumprod dims are short in practice
            before = xp.prod(moved[..., :i], axis=-1, keepdims=True)
            after = xp.cumprod(moved[..., i + 1:], axis=-1)
            terms = xp.concatenate([xp.ones_like(before), after], axis=-1) * before
            grad[..., i] = (terms * g[..., i:]).sum(axis=-1)
        return xp.moveaxis(grad, -1, ctx.dim), None


def _scan(op, cls, input, dim, dtype):
    check_tensor(op, input)
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
    dim = required_dim("cumsum", dim, axis)
    normalize("cumsum", dim, input.ndim)
    if input.ndim == 0:
        return _zero_d(input, dtype)
    return _scan("cumsum", Cumsum, input, dim, dtype)


def cumprod(input, dim=None, *, dtype=None, axis=None):
    """Running product along `dim` (its gradient is exact where the input has zeros)."""
    check_tensor("cumprod", input)
    dim = required_dim("cumprod", dim, axis)
    normalize("cumprod", dim, input.ndim)
    if input.ndim == 0:
        return _zero_d(input, dtype)
    return _scan("cumprod", Cumprod, input, dim, dtype)
