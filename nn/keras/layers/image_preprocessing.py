"""Keras's image preprocessing layers that change an image's size: Resizing, CenterCrop and RandomCrop.

They take a batch (N, H, W, C) or one image (H, W, C) (channels first with data_format='channels_first').
Resizing keeps an integer dtype (rounding and saturating, as Keras); the crops return float32."""
import numpy as np

import autograd as ag
from autograd.errors import ArgumentKindError, ArgumentRangeError, DimRangeError

from ... import functional as F
from .. import random as keras_random
from ..autocast_scope import in_compute_dtype
from ..context import in_shape_probe
from ..layer import Layer
from .antialias import resize_antialiased
from .augmentation import TrainingByDefault, _config_says, host_draws, give_seed_generator, keras_uniform
from .box_augmentation import augment_dict, box_tools, image_size, take_box_format
from .conv import _data_format

_MODES = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic"}


def _positive(value, name, layer):
    if not isinstance(value, (int, np.integer)):   # Keras's torch backend: a TypeError when it resizes
        raise ArgumentKindError(f"{layer}: {name} must be a positive int, got {name}={value!r}")
    if value < 1:   # Keras's torch backend refuses it when it resizes, with RuntimeError ("sizes should be > 0")
        raise ArgumentRangeError(f"{layer}: {name} must be a positive int, got {name}={value!r}; output sizes "
                                 "should be greater than 0")
    return int(value)


def _batch_first(inputs, layer, data_format):
    """The inputs as a channels-first float-or-int batch (N, C, H, W), and whether they were one image."""
    if inputs.ndim not in (3, 4):
        layout = "(H, W, C)" if data_format == "channels_last" else "(C, H, W)"
        raise DimRangeError(f"{layer}: expects a batch of images (N, {layout[1:]} or one image {layout}, got shape "
                         f"{tuple(inputs.shape)}")
    single = inputs.ndim == 3
    x = inputs.unsqueeze(0) if single else inputs
    return (x.movedim(-1, 1) if data_format == "channels_last" else x), single


def _restore(x, single, data_format):
    x = x.movedim(1, -1) if data_format == "channels_last" else x
    return x.squeeze(0) if single else x


def _aspect_box(height, width, target_height, target_width):
    """Keras's centred box of the target aspect ratio inside (height, width): (top, left, rows, cols)."""
    rows = max(min(height, int(float(width * target_height) / target_width)), 1)
    cols = max(min(width, int(float(height * target_width) / target_height)), 1)
    return int(float(height - rows) / 2), int(float(width - cols) / 2), rows, cols


def _resize(x, size, interpolation, layer, antialias=False):
    """Channels-first float batch resized to `size` (pixel centres aligned, as Keras)."""
    # Keras's torch backend hands antialias to interpolate when enlarging too, whose antialiased bicubic kernel
    # (a = -0.5) differs from the plain one (a = -0.75); 'nearest' ignores it
    if antialias and interpolation in ("bilinear", "bicubic"):
        return resize_antialiased(x, size, interpolation)
    if tuple(x.shape[2:]) == tuple(size) and interpolation != "bicubic":
        return x
    mode = _MODES[interpolation]
    return F.interpolate(x, size=tuple(size), mode=mode,
                         align_corners=False if mode in ("bilinear", "bicubic") else None)


def _check_interpolation(interpolation):
    """A ValueError, as Keras's torch backend raises when it resizes, for an interpolation it does not run (Keras's
    Resizing takes any name when it is made and refuses it at its first call)."""
    if interpolation in ("lanczos3", "lanczos5"):
        raise ValueError(f"Resizing with Lanczos interpolation is not supported by the PyTorch backend. Received: "
                         f"interpolation={interpolation}. Use one of {sorted(_MODES)}")
    if not isinstance(interpolation, str) or interpolation not in _MODES:
        raise ValueError(f"Invalid value for argument `interpolation`. Expected of one {sorted(_MODES)}. Received: "
                         f"interpolation={interpolation}")


class Resizing(Layer):
    """Resizes images to (height, width) with interpolation 'bilinear' (default), 'nearest' or 'bicubic' (other
    names, Keras's 'lanczos3' and 'lanczos5' included, are refused at the first call, as Keras's torch backend does).
    crop_to_aspect_ratio first crops the largest centred box of the target aspect ratio (no distortion);
    pad_to_aspect_ratio instead pads with fill_value to that ratio."""

    _config_leads_with = ("data_format", "bounding_box_format")

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                 fill_mode="constant", fill_value=0.0, antialias=False, data_format=None, **kwargs):
        box_format = kwargs.pop("bounding_box_format", None)   # as Keras's: a keyword of the base layer
        super().__init__(**kwargs)
        take_box_format(self, box_format)
        self.height, self.width = _positive(height, "height", "Resizing"), _positive(width, "width", "Resizing")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: pass only one of crop_to_aspect_ratio and pad_to_aspect_ratio")
        if fill_mode != "constant":
            raise ValueError(f"Resizing: fill_mode must be 'constant', got {fill_mode!r}")
        self.interpolation, self.antialias = interpolation, bool(antialias)
        self.crop_to_aspect_ratio, self.pad_to_aspect_ratio = bool(crop_to_aspect_ratio), bool(pad_to_aspect_ratio)
        self.fill_mode, self.fill_value = fill_mode, fill_value
        self.data_format = _data_format(data_format)

    def call(self, inputs, training=True):   # as Keras's: the flag changes nothing, its default reaches later layers
        if isinstance(inputs, dict):   # {'images', 'bounding_boxes', 'labels', 'segmentation_masks'}, as Keras's
            return augment_dict(self, inputs, training)
        return self._resized(inputs, self.interpolation)

    def _dict_transformation(self, images, training):
        return None

    def _dict_images(self, images, transformation, training):
        return self._resized(images, self.interpolation)

    def _dict_boxes(self, boxes, transformation, training, height, width):
        return _box_moves().resize_boxes(self, boxes, self.bounding_box_format, height, width)

    def _dict_masks(self, masks, transformation, training):
        return self._resized(masks, "nearest")

    def _resized(self, inputs, interpolation):
        if not in_shape_probe():   # as Keras: a functional call on an Input takes any name, running refuses it
            _check_interpolation(interpolation)
        x, single = _batch_first(inputs, self.name, self.data_format)
        dtype, integer = x.dtype, not x.is_floating_point()
        if integer:
            x = x.float()
        height, width = x.shape[2], x.shape[3]
        if self.crop_to_aspect_ratio:
            top, left, rows, cols = _aspect_box(height, width, self.height, self.width)
            x = x[:, :, top:top + rows, left:left + cols]
        elif self.pad_to_aspect_ratio:
            # Keras pads each side by half the missing rows (or columns), rounded down
            rows = (max(height, int(float(width * self.height) / self.width)) - height) // 2
            cols = (max(width, int(float(height * self.width) / self.height)) - width) // 2
            x = F.pad(x, (cols, cols, rows, rows), value=float(self.fill_value))
        known = isinstance(interpolation, str) and interpolation in _MODES
        interpolation = interpolation if known else "bilinear"   # (shape probes only)
        y = _resize(x, (self.height, self.width), interpolation, self.name, self.antialias)
        if integer:
            info = ag.iinfo(ag.uint8 if dtype == ag.bool else dtype)   # (iinfo refuses bool, as PyTorch's)
            y = y.round().clamp(info.min, info.max).to(dtype)
        return _restore(y, single, self.data_format)


class CenterCrop(Layer):
    """Crops the centred (height, width) box of each image; an image smaller than that along an axis is first
    cropped to the target aspect ratio and resized (bilinear) to the target size, as Keras."""

    _config_leads_with = ("data_format", "bounding_box_format")

    def __init__(self, height, width, data_format=None, **kwargs):
        box_format = kwargs.pop("bounding_box_format", None)   # as Keras's: a keyword of the base layer
        super().__init__(**kwargs)
        take_box_format(self, box_format)
        self.height, self.width = _positive(height, "height", "CenterCrop"), _positive(width, "width", "CenterCrop")
        self.data_format = _data_format(data_format)

    def call(self, inputs, training=True):   # as Resizing's
        if isinstance(inputs, dict):   # {'images', 'bounding_boxes', 'labels', 'segmentation_masks'}, as Keras's
            return augment_dict(self, inputs, training)
        x, single = _batch_first(inputs, self.name, self.data_format)
        x = in_compute_dtype(self, x if x.is_floating_point() else x.float())   # Keras: the compute dtype
        height, width = x.shape[2], x.shape[3]
        if height >= self.height and width >= self.width:
            top, left = (height - self.height) // 2, (width - self.width) // 2
            y = x[:, :, top:top + self.height, left:left + self.width]
        else:
            top, left, rows, cols = _aspect_box(height, width, self.height, self.width)
            y = _resize(x[:, :, top:top + rows, left:left + cols], (self.height, self.width), "bilinear", self.name)
        return _restore(y, single, self.data_format)

    def _dict_transformation(self, images, training):
        return None

    def _dict_images(self, images, transformation, training):
        return self.call(images)

    _dict_masks = _dict_images

    def _dict_boxes(self, boxes, transformation, training, height, width):
        return _box_moves().center_crop_boxes(self, boxes, self.bounding_box_format, height, width, _aspect_box)


class RandomCrop(TrainingByDefault, Layer):
    """In training, crops a (height, width) box at a random offset (one offset per batch, as Keras); an image
    not larger than the box along both axes gets the window at the corner of the centred box of the target
aspect ratio (clipped to the image) resized to (height, width).
    In inference the images are returned unchanged (as float32), as Keras 3 does."""

    _config_leads_with = ("data_format", "bounding_box_format")

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        box_format = kwargs.pop("bounding_box_format", None)   # as Keras's: a keyword of the base layer
        super().__init__(name=name, **kwargs)
        take_box_format(self, box_format)
        self.height, self.width = _positive(height, "height", "RandomCrop"), _positive(width, "width", "RandomCrop")
        # as Keras's RandomCrop: an unseeded one draws a default seed for `seed` (its config shows it) and another
        # for its SeedGenerator
        self.seed = seed if seed is not None else keras_random.make_default_seed()
        give_seed_generator(self, seed)
        _config_says(self, "seed", self.seed)
        self.data_format = _data_format(data_format)

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):   # {'images', 'bounding_boxes', 'labels', 'segmentation_masks'}, as Keras's
            return augment_dict(self, inputs, training)
        x, single = _batch_first(inputs, self.name, self.data_format)
        # a functional model's shape probe (an inference call) gets the cropped shape, as Keras's
        # compute_output_shape says, though a real inference call returns its inputs unchanged
        probing = in_shape_probe()
        if not training and not probing:   # Keras 3 returns float32 here, whatever the policy
            return _restore(x if x.dtype == ag.float32 else x.float(), single, self.data_format)
        x = in_compute_dtype(self, x if x.is_floating_point() else x.float())   # Keras: the compute dtype
        height, width = x.shape[2], x.shape[3]
        if probing:
            y = x[:, :, :self.height, :self.width]
            y = y if tuple(y.shape[2:]) == (self.height, self.width) else _resize(y, (self.height, self.width),
                                                                                 "bilinear", self.name)
        elif height > self.height and width > self.width:
            starts = host_draws(self, x, lambda: self._draw_start(height, width))
            y = self._cropped(x, starts)
        else:
            y = self._cropped(x, None)
        return _restore(y, single, self.data_format)

    def _draw_start(self, height, width):
        """Keras's draws of the window's (top, left): uniform((), 0, room + 1) cast to int, rows first."""
        return np.array([int(keras_uniform(self, (), 0, float(height - self.height + 1))),
                         int(keras_uniform(self, (), 0, float(width - self.width + 1)))])

    def _cropped(self, x, starts):
        """The (height, width) window of a channels-first batch at `starts` (a Tensor or host (top, left)), or, for
        None (an image not larger than the window), Keras's window (clipped to the image) at the aspect box's
        corner resized to (height, width)."""
        if starts is None:
            top, left, _, _ = _aspect_box(x.shape[2], x.shape[3], self.height, self.width)
            return _resize(x[:, :, top:top + self.height, left:left + self.width], (self.height, self.width),
                           "bilinear", self.name)
        rows = ag.arange(self.height, device=x.device) + starts[0]
        cols = ag.arange(self.width, device=x.device) + starts[1]
        return x.index_select(2, rows).index_select(3, cols)

    def _dict_transformation(self, images, training):
        """(top, left) of the window: drawn in training when the images are larger, else the aspect box's."""
        height, width = image_size(self, images)
        if training and height > self.height and width > self.width:
            return tuple(int(v) for v in self._draw_start(height, width))
        top, left, _, _ = _aspect_box(height, width, self.height, self.width)
        return top, left

    def _dict_images(self, images, start, training):
        if not training:
            return images if images.dtype == ag.float32 else images.float()
        x, _ = _batch_first(images, self.name, self.data_format)
        x = in_compute_dtype(self, x if x.is_floating_point() else x.float())
        larger = x.shape[2] > self.height and x.shape[3] > self.width
        return _restore(self._cropped(x, start if larger else None), False, self.data_format)

    _dict_masks = _dict_images

    def _dict_boxes(self, boxes, start, training, height, width):
        if not training:
            return boxes
        return _box_moves().random_crop_boxes(boxes, start[0], start[1], self.bounding_box_format, self.height,
                                              self.width)


def _box_moves():
    return box_tools()   # box_moves, registered by nn.keras.layers (it uses keras.ops, which imports this module)
