"""MultivariateNormal, parameterised by one of covariance_matrix, precision_matrix or scale_tril; everything
is computed from the lower Cholesky factor L (covariance = L L^T)."""
import math

import numpy as np

from ..creation import randn
from ..ops.legacy_forms import cholesky_inverse
from ..ops.linalg_cholesky import cholesky
from ..ops.linalg_solve import inv, solve_triangular
from . import constraints
from .constrained import ConstrainedDistribution
from .distribution import require_tensors


def batch_mahalanobis(scale_tril, diff):
    """||L^-1 diff||^2 over the last dim, L and diff broadcast over their batch dims."""
    y = solve_triangular(scale_tril, diff.unsqueeze(-1), upper=False).squeeze(-1)
    return y.pow(2).sum(-1)


class MultivariateNormal(ConstrainedDistribution):
    """MultivariateNormal(loc, covariance_matrix=None, precision_matrix=None, scale_tril=None): a Gaussian
    over vectors of loc's last dim; pass exactly one of the three matrices."""

    has_rsample = True
    arg_constraints = {"loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite, "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    _param_names = ("loc", "covariance_matrix", "precision_matrix", "scale_tril")

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        given = [(n, m) for n, m in (("covariance_matrix", covariance_matrix), ("precision_matrix", precision_matrix),
                                     ("scale_tril", scale_tril)) if m is not None]
        if len(given) != 1:
            raise ValueError("MultivariateNormal: pass exactly one of covariance_matrix, precision_matrix or "
                             f"scale_tril, got {len(given)}")
        require_tensors("MultivariateNormal", loc=loc, **dict(given))
        if loc.ndim < 1:
            raise ValueError("MultivariateNormal: loc must be at least one-dimensional (the event), got a 0-d "
                             "tensor; use Normal for one variable")
        name, matrix = given[0]
        if matrix.ndim < 2:
            raise ValueError(f"MultivariateNormal: {name} must be at least two-dimensional, with optional leading "
                             f"batch dimensions, got shape {tuple(matrix.shape)}")
        if tuple(matrix.shape[-2:]) != (loc.shape[-1], loc.shape[-1]):
            raise ValueError(f"MultivariateNormal: {name} of shape {tuple(matrix.shape)} must end in "
                             f"({loc.shape[-1]}, {loc.shape[-1]}) to match loc of shape {tuple(loc.shape)}")
        batch = np.broadcast_shapes(tuple(matrix.shape[:-2]), tuple(loc.shape[:-1]))
        k = loc.shape[-1]
        setattr(self, name, matrix.expand(batch + (k, k)))
        self._given = name
        self.loc = loc.expand(batch + (k,))
        super().__init__(batch, (k,), validate_args)     # checks the matrix before its factorisation
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = matrix
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = cholesky(inv(matrix))

    def _parameter_checks(self):
        checks = [("loc", constraints.real_vector.check(self.loc), repr(constraints.real_vector))]
        constraint = self.arg_constraints[self._given]
        return checks + [(self._given, constraint.check(self.__dict__[self._given]), repr(constraint))]

    @property
    def scale_tril(self):
        """The lower Cholesky factor L of the covariance."""
        if "scale_tril" in self.__dict__:
            return self.__dict__["scale_tril"]
        return self._unbroadcasted_scale_tril.expand(self._batch_shape + self._event_shape * 2)

    @scale_tril.setter
    def scale_tril(self, value):
        self.__dict__["scale_tril"] = value

    @property
    def covariance_matrix(self):
        """L L^T."""
        if "covariance_matrix" in self.__dict__:
            return self.__dict__["covariance_matrix"]
        low = self._unbroadcasted_scale_tril
        return (low @ low.transpose(-2, -1)).expand(self._batch_shape + self._event_shape * 2)

    @covariance_matrix.setter
    def covariance_matrix(self, value):
        self.__dict__["covariance_matrix"] = value

    @property
    def precision_matrix(self):
        """The inverse of the covariance, (L L^T)^-1."""
        if "precision_matrix" in self.__dict__:
            return self.__dict__["precision_matrix"]
        return cholesky_inverse(self._unbroadcasted_scale_tril).expand(self._batch_shape + self._event_shape * 2)

    @precision_matrix.setter
    def precision_matrix(self, value):
        self.__dict__["precision_matrix"] = value

    mean = property(lambda self: self.loc, doc="loc.")
    mode = property(lambda self: self.loc, doc="loc.")

    @property
    def variance(self):
        """The covariance's diagonal: the row sums of L^2."""
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(self._batch_shape + self._event_shape)

    def rsample(self, sample_shape=()):
        """loc + L eps, eps standard normal."""
        shape = self._extended_shape(sample_shape)
        eps = randn(*shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self):
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value):
        """-(k log(2 pi) + ||L^-1 (value - loc)||^2) / 2 - log det L."""
        if self._validate_args:
            self._validate_sample(value)
        k = self._event_shape[0]
        m = batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        return -0.5 * (k * math.log(2 * math.pi) + m) - self._half_log_det()

    def entropy(self):
        """k (1 + log(2 pi)) / 2 + log det L."""
        k = self._event_shape[0]
        h = 0.5 * k * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return h.expand(self._batch_shape) if len(self._batch_shape) else h
