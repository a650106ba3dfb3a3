"""keras.layers.CutMix: in training, each image of a batch gets a box pasted from the image at a random
permutation of the batch, and (given {"images": ..., "labels": ...}) its label becomes w * its own + (1 - w) *
the partner's, w = 1 - box area / image area, as Keras 3 computes them (alpha ~ U(factor) + 1e-6, a box of
side ratio sqrt(1 - Beta(alpha, alpha)) at a uniform position, per image), with Keras's own draws from the
layer's SeedGenerator in Keras's order (alpha, the Beta weights, the x starts, the y starts, the permutation).
One image (rank 3) passes through."""
import numpy as np

import autograd as ag

from .. import random as keras_random
from .augmentation import host_values, keras_uniform
from .color_augmentation import _ColorLayer, _base_factor


class CutMix(_ColorLayer):
    """CutMix of images (and labels) within a batch; inference passes the data through (cast to float)."""

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        self.factor = _base_factor(factor, (0, 1))

    def _build_for(self, inputs):
        self.built = True

    def _boxes(self, batch, height, width):
        dtype = self.compute_dtype
        alpha = keras_uniform(self, (), self.factor[0], self.factor[1], dtype) + np.float32(1e-6)
        mix = host_values(keras_random.beta((batch,), alpha, alpha, dtype=dtype, seed=self.generator))
        ratio = np.sqrt(np.float32(1) - mix)
        corners = []
        for length in (width, height):
            crop = ratio * np.float32(length)
            start = keras_uniform(self, (batch,), 0, 1, dtype) * (np.float32(length) - crop)
            corners += [start, start + crop]
        x0, x1, y0, y1 = corners
        rows, cols = np.arange(height, dtype=np.float32), np.arange(width, dtype=np.float32)
        inside = ((cols[None, None, :] >= x0[:, None, None]) & (cols[None, None, :] < x1[:, None, None])
                  & (rows[None, :, None] >= y0[:, None, None]) & (rows[None, :, None] < y1[:, None, None]))
        weight = np.float32(1) - (x1 - x0) * (y1 - y0) / np.float32(width * height)
        return inside, weight

    def call(self, inputs, training=True):
        data = dict(inputs) if isinstance(inputs, dict) else {"images": inputs}
        images = self._float(data["images"])
        if images.ndim not in (3, 4):
            raise ValueError(f"Expected the input image to be rank 3 or 4. Received inputs.shape={tuple(images.shape)}")
        data["images"] = images
        if training and images.ndim == 4:
            last = self.data_format == "channels_last"
            batch, height, width = images.shape[0], images.shape[1 if last else 2], images.shape[2 if last else 3]
            inside, weight = self._boxes(batch, height, width)
            order = keras_random.shuffle(ag.arange(batch, dtype=ag.int32), seed=self.generator).to(images.device)
            mask = ag.tensor(inside[..., None] if last else inside[:, None], device=images.device)
            data["images"] = ag.where(mask, images.index_select(0, order), images)
            if "labels" in data:
                labels = data["labels"]
                labels = labels if labels.dtype.kind == "f" else labels.float()
                w = ag.tensor(weight, device=images.device).reshape(-1, 1)
                data["labels"] = w * labels + (1.0 - w) * labels.index_select(0, order)
        return data if isinstance(inputs, dict) else data["images"]

    def get_config(self):
        """Keras's: data_format, factor, seed."""
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}
