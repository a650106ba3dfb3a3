"""The matrix exponential, torch.matrix_exp / torch.linalg.matrix_exp.

Forward: scaling and squaring with the degree-13 Padé approximant (Higham, "The scaling and squaring method
for the matrix exponential revisited", 2005): A is divided by 2^s so that its 1-norm is at most theta_13,
exp is approximated by (V - U)^-1 (V + U), and the result squared s times (s chosen per matrix).
Backward: the gradient is the Fréchet derivative at A^T applied to G, the top-right block of
exp([[A^T, G], [0, A^T]]); under create_graph that block comes from this same op, so it differentiates again.
"""
import numpy as np

from ..function import Function
from .linalg_checks import check_matrix

# the numerator coefficients b_0 ... b_13 of the degree-13 Padé approximant, and the largest 1-norm it
# takes to full double precision
PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
          10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
THETA13 = 5.371920351148152


def expm(xp, a):
    """exp of each square matrix of raw array a (..., n, n)."""
    if a.size == 0:
        return a.copy()
    norm = xp.abs(a).sum(axis=-2).max(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        squarings = xp.ceil(xp.log2(norm / THETA13))
    squarings = xp.where(xp.isfinite(squarings) & (squarings > 0), squarings, 0).astype(np.int64)
    x = a * (2.0 ** -squarings).astype(a.dtype)[..., None, None]
    b = PADE13
    eye = xp.eye(a.shape[-1], dtype=a.dtype)
    x2 = x @ x
    x4 = x2 @ x2
    x6 = x4 @ x2
    u = x @ (x6 @ (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2 + b[1] * eye)
    v = x6 @ (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * eye
    result = xp.linalg.solve(v - u, v + u)
    for step in range(int(squarings.max())):
        result = xp.where((squarings > step)[..., None, None], result @ result, result)
    return result


class LinalgMatrixExp(Function):
    op_name = "linalg.matrix_exp"

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return expm(ctx.xp, a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        xp = ctx.xp
        n = a.shape[-1]
        at = a.swapaxes(-1, -2)
        graph = xp is not ctx.device.xp
        zeros = g.new_zeros(g.shape) if graph else xp.zeros(g.shape, dtype=g.dtype)
        block = xp.concatenate([xp.concatenate([at, g], axis=-1), xp.concatenate([zeros, at], axis=-1)], axis=-2)
        big = LinalgMatrixExp.apply(block) if graph else expm(xp, block)
        return big[..., :n, n:]


def matrix_exp(A):
    """exp(A) = sum_k A^k / k! of each square matrix of A (..., n, n)."""
    check_matrix("linalg.matrix_exp", A)
    return LinalgMatrixExp.apply(A)
