"""The NumPy reference kernels of the `cpu` backend, one module per kernel family (see backends/base.py)."""
