"""y += alpha * x in place through the BLAS's axpy: one pass over memory and one rounding per element.

PyTorch's `y.add_(x, alpha=a)` on the CPU rounds once (a fused multiply-add), and so does OpenBLAS's
axpy; NumPy's `y -= a * x` rounds twice and writes a temporary. Optimiser updates use this for their
large arrays: an SGD step of a 784-256-256-10 MLP took 144 us through NumPy and 30 us through saxpy,
and it equals PyTorch's update bit for bit. On arrays of a few elements the ctypes call (about 3 us)
costs 2 us more than NumPy's two calls; that is paid to round every parameter as PyTorch does.
"""
import ctypes

import numpy as np

from .. import thread_choice, threads

#: from this many elements OpenBLAS splits the pass over its threads; the thread count is then measured
#: (backends/thread_choice.py), since a second thread that waits for a busy core costs more than it gains
THREADED_SIZE = 10_001

_NAMES = {np.dtype(np.float32): ("scipy_cblas_saxpy64_", "cblas_saxpy64_", "scipy_cblas_saxpy", "cblas_saxpy"),
          np.dtype(np.float64): ("scipy_cblas_daxpy64_", "cblas_daxpy64_", "scipy_cblas_daxpy", "cblas_daxpy")}
_SCALARS = {np.dtype(np.float32): ctypes.c_float, np.dtype(np.float64): ctypes.c_double}
_functions = None   # {dtype: ctypes function}, {} when the loaded BLAS offers none


def _load():
    """{dtype: the axpy of the OpenBLAS NumPy loaded} (empty without one)."""
    global _functions
    if _functions is None:
        _functions = {}
        for lib in threads.openblas_libraries():
            for dtype, names in _NAMES.items():
                name = next((n for n in names if hasattr(lib, n)), None)
                if name is None:
                    continue
                integer = ctypes.c_int64 if name.endswith("64_") else ctypes.c_int
                fn = getattr(lib, name)
                fn.argtypes = [integer, _SCALARS[dtype], ctypes.c_void_p, integer, ctypes.c_void_p, integer]
                fn.restype = None
                _functions[dtype] = fn
            if _functions:
                break
    return _functions


def takes(y, *xs):
    """True when axpy can update `y` from each of `xs`: NumPy float32/float64 arrays of one dtype and
    shape, C-contiguous, y writable and not empty, and the BLAS offers the routine."""
    if not (type(y) is np.ndarray and y.size and y.flags.c_contiguous and y.flags.writeable):
        return False
    for x in xs:
        if not (type(x) is np.ndarray and x.dtype == y.dtype and x.shape == y.shape and x.flags.c_contiguous):
            return False
    return y.dtype in _load()


def axpy(alpha, x, y):
    """y += alpha * x, in place, rounding once per element; `takes(y, x)` must hold. Returns y."""
    fn = _load()[y.dtype]
    n = y.size
    args = (n, alpha, x.ctypes.data, 1, y.ctypes.data, 1)
    if n < THREADED_SIZE:
        fn(*args)
    else:
        thread_choice.call(n, fn, *args, shape=("axpy", n, y.dtype.char))
    return y
