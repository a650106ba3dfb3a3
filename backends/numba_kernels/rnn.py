"""LSTM and GRU cells, forward and backward, each one fused pass with one batch row per parallel task.

The cache a forward returns is only read by this module's backward: LSTM keeps (B, 5H) = the
activated gates i, f, g, o and tanh(c); GRU keeps (B, 4H) = r, z, n and the hidden projection of n.
"""
import numpy as np
from numba import njit, prange

from ..numpy_kernels.rnn import _check   # the NumPy kernels' shape check, same message on both devices
from .vecmath import vsigmoid, vtanh


@njit(parallel=True, cache=True)
def _lstm(gates, c_prev, h, c, cache):
    hidden = c_prev.shape[1]
    for b in prange(gates.shape[0]):
        for k in range(hidden):
            i = vsigmoid(gates[b, k])
            f = vsigmoid(gates[b, hidden + k])
            g = vtanh(gates[b, 2 * hidden + k])
            o = vsigmoid(gates[b, 3 * hidden + k])
            c_new = f * c_prev[b, k] + i * g
            c[b, k] = c_new
            c_new = c[b, k]   # round like the stored c before tanh, as the NumPy kernel sees it
            tc = vtanh(c_new)
            h[b, k] = o * tc
            cache[b, k] = i
            cache[b, hidden + k] = f
            cache[b, 2 * hidden + k] = g
            cache[b, 3 * hidden + k] = o
            cache[b, 4 * hidden + k] = tc


@njit(parallel=True, cache=True)
def _lstm_grad(cache, c_prev, gh, gc, g_gates, g_c_prev):
    hidden = c_prev.shape[1]
    for b in prange(cache.shape[0]):
        for k in range(hidden):
            i = cache[b, k]
            f = cache[b, hidden + k]
            g = cache[b, 2 * hidden + k]
            o = cache[b, 3 * hidden + k]
            tc = cache[b, 4 * hidden + k]
            dc = gc[b, k] + gh[b, k] * o * (1.0 - tc * tc)
            g_gates[b, k] = dc * g * i * (1.0 - i)
            g_gates[b, hidden + k] = dc * c_prev[b, k] * f * (1.0 - f)
            g_gates[b, 2 * hidden + k] = dc * i * (1.0 - g * g)
            g_gates[b, 3 * hidden + k] = gh[b, k] * tc * o * (1.0 - o)
            g_c_prev[b, k] = dc * f


@njit(parallel=True, cache=True)
def _gru(gi, gh, h_prev, h, cache):
    hidden = h_prev.shape[1]
    for b in prange(gi.shape[0]):
        for k in range(hidden):
            r = vsigmoid(gi[b, k] + gh[b, k])
            z = vsigmoid(gi[b, hidden + k] + gh[b, hidden + k])
            hn = gh[b, 2 * hidden + k]
            n = vtanh(gi[b, 2 * hidden + k] + r * hn)
            h[b, k] = (1.0 - z) * n + z * h_prev[b, k]
            cache[b, k] = r
            cache[b, hidden + k] = z
            cache[b, 2 * hidden + k] = n
            cache[b, 3 * hidden + k] = hn


@njit(parallel=True, cache=True)
def _gru_grad(cache, h_prev, gout, g_gi, g_gh, g_h_prev):
    hidden = h_prev.shape[1]
    for b in prange(cache.shape[0]):
        for k in range(hidden):
            r = cache[b, k]
            z = cache[b, hidden + k]
            n = cache[b, 2 * hidden + k]
            hn = cache[b, 3 * hidden + k]
            go = gout[b, k]
            dn = go * (1.0 - z) * (1.0 - n * n)
            dz = go * (h_prev[b, k] - n) * z * (1.0 - z)
            dr = dn * hn * r * (1.0 - r)
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
    _check("lstm_cell", gates, 4, c_prev)
    h = np.empty(c_prev.shape, gates.dtype)
    c = np.empty(c_prev.shape, gates.dtype)
    cache = np.empty((gates.shape[0], 5 * c_prev.shape[1]), gates.dtype)
    _lstm(np.ascontiguousarray(gates), _c(c_prev, h), h, c, cache)
    return h, c, cache


def lstm_cell_grad(cache, c_prev, gh, gc):
    """Backward of lstm_cell -> (g_gates (B, 4H), g_c_prev); gh or gc may be None (no gradient)."""
    batch, hidden = cache.shape[0], cache.shape[1] // 5
    g_gates = np.empty((batch, 4 * hidden), cache.dtype)
    g_c_prev = np.empty((batch, hidden), cache.dtype)
    _lstm_grad(cache, _c(c_prev, g_c_prev), _c(gh, g_c_prev), _c(gc, g_c_prev), g_gates, g_c_prev)
    return g_gates, g_c_prev


def gru_cell(gi, gh, h_prev):
    """One GRU step from input/hidden projections (B, 3H) in gate order r, z, n -> (h, cache)."""
    _check("gru_cell", gi, 3, h_prev)
    if gh.shape != gi.shape:
        raise ValueError(f"gru_cell: input and hidden projections must have one shape; "
                         f"got {tuple(gi.shape)} and {tuple(gh.shape)}")
    h = np.empty(h_prev.shape, gi.dtype)
    cache = np.empty((gi.shape[0], 4 * h_prev.shape[1]), gi.dtype)
    _gru(np.ascontiguousarray(gi), _c(gh, gi), _c(h_prev, h), h, cache)
    return h, cache


def gru_cell_grad(cache, h_prev, gout):
    """Backward of gru_cell -> (g_gi, g_gh, g_h_prev)."""
    batch, hidden = cache.shape[0], cache.shape[1] // 4
    g_gi = np.empty((batch, 3 * hidden), cache.dtype)
    g_gh = np.empty((batch, 3 * hidden), cache.dtype)
    g_h_prev = np.empty((batch, hidden), cache.dtype)
    _gru_grad(cache, _c(h_prev, g_h_prev), _c(gout, g_h_prev), g_gi, g_gh, g_h_prev)
    return g_gi, g_gh, g_h_prev
