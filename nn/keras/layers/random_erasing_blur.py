"""Keras's RandomErasing, RandomGaussianBlur and RandomShear.

As Keras's, each has `get_random_transformation(images)` (random values drawn as Keras's own: keras.random draws
seeded by the layer's SeedGenerator, in Keras's order, shapes and dtypes; None outside training) and `transform_images(images, transformation, training=True)`
(deterministic; it takes the dict Keras's does, as NumPy or tensors), so a transformation can be replayed
exactly. A direct call counts as training (Keras's default); predict and evaluate pass images through.
"""
import numpy as np

import autograd as ag
from autograd import Tensor

from ... import functional as F
from ...functional.affine_warp import affine_transform
from .. import ops
from .. import random as keras_random
from .augmentation import host_draws, host_values, keras_uniform
from .color_augmentation import _base_factor, _ColorLayer


def _tensor(value, images):
    return value if isinstance(value, Tensor) else ag.tensor(np.asarray(value), device=images.device)


def _named_factor(factor, name, bounds=(0, 1)):
    """Keras's _set_factor_by_name: x -> (max(-|x|, low), |x|), a pair sorted, with its error message."""
    message = (f"The `{name}` argument should be a number (or a list of two numbers) in the range "
               f"[{bounds[0]}, {bounds[1]}]. Received: factor={factor}")
    try:
        return _base_factor(factor, bounds)
    except ValueError:
        raise ValueError(message) from None


class _ReplayLayer(_ColorLayer):
    """A random image layer split as Keras's into a random transformation and a deterministic transform."""

    def transform(self, images, training):
        transformation = self.get_random_transformation(images, training=training)
        return self.transform_images(images, transformation, training=training)

    def _batched(self, images):
        images = images if isinstance(images, Tensor) else ag.tensor(np.asarray(images))
        single = images.ndim == 3
        return self._float(images.unsqueeze(0) if single else images), single

    def _hw(self, images):
        return images.shape[-3:-1] if self.data_format == "channels_last" else images.shape[-2:]

    def _apply_draw(self, n):
        """Keras's per-image coin: uniform(0, 1) < a probability drawn uniformly from `factor`."""
        probability = keras_uniform(self, (n,), self.factor[0], self.factor[1])
        return keras_uniform(self, (n,), 0.0, 1.0) < probability


class RandomErasing(_ReplayLayer):
    """Replaces a random box of each chosen image (chosen with a probability drawn from `factor`) by
    `fill_value`, or by Gaussian noise times value_range[1] when it is None (clipped to value_range). Each box
    side is sqrt(s) of the image side for s drawn from `scale`."""

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        self.factor = _base_factor(factor, (0, 1))
        self.scale = _named_factor(scale, "scale")
        self.fill_value, self.value_range = fill_value, value_range

    def get_random_transformation(self, images, training=True, seed=None):
        """{'apply_erasing': (N,) bool, 'batch_masks': bool mask shaped as the batch, 'fill_value': values}."""
        if not training:
            return None
        images, _ = self._batched(images)
        n, (height, width) = images.shape[0], self._hw(images)
        channels_last = self.data_format == "channels_last"
        dtype = self.compute_dtype

        def bounds(length, ratio):
            crop = ratio * np.float32(length)
            start = keras_uniform(self, (n,), 0, 1, dtype) * (np.float32(length) - crop)
            return start, start + crop

        def masks():   # Keras's draws: the (n, 2) box scales, the x starts, then the y starts
            weight = np.sqrt(keras_uniform(self, (n, 2), self.scale[0], self.scale[1], dtype))
            (x0, x1), (y0, y1) = bounds(width, weight[:, 0]), bounds(height, weight[:, 1])
            grid_y, grid_x = np.meshgrid(np.arange(height, dtype=np.float32), np.arange(width, dtype=np.float32),
                                         indexing="ij")
            grid_y, grid_x = (g[None, :, :, None] if channels_last else g[None, None] for g in (grid_y, grid_x))
            x0, x1, y0, y1 = (v[:, None, None, None] for v in (x0, x1, y0, y1))
            mask = (grid_x >= x0) & (grid_x < x1) & (grid_y >= y0) & (grid_y < y1)
            return np.broadcast_to(mask, images.shape).copy()
        batch_masks = host_draws(self, images, masks, seed)
        apply = host_draws(self, images, lambda: self._apply_draw(n), seed)
        if self.fill_value is not None and not isinstance(self.fill_value, (int, float)) and not (
                isinstance(self.fill_value, (tuple, list)) and len(self.fill_value) == 3):
            raise ValueError("The `fill_value` argument should be a number (or a list of three numbers) ")
        if self.fill_value is None:
            fill = host_draws(self, images, lambda: host_values(keras_random.normal(tuple(images.shape), dtype=dtype,
                                                                                    seed=self.generator)),
                              seed) * self.value_range[1]
        else:
            fill = ag.zeros(images.shape, device=images.device) + ag.tensor(
                np.asarray(self.fill_value, np.float32), device=images.device)
        fill = ag.clamp(fill, self.value_range[0], self.value_range[1])
        return {"apply_erasing": apply, "batch_masks": batch_masks, "fill_value": fill}

    def transform_images(self, images, transformation=None, training=True):
        """The fill values inside each chosen image's box, the image elsewhere."""
        images, single = self._batched(images)
        if training:
            masks = _tensor(transformation["batch_masks"], images)
            apply = _tensor(transformation["apply_erasing"], images).reshape(-1, 1, 1, 1)
            erased = ag.where(masks, _tensor(transformation["fill_value"], images).float(), images)
            images = ag.where(apply, erased, images)
        images = images.astype(np.dtype(self.compute_dtype))   # as Keras's, under a mixed policy too
        return images.squeeze(0) if single else images

    def get_config(self):
        """Keras's: data_format, factor, scale, fill_value, value_range, seed."""
        return {**super().get_config(), "factor": self.factor, "scale": self.scale, "fill_value": self.fill_value,
                "value_range": self.value_range, "seed": self.seed}


def _kernel_size(value, name):
    message = f"{name} must be an odd number. Received: {name}={value}"
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"The `{name}` argument should be a number (or a list of two numbers) "
                             f"Received: {name}={value}")
        if value[0] % 2 == 0 or value[1] % 2 == 0:
            raise ValueError(message)
        return tuple(value)
    if isinstance(value, (int, float)):
        if value % 2 == 0:
            raise ValueError(message)
        return (value, value)
    raise ValueError(message)


def _gaussian_kernel(size, sigma):
    """Keras's normalised 1-D Gaussian of `size` taps for a (scalar) sigma tensor."""
    grid = ag.arange(size, dtype=sigma.dtype, device=sigma.device) - (size - 1) / 2   # in sigma's dtype, as Keras
    kernel = ag.exp(-0.5 * (grid / sigma) ** 2)
    return kernel / kernel.sum()


class RandomGaussianBlur(_ReplayLayer):
    """Blurs each chosen image (chosen with a probability drawn from `factor`) with a Gaussian of kernel_size
    and a sigma pair drawn from `sigma` (one pair per batch, as Keras), clipped to value_range."""

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None, seed=None,
                 **kwargs):
        super().__init__(data_format, seed, **kwargs)
        self.factor = _base_factor(factor, (0, 1))
        self.kernel_size = _kernel_size(kernel_size, "kernel_size")
        self.sigma = _named_factor(sigma, "sigma")
        self.value_range = value_range

    def get_random_transformation(self, images, training=True, seed=None):
        """{'should_apply_blur': (N,) bool, 'blur_factor': (2,) sigmas}."""
        if not training:
            return None
        images, _ = self._batched(images)
        n = images.shape[0]
        apply = host_draws(self, images, lambda: self._apply_draw(n), seed)
        sigma = host_draws(self, images, lambda: keras_uniform(self, (2,), self.sigma[0], self.sigma[1],
                                                               self.compute_dtype) + np.float32(1e-6), seed)
        return {"should_apply_blur": apply, "blur_factor": sigma}

    def transform_images(self, images, transformation=None, training=True):
        """Each chosen image convolved per channel with the Gaussian (zero padding), clipped to value_range."""
        images, single = self._batched(images)
        if training and transformation is not None:
            sigma = _tensor(transformation["blur_factor"], images).to(images.dtype)   # the compute dtype, as Keras
            kh, kw = (int(k) for k in self.kernel_size)
            kernel = _gaussian_kernel(kw, sigma[1]).reshape(kw, 1) * _gaussian_kernel(kh, sigma[0]).reshape(1, kh)
            x = images.permute(0, 3, 1, 2) if self.data_format == "channels_last" else images
            channels = x.shape[1]
            weight = kernel.reshape(1, 1, kh, kw).expand(channels, 1, kh, kw)
            blurred = F.conv2d(x, weight, None, 1, kh // 2, 1, channels)
            blurred = blurred.permute(0, 2, 3, 1) if self.data_format == "channels_last" else blurred
            apply = _tensor(transformation["should_apply_blur"], images).reshape(-1, 1, 1, 1)
            images = ag.clamp(ag.where(apply, blurred, images), self.value_range[0], self.value_range[1])
        return images.squeeze(0) if single else images

    def get_config(self):
        """Keras's: data_format, factor, kernel_size, sigma, value_range, seed."""
        return {**super().get_config(), "factor": self.factor, "kernel_size": self.kernel_size, "sigma": self.sigma,
                "value_range": self.value_range, "seed": self.seed}


_SHEAR_ERROR = "The `factor` argument should be a number (or a list of two numbers) in the range [0, 1.0]. "
_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_INTERPOLATIONS = ("nearest", "bilinear")


def _shear_factor(factor, name):
    values = factor if isinstance(factor, (tuple, list)) else [factor]
    if isinstance(factor, (tuple, list)) and len(factor) != 2 or not all(isinstance(v, (int, float))
                                                                           for v in values):
        raise ValueError(_SHEAR_ERROR + f"Received: {name}={factor}")
    if len(values) == 2 and values[0] == -values[1] and values[1] <= 1.0:
        # the (-x, x) get_config writes, which Keras itself cannot load back: accepted so configs round-trip
        return tuple(values)
    for value in values:
        if value > 1.0 or value < 0.0:
            raise ValueError(_SHEAR_ERROR + f"Received: input_number={value}")
    return tuple(sorted(factor)) if isinstance(factor, (tuple, list)) else (-abs(factor), abs(factor))


class RandomShear(_ReplayLayer):
    """Shears each image about its top-left corner: output (x, y) reads input (x + sx * y, sy * x + y), with
    sx from x_factor and sy from y_factor and one random sign per image, through Keras's fill modes."""

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 data_format=None, seed=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        self.x_factor = _shear_factor(x_factor, "x_factor")
        self.y_factor = _shear_factor(y_factor, "y_factor")
        if fill_mode not in _FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one {_FILL_MODES}.")
        if interpolation not in _INTERPOLATIONS:
            raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of one {_INTERPOLATIONS}.")
        self.fill_mode, self.fill_value, self.interpolation = fill_mode, fill_value, interpolation

    def get_random_transformation(self, images, training=True, seed=None):
        """{'shear_factor': (N, 2) (sx, sy) times a random sign per image, 'input_shape'}."""
        if not training:
            return None
        n = images.shape[0] if images.ndim == 4 else 1

        def draw():   # Keras's order: the signs, the y shears, then the x shears
            dtype = self.compute_dtype
            sign = keras_uniform(self, (n, 1), 0, 1, dtype)
            sign = np.where(sign > 0.5, -np.ones_like(sign), np.ones_like(sign))
            shear_y = keras_uniform(self, (n, 1), self.y_factor[0], self.y_factor[1], dtype)
            shear_x = keras_uniform(self, (n, 1), self.x_factor[0], self.x_factor[1], dtype)
            return np.concatenate([shear_x, shear_y], axis=1) * sign
        return {"shear_factor": host_draws(self, images, draw, seed), "input_shape": tuple(images.shape)}

    def transform_images(self, images, transformation=None, training=True):
        """The images resampled through the shear matrices [1, sx, 0, sy, 1, 0, 0, 0]."""
        images, single = self._batched(images)
        if training and transformation is not None:
            shear = _tensor(transformation["shear_factor"], images).float()
            n = shear.shape[0]
            ones, zeros = ag.ones((n,), device=images.device), ag.zeros((n,), device=images.device)
            matrix = ag.stack([ones, shear[:, 0], zeros, shear[:, 1], ones, zeros, zeros, zeros], dim=1)
            if self.interpolation == "nearest":   # keras.ops' warp rounds ties to even, as Keras's does
                images = ops.image.affine_transform(images, matrix, interpolation="nearest", fill_mode=self.fill_mode,
                                                    fill_value=self.fill_value, data_format=self.data_format)
            else:   # the functional warp builds its grid as an op: an ag.jit replay follows each new draw
                x = images if self.data_format == "channels_last" else images.permute(0, 2, 3, 1)
                x = affine_transform(x, matrix, "bilinear", self.fill_mode, self.fill_value)
                images = x if self.data_format == "channels_last" else x.permute(0, 3, 1, 2)
        return images.squeeze(0) if single else images

    def get_config(self):
        """Keras's: x_factor, y_factor, fill_mode, interpolation, seed, fill_value, data_format."""
        return {**super().get_config(), "x_factor": self.x_factor, "y_factor": self.y_factor,
                "fill_mode": self.fill_mode, "interpolation": self.interpolation, "seed": self.seed,
                "fill_value": self.fill_value}
