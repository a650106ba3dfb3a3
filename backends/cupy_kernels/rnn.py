"""LSTM and GRU cells (one time step) and their backward passes, each ONE GPU kernel over (B, H).

PyTorch's gate order and the math of backends/numpy_kernels/rnn.py. Each thread owns one (b, j)
and reads its gate pre-activations from the (B, 4H) / (B, 3H) arrays by flat index
(b * width * H + k * H + j). The caches are tuples only this module reads:
LSTM (act (B, 4H) activated gates i, f, g, o; tanh(c) (B, H)),
GRU (r, z, n each (B, H); the hidden projection gh (B, 3H), whose n block the backward needs).
"""
import cupy

from ..array_kernels.rnn import check_gates, check_gru   # one message on every device
from .elementwise import kernel

_LSTM_FORWARD = kernel(
    "raw T gates, T c_prev, int64 hidden", "T h, T c, T tanh_c, raw T act",
    """
    const ptrdiff_t b = i / hidden, base = b * 4 * hidden + (i - b * hidden);
    const A in_gate = dg_sigmoid((A)gates[base]);
    const A forget = dg_sigmoid((A)gates[base + hidden]);
    const A cell = tanh((A)gates[base + 2 * hidden]);
    const A out_gate = dg_sigmoid((A)gates[base + 3 * hidden]);
    const A c_new = forget * (A)c_prev + in_gate * cell;
    const A tc = tanh(c_new);
    act[base] = (T)in_gate;
    act[base + hidden] = (T)forget;
    act[base + 2 * hidden] = (T)cell;
    act[base + 3 * hidden] = (T)out_gate;
    c = (T)c_new;
    tanh_c = (T)tc;
    h = (T)(out_gate * tc);
    """, "dg_lstm_cell")

_LSTM_BACKWARD = kernel(
    "raw T act, T tanh_c, T c_prev, T gh, T gc, int64 hidden", "raw T g_gates, T g_c_prev",
    """
    const ptrdiff_t b = i / hidden, base = b * 4 * hidden + (i - b * hidden);
    const A in_gate = (A)act[base], forget = (A)act[base + hidden];
    const A cell = (A)act[base + 2 * hidden], out_gate = (A)act[base + 3 * hidden];
    const A tc = (A)tanh_c, dh = (A)gh;
    // dc = gc + gh * o * (1 - tanh(c)^2); each gate's gradient goes through s (1 - s) or 1 - g^2
    const A dc = (A)gc + dh * out_gate * (A(1) - tc * tc);
    g_gates[base] = (T)(dc * cell * ((A(1) - in_gate) * in_gate));
    g_gates[base + hidden] = (T)(dc * (A)c_prev * ((A(1) - forget) * forget));
    g_gates[base + 2 * hidden] = (T)(dc * in_gate * (A(1) - cell * cell));
    g_gates[base + 3 * hidden] = (T)(dh * tc * ((A(1) - out_gate) * out_gate));
    g_c_prev = (T)(dc * forget);
    """, "dg_lstm_cell_grad")

_GRU_FORWARD = kernel(
    "raw T gi, raw T gh, T h_prev, int64 hidden", "T h, T r_gate, T z_gate, T n_gate",
    """
    const ptrdiff_t b = i / hidden, base = b * 3 * hidden + (i - b * hidden);
    const A r = dg_sigmoid((A)gi[base] + (A)gh[base]);
    const A z = dg_sigmoid((A)gi[base + hidden] + (A)gh[base + hidden]);
    const A n = tanh((A)gi[base + 2 * hidden] + r * (A)gh[base + 2 * hidden]);
    r_gate = (T)r;
    z_gate = (T)z;
    n_gate = (T)n;
    h = (T)(n + z * ((A)h_prev - n));
    """, "dg_gru_cell")

_GRU_BACKWARD = kernel(
    "T r_gate, T z_gate, T n_gate, T h_prev, T gout, raw T gh, int64 hidden", "raw T g_gi, raw T g_gh, T g_h_prev",
    """
    const ptrdiff_t b = i / hidden, base = b * 3 * hidden + (i - b * hidden);
    const A r = (A)r_gate, z = (A)z_gate, n = (A)n_gate, g = (A)gout;
    const A dn = (A(1) - n * n) * (A(1) - z) * g;                 // through h = (1 - z) n + z h_prev
    const A dz = ((A)h_prev - n) * g * z * (A(1) - z);
    const A dr = (A(1) - r) * r * (A)gh[base + 2 * hidden] * dn;   // n = tanh(gi_n + r * gh_n)
    g_gi[base] = (T)dr;
    g_gi[base + hidden] = (T)dz;
    g_gi[base + 2 * hidden] = (T)dn;
    g_gh[base] = (T)dr;
    g_gh[base + hidden] = (T)dz;
    g_gh[base + 2 * hidden] = (T)(dn * r);
    g_h_prev = (T)(g * z);
    """, "dg_gru_cell_grad")


def _state(a, like):
    """`a` in the dtype of `like` (None: a zero that broadcasts, so no (B, H) zeros are allocated)."""
    if a is None:
        return cupy.zeros((), like.dtype)
    return a.astype(like.dtype, copy=False)


def lstm_cell(gates, c_prev):
    """One LSTM step from pre-activations (B, 4H) in gate order i, f, g, o -> (h, c, cache).

    c = f * c_prev + i * g and h = o * tanh(c), with i, f, o sigmoids and g a tanh.
    """
    check_gates("lstm_cell", gates, 4, c_prev)
    gates = cupy.ascontiguousarray(gates)
    c_prev = c_prev.astype(gates.dtype, copy=False)
    h, c, tanh_c = (cupy.empty(c_prev.shape, gates.dtype) for _ in range(3))
    act = cupy.empty(gates.shape, gates.dtype)
    _LSTM_FORWARD(gates, c_prev, c_prev.shape[1], h, c, tanh_c, act)
    return h, c, (act, tanh_c)


def lstm_cell_grad(cache, c_prev, gh, gc):
    """Backward of lstm_cell -> (g_gates (B, 4H), g_c_prev); gh or gc None count as zero."""
    act, tanh_c = cache
    g_gates = cupy.empty(act.shape, act.dtype)
    g_c_prev = cupy.empty(tanh_c.shape, tanh_c.dtype)
    _LSTM_BACKWARD(act, tanh_c, _state(c_prev, tanh_c), _state(gh, tanh_c), _state(gc, tanh_c),
                   tanh_c.shape[1], g_gates, g_c_prev)
    return g_gates, g_c_prev


def gru_cell(gi, gh, h_prev):
    """One GRU step from input/hidden projections (B, 3H) in gate order r, z, n -> (h, cache).

    r = s(gi_r + gh_r), z = s(gi_z + gh_z), n = tanh(gi_n + r * gh_n), h = (1 - z) * n + z * h_prev.
    """
    check_gru(gi, gh, h_prev)
    gi = cupy.ascontiguousarray(gi)
    gh = cupy.ascontiguousarray(gh.astype(gi.dtype, copy=False))
    h_prev = h_prev.astype(gi.dtype, copy=False)
    h, r, z, n = (cupy.empty(h_prev.shape, gi.dtype) for _ in range(4))
    _GRU_FORWARD(gi, gh, h_prev, h_prev.shape[1], h, r, z, n)
    return h, (r, z, n, gh)


def gru_cell_grad(cache, h_prev, gout):
    """Backward of gru_cell -> (g_gi, g_gh, g_h_prev)."""
    r, z, n, gh = cache
    g_gi = cupy.empty(gh.shape, gh.dtype)
    g_gh = cupy.empty(gh.shape, gh.dtype)
    g_h_prev = cupy.empty(n.shape, n.dtype)
    _GRU_BACKWARD(r, z, n, _state(h_prev, n), _state(gout, n), gh, n.shape[1], g_gi, g_gh, g_h_prev)
    return g_gi, g_gh, g_h_prev
