"""keras.regularizers.Regularizer, the base class of weight penalties (its own module so that the regularizers
kept in other files can subclass it without importing keras.regularizers)."""
import inspect

from autograd import Tensor

from .ops_args import convert_to_tensor


def as_weight(weight):
    """`weight` as a Tensor: Keras's regularizers take NumPy arrays and lists too (as keras.ops do)."""
    if isinstance(weight, Tensor):
        return weight
    return convert_to_tensor(weight)


class Regularizer:
    """Base class: `regularizer(weight)` -> a scalar Tensor."""

    def __call__(self, weight):
        raise TypeError(f"{type(self).__name__} does not define __call__(weight)")

    def get_config(self):
        """The constructor arguments (`type(regularizer)(**config)` makes an equal one) of a built-in regularizer;
        a subclass of the user's must define its own, as in Keras (NotImplementedError otherwise)."""
        if not type(self).__module__.startswith("nn.keras"):
            raise NotImplementedError(f"{self} does not implement get_config()")
        accepted = inspect.signature(type(self).__init__).parameters
        return {k: v for k, v in vars(self).items() if k in accepted}

    @classmethod
    def from_config(cls, config):
        """A regularizer made from get_config's dict."""
        return cls(**config)
