"""Keep freed host memory in the process instead of handing it back to the system at every free.

A training step allocates and frees the same large arrays each time (an LSTM step on the benchmark's
sizes: about 8 MB of activations, caches and gradients). With glibc's adaptive defaults, the heap
grows for them and is trimmed back when they are freed, so the next step touches fresh pages:
about 2,000 page faults and 3-4 ms of kernel time a step on that LSTM, on a machine shared with
other processes. `keep_freed_memory` fixes glibc's thresholds instead (mallopt): blocks up to 32 MB
come from the heap, and up to 256 MB of free space at its top is kept for reuse. It runs once, when
a host device (cpu, numba) is first created; DEEPGRAD_KEEP_FREED_MEMORY=0 leaves malloc alone. Off
glibc (macOS, Windows, musl) it does nothing.
"""
import ctypes
import ctypes.util
import os
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
#: largest block served from the heap (glibc's own ceiling for this setting on 64-bit systems)
MMAP_THRESHOLD = 32 * 1024 * 1024
#: free space kept at the top of the heap
TRIM_THRESHOLD = 256 * 1024 * 1024

_done = False


def keep_freed_memory():
    """Apply the thresholds above once per process -> True when glibc took them."""
    global _done
    if _done:
        return False
    _done = True
    if os.environ.get("DEEPGRAD_KEEP_FREED_MEMORY", "1").strip() == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
