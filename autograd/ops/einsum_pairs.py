"""einsum of two operands as one (batched) matrix product, as torch.einsum lowers it: each operand's letters
permuted into (batch, kept, contracted) order, the products run by BLAS, the result permuted into the output's
order. NumPy's einsum without `optimize` runs its own multiply-add loops instead: Keras's MultiHeadAttention
projections ("abc,cde->abde") and scores ("aecd,abcd->acbe") took 1.7 s a call at the Perceiver example's sizes.
"""
import math

import numpy as np

from .linalg import product

#: below this many multiply-adds NumPy's einsum loop beats the permutes and reshapes around a product (an 8x8
#: matrix product: 2.3 us against 9)
SMALL_MACS = 4096
_BLAS_DTYPES = (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.complex64), np.dtype(np.complex128))


def contract(xp, subscripts, output, operands):
    """einsum(",".join(subscripts) + "->" + output, *operands) for explicit subscripts (no '...', no letter twice
    in one operand)."""
    if len(operands) == 2:
        a, b = operands
        if (a.dtype in _BLAS_DTYPES and a.dtype == b.dtype and a.size and b.size
                and _macs(subscripts, operands) >= SMALL_MACS):
            result = _as_product(xp, subscripts[0], subscripts[1], output, a, b)
            if result is not None:
                return result
    return xp.einsum(",".join(subscripts) + "->" + output, *operands)


def _macs(subscripts, operands):
    """The multiply-adds of the contraction: the product of every letter's size."""
    size = {}
    for s, t in zip(subscripts, operands):
        size.update(zip(s, t.shape))
    return math.prod(size.values())


def _summed_alone(s, t, other, output):
    """(subscripts, operand) with the letters neither the other operand nor the output names summed out."""
    alone = [i for i, c in enumerate(s) if c not in other and c not in output]
    if not alone:
        return s, t
    return "".join(c for i, c in enumerate(s) if i not in alone), t.sum(axis=tuple(alone))


def _as_product(xp, sa, sb, output, a, b):
    """The contraction as batch x (left, contracted) @ (contracted, right), or None where a letter shared by both
    operands has size 1 in one of them (a broadcast: left to einsum)."""
    sa, a = _summed_alone(sa, a, sb, output)
    sb, b = _summed_alone(sb, b, sa, output)
    size = {}
    for s, t in ((sa, a), (sb, b)):
        for c, n in zip(s, t.shape):
            if size.setdefault(c, n) != n:
                return None
    batch = [c for c in output if c in sa and c in sb]
    left = [c for c in output if c in sa and c not in sb]
    right = [c for c in output if c in sb and c not in sa]
    inner = [c for c in sa if c in sb and c not in output]
    nb, nl, nr, nk = (math.prod(size[c] for c in group) for group in (batch, left, right, inner))
    lhs = a.transpose([sa.index(c) for c in batch + left + inner]).reshape(nb, nl, nk)
    rhs = b.transpose([sb.index(c) for c in batch + inner + right]).reshape(nb, nk, nr)
    out = product(xp, lhs[0], rhs[0]) if nb == 1 else product(xp, lhs, rhs)
    grouped = batch + left + right
    out = out.reshape([size[c] for c in grouped])
    return out.transpose([grouped.index(c) for c in output])
