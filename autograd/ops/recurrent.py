"""Recurrent ops: one cell step as a graph node, and a whole-sequence recurrence (one layer direction) as one node.

Both run the same raw-array step (`_step` / `_step_grad`) over the backend's fused cell kernels.
A cell takes the input part of its pre-activations, `gates_x = x_t @ w_ih.T + b_ih`, already
computed, and does the hidden-state product, the bias and the gate arithmetic itself. The
sequence op computes the input part of every step in one matrix product before its loop, and in
backward gathers every step's gate gradients so that the weight gradients are again one matrix
product each (PyTorch/cuDNN do the same); per step it costs one hidden matmul and one cell kernel
each way, and no graph bookkeeping. A backend that offers whole-sequence kernels
(`recurrence_forward` / `recurrence_backward`, see backends.base: a compiled kernel on `numba`, NumPy
loops over preallocated buffers on `cpu`) runs that time loop instead, and one that offers
`recurrence_forward_inputs` also the input product, inside its steps; the Python loop here is the
fallback (other dtypes, other backends). Gate order is PyTorch's: LSTM i, f, g, o;
GRU r, z, n.
"""
import weakref

from ..function import Function
from ..shown_nodes import own_shown_pairs
from . import cell_graphs
from .linalg import product


WIDTH = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


_ACT = {"rnn_tanh": "tanh", "rnn_relu": "relu"}


def _step(mode, device, gx, h, c, w_hh_t, b_hh):
    """One time step on raw arrays (w_hh_t = w_hh.T) -> (h, c (None unless LSTM), cache for _step_grad)."""
    pre = product(device.xp, h, w_hh_t)
    if b_hh is not None:
        pre += b_hh
    if mode == "gru":
        h_new, cache = device.gru_cell(gx, pre, h)   # b_hh stays inside: n uses r * (W_hn h + b_hn)
        return h_new, None, cache
    pre += gx
    if mode == "lstm":
        return device.lstm_cell(pre, c)
    h_new = device.act_forward(_ACT[mode], pre)
    return h_new, None, (pre, h_new)


def _step_grad(mode, device, cache, h_prev, c_prev, gh, gc):
    """Backward of one step -> (g_gates_x, g_hidden_pre, g_h_prev_direct or None, g_c_prev or None).

    g_hidden_pre is the gradient of h_prev @ w_hh.T + b_hh; the full gradient of h_prev is
    g_hidden_pre @ w_hh plus the direct part.
    """
    if mode == "lstm":
        g, g_c = device.lstm_cell_grad(cache, c_prev, gh, gc)
        return g, g, None, g_c
    if mode == "gru":
        g_x, g_hid, g_direct = device.gru_cell_grad(cache, h_prev, gh)
        return g_x, g_hid, g_direct, None
    pre, h = cache
    g = device.act_backward(_ACT[mode], pre, h, gh)
    return g, g, None, None


class Cell(Function):
    op_name = "rnn_cell"
    differentiable_backward = False

    def forward(ctx, gates_x, h_prev, c_prev, w_hh, b_hh, mode):
        h, c, cache = _step(mode, ctx.device, gates_x, h_prev, c_prev, w_hh.T, b_hh)
        ctx.mode, ctx.biased = mode, b_hh is not None
        ctx.save_for_backward(h_prev, c_prev, w_hh, cache)
        return (h, c) if mode == "lstm" else h

    def backward(ctx, gh, gc=None):
        h_prev, c_prev, w_hh, cache = ctx.saved_tensors
        need = ctx.needs_input_grad
        g_x, g_hid, g_direct, g_c = _step_grad(ctx.mode, ctx.device, cache, h_prev, c_prev, gh, gc)
        g_h = None
        if need[1]:
            g_h = product(ctx.xp, g_hid, w_hh)
            if g_direct is not None:
                g_h += g_direct
        return (g_x if need[0] else None, g_h, g_c if need[2] else None,
                product(ctx.xp, g_hid.T, h_prev) if need[3] else None, g_hid.sum(axis=0) if need[4] else None, None)

    # ----- what PyTorch's graph shows (display only: cell_graphs.py) --------------------------------------------
    shows_outputs = True   # LSTM's c: PyTorch's AddBackward0, made beside h's MulBackward0

    def name(self):
        """PyTorch's node on the cell's output: LSTM's h = o * tanh(c) MulBackward0, GRU's AddBackward0, RNN's
        TanhBackward0 / ReluBackward0."""
        return self.torch_name or cell_graphs.TOP[self.mode]

    @property
    def next_functions(self):
        """The edges of PyTorch's node on the output, through display nodes for its gates, chunks and linear."""
        return own_shown_pairs(self, lambda: cell_graphs.shown_tree(self.mode, Function.next_functions.fget(self),
                                                                    self.biased))

    def shown_output(self, idx):
        """LSTM's c (output 1): PyTorch's AddBackward0 (f * c_prev + i * g), the node under h's tanh. Its `runs_in`
        (a weak reference) is this node, for walks of the graph that runs (DDP counts the edges into each
        parameter)."""
        shown = self.next_functions[1][0].next_functions[0][0]
        shown.runs_in = weakref.ref(self)
        return shown


class Recurrence(Function):
    """One direction of one recurrent layer over a sequence x (T, B, I) -> (y (T, B, H), h_n[, c_n]);
    `held` (T, B) bool (LSTM) marks steps at which a row keeps its cell state c (see _hold)."""

    op_name = "recurrence"
    differentiable_backward = False

    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, mode, reverse, held=None):
        xp, device = ctx.xp, ctx.device
        steps, batch, size = x.shape
        step_bias = b_hh if mode == "gru" else None   # outside GRU's n gate the two biases simply add
        x2, w2 = _with_bias(xp, x.reshape(steps * batch, size), w_ih, b_ih, None if mode == "gru" else b_hh)
        ctx.mode, ctx.reverse = mode, reverse
        # PyTorch's CPU node for one layer's outputs: oneDNN's for a float32 LSTM, else the stack of the steps
        ctx.torch_name = "MkldnnRnnLayerBackward0" if mode == "lstm" and x.dtype == xp.float32 else "StackBackward0"
        ys, cs, cache, rows, ctx.whole_sequence = _run_forward(xp, device, mode, x2, w2, (steps, batch), h0, c0,
                                                               w_hh, step_bias, reverse, held)
        ctx.save_for_backward(x2, h0, c0, w_ih, w_hh, ys, cs, cache, rows)
        ctx.shape = x.shape
        last = 0 if reverse else steps - 1
        if mode == "lstm":
            return ys, ys[last].copy(), cs[last].copy()
        return ys, ys[last].copy()

    def backward(ctx, gy, gh_n, gc_n=None):
        x2, h0, c0, w_ih, w_hh, ys, cs, cache, rows = ctx.saved_tensors
        xp, device, mode, reverse = ctx.xp, ctx.device, ctx.mode, ctx.reverse
        need = ctx.needs_input_grad
        steps, batch, size = ctx.shape
        hidden = w_hh.shape[1]
        if ctx.whole_sequence:
            g_x, g_hid, gh, gc = device.recurrence_backward(mode, gy, gh_n, gc_n, ys, cs, h0, c0, cache, w_hh,
                                                            reverse)
        else:
            c_prev = _starts(xp, cs, c0, reverse) if mode == "lstm" else None
            g_x, g_hid, gh, gc = _loop_backward(device, mode, gy, gh_n, gc_n, _starts(xp, ys, h0, reverse),
                                                c_prev, cache, w_hh, reverse)
        g_x2 = g_x.reshape(steps * batch, WIDTH[mode] * hidden)
        g_b_ih = g_w_ih = g_w_hh = None
        need_w2 = need[3] or need[5] or (need[6] and mode != "gru")
        if need_w2 and need[4] and rows is not None:
            # the kernel kept every step's rows [state it started from, x2]: both weights' gradients (and the
            # biases', by x2's column of ones) are one product, where a second product of width I + 1 alone
            # runs at half BLAS's rate (b32 LSTM(32, 128), 50 steps: 1.94 -> 1.69 ms)
            g_all = product(xp, g_x2.T, rows)
            g_w_hh, g_w2 = xp.ascontiguousarray(g_all[:, :hidden]), g_all[:, hidden:]
        elif need_w2:
            g_w2 = product(xp, g_x2.T, x2)
        if need_w2:
            g_w_ih = xp.ascontiguousarray(g_w2[:, :size])
            g_b_ih = xp.ascontiguousarray(g_w2[:, size]) if x2.shape[1] > size else None   # None: no biases
        if need[4] and g_w_hh is None:
            g_w_hh = _hidden_weight_grad(xp, g_hid, ys, h0, reverse)
        return (product(xp, g_x2, w_ih).reshape(ctx.shape) if need[0] else None,
                gh if need[1] else None,
                gc if need[2] else None,
                g_w_ih if need[3] else None,
                g_w_hh if need[4] else None,
                g_b_ih if need[5] else None,
                (g_hid.reshape(g_x2.shape).sum(axis=0) if mode == "gru" else g_b_ih) if need[6] else None,
                None, None, None)


def _run_forward(xp, device, mode, x2, w2, steps_batch, h0, c0, w_hh, step_bias, reverse, held):
    """The forward by the first way that takes it -> (ys, cs, cache, step rows or None, whole_sequence): the
    backend's kernel that computes the input part x2 @ w2 itself (and keeps each step's [h_prev, x2] rows),
    its whole-sequence kernel over that part computed here, or the loop over cell kernels (whole_sequence
    False)."""
    if held is None and device.recurrence_forward_inputs is not None:
        whole = device.recurrence_forward_inputs(mode, x2.reshape(steps_batch + x2.shape[1:]), w2, h0, c0, w_hh,
                                                 reverse)
        if whole is not None:
            return whole + (True,)
    gx = product(xp, x2, w2)
    gx = gx.reshape(steps_batch + gx.shape[1:])
    if held is not None:
        _hold(xp, gx, held, w_hh.shape[1])
    if device.recurrence_forward is not None:
        whole = device.recurrence_forward(mode, gx, h0, c0, w_hh, step_bias, reverse)
        if whole is not None:
            return whole + (None, True)
    return _loop_forward(xp, device, mode, gx, h0, c0, w_hh, step_bias, reverse) + (None, False)


def _with_bias(xp, x2, w_ih, b_ih, b_hh):
    """(x2, w2) with x2 @ w2 = x2 @ w_ih.T + b_ih + b_hh (biases None skipped): the biases as one more
    row of w2 against a column of ones in x2, so that they cost no pass over the (T B, W H) result."""
    if b_ih is None and b_hh is None:
        return x2, xp.ascontiguousarray(w_ih.T)
    rows, size = x2.shape
    x_ones = xp.empty((rows, size + 1), x2.dtype)
    x_ones[:, :size] = x2
    x_ones[:, size] = 1
    w2 = xp.empty((size + 1, w_ih.shape[0]), w_ih.dtype)
    w2[:size] = w_ih.T
    if b_ih is None or b_hh is None:
        w2[size] = b_ih if b_hh is None else b_hh
    else:
        xp.add(b_ih, b_hh, out=w2[size])
    return x_ones, w2


def _hidden_weight_grad(xp, g_hid, ys, h0, reverse):
    """The gradient of w_hh, sum over steps of g_hid[t].T @ (the state step t started from), as one
    product over ys in place (no (T, B, H) copy of the starting states) plus h0's step when h0 is given."""
    steps, batch, width = g_hid.shape
    hidden = ys.shape[2]
    inner, first = (slice(None, -1), -1) if reverse else (slice(1, None), 0)
    starts = ys[1:] if reverse else ys[:-1]
    g = product(xp, g_hid[inner].reshape(-1, width).T, starts.reshape(-1, hidden))
    if h0 is not None:
        g += product(xp, g_hid[first].T, h0)
    return g


def _hold(xp, gx, held, hidden):
    """Saturate the LSTM gates of the held (step, row) positions of gx (T, B, 4H): forget gate 1, input
    gate 0, so that the step keeps c. sigmoid(+-inf) is exactly 1 or 0 on every backend, so c is kept
    bit for bit, and those gates' gradients are exactly zero (s (1 - s) = 0), so c's gradient passes
    through unchanged."""
    mask = xp.asarray(held)
    gx[mask, :hidden] = -xp.inf
    gx[mask, hidden:2 * hidden] = xp.inf


def _loop_forward(xp, device, mode, gx, h0, c0, w_hh, step_bias, reverse):
    """The recurrence as a Python loop over the cell kernels -> (ys, cs (LSTM) or None, per-step caches)."""
    steps, batch, _ = gx.shape
    hidden = w_hh.shape[1]
    h = xp.zeros((batch, hidden), gx.dtype) if h0 is None else h0
    c = cs = None
    if mode == "lstm":
        c = xp.zeros((batch, hidden), gx.dtype) if c0 is None else c0
        cs = xp.empty((steps, batch, hidden), gx.dtype)
    ys = xp.empty((steps, batch, hidden), gx.dtype)
    caches = [None] * steps
    w_hh_t = xp.ascontiguousarray(w_hh.T)   # BLAS runs a little faster on the untransposed layout
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        h, c, caches[t] = _step(mode, device, gx[t], h, c, w_hh_t, step_bias)
        ys[t] = h
        if c is not None:
            cs[t] = c
    return ys, cs, caches


def _starts(xp, states, first, reverse):
    """The state each step started from (T, B, H): `first` (zeros for None), then `states` (the states
    after each step, in time order), in the direction of travel."""
    first = xp.zeros((1,) + states.shape[1:], states.dtype) if first is None else first[None]
    return xp.concatenate((states[1:], first)) if reverse else xp.concatenate((first, states[:-1]))


def _loop_backward(device, mode, gy, gh_n, gc_n, h_prev, c_prev, caches, w_hh, reverse):
    """Backward of _loop_forward -> (g_x, g_hid, g_h0, g_c0), as Backend.recurrence_backward, given the
    states every step started from."""
    xp = device.xp
    steps, batch, hidden = h_prev.shape
    order = range(steps) if reverse else range(steps - 1, -1, -1)
    g_x = xp.empty((steps, batch, WIDTH[mode] * hidden), h_prev.dtype)
    g_hid = xp.empty_like(g_x) if mode == "gru" else g_x
    gh, gc = gh_n, gc_n
    for t in order:
        g_out = gy[t] + gh
        gxt, ght, g_direct, gc = _step_grad(mode, device, caches[t], h_prev[t],
                                            None if c_prev is None else c_prev[t], g_out, gc)
        g_x[t] = gxt
        if g_hid is not g_x:
            g_hid[t] = ght
        gh = product(xp, ght, w_hh)
        if g_direct is not None:
            gh += g_direct
    return g_x, g_hid, gh, gc


class Unbind(Function):
    """x (T, ...) -> the T tensors x[0], ..., x[T-1] as one node."""

    op_name = "unbind"

    def forward(ctx, x):
        return tuple(x)

    def backward(ctx, *grads):
        return ctx.xp.stack(grads)
