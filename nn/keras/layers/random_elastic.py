"""keras.layers.RandomElasticTransform: each chosen image (with a probability drawn from `factor`) distorted by
ops.image.elastic_transform, its strength alpha = 0.1 s max(H, W) and smoothness sigma = 0.05 s min(H, W) for a
distortion s drawn from `scale` once per batch, then clipped to value_range. The coins and s come from the layer's
SeedGenerator and the displacement fields from the global stream, as Keras 3 draws them on its torch backend."""
import numpy as np

import autograd as ag
from autograd import Tensor

from .. import random as keras_random
from ..ops_elastic import elastic_transform
from .random_erasing_blur import _named_factor, _ReplayLayer
from .augmentation import base_factor

_INTERPOLATIONS = ("nearest", "bilinear")
_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


class RandomElasticTransform(_ReplayLayer):
    """Random elastic distortion of images, in `value_range`, with `interpolation` and `fill_mode` (and
    `fill_value` for 'constant') where the distortion reads outside the image."""

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        self.factor = base_factor(factor, (0, 1))
        self.scale = _named_factor(scale, "scale")
        self.interpolation, self.fill_mode, self.fill_value = interpolation, fill_mode, fill_value
        self.value_range = value_range
        if interpolation not in _INTERPOLATIONS:
            raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of one {_INTERPOLATIONS}.")
        if fill_mode not in _FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one {set(_FILL_MODES)}.")

    def get_random_transformation(self, images, training=True, seed=None):
        """{'apply_transform': (N,) bool, 'distortion_factor': a float32 scalar, 'seed': the generator}, or None
        outside training or when scale or factor is zero."""
        if not training or self.scale[1] == 0 or self.factor[1] == 0:
            return None
        images = images["images"] if isinstance(images, dict) else images
        n = 1 if len(images.shape) == 3 else int(images.shape[0])
        seed = seed or self.generator
        probability = keras_random.uniform((n,), self.factor[0], self.factor[1], seed=seed)
        threshold = keras_random.uniform((n,), 0.0, 1.0, seed=seed)
        distortion = keras_random.uniform((), self.scale[0], self.scale[1], seed=seed, dtype=self.compute_dtype)
        return {"apply_transform": threshold < probability, "distortion_factor": distortion, "seed": seed}

    def transform_images(self, images, transformation=None, training=True):
        """The chosen images distorted, all clipped to value_range."""
        images, single = self._batched(images)
        images = images.astype(np.dtype(self.compute_dtype))   # as Keras's base, before anything else
        if training and transformation is not None:
            images = self._distorted(images, transformation)
        return images.squeeze(0) if single else images

    def _distorted(self, images, transformation):
        height, width = self._hw(images)
        factor = np.float32(np.asarray(getattr(transformation["distortion_factor"], "numpy",
                                               lambda: transformation["distortion_factor"])()))
        alpha = np.float32(max(height, width)) * (np.float32(0.1) * factor)   # in float32, as Keras's tensors
        sigma = np.float32(min(height, width)) * (np.float32(0.05) * factor)
        moved = elastic_transform(images, alpha, sigma, self.interpolation, self.fill_mode, self.fill_value,
                                  data_format=self.data_format)
        apply = transformation["apply_transform"]
        apply = apply if isinstance(apply, Tensor) else ag.tensor(np.asarray(apply))
        images = ag.where(apply.reshape(-1, 1, 1, 1), moved, images)
        return ag.clamp(images, self.value_range[0], self.value_range[1]).astype(np.dtype(self.compute_dtype))

    def transform(self, images, training):
        return self.transform_images(images, self.get_random_transformation(images, training=training), training)

    def transform_labels(self, labels, transformation, training=True):
        """Labels unchanged."""
        return labels

    def get_config(self):
        """Keras's: data_format, factor, scale, interpolation, fill_mode, fill_value, value_range, seed."""
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                "value_range": self.value_range, "seed": self.seed}
