"""What every fused ElementwiseKernel of the cuda device shares: the CUDA preamble and kernel construction.

Kernels take one type placeholder `T` (float16, float32 or float64 arrays) and compute in `A`:
float for float16 storage (CUDA has no fast half-precision exp/tanh/erf), T itself otherwise.
Constructing a kernel compiles nothing; NVRTC compiles it on first call, once per dtype and GPU,
and CuPy caches the binary on disk.
"""
import cupy
import numpy as np

#: storage dtypes the fused kernels take
FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))

PREAMBLE = r"""
template <typename S> struct dg_compute { typedef S type; };
template <> struct dg_compute<float16> { typedef float type; };
template <typename S> __device__ S dg_sigmoid(S x) { return S(1) / (S(1) + exp(-x)); }
"""

# the compute type, declared first in every kernel body (T is a file-scope typedef, so no `typename`)
_HEAD = "typedef dg_compute<T>::type A;\n"


def kernel(in_params, out_params, body, name, **kwargs):
    """An ElementwiseKernel with the shared preamble; `body` may use the compute type A and dg_sigmoid."""
    return cupy.ElementwiseKernel(in_params, out_params, _HEAD + body, name, preamble=PREAMBLE, **kwargs)


def literal(value):
    """A Python float as a CUDA literal of the compute type A (full double precision, rounded by A)."""
    return f"A({float(value)!r})"
