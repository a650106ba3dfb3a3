"""Keras's regularisation layers: GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D/2D/3D and
ActivityRegularization. The random ones act only in training (fit, or a call with training=True); in inference
they return their inputs unchanged. Each keeps a keras.random.SeedGenerator (seeded by `seed`, or by Python's
`random` as Keras's) and draws its noise with keras.random, so that it is Keras's."""
import math

from .. import random as keras_random
from ..layer import Layer
from ..regularizers import L1L2
from .conv import _data_format


def _rate(value, name, layer):
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{layer}: {name} must be a float in [0, 1], got {name}={value!r}")
    return value


class GaussianNoise(Layer):
    """In training, adds zero-mean normal noise of standard deviation `stddev`."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev, self.seed = _rate(stddev, "stddev", "GaussianNoise"), seed
        self.supports_masking = True
        if stddev > 0:
            self.seed_generator = keras_random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            return inputs + keras_random.normal(tuple(inputs.shape), 0.0, self.stddev, inputs.dtype,
                                                self.seed_generator)
        return inputs


class GaussianDropout(Layer):
    """In training, multiplies by normal noise of mean 1 and standard deviation sqrt(rate / (1 - rate))."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.seed = _rate(rate, "rate", "GaussianDropout"), seed
        self.supports_masking = True
        if rate > 0:
            self.seed_generator = keras_random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            return inputs * keras_random.normal(tuple(inputs.shape), 1.0, stddev, inputs.dtype, self.seed_generator)
        return inputs


class AlphaDropout(Layer):
    """In training, sets each value with probability `rate` to SELU's negative saturation value and then rescales
    and shifts so that the mean and variance of standardised inputs are kept (for SELU networks).
    noise_shape (None entries take the input's size) shares one draw along its axes of size 1."""

    _ALPHA_P = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.seed = _rate(rate, "rate", "AlphaDropout"), seed
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.supports_masking = True
        if rate > 0:
            self.seed_generator = keras_random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        shape = tuple(inputs.shape)
        if self.noise_shape is not None:
            if len(self.noise_shape) != inputs.ndim:
                raise ValueError(f"{self.name}: noise_shape {self.noise_shape} must have one entry per axis of the "
                                 f"inputs of shape {shape}")
            shape = tuple(n if s is None else s for s, n in zip(self.noise_shape, shape))
        keep = (keras_random.uniform(shape, seed=self.seed_generator) >= self.rate).to(inputs.dtype)
        a = ((1 - self.rate) * (1 + self.rate * self._ALPHA_P ** 2)) ** -0.5
        b = -a * self._ALPHA_P * self.rate
        return a * (inputs * keep + self._ALPHA_P * (1 - keep)) + b


class _SpatialDropout(Layer):
    """Dropout of whole feature maps: one draw per (sample, channel), shared over the spatial axes."""
    _count = 0

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):   # Keras's: no other arguments
        super().__init__(name=name, dtype=dtype)
        self.rate, self.seed = _rate(rate, "rate", type(self).__name__), seed
        self.data_format = _data_format(data_format)
        self.supports_masking = True
        if rate > 0:
            self.seed_generator = keras_random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        rank = self._count + 2
        if inputs.ndim != rank:
            raise ValueError(f"{self.name}: expects {rank}-D inputs (batch, {'spatial axes, ' * bool(self._count)}"
                             f"channels) (channels second with channels_first), got shape {tuple(inputs.shape)}")
        if not (training and self.rate > 0):
            return inputs
        channel = rank - 1 if self.data_format == "channels_last" else 1
        shape = [1] * rank
        shape[0], shape[channel] = inputs.shape[0], inputs.shape[channel]
        return keras_random.dropout(inputs, self.rate, tuple(shape), self.seed_generator)

    def get_config(self):
        """Keras's own short config: rate, seed, name and the variable dtype as a string (no 'trainable', no dtype
        policy), then data_format."""
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype,
                "data_format": self.data_format}


class SpatialDropout1D(_SpatialDropout):
    """In training, zeroes whole channels of (batch, steps, channels) with probability `rate` (the rest scaled by
    1 / (1 - rate))."""
    _init_input_spec = {"ndim": 3}
    _count = 1

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, None, seed, name, dtype)

    def get_config(self):
        config = super().get_config()
        config.pop("data_format")
        return config


class SpatialDropout2D(_SpatialDropout):
    """In training, zeroes whole feature maps of images with probability `rate` (the rest scaled by
    1 / (1 - rate))."""
    _init_input_spec = {"ndim": 4}
    _count = 2


class SpatialDropout3D(_SpatialDropout):
    """In training, zeroes whole 3-D feature maps with probability `rate` (the rest scaled by 1 / (1 - rate))."""
    _init_input_spec = {"ndim": 5}
    _count = 3


class ActivityRegularization(Layer):
    """Returns its inputs and adds l1 * sum(|x|) + l2 * sum(x^2), divided by the batch size, to the layer's
    losses (so fit adds it to the training loss)."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)
        for name, value in (("l1", l1), ("l2", l2)):
            if value is None or value < 0:   # as Keras's check
                raise ValueError(f"ActivityRegularization: invalid value for argument {name}: expected a non-negative "
                                 f"float, got {name}={value!r}")
        super().__init__(activity_regularizer=L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2
        self.supports_masking = True

    def get_config(self):
        """Keras's: the base entries without the activity_regularizer this layer makes itself, then l1 and l2."""
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}

    def call(self, inputs):
        return inputs
