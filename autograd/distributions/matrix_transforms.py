"""Transforms onto matrix sets: LowerCholeskyTransform (exp on the diagonal), PositiveDefiniteTransform
(L L^T of it) and CorrCholeskyTransform (a vector onto the Cholesky factors of correlation matrices), with the
helpers that move a lower triangle to and from a vector."""
import math

import numpy as np

from ..creation import eye
from ..ops.activation import Softplus
from ..ops.diagonals import diag_embed
from ..ops.joining import cat
from ..ops.linalg_cholesky import cholesky
from . import constraints
from .transform_base import Transform


def _tril_mask(n, diag):
    rows = np.arange(n)
    return rows[None, :] < rows[:, None] + (diag + 1)


def tril_matrix_to_vec(mat, diag=0):
    """The entries of mat's lower triangle (offset diag) in row order, as a vector over mat's batch dims."""
    n = mat.shape[-1]
    if not -n <= diag < n:
        raise ValueError(f"tril_matrix_to_vec: diag ({diag}) is outside [{-n}, {n - 1}] for matrices of size {n}")
    rows, cols = np.nonzero(_tril_mask(n, diag))
    return mat[..., rows, cols]


def vec_to_tril_matrix(vec, diag=0):
    """The lower-triangular (offset diag) square matrices whose triangle, in row order, is vec's last dim."""
    k = vec.shape[-1]
    root = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * k + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    n = round(root)
    if abs(n - root) > 1e-9:
        raise ValueError(f"vec_to_tril_matrix: a last dim of {k} is not the size of the lower triangle (offset "
                         f"{diag}) of any square matrix")
    rows, cols = np.nonzero(_tril_mask(n, diag))
    index = np.full((n, n), k, dtype=np.int64)
    index[rows, cols] = np.arange(len(rows))
    padded = cat([vec, vec.new_zeros(tuple(vec.shape[:-1]) + (1,))], -1)
    flat = padded[..., index.reshape(-1)]
    return flat.reshape(tuple(vec.shape[:-1]) + (n, n))


class LowerCholeskyTransform(Transform):
    """Any square matrix onto a lower-triangular one with a positive diagonal: the strict lower triangle
    kept, the diagonal exponentiated."""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.lower_cholesky

    def _call(self, x):
        return x.tril(-1) + diag_embed(x.diagonal(dim1=-2, dim2=-1).exp())

    def _inverse(self, y):
        return y.tril(-1) + diag_embed(y.diagonal(dim1=-2, dim2=-1).log())


class PositiveDefiniteTransform(Transform):
    """Any square matrix onto a positive-definite one: L L^T with L its LowerCholeskyTransform."""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.positive_definite

    def _call(self, x):
        low = LowerCholeskyTransform()(x)
        return low @ low.transpose(-2, -1)

    def _inverse(self, y):
        return LowerCholeskyTransform().inv(cholesky(y))


class CorrCholeskyTransform(Transform):
    """A real vector of D (D - 1) / 2 entries onto the lower Cholesky factor of a D x D correlation matrix:
    tanh maps each entry into (-1, 1), and stick breaking fills each row so that it has unit norm."""

    domain, codomain, bijective = constraints.real_vector, constraints.corr_cholesky, True

    def _call(self, x):
        eps = float(np.finfo(x.dtype).eps)
        r = vec_to_tril_matrix(x.tanh().clamp(min=-1 + eps, max=1 - eps), diag=-1)
        remaining = (1 - r.pow(2)).sqrt().cumprod(-1)
        ones = remaining[..., :1] * 0 + 1
        n = r.shape[-1]
        return (r + eye(n, dtype=r.dtype, device=r.device)) * cat([ones, remaining[..., :-1]], -1)

    def _inverse(self, y):
        left = 1 - (y * y).cumsum(-1)
        ones = left[..., :1] * 0 + 1
        left = cat([ones, left[..., :-1]], -1)
        t = tril_matrix_to_vec(y, diag=-1) / tril_matrix_to_vec(left, diag=-1).sqrt()
        return (t.log1p() - (-t).log1p()) / 2

    def log_abs_det_jacobian(self, x, y):
        """The stick-breaking part, sum log(1 - cumsum(y^2)) / 2 under the diagonal, plus tanh's."""
        left = 1 - (y * y).cumsum(-1)
        stick = 0.5 * tril_matrix_to_vec(left, diag=-2).log().sum(-1)
        tanh = -2 * (x + Softplus.apply(-2 * x) - math.log(2.0)).sum(-1)
        return stick + tanh

    def forward_shape(self, shape):
        """The shape of y for an x of `shape`."""
        if len(shape) < 1:
            raise ValueError("CorrCholeskyTransform: the input needs at least one dim (the vector)")
        k = shape[-1]
        d = round((0.25 + 2 * k) ** 0.5 + 0.5)
        if d * (d - 1) // 2 != k:
            raise ValueError(f"CorrCholeskyTransform: a last dim of {k} is not D (D - 1) / 2 for any D")
        return tuple(shape[:-1]) + (d, d)

    def inverse_shape(self, shape):
        """The shape of x for a y of `shape`."""
        if len(shape) < 2 or shape[-2] != shape[-1]:
            raise ValueError(f"CorrCholeskyTransform: the input must be square matrices, got shape {tuple(shape)}")
        d = shape[-1]
        return tuple(shape[:-2]) + (d * (d - 1) // 2,)
