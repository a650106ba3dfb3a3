"""Keras's activation layers: LeakyReLU, PReLU, ELU, ReLU and Softmax (with its mask argument)."""
import autograd as ag
from autograd.errors import DimRangeError

from ... import functional as F
from .. import activations, constraints
from ..input_spec import InputSpec
from ..layer import Layer
from ..layer_config import keras_forms


def _non_negative(value, name, layer, allow_none=False):
    if value is None and allow_none:
        return None
    if value is None or value < 0:
        raise ValueError(f"{layer}: {name} must be a number >= 0, got {name}={value!r}")
    return value


class LeakyReLU(Layer):
    """x for x >= 0, negative_slope * x otherwise (`alpha=` is accepted as the old name of negative_slope)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = _non_negative(negative_slope, "negative_slope", "LeakyReLU")
        self.supports_masking = True

    def call(self, inputs):
        return F.leaky_relu(inputs, self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(Layer):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""

    def get_config(self):
        """Keras's: name, alpha, then trainable and dtype."""
        base = super().get_config()
        return {"name": base.pop("name"), "alpha": self.alpha, **base}

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self.supports_masking = True

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)


class ReLU(Layer):
    """max(x, 0) with Keras's options: values above max_value are capped, values below `threshold` become
    negative_slope * (x - threshold)."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _non_negative(max_value, "max_value", "ReLU", allow_none=True)
        self.negative_slope = _non_negative(negative_slope, "negative_slope", "ReLU")
        self.threshold = _non_negative(threshold, "threshold", "ReLU")
        self.supports_masking = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)


class PReLU(Layer):
    """x for x >= 0, alpha * x otherwise, with a learned `alpha` of the input's shape without the batch axis
    (size 1 along `shared_axes`, which share one slope)."""

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        if shared_axes is not None and not isinstance(shared_axes, (list, tuple)):
            shared_axes = [shared_axes]
        self.shared_axes = None if shared_axes is None else [int(a) for a in shared_axes]
        self.alpha_initializer, self.alpha_regularizer = alpha_initializer, alpha_regularizer
        self.alpha_constraint = constraints.get(alpha_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if not 1 <= axis <= len(shape):
                raise DimRangeError(f"{self.name}: shared_axes {self.shared_axes} must name axes 1..{len(shape)} of "
                                 f"inputs of shape {tuple(input_shape)}")
            shape[axis - 1] = 1
        if any(n is None for n in shape):
            raise ValueError(f"{self.name}: every non-shared axis must be known to size alpha, got input shape "
                             f"{tuple(input_shape)}; pass shared_axes for the axes of unknown size")
        self.alpha = self.add_weight(tuple(shape), self.alpha_initializer, regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint, name="alpha")
        # as Keras: the sizes are fixed only with shared_axes (else a wrong size fails in call, below)
        self.input_spec = InputSpec(ndim=len(input_shape), axes={i: input_shape[i] for i in range(1, len(input_shape))
                                                                 if self.shared_axes and i not in self.shared_axes})

    def call(self, inputs):
        if inputs.ndim != self.alpha.ndim + 1 or any(
                a != 1 and a != n for a, n in zip(self.alpha.shape, inputs.shape[1:])):
            raise ValueError(f"{self.name}: alpha has shape {tuple(self.alpha.shape)}, built for inputs "
                             f"(batch, {', '.join(map(str, self.alpha.shape))}), got shape {tuple(inputs.shape)}; "
                             "call the layer on inputs of the shape it was built for")
        return F.relu(inputs) - self.alpha * F.relu(-inputs)

    def get_config(self):
        return {**super().get_config(), **keras_forms({"alpha_initializer": self.alpha_initializer,
                                                       "alpha_regularizer": self.alpha_regularizer,
                                                       "alpha_constraint": self.alpha_constraint}),
                "shared_axes": self.shared_axes}


class Softmax(Layer):
    """exp(x) / sum(exp(x)) along `axis` (an int or a tuple of axes). With `mask` (broadcastable to the inputs,
    True or > 0.5 for the entries to keep) the masked entries get probability 0."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = mask if isinstance(mask, ag.Tensor) else ag.tensor(mask)
            if mask.ndim > inputs.ndim or any(m != 1 and m != n for m, n in zip(mask.shape[::-1],
                                                                                  inputs.shape[::-1])):
                raise ValueError(f"{self.name}: the mask of shape {tuple(mask.shape)} must broadcast to the inputs "
                                 f"of shape {tuple(inputs.shape)} (each mask axis 1 or equal to the input's)")
            if mask.dtype != ag.bool_:
                mask = mask > 0.5
            inputs = ag.where(mask, inputs, -1e9 if inputs.dtype != ag.float16 else -3e4)
        axes = self.axis if isinstance(self.axis, (tuple, list)) else [self.axis]
        if len(axes) == 1:
            outputs = activations.softmax(inputs, axis=axes[0])
        else:
            outputs = (inputs - ag.logsumexp(inputs, dim=tuple(axes), keepdim=True)).exp()
        if mask is not None:
            outputs = ag.where(mask, outputs, 0.0)
        return outputs
