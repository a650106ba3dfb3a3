"""keras.layers.MixUp: in training, each image (and, given {"images": ..., "labels": ...}, its label) becomes
w * itself + (1 - w) * the image at a random permutation of the batch, w ~ Beta(alpha, alpha) per image, as
Keras 3 mixes them, with Keras's own draws: the permutation (keras.random.shuffle) and then the weights
(keras.random.beta), seeded by the layer's SeedGenerator."""
import numpy as np

import autograd as ag

from .. import random as keras_random
from .color_augmentation import _ColorLayer


class MixUp(_ColorLayer):
    """MixUp of images (and labels) within a batch; inference passes the data through."""

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(data_format, seed, **kwargs)
        self.alpha = alpha

    def _build_for(self, inputs):
        self.built = True

    def call(self, inputs, training=True):
        data = dict(inputs) if isinstance(inputs, dict) else {"images": inputs}
        images = data["images"]
        if images.ndim not in (3, 4):
            raise ValueError(f"Expected the input image to be rank 3 or 4. Received inputs.shape={tuple(images.shape)}")
        if not training:
            return inputs
        single = images.ndim == 3
        batch = 1 if single else images.shape[0]
        order = keras_random.shuffle(ag.arange(batch, dtype=ag.int64), seed=self.generator).numpy()
        weight = keras_random.beta((batch,), self.alpha, self.alpha, seed=self.generator).numpy()
        index = ag.tensor(order, device=images.device)
        w = ag.tensor(weight.astype(np.float32), device=images.device)
        x = self._float(images.unsqueeze(0) if single else images)
        mixed = w.reshape(-1, 1, 1, 1) * x + (1.0 - w.reshape(-1, 1, 1, 1)) * x.index_select(0, index)
        data["images"] = mixed.squeeze(0) if single else mixed
        if "labels" in data:
            labels = data["labels"]
            labels = labels if labels.dtype.kind == "f" else labels.float()
            data["labels"] = w.reshape(-1, 1) * labels + (1.0 - w.reshape(-1, 1)) * labels.index_select(0, index)
        return data if isinstance(inputs, dict) else data["images"]

    def get_config(self):
        """Keras's: data_format, alpha, seed."""
        return {**super().get_config(), "alpha": self.alpha, "seed": self.seed}
