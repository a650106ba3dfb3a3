"""Numba kernels of the `numba` device, one module per kernel family.

Import these only through `backends.numba_backend`, which points Numba's cache at a writable
folder before Numba is first imported (see `cache_dir`).
"""
