"""Conv1D and the 1-D pooling layers on sequences (batch, steps, channels) (channels_first also accepted).

Each is its 2-D layer on a height-1 image; Conv1D's kernel keeps Keras's layout (kernel_size, in, out), and
padding='causal' pads (kernel_size - 1) * dilation_rate zeros before the first step only."""
from ... import functional as F
from ..input_spec import channels_spec
from .conv import AveragePooling2D, Conv2D, MaxPooling2D


def _single(value, name, layer):
    if isinstance(value, int):
        return value
    value = tuple(value)
    if len(value) != 1 or not isinstance(value[0], int):
        raise ValueError(f"{layer}: {name} must be an int or a 1-tuple of ints, got {value!r}")
    return value[0]


def _as_image(inputs, data_format, layer):
    """(batch, steps, channels) -> (batch, 1, steps, channels) in the layer's data format."""
    if inputs.ndim != 3:
        raise ValueError(f"{layer}: expects 3-D inputs (batch, steps, channels), got shape {tuple(inputs.shape)}")
    return inputs.unsqueeze(1) if data_format == "channels_last" else inputs.unsqueeze(2)


def _from_image(y, data_format):
    return y.squeeze(1) if data_format == "channels_last" else y.squeeze(2)


class Conv1D(Conv2D):
    """1-D convolution over the steps: `filters` kernels of `kernel_size`, kernel shape
    (kernel_size, in_channels / groups, filters); padding 'valid', 'same' or 'causal'."""
    _init_input_spec = {"min_ndim": 3}

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, **kwargs):
        causal = isinstance(padding, str) and padding.lower() == "causal"
        super().__init__(filters, (1, _single(kernel_size, "kernel_size", "Conv1D")),
                         strides=(1, _single(strides, "strides", "Conv1D")), padding="valid" if causal else padding,
                         data_format=data_format, dilation_rate=(1, _single(dilation_rate, "dilation_rate", "Conv1D")),
                         groups=groups, **kwargs)
        self.causal = causal
        # the public sizes are Keras's 1-tuples (printed, read by user code); _window gives the 2-D ones
        self.kernel_size, self.strides, self.dilation_rate = (size[1:] for size in super()._window())
        if causal:
            self.padding = "causal"

    def _window(self):
        return tuple((1,) + size for size in (self.kernel_size, self.strides, self.dilation_rate))

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"{self.name}: expects 3-D inputs (batch, steps, channels), got {input_shape}")
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if channels is None or channels % self.groups:
            raise ValueError(f"{self.name}: the channel axis must be known and divisible by groups={self.groups}, "
                             f"got input shape {input_shape}")
        self.kernel = self.add_weight((self.kernel_size[0], channels // self.groups, self.filters),
                                      self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = (self.add_weight((self.filters,), self.bias_initializer, regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if self.use_bias else None)
        self.input_spec = channels_spec(self, input_shape, channels)
        self._build_lora()

    def call(self, inputs):
        # as Keras's Conv1D.call: ops.conv itself, so an overridden convolution_op is not used (Conv2D/3D's is)
        x = _as_image(inputs, self.data_format, self.name)
        if self.causal:
            left = (self.kernel_size[0] - 1) * self.dilation_rate[0]
            x = F.pad(x, (0, 0, left, 0, 0, 0)) if self.data_format == "channels_last" else F.pad(x, (left, 0))
        y = self._convolve(x, self.kernel.unsqueeze(0))
        return _from_image(y, self.data_format)


class _Pooling1D:
    """The 1-D form of the 2-D pooling layer that follows it in the bases."""
    _init_input_spec = {"ndim": 3}

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        pool = _single(pool_size, "pool_size", type(self).__name__)
        stride = pool if strides is None else _single(strides, "strides", type(self).__name__)
        super().__init__((1, pool), (1, stride), padding, data_format, name=name, **kwargs)
        self.pool_size, self.strides = (pool,), (stride,)   # Keras's 1-tuples; _window gives the 2-D ones

    def _window(self):
        return (1,) + self.pool_size, (1,) + self.strides

    def call(self, inputs):
        return _from_image(super().call(_as_image(inputs, self.data_format, self.name)), self.data_format)


class MaxPooling1D(_Pooling1D, MaxPooling2D):
    """The maximum over each window of pool_size steps (padding='same' pads with -inf)."""


class AveragePooling1D(_Pooling1D, AveragePooling2D):
    """The mean over each window of pool_size steps (padding='same' averages over the real steps only)."""

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        # pool_size has no default here, as in Keras (MaxPooling1D's is 2)
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


MaxPool1D, AvgPool1D, AveragePool1D = MaxPooling1D, AveragePooling1D, AveragePooling1D
