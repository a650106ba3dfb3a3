"""The MPI backend: collectives on NumPy arrays through mpi4py; CuPy arrays go through host memory."""
import time

import numpy as np
from mpi4py import MPI

OPS = {"sum": MPI.SUM, "mean": MPI.SUM, "max": MPI.MAX, "min": MPI.MIN}


class _Staged:
    """A host buffer MPI can use for `array`: the array itself when it is a contiguous NumPy array of a type
    MPI reduces, else a copy (float16 as float32, bool as uint8, GPU arrays on the host) written back by
    `finish`."""

    def __init__(self, array):
        self.array = array
        host = array if isinstance(array, np.ndarray) else array.get()
        wide = {np.dtype(np.float16): np.float32, np.dtype(np.bool_): np.uint8}.get(host.dtype)
        if wide is not None:
            host = host.astype(wide)
        self.buffer = np.ascontiguousarray(host)
        self.copied = self.buffer is not array

    def finish(self):
        """Put the buffer's values back into the array (nothing to do when the buffer is the array)."""
        if not self.copied:
            return self.array
        values = self.buffer.astype(self.array.dtype, copy=False)
        if isinstance(self.array, np.ndarray):
            self.array[...] = values
        else:
            self.array.set(values)
        return self.array


class _Request:
    """A non-blocking all-reduce in flight: `test()` lets MPI progress it, `wait()` finishes it."""

    def __init__(self, request, staged):
        self.request, self.staged = request, staged

    def test(self):
        """Progress the transfer; True once it is complete."""
        return bool(self.request.Test())

    def wait(self):
        """Block until complete; returns the seconds spent blocked."""
        start = time.perf_counter()
        self.request.Wait()
        self.staged.finish()
        return time.perf_counter() - start


class MPIBackend:
    """Collectives over an mpi4py communicator, in place on backend arrays."""

    name = "mpi"

    def __init__(self, comm):
        self.comm = comm
        self.size = comm.Get_size()

    def all_reduce(self, array, op):
        """Combine `array` across ranks in place with op 'sum', 'mean', 'max' or 'min'."""
        staged = _Staged(array)
        self.comm.Allreduce(MPI.IN_PLACE, staged.buffer, op=OPS[op])
        if op == "mean":
            staged.buffer /= self.size
        return staged.finish()

    def start_all_reduce(self, array):
        """Start summing `array` across ranks in place without blocking; returns a request to test/wait."""
        staged = _Staged(array)
        return _Request(self.comm.Iallreduce(MPI.IN_PLACE, staged.buffer, op=MPI.SUM), staged)

    def broadcast(self, array, src):
        """Overwrite `array` on every rank with rank `src`'s values."""
        staged = _Staged(array)
        self.comm.Bcast(staged.buffer, root=src)
        return staged.finish()

    def all_gather(self, array):
        """Every rank's `array`, stacked along a new first axis, on every rank (the same array module)."""
        staged = _Staged(array)
        out = np.empty((self.size,) + staged.buffer.shape, staged.buffer.dtype)
        self.comm.Allgather(staged.buffer, out)
        out = out.astype(array.dtype, copy=False)
        return out if isinstance(array, np.ndarray) else _like_device(array, out)

    def all_gather_object(self, obj):
        """Every rank's picklable `obj`, as a list in rank order."""
        return self.comm.allgather(obj)

    def broadcast_object(self, obj, src=0):
        """Rank `src`'s picklable `obj`, on every rank."""
        return self.comm.bcast(obj, root=src)

    def barrier(self):
        """Wait until every rank gets here."""
        self.comm.Barrier()


def _like_device(template, host):
    """`host` (NumPy) as an array of `template`'s (GPU) array module, on its device."""
    import cupy
    with template.device:
        return cupy.asarray(host)
