"""CuPy kernels for the `cuda` device, one module per family: fused ElementwiseKernels and the GPU's
own ways (im2col gathers, atomics, deferred checks). Kernels every device runs alike are in
backends/array_kernels, which the cuda device calls with cupy as the array module."""
