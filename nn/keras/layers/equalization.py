"""keras.layers.Equalization: histogram equalisation of each channel in training, as Keras 3 computes it (one
histogram per channel over the whole batch, `bins` bins on the 0-255 scale, a rounded CDF lookup table; a channel
whose values fall in a single bin is left as it is). Inference passes the images through."""
import numpy as np

import autograd as ag

from .color_augmentation import _ColorLayer, _value_range


def _scale(values, source, target):
    scale = (target[1] - target[0]) / (source[1] - source[0])
    return values * scale + (target[0] - source[0] * scale)


class Equalization(_ColorLayer):
    """Equalises the histogram of each channel (values in value_range) in training."""

    _RANDOM = False   # Keras's Equalization draws nothing (and makes no SeedGenerator)

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format, None, **kwargs)
        self.bins = bins
        self.value_range = _value_range(value_range)

    def _equalize(self, channel):
        channel = _scale(channel, self.value_range, (0, 255))
        values = channel.detach().numpy().astype(np.float32)
        indices = np.clip((values * (self.bins - 1) / np.float32(255)).astype(np.int32), 0, self.bins - 1)
        hist = np.bincount(indices.reshape(-1), minlength=self.bins)
        if np.count_nonzero(hist) <= 1:
            equalized = channel
        else:
            cdf = np.cumsum(hist)
            cdf_min = cdf[np.nonzero(cdf)[0][0]]
            denominator = cdf[-1] - cdf_min or 1
            table = np.clip(np.round((cdf - cdf_min) * 255 / denominator), 0, 255).astype(np.float32)
            lookup = np.clip(values / np.float32(255.0) * (self.bins - 1), 0, self.bins - 1).astype(np.int32)
            # as Keras's where(single_bin, channel, lookup): in the graph, with a zero gradient to the channel
            keep = ag.tensor(np.zeros(values.shape, bool), device=channel.device)
            equalized = ag.where(keep, channel, ag.tensor(table[lookup], device=channel.device))
        return _scale(equalized, (0, 255), self.value_range)

    def transform(self, images, training):
        if not training:
            return images
        images = self._float(images)
        axis = -1 if self.data_format == "channels_last" else -3
        channels = [self._equalize(images.select(axis, i)) for i in range(images.shape[axis])]
        return ag.stack(channels, dim=axis)

    def get_config(self):
        """Keras's: data_format, bins and value_range."""
        return {**super().get_config(), "bins": self.bins, "value_range": self.value_range}
