"""The CPU thread count of the BLAS library (and Numba's kernels): read, set, and briefly lowered.

threadpoolctl is used when installed; otherwise the OpenBLAS that NumPy loaded is called directly
through ctypes (its `*openblas_set_num_threads*` entry point), which also makes `limited` cheap
enough (about a microsecond) to wrap single products. With neither, the setters only record the
count. The starting count honours OMP_NUM_THREADS / OPENBLAS_NUM_THREADS, which the libraries read
themselves at import.
"""
import ctypes
import os
from contextlib import contextmanager

_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads64_",
            "openblas_set_num_threads")
_GETTERS = ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads", "openblas_get_num_threads64_",
            "openblas_get_num_threads")
_blas = None      # (set, get) ctypes functions of the loaded OpenBLAS, False when none was found
_requested = None


def _loaded_openblas_paths():
    """Paths of the OpenBLAS libraries mapped into this process (Linux /proc/self/maps)."""
    import numpy  # noqa: F401  (loads NumPy's BLAS)
    try:
        with open("/proc/self/maps") as f:
            return sorted({line.split()[-1] for line in f if "openblas" in line.lower() and "/" in line})
    except OSError:
        return []


def openblas_libraries():
    """ctypes handles of the OpenBLAS libraries mapped into this process (NumPy's among them), in path order;
    each caller takes the first that has the entry points it needs."""
    for path in _loaded_openblas_paths():
        try:
            yield ctypes.CDLL(path)
        except OSError:
            continue


def _openblas():
    """(set, get) of the OpenBLAS NumPy uses, or None when it cannot be found."""
    global _blas
    if _blas is None:
        _blas = False
        for lib in openblas_libraries():
            setter = next((getattr(lib, n) for n in _SETTERS if hasattr(lib, n)), None)
            getter = next((getattr(lib, n) for n in _GETTERS if hasattr(lib, n)), None)
            if setter is not None and getter is not None:
                setter.argtypes, getter.restype = [ctypes.c_int], ctypes.c_int
                _blas = (setter, getter)
                break
    return _blas or None


#: the libraries read these once, when they load: so does this module (not on every product)
_SET_IN_ENVIRONMENT = any(os.environ.get(name) for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"))


def chosen_by_user():
    """True once `set_num_threads` was called, or when OMP_NUM_THREADS / OPENBLAS_NUM_THREADS was set
    at start-up: then products run on exactly that count (no measured choice), and runs repeat bit for
    bit."""
    return _requested is not None or _SET_IN_ENVIRONMENT


def openblas_calls():
    """(set, get) ctypes functions of the OpenBLAS NumPy uses (each about a microsecond), or None."""
    return _openblas()


def get_num_threads():
    """The number of threads BLAS products run on."""
    blas = _openblas()
    if blas is not None:
        return int(blas[1]())
    try:
        from threadpoolctl import threadpool_info
        counts = [lib["num_threads"] for lib in threadpool_info() if lib.get("user_api") == "blas"]
        if counts:
            return max(counts)
    except ImportError:
        pass
    if _requested is not None:
        return _requested
    return int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1))


def set_num_threads(n):
    """Run BLAS products (and Numba's parallel kernels, when Numba is loaded) on `n` threads.

    Raises ValueError unless n is a positive integer.
    """
    global _requested
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: the thread count must be a positive integer, got {n!r}")
    _requested = n
    blas = _openblas()
    if blas is not None:
        blas[0](n)
    else:
        try:
            from threadpoolctl import threadpool_limits
            threadpool_limits(n, user_api="blas")
        except ImportError:
            pass
    import sys
    numba = sys.modules.get("numba")
    if numba is not None:
        apply_to_numba(numba)


def apply_to_numba(numba):
    """Give Numba's kernels the thread count set with `set_num_threads`, if one was (the numba device
    calls this when it loads Numba, so a count set before that still applies)."""
    if _requested is not None:
        numba.set_num_threads(min(_requested, numba.config.NUMBA_NUM_THREADS))


@contextmanager
def limited(n):
    """BLAS on at most `n` threads inside the block (for products too small to gain from more)."""
    blas = _openblas()
    if blas is None:
        yield
        return
    before = int(blas[1]())
    if before <= n:
        yield
        return
    blas[0](n)
    try:
        yield
    finally:
        blas[0](before)


def one_thread(fn, *args):
    """fn(*args) with BLAS on one thread (products too small to gain from a second one); cheaper than
    `limited(1)`, for wrapping single products on hot paths."""
    blas = _openblas()
    if blas is None:
        return fn(*args)
    before = blas[1]()
    if before <= 1:
        return fn(*args)
    blas[0](1)
    try:
        return fn(*args)
    finally:
        blas[0](before)
