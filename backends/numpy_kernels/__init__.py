"""The NumPy kernels of the `cpu` backend, one module per kernel family (see backends/base.py): the
ones NumPy does its own way (strided window views, bincount, a Chebyshev erf, ...). Kernels every
device runs alike are in backends/array_kernels."""
