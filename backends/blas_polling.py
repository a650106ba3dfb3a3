"""Shorten how long OpenBLAS's idle threads poll for work, for processes that run the numba device.

After each multi-threaded product, OpenBLAS's threads keep polling for the next one for 2^28 cycles
(about a tenth of a second) before they sleep. On the numba device the compiled kernels between two
products split their work over deepgrad's own worker threads (batch norm, activations, Winograd's
tile transforms, the batch parts of a recurrence), and a worker that lands on the core a polling
OpenBLAS thread holds gets about half of it; the measured choice of those splits then falls back to
one thread. With the timeout at 2^16 cycles (tens of microseconds), measured on a 2-core AVX-512 host
with `python -m benchmarks --isolate`: LeNet-5's training step on `numba` 11.1 -> 6.6 ms, the b32
LSTM step 13.9 -> 10.5 ms, the MLP step unchanged (2.55 / 2.44 ms). The `cpu` device's LSTM, whose
hundred small products each sequence follow one another within microseconds, measured slower with
it (15.6 -> 18.6 ms), so only the numba device sets it. OpenBLAS is one per process: a process that
runs both devices runs its `cpu` products with the short timeout as well once the numba device exists
(listing the devices, `backends.available()` or `ag.cuda.is_available()`, does not create it).

OpenBLAS reads OPENBLAS_THREAD_TIMEOUT when it starts its threads; `shorten_polling` sets the
variable (child processes inherit it), has OpenBLAS re-read its environment, and stops its threads,
which the next product starts again with the new timeout. It runs once per process, when the numba
device is first created; a timeout the user set in the environment is kept (OpenBLAS's own default
is 28), and off OpenBLAS (or without these entry points) it does nothing.
"""
import ctypes
import os

#: log2 of the cycles an idle OpenBLAS thread polls before it sleeps (OpenBLAS takes 4..30)
TIMEOUT_LOG2 = 16
#: the entry points used; all exported by OpenBLAS 0.3 builds, NumPy's included
_ENTRY_POINTS = ("openblas_read_env", "blas_thread_shutdown_", "openblas_thread_timeout")

_done = False


def _library():
    """The OpenBLAS NumPy uses, as a ctypes library with the entry points above, or None."""
    from . import threads
    for path in threads._loaded_openblas_paths():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        if all(hasattr(lib, name) for name in _ENTRY_POINTS):
            lib.openblas_thread_timeout.restype = ctypes.c_int
            return lib
    return None


def current_timeout():
    """log2 of OpenBLAS's polling timeout as it will start its threads (0: its default, 28), or None
    without OpenBLAS."""
    lib = _library()
    return None if lib is None else int(lib.openblas_thread_timeout())


def shorten_polling(log2_cycles=TIMEOUT_LOG2):
    """Set OpenBLAS's polling timeout to 2^log2_cycles once per process -> True when it was set here."""
    global _done
    if _done:
        return False
    _done = True
    if os.environ.get("OPENBLAS_THREAD_TIMEOUT", "").strip():
        return False
    lib = _library()
    if lib is None:
        return False
    os.environ["OPENBLAS_THREAD_TIMEOUT"] = str(log2_cycles)
    lib.openblas_read_env()
    lib.blas_thread_shutdown_()
    return int(lib.openblas_thread_timeout()) == log2_cycles
