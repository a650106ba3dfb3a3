"""Keras's UnitNormalization and GroupNormalization."""
import autograd as ag

from ... import functional as F
from .. import constraints
from ..autocast_scope import at_least_float32, in_compute_dtype
from ..input_spec import InputSpec
from ..layer import Layer
from autograd.errors import DimRangeError

from ..layer_config import keras_forms
from .normalization import cast_like


def _check_axes(axes, ndim, layer, shape):
    for axis in axes:
        if not -ndim <= axis < ndim:
            raise DimRangeError(f"{layer}: axis {axis} is out of range for inputs of shape {tuple(shape)} "
                             f"(valid axes: {-ndim}..{ndim - 1})")


class UnitNormalization(Layer):
    """Scales each vector along `axis` (an int or a list of axes) to unit L2 norm: x / ||x||, with the
    inverse norm capped at 1e12 so that zero vectors stay zero."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            axis = list(axis)
        elif not isinstance(axis, int):
            raise TypeError(f"UnitNormalization: axis must be an int or a list of ints, got {axis!r}")
        self.axis = axis
        self.supports_masking = True

    def call(self, inputs):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        _check_axes(axes, inputs.ndim, self.name, inputs.shape)
        inverse = (inputs * inputs).sum(dim=tuple(axes), keepdim=True).rsqrt()
        # the cap is inf in float16 (as Keras's 1e12 becomes there), without NumPy's overflow warning
        cap = 1e12 if ag.finfo(inverse.dtype).max >= 1e12 else float("inf")
        return inputs * ag.minimum(inverse, ag.full_like(inverse, cap))


class GroupNormalization(Layer):
    """Splits the channels (`axis`, default last) into `groups` groups (-1: one per channel) and normalises each
    group of each sample to zero mean and unit variance, then scales by gamma and shifts by beta (one per
    channel)."""

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(f"GroupNormalization: groups must be a positive int (or -1, one group per channel), "
                             f"got {groups!r}")
        self.groups, self.axis, self.epsilon, self.center, self.scale = groups, axis, epsilon, center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = constraints.get(beta_constraint), constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        _check_axes([self.axis], len(input_shape), self.name, input_shape)
        channels = input_shape[self.axis]
        if channels is None:
            raise ValueError(f"{self.name}: the channel axis {self.axis} must be known, got input shape "
                             f"{tuple(input_shape)}")
        groups = channels if self.groups == -1 else self.groups
        if channels % groups:
            raise ValueError(f"{self.name}: {channels} channels (axis {self.axis} of input shape "
                             f"{tuple(input_shape)}) cannot be split into {groups} equal groups; pick groups that "
                             "divide the channel count")
        self.groups = groups
        self.gamma = (self.add_weight((channels,), self.gamma_initializer, autocast=False,
                                      regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                      name="gamma") if self.scale else None)
        self.beta = (self.add_weight((channels,), self.beta_initializer, autocast=False,
                                     regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                     name="beta") if self.center else None)
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: channels})   # as Keras

    def call(self, inputs):
        _check_axes([self.axis], inputs.ndim, self.name, inputs.shape)
        axis = self.axis % inputs.ndim
        if axis == 0:
            raise ValueError(f"{self.name}: axis must not be the batch axis 0 (inputs of shape "
                             f"{tuple(inputs.shape)})")
        x = at_least_float32(inputs).movedim(axis, 1)   # as Keras: 16-bit inputs are normalized in float32
        y = F.group_norm(x, self.groups, cast_like(self.gamma, x), cast_like(self.beta, x), eps=self.epsilon)
        return in_compute_dtype(self, y.movedim(1, axis))

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                **keras_forms({"beta_initializer": self.beta_initializer, "gamma_initializer": self.gamma_initializer,
                               "beta_regularizer": self.beta_regularizer, "gamma_regularizer": self.gamma_regularizer,
                               "beta_constraint": self.beta_constraint,
                               "gamma_constraint": self.gamma_constraint})}
