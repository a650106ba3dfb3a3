"""Wishart(df, covariance_matrix=None, precision_matrix=None, scale_tril=None): the law of sum_i x_i x_i^T for
df Gaussian vectors x_i of that covariance (df real, > p - 1), drawn by the Bartlett decomposition."""
import math
import warnings

import numpy as np

from ..creation import arange, eye, randn, tensor, zeros
from ..ops.diagonals import diag_embed
from ..ops.elementwise import where
from ..ops.gamma import digamma, mvlgamma
from ..ops.legacy_forms import cholesky_solve
from ..ops.linalg_cholesky import cholesky
from ..ops.linalg_det import slogdet
from ..ops.linalg_solve import inv
from ..tensor import Tensor
from . import constraints
from .constrained import ConstrainedDistribution
from .exp_family import ExponentialFamily
from .gamma_family import Chi2
from .distribution import sample_size

_LOG_2 = math.log(2)


def mvdigamma(x, p):
    """The multivariate digamma: sum_{i < p} digamma(x - i / 2)."""
    if not bool((x > (p - 1) / 2).all()):
        raise ValueError(f"mvdigamma: every entry must exceed (p - 1) / 2 = {(p - 1) / 2}, got {x}")
    return digamma(x.unsqueeze(-1) - arange(p, dtype=x.dtype, device=x.device) / 2).sum(-1)


class Wishart(ExponentialFamily, ConstrainedDistribution):
    """Wishart(df, covariance_matrix=None, precision_matrix=None, scale_tril=None) over p x p positive-definite
    matrices; pass exactly one of the three matrices."""

    support = constraints.positive_definite
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def arg_constraints(self):
        """The matrix constraints and df > p - 1."""
        return {"covariance_matrix": constraints.positive_definite, "precision_matrix": constraints.positive_definite,
                "scale_tril": constraints.lower_cholesky, "df": constraints.greater_than(self.event_shape[-1] - 1)}

    def __init__(self, df, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        given = [(n, m) for n, m in (("covariance_matrix", covariance_matrix), ("precision_matrix", precision_matrix),
                                     ("scale_tril", scale_tril)) if m is not None]
        if len(given) != 1:
            raise ValueError("Wishart: pass exactly one of covariance_matrix, precision_matrix or scale_tril, got "
                             f"{len(given)}")
        name, param = given[0]
        if param.ndim < 2:
            raise ValueError(f"Wishart: {name} must be at least two-dimensional, with optional leading batch "
                             f"dimensions, got shape {tuple(param.shape)}")
        p = param.shape[-1]
        if isinstance(df, Tensor):
            batch = np.broadcast_shapes(tuple(param.shape[:-2]), tuple(df.shape))
            self.df = df.expand(batch)
        else:
            batch = tuple(param.shape[:-2])
            self.df = Tensor(np.asarray(df, dtype=param.dtype), device=param.device)
        if bool((self.df <= p - 1).any()):
            raise ValueError(f"Wishart: df={df} must be greater than p - 1 = {p - 1}")
        self.__dict__[name] = param.expand(batch + (p, p))
        self._given = name
        if bool((self.df < p).any()):
            warnings.warn("Wishart: df is below p, so singular samples are likely (p - 1 < df < p)", stacklevel=2)
        super().__init__(batch, (p, p), validate_args)
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = param
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = cholesky(param)
        else:
            self._unbroadcasted_scale_tril = cholesky(inv(param))
        self._dist_chi2 = self._chi2(self.df, batch)

    def _chi2(self, df, batch):
        p = self._event_shape[-1]
        low = self._unbroadcasted_scale_tril
        return Chi2(df.unsqueeze(-1) - arange(p, dtype=low.dtype, device=low.device).expand(tuple(batch) + (p,)),
                    validate_args=False)

    def _parameter_checks(self):
        checks = super()._parameter_checks()
        return [c for c in checks if c[0] in (self._given, "df")]

    def expand(self, batch_shape, _instance=None):
        """This distribution over a larger `batch_shape` (the unbroadcast factor shared)."""
        new = super().expand(batch_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(tuple(batch_shape) + self._event_shape)
        new._dist_chi2 = new._chi2(new.df, tuple(batch_shape))
        return new

    def _matrix_shape(self):
        return tuple(self._batch_shape) + tuple(self._event_shape)

    def _get(self, name, compute):
        return self.__dict__[name] if name in self.__dict__ else compute().expand(self._matrix_shape())

    scale_tril = property(lambda self: self._get("scale_tril", lambda: self._unbroadcasted_scale_tril),
                          doc="The lower Cholesky factor L of the scale matrix.")
    covariance_matrix = property(lambda self: self._get("covariance_matrix", lambda: self._unbroadcasted_scale_tril
                                                        @ self._unbroadcasted_scale_tril.transpose(-2, -1)),
                                 doc="The scale matrix L L^T.")

    @property
    def precision_matrix(self):
        """The inverse scale matrix (L L^T)^-1."""
        low = self._unbroadcasted_scale_tril
        return self._get("precision_matrix", lambda: cholesky_solve(
            eye(self._event_shape[-1], dtype=low.dtype, device=low.device), low))

    def _per_batch(self, value):
        return value.reshape(tuple(self._batch_shape) + (1, 1))

    mean = property(lambda self: self._per_batch(self.df) * self.covariance_matrix, doc="df * covariance.")

    @property
    def mode(self):
        """(df - p - 1) * covariance, NaN where df <= p + 1."""
        factor = self.df - self.covariance_matrix.shape[-1] - 1
        return self._per_batch(where(factor <= 0, math.nan, factor)) * self.covariance_matrix

    @property
    def variance(self):
        """df (V_ij^2 + V_ii V_jj)."""
        V = self.covariance_matrix
        d = V.diagonal(dim1=-2, dim2=-1)
        return self._per_batch(self.df) * (V.pow(2) + d.unsqueeze(-1) * d.unsqueeze(-2))

    def _bartlett(self, sample_shape):
        p = self._event_shape[-1]
        tiny_eps = float(np.finfo(self.df.dtype).eps)
        diag = self._dist_chi2.rsample(sample_shape).sqrt().clamp(min=tiny_eps)
        # the p (p - 1) / 2 normals below the diagonal, drawn as one block and laid out row by row, as PyTorch's
        shape = tuple(sample_shape) + tuple(self._batch_shape)
        below = zeros(*(shape + (p, p)), dtype=diag.dtype, device=diag.device)
        rows, cols = np.tril_indices(p, -1)
        below[..., rows, cols] = randn(*(shape + (len(rows),)), dtype=diag.dtype, device=diag.device)
        chol = self._unbroadcasted_scale_tril @ (diag_embed(diag) + below)
        return chol @ chol.transpose(-2, -1)

    def _per_draw(self, flags):
        """flags of sample_shape + batch_shape reduced to one per draw of sample_shape (any over the batch)."""
        for _ in self._batch_shape:
            flags = flags.any(-1)
        return flags

    def rsample(self, sample_shape=(), max_try_correction=None):
        """Bartlett draws L A A^T L^T (A lower triangular: sqrt chi-square diagonal, normal below); draws that are
        numerically singular are redrawn up to max_try_correction (10) times."""
        sample_shape = sample_size(self, sample_shape)
        tries = 10 if max_try_correction is None else int(max_try_correction)
        sample = self._bartlett(sample_shape)
        valid = self._per_draw(self.support.check(sample))
        if bool((~valid).any()):
            warnings.warn("Wishart: a singular sample was drawn; redrawing it", stacklevel=2)
        # PyTorch 2.13's first correction round redraws the draws that are *not* singular (its flag holds the
        # support check itself), and later rounds the singular ones; the same rounds keep its numbers
        redraw = valid.numpy().reshape(-1)
        flat = sample.reshape((-1,) + tuple(sample.shape[len(sample_shape):]))
        for _ in range(tries if redraw.any() else 0):
            fresh = self._bartlett((int(redraw.sum()),))
            which = np.cumsum(redraw) - 1
            flat = where(tensor(redraw, device=sample.device).reshape((-1,) + (1,) * (flat.ndim - 1)),
                         fresh[tensor(np.maximum(which, 0), device=sample.device)], flat)
            redraw[redraw] = (~self._per_draw(self.support.check(fresh))).numpy().reshape(-1)
            if not redraw.any():
                break
        return flat.reshape(sample.shape)

    def log_prob(self, value):
        """The Wishart log-density at positive-definite `value`."""
        if self._validate_args:
            self._validate_sample(value)
        nu, p = self.df, self._event_shape[-1]
        low = self._unbroadcasted_scale_tril
        half_log_det = low.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        trace = cholesky_solve(value, low).diagonal(dim1=-2, dim2=-1).sum(-1)
        return (-nu * (p * _LOG_2 / 2 + half_log_det) - mvlgamma(nu / 2, p)
                + (nu - p - 1) / 2 * slogdet(value)[1] - trace / 2)

    def entropy(self):
        """(p + 1)(p log 2 / 2 + log det L) + mvlgamma(df / 2) - (df - p - 1) / 2 mvdigamma(df / 2) + df p / 2."""
        nu, p = self.df, self._event_shape[-1]
        half_log_det = self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        return ((p + 1) * (p * _LOG_2 / 2 + half_log_det) + mvlgamma(nu / 2, p)
                - (nu - p - 1) / 2 * mvdigamma(nu / 2, p) + nu * p / 2)

    @property
    def _natural_params(self):
        p = self._event_shape[-1]
        return -self.precision_matrix / 2, (self.df - p - 1) / 2

    def _log_normalizer(self, x, y):
        p = self._event_shape[-1]
        return (y + (p + 1) / 2) * (-slogdet(-2 * x)[1] + _LOG_2 * p) + mvlgamma(y + (p + 1) / 2, p)

    def __repr__(self):
        return f"Wishart({self._given}: {self.__dict__[self._given].size()}, " \
               f"df: {self.df.size() if self.df.numel() != 1 else self.df})"

