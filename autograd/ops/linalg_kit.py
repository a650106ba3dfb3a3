"""The matrix functions the backward formulas of the factorisations (cholesky, qr, eigh, svd, det) are written
with, in two interchangeable sets: on raw arrays through xp for a plain backward, and as differentiable ops
on Tensors when backward records a graph (create_graph), so that the same formula gives higher-order
gradients. `@`, `+`, `*`, `.swapaxes` and indexing work on both and are used directly."""
import numpy as np

from .arrange import diagonal as _diagonal
from .diagonals import diag_embed as _diag_embed
from .elementwise import where as _where
from .linalg_solve import LinalgInvEx, LinalgSolveTriangular, triangle, triangular_solve
from .joining import cat as _cat
from .triangular import tril as _tril, triu as _triu


class ArrayKit:
    """The functions on raw backend arrays."""
    graph = False

    def __init__(self, xp):
        self.xp = xp

    def tril(self, x, k=0):
        """The lower triangle (k = 0) or the strictly lower one (k = -1)."""
        return triangle(self.xp, x, False, strict=k == -1)

    def triu(self, x):
        """The upper triangle, diagonal included."""
        return triangle(self.xp, x, True)

    def diagonal(self, x):
        return self.xp.diagonal(x, axis1=-2, axis2=-1)

    def concatenate(self, parts, axis):
        return self.xp.concatenate(parts, axis=axis)

    def diag_embed(self, v):
        n = v.shape[-1]
        return self.xp.where(self.xp.eye(n, dtype=bool), v[..., None], self.xp.zeros((), dtype=v.dtype))

    def solve_triangular(self, a, b, upper):
        return triangular_solve(self.xp, a, b, upper)

    def inv(self, a):
        return self.xp.linalg.inv(a)

    def ratio(self, num, den):
        """num / den, and 0 where num is 0 (so 0 / 0 is 0: terms of a gradient that was never given)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.xp.where(num == 0, self.xp.zeros((), dtype=num.dtype), num / den)


class TensorKit:
    """The same functions as differentiable ops on Tensors."""
    graph = True

    @staticmethod
    def tril(x, k=0):
        return _tril(x, k)

    @staticmethod
    def triu(x):
        return _triu(x)

    @staticmethod
    def diagonal(x):
        return _diagonal(x, 0, -2, -1)

    @staticmethod
    def concatenate(parts, axis):
        return _cat(parts, axis)

    @staticmethod
    def diag_embed(v):
        return _diag_embed(v)

    @staticmethod
    def solve_triangular(a, b, upper):
        return LinalgSolveTriangular.apply(a, b, upper=upper)

    @staticmethod
    def inv(a):
        return LinalgInvEx.apply(a)

    @staticmethod
    def ratio(num, den):
        """As ArrayKit.ratio, written so that no NaN reaches the gradient: the division by zero is taken out
        of the graph (inf and NaN have no derivative to give anyway)."""
        zero = den == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            infinite = _where(num == 0, 0.0, num * np.inf).detach()
            return _where(zero, infinite, num / _where(zero, 1.0, den))


TENSORS = TensorKit()


def kit(ctx):
    """The function set for this backward: raw arrays, or Tensors when it records a graph."""
    return ArrayKit(ctx.xp) if ctx.xp is ctx.device.xp else TENSORS
