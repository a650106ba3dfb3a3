"""NumPy's own BLAS matrix products (sgemm, dgemm) as functions that compiled kernels can call.

Numba's np.dot calls the BLAS that SciPy ships, which can be another build than NumPy's (here an
older OpenBLAS: 52 us against NumPy's 41 us for the (32, 128) @ (128, 512) float32 product of an
LSTM step). Kernels that run many small products take NumPy's instead when it can be found: the
OpenBLAS that NumPy's wheels bundle (numpy.libs/ on Linux and Windows, .dylibs/ on macOS), under the
CBLAS names its builds export. Anything else (a NumPy linked to MKL or Accelerate, say) finds
nothing here and the kernels use np.dot. The functions are passed to the kernels as arguments, not
read as globals, so the kernels stay cacheable on disk (a global function pointer would be baked
into the cached machine code).
"""
import ctypes
import glob
import os

import numpy as np

ROW_MAJOR, NO_TRANSPOSE = 101, 111
#: the CBLAS gemm names NumPy's OpenBLAS builds export ({} is s or d), with their integer type
_NAMES = (("scipy_cblas_{}gemm64_", ctypes.c_int64), ("scipy_cblas_{}gemm", ctypes.c_int32),
          ("cblas_{}gemm64_", ctypes.c_int64), ("cblas_{}gemm", ctypes.c_int32))


def _library_files():
    root = os.path.dirname(np.__file__)
    patterns = (os.path.join(root, os.pardir, "numpy.libs", "*openblas*"), os.path.join(root, ".dylibs", "*openblas*"))
    return sorted(path for pattern in patterns for path in glob.glob(pattern))


def _gemm(library, name, index, real):
    """cblas_?gemm(order, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) as a ctypes function."""
    address = ctypes.cast(getattr(library, name), ctypes.c_void_p).value
    enum, pointer = ctypes.c_int32, ctypes.c_void_p
    prototype = ctypes.CFUNCTYPE(None, enum, enum, enum, index, index, index, real, pointer, index, pointer, index,
                                 real, pointer, index)
    return prototype(address)


def find_numpy_gemm():
    """{dtype: gemm} for float32 and float64 from the BLAS NumPy bundles; {} when it is not found."""
    for path in _library_files():
        try:
            library = ctypes.CDLL(path)   # already loaded by NumPy: the same library, threads and settings
        except OSError:
            continue
        for name, index in _NAMES:
            if hasattr(library, name.format("s")) and hasattr(library, name.format("d")):
                return {np.dtype(np.float32): _gemm(library, name.format("s"), index, ctypes.c_float),
                        np.dtype(np.float64): _gemm(library, name.format("d"), index, ctypes.c_double)}
    return {}


#: NumPy's gemm per dtype (may be empty)
NUMPY_GEMM = find_numpy_gemm()
