"""Kernels written once over the array module, shared by every backend whose arrays speak NumPy's API.

Each function takes the array module `xp` (numpy or cupy) as its first argument, or none when it only
checks arguments or computes sizes; backends bind it to their own (`functools.partial(kernel, np)`).
The argument checks here are the ones every device runs, so a bad call gets one message everywhere.
Kernels that must differ per device live in numpy_kernels, numba_kernels and cupy_kernels.
"""
