"""Shorten how long OpenBLAS's idle threads poll for work.

After each multi-threaded product, OpenBLAS's threads keep polling for the next one for 2^28 cycles
(about a tenth of a second) before they sleep. On the numba device the compiled kernels between two
products split their work over deepgrad's own worker threads (batch norm, activations, Winograd's
tile transforms, the batch parts of a recurrence), and a worker that lands on the core a polling
OpenBLAS thread holds gets about half of it; the measured choice of those splits then falls back to
one thread. With the timeout at 2^16 cycles (tens of microseconds), measured on a 2-core AVX-512 host
with `python -m benchmarks --isolate`: LeNet-5's training step on `numba` 11.1 -> 6.6 ms, the b32
LSTM step 13.9 -> 10.5 ms, the MLP step unchanged (2.55 / 2.44 ms).

The `cpu` device sets 2^20 cycles (about half a millisecond) since stop 28. On a machine where another
process keeps a core busy, a polling OpenBLAS thread takes the one free core from the NumPy passes that
follow each product: medians of the two timeouts alternating in one process, 2^28 / 2^20, ms, one core
kept busy: CIFAR ResNet-8 step b64 336 / 191 (PyTorch's about 400), LeNet-5 25.3 / 14.4, MLP 4.47 /
3.32, LSTM 39.6 / 29.2; quiet: ResNet-8 160.5 / 162.8, LeNet-5 10.6 / 11.8 and 12.0 / 11.4, MLP 2.07
/ 2.04, LSTM 21.0 / 18.7. At 2^16 the quiet MLP step took 2.34 and LeNet's 11.4, so the `cpu` device
keeps the longer of the two. OpenBLAS is one per process: a process that runs both devices runs its
`cpu` products with numba's shorter timeout once the numba device exists (listing the devices,
`backends.available()` or `ag.cuda.is_available()`, creates none).

OpenBLAS reads OPENBLAS_THREAD_TIMEOUT when it starts its threads; `shorten_polling` sets the
variable (child processes inherit it, with DEEPGRAD_OPENBLAS_THREAD_TIMEOUT naming it deepgrad's),
has OpenBLAS re-read its environment, and stops its threads, which the next product starts again with
the new timeout. It changes the timeout only to shorten it; a timeout the user set in the environment is
kept (OpenBLAS's own default is 28), and off OpenBLAS (or without these entry points) it does nothing.
"""
import ctypes
import os

#: log2 of the cycles an idle OpenBLAS thread polls before it sleeps (OpenBLAS takes 4..30): numba's
TIMEOUT_LOG2 = 16
#: ... and the cpu device's (figures above)
CPU_TIMEOUT_LOG2 = 20
#: the environment variable that marks OPENBLAS_THREAD_TIMEOUT as set by deepgrad, not by the user
MARK = "DEEPGRAD_OPENBLAS_THREAD_TIMEOUT"
#: the entry points used; all exported by OpenBLAS 0.3 builds, NumPy's included
_ENTRY_POINTS = ("openblas_read_env", "blas_thread_shutdown_", "openblas_thread_timeout")



def _library():
    """The OpenBLAS NumPy uses, as a ctypes library with the entry points above, or None."""
    from . import threads
    for lib in threads.openblas_libraries():
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
    """Set OpenBLAS's polling timeout to 2^log2_cycles unless the user set OPENBLAS_THREAD_TIMEOUT or
    deepgrad already set one as short -> True when it was set here."""
    current = os.environ.get("OPENBLAS_THREAD_TIMEOUT", "").strip()
    if current and (current != os.environ.get(MARK) or not current.isdigit() or int(current) <= log2_cycles):
        return False
    lib = _library()
    if lib is None:
        return False
    os.environ["OPENBLAS_THREAD_TIMEOUT"] = os.environ[MARK] = str(log2_cycles)
    lib.openblas_read_env()
    lib.blas_thread_shutdown_()
    return int(lib.openblas_thread_timeout()) == log2_cycles
