"""deepgrad's benchmark suite: `python -m benchmarks --help`.

Kept free of imports so that `python -m benchmarks --threads N` can set thread-count variables
before NumPy, Numba or PyTorch are loaded.
"""
