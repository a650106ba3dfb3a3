"""One direction of an LSTM with projections (PyTorch's LSTM(proj_size=P)), step by step with ordinary ops: the
hidden state carried and returned is h_t = W_hr (o_t * tanh(c_t)), of size P instead of hidden_size."""
import autograd as ag


def projected_lstm(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, reverse=False):
    """x (T, B, I) -> (y (T, B, P), h_n (B, P), c_n (B, H)); w_ih (4H, I), w_hh (4H, P), w_hr (P, H), gate order
    i, f, g, o; h0 (B, P) and c0 (B, H) default to zeros; reverse runs from the last step to the first (y stays
    in time order)."""
    steps, batch = x.shape[0], x.shape[1]
    hidden, proj = w_hr.shape[1], w_hr.shape[0]
    h = ag.zeros(batch, proj, dtype=x.dtype, device=x.device) if h0 is None else h0
    c = ag.zeros(batch, hidden, dtype=x.dtype, device=x.device) if c0 is None else c0
    projected_inputs = ag.matmul(x, w_ih.T) if b_ih is None else ag.matmul(x, w_ih.T) + b_ih
    outputs = [None] * steps
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        gates = projected_inputs[t] + ag.matmul(h, w_hh.T)
        if b_hh is not None:
            gates = gates + b_hh
        i, f, g, o = gates.chunk(4, dim=1)
        c = ag.sigmoid(f) * c + ag.sigmoid(i) * ag.tanh(g)
        h = ag.matmul(ag.sigmoid(o) * ag.tanh(c), w_hr.T)
        outputs[t] = h
    return ag.stack(outputs), h, c
