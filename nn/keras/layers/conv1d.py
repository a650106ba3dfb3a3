"""Conv1D and the 1-D pooling layers on sequences (batch, steps, channels) (channels_first also accepted).

Each is its 2-D layer on a height-1 image; Conv1D's kernel keeps Keras's layout (kernel_size, in, out), and
padding='causal' pads (kernel_size - 1) * dilation_rate zeros before the first step only."""
from ... import functional as F
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

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, **kwargs):
        causal = isinstance(padding, str) and padding.lower() == "causal"
        super().__init__(filters, (1, _single(kernel_size, "kernel_size", "Conv1D")),
                         strides=(1, _single(strides, "strides", "Conv1D")), padding="valid" if causal else padding,
                         data_format=data_format, dilation_rate=(1, _single(dilation_rate, "dilation_rate", "Conv1D")),
                         groups=groups, **kwargs)
        self.causal = causal

    def get_config(self):
        """Conv2D's config with the 1-D sizes, as Keras's Conv1D gives them: (k,) tuples, 'causal' padding."""
        config = super().get_config()
        for key in ("kernel_size", "strides", "dilation_rate"):
            config[key] = tuple(config[key][1:])
        if self.causal:
            config["padding"] = "causal"
        return config

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"{self.name}: expects 3-D inputs (batch, steps, channels), got {input_shape}")
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if channels is None or channels % self.groups:
            raise ValueError(f"{self.name}: the channel axis must be known and divisible by groups={self.groups}, "
                             f"got input shape {input_shape}")
        self.kernel = self.add_weight((self.kernel_size[1], channels // self.groups, self.filters),
                                      self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = (self.add_weight((self.filters,), self.bias_initializer, regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if self.use_bias else None)

    def call(self, inputs):
        x = _as_image(inputs, self.data_format, self.name)
        if self.causal:
            left = (self.kernel_size[1] - 1) * self.dilation_rate[1]
            x = F.pad(x, (0, 0, left, 0, 0, 0)) if self.data_format == "channels_last" else F.pad(x, (left, 0))
        y = self._convolve(x, self.kernel.unsqueeze(0))
        return _from_image(y, self.data_format)


class _Pooling1D:
    """The 1-D form of the 2-D pooling layer that follows it in the bases."""

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        pool = _single(pool_size, "pool_size", type(self).__name__)
        stride = pool if strides is None else _single(strides, "strides", type(self).__name__)
        super().__init__((1, pool), (1, stride), padding, data_format, **kwargs)

    def call(self, inputs):
        return _from_image(super().call(_as_image(inputs, self.data_format, self.name)), self.data_format)

    def get_config(self):
        """The 2-D pooling config with the 1-D sizes, as Keras's: (k,) tuples."""
        config = super().get_config()
        config["pool_size"], config["strides"] = tuple(self.pool_size[1:]), tuple(self.strides[1:])
        return config


class MaxPooling1D(_Pooling1D, MaxPooling2D):
    """The maximum over each window of pool_size steps (padding='same' pads with -inf)."""


class AveragePooling1D(_Pooling1D, AveragePooling2D):
    """The mean over each window of pool_size steps (padding='same' averages over the real steps only)."""


MaxPool1D, AvgPool1D, AveragePool1D = MaxPooling1D, AveragePooling1D, AveragePooling1D
