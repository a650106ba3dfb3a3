"""Products beyond matmul with PyTorch's names: tensordot, addmm / addmv / baddbmm, cross, cdist and pdist,
all composed of differentiable ops."""
import math
import numbers

import numpy as np

from ..bf16_dtype import is_bf16, is_half
from ..function import Function, keeping_result, named
from ..shown_nodes import shown_over
from ..tensor import Tensor
from .. import autocast_state as autocast
from .dims import check_tensor, normalize
from .half_addmv import HalfAddmv
from .elementwise import add, eq, mul, sqrt, sub, where
from .linalg import bmm, matmul, mm, mv, norm
from .joining import cat
from .reduction import sum as _sum
from .shape import broadcast_to, narrow, permute, reshape, unsqueeze
from .arrange import broadcast_shapes, broadcast_tensors
from .searching import triu_indices
from ..errors import ArgumentRangeError, DtypeError, ShapeError, UnsupportedDtypeError
from ..func_levels import refuse_forward_ad


def tensordot(a, b, dims=2):
    """The sum of products over the last `dims` dims of a and the first `dims` of b, or over the dims
    listed in dims = (dims_of_a, dims_of_b)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("tensordot", tensordot, a, b, dims)
    check_tensor("tensordot", a, "a")
    check_tensor("tensordot", b, "b")
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, numbers.Integral):
        if not 0 <= dims <= min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: dims={dims} must be between 0 and the smaller number of dims of a "
                             f"{a.shape} and b {b.shape}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, numbers.Integral) else list(d) for d in dims)
        dims_a = [normalize("tensordot", d, a.ndim) for d in dims_a]
        dims_b = [normalize("tensordot", d, b.ndim) for d in dims_b]
    if len(dims_a) != len(dims_b):
        raise ShapeError(f"tensordot: both dimension lists should have same length: dims {dims_a} of a "
                         f"{tuple(a.shape)} and {dims_b} of b {tuple(b.shape)}; pair each contracted dim of a with "
                         "one of b")
    for i, j in zip(dims_a, dims_b):
        if a.shape[i] != b.shape[j]:
            raise ShapeError(f"tensordot: contracted dimensions need to match, but first has size {a.shape[i]} in "
                             f"dim {i} and second has size {b.shape[j]} in dim {j} (a {tuple(a.shape)}, b "
                             f"{tuple(b.shape)}); contract dims of equal length")
    keep_a = [d for d in range(a.ndim) if d not in dims_a]
    keep_b = [d for d in range(b.ndim) if d not in dims_b]
    inner, rows, cols = (int(np.prod([t.shape[d] for d in ds], dtype=np.int64))
                         for t, ds in ((a, dims_a), (a, keep_a), (b, keep_b)))
    left = reshape(permute(a, keep_a + dims_a), (rows, inner))     # sizes, not -1: an empty side has no -1
    right = reshape(permute(b, dims_b + keep_b), (inner, cols))
    return reshape(matmul(left, right), tuple(a.shape[d] for d in keep_a) + tuple(b.shape[d] for d in keep_b))


def inner(input, other):
    """The sum of products over the last dims of input and other, of shape input.shape[:-1] +
    other.shape[:-1]; a 0-d argument scales the other."""
    check_tensor("inner", input)
    check_tensor("inner", other, "other")
    if input.ndim == 0 or other.ndim == 0:
        return mul(input, other)
    if other.shape[-1] != input.shape[-1]:
        raise ShapeError(f"inner: the last dims of input {input.shape} and other {other.shape} must be equal")
    return tensordot(input, other, ([input.ndim - 1], [other.ndim - 1]))


class _Ignoring(Function):
    """`product`, with `input` in the graph: beta = 0 ignores input's values (its nan and inf do not spread) but
    PyTorch still gives it a gradient, of zeros."""

    def forward(ctx, input, product):
        ctx.shape, ctx.dtype = input.shape, input.dtype
        return product.copy()

    def backward(ctx, gy):
        return ctx.device.xp.zeros(ctx.shape, ctx.dtype), gy


def _scaled_sum(input, product, beta, alpha):
    """beta * input + alpha * product (input's values ignored when beta is 0)."""
    if alpha != 1:
        product = mul(product, alpha)
    if beta == 0:
        return _Ignoring.apply(input, product) if input.requires_grad else product
    return add(mul(input, beta) if beta != 1 else input, product)


def integer_scalars(tensors, beta, alpha):
    """(beta, alpha) as PyTorch's addmm, addmv, baddbmm and addbmm use them: float ones truncated to ints when
    every operand is an integer tensor (alpha=0.5 is 0, and the result keeps the integer dtype)."""
    if all(t.dtype.kind in "iu" for t in tensors):
        return tuple(int(v) if isinstance(v, float) else v for v in (beta, alpha))
    return beta, alpha


def _added_product(op, product_fn, input, a, b, beta, alpha):
    """beta * input + alpha * product_fn(a, b), after checking that input broadcasts to the product. Half-precision
    operands (all three of one half dtype) are computed in float32 and rounded once at the end, as PyTorch's CPU
    kernels do; rounding the product, the scaled product and the sum each to bfloat16 differed from PyTorch in
    about a third of the elements."""
    beta, alpha = integer_scalars((input, a, b), beta, alpha)
    half = input.dtype
    once = is_half(half) and a.dtype == half and b.dtype == half
    product = product_fn(a.float(), b.float()) if once else product_fn(a, b)
    _check_shape(op, input, product.shape)
    if once:
        return _scaled_sum(input.float(), product, beta, alpha).to(half)
    return _scaled_sum(input, product, beta, alpha)


def _check_shape(op, input, shape):
    try:
        if np.broadcast_shapes(input.shape, shape) == tuple(shape):
            return
    except ValueError:
        pass
    raise ShapeError(f"{op}: input of shape {input.shape} cannot be broadcast to the product's shape {tuple(shape)}; "
                     "give input that shape or one that broadcasts to it")


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2), for 2-D mat1 and mat2 (input broadcasts)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("addmm", addmm, input, mat1, mat2, beta=beta, alpha=alpha)
    check_tensor("addmm", input)
    return named(_added_product("addmm", mm, input, mat1, mat2, beta, alpha), "AddmmBackward0")


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """beta * input + alpha * (mat @ vec), for a 2-D mat and a 1-D vec."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("addmv", addmv, input, mat, vec, beta=beta, alpha=alpha)
    check_tensor("addmv", input)
    if _half_matvec(input, mat, vec):
        return HalfAddmv.apply(input, mat, vec, beta, alpha)
    return named(_added_product("addmv", mv, input, mat, vec, beta, alpha), "AddmvBackward0")


def _half_matvec(input, mat, vec):
    """True for float16/bfloat16 operands of one dtype and valid shapes, which HalfAddmv rounds as PyTorch."""
    if not (isinstance(mat, Tensor) and isinstance(vec, Tensor) and is_half(input.dtype)):
        return False
    if mat.dtype != input.dtype or vec.dtype != input.dtype or mat.ndim != 2 or vec.ndim != 1:
        return False
    if mat.shape[1] != vec.shape[0] or mat.device is not input.device or vec.device is not input.device:
        return False
    _check_shape("addmv", input, (mat.shape[0],))
    return True


def _composed_addmv(input, mat, vec, beta, alpha):
    # the float32 composite that HalfAddmv rounds like PyTorch: a create_graph backward differentiates this
    return _added_product("addmv", mv, input, mat, vec, beta, alpha)


HalfAddmv.composed = staticmethod(_composed_addmv)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * (batch1 @ batch2), for (B, n, m) and (B, m, p) batches."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("baddbmm", baddbmm, input, batch1, batch2, beta=beta, alpha=alpha)
    check_tensor("baddbmm", input)
    return named(_added_product("baddbmm", bmm, input, batch1, batch2, beta, alpha), "BaddbmmBackward0")


def cross(input, other, dim=None):
    """The cross product of 3-vectors along `dim` (None: the first dim of length 3), broadcasting."""
    check_tensor("cross", input)
    check_tensor("cross", other, "other")
    if input.dtype == np.bool_:   # PyTorch's kernel is chosen by input's dtype, before the dtypes are compared
        raise UnsupportedDtypeError(f"cross: \"cross\" not implemented for 'Bool' (input {input.dtype}, other "
                                    f"{other.dtype}), as in PyTorch; convert the mask first, e.g. mask.float()")
    if input.dtype != other.dtype:
        raise DtypeError(f"cross: expected both inputs to have one dtype, as PyTorch does: got {input.dtype} (shape "
                         f"{tuple(input.shape)}) and {other.dtype} (shape {tuple(other.shape)}); convert one, e.g. "
                         "other.to(input.dtype)")
    shape = broadcast_shapes("cross", [input.shape, other.shape])
    if dim is None:
        dim = next((d for d, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise ShapeError(f"cross: no dim of length 3 in shape {shape}; pass dim")
    d = normalize("cross", dim, len(shape))
    if shape[d] != 3:
        raise ShapeError(f"cross: dim {dim} of the shapes {input.shape} and {other.shape} must have length 3, "
                         f"got {shape[d]}; the cross product is defined for 3-vectors only")
    a, b = broadcast_tensors(input, other)
    a1, a2, a3 = (narrow(a, d, i, 1) for i in range(3))
    b1, b2, b3 = (narrow(b, d, i, 1) for i in range(3))
    parts = [sub(mul(a2, b3), mul(a3, b2)), sub(mul(a3, b1), mul(a1, b3)), sub(mul(a1, b2), mul(a2, b1))]
    return shown_over(cat(parts, d), "LinalgCrossBackward0", input, other)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distance between each row of x1 (..., P, M) and each row of x2 (..., R, M): (..., P, R).
    Where a distance is 0 its gradient is 0, as in PyTorch."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("cdist", cdist, x1, x2, p, compute_mode)
    check_tensor("cdist", x1, "x1")
    check_tensor("cdist", x2, "x2")
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        raise ShapeError(f"cdist: expects x1 (..., P, M) and x2 (..., R, M) with the same M, got shapes "
                         f"{x1.shape} and {x2.shape}")
    if (x1.dtype.kind != "f" and not is_bf16(x1.dtype)) or (x2.dtype.kind != "f" and not is_bf16(x2.dtype)):
        raise DtypeError(f"cdist: expects float tensors, got {x1.dtype} and {x2.dtype}; convert with .float()")
    if not isinstance(p, numbers.Real) or p < 0:
        raise ArgumentRangeError(f"cdist: p must be a non-negative number, got {p!r} (shapes {tuple(x1.shape)} and "
                                 f"{tuple(x2.shape)}); pass p=2.0 for Euclidean distances")
    modes = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")
    if compute_mode not in modes:
        raise ValueError(f"cdist: compute_mode must be one of {modes}, got {compute_mode!r}")
    batch = broadcast_shapes("cdist", [x1.shape[:-2], x2.shape[:-2]])
    a = broadcast_to(x1, batch + x1.shape[-2:])
    b = broadcast_to(x2, batch + x2.shape[-2:])
    rows, cols = a.shape[-2], b.shape[-2]
    use_mm = p == 2 and (compute_mode == "use_mm_for_euclid_dist" or
                         (compute_mode == modes[0] and (rows > 25 or cols > 25)))
    refuse_forward_ad("_euclidean_dist" if use_mm else "_cdist_forward", (x1, x2),
                      "torch.cdist has no forward-mode derivative in any compute_mode; compute the distances from "
                      "the differences instead, e.g. (x1.unsqueeze(-2) - x2.unsqueeze(-3)).norm(p=p, dim=-1)")
    if use_mm:   # |a|^2 + |b|^2 - 2 a.b through one matrix product, as PyTorch does for large inputs
        squared = add(add(_sum(mul(a, a), -1, keepdim=True), unsqueeze(_sum(mul(b, b), -1), -2)),
                      mul(matmul(a, b.mT), -2.0))
        return named(_root(where(squared > 0, squared, 0.0)), "ViewBackward0")   # PyTorch's last node there
    # PyTorch's one node over x1's and x2's own edges
    return keeping_result(shown_over(_distance(sub(unsqueeze(a, -2), unsqueeze(b, -3)), p), "CdistBackward0", x1, x2))


def _root(squared):
    """sqrt(squared), with gradient 0 where squared is 0 (not inf), as PyTorch's distances."""
    zero = eq(squared, 0)
    return where(zero, 0.0, sqrt(where(zero, 1.0, squared)))


class Chebyshev(Function):
    """max |gap| over the last dim. As PyTorch's cdist, every coordinate that reaches the max gets the full
    sign of its gap as gradient (amax would share it among them)."""

    def forward(ctx, gap):
        out = ctx.xp.abs(gap).max(axis=-1)
        ctx.save_for_backward(gap, out)
        return out

    def backward(ctx, gy):
        gap, out = ctx.saved_tensors
        reached = (ctx.xp.abs(gap) == out[..., None]).astype(gap.dtype)
        return gy[..., None] * ctx.xp.sign(gap) * reached


class NonzeroCount(Function):
    """How many entries of gap's last dim are nonzero; gradient 0 (PyTorch's, for cdist with p = 0)."""

    def forward(ctx, gap):
        ctx.shape = gap.shape
        return (gap != 0).sum(axis=-1).astype(gap.dtype)

    def backward(ctx, gy):
        return ctx.device.xp.zeros(ctx.shape, gy.dtype)   # a constant, also under create_graph


def _distance(gap, p):
    """The p-norm of `gap` over its last dim (p = 0 counts the nonzero entries)."""
    if p == 0:
        return NonzeroCount.apply(gap)
    if p == math.inf:   # with no coordinates every distance is 0
        return Chebyshev.apply(gap) if gap.shape[-1] else _sum(gap, -1)
    if p != 2:
        return norm(gap, p, dim=-1)
    return _root(_sum(mul(gap, gap), -1))


def pdist(input, p=2):
    """The p-norm distance between every pair of rows i < j of input (N, M), in row-major order of the pairs:
    (N * (N - 1) / 2,), the upper triangle of cdist(input, input) without its diagonal."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("pdist", pdist, input, p)
    check_tensor("pdist", input)
    if input.ndim != 2:
        raise ShapeError(f"pdist: expects a 2-D input (N, M), got shape {input.shape}; for batches use cdist")
    if input.dtype.kind != "f" and not is_bf16(input.dtype):
        raise DtypeError(f"pdist: expects a float tensor, got {input.dtype}; convert with .float()")
    if not isinstance(p, numbers.Real) or p < 0:
        raise ValueError(f"pdist: p must be a non-negative number, got {p!r}")
    rows, cols = triu_indices(input.shape[0], input.shape[0], 1, device=input.device)
    return keeping_result(named(_distance(sub(input[rows], input[cols]), p), "PdistBackward0"))
