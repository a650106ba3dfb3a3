"""MixtureSameFamily: a Categorical mixture of the components of one batched distribution."""
import numpy as np

from ..grad_mode import no_grad
from ..ops.activation import log_softmax
from . import constraints
from .constrained import ConstrainedDistribution
from .discrete import Categorical
from .distribution import Distribution, Independent, sample_size


def _support_of(dist):
    if isinstance(dist, Independent):
        inner = _support_of(dist.base_dist)
        return None if inner is None else constraints.independent(inner, dist.reinterpreted_batch_ndims)
    return getattr(dist, "support", None)


class MixtureSameFamilyConstraint(constraints.Constraint):
    """A component constraint checked for a mixture's value against every component (the value broadcast over
    the component dim), True where all components accept it."""

    def __init__(self, base_constraint):
        self.base_constraint = base_constraint
        self.is_discrete, self.event_dim = base_constraint.is_discrete, base_constraint.event_dim

    def check(self, value):
        """base_constraint.check on value broadcast over the component dim, reduced over that dim."""
        result = self.base_constraint.check(value.unsqueeze(-1 - self.event_dim))
        keep = value.ndim - self.event_dim
        return result.reshape(tuple(result.shape[:keep]) + (-1,)).all(-1)

    def __repr__(self):
        return f"MixtureSameFamilyConstraint({self.base_constraint!r})"


class MixtureSameFamily(ConstrainedDistribution):
    """MixtureSameFamily(mixture_distribution, component_distribution): the mixture weights are a Categorical
    over the last batch dim of component_distribution (its k components)."""

    arg_constraints = {}
    has_rsample = False

    def __init__(self, mixture_distribution, component_distribution, validate_args=None):
        if not isinstance(mixture_distribution, Categorical):
            raise ValueError("MixtureSameFamily: mixture_distribution must be a Categorical, got "
                             f"{type(mixture_distribution).__name__}")
        if not isinstance(component_distribution, Distribution):
            raise ValueError("MixtureSameFamily: component_distribution must be a Distribution, got "
                             f"{type(component_distribution).__name__}")
        self._mixture_distribution, self._component_distribution = mixture_distribution, component_distribution
        mix_batch, comp_batch = tuple(mixture_distribution.batch_shape), tuple(component_distribution.batch_shape)
        if not comp_batch:
            raise ValueError("MixtureSameFamily: component_distribution needs a batch dim for the components, got "
                             "batch_shape ()")
        try:
            batch = np.broadcast_shapes(mix_batch, comp_batch[:-1])
        except ValueError:
            raise ValueError(f"MixtureSameFamily: the mixture's batch_shape {mix_batch} does not broadcast with the "
                             f"components' batch_shape less its last dim {comp_batch[:-1]}") from None
        k_mix, k_comp = mixture_distribution.logits.shape[-1], comp_batch[-1]   # reads logits, as PyTorch
        if k_mix != k_comp:
            raise ValueError(f"MixtureSameFamily: the mixture has {k_mix} categories but component_distribution has "
                             f"{k_comp} components (its last batch dim); they must match")
        self._event_ndims = len(component_distribution.event_shape)
        super().__init__(batch, component_distribution.event_shape, validate_args)

    mixture_distribution = property(lambda self: self._mixture_distribution, doc="The Categorical weights.")
    component_distribution = property(lambda self: self._component_distribution, doc="The batched components.")
    @property
    def support(self):
        """The components' support, checked on every component at once (None if the components have none)."""
        inner = _support_of(self._component_distribution)
        return None if inner is None else MixtureSameFamilyConstraint(inner)

    def _pad_probs(self):
        probs = self._mixture_distribution.probs
        return probs.reshape(tuple(probs.shape) + (1,) * self._event_ndims)

    def _pad(self, x):
        return x.unsqueeze(-1 - self._event_ndims)

    @property
    def mean(self):
        """sum_k w_k mean_k."""
        return (self._pad_probs() * self._component_distribution.mean).sum(-1 - self._event_ndims)

    @property
    def variance(self):
        """sum_k w_k var_k + sum_k w_k (mean_k - mean)^2 (the law of total variance)."""
        probs, dim = self._pad_probs(), -1 - self._event_ndims
        comp = self._component_distribution
        within = (probs * comp.variance).sum(dim)
        between = (probs * (comp.mean - self._pad(self.mean)).pow(2)).sum(dim)
        return within + between

    def cdf(self, x):
        """sum_k w_k cdf_k(x)."""
        return (self._component_distribution.cdf(self._pad(x)) * self._mixture_distribution.probs).sum(-1)

    def log_prob(self, x):
        """logsumexp_k(log w_k + log p_k(x))."""
        if self._validate_args and self.support is not None:    # else the components' log_prob checks x
            self._validate_sample(x)
        log_prob_x = self._component_distribution.log_prob(self._pad(x))
        log_weights = log_softmax(self._mixture_distribution.logits, -1)
        return (log_prob_x + log_weights).logsumexp(-1)

    def sample(self, sample_shape=()):
        """Pick a component per draw from the mixture, then take that component's draw."""
        sample_shape = sample_size(self, sample_shape)
        with no_grad():
            index = self._mixture_distribution.sample(sample_shape)
            comps = self._component_distribution.sample(sample_shape)
            gather_dim = len(sample_shape) + len(self._batch_shape)
            index = index.reshape(tuple(index.shape) + (1,) * (1 + self._event_ndims))
            target = tuple(comps.shape[:gather_dim]) + (1,) + tuple(comps.shape[gather_dim + 1:])
            index = index.expand(target)
            return comps.gather(gather_dim, index).squeeze(gather_dim)

    def __repr__(self):
        return (f"MixtureSameFamily(\n  {self._mixture_distribution!r},\n  "
                f"{self._component_distribution!r})")
