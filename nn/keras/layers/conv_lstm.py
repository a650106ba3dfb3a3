"""keras.layers.ConvLSTM2D: an LSTM whose gates are 2-D convolutions, over (batch, time, rows, cols, channels)
(or (batch, time, channels, rows, cols) with data_format='channels_first').

Weights keep Keras's names and layouts: kernel (kh, kw, in, 4 * filters), recurrent_kernel (kh, kw, filters,
4 * filters), bias (4 * filters,), gates i, f, c, o. The input convolution uses the layer's strides, padding
and dilation; the recurrent one stride 1 and 'same' padding, as Keras. It runs as keras.layers.RNN over a
private cell, so masks, go_backwards, initial_state and return_state behave as there. Dropout as Keras's:
one mask per gate for the inputs and one per gate for the previous output, drawn once per sequence.
"""
import numpy as np

import autograd as ag

from ... import functional as F
from .. import initializers
from .conv import _data_format, _pair, _padding_mode, same_pads
from .rnn_cells import _DropoutCell
from .rnn_layer import RNN


def _conv(x, kernel, strides, padding, dilation):
    """Channels-last x (batch, rows, cols, in) convolved with a Keras kernel (kh, kw, in, out)."""
    x = x.permute(0, 3, 1, 2)
    pads = 0
    if padding == "same":
        (top, bottom), (left, right) = (same_pads(x.shape[2 + a], kernel.shape[a], strides[a], dilation[a])
                                        for a in range(2))
        if top == bottom and left == right:
            pads = (top, left)
        else:
            x = F.pad(x, (left, right, top, bottom))
    return F.conv2d(x, kernel.permute(3, 2, 0, 1), None, strides, pads, dilation).permute(0, 2, 3, 1)


def _out_size(size, kernel, stride, padding, dilation):
    if padding == "same":
        return -(-size // stride)
    return (size - (kernel - 1) * dilation - 1) // stride + 1


class _ConvLSTM2DCell(_DropoutCell):
    """One ConvLSTM step on channels-last images; states [h, c] (batch, out_rows, out_cols, filters)."""

    _GATES = 4

    def __init__(self, filters, kernel_size, strides, padding, dilation_rate, unit_forget_bias=True, **kwargs):
        super().__init__(filters, **kwargs)
        self.filters = self.units
        self.kernel_size, self.strides = _pair(kernel_size, "kernel_size", "ConvLSTM2D"), \
            _pair(strides, "strides", "ConvLSTM2D")
        self.dilation_rate = _pair(dilation_rate, "dilation_rate", "ConvLSTM2D")
        self.padding = _padding_mode(padding, "ConvLSTM2D")
        self.unit_forget_bias = bool(unit_forget_bias)
        self.spatial_dims = None

    @property
    def state_size(self):
        return [self.filters, self.filters]

    def _mask_count(self):
        return self._GATES

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(f"ConvLSTM2D: expects one step (batch, rows, cols, channels) with known channels, got "
                             f"{tuple(input_shape)}")
        self.spatial_dims = tuple(input_shape[1:3])
        gates = 4 * self.filters
        kernel_init, recurrent_init, bias_init = self._inits
        self.kernel = self.add_weight(self.kernel_size + (input_shape[-1], gates), kernel_init,
                                      regularizer=self._regs[0], name="kernel")
        self.recurrent_kernel = self.add_weight(self.kernel_size + (self.filters, gates), recurrent_init,
                                                regularizer=self._regs[1], name="recurrent_kernel")
        if self.use_bias:
            self.bias = self.add_weight((gates,), self._forget_bias(bias_init), regularizer=self._regs[2],
                                        name="bias")
        else:
            self.bias = None

    def _forget_bias(self, bias_init):
        if not self.unit_forget_bias:
            return bias_init
        base, filters = initializers.get(bias_init), self.filters

        def forget_ones(shape, dtype=None):
            return np.concatenate([np.asarray(base((filters,)), np.float32), np.ones(filters, np.float32),
                                   np.asarray(base((2 * filters,)), np.float32)])
        return forget_ones

    def get_initial_state(self, batch_size=None):
        """Zero h and c of the convolution's output shape (batch, out_rows, out_cols, filters)."""
        rows, cols = (_out_size(self.spatial_dims[a], self.kernel_size[a], self.strides[a], self.padding,
                                self.dilation_rate[a]) for a in range(2))
        return [ag.zeros((batch_size, rows, cols, self.filters)) for _ in range(2)]

    def call(self, inputs, states, training=False):
        if inputs.ndim != 4:
            raise ValueError(f"ConvLSTM2D: a step is (batch, rows, cols, channels), got {tuple(inputs.shape)}")
        h_prev, c_prev = states[0], states[1]
        n = self.filters
        x_kernels = self.kernel.split(n, dim=3)
        h_kernels = self.recurrent_kernel.split(n, dim=3)
        dp = self.get_dropout_mask(inputs) if training and self.dropout > 0 else None
        rdp = self.get_recurrent_dropout_mask(h_prev) if training and self.recurrent_dropout > 0 else None
        if dp is None and rdp is None:   # the four gates as one convolution each way
            z = (_conv(inputs, self.kernel, self.strides, self.padding, self.dilation_rate)
                 + _conv(h_prev, self.recurrent_kernel, (1, 1), "same", (1, 1)))
            if self.bias is not None:
                z = z + self.bias
            i, f, g, o = z.split(n, dim=3)
        else:
            gates = []
            for k in range(4):
                x = inputs if dp is None else inputs * dp[k]
                h = h_prev if rdp is None else h_prev * rdp[k]
                gate = (_conv(x, x_kernels[k], self.strides, self.padding, self.dilation_rate)
                        + _conv(h, h_kernels[k], (1, 1), "same", (1, 1)))
                gates.append(gate if self.bias is None else gate + self.bias[k * n:(k + 1) * n])
            i, f, g, o = gates
        c = self.recurrent_activation(f) * c_prev + self.recurrent_activation(i) * self.activation(g)
        h = self.recurrent_activation(o) * self.activation(c)
        return h, [h, c]


class ConvLSTM2D(RNN):
    """2-D convolutional LSTM over image sequences: returns the last h (batch, out_rows, out_cols, filters), or
    every step's with return_sequences, then [h, c] with return_state."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        config = {k: v for k, v in locals().items() if k not in ("self", "kwargs", "__class__")}
        config.update({k: v for k, v in kwargs.items() if k not in ("name", "input_shape", "batch_size")})
        data_format = _data_format(data_format)
        cell = _ConvLSTM2DCell(filters, kernel_size, strides, padding, dilation_rate, unit_forget_bias,
                               activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                               kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                               bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                               recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                               kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                               bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                               seed=seed, name="conv_lstm_cell")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, activity_regularizer=activity_regularizer,
                         **kwargs)
        config.update(kernel_size=cell.kernel_size, strides=cell.strides, dilation_rate=cell.dilation_rate,
                      padding=cell.padding, data_format=data_format)
        self._config, self.data_format = config, data_format

    def _channels_last(self, shape_or_tensor, forward=True):
        if self.data_format == "channels_last":
            return shape_or_tensor
        if isinstance(shape_or_tensor, tuple):
            s = shape_or_tensor
            return (s[0], s[1], s[3], s[4], s[2])
        order = (0, 1, 3, 4, 2) if forward else (0, 1, 4, 2, 3)
        return shape_or_tensor.permute(*order)

    def build(self, sequences_shape, initial_state_shape=None):
        if len(sequences_shape) != 5:
            raise ValueError(f"{self.name}: expects 5-D inputs (batch, time, rows, cols, channels) (channels "
                             f"before rows with data_format='channels_first'), got {tuple(sequences_shape)}")
        super().build(self._channels_last(tuple(sequences_shape)), initial_state_shape)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if sequences.ndim != 5:
            raise ValueError(f"{self.name}: expects 5-D inputs (batch, time, rows, cols, channels), got shape "
                             f"{tuple(sequences.shape)}")
        if self.data_format == "channels_first" and initial_state is not None:
            initial_state = [s.permute(0, 2, 3, 1) for s in initial_state]
        result = super().call(self._channels_last(sequences), initial_state, mask, training)
        if self.data_format == "channels_last":
            return result
        outputs = result if isinstance(result, list) else [result]
        back = [o.permute(0, 1, 4, 2, 3) if o.ndim == 5 else o.permute(0, 3, 1, 2) for o in outputs]
        return back if isinstance(result, list) else back[0]

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        config.update(self._config)
        return config
