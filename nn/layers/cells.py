"""Recurrent cells: one time step of an RNN, LSTM or GRU, with PyTorch's parameters and initialisation.

Each step is the input projection (one matrix product) plus one fused cell node
(nn.functional.recurrent), the same kernels the sequence layers run.
"""
import autograd as ag
from autograd.ops.dims import check_tensor

from .. import functional as F
from ..functional.recurrent import WIDTH
from ..module import Module
from ._init import fan_in_bound, uniform_parameter
from .recurrent_weights import CellWeights
from autograd.errors import ArgumentRangeError, ShapeError


class RNNCellBase(CellWeights, Module):
    """weight_ih (G * hidden, input), weight_hh (G * hidden, hidden), bias_ih and bias_hh (G * hidden,),
    all uniform in +-1/sqrt(hidden_size) (G = num_chunks gate blocks: LSTM 4, GRU 3, RNN 1). Exported as
    nn.RNNCellBase, with PyTorch's constructor: (input_size, hidden_size, bias, num_chunks, device, dtype)."""

    mode = None   # the subclasses' 'lstm', 'gru', 'rnn_tanh' or 'rnn_relu'

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        name = type(self).__name__
        if input_size < 1 or hidden_size < 1:
            raise ValueError(f"{name}: input_size ({input_size}) and hidden_size ({hidden_size}) must be >= 1")
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        gates = num_chunks * hidden_size
        bound = fan_in_bound(hidden_size)
        self.weight_ih = uniform_parameter((gates, input_size), bound)
        self.weight_hh = uniform_parameter((gates, hidden_size), bound)
        if bias:
            self.bias_ih = uniform_parameter((gates,), bound)
            self.bias_hh = uniform_parameter((gates,), bound)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        if dtype is not None:
            self.to(dtype)
        if device is not None:
            self.to(device)

    def _batched(self, input):
        """input as (B, input_size) and whether it came unbatched (input_size,)."""
        if getattr(input, "ndim", None) not in (1, 2) or input.shape[-1] != self.input_size:
            raise ShapeError(f"{self!r}: expected input (B, {self.input_size}) or unbatched ({self.input_size},), "
                             f"got shape {getattr(input, 'shape', input)}")
        if input.ndim == 1:
            return input.unsqueeze(0), True   # unsqueeze, squeeze: PyTorch's nodes around an unbatched step
        return input, False

    def _state(self, state, x, unbatched, name):
        """A given h or c as (B, hidden_size), checked against the input x (B, input_size); zeros when None."""
        batch = x.shape[0]
        if state is None:
            return ag.zeros(batch, self.hidden_size, dtype=x.dtype, device=x.device)
        expected = (self.hidden_size,) if unbatched else (batch, self.hidden_size)
        if getattr(state, "shape", None) != expected:
            raise ShapeError(f"{self!r}: {name} must have shape {expected} to match the input "
                             f"({'unbatched' if unbatched else f'batch {batch}'}), got "
                             f"{getattr(state, 'shape', type(state).__name__)}")
        return state.unsqueeze(0) if unbatched else state

    def _gates_x(self, x):
        return F.linear(x, self.weight_ih, self.bias_ih)

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            text += ", bias=False"
        if self.mode == "rnn_relu":
            text += ", nonlinearity=relu"
        return text


class RNNCell(RNNCellBase):
    """h' = nonlinearity(x W_ih^T + b_ih + h W_hh^T + b_hh), nonlinearity 'tanh' (default) or 'relu'.

    forward(input (B, input_size) or (input_size,), hx=None) -> h' of hx's shape (zeros when None).
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            # PyTorch builds the cell and raises RuntimeError at its first call; we refuse it at once, as both types
            raise ArgumentRangeError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, WIDTH["rnn_" + nonlinearity], device, dtype)
        self.mode, self.nonlinearity = "rnn_" + nonlinearity, nonlinearity

    def forward(self, input, hx=None):
        check_tensor(type(self).__name__, input)
        x, unbatched = self._batched(input)
        h = self._state(hx, x, unbatched, "hx")
        step = F.rnn_tanh_cell if self.nonlinearity == "tanh" else F.rnn_relu_cell
        h = step(self._gates_x(x), h, self.weight_hh, self.bias_hh)
        return h.squeeze(0) if unbatched else h


class LSTMCell(RNNCellBase):
    """One LSTM step, gate order i, f, g, o: c' = f * c + i * g, h' = o * tanh(c').

    forward(input (B, input_size) or (input_size,), hx=None or (h, c)) -> (h', c') (zeros when hx is None).
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, WIDTH["lstm"], device, dtype)
        self.mode = "lstm"

    def forward(self, input, hx=None):
        check_tensor(type(self).__name__, input)
        x, unbatched = self._batched(input)
        if hx is None:
            hx = (None, None)
        elif not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise TypeError(f"{self!r}: hx must be a tuple (h, c) of Tensors, got {type(hx).__name__}")
        h = self._state(hx[0], x, unbatched, "h")
        c = self._state(hx[1], x, unbatched, "c")
        h, c = F.lstm_cell(self._gates_x(x), h, c, self.weight_hh, self.bias_hh)
        if unbatched:
            return h.squeeze(0), c.squeeze(0)
        return h, c


class GRUCell(RNNCellBase):
    """One GRU step, gate order r, z, n: n = tanh(x_n + r * (h W_hn^T + b_hn)), h' = (1 - z) * n + z * h.

    forward(input (B, input_size) or (input_size,), hx=None) -> h' of hx's shape (zeros when None).
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, WIDTH["gru"], device, dtype)
        self.mode = "gru"

    def forward(self, input, hx=None):
        check_tensor(type(self).__name__, input)
        x, unbatched = self._batched(input)
        h = self._state(hx, x, unbatched, "hx")
        h = F.gru_cell(self._gates_x(x), h, self.weight_hh, self.bias_hh)
        return h.squeeze(0) if unbatched else h
