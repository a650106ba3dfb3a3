"""The base classes of the batch transforms (see nn.data.transforms) and the argument checks they share."""
import numbers

import numpy as np

from autograd import Tensor


class Transform:
    """Base of the batch transforms: `transform(batch)` calls `apply` on the batch as a NumPy array."""

    def __call__(self, batch):
        if isinstance(batch, Tensor):
            return Tensor(self.apply(batch.numpy()), device=batch.device)
        return self.apply(np.asarray(batch))

    def apply(self, batch):
        """The transformed batch (a new array; the input is never changed)."""
        return batch

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({fields})"


class RandomTransform(Transform):
    """A transform with its own random generator (`seed` makes it repeatable)."""

    def __init__(self, seed=None):
        self.seed = seed
        self._rng = np.random.default_rng(seed)


def pair_of(value, who, name):
    """(height, width) ints from an int or a pair; `who`/`name` name the transform and argument in errors."""
    pair = (value, value) if isinstance(value, numbers.Integral) else tuple(value)
    if len(pair) != 2:
        raise ValueError(f"{who}: {name} must be an int or (height, width), got {value!r}")
    return int(pair[0]), int(pair[1])


def check_images(batch, who):
    """Raise a clear error unless `batch` is a batch of images (N, H, W) or (N, C, H, W)."""
    if batch.ndim < 3:
        raise ValueError(f"{who}: expects a batch of images (N, H, W) or (N, C, H, W), got shape {batch.shape}")
