"""More of PyTorch's products: chain_matmul, addbmm (a sum of batched products added to a matrix), addr (an
outer product added to a matrix), ger (outer's old name) and vdot, composites of matmul."""
import warnings

import numpy as np

from ..errors import DtypeError, ShapeError
from ..function import named
from .dims import check_tensor
from .elementwise import logical_and, logical_or
from .linalg import matmul, outer
from .products import _check_shape, _scaled_sum, integer_scalars
from .shape import permute, reshape
from .. import autocast_state as autocast


def chain_matmul(*matrices):
    """The product of the 2-D `matrices` in order (deprecated in PyTorch in favour of linalg.multi_dot)."""
    warnings.warn("chain_matmul is deprecated, as torch.chain_matmul: multiply with matmul (or a @ b @ c) "
                  "instead", UserWarning, stacklevel=2)
    if not matrices:
        raise ValueError("chain_matmul: expected one or more matrices, got none")
    for k, m in enumerate(matrices):
        check_tensor("chain_matmul", m, f"matrices[{k}]")
        if m.ndim != 2:
            raise ShapeError(f"chain_matmul: matrices[{k}] has {m.ndim} dims (shape {tuple(m.shape)}); every "
                             "argument must be a 2-D matrix")
    if len(matrices) == 1:
        return matrices[0].clone()
    out = matrices[0]
    for k, m in enumerate(matrices[1:], 1):
        if out.shape[1] != m.shape[0]:
            raise ShapeError(f"chain_matmul: matrices[{k - 1}] ends in {out.shape[1]} columns but matrices[{k}] has "
                             f"{m.shape[0]} rows (shape {tuple(m.shape)}); adjacent sizes must agree")
        out = matmul(out, m)
    return out


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * sum_b(batch1[b] @ batch2[b]) for (B, n, m) and (B, m, p) batches; input broadcasts
    to (n, p) (and is ignored when beta is 0)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("addbmm", addbmm, input, batch1, batch2, beta=beta, alpha=alpha)
    op = "addbmm"
    check_tensor(op, input)
    check_tensor(op, batch1, "batch1")
    check_tensor(op, batch2, "batch2")
    if batch1.ndim != 3 or batch2.ndim != 3:
        raise ValueError(f"{op}: batch1 and batch2 must be 3-D (B, n, m) and (B, m, p) tensors, got shapes "
                         f"{tuple(batch1.shape)} and {tuple(batch2.shape)}")
    (b, n, m), (b2, m2, p) = batch1.shape, batch2.shape
    if b != b2 or m != m2:
        raise ValueError(f"{op}: batch1 {tuple(batch1.shape)} and batch2 {tuple(batch2.shape)} must have the same "
                         "number of batches and matching inner sizes")
    # the sum over the batch folded into one product: (n, B*m) @ (B*m, p)
    product = matmul(reshape(permute(batch1, 1, 0, 2), (n, b * m)), reshape(batch2, (b * m, p)))
    _check_shape(op, input, product.shape)
    beta, alpha = integer_scalars((input, batch1, batch2), beta, alpha)
    return named(_scaled_sum(input, product, beta, alpha), "AddbmmBackward0")


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """beta * input + alpha * outer(vec1, vec2), input broadcast to (len(vec1), len(vec2)); for bool tensors
    (beta and input) or (alpha and the outer product), as PyTorch."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("addr", addr, input, vec1, vec2, beta=beta, alpha=alpha)
    op = "addr"
    check_tensor(op, input)
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        check_tensor(op, v, name)
        if v.ndim != 1:
            raise ValueError(f"{op}: expected a 1-D {name}, got shape {tuple(v.shape)}")
    shape = (vec1.shape[0], vec2.shape[0])
    _check_shape(op, input, shape)
    for name, value in (("beta", beta), ("alpha", alpha)):
        if isinstance(value, float) and all(t.dtype.kind in "iu" for t in (input, vec1, vec2)):
            raise DtypeError(f"{op}: {name}={value} is a float but the inputs are integer tensors ({input.dtype}, "
                             f"{vec1.dtype}, {vec2.dtype}); for integral input tensors PyTorch refuses a float "
                             f"{name}: pass an int, or convert the tensors with .float()")
    if input.dtype == np.bool_ and vec1.dtype == np.bool_ and vec2.dtype == np.bool_:
        product = logical_and(reshape(vec1, (-1, 1)), reshape(vec2, (1, -1)))
        kept = logical_and(input, bool(beta))
        return logical_or(kept, logical_and(product, bool(alpha)))
    return named(_scaled_sum(input, outer(vec1, vec2), beta, alpha), "AddrBackward0")


def ger(input, vec2):
    """torch.ger: the outer product of two 1-D tensors (outer's older name)."""
    return outer(input, vec2)


def vdot(input, other):
    """The dot product of two 1-D tensors of one dtype and length, the first conjugated (sum(conj(input) * other))."""
    check_tensor("vdot", input)
    check_tensor("vdot", other, "other")
    if input.ndim != 1 or other.ndim != 1:
        raise ValueError(f"vdot: expects two 1-D tensors, got shapes {tuple(input.shape)} and {tuple(other.shape)}")
    if input.dtype != other.dtype:
        raise TypeError(f"vdot: expected both vectors to have the same dtype, got {input.dtype} and {other.dtype}; "
                        "convert one with .to(...)")
    if input.shape != other.shape:
        raise ValueError(f"vdot: the vectors must have the same length, got {input.shape[0]} and {other.shape[0]}")
    return named(matmul(input.conj(), other), "VdotBackward0")
