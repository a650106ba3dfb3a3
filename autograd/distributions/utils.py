"""torch.distributions.utils: the helpers distributions are written with (broadcast_all, probs/logits
conversions, clamp_probs, lazy_property, the lower triangle to and from a vector, euler_constant)."""
import functools

from .constrained import clamp_probs, logits_to_probs, probs_to_logits
from .distribution import broadcast_all, sum_rightmost
from .matrix_transforms import tril_matrix_to_vec, vec_to_tril_matrix

__all__ = ["broadcast_all", "clamp_probs", "euler_constant", "lazy_property", "logits_to_probs", "probs_to_logits",
           "sum_rightmost", "tril_matrix_to_vec", "vec_to_tril_matrix"]

euler_constant = 0.57721566490153286060    # Euler-Mascheroni constant


class lazy_property:
    """A property computed on first access and then stored on the instance (so later reads cost nothing);
    read on the class it is the descriptor itself."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        functools.update_wrapper(self, wrapped)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value
