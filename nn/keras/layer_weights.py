"""The tensors Keras layers create with add_weight: a trainable Parameter or a non-trainable state tensor that
also carry Keras's `name` ('kernel', 'moving_mean', ...) and `path` ('<layer name>/<weight name>')."""
from autograd import Tensor, arrays

from ..module import Parameter


class LayerWeight(Parameter):
    """A trainable layer weight with Keras's `name` and `path`, and the `constraint` (or None) the optimizer
    applies to it after each step."""

    __slots__ = ("name", "path", "constraint")

    def __init__(self, data, name, path, constraint=None):
        super().__init__(data)
        self.name, self.path, self.constraint = name, path, constraint

    @property
    def value(self):
        """The weight itself (Keras's torch backend exposes the tensor as `variable.value`, e.g. in
        `[v.value.grad for v in model.trainable_weights]`)."""
        return self


class LayerState(Tensor):
    """A non-trainable layer weight (a buffer such as a moving mean) with Keras's `name` and `path`."""

    __slots__ = ("name", "path")

    def __init__(self, data, name, path):
        Tensor.__init__(self, arrays.array(data), device=data.device)
        self.name, self.path = name, path

    @property
    def value(self):
        """The weight itself (Keras's `variable.value`)."""
        return self
