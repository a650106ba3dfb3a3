"""One recurrent layer direction over a packed batch (sequences sorted longest first, time-major), as the
recurrent layers run a PackedSequence: each step updates only the sequences still running, so every
sequence's final state is the one at its own last step and a reverse pass starts at that step.

LSTM and GRU run as one whole-sequence recurrence over the batch padded to its longest sequence, each
sequence reversed within its own length for a reverse pass: outputs and final h are read at each
sequence's own steps, and an LSTM's padding steps are `held` so that its final c is its last step's
(see recurrence); the padding steps' outputs go unused, so no gradient reaches them and they pass
none back. One graph node instead of several per step (forward +
backward, b32 up to 50 steps, 32->128, numba: LSTM 10 ms against 21, GRU 5.7 against 13.5; cpu: 10 and
12 against 20). Elman RNNs, whose state no gate can hold, go step by step over the sequences still
running.
"""
import numpy as np

import autograd as ag

from .linear import linear
from .recurrent import WIDTH, gru_cell, lstm_cell, recurrence, rnn_relu_cell, rnn_tanh_cell

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
    if mode in ("lstm", "gru"):
        return _padded_recurrence(mode, data, sizes, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)
    batch, hidden = sizes[0], w_hh.shape[1]
    is_lstm = mode == "lstm"
    h = h0 if h0 is not None else ag.zeros((batch, hidden), dtype=data.dtype, device=data.device)
    c = c0 if c0 is not None or not is_lstm else ag.zeros((batch, hidden), dtype=data.dtype, device=data.device)
    gates = linear(data, w_ih, b_ih)  # the input part of every step at once
    starts = step_starts(sizes)
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


def step_starts(sizes):
    """Where each time step's rows begin in packed data whose steps hold `sizes` rows."""
    starts = [0]
    for n in sizes[:-1]:
        starts.append(starts[-1] + n)
    return starts


def _padded_layout(sizes, reverse):
    """For the padded run of a packed batch: (rows (T, B): the packed row each step of each sequence reads,
    len(packed) for padding; held (T, B): the padding; outputs (N,): the flat run position (step * B +
    sequence) of each packed row; finals (B,): the flat run position of each sequence's last step)."""
    steps, batch = len(sizes), sizes[0]
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    lengths = (np.asarray(sizes)[:, None] > np.arange(batch)).sum(axis=0)
    step = np.arange(steps)[:, None]
    held = step >= lengths
    # the time each run step of each sequence takes its input from (its own steps reversed for `reverse`)
    source = lengths - 1 - step if reverse else np.broadcast_to(step, held.shape)
    rows = np.where(held, sum(sizes), starts[np.clip(source, 0, steps - 1)] + np.arange(batch))
    packed_step = np.repeat(np.arange(steps), sizes)
    packed_seq = np.concatenate([np.arange(n) for n in sizes])
    run_step = lengths[packed_seq] - 1 - packed_step if reverse else packed_step
    return rows, held, run_step * batch + packed_seq, (lengths - 1) * batch + np.arange(batch)


def _padded_recurrence(mode, data, sizes, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse):
    """packed_recurrence for LSTM and GRU as one recurrence over the padded batch (module docstring)."""
    rows, held, outputs, finals = _padded_layout(sizes, reverse)
    steps, batch = held.shape
    index = (lambda a: ag.tensor(a, device=data.device))
    padded = ag.cat([data, ag.zeros((1, data.shape[1]), dtype=data.dtype, device=data.device)], 0)[index(rows)]
    result = recurrence(mode, padded, h0, c0, w_ih, w_hh, b_ih, b_hh, held=held if mode == "lstm" else None)
    flat = result[0].reshape(steps * batch, -1)
    return flat[index(outputs)], flat[index(finals)], (result[2] if mode == "lstm" else None)
