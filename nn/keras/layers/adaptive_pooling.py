"""Keras's adaptive pooling layers: AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D. Each splits
every spatial axis into `output_size` windows (PyTorch's bin edges floor(i * n / out) to ceil((i + 1) * n / out),
as Keras's torch backend) and takes their mean or maximum; channels-last by default."""
from .. import ops
from ..layer import Layer
from .conv import _data_format

_NAMES = {1: "integer or tuple of 1 integer", 2: "integer or (height, width) tuple",
          3: "integer or (depth, height, width) tuple"}


def _output_size(output_size, rank):
    """Keras's normalisation of `output_size` to a tuple of `rank` ints, with its error messages."""
    if isinstance(output_size, int):
        return (output_size,) * rank
    if isinstance(output_size, (tuple, list)):
        if len(output_size) == rank:
            return tuple(output_size)
        if rank == 1:
            raise ValueError(f"For 1D input, `output_size` tuple must have length 1. Received: {output_size}")
    raise TypeError(f"`output_size` must be an {_NAMES[rank]}. Received: {output_size} of type {type(output_size)}")


class _AdaptivePooling(Layer):
    _RANK = 1

    def __init__(self, output_size, data_format=None, **kwargs):
        output_size = _output_size(output_size, self._RANK)
        super().__init__(**kwargs)
        self.output_size = output_size
        self.data_format = _data_format(data_format)

    def call(self, inputs):
        return self._op(inputs, self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        """(batch, *output_size, channels), or (batch, channels, *output_size) for channels_first."""
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, input_shape[-1])
        return (input_shape[0], input_shape[1], *self.output_size)

    def get_config(self):
        """Keras's: output_size (a tuple) and data_format."""
        return {**super().get_config(), "output_size": self.output_size, "data_format": self.data_format}


class _Average(_AdaptivePooling):
    _op = staticmethod(ops.adaptive_average_pool)


class _Max(_AdaptivePooling):
    _op = staticmethod(ops.adaptive_max_pool)


class AdaptiveAveragePooling1D(_Average):
    """The mean over `output_size` adaptive windows of a (batch, steps, channels) sequence."""
    _RANK = 1


class AdaptiveAveragePooling2D(_Average):
    """The mean over `output_size` adaptive windows per axis of (batch, rows, cols, channels) images."""
    _RANK = 2


class AdaptiveAveragePooling3D(_Average):
    """The mean over `output_size` adaptive windows per axis of (batch, d1, d2, d3, channels) volumes."""
    _RANK = 3


class AdaptiveMaxPooling1D(_Max):
    """The maximum over `output_size` adaptive windows of a (batch, steps, channels) sequence."""
    _RANK = 1


class AdaptiveMaxPooling2D(_Max):
    """The maximum over `output_size` adaptive windows per axis of (batch, rows, cols, channels) images."""
    _RANK = 2


class AdaptiveMaxPooling3D(_Max):
    """The maximum over `output_size` adaptive windows per axis of (batch, d1, d2, d3, channels) volumes."""
    _RANK = 3
