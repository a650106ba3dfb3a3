"""torch.rnn_tanh, torch.rnn_relu, torch.lstm and torch.gru: the functional recurrences nn.RNN/LSTM/GRU call,
with the weights as one flat list (per layer, per direction: w_ih, w_hh, then b_ih, b_hh when has_biases, then
w_hr for an LSTM with projections), over deepgrad's per-direction recurrence kernels."""
import autograd as ag
from autograd.errors import ShapeError
from autograd.ops.dims import check_tensor

from . import functional as F
from .functional.projected_lstm import projected_lstm
from .functional.recurrent import recurrence, unbind


def _layers(op, params, has_biases, num_layers, directions, lstm):
    """The flat weights split into (w_ih, w_hh, b_ih, b_hh, w_hr) per layer and direction."""
    params = list(params)
    per = 4 if has_biases else 2
    groups = num_layers * directions
    if lstm and groups and len(params) == groups * (per + 1):
        per += 1   # an LSTM with projections: w_hr after each direction's weights
    if groups == 0 or len(params) != groups * per:
        raise RuntimeError(f"{op}: got an incorrect number of RNN parameters ({len(params)} for num_layers="
                           f"{num_layers}, {'bidirectional' if directions == 2 else 'one direction'}, has_biases="
                           f"{has_biases}: expected {groups * per}); pass the module's weights in its order, e.g. "
                           "list(rnn._flat_weights)")
    out = []
    for k in range(groups):
        chunk = params[k * per:(k + 1) * per]
        w_ih, w_hh = chunk[0], chunk[1]
        b_ih, b_hh = (chunk[2], chunk[3]) if has_biases else (None, None)
        w_hr = chunk[-1] if per in (3, 5) else None
        out.append((w_ih, w_hh, b_ih, b_hh, w_hr))
    return out


def _run(op, kind, input, states, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    check_tensor(op, input)
    if input.ndim != 3:
        raise IndexError(f"{op}: expects a batched 3-D input (seq, batch, features) (or (batch, seq, features) with "
                         f"batch_first), got shape {tuple(input.shape)}; unsqueeze an unbatched one at dim 1")
    directions = 2 if bidirectional else 1
    weights = _layers(op, params, has_biases, num_layers, directions, kind == "lstm")
    x = input.swapaxes(0, 1) if batch_first else input
    count = num_layers * directions
    for name, s in zip(("h_0", "c_0"), states):
        check_tensor(op, s)
        if s.ndim != 3 or s.shape[0] != count or s.shape[1] != x.shape[1]:
            raise ShapeError(f"{op}: {name} must have shape (num_layers * num_directions={count}, batch="
                             f"{x.shape[1]}, hidden), got {tuple(s.shape)}")
    h0s = unbind(states[0])
    c0s = unbind(states[1]) if kind == "lstm" else [None] * count
    h_n, c_n = [], []
    for layer in range(num_layers):
        outputs = []
        for d in range(directions):
            k = layer * directions + d
            w_ih, w_hh, b_ih, b_hh, w_hr = weights[k]
            if w_hr is not None:
                result = projected_lstm(x, h0s[k], c0s[k], w_ih, w_hh, b_ih, b_hh, w_hr, reverse=d == 1)
            else:
                result = recurrence(kind, x, h0s[k], c0s[k], w_ih, w_hh, b_ih, b_hh, reverse=d == 1)
            outputs.append(result[0])
            h_n.append(result[1])
            if kind == "lstm":
                c_n.append(result[2])
        x = outputs[0] if directions == 1 else ag.cat(outputs, 2)
        if dropout and train and layer < num_layers - 1:
            x = F.dropout(x, dropout, True)
    if batch_first:
        x = x.swapaxes(0, 1)
    return (x, ag.stack(h_n)) + ((ag.stack(c_n),) if kind == "lstm" else ())


def lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """torch.lstm: the multi-layer LSTM over a batched input with hx = (h_0, c_0) and the flat weights; returns
    (output, h_n, c_n)."""
    if not isinstance(hx, (tuple, list)) or len(hx) != 2:
        raise RuntimeError(f"lstm expects two hidden states (h_0, c_0), got "
                           f"{len(hx) if isinstance(hx, (tuple, list)) else type(hx).__name__}")
    return _run("lstm", "lstm", input, tuple(hx), params, has_biases, num_layers, dropout, train, bidirectional,
                batch_first)


def gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """torch.gru: the multi-layer GRU over a batched input from h_0 = hx with the flat weights; returns
    (output, h_n)."""
    return _run("gru", "gru", input, (hx,), params, has_biases, num_layers, dropout, train, bidirectional,
                batch_first)


def rnn_tanh(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """torch.rnn_tanh: the multi-layer Elman RNN (tanh) over a batched input; returns (output, h_n)."""
    return _run("rnn_tanh", "rnn_tanh", input, (hx,), params, has_biases, num_layers, dropout, train,
                bidirectional, batch_first)


def rnn_relu(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """torch.rnn_relu: the multi-layer Elman RNN (relu) over a batched input; returns (output, h_n)."""
    return _run("rnn_relu", "rnn_relu", input, (hx,), params, has_biases, num_layers, dropout, train,
                bidirectional, batch_first)


FUNCTIONS = (lstm, gru, rnn_tanh, rnn_relu)
