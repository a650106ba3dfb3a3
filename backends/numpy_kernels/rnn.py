"""LSTM and GRU cells (one time step) and their backward passes, with PyTorch's gate order.

They run every time step, so each works through a handful of whole-array ufuncs writing into
preallocated buffers. The caches are tuples only this module reads: LSTM keeps its activated
gates (B, 4H) and tanh(c); GRU keeps its activated r, z (B, 2H), n and the hidden part of n's
pre-activation.
"""
import numpy as np

from ..array_kernels.rnn import check_gates, check_gru   # one message on every device
from .activation import sigmoid


def lstm_cell(gates, c_prev):
    """One LSTM step from pre-activations (B, 4H) in gate order i, f, g, o -> (h, c, cache).

    c = f * c_prev + i * g and h = o * tanh(c), with i, f, o sigmoids and g a tanh.
    """
    check_gates("lstm_cell", gates, 4, c_prev)
    hidden = c_prev.shape[1]
    act = sigmoid(gates)   # the g block is overwritten below: one call beats three slices
    i, f, g, o = (act[:, k * hidden:(k + 1) * hidden] for k in range(4))
    np.tanh(gates[:, 2 * hidden:3 * hidden], out=g)
    c = np.multiply(f, c_prev)
    c += i * g
    tanh_c = np.tanh(c)
    h = np.multiply(o, tanh_c)
    return h, c, (act, tanh_c)


def lstm_cell_grad(cache, c_prev, gh, gc):
    """Backward of lstm_cell -> (g_gates (B, 4H), g_c_prev); gh or gc None count as zero."""
    act, tanh_c = cache
    hidden = tanh_c.shape[1]
    i, f, g, o = (act[:, k * hidden:(k + 1) * hidden] for k in range(4))
    # dc = gc + gh * o * (1 - tanh(c)^2)
    if gh is None:
        dc = np.zeros_like(tanh_c) if gc is None else np.array(gc, dtype=act.dtype)
    else:
        dc = np.multiply(tanh_c, tanh_c)
        np.subtract(1.0, dc, out=dc)
        dc *= o
        dc *= gh
        if gc is not None:
            dc += gc
    # the gradient through each activation: s (1 - s) for the sigmoids, 1 - g^2 for the tanh
    d_act = np.subtract(1.0, act)
    d_act *= act
    d_g = d_act[:, 2 * hidden:3 * hidden]
    np.multiply(g, g, out=d_g)
    np.subtract(1.0, d_g, out=d_g)
    g_gates = np.empty_like(act)
    np.multiply(dc, g, out=g_gates[:, :hidden])
    np.multiply(dc, c_prev, out=g_gates[:, hidden:2 * hidden])
    np.multiply(dc, i, out=g_gates[:, 2 * hidden:3 * hidden])
    if gh is None:
        g_gates[:, 3 * hidden:] = 0
    else:
        np.multiply(gh, tanh_c, out=g_gates[:, 3 * hidden:])
    g_gates *= d_act
    dc *= f
    return g_gates, dc


def gru_cell(gi, gh, h_prev):
    """One GRU step from input/hidden projections (B, 3H) in gate order r, z, n -> (h, cache).

    r = s(gi_r + gh_r), z = s(gi_z + gh_z), n = tanh(gi_n + r * gh_n), h = (1 - z) * n + z * h_prev.
    """
    check_gru(gi, gh, h_prev)
    hidden = h_prev.shape[1]
    rz = np.add(gi[:, :2 * hidden], gh[:, :2 * hidden])
    sigmoid(rz, out=rz)
    r, z = rz[:, :hidden], rz[:, hidden:]
    hn = gh[:, 2 * hidden:]
    n = np.multiply(r, hn)
    n += gi[:, 2 * hidden:]
    np.tanh(n, out=n)
    # h = n + z * (h_prev - n)
    h = np.subtract(h_prev, n)
    h *= z
    h += n
    return h, (rz, n, hn)


def gru_cell_grad(cache, h_prev, gout):
    """Backward of gru_cell -> (g_gi, g_gh, g_h_prev)."""
    rz, n, hn = cache
    hidden = n.shape[1]
    r, z = rz[:, :hidden], rz[:, hidden:]
    g_gi = np.empty((n.shape[0], 3 * hidden), n.dtype)
    dr, dz, dn = g_gi[:, :hidden], g_gi[:, hidden:2 * hidden], g_gi[:, 2 * hidden:]
    one_minus_z = np.subtract(1.0, z)
    # dn = gout (1 - z) (1 - n^2)
    np.multiply(n, n, out=dn)
    np.subtract(1.0, dn, out=dn)
    dn *= one_minus_z
    dn *= gout
    # dz = gout (h_prev - n) z (1 - z)
    np.subtract(h_prev, n, out=dz)
    dz *= gout
    dz *= z
    dz *= one_minus_z
    # dr = dn hn r (1 - r)
    np.subtract(1.0, r, out=dr)
    dr *= r
    dr *= hn
    dr *= dn
    g_gh = g_gi.copy()
    g_gh[:, 2 * hidden:] *= r
    g_h_prev = np.multiply(gout, z)
    return g_gi, g_gh, g_h_prev
