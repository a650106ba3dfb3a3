"""The tensors Keras layers create with add_weight: a trainable Parameter or a non-trainable state tensor that
also carry Keras's `name` ('kernel', 'moving_mean', ...) and `path` ('<layer name>/<weight name>')."""
import numpy as np

import autograd as ag
from autograd import Tensor, arrays

from ..module import Parameter
from .context import in_shape_probe, stateless_scope
from .variable_registry import register
from .variable_arguments import checked_aggregation, checked_overwrite_flag
from .variables import Variable, keras_variable_repr


class _VariableMethods:
    """Keras's Variable API on a layer weight: assign, assign_add, assign_sub and numpy()."""

    __slots__ = ()

    def assign(self, value):
        """Overwrite the weight's values with `value` (same shape; an array, list, number or tensor, cast to
        the weight's dtype) outside the graph; returns the weight."""
        source = value.detach() if isinstance(value, Tensor) else ag.tensor(np.asarray(value), device=self.device)
        if tuple(source.shape) != tuple(self.shape):
            raise ValueError(f"{self.path}.assign: the value's shape {tuple(source.shape)} must match the variable's "
                             f"{tuple(self.shape)}")
        values = arrays.array(source.to(self.device).astype(Tensor.dtype.__get__(self)))
        if stateless_scope() is not None:   # the scope keeps the new value; graphs keep what they saved
            arrays.replace(self, values.copy())
        elif not in_shape_probe():   # a functional call's shape probe changes nothing (Keras: a stateless scope)
            arrays.assign_(self, values)
        return self

    def assign_add(self, value):
        """Add `value` to the weight in place (outside the graph); returns the weight."""
        return self.assign(self.detach() + value)

    def assign_sub(self, value):
        """Subtract `value` from the weight in place (outside the graph); returns the weight."""
        return self.assign(self.detach() - value)

    def numpy(self):
        """The weight's values as a NumPy array (a copy off the graph, as Keras's variable.numpy())."""
        return np.array(Tensor.numpy(self.detach()))   # a snapshot: later in-place updates do not reach it

    shape = property(lambda self: tuple(Tensor.shape.__get__(self)),
                     doc="The shape as a plain tuple, as Keras's variable.shape (a tensor's shape is a Size).")

    dtype = Variable.dtype

    #: Keras's variable setting that a layer weight always has so
    synchronization = "auto"

    # add_weight's settings, in the slots of LayerWeight and LayerState (Keras's defaults elsewhere)
    aggregation = property(lambda self: getattr(self, "_aggregation", "none"),
                           lambda self, value: setattr(self, "_aggregation", checked_aggregation(value)),
                           doc="Keras's multi-device aggregation setting: shown, with no effect on one device.")
    overwrite_with_gradient = property(
        lambda self: getattr(self, "_overwrite_with_gradient", False),
        lambda self, value: setattr(self, "_overwrite_with_gradient", checked_overwrite_flag(value)),
        doc="Whether the optimizer writes the gradient into the weight instead of taking a step, as Keras.")

    def __repr__(self):
        return keras_variable_repr(self)


class LayerWeight(_VariableMethods, Parameter):
    """A trainable layer weight with Keras's `name` and `path`, and the `constraint` (or None) the optimizer
    applies to it after each step."""

    __slots__ = ("name", "path", "constraint", "regularizer", "_aggregation", "_overwrite_with_gradient")

    def __init__(self, data, name, path, constraint=None, regularizer=None):
        super().__init__(data)
        self.name, self.path, self.constraint, self.regularizer = name, path, constraint, regularizer
        register(self)

    @property
    def value(self):
        """The weight itself (Keras's torch backend exposes the tensor as `variable.value`, e.g. in
        `[v.value.grad for v in model.trainable_weights]`)."""
        return self

    trainable = Variable.trainable


class LayerState(_VariableMethods, Tensor):
    """A non-trainable layer weight (a buffer such as a moving mean) with Keras's `name` and `path`."""

    __slots__ = ("name", "path", "constraint", "regularizer", "_aggregation", "_overwrite_with_gradient")

    def __init__(self, data, name, path, constraint=None, regularizer=None):
        Tensor.__init__(self, arrays.array(data), device=data.device)
        self.name, self.path, self.constraint, self.regularizer = name, path, constraint, regularizer
        register(self)

    @property
    def value(self):
        """The weight itself (Keras's `variable.value`)."""
        return self

    @property
    def trainable(self):
        """False: fit never updates a state weight (Keras's `variable.trainable`)."""
        return False


class CastWeight(_VariableMethods, Tensor):
    """A layer weight as a mixed-precision call reads it (autocast_scope.py): its values cast to the call's dtype,
    in the graph (the gradient reaches the weight in its own dtype), with the weight's `name` and `path`; `assign`
    and friends change the weight itself, and these values with it."""

    __slots__ = ("name", "path", "source", "synced")

    @classmethod
    def of(cls, weight, dtype):
        """`weight` cast to `dtype` as a CastWeight."""
        cast = weight.to(dtype)
        # a new cast takes the class in place (no alias node after the cast's own); the weight itself is aliased
        cast = cast.as_subclass(cls) if cast is weight else arrays.retyped(cast, cls)
        cast.name, cast.path, cast.source = getattr(weight, "name", None), getattr(weight, "path", None), weight
        cast.synced = cast._version
        return cast

    def assign(self, value):
        """Overwrite the weight's values with `value` (and these cast values with them); returns the weight."""
        self.source.assign(value)
        if in_shape_probe():
            return self.source
        with ag.no_grad():
            arrays.assign_(self, arrays.array(self.source.detach().to(Tensor.dtype.__get__(self))))
        self.synced = self._version
        return self.source

    def assign_add(self, value):
        """Add `value` to the weight in place; returns the weight."""
        return self.assign(self.source.detach() + value)

    def assign_sub(self, value):
        """Subtract `value` from the weight in place; returns the weight."""
        return self.assign(self.source.detach() - value)

    @property
    def value(self):
        """These cast values (Keras's `variable.value` inside an autocast scope)."""
        return self

    @property
    def trainable(self):
        """The weight's trainable flag."""
        return self.source.trainable
