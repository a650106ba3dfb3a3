"""The CuPy backend (`cuda`, `cuda:N`): arrays in NVIDIA GPU memory, kernels from backends/cupy_kernels
and the array kernels shared with the cpu device (backends/array_kernels, run with cupy as xp).

Every method that allocates or launches work runs inside `with self._device:` (a stored
cupy.cuda.Device; CuPy keeps its stack per thread), so `cuda:1` work lands on GPU 1 whatever the
caller's current device. Memory comes from CuPy's default memory pool. Work is queued on the
device's current stream: nothing here waits for the GPU except `to_host`, `synchronize` and the
few checks that must read a value (cross-entropy target range, index_add bounds).
"""
import functools
import importlib

import numpy as np

from .base import Backend
from .errors import DeviceError, DeviceUnavailableError

try:
    import cupy
except Exception as exc:   # not installed (ImportError) or a broken install: the device explains it when created
    cupy, _IMPORT_ERROR = None, exc
else:
    _IMPORT_ERROR = None
    from .cupy_kernels import cross_entropy
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


def _refuse_bfloat16(data, dtype, device):
    """TypeError for bfloat16 data or a bfloat16 target dtype: CuPy has no bfloat16 arrays."""
    for d in (dtype, getattr(data, "dtype", None)):
        if d is not None and str(d) in ("bfloat16", "<class 'ml_dtypes.bfloat16'>"):
            raise TypeError(f"{device}: the cuda device (CuPy) has no bfloat16; keep bfloat16 tensors on the cpu or "
                            f"numba device, or convert first (t.float() or t.half()) before t.to('{device}')")


def open_device(name, index, cp=None, import_error=None):
    """The cupy.cuda.Device for GPU `index`, or DeviceUnavailableError saying what is missing and how to get it.

    `cp` and `import_error` default to this module's CuPy import (tests pass stand-ins)."""
    if cp is None and import_error is None:
        cp, import_error = cupy, _IMPORT_ERROR
    if cp is None:
        if isinstance(import_error, ImportError):
            problem = f"device {name!r} needs CuPy, which is not installed ({import_error})"
        else:
            problem = (f"device {name!r} needs CuPy, which is installed but fails to import "
                       f"({type(import_error).__name__}: {import_error}); reinstall the wheel matching your CUDA")
        raise DeviceUnavailableError(f"{problem}. Install it with: {INSTALL_HINT}, on a machine with an NVIDIA GPU and "
                          f"driver. Available on this machine: {_available_here()}.")
    try:
        count = cp.cuda.runtime.getDeviceCount()
    except Exception as exc:   # cudaErrorNoDevice, cudaErrorInsufficientDriver, a missing libcuda, ...
        raise DeviceUnavailableError(f"device {name!r}: no NVIDIA GPU / driver found (CUDA says: {type(exc).__name__}: "
                          f"{exc}). CuPy is installed, but the cuda device also needs an NVIDIA GPU and its "
                          f"driver, and a CuPy wheel matching the driver's CUDA version: {INSTALL_HINT}. "
                          f"Available on this machine: {_available_here()}.") from None
    if count == 0:
        raise DeviceUnavailableError(f"device {name!r}: no NVIDIA GPU / driver found (CUDA reports 0 devices). "
                          f"Available on this machine: {_available_here()}.")
    if index >= count:
        raise DeviceUnavailableError(f"device {name!r} does not exist: this machine has {count} CUDA GPU(s), "
                          f"cuda:0 to cuda:{count - 1}. Available on this machine: {_available_here()}.")
    return cp.cuda.Device(index)


#: The Backend methods that only run one kernel on the GPU, by the module (under backends/) that holds
#: a function of the same name; array_kernels functions get cupy as their array module.
KERNELS = (
    ("cupy_kernels.conv", ("conv2d", "conv2d_grad_input", "conv2d_grad_weight")),
    ("cupy_kernels.pool", ("max_pool2d", "max_pool2d_grad")),
    ("array_kernels.pool", ("avg_pool2d", "avg_pool2d_grad")),
    ("cupy_kernels.scatter", ("scatter_add", "index_add")),
    ("cupy_kernels.sparse", ("spmm", "sddmm")),
    ("cupy_kernels.activation", ("act_forward", "act_backward")),
    ("array_kernels.softmax", ("softmax", "softmax_grad", "log_softmax", "log_softmax_grad")),
    ("cupy_kernels.cross_entropy", ("cross_entropy_grad",)),
    ("cupy_kernels.rnn", ("lstm_cell", "lstm_cell_grad", "gru_cell", "gru_cell_grad")),
    ("cupy_kernels.optim", ("sgd_step", "adam_step")),
)


def _kernel(module, name):
    """The function `name` of backends.<module>, bound to cupy when it is an array kernel; None
    without CuPy (the device cannot be created then, so its methods never run)."""
    if cupy is None:
        return None
    function = getattr(importlib.import_module(f".{module}", __package__), name)
    return functools.partial(function, cupy) if module.startswith("array_kernels.") else function


def _on_device(name, kernel):
    """The Backend method `name`: `kernel(*args)` with this backend's GPU as CuPy's current device."""
    def method(self, *args, **kwargs):
        with self._device:
            return kernel(*args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Backend.{name} on this GPU."
    return method


#: the methods of KERNELS, a base class of CupyBackend
_KernelMethods = type("_KernelMethods", (), {name: _on_device(name, _kernel(module, name))
                                             for module, names in KERNELS for name in names})


class CupyBackend(_KernelMethods, Backend):
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
        _refuse_bfloat16(data, dtype, self.name)
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

    def take_captured_checks(self):
        """The deferred checks (target ranges) a CUDA-graph capture added: their copies are in its graph."""
        return self._checks.take_captured()

    def queue_replayed_checks(self, checks, stream):
        """Queue `checks` again after a replay of their graph on `stream`, read at the next synchronisation."""
        self._checks.add_replayed(checks, stream)

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

    # ----- kernels (the rest are KERNELS) ------------------------------------------------------
    def cross_entropy(self, logits, target, ignore_index, label_smoothing):
        with self._device:
            self._checks.raise_failed()     # an earlier call's targets, checked by now
            return cross_entropy.cross_entropy(logits, target, ignore_index, label_smoothing, defer=self._checks)
