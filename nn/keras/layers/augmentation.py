"""Keras's random image augmentation layers: RandomFlip, RandomRotation, RandomZoom, RandomTranslation,
RandomContrast.

Images are channels-last, (N, H, W, C) or one image (H, W, C). The layers change their inputs only in
training (in `fit`, when called with `training=True`, or called directly without `training=`, Keras's default)
and pass them through otherwise (predict, evaluate, `training=False`), as in Keras.
Each image of a batch gets its own random parameters, drawn on the host as Keras draws them: keras.random
draws seeded by the layer's SeedGenerator, in Keras's order and shapes, so a seeded layer (or an unseeded one
after keras.utils.set_random_seed) gives Keras's images. The images are transformed for the whole batch at
once on their device, and gradients flow back to the images.

The draws, and everything built from them (flip indices, sampling grids, contrast factors), run as
no-gradient ops, so a layer inside an `ag.jit` step (or `compile(jit_compile=True)`) draws anew from
its generator on every replay, in eager mode's sequence, on `cpu` and `numba`. A CUDA graph cannot
repeat a host draw: capturing these layers on `cuda` raises `ag.CaptureError`.
"""
import contextlib
import functools
import math
import numbers

import numpy as np

import autograd as ag
from autograd import Tensor, arrays
from autograd.errors import DimRangeError, UnsupportedError
from autograd.capture import CaptureError, state as capture_state
from autograd.ops.no_grad_op import no_grad_op

from ...functional.affine_warp import FILL_MODES, INTERPOLATIONS, affine_transform
from .. import random as keras_random
from .box_augmentation import augment_dict, box_tools, image_size, on_device
from ..context import current_training
from ..layer import Layer
from ..settings import standardize_data_format
from ..signature_tail import with_parent_arguments
from ..symbolic import is_symbolic

HORIZONTAL, VERTICAL, BOTH = "horizontal", "vertical", "horizontal_and_vertical"


def _factor_range(factor, who, name, bounds=(-1.0, 1.0)):
    """(lower, upper) from a Keras factor: x means (-|x|, |x|), a pair is sorted; each must lie in bounds.
    The numbers stay as given (Keras's configs print (-1, 1) for factor=1)."""
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(isinstance(f, numbers.Real) for f in factor):
            raise ValueError(f"{who}: {name} must be a number or a pair (lower, upper), got {factor!r}")
        lower, upper = sorted(factor)
    elif isinstance(factor, numbers.Real):
        lower, upper = -abs(factor), abs(factor)
    else:
        raise ValueError(f"{who}: {name} must be a number or a pair (lower, upper), got {factor!r}")
    if lower < bounds[0] or upper > bounds[1]:
        raise ValueError(f"{who}: {name} must lie in [{bounds[0]}, {bounds[1]}], got {factor!r}")
    return lower, upper


def base_factor(factor, bounds):
    """Keras's BaseImagePreprocessingLayer._set_factor: x -> (max(-|x|, low), |x|), a pair sorted."""
    message = ("The `factor` argument should be a number (or a list of two numbers) in the range "
               f"[{bounds[0]}, {bounds[1]}]. Received: factor={factor}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or factor[0] > bounds[1] or factor[1] < bounds[0]:
            raise ValueError(message)
        return tuple(sorted(factor))
    if isinstance(factor, numbers.Real):
        if factor < bounds[0] or factor > bounds[1]:
            raise ValueError(message)
        return (max(-abs(factor), bounds[0]), abs(factor))
    raise ValueError(message)


def _config_says(layer, key, value):
    """The automatic get_config lists `value` for argument `key` (Keras's lists the (lower, upper) pair)."""
    if isinstance(layer._constructor_arguments, dict):
        layer._constructor_arguments[key] = value


def host_draws(layer, images, draw, seed=None):
    """The NumPy values `draw()` returns (drawn from `layer`'s generator, or from `seed` when one is given, as
    Keras's get_random_transformation(seed=)) as a Tensor on the images' device, made by a no-gradient op: each
    `ag.jit` replay calls `draw` again."""
    if seed is not None:
        draw = functools.partial(_drawing_from, layer, seed, draw)
    if not isinstance(images, Tensor):   # get_random_transformation takes NumPy images too, as Keras's
        images = ag.tensor(np.asarray(images))
    if capture_state.recorder is not None and not images.device.host_memory:
        raise CaptureError(f"jit: {layer.name} ({type(layer).__name__}) draws its random parameters on the host, "
                           f"which a CUDA graph on {images.device} cannot repeat; apply the augmentation outside "
                           "the compiled step (e.g. in the data pipeline) or compile on cpu/numba")
    tape = getattr(layer, "_draw_tape", None)
    if tape is not None:
        draw = tape.wrap(draw)
    return no_grad_op(f"{type(layer).__name__.lower()}_draw", lambda xp, _: xp.asarray(_uncaptured(draw)), images)


def _drawing_from(layer, seed, draw):
    """draw() with `layer`'s generator swapped for `seed` (a SeedGenerator or an int) while it runs."""
    own, layer.generator = layer.generator, seed
    try:
        return draw()
    finally:
        layer.generator = own


class DrawTape:
    """The host draws of one layer's call, kept while recording and handed back in the same order on a replay,
    so that a transformation drawn once can be applied later (as Keras's RandAugment applies its layers'
    transformations, all drawn first)."""

    def __init__(self):
        self.values, self.position = [], None   # position None: recording

    def wrap(self, draw):
        """`draw` recorded onto the tape, or replaced by the tape's next value on a replay."""
        def taped():
            if self.position is None:
                self.values.append(np.asarray(draw()))
                return self.values[-1]
            if self.position >= len(self.values):
                raise RuntimeError("DrawTape: the replayed call drew more often than the recorded one")
            self.position += 1
            return self.values[self.position - 1]
        return taped


@contextlib.contextmanager
def drawing_with(layer, generator=None, tape=None):
    """Within the block, `layer` draws from `generator` (a SeedGenerator, in place of its own) and its host draws
    go through `tape` (recorded, or replayed when the tape was recorded before)."""
    saved = getattr(layer, "generator", None), getattr(layer, "_draw_tape", None)
    if tape is not None and tape.values:
        tape.position = 0
    if generator is not None:
        object.__setattr__(layer, "generator", generator)
    object.__setattr__(layer, "_draw_tape", tape)
    try:
        yield tape
    finally:
        if generator is not None:
            object.__setattr__(layer, "generator", saved[0])
        object.__setattr__(layer, "_draw_tape", saved[1])


def _box_moves():
    return box_tools()   # box_moves, registered by nn.keras.layers (it uses keras.ops, which imports this module)


def _uncaptured(draw):
    """draw() with any jit capture set aside: a draw may use tensor ops and read their values (keras.random's
    draws do), which a capture would record or refuse; each replay calls the draw again instead."""
    recorder = capture_state.recorder
    capture_state.recorder = None
    try:
        return draw()
    finally:
        capture_state.recorder = recorder


def keras_uniform(layer, shape, low, high, dtype=None):
    """NumPy draws uniform in [low, high) (float32 unless `dtype`; bfloat16 draws come back as float32), as Keras's
    layer draws them: keras.random.uniform seeded by the layer's SeedGenerator (each call advances it)."""
    return host_values(keras_random.uniform(shape, low, high, dtype=dtype, seed=layer.generator))


def host_values(draws):
    """A draw's tensor as NumPy values; bfloat16 ones as float32 (exact), NumPy having no bfloat16."""
    return (draws.float() if draws.dtype == ag.bfloat16 else draws).numpy()


def give_seed_generator(layer, seed):
    """Give `layer` Keras's `generator` (a keras.random.SeedGenerator), which seeds all its draws. As in Keras, an
    unseeded layer takes its seed from Python's random when it is made, so the layers made after it draw Keras's
    default seeds and keras.utils.set_random_seed makes the augmentation repeatable."""
    layer.generator = keras_random.SeedGenerator(seed)


class TrainingByDefault:
    """Keras's preprocessing layers take `call(data, training=True)`: called directly (no training= given, outside
    fit/predict and any enclosing call, on real tensors), they transform. Mixed in before Layer."""

    def __call__(self, *args, **kwargs):
        if "training" not in kwargs and current_training() is None and not is_symbolic((args, kwargs)):
            kwargs["training"] = True
        return super().__call__(*args, **kwargs)


class RandomImageLayer(TrainingByDefault, Layer):
    """Base of the random image layers: `transform(images)` on a float (N, H, W, C) batch in training (channels-
    first images are turned channels-last for it and back), the inputs unchanged (cast to float) otherwise."""

    def __init__(self, seed=None, data_format=None, **kwargs):
        bounding_box_format = kwargs.pop("bounding_box_format", None)   # as Keras's: a keyword of the base layer
        super().__init__(**kwargs)
        try:
            self.data_format = standardize_data_format(data_format)
        except ValueError:
            raise ValueError(f"{type(self).__name__}: data_format must be 'channels_last' or 'channels_first', "
                             f"got {data_format!r}") from None
        self.seed = seed
        self.bounding_box_format = bounding_box_format
        give_seed_generator(self, seed)
        arguments = self._constructor_arguments
        if isinstance(arguments, dict):   # Keras's configs list the resolved data_format, then any box format, first
            boxes = {} if bounding_box_format is None else {"bounding_box_format": bounding_box_format}
            object.__setattr__(self, "_constructor_arguments", {
                "data_format": self.data_format, **boxes,
                **{k: v for k, v in arguments.items() if k not in ("data_format", "bounding_box_format")}})

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):   # {'images', 'bounding_boxes', 'labels', 'segmentation_masks'}, as Keras's
            return augment_dict(self, inputs, training)
        if inputs.ndim not in (3, 4):
            raise DimRangeError(f"{self.name}: expects images shaped (N, H, W, C) or (H, W, C), got {inputs.shape}")
        if not inputs.is_floating_point():
            inputs = inputs.float()
        if not training:
            return inputs
        single = inputs.ndim == 3
        images = inputs.unsqueeze(0) if single else inputs
        first = self.data_format == "channels_first"   # transform() works on channels-last batches
        out = self.transform(images.permute(0, 2, 3, 1) if first else images)
        out = out.permute(0, 3, 1, 2) if first else out
        return out.squeeze(0) if single else out

    def transform(self, images):
        """The randomly transformed batch (subclasses define it)."""
        raise TypeError(f"{type(self).__name__} must define transform(images)")

    # the dict input's hooks (box_augmentation.augment_dict); subclasses define draw and apply
    def _dict_transformation(self, images, training):
        """A training call's host draws for a 4-D batch (Keras's get_random_transformation), else None."""
        if not training:
            return None
        height, width = image_size(self, images)
        return self.draw(images.shape[0], height, width)

    def _dict_images(self, images, transformation, training, interpolation=None):
        images = images if images.is_floating_point() else images.float()
        if transformation is None:
            return images
        first = self.data_format == "channels_first"   # apply() works on channels-last batches
        out = self.apply(images.permute(0, 2, 3, 1) if first else images, transformation, interpolation)
        return out.permute(0, 3, 1, 2) if first else out

    def _dict_boxes(self, boxes, transformation, training, height, width):
        return boxes if transformation is None else self.move_boxes(boxes, transformation, height, width)

    def _dict_masks(self, masks, transformation, training):
        return self._dict_images(masks, transformation, training)

    def move_boxes(self, boxes, transformation, height, width):
        """The boxes after the transformation (unchanged: the layer moves no pixels)."""
        return boxes


class RandomAffineLayer(RandomImageLayer):
    """Base of the layers that resample through a random affine map per image."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if fill_mode not in FILL_MODES:
            raise UnsupportedError(f"{type(self).__name__}: fill_mode must be one of {FILL_MODES}, got {fill_mode!r}")
        if interpolation not in INTERPOLATIONS:
            raise UnsupportedError(f"{type(self).__name__}: interpolation must be one of {INTERPOLATIONS}, "
                             f"got {interpolation!r}")
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, float(fill_value)

    def transform(self, images):
        n, h, w, _ = images.shape
        matrices = host_draws(self, images, lambda: self.matrices(n, h, w))
        return affine_transform(images, matrices, self.interpolation, self.fill_mode, self.fill_value)

    def matrices(self, n, height, width):
        """(n, 8) Keras-style transforms (output pixel -> input point), one per image, freshly drawn."""
        return self.matrices_of(self.draw(n, height, width), height, width)

    def draw(self, n, height, width):
        """The layer's random parameters for `n` images, as host values (subclasses define it)."""
        raise TypeError(f"{type(self).__name__} must define draw(n, height, width)")

    def matrices_of(self, params, height, width):
        """(n, 8) transforms from drawn parameters (subclasses define it)."""
        raise TypeError(f"{type(self).__name__} must define matrices_of(params, height, width)")

    def apply(self, images, params, interpolation=None):
        _, h, w, _ = images.shape
        return affine_transform(images, on_device(self.matrices_of(params, h, w), images),
                                interpolation or self.interpolation, self.fill_mode, self.fill_value)

    def _dict_masks(self, masks, transformation, training):   # Keras resamples masks with 'nearest'
        return masks if transformation is None else self._dict_images(masks, transformation, training, "nearest")


class RandomFlip(RandomImageLayer):
    """Flips each image with probability 1/2: left-right ("horizontal"), top-bottom ("vertical"), or both
    together ("horizontal_and_vertical", the default). Another mode is accepted, as Keras accepts it, and flips
    nothing."""

    _config_leads_with = ("data_format", "bounding_box_format", "seed")

    def __init__(self, mode=BOTH, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        # any other mode is kept as Keras keeps it: the layer still draws its flips but mirrors nothing
        self.mode = mode

    def transform(self, images):
        n = images.shape[0]
        flip = host_draws(self, images, lambda: self.draw_flips(n))
        return flip_images(images, flip, self.mode)

    def draw(self, n, height, width):
        return self.draw_flips(n)

    def apply(self, images, flips, interpolation=None):
        return flip_images(images, flips, self.mode)

    def move_boxes(self, boxes, flips, height, width):
        return _box_moves().flip_boxes(boxes, flips, self.mode, self.bounding_box_format, height, width)

    def draw_flips(self, n):
        """Which of `n` images to flip, drawn as Keras draws them: one uniform per image from the layer's
        SeedGenerator, flipped where it is <= 0.5."""
        return keras_random.uniform((n, 1, 1, 1), seed=self.generator).numpy().reshape(n) <= 0.5


def _flip_index(xp, flip, *, size, flips):
    """(N, size) source indices along one axis: reversed for the images where `flip`, when `flips`."""
    index = xp.arange(size)
    if not flips:
        return xp.broadcast_to(index[None, :], (flip.shape[0], size)).copy()
    return xp.where(flip[:, None], index[::-1][None, :], index[None, :])


def flip_images(images, flip, mode):
    """images (N, H, W, C) with images[flip] mirrored as `mode` says (flip: N booleans, a Tensor or
    host values)."""
    n, h, w = images.shape[:3]
    device = images.device
    if not isinstance(flip, Tensor):
        flip = arrays.wrap(device.asarray(np.asarray(flip, dtype=bool)), device)
    rows = no_grad_op("flip_rows", functools.partial(_flip_index, size=h, flips=mode in (VERTICAL, BOTH)), flip)
    cols = no_grad_op("flip_cols", functools.partial(_flip_index, size=w, flips=mode in (HORIZONTAL, BOTH)), flip)
    batch = arrays.wrap(device.xp.arange(n)[:, None, None], device)
    return images[batch, rows.unsqueeze(2), cols.unsqueeze(1)]


class RandomRotation(RandomAffineLayer):
    """Rotates each image about its centre by a random angle in factor * 2 pi (factor: a fraction of a
    full turn, x meaning [-x, x], or a pair (lower, upper)); positive angles turn counter-clockwise."""

    _config_leads_with = ("data_format", "bounding_box_format", "factor", "fill_mode", "fill_value")

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.factor = _factor_range(factor, "RandomRotation", "factor")
        _config_says(self, "factor", self.factor)

    def draw(self, n, height, width):
        """Keras's draw: one angle in degrees per image, uniform in factor * 360, from the layer's SeedGenerator."""
        return keras_uniform(self, (n,), self.factor[0] * 360.0, self.factor[1] * 360.0)

    def matrices_of(self, degrees, height, width):
        return rotation_matrices(degrees * np.float32(math.pi / 180.0), height, width)

    def move_boxes(self, boxes, degrees, height, width):
        return _box_moves().rotate_boxes(boxes, degrees, self.bounding_box_format, height, width)


def rotation_matrices(angle, height, width):
    """(n, 8) transforms rotating images about their centre by `angle` radians (counter-clockwise), in float32
    with Keras's operation order (so its rounding, too)."""
    angle = np.asarray(angle, np.float32)
    cos, sin = np.cos(angle), np.sin(angle)
    cx, cy = np.float32(0.5) * np.float32(width - 1), np.float32(0.5) * np.float32(height - 1)
    zeros = np.zeros_like(angle)
    return np.stack([cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos, zeros, zeros], 1)


class RandomZoom(RandomAffineLayer):
    """Zooms each image about its centre: the source region spans (1 + z) times the image in each
    direction, z drawn from height_factor (and width_factor, else the same z); positive values zoom
    out, negative ones zoom in. Factors as in Keras: x means [-x, x], or a pair (lower, upper)."""

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor = _factor_range(height_factor, "RandomZoom", "height_factor")
        self.width_factor = None if width_factor is None else _factor_range(width_factor, "RandomZoom",
                                                                            "width_factor")
        if self.height_factor[0] <= -1 or (self.width_factor and self.width_factor[0] <= -1):
            raise ValueError(f"RandomZoom: factors must be > -1, got {height_factor!r}, {width_factor!r}")

    def draw(self, n, height, width):
        """Keras's draws: the height zooms, then (with a width_factor) the width zooms, uniform in 1 + factor;
        returned as rows (width zooms, height zooms)."""
        zoom_h = keras_uniform(self, (n,), 1.0 + self.height_factor[0], 1.0 + self.height_factor[1])
        zoom_w = zoom_h if self.width_factor is None else \
            keras_uniform(self, (n,), 1.0 + self.width_factor[0], 1.0 + self.width_factor[1])
        return np.stack([zoom_w, zoom_h])

    def move_boxes(self, boxes, zooms, height, width):
        return _box_moves().zoom_boxes(boxes, zooms[0], zooms[1], self.bounding_box_format, height, width)

    def matrices_of(self, zooms, height, width):
        zoom_w, zoom_h = zooms
        n = zoom_w.shape[0]
        zeros, one, half = np.zeros(n, np.float32), np.float32(1), np.float32(2)
        return np.stack([zoom_w, zeros, (np.float32(width) - one) / half * (one - zoom_w), zeros, zoom_h,
                         (np.float32(height) - one) / half * (one - zoom_h), zeros, zeros], 1)


class RandomTranslation(RandomAffineLayer):
    """Shifts each image by a random fraction of its height (height_factor) and width (width_factor);
    x means [-x, x], or a pair (lower, upper); positive values move the content down / right."""

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor = _factor_range(height_factor, "RandomTranslation", "height_factor")
        self.width_factor = _factor_range(width_factor, "RandomTranslation", "width_factor")

    def draw(self, n, height, width):
        """Keras's draws: the height fractions, then the width fractions, times the image's size; returned as rows
        (dx, dy) in pixels."""
        dy = keras_uniform(self, (n,), *self.height_factor) * np.float32(height)
        dx = keras_uniform(self, (n,), *self.width_factor) * np.float32(width)
        return np.stack([dx, dy])

    def move_boxes(self, boxes, shifts, height, width):
        return _box_moves().translate_boxes(boxes, shifts[0], shifts[1], self.bounding_box_format, height, width)

    def matrices_of(self, shifts, height, width):
        dx, dy = shifts
        n = dx.shape[0]
        ones, zeros = np.ones(n, np.float32), np.zeros(n, np.float32)
        return np.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], 1)


# as Keras's: data_format after their own arguments (the base takes it)
with_parent_arguments(RandomImageLayer.__init__, RandomFlip, RandomRotation, RandomZoom, RandomTranslation)


class RandomContrast(RandomImageLayer):
    """Scales each image's deviation from its per-channel mean by a random c in [1 - lower, 1 + upper]:
    (x - mean) * c + mean, clipped to value_range. As Keras 3's code (not its docstring), a single number x
    means (lower, upper) = (0, x): the contrast only rises; pass (x, x) for [1 - x, 1 + x]."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        try:
            self.factor = base_factor(factor, (0, 1))
        except ValueError as error:
            raise ValueError(f"RandomContrast: {error}") from None
        self.value_range = tuple(value_range)
        _config_says(self, "factor", self.factor)

    def transform(self, images):
        n = images.shape[0]
        c = host_draws(self, images, lambda: self.draw(n, None, None))
        return adjust_contrast(images, c, self.value_range)

    def draw(self, n, height, width):
        return keras_uniform(self, (n, 1, 1, 1), 1.0 - self.factor[0], 1.0 + self.factor[1], self.compute_dtype)

    def apply(self, images, factors, interpolation=None):
        return adjust_contrast(images, factors, self.value_range)


def adjust_contrast(images, factors, value_range=None):
    """(images - mean) * factor + mean per image and channel (mean over H and W), clipped to value_range
    (factors: N values, a Tensor or host values)."""
    if isinstance(factors, Tensor):
        c = factors.to(images.dtype).reshape(-1, 1, 1, 1)
    else:
        c = arrays.wrap(images.device.asarray(np.asarray(factors, dtype=images.dtype).reshape(-1, 1, 1, 1)),
                        images.device)
    mean = images.mean(dim=1, keepdim=True).mean(dim=2, keepdim=True)   # Keras's order (and so its rounding)
    out = (images - mean) * c + mean
    if value_range is not None:
        out = out.clamp(value_range[0], value_range[1])
    return out
