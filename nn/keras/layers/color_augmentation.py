"""Keras's colour augmentation layers: RandomGrayscale, RandomBrightness, RandomInvert, Solarization and
AutoContrast.

As Keras's image preprocessing layers, they take (N, H, W, C) batches or one (H, W, C) image, and a call
without `training=` outside fit/predict counts as training (Keras's `call(data, training=True)` default);
predict and evaluate pass inputs through (AutoContrast, which is not random, always applies). Random values
are Keras's: keras.random draws seeded by the layer's SeedGenerator, in Keras's order, shapes and dtypes, one per
image, so a seeded layer (or an unseeded one after keras.utils.set_random_seed) gives Keras's images."""

import autograd as ag

from .. import ops
from ..layer import Layer
from .augmentation import TrainingByDefault, give_seed_generator, host_draws, keras_uniform
from .augmentation import base_factor as _base_factor
from .conv import _data_format

_VALUE_RANGE_ERROR = "The `value_range` argument should be a list of two numbers. "


def _value_range(value_range):
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(_VALUE_RANGE_ERROR + f"Received: value_range={value_range}")
    return sorted(value_range)


def rescale(images, original, target):
    """Images mapped linearly from the value range `original` to `target` (Keras's _transform_value_range)."""
    if original[0] == target[0] and original[1] == target[1]:
        return images
    return (images - original[0]) / (original[1] - original[0]) * (target[1] - target[0]) + target[0]


class _ColorLayer(TrainingByDefault, Layer):
    """Shared call of the colour layers: `transform(batch, training)` on a batch (one image gets a batch axis)."""

    _RANDOM = True   # whether Keras's counterpart draws (and so owns a SeedGenerator)

    def __init__(self, data_format=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.seed = seed
        # Keras's random colour layers make a SeedGenerator (drawing a default seed) when made; AutoContrast none
        if self._RANDOM:
            give_seed_generator(self, seed)

    def call(self, inputs, training=True):
        if inputs.ndim not in (3, 4):
            raise ValueError(f"Expected the input image to be rank 3 or 4. Received inputs.shape={tuple(inputs.shape)}")
        single = inputs.ndim == 3
        images = inputs.unsqueeze(0) if single else inputs
        out = self.transform(images, bool(training))
        return out.squeeze(0) if single else out

    def _uniform(self, images, low, high, dtype=None):
        """One uniform draw in [low, high) per image, shaped (N, 1, 1, 1), on the images' device: Keras's draw
        from the layer's SeedGenerator (float32 unless `dtype`)."""
        n = images.shape[0]
        return host_draws(self, images, lambda: keras_uniform(self, (n, 1, 1, 1), low, high, dtype))

    def _float(self, images):
        return images if images.is_floating_point() else images.float()

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        """The base config and data_format, as Keras's image preprocessing layers."""
        return {**super().get_config(), "data_format": self.data_format}


class RandomGrayscale(_ColorLayer):
    """Turns each image to grayscale (kept in all channels) with probability `factor`."""

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        if factor < 0 or factor > 1:
            raise ValueError(f"`factor` should be between 0 and 1. Received: factor={factor}")
        self.factor = factor

    def transform(self, images, training):
        # Keras draws the (N,) uniforms on every call, in inference too, so its generator advances there as well
        apply = self._uniform(images, 0, 1) < self.factor
        if not training:
            return images
        channel_axis = -1 if self.data_format == "channels_last" else -3
        if images.shape[channel_axis] not in (1, 3):
            raise ValueError("Invalid channel size: expected 3 (RGB) or 1 (Grayscale). "
                             f"Received input with shape: images.shape={tuple(images.shape)}")
        if images.shape[channel_axis] == 1:
            return images
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        return ag.where(apply, gray, images)

    def get_config(self):
        """Keras's: data_format and factor."""
        return {**super().get_config(), "factor": self.factor}


class RandomBrightness(_ColorLayer):
    """Adds one value in factor * (value_range width) to each image, clipped to value_range."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(kwargs.pop("data_format", None), seed, **kwargs)
        self.factor = _base_factor(factor, (-1, 1))
        self.value_range = _value_range(value_range)

    def transform(self, images, training):
        if not training:
            return images
        low, high = self.value_range
        delta = (self._uniform(images, *self.factor) * (high - low)).to(images.dtype)
        return ag.clamp(images + delta, low, high)

    def get_config(self):
        """Keras's: factor as (lower, upper), value_range, seed."""
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}


class RandomInvert(_ColorLayer):
    """Replaces each image x by value_range[1] - x with a probability drawn from `factor` (a range in [0, 1])."""

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        self.factor = _base_factor(factor, (0, 1))
        self.value_range = value_range

    def transform(self, images, training):
        if not training:
            return images
        images = self._float(images)
        n = images.shape[0]

        def draw():   # Keras's: n probabilities in factor, then n uniform thresholds
            probability = keras_uniform(self, (n,), self.factor[0], self.factor[1])
            return (keras_uniform(self, (n,), 0, 1) < probability).reshape(n, 1, 1, 1)
        apply = host_draws(self, images, draw)
        return ag.where(apply, self.value_range[1] - images, images)

    def get_config(self):
        """Keras's: factor, value_range, seed."""
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}


def _solarization_factor(factor, name):
    message = ("The `addition_factor` and `threshold_factor` arguments should be a number (or a list of two "
               "numbers) in the range [0, 1]. ")
    values = factor if isinstance(factor, (tuple, list)) else None
    if values is not None and len(values) != 2 or values is None and not isinstance(factor, (int, float)):
        raise ValueError(message + f"Received: {name}={factor}")
    for value in (values or [factor]):
        if value > 1.0 or value < 0:
            raise ValueError(message + f"Received: input_number={value}")
    return tuple(sorted(values)) if values is not None else (0, factor)


class Solarization(_ColorLayer):
    """Adds a random amount to each image (on a 0-255 scale, clipped) and inverts the values at or above a
    random threshold, drawn as Keras draws them (uniform(lower, upper * 255))."""

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(kwargs.pop("data_format", None), seed, **kwargs)
        self.addition_factor = _solarization_factor(addition_factor, "addition_factor")
        self.threshold_factor = _solarization_factor(threshold_factor, "threshold_factor")
        self.value_range = _value_range(value_range)

    def transform(self, images, training):
        images = self._float(images)
        if not training:
            return images
        dtype = self.compute_dtype
        additions = self._uniform(images, self.addition_factor[0], self.addition_factor[1] * 255, dtype)
        thresholds = self._uniform(images, self.threshold_factor[0], self.threshold_factor[1] * 255, dtype)
        results = ag.clamp(rescale(images, self.value_range, (0, 255)) + additions, 0, 255)
        results = ag.where(results < thresholds, results, 255 - results)
        return rescale(results, (0, 255), self.value_range)

    def get_config(self):
        """Keras's: value_range, addition_factor, threshold_factor, seed."""
        return {**super().get_config(), "value_range": self.value_range, "addition_factor": self.addition_factor,
                "threshold_factor": self.threshold_factor, "seed": self.seed}


class AutoContrast(_ColorLayer):
    """Stretches each image so its minimum over height and width maps to value_range[0] and its maximum to
    value_range[1] (per channel); a constant image stays as it is."""

    _RANDOM = False

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(kwargs.pop("data_format", None), None, **kwargs)
        self.value_range = _value_range(value_range)

    def transform(self, images, training):
        original = images
        images = self._float(rescale(self._float(images), self.value_range, (0, 255)))
        low = images.amin(dim=(1, 2), keepdim=True)
        high = images.amax(dim=(1, 2), keepdim=True)
        scale = 255.0 / (high - low)
        results = ag.clamp(images * scale + (-low * scale), 0.0, 255.0)
        results = rescale(results, (0, 255), self.value_range)
        # Keras compares with the images already cast to float, so integer images come back as float32 too
        return ag.where(ag.isnan(results), self._float(original), results)

    def get_config(self):
        """Keras's: data_format and value_range."""
        return {**super().get_config(), "value_range": self.value_range}
