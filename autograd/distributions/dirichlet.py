"""Dirichlet and Beta. A draw normalises independent Gamma draws (g / sum g); rsample differentiates it
implicitly through the marginal Beta cdfs (beta_special.DirichletReparam), as PyTorch does, so the per-draw
gradients agree with PyTorch's."""
from backends import torch_samplers

from ..ops.elementwise import where
from ..ops.gamma import digamma, lgamma
from ..ops.joining import stack
from ..ops.special import xlogy
from . import constraints
from .beta_special import DirichletReparam
from .constrained import ConstrainedDistribution, float_host, host_draws
from .distribution import broadcast_all, require_tensors
from .exp_family import ExponentialFamily


class Dirichlet(ExponentialFamily, ConstrainedDistribution):
    """Dirichlet(concentration): a distribution on the simplex over the last dim of concentration."""

    has_rsample = True
    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    _param_names = ("concentration",)

    def __init__(self, concentration, validate_args=None):
        require_tensors("Dirichlet", concentration=concentration)
        self.concentration, = broadcast_all(concentration)
        if self.concentration.ndim < 1:
            raise ValueError("Dirichlet: concentration must have at least one dimension (the categories), got a "
                             "0-d tensor; use Beta for a single probability")
        super().__init__(self.concentration.shape[:-1], self.concentration.shape[-1:], validate_args)

    def rsample(self, sample_shape=()):
        """Normalised Gamma(concentration) draws kept inside (0, 1), PyTorch's _sample_dirichlet numbers on the
        host devices, differentiable in the concentration by implicit reparameterisation."""
        alpha = self.concentration.expand(self._extended_shape(sample_shape))
        value = host_draws(lambda stream, a: torch_samplers.dirichlet(stream, float_host(a)), alpha)
        return DirichletReparam.apply(alpha, value)

    def log_prob(self, value):
        """sum((a - 1) log x) + lgamma(sum a) - sum lgamma(a)."""
        if self._validate_args:
            self._validate_sample(value)
        a = self.concentration
        return xlogy(a - 1.0, value).sum(-1) + lgamma(a.sum(-1)) - lgamma(a).sum(-1)

    @property
    def mean(self):
        """concentration / sum(concentration)."""
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self):
        """(a - 1)+ / sum (a - 1)+; where every a < 1, the first corner (1, 0, ..., 0), and NaN where no a
        exceeds 1 but some equals it, as PyTorch gives."""
        a = self.concentration
        above = (a - 1).clamp(min=0)
        total = above.sum(-1, keepdim=True)
        interior = above / where(total > 0, total, 1.0)      # a 0/0 here would poison the gradient
        interior = where(total > 0, interior, float("nan"))
        # PyTorch takes the argmax of its 0/0 (all NaN) row there: always the first coordinate
        first = (a.new_ones(a.shape).cumsum(-1) == 1).to(a.dtype)
        return where((a < 1).all(-1, keepdim=True), first, interior)

    @property
    def variance(self):
        """a (a0 - a) / (a0^2 (a0 + 1)), a0 = sum a."""
        a = self.concentration
        total = a.sum(-1, keepdim=True)
        return a * (total - a) / (total.pow(2) * (total + 1))

    def entropy(self):
        """sum lgamma(a) - lgamma(a0) - (k - a0) digamma(a0) - sum (a - 1) digamma(a)."""
        a = self.concentration
        k = a.shape[-1]
        total = a.sum(-1)
        return lgamma(a).sum(-1) - lgamma(total) - (k - total) * digamma(total) - ((a - 1.0) * digamma(a)).sum(-1)

    @property
    def _natural_params(self):
        return (self.concentration,)

    def _log_normalizer(self, x):
        return lgamma(x).sum(-1) - lgamma(x.sum(-1))


class Beta(ExponentialFamily, ConstrainedDistribution):
    """Beta(concentration1, concentration0): density x^(c1-1) (1-x)^(c0-1) / B(c1, c0) on [0, 1]; the first
    coordinate of a Dirichlet([c1, c0])."""

    has_rsample = True
    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    _param_names = ("concentration1", "concentration0")

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        self._dirichlet = Dirichlet(stack([self.concentration1, self.concentration0], -1), validate_args=False)
        super().__init__(self._dirichlet.batch_shape, (), validate_args)

    mean = property(lambda self: self.concentration1 / (self.concentration1 + self.concentration0),
                    doc="c1 / (c1 + c0).")
    mode = property(lambda self: self._dirichlet.mode[..., 0], doc="The Dirichlet's mode, first coordinate.")

    @property
    def variance(self):
        """c1 c0 / ((c1 + c0)^2 (c1 + c0 + 1))."""
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape=()):
        """The first coordinate of a Dirichlet([c1, c0]) rsample."""
        return self._dirichlet.rsample(sample_shape)[..., 0]

    def log_prob(self, value):
        """The Dirichlet log-density at (value, 1 - value)."""
        if self._validate_args:
            self._validate_sample(value)
        return self._dirichlet.log_prob(stack([value, 1.0 - value], -1))

    def entropy(self):
        """The Dirichlet's entropy."""
        return self._dirichlet.entropy()

    @property
    def _natural_params(self):
        return self.concentration1, self.concentration0

    def _log_normalizer(self, x, y):
        return lgamma(x) + lgamma(y) - lgamma(x + y)
