"""Whole-sequence recurrences (one layer direction): the time loop of forward and backward inside one
compiled kernel per mode, so a step costs its hidden-state product and one fused gate pass, with no
Python in between. The LSTM's steps call the cell kernels of rnn.py themselves; the GRU and Elman
gate arithmetic repeats theirs expression for expression. Results equal the step-by-step path up to
the rounding of the matrix products.

The caller has already added the input part of every step's pre-activations, `gx = x @ w_ih.T + b_ih`
(T, B, W*H) (plus b_hh outside GRU), except in `recurrence_forward_inputs`: on the register tiles the
LSTM's forward computes that part itself, each step one tile product of [h, x_t, 1] by [w_hh.T; w_ih.T;
b] (b32 LSTM(32, 128) over 50 steps: input product plus forward 2.6 -> 2.3 ms, the (T B, 33) @ (33,
512) product on its own running at a third of the tiles' rate). The weight gradients stay with the
caller, as one matrix product each over the gate gradients that the backward kernels gather for all
steps.

Each step's hidden-state product runs inside the kernel, by what `gemm` names: on an AVX2 or AVX-512
host the register-tiled product (tiled_product.py; `gemm` is TILED), 1.2-1.7x faster than OpenBLAS's
one thread on a recurrence's small matrices; elsewhere BLAS, NumPy's own sgemm/dgemm (blas.py) passed in as `gemm`, or
np.dot (SciPy's BLAS) when that is None. A sequence that calls BLAS is one measured choice of its
thread count (backends/thread_choice.py, as the NumPy kernels do): with another process on the
second core, two-thread products spin-wait for it at every step.

The rows of a batch never mix in a recurrence, so with the tiled products a sequence runs as parts of
the batch side by side on the worker threads, each a whole sequence of its own (kernels take the
arrays as (..., parts, B / parts, X) views and a part index p), with no synchronisation between
steps: b32 LSTM(32, 128) over 50 steps, forward 5.5 -> 3.8 ms and backward 5.4 -> 3.1 on two
threads. workers.run_measured falls back to this thread when that has lately been faster (a busy
machine, or OpenBLAS's threads still polling after a product); the halves one after the other cost
what the whole batch does.

Caches (only read here): LSTM keeps (T, B, 5H) = the activated gates i, f, g, o and tanh(c) of every
step, and its cell states (T, B, H); GRU keeps (T, B, 4H) = r, z, n and the hidden part of n's
pre-activation; RNN needs only its outputs. `reverse` runs from the last step to the first; outputs
stay in time order.
"""
import importlib.util

import numpy as np
from numba import types
from numba.extending import overload

from .. import thread_choice, threads, workers
from . import jit, rnn, tiled_product
from .blas import NO_TRANSPOSE, NUMPY_GEMM, ROW_MAJOR
from .vecmath import vsigmoid, vtanh

#: Numba's np.dot calls the BLAS that SciPy exports (a look-up, not an import: importing scipy.linalg
#: costs about 0.1 s, paid at the first compile instead)
HAS_SCIPY = importlib.util.find_spec("scipy") is not None

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
#: kernel code of each Elman nonlinearity
RNN_CODES = {"rnn_tanh": 0, "rnn_relu": 1}


#: the `gemm` argument that selects the register-tiled product (a bool, so that it types apart from
#: None and from BLAS's function pointers)
TILED = True


# The hidden-state product of each step, (32, 128) @ (128, 512) for the benchmark's LSTM: plain
# compiled loops (and register tiles that LLVM kept in memory) measured 1.2-2x slower than BLAS; the
# explicit vector registers of tiled_product.py measured 1.2-1.7x faster than it (AVX2 and AVX-512).
def matmul_into(gemm, a, b, out):
    """out = a @ b for C-contiguous 2-D arrays: by the register-tiled product for TILED (b given packed,
    tiled_product.packed), through `gemm` (a blas.NUMPY_GEMM function), or np.dot for None."""
    if gemm is None:
        np.dot(a, b, out)
    elif gemm is TILED:
        tiled_product.product_into(a, b, out)
    else:
        gemm(ROW_MAJOR, NO_TRANSPOSE, NO_TRANSPOSE, a.shape[0], b.shape[1], a.shape[1], 1.0, a.ctypes,
             a.shape[1], b.ctypes, b.shape[1], 0.0, out.ctypes, out.shape[1])


@overload(matmul_into, jit_options={"cache": True})
def _matmul_into_compiled(gemm, a, b, out):
    if isinstance(gemm, types.Boolean):
        def tiled(gemm, a, b, out):
            tiled_product.product_into(a, b, out)
        return tiled

    if isinstance(gemm, types.NoneType):
        def through_numba(gemm, a, b, out):
            np.dot(a, b, out)
        return through_numba

    def through_gemm(gemm, a, b, out):
        gemm(ROW_MAJOR, NO_TRANSPOSE, NO_TRANSPOSE, a.shape[0], b.shape[1], a.shape[1], 1.0, a.ctypes,
             a.shape[1], b.ctypes, b.shape[1], 0.0, out.ctypes, out.shape[1])
    return through_gemm


@jit.kernel
def _first(t, steps, reverse):
    """True when step t is the first one the recurrence takes."""
    return t == steps - 1 if reverse else t == 0


@jit.kernel
def _lstm_forward(gemm, gx, h0, c0, w_hh_t, ys, cs, acts, pre_parts, reverse, one, p):
    steps, batch = gx.shape[0], gx.shape[2]
    hidden = h0.shape[2]
    h, c, pre = h0[p], c0[p], pre_parts[p]
    for s in range(steps):
        t = steps - 1 - s if reverse else s
        matmul_into(gemm, h, w_hh_t, pre)
        g, a, c_new, h_new = gx[t, p], acts[t, p], cs[t, p], ys[t, p]
        for b in range(batch):
            for k in range(4 * hidden):
                pre[b, k] += g[b, k]
        rnn.lstm_cell_kernel(pre, c, h_new, c_new, a, one)   # the cell kernel itself: one copy of the gate arithmetic
        h, c = h_new, c_new


@jit.kernel
def _lstm_forward_inputs(x1, w_all, h0, c0, ys, cs, acts, rows, pre_parts, reverse, one, p):
    # rows[t, p] (B / parts, H + I') gets [h, x_t] of step t (h the state it starts from): one tile
    # product by the packed [w_hh.T; w2] gives the whole pre-activation, input part included, and the
    # rows stay for the weight gradients' one product
    steps, batch = x1.shape[0], x1.shape[2]
    hidden, size = h0.shape[2], x1.shape[3]
    c, pre = c0[p], pre_parts[p]
    h = h0[p]
    for s in range(steps):
        t = steps - 1 - s if reverse else s
        x, a = x1[t, p], rows[t, p]
        for b in range(batch):
            for k in range(hidden):
                a[b, k] = h[b, k]
            for k in range(size):
                a[b, hidden + k] = x[b, k]
        tiled_product.product_into(a, w_all, pre)
        g, c_new, h_new = acts[t, p], cs[t, p], ys[t, p]
        rnn.lstm_cell_kernel(pre, c, h_new, c_new, g, one)
        h, c = h_new, c_new


@jit.kernel
def _lstm_backward(gemm, acts, cs, c0_parts, gy, w_hh, g_gates, gh_parts, gc_parts, dh_parts, reverse, one, p):
    # gh, gc: the gradients reaching the state after the step, (B, H), overwritten in turn with those
    # of the state before it; dh: scratch
    steps, batch = acts.shape[0], acts.shape[2]
    hidden = c0_parts.shape[2]
    c0, gh, gc, dh = c0_parts[p], gh_parts[p], gc_parts[p], dh_parts[p]
    for s in range(steps):
        t = s if reverse else steps - 1 - s
        c_prev = c0 if _first(t, steps, reverse) else cs[t + 1 if reverse else t - 1, p]
        a, g, gyt = acts[t, p], g_gates[t, p], gy[t, p]
        for b in range(batch):
            for k in range(hidden):
                dh[b, k] = gyt[b, k] + gh[b, k]
        rnn.lstm_cell_grad_kernel(a, c_prev, dh, gc, g, gc, one)   # gc in and out: read before written, per element
        matmul_into(gemm, g, w_hh, gh)


@jit.kernel
def _gru_forward(gemm, gx, h0, w_hh_t, b_hh, ys, cache, hp_parts, reverse, one, p):
    steps, batch = gx.shape[0], gx.shape[2]
    hidden = h0.shape[2]
    h, hp = h0[p], hp_parts[p]
    for s in range(steps):
        t = steps - 1 - s if reverse else s
        matmul_into(gemm, h, w_hh_t, hp)
        g, cc, h_new = gx[t, p], cache[t, p], ys[t, p]
        for b in range(batch):
            for k in range(3 * hidden):
                hp[b, k] += b_hh[k]
            for k in range(2 * hidden):
                cc[b, k] = vsigmoid(g[b, k] + hp[b, k])
            for k in range(hidden):   # n, first into h_new
                h_new[b, k] = vtanh(g[b, 2 * hidden + k] + cc[b, k] * hp[b, 2 * hidden + k])
            for k in range(hidden):
                cc[b, 2 * hidden + k] = h_new[b, k]
                cc[b, 3 * hidden + k] = hp[b, 2 * hidden + k]
            for k in range(hidden):
                z = cc[b, hidden + k]
                h_new[b, k] = (one - z) * h_new[b, k] + z * h[b, k]
        h = h_new


@jit.kernel
def _gru_backward(gemm, cache, ys, h0_parts, gy, w_hh, g_x, g_hid, gh_parts, dh_parts, reverse, one, p):
    steps, batch = cache.shape[0], cache.shape[2]
    hidden = h0_parts.shape[2]
    h0, gh, dh = h0_parts[p], gh_parts[p], dh_parts[p]
    for s in range(steps):
        t = s if reverse else steps - 1 - s
        h_prev = h0 if _first(t, steps, reverse) else ys[t + 1 if reverse else t - 1, p]
        cc, gi, gh_t, gyt = cache[t, p], g_x[t, p], g_hid[t, p], gy[t, p]
        for b in range(batch):
            for k in range(hidden):
                dh[b, k] = gyt[b, k] + gh[b, k]
            for k in range(hidden):
                r = cc[b, k]
                z = cc[b, hidden + k]
                n = cc[b, 2 * hidden + k]
                hn = cc[b, 3 * hidden + k]
                go = dh[b, k]
                dn = go * (one - z) * (one - n * n)
                dz = go * (h_prev[b, k] - n) * z * (one - z)
                dr = dn * hn * r * (one - r)
                gi[b, k] = dr
                gh_t[b, k] = dr
                gi[b, hidden + k] = dz
                gh_t[b, hidden + k] = dz
                gi[b, 2 * hidden + k] = dn
                gh_t[b, 2 * hidden + k] = dn * r
            for k in range(hidden):   # the part of h_prev's gradient that skips the product
                dh[b, k] = dh[b, k] * cc[b, hidden + k]
        matmul_into(gemm, gh_t, w_hh, gh)
        for b in range(batch):
            for k in range(hidden):
                gh[b, k] += dh[b, k]


@jit.kernel
def _rnn_forward(gemm, code, gx, h0, w_hh_t, ys, pre_parts, reverse, one, p):
    steps, batch = gx.shape[0], gx.shape[2]
    hidden = h0.shape[2]
    zero = one - one
    h, pre = h0[p], pre_parts[p]
    for s in range(steps):
        t = steps - 1 - s if reverse else s
        matmul_into(gemm, h, w_hh_t, pre)
        g, h_new = gx[t, p], ys[t, p]
        for b in range(batch):
            if code == 0:
                for k in range(hidden):
                    h_new[b, k] = vtanh(pre[b, k] + g[b, k])
            else:
                for k in range(hidden):
                    v = pre[b, k] + g[b, k]
                    h_new[b, k] = zero if v <= zero else v   # NaN stays NaN, as np.maximum
        h = h_new


@jit.kernel
def _rnn_backward(gemm, code, ys, gy, w_hh, g, gh_parts, reverse, one, p):
    # relu's slope from its output: h > 0 exactly where the pre-activation is
    steps, batch, hidden = ys.shape[0], ys.shape[2], ys.shape[3]
    zero = one - one
    gh = gh_parts[p]
    for s in range(steps):
        t = s if reverse else steps - 1 - s
        y, gt, gyt = ys[t, p], g[t, p], gy[t, p]
        for b in range(batch):
            if code == 0:
                for k in range(hidden):
                    gt[b, k] = (gyt[b, k] + gh[b, k]) * (one - y[b, k] * y[b, k])
            else:
                for k in range(hidden):
                    gt[b, k] = (gyt[b, k] + gh[b, k]) * (one if y[b, k] > zero else zero)
        matmul_into(gemm, gt, w_hh, gh)


def takes(*arrays):
    """True when these kernels run on the arrays: NumPy float32 or float64, all of one dtype (None skipped),
    and a BLAS for the matrix products (NumPy's, or SciPy's through np.dot)."""
    present = [a for a in arrays if a is not None]
    dtype = present[0].dtype
    return ((dtype in NUMPY_GEMM or HAS_SCIPY) and dtype in _FLOATS
            and all(isinstance(a, np.ndarray) and a.dtype == dtype for a in present))


def _product(dtype):
    """The `gemm` argument of the kernels for arrays of this dtype (see matmul_into)."""
    return TILED if tiled_product.FAST else NUMPY_GEMM.get(dtype)


def _right_operand(gemm, b):
    """The weights every step multiplies by, b (K, N), as `gemm` takes them: packed once per sequence for
    the register-tiled product, C-contiguous for BLAS."""
    return tiled_product.packed(b) if gemm is TILED else np.ascontiguousarray(b)


def _part_count(gemm, batch):
    """How many parts of the batch a sequence runs in, side by side: the rows of a recurrence never mix,
    so each part is a whole sequence of its own. As many as there are threads, each of at least one
    register tile's rows, when the products are the tiled ones (which hold no BLAS thread); else one."""
    if gemm is not TILED:
        return 1
    count = min(threads.get_num_threads(), batch // tiled_product.ROWS)
    while count > 1 and batch % count:
        count -= 1
    return max(count, 1)


def _split(a, parts):
    """A view of a (..., B, X) array as (..., parts, B / parts, X): part p's rows at [..., p, :, :]."""
    return a.reshape(a.shape[:-2] + (parts, a.shape[-2] // parts, a.shape[-1]))


def _run(gemm, macs, parts, kernel, *args, shape):
    """kernel(*args, p) for every batch part p, args split into `parts` (_split); on the worker threads
    for the tiled products (or on this one, when that has lately been faster), else on BLAS's measured
    thread count."""
    if gemm is not TILED:
        return thread_choice.call(macs, kernel, *args, 0, shape=shape)

    def task(first, last):
        for p in range(first, last):
            kernel(*args, p)
    workers.run_measured(f"{shape[0]} {shape[1]}", task, parts, macs, parts)


def _c(a, shape, dtype):
    """`a` as a C-contiguous array of this shape and dtype (zeros for None)."""
    if a is None:
        return np.zeros(shape, dtype)
    return np.ascontiguousarray(np.broadcast_to(a, shape), dtype=dtype)


def recurrence_forward(mode, gx, h0, c0, w_hh, b_hh, reverse):
    """Run one direction over gx (T, B, W*H) -> (ys (T, B, H), cs (T, B, H) or None, cache).

    h0, c0 (B, H) or None (zeros); b_hh is read only for GRU (the other modes fold it into gx).
    """
    steps, batch, width = gx.shape
    hidden = w_hh.shape[1]
    dtype = gx.dtype
    one = dtype.type(1)
    gemm = _product(dtype)
    parts = _part_count(gemm, batch)
    gx = _split(np.ascontiguousarray(gx), parts)
    h0 = _split(_c(h0, (batch, hidden), dtype), parts)
    w_hh_t = _right_operand(gemm, w_hh.T)
    ys = np.empty((steps, batch, hidden), dtype)
    pre = _split(np.empty((batch, width), dtype), parts)
    macs, key = gx.size * hidden, ("recurrence_forward", mode, (steps, batch, width), dtype.str)
    if mode == "lstm":
        cs = np.empty_like(ys)
        acts = np.empty((steps, batch, 5 * hidden), dtype)
        _run(gemm, macs, parts, _lstm_forward, gemm, gx, h0, _split(_c(c0, (batch, hidden), dtype), parts), w_hh_t,
             _split(ys, parts), _split(cs, parts), _split(acts, parts), pre, reverse, one, shape=key)
        return ys, cs, acts
    if mode == "gru":
        cache = np.empty((steps, batch, 4 * hidden), dtype)
        _run(gemm, macs, parts, _gru_forward, gemm, gx, h0, w_hh_t, _c(b_hh, (width,), dtype), _split(ys, parts),
             _split(cache, parts), pre, reverse, one, shape=key)
        return ys, None, cache
    _run(gemm, macs, parts, _rnn_forward, gemm, RNN_CODES[mode], gx, h0, w_hh_t, _split(ys, parts), pre, reverse,
         one, shape=key)
    return ys, None, None


def recurrence_forward_inputs(mode, x2, w2, h0, c0, w_hh, reverse):
    """recurrence_forward with the input part gx = x2 @ w2 computed inside the kernel, step by step, in the
    same register-tiled product as the hidden state's (one product by [w_hh.T; w2] per step) -> (ys, cs,
    cache, rows), or None where this does not apply (modes other than LSTM, hosts without the tiled product).

    x2 (T, B, I') and w2 (I', 4H): the caller's inputs and input weights (a column of ones in x2 and a
    row of biases in w2 carry b_ih + b_hh). The cache is recurrence_forward's; rows (T B, H + I') holds
    each step's [state it started from, x2 row], the operand of every weight gradient at once.
    """
    steps, batch, size = x2.shape
    hidden = w_hh.shape[1]
    dtype = x2.dtype
    gemm = _product(dtype)
    if mode != "lstm" or gemm is not TILED:
        return None
    parts = _part_count(gemm, batch)
    w_all = tiled_product.packed(np.concatenate((w_hh.T, w2), axis=0))
    ys = np.empty((steps, batch, hidden), dtype)
    cs = np.empty_like(ys)
    acts = np.empty((steps, batch, 5 * hidden), dtype)
    rows = np.empty((steps, batch, hidden + size), dtype)
    macs = steps * batch * 4 * hidden * (hidden + size)
    key = ("recurrence_forward_inputs", mode, (steps, batch, size, hidden), dtype.str)
    _run(gemm, macs, parts, _lstm_forward_inputs, _split(np.ascontiguousarray(x2), parts), w_all,
         _split(_c(h0, (batch, hidden), dtype), parts), _split(_c(c0, (batch, hidden), dtype), parts),
         _split(ys, parts), _split(cs, parts), _split(acts, parts),
         _split(rows, parts), _split(np.empty((batch, 4 * hidden), dtype), parts),
         reverse, dtype.type(1), shape=key)
    return ys, cs, acts, rows.reshape(steps * batch, hidden + size)


def recurrence_backward(mode, gy, gh_n, gc_n, ys, cs, h0, c0, cache, w_hh, reverse):
    """Backward of recurrence_forward -> (g_x, g_hid, g_h0, g_c0 or None).

    g_x (T, B, W*H) is the gradient of gx; g_hid that of every step's hidden product h_prev @ w_hh.T
    + b_hh (the same array as g_x except for GRU). gy (T, B, H) and gh_n, gc_n (B, H) may be None.
    """
    steps, batch, hidden = ys.shape
    dtype = ys.dtype
    one = dtype.type(1)
    gemm = _product(dtype)
    parts = _part_count(gemm, batch)
    g_x = np.empty((steps, batch, w_hh.shape[0]), dtype)
    w_hh = _right_operand(gemm, w_hh)
    gy = _split(_c(gy, ys.shape, dtype), parts)
    gh = np.array(_c(gh_n, (batch, hidden), dtype))   # a private copy: the kernels update it in place
    dh = _split(np.empty((batch, hidden), dtype), parts)
    ys_parts = _split(np.ascontiguousarray(ys), parts)
    macs, key = g_x.size * hidden, ("recurrence_backward", mode, ys.shape, dtype.str)
    if mode == "lstm":
        gc = np.array(_c(gc_n, (batch, hidden), dtype))
        _run(gemm, macs, parts, _lstm_backward, gemm, _split(cache, parts), _split(cs, parts),
             _split(_c(c0, (batch, hidden), dtype), parts), gy, w_hh, _split(g_x, parts), _split(gh, parts),
             _split(gc, parts), dh, reverse, one, shape=key)
        return g_x, g_x, gh, gc
    if mode == "gru":
        g_hid = np.empty_like(g_x)
        _run(gemm, macs, parts, _gru_backward, gemm, _split(cache, parts), ys_parts,
             _split(_c(h0, (batch, hidden), dtype), parts), gy, w_hh, _split(g_x, parts), _split(g_hid, parts),
             _split(gh, parts), dh, reverse, one, shape=key)
        return g_x, g_hid, gh, None
    _run(gemm, macs, parts, _rnn_backward, gemm, RNN_CODES[mode], ys_parts, gy, w_hh, _split(g_x, parts),
         _split(gh, parts), reverse, one, shape=key)
    return g_x, g_x, gh, None
