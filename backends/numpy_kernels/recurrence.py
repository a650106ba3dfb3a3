"""Whole-sequence recurrences (one layer direction) in NumPy: the `cpu` device's Backend.recurrence_forward
and recurrence_backward, the same interface and cache layouts as the Numba kernels (numba_kernels/recurrence.py).

Every array a sequence needs is allocated once, before its time loop, and each step writes into
slices of them through `out=`: the per-step arrays of the cell-by-cell loop (a few tens of KB each,
fifty steps' worth alive until backward) made glibc grow and trim its heap every training step,
about 1,800 page faults a step for the benchmark's LSTM. Each step is its hidden-state product plus
about ten whole-array ufunc calls; the input projection and the weight gradients stay with the
caller (one matrix product each over all steps).

The sigmoids come from the tanh pass that the cell needs anyway, sigmoid(x) = (1 + tanh(x / 2)) / 2
(NumPy's tanh loop is about twice as fast as its exp): the LSTM's i, f, o columns of the input part
and of w_hh are halved once per sequence (exact in binary floating point), so a single tanh call
per step covers all four gates. That form is exact to within an ulp of 1 (about 6e-8 in float32),
which is what a gate's absolute error is measured against.

Caches: LSTM (T, B, 5H) = i, f, g, o and tanh(c) of every step, with its cell states (T, B, H);
GRU (T, B, 4H) = r, z, n and the hidden part of n's pre-activation; the Elman RNN needs only its
outputs. `reverse` runs from the last step to the first; outputs stay in time order.

A whole sequence is one measured choice of BLAS thread count (backends/thread_choice.py): its hundred
small products on two threads run 1.7x faster than on one on a quiet machine, and many times slower
when another process holds the second core.
"""
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


def _sigmoid_scale(hidden, gates, dtype):
    """(scale, offset) per pre-activation column: 0.5 and 0.5 on the sigmoid gates, 1 and 0 on `gates`
    (the tanh blocks, as slices of width hidden)."""
    scale = np.full(4 * hidden, 0.5, dtype)
    offset = np.full(4 * hidden, 0.5, dtype)
    for block in gates:
        scale[block * hidden:(block + 1) * hidden] = 1
        offset[block * hidden:(block + 1) * hidden] = 0
    return scale, offset


# ----- LSTM ----------------------------------------------------------------------------------------

def _lstm_forward(gx, h0, c0, w_hh, reverse):
    steps, batch, width = gx.shape
    hidden = width // 4
    dtype = gx.dtype
    scale, offset = _sigmoid_scale(hidden, (2,), dtype)
    gx *= scale                               # the caller's scratch: tanh(x / 2) for i, f, o below
    w_t = w_hh.T * scale                      # (H, 4H), C-contiguous: BLAS runs a little faster on it
    ys = np.empty((steps, batch, hidden), dtype)
    cs = np.empty_like(ys)
    acts = np.empty((steps, batch, 5 * hidden), dtype)
    pre = np.empty((batch, width), dtype)
    ig = np.empty((batch, hidden), dtype)
    h = _state(h0, batch, hidden, dtype)
    c = _state(c0, batch, hidden, dtype)
    for t in _order(steps, reverse):
        np.matmul(h, w_t, out=pre)
        pre += gx[t]
        np.tanh(pre, out=pre)                 # on the contiguous buffer: ufuncs run ~2x slower on
        pre *= scale                          # the cache's rows of 5H; i, f, o: (1 + tanh(x / 2)) / 2
        pre += offset
        a = acts[t]
        a[:, :width] = pre
        i, f, g, o, tanh_c = (a[:, k * hidden:(k + 1) * hidden] for k in range(5))
        c_new, h_new = cs[t], ys[t]
        np.multiply(f, c, out=c_new)
        np.multiply(i, g, out=ig)
        c_new += ig
        np.tanh(c_new, out=tanh_c)
        np.multiply(o, tanh_c, out=h_new)
        h, c = h_new, c_new
    return ys, cs, acts


def _lstm_backward(gy, gh, gc, cs, c0, acts, w_hh, reverse):
    # gh, gc: the gradients reaching the state after the step, overwritten in turn with those of the
    # state before it
    steps, batch, hidden = cs.shape
    dtype = cs.dtype
    one = dtype.type(1)
    # the activations' slopes in one pass each: (1 - a)(a + q) is s (1 - s) for a sigmoid (q = 0)
    # and 1 - a^2 for a tanh (q = 1): blocks g and tanh(c)
    q = np.zeros(5 * hidden, dtype)
    q[2 * hidden:3 * hidden] = q[4 * hidden:] = 1
    g_x = np.empty((steps, batch, 4 * hidden), dtype)
    slope = np.empty((batch, 5 * hidden), dtype)
    tmp = np.empty_like(slope)
    dh = np.empty((batch, hidden), dtype)
    dc = np.empty_like(dh)
    c_zero = np.zeros((batch, hidden), dtype) if c0 is None else c0
    first = steps - 1 if reverse else 0
    for t in _order(steps, reverse, backward=True):
        a, g = acts[t], g_x[t]
        i, f, gg, o, tanh_c = (a[:, k * hidden:(k + 1) * hidden] for k in range(5))
        c_prev = c_zero if t == first else cs[t + 1 if reverse else t - 1]
        if gy is None:
            dh[...] = gh
        else:
            np.add(gy[t], gh, out=dh)
        np.subtract(one, a, out=slope)
        np.add(a, q, out=tmp)
        slope *= tmp
        np.multiply(dh, o, out=dc)            # dc = gc + dh * o * (1 - tanh(c)^2)
        dc *= slope[:, 4 * hidden:]
        dc += gc
        np.multiply(dc, gg, out=g[:, :hidden])
        np.multiply(dc, c_prev, out=g[:, hidden:2 * hidden])
        np.multiply(dc, i, out=g[:, 2 * hidden:3 * hidden])
        np.multiply(dh, tanh_c, out=g[:, 3 * hidden:])
        g *= slope[:, :4 * hidden]
        np.multiply(dc, f, out=gc)
        np.matmul(g, w_hh, out=gh)
    return g_x, gh, gc


# ----- GRU -----------------------------------------------------------------------------------------

def _gru_forward(gx, h0, w_hh, b_hh, reverse):
    steps, batch, width = gx.shape
    hidden = width // 3
    dtype = gx.dtype
    half = dtype.type(0.5)
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
        rz *= half                            # sigmoid(v) = (1 + tanh(v / 2)) / 2, as in the LSTM
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
            g_x, gh, gc = _lstm_backward(gy, gh, _state(gc_n, batch, hidden, dtype), cs, c0, cache, w_hh, reverse)
            return g_x, g_x, gh, gc
        if mode == "gru":
            g_x, g_hid, gh = _gru_backward(gy, gh, ys, h0, cache, w_hh, reverse)
            return g_x, g_hid, gh, None
        g_x = _rnn_backward(mode, gy, gh, ys, w_hh, reverse)
        return g_x, g_x, gh, None
    return thread_choice.call(ys.size * w_hh.shape[0], run, shape=("recurrence_backward", mode, ys.shape, dtype.str))
