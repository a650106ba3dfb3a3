"""The CuPy backend (`cuda`, `cuda:N`): arrays in NVIDIA GPU memory, kernels from backends/cupy_kernels.

Every method that allocates or launches work runs inside `with self._device:` (a stored
cupy.cuda.Device; CuPy keeps its stack per thread), so `cuda:1` work lands on GPU 1 whatever the
caller's current device. Memory comes from CuPy's default memory pool. Work is queued on the
device's current stream: nothing here waits for the GPU except `to_host`, `synchronize` and the
few checks that must read a value (cross-entropy target range, index_add bounds).
"""
import numpy as np

from .base import Backend
from .errors import DeviceError

try:
    import cupy
except Exception as exc:   # not installed (ImportError) or a broken install: the device explains it when created
    cupy, _IMPORT_ERROR = None, exc
else:
    _IMPORT_ERROR = None
    from .cupy_kernels import activation, conv, optim, pool, rnn, scatter
    from .cupy_kernels import softmax as softmax_kernels
    from .cupy_kernels.deferred import DeferredChecks

INSTALL_HINT = ('pip install "deepgrad[cuda]" (CuPy for CUDA 12, cupy-cuda12x) or '
                'pip install "deepgrad[cuda13]" (CuPy for CUDA 13, cupy-cuda13x)')
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _available_here():
    from .registry import available   # late: the registry creates backends, this module is one of them
    try:
        return ", ".join(available())
    except Exception:   # the list is only a hint in an error message
        return "cpu"


def open_device(name, index, cp=None, import_error=None):
    """The cupy.cuda.Device for GPU `index`, or DeviceError saying what is missing and how to get it.

    `cp` and `import_error` default to this module's CuPy import (tests pass stand-ins)."""
    if cp is None and import_error is None:
        cp, import_error = cupy, _IMPORT_ERROR
    if cp is None:
        if isinstance(import_error, ImportError):
            problem = f"device {name!r} needs CuPy, which is not installed ({import_error})"
        else:
            problem = (f"device {name!r} needs CuPy, which is installed but fails to import "
                       f"({type(import_error).__name__}: {import_error}); reinstall the wheel matching your CUDA")
        raise DeviceError(f"{problem}. Install it with: {INSTALL_HINT}, on a machine with an NVIDIA GPU and "
                          f"driver. Available on this machine: {_available_here()}.")
    try:
        count = cp.cuda.runtime.getDeviceCount()
    except Exception as exc:   # cudaErrorNoDevice, cudaErrorInsufficientDriver, a missing libcuda, ...
        raise DeviceError(f"device {name!r}: no NVIDIA GPU / driver found (CUDA says: {type(exc).__name__}: "
                          f"{exc}). CuPy is installed, but the cuda device also needs an NVIDIA GPU and its "
                          f"driver, and a CuPy wheel matching the driver's CUDA version: {INSTALL_HINT}. "
                          f"Available on this machine: {_available_here()}.") from None
    if count == 0:
        raise DeviceError(f"device {name!r}: no NVIDIA GPU / driver found (CUDA reports 0 devices). "
                          f"Available on this machine: {_available_here()}.")
    if index >= count:
        raise DeviceError(f"device {name!r} does not exist: this machine has {count} CUDA GPU(s), "
                          f"cuda:0 to cuda:{count - 1}. Available on this machine: {_available_here()}.")
    return cp.cuda.Device(index)


class CupyBackend(Backend):
    """GPU arrays through CuPy: cuBLAS matrix products, im2col convolution, fused elementwise kernels."""

    type = "cuda"
    host_memory = False
    xp = cupy

    def __init__(self, index=None):
        index = 0 if index is None else int(index)
        super().__init__(index)
        self._device = open_device(self.name, index)
        self._seed = None      # None: fresh entropy
        self._rng = None       # made on first use, so listing devices creates no CUDA context
        self._checks = DeferredChecks()   # target-range verdicts read at the next synchronisation

    # ----- arrays ------------------------------------------------------------------------------
    def asarray(self, data, dtype=None):
        with self._device:
            if isinstance(data, cupy.ndarray) or hasattr(data, "__cuda_array_interface__"):
                array = cupy.asarray(data)        # device memory (CuPy, PyTorch, ...): no copy yet
                if array.device.id != self.index:
                    array = array.copy()          # peer copy onto this GPU
                return array if dtype is None else array.astype(dtype, copy=False)
            return cupy.asarray(data, dtype=dtype)   # host data: one transfer

    def to_host(self, array):
        with self._device:
            host = cupy.asnumpy(array)
            self._checks.raise_failed()
        return host

    def synchronize(self):
        self._device.synchronize()
        self._checks.raise_failed()

    def activate(self):
        """This GPU as CuPy's current device (ops on a cuda:1 tensor must not run on GPU 0)."""
        return self._device

    # ----- random numbers ----------------------------------------------------------------------
    def seed(self, seed):
        self._seed = seed
        self._rng = None

    def _generator(self):
        """This GPU's cupy.random.Generator (call inside `with self._device:`)."""
        if self._rng is None:
            self._rng = cupy.random.default_rng(self._seed)
        return self._rng

    def rand(self, shape, dtype):
        dtype = np.dtype(dtype)
        with self._device:
            if dtype in _FLOATS:
                return self._generator().random(shape, dtype=dtype)
            return self._generator().random(shape, dtype=np.float64).astype(dtype, copy=False)

    def randn(self, shape, dtype):
        dtype = np.dtype(dtype)
        with self._device:
            if dtype in _FLOATS:
                return self._generator().standard_normal(shape, dtype=dtype)
            return self._generator().standard_normal(shape, dtype=np.float64).astype(dtype, copy=False)

    def randint(self, low, high, shape, dtype):
        with self._device:
            return self._generator().integers(low, high, size=shape, dtype=np.int64).astype(dtype, copy=False)

    def permutation(self, n):
        # CuPy's Generator has no permutation: sorting random keys gives one (argsort returns int64)
        with self._device:
            return cupy.argsort(self._generator().random(n))

    # ----- convolution -------------------------------------------------------------------------
    def conv2d(self, x, w, stride, padding, dilation, groups):
        with self._device:
            return conv.conv2d(x, w, stride, padding, dilation, groups)

    def conv2d_grad_input(self, gy, w, x_shape, stride, padding, dilation, groups):
        with self._device:
            return conv.conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups)

    def conv2d_grad_weight(self, gy, x, w_shape, stride, padding, dilation, groups):
        with self._device:
            return conv.conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation, groups)

    # ----- pooling -----------------------------------------------------------------------------
    def max_pool2d(self, x, kernel, stride, padding, dilation, ceil_mode):
        with self._device:
            return pool.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)

    def max_pool2d_grad(self, gy, argmax, x_shape):
        with self._device:
            return pool.max_pool2d_grad(gy, argmax, x_shape)

    def avg_pool2d(self, x, kernel, stride, padding, ceil_mode, count_include_pad):
        with self._device:
            return pool.avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad)

    def avg_pool2d_grad(self, gy, x_shape, kernel, stride, padding, ceil_mode, count_include_pad):
        with self._device:
            return pool.avg_pool2d_grad(gy, x_shape, kernel, stride, padding, ceil_mode, count_include_pad)

    # ----- scatter -----------------------------------------------------------------------------
    def scatter_add(self, out, index, src):
        with self._device:
            scatter.scatter_add(out, index, src)

    def index_add(self, out, index, src):
        with self._device:
            scatter.index_add(out, index, src)

    # ----- fused activations -------------------------------------------------------------------
    def act_forward(self, name, x):
        with self._device:
            return activation.act_forward(name, x)

    def act_backward(self, name, x, y, gy):
        with self._device:
            return activation.act_backward(name, x, y, gy)

    # ----- softmax family ----------------------------------------------------------------------
    def softmax(self, x, axis):
        with self._device:
            return softmax_kernels.softmax(x, axis)

    def softmax_grad(self, y, gy, axis):
        with self._device:
            return softmax_kernels.softmax_grad(y, gy, axis)

    def log_softmax(self, x, axis):
        with self._device:
            return softmax_kernels.log_softmax(x, axis)

    def log_softmax_grad(self, y, gy, axis):
        with self._device:
            return softmax_kernels.log_softmax_grad(y, gy, axis)

    def cross_entropy(self, logits, target, ignore_index, label_smoothing):
        with self._device:
            self._checks.raise_failed()     # an earlier call's targets, checked by now
            return softmax_kernels.cross_entropy(logits, target, ignore_index, label_smoothing,
                                                 defer=self._checks)

    def cross_entropy_grad(self, logp, target, gloss, ignore_index, label_smoothing):
        with self._device:
            return softmax_kernels.cross_entropy_grad(logp, target, gloss, ignore_index, label_smoothing)

    # ----- recurrent cells ---------------------------------------------------------------------
    def lstm_cell(self, gates, c_prev):
        with self._device:
            return rnn.lstm_cell(gates, c_prev)

    def lstm_cell_grad(self, cache, c_prev, gh, gc):
        with self._device:
            return rnn.lstm_cell_grad(cache, c_prev, gh, gc)

    def gru_cell(self, gi, gh, h_prev):
        with self._device:
            return rnn.gru_cell(gi, gh, h_prev)

    def gru_cell_grad(self, cache, h_prev, gout):
        with self._device:
            return rnn.gru_cell_grad(cache, h_prev, gout)

    # ----- optimiser updates (in place) --------------------------------------------------------
    def sgd_step(self, param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first):
        with self._device:
            optim.sgd_step(param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first)

    def adam_step(self, param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weight_decay,
                  decoupled, amsgrad):
        with self._device:
            optim.adam_step(param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weight_decay,
                            decoupled, amsgrad)
