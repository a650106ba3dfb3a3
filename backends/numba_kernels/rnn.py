"""LSTM and GRU cells, forward and backward, each one fused single-threaded pass (a (32, 128) cell
step is tens of microseconds, about what waking a second thread costs). `one` is 1 in the data's
dtype: a Python 1.0 would widen float32 arithmetic to float64.

The cache a forward returns is only read by this module's backward: LSTM keeps (B, 5H) = the
activated gates i, f, g, o and tanh(c); GRU keeps (B, 4H) = r, z, n and the hidden projection of n.
"""
import numpy as np

from ..array_kernels.rnn import check_gates, check_gru   # one message on every device
from . import jit
from .vecmath import vsigmoid, vtanh


# The forwards run as several loops per row that each write one array: LLVM only vectorises a loop
# whose stores it can prove do not overlap its loads, and gives up past a few arrays (one loop
# writing h, c and the cache ran 4x slower).
@jit.kernel
def lstm_cell_kernel(gates, c_prev, h, c, cache, one):
    hidden = c_prev.shape[1]
    for b in range(gates.shape[0]):
        for k in range(2 * hidden):                  # i, f
            cache[b, k] = vsigmoid(gates[b, k])
        # offsets inside the index, not in the range's start: a loop from 2 * hidden stayed scalar
        for k in range(hidden):                      # g
            cache[b, 2 * hidden + k] = vtanh(gates[b, 2 * hidden + k])
        for k in range(hidden):                      # o
            cache[b, 3 * hidden + k] = vsigmoid(gates[b, 3 * hidden + k])
        for k in range(hidden):
            c[b, k] = cache[b, hidden + k] * c_prev[b, k] + cache[b, k] * cache[b, 2 * hidden + k]
        for k in range(hidden):
            cache[b, 4 * hidden + k] = vtanh(c[b, k])
        for k in range(hidden):
            h[b, k] = cache[b, 3 * hidden + k] * cache[b, 4 * hidden + k]


@jit.kernel
def lstm_cell_grad_kernel(cache, c_prev, gh, gc, g_gates, g_c_prev, one):
    # one array written per loop, as in lstm_cell_kernel (one loop writing all five ran ~1.5x slower);
    # g_c_prev holds dc, the gradient reaching c, until the last loop scales it by f
    hidden = c_prev.shape[1]
    for b in range(cache.shape[0]):
        for k in range(hidden):
            o = cache[b, 3 * hidden + k]
            tc = cache[b, 4 * hidden + k]
            g_c_prev[b, k] = gc[b, k] + gh[b, k] * o * (one - tc * tc)
        for k in range(hidden):
            o = cache[b, 3 * hidden + k]
            g_gates[b, 3 * hidden + k] = gh[b, k] * cache[b, 4 * hidden + k] * o * (one - o)
        for k in range(hidden):
            i = cache[b, k]
            g_gates[b, k] = g_c_prev[b, k] * cache[b, 2 * hidden + k] * i * (one - i)
        for k in range(hidden):
            f = cache[b, hidden + k]
            g_gates[b, hidden + k] = g_c_prev[b, k] * c_prev[b, k] * f * (one - f)
        for k in range(hidden):
            g = cache[b, 2 * hidden + k]
            g_gates[b, 2 * hidden + k] = g_c_prev[b, k] * cache[b, k] * (one - g * g)
        for k in range(hidden):
            g_c_prev[b, k] *= cache[b, hidden + k]


@jit.kernel
def _gru(gi, gh, h_prev, h, cache, one):
    hidden = h_prev.shape[1]
    for b in range(gi.shape[0]):
        for k in range(2 * hidden):                  # r, z
            cache[b, k] = vsigmoid(gi[b, k] + gh[b, k])
        # n goes into h first: a loop that reads and writes the cache ran 3x slower
        for k in range(hidden):
            h[b, k] = vtanh(gi[b, 2 * hidden + k] + cache[b, k] * gh[b, 2 * hidden + k])
        for k in range(hidden):
            cache[b, 2 * hidden + k] = h[b, k]
            cache[b, 3 * hidden + k] = gh[b, 2 * hidden + k]
        for k in range(hidden):
            z = cache[b, hidden + k]
            h[b, k] = (one - z) * h[b, k] + z * h_prev[b, k]


@jit.kernel
def _gru_grad(cache, h_prev, gout, g_gi, g_gh, g_h_prev, one):
    hidden = h_prev.shape[1]
    for b in range(cache.shape[0]):
        for k in range(hidden):
            r = cache[b, k]
            z = cache[b, hidden + k]
            n = cache[b, 2 * hidden + k]
            hn = cache[b, 3 * hidden + k]
            go = gout[b, k]
            dn = go * (one - z) * (one - n * n)
            dz = go * (h_prev[b, k] - n) * z * (one - z)
            dr = dn * hn * r * (one - r)
            g_gi[b, k] = dr
            g_gh[b, k] = dr
            g_gi[b, hidden + k] = dz
            g_gh[b, hidden + k] = dz
            g_gi[b, 2 * hidden + k] = dn
            g_gh[b, 2 * hidden + k] = dn * r
            g_h_prev[b, k] = go * z


def _is_cache(cache, state, parts):
    if not (isinstance(cache, np.ndarray) and cache.dtype in (np.float32, np.float64) and cache.ndim == 2
            and cache.shape[1] % parts == 0):
        return False
    return state is None or np.shape(state)[-1] * parts == cache.shape[1]


def is_lstm_cache(cache, c_prev):
    """True when `cache` has the layout lstm_cell above returns for this c_prev."""
    return _is_cache(cache, c_prev, 5)


def is_gru_cache(cache, h_prev):
    """True when `cache` has the layout gru_cell above returns for this h_prev."""
    return _is_cache(cache, h_prev, 4)


def _c(a, like):
    """`a` as a C-contiguous array of `like`'s shape and dtype (zeros for None)."""
    if a is None:
        return np.zeros(like.shape, like.dtype)
    return np.ascontiguousarray(np.broadcast_to(a, like.shape), dtype=like.dtype)


def lstm_cell(gates, c_prev):
    """One LSTM step from pre-activations (B, 4H) in gate order i, f, g, o -> (h, c, cache)."""
    check_gates("lstm_cell", gates, 4, c_prev)
    h = np.empty(c_prev.shape, gates.dtype)
    c = np.empty(c_prev.shape, gates.dtype)
    cache = np.empty((gates.shape[0], 5 * c_prev.shape[1]), gates.dtype)
    lstm_cell_kernel(np.ascontiguousarray(gates), _c(c_prev, h), h, c, cache, gates.dtype.type(1))
    return h, c, cache


def lstm_cell_grad(cache, c_prev, gh, gc):
    """Backward of lstm_cell -> (g_gates (B, 4H), g_c_prev); gh or gc may be None (no gradient)."""
    batch, hidden = cache.shape[0], cache.shape[1] // 5
    g_gates = np.empty((batch, 4 * hidden), cache.dtype)
    g_c_prev = np.empty((batch, hidden), cache.dtype)
    lstm_cell_grad_kernel(cache, _c(c_prev, g_c_prev), _c(gh, g_c_prev), _c(gc, g_c_prev), g_gates, g_c_prev,
               cache.dtype.type(1))
    return g_gates, g_c_prev


def gru_cell(gi, gh, h_prev):
    """One GRU step from input/hidden projections (B, 3H) in gate order r, z, n -> (h, cache)."""
    check_gru(gi, gh, h_prev)
    h = np.empty(h_prev.shape, gi.dtype)
    cache = np.empty((gi.shape[0], 4 * h_prev.shape[1]), gi.dtype)
    _gru(np.ascontiguousarray(gi), _c(gh, gi), _c(h_prev, h), h, cache, gi.dtype.type(1))
    return h, cache


def gru_cell_grad(cache, h_prev, gout):
    """Backward of gru_cell -> (g_gi, g_gh, g_h_prev)."""
    batch, hidden = cache.shape[0], cache.shape[1] // 4
    g_gi = np.empty((batch, 3 * hidden), cache.dtype)
    g_gh = np.empty((batch, 3 * hidden), cache.dtype)
    g_h_prev = np.empty((batch, hidden), cache.dtype)
    _gru_grad(cache, _c(h_prev, g_h_prev), _c(gout, g_h_prev), g_gi, g_gh, g_h_prev, cache.dtype.type(1))
    return g_gi, g_gh, g_h_prev
