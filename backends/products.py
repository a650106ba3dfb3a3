"""The matrix product each array module's kernels call: NumPy's chooses its BLAS thread count by size
(thread_choice.py), CuPy's can be captured into a CUDA graph (cupy_kernels/graph_gemm.py), any other
module's is its own matmul."""
import numpy as np

from . import thread_choice


def matmul_for(xp):
    """xp's matmul(a, b, out=None) for the kernels to call."""
    if xp is np:
        return thread_choice.matmul
    if getattr(xp, "__name__", "") == "cupy":
        from .cupy_kernels.graph_gemm import matmul
        return matmul
    return xp.matmul
