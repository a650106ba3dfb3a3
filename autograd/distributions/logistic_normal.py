"""LogisticNormal(loc, scale): a point of the simplex, the stick-breaking image of a diagonal Normal vector."""
from . import constraints
from .normal import Normal
from .transformed import TransformedDistribution
from .transforms import StickBreakingTransform


class LogisticNormal(TransformedDistribution):
    """LogisticNormal(loc, scale): StickBreakingTransform of X ~ Normal(loc, scale) over loc's last dim (K - 1
    entries give a point of the K-simplex)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.simplex
    has_rsample = True
    _property_params = ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        base = Normal(loc, scale, validate_args=validate_args)
        if not base.batch_shape:
            base = base.expand((1,))
        super().__init__(base, StickBreakingTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution over a larger `batch_shape` (its parameters broadcast, the event kept)."""
        shape = tuple(batch_shape) + tuple(self.base_dist.event_shape)
        new = LogisticNormal(self.loc.expand(shape), self.scale.expand(shape), validate_args=False)
        new._validate_args = self._validate_args
        return new

    loc = property(lambda self: self.base_dist.base_dist.loc, doc="The Normal's loc.")
    scale = property(lambda self: self.base_dist.base_dist.scale, doc="The Normal's scale.")
