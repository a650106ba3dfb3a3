"""One recurrent layer direction over a packed batch (sequences sorted longest first, time-major), as the
recurrent layers run a PackedSequence: each step updates only the sequences still running, so every
sequence's final state is the one at its own last step and a reverse pass starts at that step."""
import autograd as ag

from .linear import linear
from .recurrent import WIDTH, gru_cell, lstm_cell, rnn_relu_cell, rnn_tanh_cell

_CELLS = {"gru": gru_cell, "rnn_tanh": rnn_tanh_cell, "rnn_relu": rnn_relu_cell}


def packed_recurrence(mode, data, batch_sizes, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
    """Run over packed `data` (N, I) with `batch_sizes` (a sequence of ints, one per step, non-increasing) ->
    (y (N, H) packed like data, h_n (B, H), c_n (B, H) or None); h0, c0 (B, H) in the sorted order, zeros when
    None; mode is 'lstm', 'gru', 'rnn_tanh' or 'rnn_relu'."""
    if mode not in WIDTH:
        raise ValueError(f"packed_recurrence: mode {mode!r} is not one of {sorted(WIDTH)}")
    sizes = [int(n) for n in batch_sizes]
    if data.ndim != 2 or data.shape[0] != sum(sizes) or data.shape[1] != w_ih.shape[1]:
        raise ValueError(f"packed_recurrence: data must be (sum(batch_sizes) = {sum(sizes)}, {w_ih.shape[1]}) "
                         f"to match batch_sizes and weight_ih {w_ih.shape}, got {data.shape}")
    batch, hidden = sizes[0], w_hh.shape[1]
    is_lstm = mode == "lstm"
    h = h0 if h0 is not None else ag.zeros((batch, hidden), dtype=data.dtype, device=data.device)
    c = c0 if c0 is not None or not is_lstm else ag.zeros((batch, hidden), dtype=data.dtype, device=data.device)
    gates = linear(data, w_ih, b_ih)  # the input part of every step at once
    starts = [0]
    for n in sizes[:-1]:
        starts.append(starts[-1] + n)
    outputs = [None] * len(sizes)
    for t in (reversed(range(len(sizes))) if reverse else range(len(sizes))):
        n, start = sizes[t], starts[t]
        g = gates[start:start + n]
        running = h if n == batch else h[:n]
        if is_lstm:
            new_h, new_c = lstm_cell(g, running, c if n == batch else c[:n], w_hh, b_hh)
            c = new_c if n == batch else ag.cat([new_c, c[n:]], 0)
        else:
            new_h = _CELLS[mode](g, running, w_hh, b_hh)
        outputs[t] = new_h
        h = new_h if n == batch else ag.cat([new_h, h[n:]], 0)
    y = outputs[0] if len(outputs) == 1 else ag.cat(outputs, 0)
    return y, h, (c if is_lstm else None)
