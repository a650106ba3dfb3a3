"""The Numba backend (`numba`): the NumPy backend with its hot kernels compiled by Numba.

Arrays are plain NumPy arrays, so moving between `cpu` and `numba` copies nothing. Each override
below measured at least 1.5x faster than the NumPy kernel it replaces (`python -m benchmarks.numba_kernels`
prints the table); calls a Numba kernel does not handle (other dtypes, other axes, fancy indices)
go to the NumPy kernel (the optimiser updates, which the cpu device leaves to nn.optim's formulas,
return False instead). Kernels compile on first use per dtype and are cached on disk.
"""
import numpy as np

from .numba_kernels.cache_dir import configure_cache_dir

configure_cache_dir()   # before Numba loads: it reads NUMBA_CACHE_DIR at import

import numba  # noqa: E402  (a missing or broken Numba fails here, when the device is created)

numba.core.config.reload_config()   # in case Numba was imported before the cache folder was set

from . import blas_polling, threads  # noqa: E402

threads.apply_to_numba(numba)   # a count set with ag.set_num_threads before the device loaded

from . import workers  # noqa: E402
from .numba_kernels import spin  # noqa: E402

if spin.AVAILABLE and workers.spin_allowed():
    spin.warm()
    workers.use_spin_wait(spin.wait_while, spin.cycles_per_second())

from .numba_kernels import activation, batch_norm, ctc, fused, layer_norm, optim, pool, recurrence, rnn, scatter, select, softmax  # noqa: E402,E501
from .numba_kernels import sparse as sparse_kernels  # noqa: E402
from .numba_kernels.conv_passes import NUMBA_PASSES  # noqa: E402
from .numpy_kernels import conv  # noqa: E402
from .numpy_backend import NumpyBackend  # noqa: E402

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
#: the dtypes for which each activation's Numba kernels measured at least 1.5x faster than NumPy's
#: (float64 gelu, two 20-term polynomials per element, reached only 1.2-1.35x)
FAST_ACTIVATIONS = {**{name: frozenset(_FLOATS) for name in activation.CODES}, "gelu": frozenset(_FLOATS[:1])}


def _floats(*arrays):
    """True when the arrays are all float32 or all float64."""
    dtype = arrays[0].dtype
    return dtype in _FLOATS and all(a.dtype == dtype for a in arrays[1:])


def _last_axis(x, axis):
    return axis % x.ndim == x.ndim - 1


class NumbaBackend(NumpyBackend):
    """Host NumPy arrays; 2x2 max pooling, the max-pooling gradient, scatter/index add, activations, softmax and
    cross-entropy, batch normalisation, LSTM/GRU cells, whole-sequence recurrences and SGD/Adam updates
    run as fused Numba kernels for float32 and float64. Convolutions run the cpu device's algorithms (BLAS products)
    with compiled passes around them (Winograd tile transforms, col2im, depthwise convolutions), or
    compiled direct convolutions where those measured faster (small-channel 3x3 layers); other
    pooling stays NumPy's."""

    type = "numba"
    host_memory = True
    #: OpenBLAS's idle threads would poll beside the compiled kernels' splits (backends/blas_polling.py)
    blas_polling_log2 = blas_polling.TIMEOUT_LOG2

    select = staticmethod(select.select)

    def leaky_relu(self, x, slope):
        if _floats(x):
            return activation.leaky_relu(x, slope)
        return super().leaky_relu(x, slope)

    def leaky_relu_backward(self, ref, gy, slope):
        if _floats(ref, gy) and ref.shape == gy.shape:
            return activation.leaky_relu_backward(ref, gy, slope)
        return super().leaky_relu_backward(ref, gy, slope)

    def elu(self, x, alpha):
        if _floats(x):
            return activation.elu(x, alpha)
        return super().elu(x, alpha)

    def elu_backward(self, x, gy, alpha):
        if _floats(x, gy) and x.shape == gy.shape:
            return activation.elu_backward(x, gy, alpha)
        return super().elu_backward(x, gy, alpha)

    # ----- layer normalisation -----------------------------------------------------------------
    def layer_norm(self, x, weight, bias, eps):
        if layer_norm.takes(x, weight, bias):
            return layer_norm.forward(x, weight, bias, eps)
        return super().layer_norm(x, weight, bias, eps)

    def layer_norm_backward(self, gy, x, mean, invstd, weight, need_input, need_weight, need_bias):
        if layer_norm.takes(x, gy, weight) and mean.dtype == invstd.dtype == np.float64:
            return layer_norm.backward(gy, x, mean, invstd, weight, need_input, need_weight, need_bias)
        return super().layer_norm_backward(gy, x, mean, invstd, weight, need_input, need_weight, need_bias)

    # ----- convolution -------------------------------------------------------------------------
    def conv2d(self, x, w, stride, padding, dilation, groups):
        return conv.conv2d(x, w, stride, padding, dilation, groups, NUMBA_PASSES)

    def conv2d_grad_input(self, gy, w, x_shape, stride, padding, dilation, groups):
        return conv.conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups, NUMBA_PASSES)

    def conv2d_grad_weight(self, gy, x, w_shape, stride, padding, dilation, groups):
        return conv.conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation, groups, NUMBA_PASSES)

    # ----- pooling -----------------------------------------------------------------------------
    def max_pool2d(self, x, kernel, stride, padding, dilation, ceil_mode):
        if pool.fast_path(x, kernel, stride, padding, dilation, ceil_mode):
            return pool.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)
        return super().max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)

    def max_pool2d_grad(self, gy, argmax, x_shape):
        if _floats(gy):
            return pool.max_pool2d_grad(gy, argmax, x_shape)
        return super().max_pool2d_grad(gy, argmax, x_shape)

    # ----- scatter -----------------------------------------------------------------------------
    def scatter_add(self, out, index, src):
        if scatter.fast_path(out, index, src):
            return scatter.index_add(out, index, src)
        return super().scatter_add(out, index, src)

    def index_add(self, out, index, src):
        if scatter.fast_path(out, index, src):
            return scatter.index_add(out, index, src)
        return super().index_add(out, index, src)

    spmm = staticmethod(sparse_kernels.spmm)
    sddmm = staticmethod(sparse_kernels.sddmm)

    # ----- fused activations -------------------------------------------------------------------
    def act_forward(self, name, x):
        if x.dtype in FAST_ACTIVATIONS.get(name, ()) and _floats(x):
            return activation.act_forward(name, x)
        return super().act_forward(name, x)

    def act_backward(self, name, x, y, gy):
        like_x = x if y is None else y
        if (x.dtype in FAST_ACTIVATIONS.get(name, ()) and _floats(x, gy, like_x)
                and x.shape == gy.shape == like_x.shape):
            return activation.act_backward(name, x, y, gy)
        return super().act_backward(name, x, y, gy)

    # ----- softmax family ----------------------------------------------------------------------
    def softmax(self, x, axis):
        if _floats(x) and x.ndim and _last_axis(x, axis):
            return softmax.softmax(x)
        return super().softmax(x, axis)

    def softmax_grad(self, y, gy, axis):
        if _floats(y, gy) and y.shape == gy.shape and y.ndim and _last_axis(y, axis):
            return softmax.softmax_grad(y, gy)
        return super().softmax_grad(y, gy, axis)

    def log_softmax(self, x, axis):
        if _floats(x) and x.ndim and _last_axis(x, axis):
            return softmax.log_softmax(x)
        return super().log_softmax(x, axis)

    def log_softmax_grad(self, y, gy, axis):
        if _floats(y, gy) and y.shape == gy.shape and y.ndim and _last_axis(y, axis):
            return softmax.log_softmax_grad(y, gy)
        return super().log_softmax_grad(y, gy, axis)

    def cross_entropy(self, logits, target, ignore_index, label_smoothing):
        if _floats(logits) and logits.ndim == 2 and logits.size:   # the NumPy kernel handles empty ones
            return softmax.cross_entropy(logits, target, ignore_index, label_smoothing)
        return super().cross_entropy(logits, target, ignore_index, label_smoothing)

    def cross_entropy_grad(self, logp, target, gloss, ignore_index, label_smoothing):
        if _floats(logp) and logp.ndim == 2 and logp.size:
            return softmax.cross_entropy_grad(logp, target, gloss, ignore_index, label_smoothing)
        return super().cross_entropy_grad(logp, target, gloss, ignore_index, label_smoothing)

    # ----- batch normalisation ------------------------------------------------------------------
    def batch_norm_stats(self, x):
        if _floats(x):
            return batch_norm.stats(x)
        return super().batch_norm_stats(x)

    def batch_norm_normalize(self, x, mean, scale, shift):
        if _floats(x, mean, scale) and (shift is None or _floats(x, shift)):
            return batch_norm.normalize(x, mean, scale, shift if shift is not None else np.zeros_like(scale))
        return super().batch_norm_normalize(x, mean, scale, shift)

    def batch_norm_backward(self, gy, x, mean, scale, invstd, training, need_input):
        if _floats(gy, x, mean, scale, invstd):
            return batch_norm.backward(gy, x, mean, scale, invstd, training, need_input)
        return super().batch_norm_backward(gy, x, mean, scale, invstd, training, need_input)

    # ----- recurrent cells ---------------------------------------------------------------------
    # A forward with float32/float64 gates always runs here, so a cache of that dtype is always ours.
    def lstm_cell(self, gates, c_prev):
        if _floats(gates):
            return rnn.lstm_cell(gates, c_prev)
        return super().lstm_cell(gates, c_prev)

    def lstm_cell_grad(self, cache, c_prev, gh, gc):
        if rnn.is_lstm_cache(cache, c_prev):
            return rnn.lstm_cell_grad(cache, c_prev, gh, gc)
        return super().lstm_cell_grad(cache, c_prev, gh, gc)

    def gru_cell(self, gi, gh, h_prev):
        if _floats(gi):
            return rnn.gru_cell(gi, gh, h_prev)
        return super().gru_cell(gi, gh, h_prev)

    def gru_cell_grad(self, cache, h_prev, gout):
        if rnn.is_gru_cache(cache, h_prev):
            return rnn.gru_cell_grad(cache, h_prev, gout)
        return super().gru_cell_grad(cache, h_prev, gout)

    # ----- whole-sequence recurrences (optional kernels, see Backend) ------------------------------
    # (the NumPy kernels, where these do not take the arrays, keep the same cache layouts, so either
    # backward reads either forward's cache)
    def recurrence_forward(self, mode, gx, h0, c0, w_hh, b_hh, reverse):
        if not recurrence.takes(gx, h0, c0, w_hh, b_hh):
            return super().recurrence_forward(mode, gx, h0, c0, w_hh, b_hh, reverse)
        return recurrence.recurrence_forward(mode, gx, h0, c0, w_hh, b_hh, bool(reverse))

    def recurrence_forward_inputs(self, mode, x2, w2, h0, c0, w_hh, reverse):
        if not recurrence.takes(x2, w2, h0, c0, w_hh):
            return None
        return recurrence.recurrence_forward_inputs(mode, x2, w2, h0, c0, w_hh, bool(reverse))

    def recurrence_backward(self, mode, gy, gh_n, gc_n, ys, cs, h0, c0, cache, w_hh, reverse):
        if not recurrence.takes(ys, cs, h0, c0, w_hh):
            return super().recurrence_backward(mode, gy, gh_n, gc_n, ys, cs, h0, c0, cache, w_hh, reverse)
        return recurrence.recurrence_backward(mode, gy, gh_n, gc_n, ys, cs, h0, c0, cache, w_hh, bool(reverse))

    # ----- CTC recursions (optional kernels, see Backend) -----------------------------------------
    def ctc_alpha(self, lp_ext, skip, input_lengths, target_lengths):
        return ctc.ctc_alpha(lp_ext, skip, input_lengths, target_lengths) if ctc.takes(lp_ext, skip) else None

    def ctc_beta(self, lp_ext, skip, input_lengths, target_lengths):
        return ctc.ctc_beta(lp_ext, skip, input_lengths, target_lengths) if ctc.takes(lp_ext, skip) else None

    # ----- fused optimiser updates (optional kernels, see Backend) --------------------------------
    def sgd_step(self, param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first):
        if not optim.in_place_ok(param, grad, buf if momentum != 0 else None):
            return False
        optim.sgd_step(param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first)
        return True

    def adam_step(self, param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weight_decay,
                  decoupled, amsgrad):
        if not optim.in_place_ok(param, grad, m, v, vmax if amsgrad else None):
            return False
        optim.adam_step(param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weight_decay, decoupled, amsgrad)
        return True

    # ----- fused elementwise chains (optional, see Backend) -------------------------------------
    fused_ops = fused.FUSABLE

    def fused_elementwise(self, dtype, inputs, outputs, steps, scalars=()):
        return fused.compile_program(dtype, inputs, outputs, steps, scalars)
