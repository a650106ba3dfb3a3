"""CuPy kernels for the `cuda` device, one module per family, mirroring backends/numpy_kernels."""
