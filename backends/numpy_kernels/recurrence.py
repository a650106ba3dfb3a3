"""Whole-sequence recurrences (one layer direction) in NumPy: the `cpu` device's Backend.recurrence_forward
and recurrence_backward, the same interface as the Numba kernels (numba_kernels/recurrence.py); each backend's
cache is its own (made by its forward, read only by its backward).

Every array a sequence needs is allocated once, before its time loop, and each step writes into
slices of them through `out=`: the per-step arrays of the cell-by-cell loop (a few tens of KB each,
fifty steps' worth alive until backward) made glibc grow and trim its heap every training step,
about 1,800 page faults a step for the benchmark's LSTM. Each step is its hidden-state product plus
six to ten ufunc calls on contiguous blocks; work that does not depend on the previous step runs in
passes over blocks of steps that fit the core's cache; the weight gradients stay with the caller (one
matrix product over all steps), and so does the input projection except for the LSTM's
`recurrence_forward_inputs`, whose steps each multiply [h_prev, x_t, 1] by [w_hh.T; w_ih.T; biases].

The LSTM activates its four gates in one pass, by exp or by tanh, whichever NumPy runs faster on
this host (`gates_by_exp`, measured once per dtype): its pre-activations are scaled on the way in (the
input part once per sequence, w_hh's rows once), so that by exp every gate is 1 / (1 + exp(v)) with
v = -x for i, f, o and -2x for g (tanh(x) = 2 sigmoid(2x) - 1), and by tanh every gate is tanh(v) with
v = x / 2 for i, f, o (sigmoid(x) = (1 + tanh(x / 2)) / 2) and x for g. The scales are powers of two
(exact), and either form is exact to within an ulp of 1 (about 6e-8 in float32), which is what a
gate's absolute error is measured against. On the AVX2 host of stop 27 (NumPy 2.4, over the (4, 32,
128) gates) float32 tanh took 42.7 us and exp 21.5, float64 219 and 83: the exp form took the
benchmark's step from 17.1 to 16.1 ms (medians of alternating rounds); on the AVX-512 host of stop 18
tanh ran about twice as fast as exp. GRU's r and z gates take the same choice (its n is a tanh):
b32 GRU(32, 128) over 50 steps, training step 16.5 -> 16.3 and 17.7 -> 17.0 ms.

Caches: LSTM (T + 1, 8, B, H), gate-major (see the LSTM section); GRU (T, B, 4H) = r, z, n and the
hidden part of n's pre-activation; the Elman RNN needs only its outputs. `reverse` runs from the last step to the first; outputs stay in time order.

A whole sequence is one measured choice of BLAS thread count (backends/thread_choice.py): its hundred
small products on two threads run 1.7x faster than on one on a quiet machine, and many times slower
when another process holds the second core.
"""
import functools
import time

import numpy as np

from .. import thread_choice

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
RELU = "rnn_relu"


def takes(*arrays):
    """True when these kernels run on the arrays: NumPy float32 or float64, all of one dtype (None skipped)."""
    present = [a for a in arrays if a is not None]
    dtype = present[0].dtype
    return dtype in _FLOATS and all(isinstance(a, np.ndarray) and a.dtype == dtype for a in present)


def _order(steps, reverse, backward=False):
    """The time indices in the order a forward (or, with backward, its backward) visits them."""
    forward_order = range(steps - 1, -1, -1) if reverse else range(steps)
    return forward_order[::-1] if backward else forward_order


def _state(a, batch, hidden, dtype):
    """A private (B, H) copy of a state, zeros for None (the loops update states in place)."""
    out = np.zeros((batch, hidden), dtype)
    if a is not None:
        out[...] = a
    return out


# ----- LSTM ----------------------------------------------------------------------------------------
# Each step's cache block is gate-major, (8, B, H): i, f, o, g, tanh(c), c_prev (the cell state the
# step started from; the step writes its own into the next block), i g and f c_prev, in the order the
# steps are visited. Every gate is then one contiguous (B, H) array (ufuncs on the column blocks of
# (B, 4H) rows run about 3x slower), the hidden product writes the four gates in place (one call of
# four (B, H) @ (H, H) products), the sigmoid gates are one block (their affine step is two scalar
# ufunc calls), and the pairs multiplied together sit at a fixed stride: (i, f) x (g, c_prev) is one
# call. Backward's per-step coefficients come from the cached products in whole-block passes.

_SLAB = (0, 1, 3, 2)      # the cache's gate order i, f, o, g, as PyTorch's gate indices (i, f, g, o)

#: steps per block of the whole-sequence passes (gate-major copies of gx, backward's coefficients): their
#: scratch stays in the core's cache and is reused block after block (one pass over whole (T, ...)
#: arrays runs from memory, about 3x slower)
BLOCK_BYTES = 1 << 19
#: ... for the LSTM backward's coefficient passes: at 512 KB the benchmark's b32 LSTM(32, 128) made 25
#: blocks of two steps, 9 small ufunc calls each; 1 MB blocks took its backward 4.09 -> 3.84 ms (Zen 4,
#: one thread, process time, medians of alternating runs; 2 and 4 MB 3.82 and 3.77), and were never
#: slower than 512 KB on the other shapes tried (b32/b64/b16, H 64-256, float64, both hidden-product
#: forms; 2 and 4 MB were slower on b64 LSTM(64, 256))
BACKWARD_BLOCK_BYTES = 1 << 20


def _blocks(steps, per_step_bytes, reverse, block_bytes=BLOCK_BYTES):
    """(visit_start, visit_end, time_start) of consecutive blocks of visited steps, each of about
    `block_bytes` of per-step data; the steps visited in [visit_start, visit_end) are the times
    [time_start, time_start + visit_end - visit_start)."""
    size = max(1, block_bytes // max(per_step_bytes, 1))
    for k0 in range(0, steps, size):
        k1 = min(steps, k0 + size)
        yield k0, k1, (steps - k1 if reverse else k0)


@functools.cache
def gates_by_exp(dtype):
    """True when NumPy's exp runs faster than its tanh here for this dtype (best of five alternating
    timings over an LSTM's worth of gates, once per process): the LSTM then activates its gates by exp.
    On a host where the two ran about as fast, two processes could choose differently, and their results
    then differ in the last bits, as with the BLAS thread count's measured choice (thread_choice.py)."""
    values = np.linspace(-4, 4, 16384, dtype=dtype)
    out = np.empty_like(values)
    best = {np.exp: float("inf"), np.tanh: float("inf")}
    for _ in range(5):
        for ufunc in best:
            start = time.perf_counter()
            ufunc(values, out=out)
            best[ufunc] = min(best[ufunc], time.perf_counter() - start)
    return best[np.exp] < best[np.tanh]


def _activate_by_exp(gates, one, two):
    """Gates (4, B, H) holding -x (i, f, o) and -2x (g) -> sigmoid(x) and tanh(x), in place."""
    np.exp(gates, out=gates)
    gates += one
    np.divide(one, gates, out=gates)
    g = gates[3]
    g *= two
    g -= one


def _activate_by_tanh(gates, half):
    """Gates (4, B, H) holding x / 2 (i, f, o) and x (g) -> sigmoid(x) and tanh(x), in place."""
    np.tanh(gates, out=gates)
    sig = gates[:3]
    sig *= half
    sig += half


def _gate_weights(parts, hidden, by_exp, dtype):
    """The right operand of the per-step product, (4, K, H) in the cache's gate order, from `parts` (matrices
    (K_i, 4H) in PyTorch's gate order, stacked along K): each gate's columns scaled as its activation
    wants its pre-activation (see the module's docstring; powers of two, so exactly)."""
    half = dtype.type(0.5)
    scale_sigmoid, scale_g = (-1, -2) if by_exp else (half, 1)
    out = np.empty((4, sum(p.shape[0] for p in parts), hidden), dtype)
    for k, gate in enumerate(_SLAB):
        row = 0
        for part in parts:
            np.multiply(part[:, gate * hidden:(gate + 1) * hidden], scale_g if gate == 2 else scale_sigmoid,
                        out=out[k, row:row + part.shape[0]])
            row += part.shape[0]
    return out


def _lstm_cell_step(a, c, y, by_exp, half, one, two):
    """The rest of one step once its cache block a (8, B, H) holds the scaled pre-activations in a[:4]:
    the gates, i g and f c_prev, the new cell state into c, tanh(c) and the output h into y."""
    gates = a[:4]
    if by_exp:
        _activate_by_exp(gates, one, two)
    else:
        _activate_by_tanh(gates, half)
    np.multiply(a[:2], a[3:6:2], out=a[6:])   # i g, f c_prev
    np.add(a[6], a[7], out=c)
    np.tanh(c, out=a[4])
    np.multiply(a[2], a[4], out=y)


def _lstm_forward(gx, h0, c0, w_hh, reverse):
    steps, batch, width = gx.shape
    hidden = width // 4
    dtype = gx.dtype
    half, one, two = dtype.type(0.5), dtype.type(1), dtype.type(2)
    by_exp = gates_by_exp(dtype)
    scale_sigmoid, scale_g = (-1, -2) if by_exp else (half, 1)   # see the module's docstring
    src = gx.reshape(steps, batch, 4, hidden).transpose(0, 2, 1, 3)
    w4 = _gate_weights((w_hh.T,), hidden, by_exp, dtype)   # w4[k] = that gate's rows of w_hh, transposed
    cache = np.empty((steps + 1, 8, batch, hidden), dtype)
    cache[0, 5] = 0 if c0 is None else c0
    ys = np.empty((steps, batch, hidden), dtype)
    h = _state(h0, batch, hidden, dtype)
    order = _order(steps, reverse)
    scratch = None
    for k0, k1, t0 in _blocks(steps, gx[0].nbytes, reverse):
        n = k1 - k0
        if scratch is None:
            scratch = np.empty((n, 4, batch, hidden), dtype)
        gates_x = scratch[:n]                 # cache order, scaled as w4
        part = src[t0:t0 + n]
        np.multiply(part[:, :2], scale_sigmoid, out=gates_x[:, :2])
        np.multiply(part[:, 3], scale_sigmoid, out=gates_x[:, 2])
        np.multiply(part[:, 2], scale_g, out=gates_x[:, 3])
        for k in range(k0, k1):
            t = order[k]
            a = cache[k]
            np.matmul(h, w4, out=a[:4])
            a[:4] += gates_x[t - t0]
            _lstm_cell_step(a, cache[k + 1, 5], ys[t], by_exp, half, one, two)
            h = ys[t]
    cs = cache[steps:0:-1, 5] if reverse else cache[1:, 5]
    return ys, cs, cache


def _lstm_forward_rows(x2, w2, h0, c0, w_hh, reverse):
    """_lstm_forward with the input part inside each step's product: step t multiplies its row block
    [state it started from, x2[t]] (B, H + I') by the scaled [w_hh.T; w2] -> (ys, cs, cache, rows (T B, H + I')).

    Against a separate input product over all steps, plus a scaled gate-major copy of it and one more
    addition a step, this saves more than the longer per-step product costs, and the rows are the
    operand of both weight gradients at once (the benchmark's b32 LSTM(32, 128), 50 steps, replayed by
    ag.jit on one thread: 13.7 -> 13.0 ms, process-time medians of alternating runs)."""
    steps, batch, size = x2.shape
    hidden = w_hh.shape[1]
    dtype = x2.dtype
    half, one, two = dtype.type(0.5), dtype.type(1), dtype.type(2)
    by_exp = gates_by_exp(dtype)
    w4 = _gate_weights((w_hh.T, w2), hidden, by_exp, dtype)
    rows = np.empty((steps, batch, hidden + size), dtype)
    rows[:, :, hidden:] = x2
    order = _order(steps, reverse)
    if steps:
        rows[order[0], :, :hidden] = 0 if h0 is None else h0
    cache = np.empty((steps + 1, 8, batch, hidden), dtype)
    cache[0, 5] = 0 if c0 is None else c0
    ys = np.empty((steps, batch, hidden), dtype)
    for k, t in enumerate(order):
        a = cache[k]
        np.matmul(rows[t], w4, out=a[:4])
        _lstm_cell_step(a, cache[k + 1, 5], ys[t], by_exp, half, one, two)
        if k + 1 < steps:
            rows[order[k + 1], :, :hidden] = ys[t]
    cs = cache[steps:0:-1, 5] if reverse else cache[1:, 5]
    return ys, cs, cache, rows.reshape(steps * batch, hidden + size)


def _lstm_coefficients(a, h, coef):
    """What multiplies dc (i, f, g) and dh (o, c) into the gate gradients and dc, for a block of cached
    steps a (n, 8, B, H) with their outputs h (n, B, H), into coef (n, 5, B, H), in whole-block passes.

    d_i = dc g i (1 - i), d_f = dc c_prev f (1 - f), d_g = dc i (1 - g^2), d_o = dh tanh(c) o (1 - o),
    and dc gains dh o (1 - tanh(c)^2); with the cached products i g, f c_prev and h = o tanh(c) each
    coefficient takes two passes.
    """
    one = a.dtype.type(1)
    np.subtract(one, a[:, :2], out=coef[:, :2])
    coef[:, :2] *= a[:, 6:]                   # i g (1 - i), f c_prev (1 - f)
    np.multiply(a[:, 6], a[:, 3], out=coef[:, 2])
    np.subtract(a[:, 0], coef[:, 2], out=coef[:, 2])   # i - i g g
    np.subtract(one, a[:, 2], out=coef[:, 3])
    coef[:, 3] *= h                           # h (1 - o)
    np.multiply(h, a[:, 4], out=coef[:, 4])
    np.subtract(a[:, 2], coef[:, 4], out=coef[:, 4])   # o - h tanh(c)


@functools.cache
def hidden_grads_by_gate(dtype, batch, hidden):
    """True when the LSTM backward's hidden product runs faster here as four per-gate (B, H) @ (H, H)
    products in one stacked call and their sum than as one (B, 4H) @ (4H, H) product (best of five
    alternating timings, once per process, dtype and shape). Host-dependent: on stop 27's AVX2 host the
    one product won (37 against 57 us a step on two threads, 65 against 72 on one); on stop 56's Zen 4 host
    (OpenBLAS 0.3.31, one thread) the stacked call won, 44 against 52 us, and the benchmark's backward
    went 4.8 -> 4.2 ms. The two sum in different orders, so results differ in the last bits between
    processes that chose differently, as with gates_by_exp."""
    rng = np.random.default_rng(0)
    grads = rng.standard_normal((4, batch, hidden)).astype(dtype)
    w_hh = rng.standard_normal((4 * hidden, hidden)).astype(dtype)
    rows = np.ascontiguousarray(grads.transpose(1, 0, 2)).reshape(batch, 4 * hidden)
    parts, out = np.empty_like(grads), np.empty((batch, hidden), dtype)
    w4 = w_hh.reshape(4, hidden, hidden)

    def stacked():
        np.matmul(grads, w4, out=parts)
        np.add.reduce(parts, axis=0, out=out)
    best = {stacked: float("inf"), "one": float("inf")}
    for _ in range(5):
        for form in best:
            start = time.perf_counter()
            if form == "one":
                np.matmul(rows, w_hh, out=out)
            else:
                form()
            best[form] = min(best[form], time.perf_counter() - start)
    return best[stacked] < best["one"]


def _lstm_backward(gy, gh, gc, ys, cache, w_hh, reverse):
    # gh, gc: the gradients reaching the state after the step, overwritten in turn with those of the
    # state before it. Each step writes its four gate gradients either straight into its (B, 4H) row of
    # g_x (through a gate-major view) and multiplies that row by w_hh in one product, or, where the
    # host runs it faster (hidden_grads_by_gate), into a gate-major block (contiguous per gate, so the
    # ufuncs write no strided rows), multiplied gate by gate and summed; each block of steps is then
    # copied into g_x at once.
    steps, batch, hidden = ys.shape
    dtype = cache.dtype
    g_x = np.empty((steps, batch, 4 * hidden), dtype)
    by_gate = g_x.reshape(steps, batch, 4, hidden).transpose(0, 2, 1, 3)   # [t, gate] = (B, H)
    dh = np.empty((batch, hidden), dtype) if gy is not None else gh
    dc = np.empty((batch, hidden), dtype)
    stacked = hidden_grads_by_gate(dtype, batch, hidden)
    w4 = w_hh.reshape(4, hidden, hidden)
    parts = np.empty((4, batch, hidden), dtype) if stacked else None
    order = _order(steps, reverse)
    blocks = list(_blocks(steps, (14 if stacked else 10) * dh.nbytes, reverse, BACKWARD_BLOCK_BYTES))
    size = blocks[0][1] if blocks else 0
    coef = np.empty((size, 5, batch, hidden), dtype)
    grads = np.empty((size, 4, batch, hidden), dtype) if stacked else by_gate
    for k0, k1, t0 in reversed(blocks):
        n = k1 - k0
        h = ys[t0:t0 + n]
        _lstm_coefficients(cache[k0:k1], h[::-1] if reverse else h, coef[:n])
        for k in range(k1 - 1, k0 - 1, -1):
            t = order[k]
            q, g = coef[k - k0], grads[t - t0 if stacked else t]   # g: PyTorch's gate order i, f, g, o
            if gy is not None:
                np.add(gy[t], gh, out=dh)
            np.multiply(dh, q[3], out=g[3])   # d_o
            np.multiply(dh, q[4], out=dc)     # dc's part through h
            dc += gc
            np.multiply(dc, q[:3], out=g[:3])
            np.multiply(dc, cache[k, 1], out=gc)
            if stacked:
                np.matmul(g, w4, out=parts)
                np.add.reduce(parts, axis=0, out=gh)
            else:
                np.matmul(g_x[t], w_hh, out=gh)
        if stacked:
            np.copyto(by_gate[t0:t0 + n], grads[:n])
    return g_x, gh, gc


# ----- GRU -----------------------------------------------------------------------------------------

def _gru_forward(gx, h0, w_hh, b_hh, reverse):
    steps, batch, width = gx.shape
    hidden = width // 3
    dtype = gx.dtype
    half, one = dtype.type(0.5), dtype.type(1)
    by_exp = gates_by_exp(dtype)
    w_t = np.ascontiguousarray(w_hh.T)
    ys = np.empty((steps, batch, hidden), dtype)
    cache = np.empty((steps, batch, 4 * hidden), dtype)
    hp = np.empty((batch, width), dtype)
    h = _state(h0, batch, hidden, dtype)
    for t in _order(steps, reverse):
        np.matmul(h, w_t, out=hp)
        if b_hh is not None:
            hp += b_hh
        cc, x = cache[t], gx[t]
        rz = cc[:, :2 * hidden]
        np.add(x[:, :2 * hidden], hp[:, :2 * hidden], out=rz)
        if by_exp:                            # sigmoid(v) = 1 / (1 + exp(-v))
            np.negative(rz, out=rz)
            np.exp(rz, out=rz)
            rz += one
            np.divide(one, rz, out=rz)
        else:                                 # sigmoid(v) = (1 + tanh(v / 2)) / 2
            rz *= half
            np.tanh(rz, out=rz)
            rz *= half
            rz += half
        r, z, n, hn = (cc[:, k * hidden:(k + 1) * hidden] for k in range(4))
        hn[...] = hp[:, 2 * hidden:]
        np.multiply(r, hn, out=n)
        n += x[:, 2 * hidden:]
        np.tanh(n, out=n)
        h_new = ys[t]
        np.subtract(h, n, out=h_new)         # h = n + z (h_prev - n)
        h_new *= z
        h_new += n
        h = h_new
    return ys, cache


def _gru_backward(gy, gh, ys, h0, cache, w_hh, reverse):
    steps, batch, hidden = ys.shape
    dtype = ys.dtype
    one = dtype.type(1)
    g_x = np.empty((steps, batch, 3 * hidden), dtype)
    g_hid = np.empty_like(g_x)
    dh = np.empty((batch, hidden), dtype)
    tmp = np.empty_like(dh)
    h_zero = np.zeros((batch, hidden), dtype) if h0 is None else h0
    first = steps - 1 if reverse else 0
    for t in _order(steps, reverse, backward=True):
        r, z, n, hn = (cache[t][:, k * hidden:(k + 1) * hidden] for k in range(4))
        h_prev = h_zero if t == first else ys[t + 1 if reverse else t - 1]
        gi, gk = g_x[t], g_hid[t]
        dr, dz, dn = (gi[:, k * hidden:(k + 1) * hidden] for k in range(3))
        if gy is None:
            dh[...] = gh
        else:
            np.add(gy[t], gh, out=dh)
        np.subtract(one, z, out=tmp)          # 1 - z
        np.multiply(n, n, out=dn)             # dn = dh (1 - z) (1 - n^2)
        np.subtract(one, dn, out=dn)
        dn *= tmp
        dn *= dh
        np.subtract(h_prev, n, out=dz)        # dz = dh (h_prev - n) z (1 - z)
        dz *= dh
        dz *= z
        dz *= tmp
        np.subtract(one, r, out=dr)           # dr = dn hn r (1 - r)
        dr *= r
        dr *= hn
        dr *= dn
        gk[:, :2 * hidden] = gi[:, :2 * hidden]
        np.multiply(dn, r, out=gk[:, 2 * hidden:])
        np.matmul(gk, w_hh, out=gh)
        dh *= z                               # the part of h_prev's gradient that skips the product
        gh += dh
    return g_x, g_hid, gh


# ----- Elman RNN -----------------------------------------------------------------------------------

def _rnn_forward(mode, gx, h0, w_hh, reverse):
    steps, batch, hidden = gx.shape
    dtype = gx.dtype
    w_t = np.ascontiguousarray(w_hh.T)
    ys = np.empty((steps, batch, hidden), dtype)
    pre = np.empty((batch, hidden), dtype)
    h = _state(h0, batch, hidden, dtype)
    for t in _order(steps, reverse):
        np.matmul(h, w_t, out=pre)
        pre += gx[t]
        if mode == RELU:
            np.maximum(pre, 0, out=ys[t])
        else:
            np.tanh(pre, out=ys[t])
        h = ys[t]
    return ys


def _rnn_backward(mode, gy, gh, ys, w_hh, reverse):
    steps, batch, hidden = ys.shape
    dtype = ys.dtype
    one = dtype.type(1)
    g_x = np.empty_like(ys)
    slope = np.empty((batch, hidden), dtype)
    for t in _order(steps, reverse, backward=True):
        y, g = ys[t], g_x[t]
        if mode == RELU:
            np.greater(y, 0, out=slope)       # h > 0 exactly where the pre-activation is
        else:
            np.multiply(y, y, out=slope)
            np.subtract(one, slope, out=slope)
        if gy is None:
            np.multiply(gh, slope, out=g)
        else:
            np.add(gy[t], gh, out=g)
            g *= slope
        np.matmul(g, w_hh, out=gh)
    return g_x


# ----- the Backend entry points ---------------------------------------------------------------------

def recurrence_forward(mode, gx, h0, c0, w_hh, b_hh, reverse):
    """Run one direction over gx (T, B, W*H) -> (ys (T, B, H), cs (T, B, H) or None, cache).

    gx is scratch (overwritten); h0, c0 (B, H) or None (zeros); b_hh is read only for GRU (the other
    modes fold it into gx).
    """
    def run():
        with np.errstate(over="ignore", under="ignore"):
            if mode == "lstm":
                return _lstm_forward(gx, h0, c0, w_hh, reverse)
            if mode == "gru":
                ys, cache = _gru_forward(gx, h0, w_hh, b_hh, reverse)
                return ys, None, cache
            return _rnn_forward(mode, gx, h0, w_hh, reverse), None, None
    return thread_choice.call(gx.size * w_hh.shape[1], run, shape=("recurrence_forward", mode, gx.shape, gx.dtype.str))


def recurrence_forward_inputs(mode, x2, w2, h0, c0, w_hh, reverse):
    """recurrence_forward with the input part x2 @ w2 inside each step's product -> (ys, cs, cache, rows), or
    None for modes other than LSTM. x2 (T, B, I') and w2 (I', 4H): the inputs and input weights (a column of
    ones in x2 and a row of biases in w2 carry the biases); rows (T B, H + I') holds each step's [state it
    started from, x2 row]. The cache is recurrence_forward's."""
    if mode != "lstm":
        return None
    steps, batch, size = x2.shape
    hidden = w_hh.shape[1]

    def run():
        with np.errstate(over="ignore", under="ignore"):
            return _lstm_forward_rows(x2, w2, h0, c0, w_hh, reverse)
    return thread_choice.call(steps * batch * 4 * hidden * (hidden + size), run,
                              shape=("recurrence_forward_inputs", mode, x2.shape, x2.dtype.str))


def recurrence_backward(mode, gy, gh_n, gc_n, ys, cs, h0, c0, cache, w_hh, reverse):
    """Backward of recurrence_forward -> (g_x, g_hid, g_h0, g_c0 or None).

    g_x (T, B, W*H) is the gradient of gx; g_hid that of every step's hidden product h_prev @ w_hh.T
    + b_hh (the same array as g_x except for GRU). gy (T, B, H) and gh_n, gc_n (B, H) may be None.
    """
    batch, hidden = ys.shape[1], ys.shape[2]
    dtype = ys.dtype

    def run():
        gh = _state(gh_n, batch, hidden, dtype)
        if mode == "lstm":
            g_x, gh, gc = _lstm_backward(gy, gh, _state(gc_n, batch, hidden, dtype), ys, cache, w_hh, reverse)
            return g_x, g_x, gh, gc
        if mode == "gru":
            g_x, g_hid, gh = _gru_backward(gy, gh, ys, h0, cache, w_hh, reverse)
            return g_x, g_hid, gh, None
        g_x = _rnn_backward(mode, gy, gh, ys, w_hh, reverse)
        return g_x, g_x, gh, None
    return thread_choice.call(ys.size * w_hh.shape[0], run, shape=("recurrence_backward", mode, ys.shape, dtype.str))
