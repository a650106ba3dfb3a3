"""RandAugment and AugMix: image augmentation policies built from Keras's augmentation layers (shear,
translation, rotation, brightness, colour degeneration, contrast, sharpness, posterization, solarization,
auto-contrast, equalization) with Keras's arguments, defaults and configs. Their random draws are Keras's: the
policy's own SeedGenerator seeds the operation picks (RandAugment), the mixing weights (AugMix) and every
operation's transformation, in Keras's order, and AugMix picks its operations with Python's `random` as Keras
does; so a seeded policy (or an unseeded one after keras.utils.set_random_seed) gives Keras's images. Outside
training the images come back unchanged (as float32), as in Keras."""
import random as python_random

import numpy as np

from .. import random as keras_random
from ..layer import Layer, as_tensor
from .augmentation import DrawTape, RandomContrast, RandomRotation, RandomTranslation, TrainingByDefault, drawing_with
from .color_augmentation import AutoContrast, RandomBrightness, Solarization, _base_factor, _value_range
from .color_augmentation_more import RandomColorDegeneration, RandomPosterization, RandomSharpness
from .conv import _data_format
from .equalization import Equalization
from .random_erasing_blur import RandomShear

_GEOMETRIC_AND_TONE = ("random_shear", "random_translation", "random_rotation", "random_posterization",
                       "solarization", "auto_contrast", "equalization")
_COLOUR = ("random_brightness", "random_color_degeneration", "random_contrast", "random_sharpness")
_RAND_AUGMENT_OPS = ("random_shear", "random_translation", "random_rotation", "random_brightness",
                     "random_color_degeneration", "random_contrast", "random_sharpness", "random_posterization",
                     "solarization", "auto_contrast", "equalization")


def _operation(name, factor, value_range, interpolation, seed):
    """One of the augmentation layers the policies draw from, set up as Keras sets it up."""
    colour = dict(factor=factor, value_range=value_range, seed=seed)
    makers = {
        "random_shear": lambda: RandomShear(x_factor=factor, y_factor=factor, interpolation=interpolation, seed=seed),
        "random_translation": lambda: RandomTranslation(height_factor=factor, width_factor=factor,
                                                        interpolation=interpolation, seed=seed),
        "random_rotation": lambda: RandomRotation(factor=factor, interpolation=interpolation, seed=seed),
        "random_brightness": lambda: RandomBrightness(**colour),
        "random_color_degeneration": lambda: RandomColorDegeneration(**colour),
        "random_contrast": lambda: RandomContrast(**colour),
        "random_sharpness": lambda: RandomSharpness(**colour),
        "random_posterization": lambda: RandomPosterization(factor=max(1, int(8 * factor[1])),
                                                            value_range=value_range, seed=seed),
        "solarization": lambda: Solarization(addition_factor=factor, threshold_factor=factor,
                                             value_range=value_range, seed=seed),
        "auto_contrast": lambda: AutoContrast(value_range=value_range),
        "equalization": lambda: Equalization(value_range=value_range),
    }
    return makers[name]()


class _Policy(TrainingByDefault, Layer):
    """Shared set-up: the operations as sub-layers named as Keras names them, the images in channels-last
    float32 batches, and inference as the identity."""

    _CONFIG = ()

    def __init__(self, operations, value_range, factor, interpolation, seed, data_format, **kwargs):
        super().__init__(**kwargs)
        self.value_range, self.factor = value_range, _base_factor(factor, (0, 1))
        if interpolation not in ("bilinear", "nearest"):
            raise ValueError(f"{type(self).__name__}: interpolation must be 'bilinear' or 'nearest', "
                             f"got {interpolation!r}")
        self.interpolation, self.seed, self.data_format = interpolation, seed, _data_format(data_format)
        self._operations = tuple(operations)
        # made before the operations, as Keras's (an unseeded one takes the next default seed)
        self.generator = keras_random.SeedGenerator(seed)
        for name in self._operations:
            setattr(self, name, _operation(name, self.factor, tuple(_value_range(value_range)), interpolation, seed))

    def call(self, inputs, training=True):
        x = as_tensor(inputs)
        if x.ndim not in (3, 4):
            raise ValueError(f"{self.name}: expects images (batch, height, width, channels) or one image, got "
                             f"shape {tuple(x.shape)}")
        x = x.float() if x.dtype != np.float32 else x
        if not training:
            return x
        single = x.ndim == 3
        if single:
            x = x.unsqueeze(0)
        first = self.data_format == "channels_first"
        if first:
            x = x.permute(0, 2, 3, 1)
        y = self._augment(x)
        if first:
            y = y.permute(0, 3, 1, 2)
        return y[0] if single else y

    def _apply(self, name, images, tape=None):
        """The operation `name` on images, drawing from the policy's SeedGenerator (through `tape`, if given)."""
        layer = getattr(self, name)
        if not hasattr(layer, "generator"):   # AutoContrast and Equalization draw nothing
            return layer(images, training=True).float()
        with drawing_with(layer, self.generator, tape):
            return layer(images, training=True).float()

    def compute_output_shape(self, input_shape):
        """The input's shape."""
        return tuple(input_shape)

    def get_config(self):
        """Keras's config: the base entries, data_format, and the policy's arguments."""
        config = super().get_config()
        config["data_format"] = self.data_format
        config.update({k: getattr(self, k) for k in self._CONFIG})
        return config


class RandAugment(_Policy):
    """In training, applies num_ops operations drawn at random (the same ones to the whole batch) from shear,
    translation, rotation, brightness, colour degeneration, contrast, sharpness, posterization, solarization,
    auto-contrast and equalization, each of strength up to `factor` (a number f means (0, f)); images in
    value_range."""

    _CONFIG = ("value_range", "num_ops", "factor", "interpolation", "seed")

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        if not isinstance(num_ops, int) or num_ops < 0:
            raise ValueError(f"RandAugment: num_ops must be a non-negative int, got {num_ops!r}")
        super().__init__(_RAND_AUGMENT_OPS, value_range, factor, interpolation, seed, data_format, **kwargs)
        self.num_ops = num_ops

    def _augment(self, images):
        # Keras's order: the picks, then one transformation per operation (all of them, in order), then the
        # picked operations apply their transformations (an operation picked twice applies the same one twice)
        picks = keras_random.randint((self.num_ops,), 0, len(self._operations), seed=self.generator).numpy()
        tapes = {}
        for name in self._operations:
            tapes[name] = DrawTape()
            if hasattr(getattr(self, name), "generator"):   # records the draws (Keras transforms with all, too)
                self._apply(name, images, tapes[name])
        for index in picks:
            images = self._apply(self._operations[int(index)], images, tapes[self._operations[int(index)]])
        return images


class AugMix(_Policy):
    """In training, mixes num_chains chains of up to chain_depth random operations (each step may be skipped),
    weighted by Dirichlet(alpha) weights, with the original images by a Beta(alpha, alpha) weight, then clips to
    value_range. all_ops=False leaves out the colour operations (brightness, colour degeneration, contrast,
    sharpness)."""

    _CONFIG = ("value_range", "num_chains", "chain_depth", "factor", "alpha", "all_ops", "interpolation", "seed")

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0, all_ops=True,
                 interpolation="bilinear", seed=None, data_format=None, **kwargs):
        for label, value in (("num_chains", num_chains), ("chain_depth", chain_depth)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"AugMix: {label} must be a positive int, got {value!r}")
        if not alpha > 0:
            raise ValueError(f"AugMix: alpha must be positive, got {alpha!r}")
        operations = _GEOMETRIC_AND_TONE + (_COLOUR if all_ops else ())
        super().__init__(operations, value_range, factor, interpolation, seed, data_format, **kwargs)
        self.num_chains, self.chain_depth, self.alpha, self.all_ops = num_chains, chain_depth, alpha, all_ops

    def _augment(self, images):
        # Keras's draws: Dirichlet weights (normalised Gamma draws), the Beta weight, then per chain step an
        # operation from Python's random (None skips the step) and its transformation. The transformations draw in
        # the order they apply, so each operation draws as it applies.
        gammas = keras_random.gamma((self.num_chains,), self.alpha, seed=self.generator).numpy()
        chain_weights = gammas / gammas.sum(axis=-1, keepdims=True)
        keep = keras_random.beta((), self.alpha, self.alpha, seed=self.generator).numpy().astype(np.float32)
        chains = [[python_random.choice(self._operations + (None,)) for _ in range(self.chain_depth)]
                  for _ in range(self.num_chains)]
        mixed = None
        for weight, chain_ops in zip(chain_weights, chains):
            chain = images
            for name in chain_ops:
                if name is not None:
                    chain = self._apply(name, chain)
            mixed = chain * float(weight) if mixed is None else mixed + chain * float(weight)
        low, high = _value_range(self.value_range)
        return (images * float(keep) + mixed * float(np.float32(1) - keep)).clamp(low, high)
