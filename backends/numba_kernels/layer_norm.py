"""Layer normalisation's passes as compiled loops, one row at a time (a row stays in cache between
its passes): statistics with float64 sums and the affine map in one kernel, the input gradient in
another, the weight and bias gradients as column sums in a third; no temporary arrays. NumPy's
formulas (array_kernels/layer_norm.py) take about seven passes over memory each way.

Sums may be reassociated (fastmath 'reassoc', several vector accumulators); nothing else is relaxed.
"""
import numpy as np

from . import jit


@jit.kernel_sums_fma
def _forward(x, weight, bias, eps, y, mean, invstd):
    rows, width = x.shape
    for r in range(rows):
        row = x[r]
        total = 0.0
        for d in range(width):
            total += row[d]
        m = total / width
        squares = 0.0
        for d in range(width):
            c = row[d] - m
            squares += c * c
        inv = 1.0 / np.sqrt(squares / width + eps)
        mean[r] = m
        invstd[r] = inv
        out = y[r]
        for d in range(width):
            out[d] = (row[d] - m) * inv * weight[d] + bias[d]


@jit.kernel_sums_fma
def _input_grad(gy, x, mean, invstd, weight, gx):
    rows, width = x.shape
    for r in range(rows):
        row, g_row, out = x[r], gy[r], gx[r]
        m, inv = np.float64(mean[r]), np.float64(invstd[r])
        sum_g = 0.0
        sum_gx = 0.0
        for d in range(width):
            g = g_row[d] * weight[d]
            sum_g += g
            sum_gx += g * ((row[d] - m) * inv)
        a = sum_g / width
        c = sum_gx / width
        for d in range(width):
            xhat = (row[d] - m) * inv
            out[d] = (g_row[d] * weight[d] - a - xhat * c) * inv


@jit.kernel_sums_fma
def _param_grads(gy, x, mean, invstd, g_weight, g_bias):
    rows, width = x.shape
    for r in range(rows):
        row, g_row = x[r], gy[r]
        m, inv = np.float64(mean[r]), np.float64(invstd[r])
        for d in range(width):
            g_weight[d] += g_row[d] * ((row[d] - m) * inv)
            g_bias[d] += g_row[d]


_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def takes(*arrays):
    """True when these kernels run on the arrays: non-empty C-contiguous 2-D float32 or float64 ones of
    one dtype (None skipped)."""
    present = [a for a in arrays if a is not None]
    x = present[0]
    return (x.ndim == 2 and x.size > 0 and x.dtype in _FLOATS
            and all(isinstance(a, np.ndarray) and a.dtype == x.dtype and a.flags.c_contiguous for a in present))


def forward(x, weight, bias, eps):
    """array_kernels.layer_norm.forward for arrays `takes` accepts."""
    rows, width = x.shape
    y = np.empty_like(x)
    mean = np.empty(rows, np.float64)
    invstd = np.empty(rows, np.float64)
    ones = np.ones(width, x.dtype) if weight is None else weight
    zeros = np.zeros(width, x.dtype) if bias is None else bias
    _forward(x, ones, zeros, float(eps), y, mean, invstd)
    return y, mean, invstd   # float64: the backward recomputes x's normalised values from them


def backward(gy, x, mean, invstd, weight, need_input, need_weight, need_bias):
    """array_kernels.layer_norm.backward for arrays `takes` accepts."""
    width = x.shape[1]
    gx = g_weight = g_bias = None
    if need_input:
        gx = np.empty_like(x)
        _input_grad(gy, x, mean, invstd, np.ones(width, x.dtype) if weight is None else weight, gx)
    if need_weight or need_bias:
        sums_w, sums_b = np.zeros(width, np.float64), np.zeros(width, np.float64)
        _param_grads(gy, x, mean, invstd, sums_w, sums_b)
        g_weight = sums_w.astype(x.dtype) if need_weight else None
        g_bias = sums_b.astype(x.dtype) if need_bias else None
    return gx, g_weight, g_bias
