"""torch.distributions.one_hot_categorical: OneHotCategorical, and OneHotCategoricalStraightThrough, whose
rsample passes gradients to probs by the straight-through estimator."""
from .one_hot import OneHotCategorical

__all__ = ["OneHotCategorical", "OneHotCategoricalStraightThrough"]


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """OneHotCategorical whose rsample is the one-hot draw in value and probs in gradient (Bengio et al. 2013)."""

    has_rsample = True

    def rsample(self, sample_shape=()):
        """A one-hot draw plus (probs - probs.detach()): the draw's values, the gradient of probs."""
        probs = self.probs
        return self.sample(sample_shape) + (probs - probs.detach())
