"""Matrix products that a CUDA graph can hold: cuBLAS through deepgrad's own handle while a step is captured.

CuPy refuses every cuBLAS call while its stream is being captured (its binding checks the stream and
raises NotImplementedError), although cuBLAS itself supports stream capture. `ag.jit` captures whole
training steps on `cuda`, and nearly every step multiplies matrices, so inside `capturing()` the
products go through a cuBLAS handle of our own, called through ctypes, with its stream and a fixed
workspace set before the call (no allocation inside the graph). Outside a capture, `matmul` is
CuPy's. Products cuBLAS does not take (integers, mixed dtypes, dimensions over 2**31) stay with CuPy.
"""
import contextlib
import ctypes
import glob
import os
import sys

import cupy
import numpy as np

from ..array_kernels.strided_gemm import strided_matmul

_GEMM_DEFAULT, _GEMM_TENSOR_OP = -1, 99
#: cuBLAS's recommended workspace on Hopper; set once per handle, so a captured product never allocates
WORKSPACE_BYTES = 32 * 1024 * 1024

_capture_depth = [0]
_handles = {}     # device id -> (handle, workspace, [stream the handle is on])
_library = []


@contextlib.contextmanager
def capturing():
    """Route `matmul` through the capturable cuBLAS handle for the duration of the block."""
    _capture_depth[0] += 1
    try:
        yield
    finally:
        _capture_depth[0] -= 1


def matmul(a, b, out=None):
    """a @ b with NumPy's matmul rules (into `out` when given); inside `capturing()`, cuBLAS calls a CUDA
    graph can hold."""
    if _capture_depth[0] and a.dtype == b.dtype and a.dtype in _TYPES:
        product = strided_matmul(cupy, a, b, _gemm)
        if product is not None:
            if out is None:
                return product
            out[...] = product
            return out
    return cupy.matmul(a, b, out=out) if out is not None else cupy.matmul(a, b)


def prepare():
    """Create the current device's handle and workspace now (before a capture starts)."""
    _handle()


def _cublas():
    if not _library:
        from cupy_backends.cuda.libs import cublas  # noqa: F401  (CuPy loads libcublas; dlopen then finds it by name)
        _library.append(_open_cublas())
    return _library[0]


def _open_cublas():
    names = ["libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"]
    for name in names:
        try:
            return _bind(ctypes.CDLL(name))
        except OSError:
            continue
    roots = [os.path.join(root, "nvidia") for root in sys.path] + [os.environ.get("CUDA_PATH", "/usr/local/cuda")]
    for root in roots:
        for path in sorted(glob.glob(os.path.join(root, "**", "libcublas.so*"), recursive=True)):
            try:
                return _bind(ctypes.CDLL(path))
            except OSError:
                continue
    raise RuntimeError("jit on cuda: cannot load libcublas (tried " + ", ".join(names) + " and the nvidia wheels "
                       "on sys.path); install CuPy's CUDA libraries: pip install -e \".[cuda13]\"")


def _bind(lib):
    p, i, ll = ctypes.c_void_p, ctypes.c_int, ctypes.c_longlong
    lib.cublasCreate_v2.argtypes = [ctypes.POINTER(p)]
    lib.cublasSetStream_v2.argtypes = [p, p]
    lib.cublasSetWorkspace_v2.argtypes = [p, p, ctypes.c_size_t]
    lib.cublasGemmEx.argtypes = [p, i, i, i, i, i, p, p, i, i, p, i, i, p, p, i, i, i, i]
    lib.cublasGemmStridedBatchedEx.argtypes = [p, i, i, i, i, i, p, p, i, i, ll, p, i, i, ll, p, p, i, i, ll, i, i, i]
    for name in ("cublasCreate_v2", "cublasSetStream_v2", "cublasSetWorkspace_v2", "cublasGemmEx",
                 "cublasGemmStridedBatchedEx"):
        getattr(lib, name).restype = i
    return lib


def _check(status, what):
    if status != 0:
        raise RuntimeError(f"jit on cuda: cuBLAS {what} failed with status {status}")


def _handle():
    """The current device's handle, on CuPy's current stream, with its workspace."""
    device = cupy.cuda.runtime.getDevice()
    record = _handles.get(device)
    lib = _cublas()
    if record is None:
        handle = ctypes.c_void_p()
        _check(lib.cublasCreate_v2(ctypes.byref(handle)), "cublasCreate")
        record = _handles[device] = (handle, cupy.cuda.alloc(WORKSPACE_BYTES), [None])
    handle, workspace, on = record
    stream = cupy.cuda.get_current_stream().ptr
    if on[0] != stream:   # setting the stream resets the workspace to cuBLAS's own pool: set both
        _check(lib.cublasSetStream_v2(handle, stream), "cublasSetStream")
        _check(lib.cublasSetWorkspace_v2(handle, workspace.ptr, WORKSPACE_BYTES), "cublasSetWorkspace")
        on[0] = stream
    return lib, handle


#: dtype -> (cudaDataType, cublasComputeType, scale type): float16 accumulates in float32, as CuPy's products
_TYPES = {np.dtype(np.float32): (0, 68, ctypes.c_float), np.dtype(np.float64): (1, 70, ctypes.c_double),
          np.dtype(np.float16): (2, 68, ctypes.c_float)}


def _gemm(op_1, op_2, m, n, k, x1, ld1, s1, x2, ld2, s2, c, ldc, sc, count):
    """One cuBLAS product in column-major terms (cublasGemmEx, or cublasGemmStridedBatchedEx for a batch), with
    the compute type and algorithm choice CuPy's own products use, so captured and eager products agree."""
    lib, handle = _handle()
    data, compute, scale = _TYPES[c.dtype]
    one, zero = scale(1.0), scale(0.0)
    algo = _GEMM_TENSOR_OP if int(cupy.cuda.Device().compute_capability) >= 80 else _GEMM_DEFAULT
    if count == 1:
        status = lib.cublasGemmEx(handle, op_1, op_2, m, n, k, ctypes.byref(one), x1.data.ptr, data, ld1,
                                  x2.data.ptr, data, ld2, ctypes.byref(zero), c.data.ptr, data, ldc, compute, algo)
    else:
        status = lib.cublasGemmStridedBatchedEx(handle, op_1, op_2, m, n, k, ctypes.byref(one), x1.data.ptr, data,
                                                ld1, s1, x2.data.ptr, data, ld2, s2, ctypes.byref(zero), c.data.ptr,
                                                data, ldc, sc, count, compute, algo)
    _check(status, "gemm")
