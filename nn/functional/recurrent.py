"""Recurrent functions as users call them: one cell step (lstm_cell, gru_cell, rnn_*_cell) and a whole
recurrence over a sequence, with their argument checks. The ops live in autograd/ops/recurrent.py.
"""
import numpy as np

from autograd import Tensor
from autograd.ops.dims import check_tensor
from autograd.ops.recurrent import WIDTH, Cell, Recurrence, Unbind
from autograd import autocast_state as autocast

from ._args import same_dtype
from autograd.errors import DtypeError, ShapeError


class RecurrentDtypeError(DtypeError, ValueError):
    """A recurrent layer's input of another dtype than its weights: a DtypeError, and a ValueError as PyTorch's
    RNN, LSTM and GRU raise."""


#: gate blocks per mode (pre-activation width = WIDTH * hidden)
def _check_cell(op, gates_x, h_prev, w_hh, b_hh, width, c_prev=None):
    for name, t in (("gates_x", gates_x), ("h_prev", h_prev), ("w_hh", w_hh)):
        check_tensor(op, t, name)
    same_dtype(op, gates_x, h_prev=h_prev, c_prev=c_prev, w_hh=w_hh, b_hh=b_hh)
    hidden = w_hh.shape[1] if w_hh.ndim == 2 else -1
    if w_hh.ndim != 2 or w_hh.shape[0] != width * hidden:
        raise ValueError(f"{op}: w_hh must have shape ({width} * hidden, hidden), got {w_hh.shape}")
    batch = h_prev.shape[0] if h_prev.ndim == 2 else -1
    if h_prev.shape != (batch, hidden) or gates_x.shape != (batch, width * hidden):
        raise ValueError(f"{op}: expects gates_x (B, {width}H) and h_prev (B, H) with H = {hidden} from w_hh "
                         f"{w_hh.shape}; got gates_x {gates_x.shape} and h_prev {h_prev.shape}")
    if c_prev is not None and c_prev.shape != h_prev.shape:
        raise ValueError(f"{op}: c_prev must have the shape of h_prev {h_prev.shape}, got {c_prev.shape}")
    if b_hh is not None and tuple(b_hh.shape) != (width * hidden,):
        raise ValueError(f"{op}: b_hh must have shape ({width * hidden},), got {tuple(b_hh.shape)}")


def lstm_cell(gates_x, h_prev, c_prev, w_hh, b_hh=None):
    """One LSTM step -> (h, c), both (B, H).

    gates_x (B, 4H) is x_t @ w_ih.T + b_ih; the cell adds h_prev @ w_hh.T + b_hh and applies
    c = f * c_prev + i * g, h = o * tanh(c) with gate order i, f, g, o.
    """
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("lstm_cell", lstm_cell, gates_x, h_prev, c_prev, w_hh, b_hh)
    _check_cell("lstm_cell", gates_x, h_prev, w_hh, b_hh, 4, c_prev)
    return Cell.apply(gates_x, h_prev, c_prev, w_hh, b_hh, "lstm")   # one node makes both, shown as PyTorch's


def gru_cell(gates_x, h_prev, w_hh, b_hh=None):
    """One GRU step -> h (B, H).

    gates_x (B, 3H) is x_t @ w_ih.T + b_ih; with gates_h = h_prev @ w_hh.T + b_hh (gate order r, z, n):
    r, z = sigmoid(gates_x + gates_h), n = tanh(x_n + r * h_n), h = (1 - z) * n + z * h_prev.
    """
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("gru_cell", gru_cell, gates_x, h_prev, w_hh, b_hh)
    _check_cell("gru_cell", gates_x, h_prev, w_hh, b_hh, 3)
    return Cell.apply(gates_x, h_prev, None, w_hh, b_hh, "gru")   # shown as PyTorch's last node (AddBackward0)


def rnn_tanh_cell(gates_x, h_prev, w_hh, b_hh=None):
    """One Elman RNN step h = tanh(gates_x + h_prev @ w_hh.T + b_hh), gates_x = x_t @ w_ih.T + b_ih (B, H)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("rnn_tanh_cell", rnn_tanh_cell, gates_x, h_prev, w_hh, b_hh)
    _check_cell("rnn_tanh_cell", gates_x, h_prev, w_hh, b_hh, 1)
    return Cell.apply(gates_x, h_prev, None, w_hh, b_hh, "rnn_tanh")


def rnn_relu_cell(gates_x, h_prev, w_hh, b_hh=None):
    """One Elman RNN step h = relu(gates_x + h_prev @ w_hh.T + b_hh), gates_x = x_t @ w_ih.T + b_ih (B, H)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("rnn_relu_cell", rnn_relu_cell, gates_x, h_prev, w_hh, b_hh)
    _check_cell("rnn_relu_cell", gates_x, h_prev, w_hh, b_hh, 1)
    return Cell.apply(gates_x, h_prev, None, w_hh, b_hh, "rnn_relu")


def recurrence(mode, x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False, held=None):
    """Run one recurrent layer direction over x (T, B, I) -> (y (T, B, H), h_n (B, H)) or, for LSTM,
    (y, h_n, c_n); mode is 'lstm', 'gru', 'rnn_tanh' or 'rnn_relu'. h0, c0 (B, H) default to zeros;
    reverse runs from the last step to the first (y stays in time order).

    held: an optional (T, B) bool Tensor or NumPy array (LSTM only) of steps at which a row keeps its cell state:
    c passes such a step unchanged, and so does its gradient (the output there is still o * tanh(c));
    packed sequences run their padding this way."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("recurrence", recurrence, mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse, held)
    if mode not in WIDTH:
        raise ValueError(f"recurrence: mode {mode!r} is not one of {sorted(WIDTH)}")
    check_tensor(mode, x)
    same_dtype(mode, x, RecurrentDtypeError, h0=h0, c0=c0, weight_ih=w_ih, weight_hh=w_hh, bias_ih=b_ih, bias_hh=b_hh)
    if x.ndim != 3 or w_ih.ndim != 2 or x.shape[2] != w_ih.shape[1]:
        raise ValueError(f"{mode}: expects an input (T, B, I) whose I matches weight_ih {w_ih.shape}; got input "
                         f"shape {x.shape}: the layer expects {w_ih.shape[-1]} input features")
    if x.shape[0] == 0:
        raise ShapeError(f"{mode}: the input sequence is empty (shape {x.shape})")
    width = WIDTH[mode]
    hidden = w_hh.shape[1]
    if w_ih.shape[0] != width * hidden or w_hh.shape != (width * hidden, hidden):
        raise ValueError(f"{mode}: weights must be ({width} * hidden, input) and ({width} * hidden, hidden); "
                         f"got {w_ih.shape} and {w_hh.shape}")
    for name, state in (("h0", h0), ("c0", c0)):
        if state is not None and state.shape != (x.shape[1], hidden):
            raise ShapeError(f"{mode}: initial state {name} must have shape {(x.shape[1], hidden)} "
                             f"(batch, hidden), got {tuple(state.shape)}")
    if held is not None:
        if not isinstance(held, Tensor):
            held = np.asarray(held)
        if mode != "lstm" or str(held.dtype) != "bool" or tuple(held.shape) != tuple(x.shape[:2]):
            raise ValueError(f"{mode}: held must be a bool array of shape (T, B) = {tuple(x.shape[:2])} and is only "
                             f"taken by 'lstm'; got {held.dtype} {held.shape}")
    return Recurrence.apply(x, h0, c0 if mode == "lstm" else None, w_ih, w_hh, b_ih, b_hh, mode, bool(reverse),
                            held)


def unbind(x):
    """The tensors x[0], ..., x[n-1] along the first axis, made by one graph node."""
    if not isinstance(x, Tensor) or x.ndim == 0:
        raise ValueError(f"unbind: expects a Tensor with at least one axis, got {getattr(x, 'shape', x)!r}")
    out = Unbind.apply(x)
    return list(out) if isinstance(out, tuple) else [out]
