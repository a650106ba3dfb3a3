"""LKJCholesky(dim, concentration=1.0): the LKJ law over correlation matrices, expressed on their lower
Cholesky factors, drawn by the onion method (Lewandowski, Kurowicka & Joe, 2009)."""
import math

import numpy as np

from ..creation import arange, randn
from ..ops.diagonals import diag_embed
from ..ops.gamma import lgamma, mvlgamma
from ..ops.joining import cat
from . import constraints
from .constrained import ConstrainedDistribution
from .dirichlet import Beta
from .distribution import broadcast_all


class LKJCholesky(ConstrainedDistribution):
    """LKJCholesky(dim, concentration=1.0): density proportional to det(L L^T)^(concentration - 1) over the
    dim x dim correlation matrices L L^T; concentration 1 is uniform over them."""

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky
    _param_names = ("concentration",)

    def __init__(self, dim, concentration=1.0, validate_args=None):
        if dim < 2:
            raise ValueError(f"LKJCholesky: dim must be an integer of at least 2, got dim={dim}")
        self.dim = dim
        self.concentration, = broadcast_all(concentration)
        c = self.concentration
        marginal = c + 0.5 * (dim - 2)
        # row i (i >= 1) takes its squared off-diagonal norm from Beta(i / 2, marginal - (i - 1) / 2), the onion
        # method's step; row 0 has no off-diagonal part (its entry only pads the batch). PyTorch 2.13 takes
        # Beta(i - 1/2, ...) for rows i >= 2, whose draws are not LKJ-distributed for dim >= 3
        offset = arange(dim - 1, dtype=c.dtype, device=c.device)
        offset = cat([offset.new_zeros((1,)), offset])
        self._beta = Beta(0.5 * offset + 0.5, marginal.unsqueeze(-1) - 0.5 * offset, validate_args=False)
        super().__init__(c.shape, (dim, dim), validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution over a larger `batch_shape`."""
        new = LKJCholesky(self.dim, self.concentration.expand(tuple(batch_shape)), validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape=()):
        """Cholesky factors of shape sample_shape + batch_shape + (dim, dim): row i has squared norm split by a
        Beta draw between a uniform direction below the diagonal and the diagonal entry."""
        y = self._beta.sample(sample_shape).unsqueeze(-1)
        normal = randn(*self._extended_shape(sample_shape), dtype=y.dtype, device=y.device).tril(-1)
        tiny = float(np.finfo(normal.dtype).tiny)
        direction = normal / normal.norm(dim=-1, keepdim=True).clamp(min=tiny)    # row 0 stays all zeros
        w = y.sqrt() * direction
        diag = (1 - w.pow(2).sum(-1)).clamp(min=tiny).sqrt()
        return w + diag_embed(diag)

    def log_prob(self, value):
        """sum_i (2 (c - 1) + dim - i) log L_ii (i = 2 .. dim) minus the log normaliser."""
        if self._validate_args:
            self._validate_sample(value)
        diag = value.diagonal(dim1=-2, dim2=-1)[..., 1:]
        order = arange(2, self.dim + 1, dtype=self.concentration.dtype, device=self.concentration.device)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalised = (order * diag.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        normaliser = 0.5 * dm1 * math.log(math.pi) + mvlgamma(alpha - 0.5, dm1) - lgamma(alpha) * dm1
        return unnormalised - normaliser
