"""Transposed convolutions (Conv1DTranspose, Conv2DTranspose, Conv3DTranspose) on channels-last inputs.

The kernel keeps Keras's layout (*kernel_size, filters, in_channels). The output window per spatial axis is
Keras's: 'valid' gives (n - 1) * stride + max(k_eff, stride) (+ output_padding in place of the extra), 'same'
gives n * stride (or (n - 1) * stride + k_eff % 2 + output_padding when output_padding is given), where
k_eff = (k - 1) * dilation + 1. The full transposed convolution is computed and then cropped (or zero-padded)
at each end to that window.
"""
import autograd as ag

from ... import functional as F
from .. import activations
from ..constraints import check_names as _check_constraints
from ..input_spec import channels_spec
from ..layer import Layer
from .conv import _data_format, _padding_mode, check_strides_dilation, kernel_options


def _tuple(value, rank, name, layer, allow_none=False):
    if value is None and allow_none:
        return None
    value = (value,) * rank if isinstance(value, int) else tuple(value)
    if len(value) != rank or not all(isinstance(v, int) for v in value):
        raise ValueError(f"{layer}: {name} must be an int or a tuple of {rank} ints, got {value!r}")
    if name != "output_padding" and min(value) < 1:   # window sizes, strides and rates are counts, as Keras checks
        raise ValueError(f"{layer}: {name} must be positive, got {value!r}")
    return value


def transpose_pads(kernel, stride, dilation, padding, output_padding):
    """(before, after) zeros that Keras adds around the stride-dilated input of a transposed convolution."""
    effective = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(effective, stride) - effective if output_padding is None else output_padding
        return effective - 1, effective - 1 + extra
    total = stride + effective - 2 if output_padding is None else effective + effective % 2 - 2 + output_padding
    before = min(total // 2 + total % 2, effective - 1)
    return before, total - before


class _ConvTranspose(Layer):
    """Shared arguments, weights and output window of the transposed convolutions of each rank."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        layer, rank = type(self).__name__, self.rank
        self.filters, self.use_bias = int(filters), use_bias
        self.kernel_size = _tuple(kernel_size, rank, "kernel_size", layer)
        self.strides = _tuple(strides, rank, "strides", layer)
        self.dilation_rate = _tuple(dilation_rate, rank, "dilation_rate", layer)
        self.output_padding = _tuple(output_padding, rank, "output_padding", layer, allow_none=True)
        self.padding = _padding_mode(padding, layer)
        self.data_format = _data_format(data_format)
        self.activation = activations.get(activation)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        _check_constraints(kernel_constraint, bias_constraint)   # a bad name fails here, as in Keras
        if self.filters <= 0 or min(self.kernel_size) <= 0 or min(self.strides) <= 0:
            raise ValueError(f"{layer}: filters, kernel_size and strides must be positive, got filters={filters}, "
                             f"kernel_size={kernel_size}, strides={strides}")
        if self.output_padding is not None and any(p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"{layer}: output_padding={self.output_padding} must be smaller than "
                             f"strides={self.strides} on every axis")
        check_strides_dilation(layer, self.strides, self.dilation_rate)

    def _channels(self, input_shape):
        layer, rank = self.name, self.rank
        if len(input_shape) != rank + 2:
            layout = "(batch, " + ", ".join(["steps"] if rank == 1 else ["d", "h", "w"][3 - rank:]) + ", channels)"
            raise ValueError(f"{layer}: expects {rank + 2}-D inputs {layout}, got shape {tuple(input_shape)}")
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if channels is None:
            raise ValueError(f"{layer}: the channel axis must be known, got input shape {tuple(input_shape)}")
        return channels

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.kernel = self.add_weight(self.kernel_size + (self.filters, channels), self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.bias = (self.add_weight((self.filters,), self.bias_initializer, regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if self.use_bias else None)
        self.input_spec = channels_spec(self, input_shape, channels)

    def get_config(self):
        """Keras's config: the sizes as tuples, data_format resolved, and the activation, initializers,
        regularizers and constraints in Keras's forms (every argument, as Keras lists them)."""
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "output_padding": self.output_padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                **kernel_options(self)}

    def _pads(self):
        return [transpose_pads(self.kernel_size[a], self.strides[a], self.dilation_rate[a], self.padding,
                               None if self.output_padding is None else self.output_padding[a])
                for a in range(self.rank)]

    def call(self, inputs):
        channels = self._channels(tuple(inputs.shape))
        if channels != self.kernel.shape[-1]:
            raise ValueError(f"{self.name}: the layer was built for {self.kernel.shape[-1]} input channels but got "
                             f"input shape {tuple(inputs.shape)}; pass inputs with {self.kernel.shape[-1]} channels "
                             "or use a new layer")
        last = self.data_format == "channels_last"
        x = inputs.movedim(-1, 1) if last else inputs
        y = self._transpose(x, self._pads())
        if self.bias is not None:
            y = y + self.bias.reshape((1, -1) + (1,) * self.rank)
        if last:
            y = y.movedim(1, -1)
        return self.activation(y)

    def compute_output_shape(self, input_shape):
        """The output shape for inputs of `input_shape`, as a list (Keras's transposed convolutions give one)."""
        return list(super().compute_output_shape(input_shape))

    def _transpose_2d(self, x, pads):
        """(N, C, H, W) -> (N, filters, H', W') through deepgrad's conv_transpose2d, cropped to Keras's window."""
        kernel = self.kernel if self.rank == 2 else self.kernel.unsqueeze(0)
        strides = self.strides if self.rank == 2 else (1,) + self.strides
        dilation = self.dilation_rate if self.rank == 2 else (1,) + self.dilation_rate
        full = F.conv_transpose2d(x, kernel.permute(3, 2, 0, 1), None, strides, 0, 0, 1, dilation)
        crops = []
        for a in reversed(range(len(pads))):   # F.pad takes the last axis first
            effective = (kernel.shape[2 - len(pads) + a] - 1) * dilation[2 - len(pads) + a] + 1
            crops += [pads[a][0] - (effective - 1), pads[a][1] - (effective - 1)]
        return F.pad(full, tuple(crops)) if any(crops) else full


class Conv2DTranspose(_ConvTranspose):
    """Transposed 2-D convolution ('deconvolution'): kernel (kh, kw, filters, in_channels)."""
    _init_input_spec = {"min_ndim": 4}

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides, padding, output_padding, data_format, dilation_rate,
                         **kwargs)

    def _transpose(self, x, pads):
        return self._transpose_2d(x, pads)


class Conv1DTranspose(_ConvTranspose):
    """Transposed 1-D convolution over the steps: kernel (kernel_size, filters, in_channels)."""
    _init_input_spec = {"min_ndim": 3}

    rank = 1

    def _transpose(self, x, pads):
        return self._transpose_2d(x.unsqueeze(2), pads).squeeze(2)


class Conv3DTranspose(_ConvTranspose):
    """Transposed 3-D convolution: kernel (kd, kh, kw, filters, in_channels). Computed as conv3d of the input
    with (stride - 1) zeros between its elements and Keras's padding, with the kernel flipped."""
    _init_input_spec = {"min_ndim": 5}

    rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 output_padding=None, dilation_rate=(1, 1, 1), **kwargs):   # Keras's order (2-D's differs)
        super().__init__(filters, kernel_size, strides, padding, output_padding, data_format, dilation_rate,
                         **kwargs)

    def _transpose(self, x, pads):
        for a, stride in enumerate(self.strides):
            if stride > 1:
                x = _spread(x, 2 + a, stride)
        flat = []
        for before, after in reversed(pads):
            flat += [before, after]
        x = F.pad(x, tuple(flat))
        kernel = self.kernel.permute(3, 4, 0, 1, 2).flip((2, 3, 4))
        return F.conv3d(x, kernel, None, 1, 0, self.dilation_rate)


def _spread(x, axis, stride):
    """x with stride - 1 zeros between neighbours along `axis` (length n -> (n - 1) * stride + 1)."""
    n = x.shape[axis]
    zeros = ag.zeros_like(x)
    spread = ag.stack([x] + [zeros] * (stride - 1), dim=axis + 1)
    shape = tuple(x.shape[:axis]) + (n * stride,) + tuple(x.shape[axis + 1:])
    return spread.reshape(shape).narrow(axis, 0, (n - 1) * stride + 1)
