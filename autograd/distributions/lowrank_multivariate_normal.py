"""LowRankMultivariateNormal(loc, cov_factor, cov_diag): a Gaussian whose covariance is W W^T + diag(D),
handled through the m x m capacitance matrix I + W^T D^-1 W (Woodbury), so a rank-m covariance over n
variables costs O(n m^2) rather than O(n^3)."""
import math

from ..creation import eye, randn
from ..ops.arrange import broadcast_tensors
from ..ops.diagonals import diag_embed
from ..ops.linalg_cholesky import cholesky
from ..ops.linalg_solve import solve_triangular
from . import constraints
from .constrained import ConstrainedDistribution
from .distribution import require_tensors
from .multivariate import batch_mahalanobis


def _mv(matrix, vector):
    return (matrix @ vector.unsqueeze(-1)).squeeze(-1)


def capacitance_tril(W, D):
    """The lower Cholesky factor of I + W^T D^-1 W."""
    m = W.shape[-1]
    return cholesky(W.transpose(-2, -1) / D.unsqueeze(-2) @ W + eye(m, dtype=W.dtype, device=W.device))


def lowrank_logdet(W, D, cap_tril):
    """log det(W W^T + diag(D)) by the matrix determinant lemma."""
    return 2 * cap_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1) + D.log().sum(-1)


def lowrank_mahalanobis(W, D, x, cap_tril):
    """x^T (W W^T + diag(D))^-1 x by the Woodbury identity."""
    wt_dinv_x = _mv(W.transpose(-2, -1) / D.unsqueeze(-2), x)
    return (x.pow(2) / D).sum(-1) - batch_mahalanobis(cap_tril, wt_dinv_x)


class LowRankMultivariateNormal(ConstrainedDistribution):
    """LowRankMultivariateNormal(loc, cov_factor, cov_diag): covariance cov_factor cov_factor^T + diag(cov_diag)
    (cov_factor n x m, cov_diag of n positive entries, loc of n entries, batch dims broadcast)."""

    arg_constraints = {"loc": constraints.real_vector, "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    has_rsample = True
    _param_names = ("loc", "cov_factor", "cov_diag")

    def __init__(self, loc, cov_factor, cov_diag, validate_args=None):
        require_tensors("LowRankMultivariateNormal", loc=loc, cov_factor=cov_factor, cov_diag=cov_diag)
        if loc.ndim < 1:
            raise ValueError("LowRankMultivariateNormal: loc must be at least one-dimensional (the event), got a "
                             "0-d tensor")
        n = loc.shape[-1]
        if cov_factor.ndim < 2 or cov_factor.shape[-2] != n:
            raise ValueError(f"LowRankMultivariateNormal: cov_factor of shape {tuple(cov_factor.shape)} must be a "
                             f"batch of {n} x m matrices to match loc of shape {tuple(loc.shape)}")
        if cov_diag.ndim < 1 or cov_diag.shape[-1] != n:
            raise ValueError(f"LowRankMultivariateNormal: cov_diag of shape {tuple(cov_diag.shape)} must be a "
                             f"batch of vectors of {n} entries to match loc of shape {tuple(loc.shape)}")
        try:
            loc_, self.cov_factor, diag_ = broadcast_tensors(loc.unsqueeze(-1), cov_factor, cov_diag.unsqueeze(-1))
        except ValueError:
            raise ValueError(f"LowRankMultivariateNormal: the batch shapes of loc {tuple(loc.shape)}, cov_factor "
                             f"{tuple(cov_factor.shape)} and cov_diag {tuple(cov_diag.shape)} do not "
                             "broadcast") from None
        self.loc, self.cov_diag = loc_[..., 0], diag_[..., 0]
        self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag = cov_factor, cov_diag
        super().__init__(self.loc.shape[:-1], (n,), validate_args)
        self._capacitance_tril = capacitance_tril(cov_factor, cov_diag)

    def expand(self, batch_shape, _instance=None):
        """This distribution over a larger `batch_shape` (the unbroadcast factors shared)."""
        new = super().expand(batch_shape)
        new._unbroadcasted_cov_factor = self._unbroadcasted_cov_factor
        new._unbroadcasted_cov_diag = self._unbroadcasted_cov_diag
        new._capacitance_tril = self._capacitance_tril
        return new

    def _matrix_shape(self):
        return tuple(self._batch_shape) + tuple(self._event_shape) * 2

    mean = property(lambda self: self.loc, doc="loc.")
    mode = property(lambda self: self.loc, doc="loc.")

    @property
    def variance(self):
        """The covariance's diagonal: row sums of W^2 plus D."""
        return (self._unbroadcasted_cov_factor.pow(2).sum(-1) + self._unbroadcasted_cov_diag).expand(
            tuple(self._batch_shape) + tuple(self._event_shape))

    @property
    def scale_tril(self):
        """The lower Cholesky factor of the covariance, D^1/2 chol(I + D^-1/2 W W^T D^-1/2)."""
        n = self._event_shape[0]
        root = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        scaled = self._unbroadcasted_cov_factor / root
        inner = scaled @ scaled.transpose(-2, -1) + eye(n, dtype=root.dtype, device=root.device)
        return (root * cholesky(inner)).expand(self._matrix_shape())

    @property
    def covariance_matrix(self):
        """W W^T + diag(D)."""
        W = self._unbroadcasted_cov_factor
        return (W @ W.transpose(-2, -1) + diag_embed(self._unbroadcasted_cov_diag)).expand(self._matrix_shape())

    @property
    def precision_matrix(self):
        """(W W^T + diag(D))^-1 by the Woodbury identity."""
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        A = solve_triangular(self._capacitance_tril, W.transpose(-2, -1) / D.unsqueeze(-2), upper=False)
        return (diag_embed(D.reciprocal()) - A.transpose(-2, -1) @ A).expand(self._matrix_shape())

    def rsample(self, sample_shape=()):
        """loc + W eps_W + sqrt(D) eps_D with standard normal eps_W (m entries) and eps_D (n entries)."""
        shape = tuple(self._extended_shape(sample_shape))
        ref = self.loc
        eps_w = randn(*(shape[:-1] + (self.cov_factor.shape[-1],)), dtype=ref.dtype, device=ref.device)
        eps_d = randn(*shape, dtype=ref.dtype, device=ref.device)
        return (self.loc + _mv(self._unbroadcasted_cov_factor, eps_w)
                + self._unbroadcasted_cov_diag.sqrt() * eps_d)

    def log_prob(self, value):
        """-(n log(2 pi) + log det + Mahalanobis) / 2, all through the capacitance matrix."""
        if self._validate_args:
            self._validate_sample(value)
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        m = lowrank_mahalanobis(W, D, value - self.loc, self._capacitance_tril)
        log_det = lowrank_logdet(W, D, self._capacitance_tril)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + log_det + m)

    def entropy(self):
        """(n (1 + log(2 pi)) + log det) / 2."""
        log_det = lowrank_logdet(self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag,
                                 self._capacitance_tril)
        h = 0.5 * (self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + log_det)
        return h.expand(tuple(self._batch_shape)) if len(self._batch_shape) else h

