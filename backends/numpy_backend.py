"""The NumPy backend: the default `cpu` device, and the reference every other backend is tested against."""
from functools import partial

import numpy as np

from .array_kernels import pool as array_pool
from .array_kernels import softmax as array_softmax
from .base import Backend
from .blas_polling import CPU_TIMEOUT_LOG2, shorten_polling
from .heap import keep_freed_memory
from .torch_stream import TorchStream, draw_dtype
from .numpy_kernels import activation, batch_norm, conv, optim, pool, recurrence, rnn, scatter, select
from .numpy_kernels import layer_norm as layer_norm_kernels
from .numpy_kernels import cross_entropy as cross_entropy_kernels
from .numpy_kernels import sparse as sparse_kernels


def _with_numpy(kernel):
    """An array kernel (array_kernels, written over xp) as a kernel of this backend: xp is numpy."""
    return staticmethod(partial(kernel, np))


#: PyTorch has one CPU generator, so the host devices (cpu, numba and their subclasses) draw from this one stream:
#: a program on numba whose data pipeline draws through ag.default_generator (the cpu device's) then keeps
#: PyTorch's order of draws
_HOST_STREAM = TorchStream()


class NumpyBackend(Backend):
    """Host arrays through NumPy; kernels are vectorised NumPy (im2col convolution and friends)."""

    type = "cpu"
    host_memory = True
    #: log2 of the cycles OpenBLAS's idle threads poll before they sleep (backends/blas_polling.py): an idle
    #: thread would poll on the core a busy machine leaves free
    blas_polling_log2 = CPU_TIMEOUT_LOG2

    def __init__(self, index=None):
        super().__init__(None)
        self._rng = _HOST_STREAM
        keep_freed_memory()
        shorten_polling(self.blas_polling_log2)

    xp = np

    def asarray(self, data, dtype=None):
        if hasattr(data, "__cuda_array_interface__") and not isinstance(data, np.ndarray):
            data = data.get() if hasattr(data, "get") else np.asarray(data)
        return np.asarray(data, dtype=dtype)

    def to_host(self, array):
        return array

    # Draws are PyTorch's CPU stream (backends/torch_stream.py): after ag.manual_seed(s), rand, randn,
    # randint, randperm, uniform_, normal_ and bernoulli give torch.manual_seed(s)'s numbers.
    def seed(self, seed):
        self._rng.manual_seed(seed)

    def rng_state(self):
        """The generator's position (a JSON-able dict) for set_rng_state."""
        return self._rng.get_state()

    @property
    def numpy_rng(self):
        """The NumPy Generator this device draws from (ag.default_generator hands it to code that wants one)."""
        return self._rng

    def set_rng_state(self, state):
        """Continue from a position taken by rng_state."""
        self._rng.set_state(state)

    def rand(self, shape, dtype):
        return self._rng.random(shape, draw_dtype(dtype)).astype(dtype, copy=False)

    def randn(self, shape, dtype):
        return self._rng.standard_normal(shape, draw_dtype(dtype)).astype(dtype, copy=False)

    def randint(self, low, high, shape, dtype):
        return self._rng.integers(low, high, size=shape, dtype=dtype)

    def permutation(self, n):
        return self._rng.permutation(int(n))

    def uniform(self, shape, dtype, low, high):
        return self._rng.uniform(low, high, shape, draw_dtype(dtype)).astype(dtype, copy=False)

    def normal(self, shape, dtype, mean, std):
        return self._rng.normal(mean, std, shape, draw_dtype(dtype)).astype(dtype, copy=False)

    def bernoulli(self, p, shape):
        return self._rng.bernoulli(p, shape)

    select = staticmethod(select.select)
    layer_norm = staticmethod(layer_norm_kernels.forward)
    layer_norm_backward = staticmethod(layer_norm_kernels.backward)
    conv2d = staticmethod(conv.conv2d)
    # batch norm's passes split by channel over the thread count
    batch_norm_stats = staticmethod(batch_norm.stats)
    batch_norm_normalize = staticmethod(batch_norm.normalize)
    batch_norm_backward = staticmethod(batch_norm.backward)
    conv2d_grad_input = staticmethod(conv.conv2d_grad_input)
    conv2d_grad_weight = staticmethod(conv.conv2d_grad_weight)
    max_pool2d = staticmethod(pool.max_pool2d)
    max_pool2d_grad = staticmethod(pool.max_pool2d_grad)
    avg_pool2d = _with_numpy(array_pool.avg_pool2d)
    avg_pool2d_grad = _with_numpy(array_pool.avg_pool2d_grad)
    scatter_add = staticmethod(scatter.scatter_add)
    index_add = staticmethod(scatter.index_add)
    spmm = staticmethod(sparse_kernels.spmm)
    sddmm = staticmethod(sparse_kernels.sddmm)
    act_forward = staticmethod(activation.act_forward)
    act_backward = staticmethod(activation.act_backward)
    softmax = _with_numpy(array_softmax.softmax)
    softmax_grad = _with_numpy(array_softmax.softmax_grad)
    log_softmax = _with_numpy(array_softmax.log_softmax)
    log_softmax_grad = _with_numpy(array_softmax.log_softmax_grad)
    cross_entropy = staticmethod(cross_entropy_kernels.cross_entropy)
    cross_entropy_grad = staticmethod(cross_entropy_kernels.cross_entropy_grad)
    lstm_cell = staticmethod(rnn.lstm_cell)
    lstm_cell_grad = staticmethod(rnn.lstm_cell_grad)
    gru_cell = staticmethod(rnn.gru_cell)
    gru_cell_grad = staticmethod(rnn.gru_cell_grad)

    sgd_step = staticmethod(optim.sgd_step)

    def recurrence_forward(self, mode, gx, h0, c0, w_hh, b_hh, reverse):
        if not recurrence.takes(gx, h0, c0, w_hh, b_hh):
            return None
        return recurrence.recurrence_forward(mode, gx, h0, c0, w_hh, b_hh, bool(reverse))

    def recurrence_forward_inputs(self, mode, x2, w2, h0, c0, w_hh, reverse):
        if not recurrence.takes(x2, w2, h0, c0, w_hh):
            return None
        return recurrence.recurrence_forward_inputs(mode, x2, w2, h0, c0, w_hh, bool(reverse))

    def recurrence_backward(self, mode, gy, gh_n, gc_n, ys, cs, h0, c0, cache, w_hh, reverse):
        return recurrence.recurrence_backward(mode, gy, gh_n, gc_n, ys, cs, h0, c0, cache, w_hh, bool(reverse))
