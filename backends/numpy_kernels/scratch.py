"""Per-thread scratch memory for the CPU convolutions' temporary buffers (column matrices, padded
inputs, Winograd tiles), kept between calls.

A fresh buffer of a few MB comes from the OS as zero-filled pages, a page fault every 4 kB, which
costs as much as the copy that fills it (b16 16ch 32x32 im2col: 2.7-3.8 ms a forward against 1.3 ms
with reused memory). Buffers above MAX_BYTES are allocated per call (their work dwarfs the faults).
"""
import threading

import numpy as np

#: the largest buffer kept per thread and role
MAX_BYTES = 2 ** 24

_kept = threading.local()


def buffer(role, shape, dtype):
    """An uninitialised C-contiguous array of `shape` in this thread's scratch memory for `role`; it is
    only valid until the next call for the same role on this thread."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    if nbytes > MAX_BYTES:
        return np.empty(shape, dtype)
    flat = getattr(_kept, role, None)
    if flat is None or flat.size < nbytes:
        flat = np.empty(nbytes, np.uint8)
        setattr(_kept, role, flat)
    return flat[:nbytes].view(dtype).reshape(shape)
