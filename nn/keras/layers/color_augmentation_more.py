"""Keras's colour augmentation layers RandomColorDegeneration, RandomSaturation, RandomHue, RandomSharpness,
RandomPosterization and RandomColorJitter.

As Keras's, each has `get_random_transformation(images)` (the random values, one per image, Keras's own: keras.random
draws seeded by the layer's SeedGenerator, in Keras's order and shapes) and `transform_images(images, transformation, training=True)` (the
deterministic part, which takes the same dict Keras's does, as NumPy or tensors), so one transformation can be
replayed exactly. A direct call counts as training (Keras's default); predict and evaluate pass images through.
"""
import numpy as np

import autograd as ag
from autograd import Tensor

from .. import ops
from .. import random as keras_random
from .augmentation import host_draws, keras_uniform
from .color_augmentation import _base_factor, _ColorLayer, _value_range, rescale

_EPSILON = 1e-7   # keras.config.epsilon(), as RandomSaturation adds it


def _tensor(value, images):
    """A transformation value as a float tensor on the images' device."""
    if isinstance(value, Tensor):
        return value
    return ag.tensor(np.asarray(value), device=images.device)


class _TransformLayer(_ColorLayer):
    """A colour layer split as Keras's: a random transformation, then a deterministic transform."""

    def transform(self, images, training):
        if not training:
            return self.transform_images(images, None, training=False)
        return self.transform_images(images, self.get_random_transformation(images), training=True)

    def get_random_transformation(self, images, training=True, seed=None):
        """The random values of one call on `images` (a batch or one image), as a dict of tensors."""
        n = images.shape[0] if images.ndim == 4 else 1
        return {"factor": host_draws(self, images, lambda: self._draw(n), seed)}

    def _draw(self, n):
        return keras_uniform(self, (n,), self.factor[0], self.factor[1])

    def _batch(self, images, transformation):
        images = images if isinstance(images, Tensor) else ag.tensor(np.asarray(images))
        single = images.ndim == 3
        images = images.unsqueeze(0) if single else images
        factor = _tensor(transformation["factor"], images).float() if transformation is not None else None
        return self._float(images), factor, single

    def get_config(self):
        """Keras's: data_format, factor, value_range and seed."""
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}


class RandomColorDegeneration(_TransformLayer):
    """Blends each image toward its grayscale version by a random factor in `factor` (0 keeps it, 1 makes it
    gray), clipped to value_range."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        self.factor = _base_factor(factor, (-1, 1))
        self.value_range = _value_range(value_range)

    def transform_images(self, images, transformation=None, training=True):
        """images + factor * (grayscale - images), clipped to value_range."""
        if not training:
            return images
        images, factor, single = self._batch(images, transformation)
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        out = ag.clamp(images + factor.reshape(-1, 1, 1, 1) * (gray - images), *self.value_range)
        return out.squeeze(0) if single else out

    def compute_output_shape(self, input_shape):
        """The input shape; images must have 3 channels."""
        if len(input_shape) not in (3, 4):
            raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
                             f"Received: input_shape={input_shape}")
        channels = input_shape[-1 if self.data_format == "channels_last" else -3]
        if channels is not None and channels != 3:
            raise ValueError(f"Input images must have 3 channels, but received images with {channels} channels.")
        return input_shape


def _hsv_channel(images, data_format, index, fn):
    """images (HSV) with channel `index` replaced by fn(channel)."""
    axis = -1 if data_format == "channels_last" else 1
    channels = [images.select(axis, c) for c in range(3)]
    channels[index] = fn(channels[index])
    return ag.stack(channels, dim=axis)


class RandomSaturation(_TransformLayer):
    """Scales each image's HSV saturation by f / (1 - f) for a random f in `factor` (as Keras, on the raw
    values: Keras does not rescale to [0, 1] first), clipped to value_range."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        self.factor = _base_factor(factor, (-1, 1))
        self.value_range = _value_range(value_range)

    def get_random_transformation(self, images, training=True, seed=None):
        """{'factor': f / (1 - f + epsilon)} for one uniform f per image."""
        n = images.shape[0] if images.ndim == 4 else 1
        def draw():
            f = self._draw(n)
            return f / (1 - f + _EPSILON)
        return {"factor": host_draws(self, images, draw, seed)}

    def transform_images(self, images, transformation=None, training=True):
        """Saturation times factor, clipped to value_range, back to RGB."""
        if not training:
            return images
        images, factor, single = self._batch(images, transformation)
        hsv = ops.image.rgb_to_hsv(images, data_format=self.data_format)
        out = _hsv_channel(hsv, self.data_format, 1,
                           lambda s: ag.clamp(s * factor.reshape(-1, 1, 1), *self.value_range))
        out = ops.image.hsv_to_rgb(out, data_format=self.data_format)
        return out.squeeze(0) if single else out


class RandomHue(_TransformLayer):
    """Shifts each image's hue by half a random factor in `factor` ([0, 1]) with a random sign, wrapping around."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        self.factor = _base_factor(factor, (0, 1))
        self.value_range = value_range

    def get_random_transformation(self, images, training=True, seed=None):
        """{'factor': sign * f * 0.5}, the sign negative with probability 1/2."""
        n = images.shape[0] if images.ndim == 4 else 1

        def draw():
            sign = np.where(keras_uniform(self, (n,), 0, 1) > 0.5, np.float32(-1), np.float32(1))
            return sign * self._draw(n) * np.float32(0.5)
        return {"factor": host_draws(self, images, draw, seed)}

    def transform_images(self, images, transformation=None, training=True):
        """Hue plus factor (wrapped into [0, 1]) on images rescaled to [0, 1], clipped and scaled back."""
        if not training:
            return images
        images, factor, single = self._batch(images, transformation)
        images = rescale(images, self.value_range, (0, 1))
        hsv = ops.image.rgb_to_hsv(images, data_format=self.data_format)

        def shift(h):
            h = h + factor.reshape(-1, 1, 1)
            h = ag.where(h > 1.0, h - 1.0, h)
            return ag.where(h < 0.0, h + 1.0, h)
        out = ops.image.hsv_to_rgb(_hsv_channel(hsv, self.data_format, 0, shift), data_format=self.data_format)
        out = rescale(ag.clamp(out, 0, 1), (0, 1), self.value_range)
        return out.squeeze(0) if single else out

    def get_config(self):
        """Keras's: data_format, factor, value_range and seed."""
        return {**super().get_config(), "value_range": self.value_range}


class RandomSharpness(_TransformLayer):
    """Blends each image with a 3x3 smoothed copy: sharper for a random factor in `factor` ([0, 1]) above 0.5,
    blurrier below; clipped to value_range."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        self.factor = _base_factor(factor, (0, 1))
        self.value_range = _value_range(value_range)

    def transform_images(self, images, transformation=None, training=True):
        """images + (1 - 2 factor) * (smoothed - images), clipped to value_range."""
        images = images if isinstance(images, Tensor) else ag.tensor(np.asarray(images))
        images = self._float(images)
        if not training:
            return images
        images, factor, single = self._batch(images, transformation)
        x = images if self.data_format == "channels_last" else images.swapaxes(-3, -1)
        a, b = 1.0 / 13.0, 5.0 / 13.0
        kernel = np.tile(np.array([[a, a, a], [a, b, a], [a, a, a]], np.float32).reshape(3, 3, 1, 1),
                         (1, 1, x.shape[-1], 1))
        smoothed = ops.depthwise_conv(x, ag.tensor(kernel, device=x.device), strides=1, padding="same",
                                      data_format="channels_last")
        out = ag.clamp(x + (1.0 - factor * 2).reshape(-1, 1, 1, 1) * (smoothed - x), *self.value_range)
        out = out if self.data_format == "channels_last" else out.swapaxes(-3, -1)
        return out.squeeze(0) if single else out


class RandomPosterization(_TransformLayer):
    """Keeps a random number of high bits (an integer in `factor`, within [1, 8]) of each image's 8-bit values."""

    _MAX_FACTOR = 8

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        self.factor = _base_factor(factor, (1, 8))
        self.value_range = _value_range(value_range)

    def get_random_transformation(self, images, training=True, seed=None):
        """{'shift_factor': 8 - bits}, bits an integer in [factor[0], factor[1]) (factor[0] when they are equal)."""
        n = images.shape[0] if images.ndim == 4 else 1

        def draw():
            low, high = int(self.factor[0]), int(self.factor[1])
            bits = keras_random.randint((n,), low, high, dtype="int64", seed=self.generator).numpy() \
                if low != high else np.full(n, low)
            return (self._MAX_FACTOR - bits).astype(np.uint8)
        return {"shift_factor": host_draws(self, images, draw, seed)}

    def transform_images(self, images, transformation=None, training=True):
        """The values on a 0-255 scale, truncated to uint8, their low shift_factor bits cleared, scaled back."""
        if not training:
            return images
        images = images if isinstance(images, Tensor) else ag.tensor(np.asarray(images))
        single = images.ndim == 3
        images = self._float(images.unsqueeze(0) if single else images)
        shift = _tensor(transformation["shift_factor"], images)
        scaled = rescale(images, self.value_range, (0, 255)).astype(np.uint8).astype(np.int64)
        step = (2 ** shift.astype(np.int64)).reshape(-1, 1, 1, 1)
        out = rescale((scaled // step * step).astype(np.float32), (0, 255), self.value_range)
        return out.squeeze(0) if single else out


class RandomColorJitter(_ColorLayer):
    """RandomBrightness, RandomContrast, RandomSaturation and RandomHue in that order, each present when its
    factor is given; all share value_range and seed."""

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None, saturation_factor=None,
                 hue_factor=None, seed=None, data_format=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        from .augmentation import RandomContrast
        from .color_augmentation import RandomBrightness
        self.value_range = value_range
        self.brightness_factor, self.contrast_factor = brightness_factor, contrast_factor
        self.saturation_factor, self.hue_factor = saturation_factor, hue_factor
        make = [(brightness_factor, RandomBrightness), (contrast_factor, RandomContrast),
                (saturation_factor, RandomSaturation), (hue_factor, RandomHue)]
        self._steps = [cls(factor=factor, value_range=value_range, seed=seed) for factor, cls in make
                       if factor is not None]
        for step in self._steps:   # as Keras's, every step draws from the jitter's own SeedGenerator
            step.generator = self.generator

    def transform(self, images, training):
        images = self._float(images)
        if not training:
            return images
        for step in self._steps:
            images = step.transform(images, True) if isinstance(step, _ColorLayer) else step.transform(images)
        return images

    def get_config(self):
        """Keras's: data_format, value_range, the four factors and seed."""
        return {**super().get_config(), "value_range": self.value_range,
                "brightness_factor": self.brightness_factor, "contrast_factor": self.contrast_factor,
                "saturation_factor": self.saturation_factor, "hue_factor": self.hue_factor, "seed": self.seed}
