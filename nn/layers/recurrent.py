"""Recurrent layers: RNN, LSTM, GRU with PyTorch's arguments, parameter names, shapes and initialisation.

Each layer direction runs as one graph node (nn.functional.recurrent.recurrence); directions are
concatenated on the feature axis and dropout, when set, is applied between layers in training.
A PackedSequence input runs step by step over the sequences still running (packed_recurrence) and gives
a PackedSequence output with each sequence's state at its own last step in h_n (and c_n); an LSTM with
proj_size runs packed input step by step as well (packed_projected_lstm).
"""
import numbers
import warnings

import autograd as ag
from autograd.ops.dims import check_tensor

from .. import functional as F
from ..functional.packed_recurrence import packed_recurrence
from ..functional.projected_lstm import packed_projected_lstm, projected_lstm
from ..functional.recurrent import WIDTH, recurrence, unbind
from ..module import Module
from ..utils.rnn import PackedSequence
from ._init import fan_in_bound, uniform_parameter
from .recurrent_weights import LayerWeights
from autograd.errors import ShapeError


class HiddenStateIndexError(ValueError, IndexError):
    """A bare tensor as an LSTM's hx: a ValueError, as deepgrad raised before, and PyTorch's IndexError (hx[1])."""


class HiddenStateCountError(ValueError, RuntimeError):
    """A tuple of other than two states as an LSTM's hx: a ValueError as before and PyTorch's RuntimeError."""


class HiddenStateTypeError(ValueError, AttributeError):
    """A tuple as the hx of an RNN or GRU: a ValueError as before and PyTorch's AttributeError (tuple.dim)."""


class RNNBase(LayerWeights, Module):
    """Shared construction and forward of the recurrent layers; `mode` is 'lstm', 'gru', 'rnn_tanh' or 'rnn_relu'."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None, proj_size=0):
        super().__init__()
        name = type(self).__name__
        if str(mode).lower() not in WIDTH:
            raise ValueError(f"{name}: unrecognized RNN mode {mode!r}; expected 'LSTM', 'GRU', 'RNN_TANH' or "
                             "'RNN_RELU'")
        mode = mode.lower()   # PyTorch's spelling ('LSTM', 'RNN_TANH') or the kernels' ('lstm', 'rnn_tanh')
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Number) or not 0.0 <= dropout <= 1.0:
            raise ValueError(f"{name}: dropout must be a probability in [0, 1] (a number, not a bool), got "
                             f"{dropout!r}")
        for what, size in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers)):
            if isinstance(size, bool) or not isinstance(size, numbers.Integral):
                raise TypeError(f"{name}: {what} should be of type int, got: {type(size).__name__} {size!r}; "
                                f"pass a whole number, e.g. {what}=int(n)")
            if size < 1:
                raise ValueError(f"{name}: {what} must be greater than zero, got {size}")
        if isinstance(proj_size, bool) or not isinstance(proj_size, numbers.Integral):
            raise TypeError(f"{name}: proj_size should be of type int, got: {type(proj_size).__name__} "
                            f"{proj_size!r}; pass a whole number smaller than hidden_size ({hidden_size})")
        if not 0 <= proj_size < hidden_size:
            raise ValueError(f"{name}: proj_size ({proj_size}) must be >= 0 and smaller than hidden_size "
                             f"({hidden_size})")
        if dropout > 0 and num_layers == 1:   # PyTorch's warning: dropout only acts between layers
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                          UserWarning, stacklevel=3)
        self.mode = mode.upper()   # PyTorch's spelling; the kernels take it lower-cased (self._kind)
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout, self.bidirectional = bias, batch_first, dropout, bidirectional
        self.proj_size = proj_size
        state_size = proj_size or hidden_size   # the size of h (and of each direction's output)
        directions = 2 if bidirectional else 1
        gates = WIDTH[mode] * hidden_size
        bound = fan_in_bound(hidden_size)
        # PyTorch's order: per layer, per direction: weight_ih, weight_hh, bias_ih, bias_hh (then weight_hr)
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else state_size * directions
            for d in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if d else "")
                setattr(self, "weight_ih" + suffix, uniform_parameter((gates, layer_input), bound, device, dtype))
                setattr(self, "weight_hh" + suffix, uniform_parameter((gates, state_size), bound, device, dtype))
                if bias:
                    setattr(self, "bias_ih" + suffix, uniform_parameter((gates,), bound, device, dtype))
                    setattr(self, "bias_hh" + suffix, uniform_parameter((gates,), bound, device, dtype))
                if proj_size:
                    setattr(self, "weight_hr" + suffix, uniform_parameter((proj_size, hidden_size), bound, device,
                                                                          dtype))

    @property
    def _kind(self):
        """The recurrence kernels' name for the mode: 'lstm', 'gru', 'rnn_tanh' or 'rnn_relu'."""
        return self.mode.lower()

    def _weight(self, name):
        """The weight called `name` (None when absent); a parametrized one (nn.utils.parametrize moves it out of
        _parameters) is computed through its parametrization as PyTorch's RNN reads it."""
        p = self._parameters
        return p[name] if name in p else getattr(self, name, None)

    def _weights(self, layer, direction):
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        return (self._weight("weight_ih" + suffix), self._weight("weight_hh" + suffix),
                self._weight("bias_ih" + suffix), self._weight("bias_hh" + suffix))

    def _initial_states(self, hx, batched, batch):
        """hx as per-(layer, direction) lists (h0s, c0s); None entries start from zeros."""
        count = self.num_layers * (2 if self.bidirectional else 1)
        if hx is None:
            return [None] * count, [None] * count
        is_lstm = self._kind == "lstm"
        if is_lstm and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            # PyTorch indexes hx[1] (IndexError for a bare tensor) or counts the states (RuntimeError)
            kind = HiddenStateCountError if isinstance(hx, (tuple, list)) else HiddenStateIndexError
            got = f"a {type(hx).__name__} of {len(hx)}" if isinstance(hx, (tuple, list)) else type(hx).__name__
            raise kind(f"{self!r}: lstm expects two hidden states: hx must be a tuple (h_0, c_0), got {got}; "
                       "pass (h_0, c_0), or leave hx out to start from zeros")
        if not is_lstm and not hasattr(hx, "shape"):
            raise HiddenStateTypeError(f"{self!r}: hx must be one Tensor h_0, got {type(hx).__name__} (only an LSTM "
                                       "takes a tuple (h_0, c_0)); pass h_0 alone")
        states = list(hx) if is_lstm else [hx]
        for name, s, size in zip(("h_0", "c_0"), states, (self.proj_size or self.hidden_size, self.hidden_size)):
            expected = (count, batch, size) if batched else (count, size)
            if tuple(s.shape) != expected:
                what = "proj_size" if name == "h_0" and self.proj_size else "hidden_size"
                raise ShapeError(f"{self!r}: initial state {name} must have shape {expected} "
                                 f"(num_layers * num_directions, batch, {what}), got {tuple(s.shape)}")
        if not batched:
            states = [s.reshape(count, 1, s.shape[-1]) for s in states]
        lists = [unbind(s) for s in states]
        return lists[0], (lists[1] if is_lstm else [None] * count)

    def forward(self, input, hx=None):
        """Run over input (T, B, input_size) ((B, T, input_size) with batch_first, or unbatched (T, input_size))
        -> (output (T, B, D * hidden_size), h_n (D * num_layers, B, hidden_size)); LSTM returns
        (output, (h_n, c_n)). hx: the initial state(s) of that shape, zeros when None. A PackedSequence input
        (nn.utils.rnn) gives a PackedSequence output."""
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        check_tensor(type(self).__name__, input)
        if input.ndim not in (2, 3) or input.shape[-1] != self.input_size:
            raise ShapeError(f"{self!r}: expected input (T, B, {self.input_size}) "
                             f"{'(batch_first: (B, T, ...)) ' if self.batch_first else ''}or unbatched "
                             f"(T, {self.input_size}); got shape {input.shape}")
        batched = input.ndim == 3
        if not batched:
            x = input.reshape(input.shape[0], 1, input.shape[1])
        else:
            x = input.swapaxes(0, 1) if self.batch_first else input
        h0s, c0s = self._initial_states(hx, batched, x.shape[1])
        directions = 2 if self.bidirectional else 1
        is_lstm = self._kind == "lstm"
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outputs = []
            for d in range(directions):
                k = layer * directions + d
                w_ih, w_hh, b_ih, b_hh = self._weights(layer, d)
                if self.proj_size:
                    w_hr = self._weight(f"weight_hr_l{layer}" + ("_reverse" if d else ""))
                    result = projected_lstm(x, h0s[k], c0s[k], w_ih, w_hh, b_ih, b_hh, w_hr, reverse=d == 1)
                else:
                    result = recurrence(self._kind, x, h0s[k], c0s[k], w_ih, w_hh, b_ih, b_hh, reverse=d == 1)
                outputs.append(result[0])
                h_n.append(result[1])
                if is_lstm:
                    c_n.append(result[2])
            x = outputs[0] if directions == 1 else ag.concatenate(outputs, axis=2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        h = ag.stack(h_n)
        c = ag.stack(c_n) if is_lstm else None
        if not batched:   # squeezed as PyTorch's (their grad_fn is SqueezeBackward1)
            x, h = x.squeeze(1), h.squeeze(1)
            c = c.squeeze(1) if is_lstm else None
        elif self.batch_first:
            x = x.swapaxes(0, 1)
        return (x, (h, c)) if is_lstm else (x, h)

    def _forward_packed(self, packed, hx):
        """forward for a PackedSequence: states are permuted into the packed (longest first) order and back."""
        data, sizes = packed.data, [int(n) for n in packed.batch_sizes.tolist()]
        if data.ndim != 2 or data.shape[1] != self.input_size:
            raise ShapeError(f"{self!r}: expected packed data (N, {self.input_size}), got shape {data.shape}")
        batch = sizes[0]
        order, restore = packed.batch_orders(batch)
        permuted = packed.sorted_indices is not None
        # the states are reordered by index_select, as PyTorch does (their grad_fn prints IndexSelectBackward0)
        if hx is not None and permuted:
            is_pair = self._kind == "lstm" and isinstance(hx, (tuple, list))
            order = ag.tensor(order, device=data.device)
            hx = tuple(ag.index_select(s, 1, order) for s in hx) if is_pair else ag.index_select(hx, 1, order)
        h0s, c0s = self._initial_states(hx, True, batch)
        directions = 2 if self.bidirectional else 1
        is_lstm = self._kind == "lstm"
        x, h_n, c_n = data, [], []
        for layer in range(self.num_layers):
            outputs = []
            for d in range(directions):
                k = layer * directions + d
                if self.proj_size:
                    w_hr = self._weight(f"weight_hr_l{layer}" + ("_reverse" if d else ""))
                    y, h, c = packed_projected_lstm(x, sizes, h0s[k], c0s[k], *self._weights(layer, d), w_hr,
                                                    reverse=d == 1)
                else:
                    y, h, c = packed_recurrence(self._kind, x, sizes, h0s[k], c0s[k], *self._weights(layer, d),
                                                reverse=d == 1)
                outputs.append(y)
                h_n.append(h)
                c_n.append(c)
            x = outputs[0] if directions == 1 else ag.cat(outputs, 1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        states = [ag.stack(h_n)] + ([ag.stack(c_n)] if is_lstm else [])
        if permuted:
            restore = ag.tensor(restore, device=data.device)
            states = [ag.index_select(s, 1, restore) for s in states]
        out = PackedSequence(x, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
        return (out, tuple(states)) if is_lstm else (out, states[0])

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        # PyTorch's RNN repr leaves the nonlinearity out (its cells show it)
        for name, default in (("bias", True), ("batch_first", False), ("dropout", 0.0), ("bidirectional", False)):
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)}"
        return text


def _refuse_projection(name, proj_size):
    """PyTorch's RNN and GRU take proj_size (their shared base does) only to refuse any value but 0."""
    if proj_size:
        raise ValueError(f"{name}: proj_size={proj_size!r} is only supported for LSTM, not RNN or GRU; drop it, or use "
                         "nn.LSTM(..., proj_size=...)")


class RNN(RNNBase):
    """Elman RNN: h_t = nonlinearity(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), nonlinearity 'tanh' or 'relu'."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, proj_size=0):
        _refuse_projection("RNN", proj_size)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__("rnn_" + nonlinearity, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device, dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory, gate order i, f, g, o; forward returns (output, (h_n, c_n))."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("lstm", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device, dtype, proj_size)


class GRU(RNNBase):
    """Gated recurrent unit, gate order r, z, n; forward returns (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None, proj_size=0):
        _refuse_projection("GRU", proj_size)
        super().__init__("gru", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device, dtype)
