"""One direction of an LSTM with projections (PyTorch's LSTM(proj_size=P)), step by step with ordinary ops: the
hidden state carried and returned is h_t = W_hr (o_t * tanh(c_t)), of size P instead of hidden_size. Padded
(T, B, I) input and packed input (a PackedSequence's data and batch sizes) both run here."""
import autograd as ag

from .packed_recurrence import step_starts


def _step(projected_input, h, c, w_hh, b_hh, w_hr):
    """One step from the input's share of the gates: (h_t (B, P), c_t (B, H))."""
    gates = projected_input + ag.matmul(h, w_hh.T)
    if b_hh is not None:
        gates = gates + b_hh
    i, f, g, o = gates.chunk(4, dim=1)
    c = ag.sigmoid(f) * c + ag.sigmoid(i) * ag.tanh(g)
    return ag.matmul(ag.sigmoid(o) * ag.tanh(c), w_hr.T), c


def _start(x, batch, h0, c0, w_ih, b_ih, w_hr):
    h = ag.zeros(batch, w_hr.shape[0], dtype=x.dtype, device=x.device) if h0 is None else h0
    c = ag.zeros(batch, w_hr.shape[1], dtype=x.dtype, device=x.device) if c0 is None else c0
    projected_inputs = ag.matmul(x, w_ih.T) if b_ih is None else ag.matmul(x, w_ih.T) + b_ih
    return h, c, projected_inputs


def projected_lstm(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, reverse=False):
    """x (T, B, I) -> (y (T, B, P), h_n (B, P), c_n (B, H)); w_ih (4H, I), w_hh (4H, P), w_hr (P, H), gate order
    i, f, g, o; h0 (B, P) and c0 (B, H) default to zeros; reverse runs from the last step to the first (y stays
    in time order)."""
    steps = x.shape[0]
    h, c, projected_inputs = _start(x, x.shape[1], h0, c0, w_ih, b_ih, w_hr)
    outputs = [None] * steps
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        h, c = _step(projected_inputs[t], h, c, w_hh, b_hh, w_hr)
        outputs[t] = h
    return ag.stack(outputs), h, c


def packed_projected_lstm(data, sizes, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, reverse=False):
    """projected_lstm over packed `data` (N, I) whose step t holds sizes[t] sequences (ints, non-increasing) ->
    (y (N, P) packed like data, h_n (B, P), c_n (B, H)), h0 and c0 in the packed (longest first) order. Each
    step updates only the sequences still running, so every final state is its sequence's own last step's and a
    reverse pass starts each sequence at its own last step."""
    batch = sizes[0]
    h, c, projected_inputs = _start(data, batch, h0, c0, w_ih, b_ih, w_hr)
    starts = step_starts(sizes)
    outputs = [None] * len(sizes)
    for t in (reversed(range(len(sizes))) if reverse else range(len(sizes))):
        n, start = sizes[t], starts[t]
        if n == batch:
            h, c = _step(projected_inputs[start:start + n], h, c, w_hh, b_hh, w_hr)
            outputs[t] = h
            continue
        new_h, new_c = _step(projected_inputs[start:start + n], h[:n], c[:n], w_hh, b_hh, w_hr)
        outputs[t] = new_h
        h, c = ag.cat([new_h, h[n:]], 0), ag.cat([new_c, c[n:]], 0)
    return (outputs[0] if len(outputs) == 1 else ag.cat(outputs, 0)), h, c
