"""keras.layers.ConvLSTM1D, ConvLSTM2D and ConvLSTM3D: LSTMs whose gates are 1-, 2- or 3-D convolutions, over
(batch, time, *spatial, channels) (or (batch, time, channels, *spatial) with data_format='channels_first').

Weights keep Keras's names and layouts: kernel (*kernel_size, in, 4 * filters), recurrent_kernel (*kernel_size,
filters, 4 * filters), bias (4 * filters,), gates i, f, c, o. The input convolution uses the layer's strides, padding
and dilation; the recurrent one stride 1 and 'same' padding, as Keras. It runs as keras.layers.RNN over a
private cell, so masks, go_backwards, initial_state and return_state behave as there. Dropout as Keras's:
one mask per gate for the inputs and one per gate for the previous output, drawn once per sequence.
"""
import numpy as np

import autograd as ag

from ... import functional as F
from ..autocast_scope import float_dtype, policy_config
from ..input_spec import InputSpec
from ..layer_config import keras_forms
from .. import initializers
from .conv import _data_format, _padding_mode, same_pads
from .conv_transpose import _tuple
from .rnn_cells import _DropoutCell
from .rnn_layer import RNN


_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_SPATIAL = {1: "steps", 2: "rows, cols", 3: "d1, d2, d3"}


def _conv(x, kernel, strides, padding, dilation):
    """Channels-last x (batch, *spatial, in) convolved with a Keras kernel (*kernel_size, in, out)."""
    rank = x.ndim - 2
    x = x.movedim(-1, 1)
    pads = 0
    if padding == "same":
        edges = [same_pads(x.shape[2 + a], kernel.shape[a], strides[a], dilation[a]) for a in range(rank)]
        if all(before == after for before, after in edges):
            pads = tuple(before for before, _ in edges)
        else:
            x = F.pad(x, tuple(p for edge in reversed(edges) for p in edge))
    weight = kernel.permute(rank + 1, rank, *range(rank))
    return _CONV[rank](x, weight, None, strides, pads, dilation).movedim(1, -1)


def _out_size(size, kernel, stride, padding, dilation):
    if padding == "same":
        return -(-size // stride)
    return (size - (kernel - 1) * dilation - 1) // stride + 1


class _ConvLSTMCell(_DropoutCell):
    """One ConvLSTM step on channels-last inputs (batch, *spatial, channels) of `rank` spatial axes; states
    [h, c] (batch, *out_spatial, filters)."""

    _GATES = 4
    _SEED_FIRST = True   # Keras's ConvLSTMCell makes its SeedGenerator before its initializers

    def __init__(self, rank, filters, kernel_size, strides, padding, dilation_rate, unit_forget_bias=True,
                 **kwargs):
        super().__init__(filters, **kwargs)
        self.rank, layer = rank, f"ConvLSTM{rank}D"
        self.filters = self.units
        self.kernel_size = _tuple(kernel_size, rank, "kernel_size", layer)
        self.strides = _tuple(strides, rank, "strides", layer)
        self.dilation_rate = _tuple(dilation_rate, rank, "dilation_rate", layer)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please provide "
                             f"`strides=1` or `dilation_rate=1`. Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")
        self.padding = _padding_mode(padding, layer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.spatial_dims = None

    @property
    def state_size(self):
        return [self.filters, self.filters]

    def _mask_count(self):
        return self._GATES

    def build(self, input_shape):
        if len(input_shape) != self.rank + 2 or input_shape[-1] is None:
            raise ValueError(f"ConvLSTM{self.rank}D: expects one step (batch, {_SPATIAL[self.rank]}, channels) with "
                             f"known channels, got {tuple(input_shape)}")
        self.spatial_dims = tuple(input_shape[1:1 + self.rank])
        gates = 4 * self.filters
        kernel_init, recurrent_init, bias_init = self._initializers   # made at construction, as Keras's seeds
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
        """Zero h and c of the convolution's output shape (batch, *out_spatial, filters)."""
        spatial = tuple(_out_size(self.spatial_dims[a], self.kernel_size[a], self.strides[a], self.padding,
                                  self.dilation_rate[a]) for a in range(self.rank))
        dtype = float_dtype(self.compute_dtype) or ag.float32   # Keras: the compute dtype (float16 when mixed)
        return [ag.zeros((batch_size,) + spatial + (self.filters,), dtype=dtype) for _ in range(2)]

    def call(self, inputs, states, training=False):
        if inputs.ndim != self.rank + 2:
            raise ValueError(f"ConvLSTM{self.rank}D: a step is (batch, {_SPATIAL[self.rank]}, channels), got "
                             f"{tuple(inputs.shape)}")
        h_prev, c_prev = states[0], states[1]
        n, axis, ones = self.filters, self.rank + 1, (1,) * self.rank
        x_kernels = self.kernel.split(n, dim=axis)
        h_kernels = self.recurrent_kernel.split(n, dim=axis)
        dp = self.get_dropout_mask(inputs) if training and self.dropout > 0 else None
        rdp = self.get_recurrent_dropout_mask(h_prev) if training and self.recurrent_dropout > 0 else None
        if dp is None and rdp is None:   # the four gates as one convolution each way
            z = (_conv(inputs, self.kernel, self.strides, self.padding, self.dilation_rate)
                 + _conv(h_prev, self.recurrent_kernel, ones, "same", ones))
            if self.bias is not None:
                z = z + self.bias
            i, f, g, o = z.split(n, dim=-1)
        else:
            gates = []
            for k in range(4):
                x = inputs if dp is None else inputs * dp[k]
                h = h_prev if rdp is None else h_prev * rdp[k]
                gate = (_conv(x, x_kernels[k], self.strides, self.padding, self.dilation_rate)
                        + _conv(h, h_kernels[k], ones, "same", ones))
                gates.append(gate if self.bias is None else gate + self.bias[k * n:(k + 1) * n])
            i, f, g, o = gates
        c = self.recurrent_activation(f) * c_prev + self.recurrent_activation(i) * self.activation(g)
        h = self.recurrent_activation(o) * self.activation(c)
        return h, [h, c]


class _ConvLSTM(RNN):
    """A convolutional LSTM of `_RANK` spatial axes: returns the last h (batch, *out_spatial, filters), or every
    step's with return_sequences, then [h, c] with return_state."""

    _RANK = 2

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
        cell = _ConvLSTMCell(self._RANK, filters, kernel_size, strides, padding, dilation_rate, unit_forget_bias,
                             activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                             kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                             kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                             bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                             seed=seed, name="conv_lstm_cell", dtype=kwargs.get("dtype"))   # as Keras
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, activity_regularizer=activity_regularizer,
                         **kwargs)
        config.update(kernel_size=cell.kernel_size, strides=cell.strides, dilation_rate=cell.dilation_rate,
                      padding=cell.padding, data_format=data_format)
        self._config, self.data_format = config, data_format
        self.input_spec = InputSpec(ndim=self._RANK + 3)   # as Keras: (batch, time, *spatial, channels)

    def _channels_last(self, shape_or_tensor, forward=True):
        if self.data_format == "channels_last":
            return shape_or_tensor
        rank = self._RANK
        if isinstance(shape_or_tensor, tuple):
            s = shape_or_tensor
            return s[:2] + s[3:] + (s[2],)
        order = (0, 1, *range(3, 3 + rank), 2) if forward else (0, 1, 2 + rank, *range(2, 2 + rank))
        return shape_or_tensor.permute(*order)

    def _layout(self):
        spatial = _SPATIAL[self._RANK]
        return (f"{self._RANK + 3}-D inputs (batch, time, {spatial}, channels) (channels before {spatial} with "
                "data_format='channels_first')")

    def build(self, sequences_shape, initial_state_shape=None):
        if len(sequences_shape) != self._RANK + 3:
            raise ValueError(f"{self.name}: expects {self._layout()}, got {tuple(sequences_shape)}")
        super().build(self._channels_last(tuple(sequences_shape)), initial_state_shape)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if sequences.ndim != self._RANK + 3:
            raise ValueError(f"{self.name}: expects {self._layout()}, got shape {tuple(sequences.shape)}")
        if self.data_format == "channels_first" and initial_state is not None:
            initial_state = [s.movedim(1, -1) for s in initial_state]
        result = super().call(self._channels_last(sequences), initial_state, mask, training)
        if self.data_format == "channels_last":
            return result
        outputs = result if isinstance(result, tuple) else [result]   # (output, *states) with return_state
        back = [o.movedim(-1, 2) if o.ndim == self._RANK + 3 else o.movedim(-1, 1) for o in outputs]
        return tuple(back) if isinstance(result, tuple) else back[0]

    def get_config(self):
        # Keras's keys (its RNN base adds unroll and zero_output_for_mask) and its serialized initializers,
        # regularizers and constraints
        config = {"name": self.name, "trainable": self.trainable}
        config.update(keras_forms(self._config))
        config.setdefault("unroll", False)
        config.setdefault("zero_output_for_mask", False)
        config["dtype"] = policy_config(self)
        return {"name": config.pop("name"), "trainable": config.pop("trainable"), "dtype": config.pop("dtype"),
                **config}


def _from_cell(name):
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's {name}, as Keras's layer reads it.")


for _name in ("filters", "kernel_size", "strides", "padding", "dilation_rate", "activation", "recurrent_activation",
              "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer", "unit_forget_bias",
              "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
              "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout"):
    setattr(_ConvLSTM, _name, _from_cell(_name))


class ConvLSTM1D(_ConvLSTM):
    """1-D convolutional LSTM over sequences of sequences (batch, time, steps, channels)."""

    _RANK = 1


class ConvLSTM2D(_ConvLSTM):
    """2-D convolutional LSTM over image sequences (batch, time, rows, cols, channels)."""

    _RANK = 2


class ConvLSTM3D(_ConvLSTM):
    """3-D convolutional LSTM over volume sequences (batch, time, d1, d2, d3, channels)."""

    _RANK = 3
