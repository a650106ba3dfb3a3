"""TransformedDistribution: the law of t_n(...t_1(x)) for x drawn from a base distribution."""
from ..grad_mode import no_grad
from ..size import Size
from . import constraints
from .constrained import ConstrainedDistribution, expand_batch
from .distribution import Distribution, Independent, sum_rightmost
from .transform_base import ComposeTransform, Transform


class NotADistributionError(ValueError, AttributeError):
    """A base_distribution that is not a Distribution: a ValueError, as deepgrad raised before, and an
    AttributeError as PyTorch's (it reads base_distribution.batch_shape)."""


class TransformedDistribution(ConstrainedDistribution):
    """TransformedDistribution(base_distribution, transforms): samples are the base's pushed through the
    transforms in order; log_prob pulls a value back through their inverses, subtracting each log-Jacobian.

    E.g. SAC's squashed Gaussian: TransformedDistribution(Normal(mu, std), [TanhTransform(cache_size=1)])."""

    arg_constraints = {}

    def __init__(self, base_distribution, transforms, validate_args=None):
        if isinstance(transforms, Transform):
            transforms = [transforms]
        elif not isinstance(transforms, (list, tuple)) or not all(isinstance(t, Transform) for t in transforms):
            raise ValueError("TransformedDistribution: transforms must be a Transform or a list of Transforms, got "
                             f"{transforms!r}")
        if not isinstance(base_distribution, Distribution):
            raise NotADistributionError("TransformedDistribution: base_distribution must be a Distribution (it has "
                                        f"no batch_shape), got {type(base_distribution).__name__}; pass e.g. "
                                        "Normal(loc, scale)")
        self.transforms = list(transforms)
        base_shape = tuple(base_distribution.batch_shape + base_distribution.event_shape)
        base_event_dim = len(base_distribution.event_shape)
        chain = ComposeTransform(self.transforms)
        if len(base_shape) < chain.domain.event_dim:
            raise ValueError(f"TransformedDistribution: the transforms need events of {chain.domain.event_dim} "
                             f"dims but the base distribution's shape is {base_shape}")
        forward_shape = tuple(chain.forward_shape(base_shape))
        expanded = tuple(chain.inverse_shape(forward_shape))
        if expanded != base_shape:
            cut = len(expanded) - base_event_dim
            base_distribution = expand_batch(base_distribution, expanded[:cut])
        reinterpreted = chain.domain.event_dim - base_event_dim
        if reinterpreted > 0:
            base_distribution = Independent(base_distribution, reinterpreted)
        self.base_dist = base_distribution
        event_dim = chain.codomain.event_dim + max(base_event_dim - chain.domain.event_dim, 0)
        cut = len(forward_shape) - event_dim
        super().__init__(Size(forward_shape[:cut]), Size(forward_shape[cut:]), validate_args)

    @property
    def has_rsample(self):
        """Whether the base distribution has rsample."""
        return self.base_dist.has_rsample

    @property
    def support(self):
        """The last transform's codomain, read with this distribution's event dims."""
        if not self.transforms:
            return self.base_dist.support
        support = self.transforms[-1].codomain
        extra = len(self.event_shape) - support.event_dim
        return constraints.independent(support, extra) if extra > 0 else support

    def sample(self, sample_shape=()):
        """The base's draws pushed through the transforms, without a gradient."""
        with no_grad():
            x = self.base_dist.sample(sample_shape)
            for transform in self.transforms:
                x = transform(x)
            return x

    def rsample(self, sample_shape=()):
        """The base's reparameterised draws pushed through the transforms (gradients flow to the parameters)."""
        x = self.base_dist.rsample(sample_shape)
        for transform in self.transforms:
            x = transform(x)
        return x

    def log_prob(self, value):
        """The base log-density at the pulled-back value minus every transform's log-Jacobian."""
        if self._validate_args:
            self._validate_sample(value)
        event_dim = len(self.event_shape)
        log_prob, y = 0.0, value
        for transform in reversed(self.transforms):
            x = transform.inv(y)
            event_dim += transform.domain.event_dim - transform.codomain.event_dim
            log_prob = log_prob - sum_rightmost(transform.log_abs_det_jacobian(x, y),
                                                event_dim - transform.domain.event_dim)
            y = x
        return log_prob + sum_rightmost(self.base_dist.log_prob(y), event_dim - len(self.base_dist.event_shape))

    def _monotonize_cdf(self, value):
        sign = 1
        for transform in self.transforms:
            sign = sign * transform.sign
        if isinstance(sign, (int, float)) and sign == 1:
            return value
        return sign * (value - 0.5) + 0.5

    def cdf(self, value):
        """The base cdf at the pulled-back value (mirrored when the transforms decrease)."""
        for transform in reversed(self.transforms):
            value = transform.inv(value)
        return self._monotonize_cdf(self.base_dist.cdf(value))

    def icdf(self, value):
        """The base icdf pushed through the transforms."""
        value = self.base_dist.icdf(self._monotonize_cdf(value))
        for transform in self.transforms:
            value = transform(value)
        return value
