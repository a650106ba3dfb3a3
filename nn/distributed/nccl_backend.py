"""The NCCL backend: collectives between GPUs through CuPy's `cupy.cuda.nccl`; MPI only starts it.

Rank 0 makes the NCCL unique id and MPI broadcasts it; after that every array collective is an NCCL call
on CuPy arrays. Non-blocking all-reduces run on a stream of their own, ordered after the work queued so
far on the current stream, and `wait` makes the current stream wait for them (the host never blocks).
Objects (picklable Python values) and barriers still go over MPI.
"""
import time

import numpy as np

OPS = ("sum", "mean", "max", "min")


def nccl_dtype(nccl, dtype):
    """The NCCL data type code for a NumPy dtype; a clear error for types NCCL cannot reduce."""
    table = {np.dtype(np.float16): nccl.NCCL_FLOAT16, np.dtype(np.float32): nccl.NCCL_FLOAT32,
             np.dtype(np.float64): nccl.NCCL_FLOAT64, np.dtype(np.int32): nccl.NCCL_INT32,
             np.dtype(np.int64): nccl.NCCL_INT64, np.dtype(np.uint8): nccl.NCCL_UINT8,
             np.dtype(np.int8): nccl.NCCL_INT8, np.dtype(np.bool_): nccl.NCCL_UINT8}
    key = np.dtype(dtype)
    if key not in table:
        raise TypeError(f"nn.distributed (nccl): arrays of dtype {key} cannot be communicated; use one of "
                        f"{', '.join(str(d) for d in table)}")
    return table[key]


def nccl_op(nccl, op):
    """The NCCL reduction for 'sum', 'mean' (a sum, divided afterwards), 'max' or 'min'."""
    return {"sum": nccl.NCCL_SUM, "mean": nccl.NCCL_SUM, "max": nccl.NCCL_MAX, "min": nccl.NCCL_MIN}[op]


class _StreamRequest:
    """An all-reduce queued on the communication stream; `wait` orders the current stream after it."""

    def __init__(self, done, cupy):
        self.done, self.cupy = done, cupy

    def test(self):
        """True once the GPU has finished the transfer."""
        return self.done.done

    def wait(self):
        """Make the current stream wait for the transfer (no host block); returns 0.0 seconds blocked."""
        start = time.perf_counter()
        self.cupy.cuda.get_current_stream().wait_event(self.done)
        return time.perf_counter() - start


class NCCLBackend:
    """Collectives between GPUs with NCCL; `comm` is the MPI communicator used to start it."""

    name = "nccl"

    def __init__(self, comm, device, nccl=None):
        import cupy
        if nccl is None:
            try:
                from cupy.cuda import nccl
            except ImportError:
                raise ImportError("nn.distributed: backend 'nccl' needs CuPy built with NCCL (pip install -e "
                                  "\".[cuda]\" and the NCCL library, e.g. pip install nvidia-nccl-cu12); or use "
                                  "init(backend='mpi')") from None
        self.cupy, self.nccl, self.comm, self.device = cupy, nccl, comm, device
        self.size, self.rank = comm.Get_size(), comm.Get_rank()
        unique_id = nccl.get_unique_id() if self.rank == 0 else None
        unique_id = comm.bcast(unique_id, root=0)
        with device.activate():
            self.communicator = nccl.NcclCommunicator(self.size, unique_id, self.rank)
            self.stream = cupy.cuda.Stream(non_blocking=True)

    def _check(self, array):
        if not isinstance(array, self.cupy.ndarray):
            raise TypeError(f"nn.distributed (nccl): expected a CuPy array (a Tensor on a cuda device), got "
                            f"{type(array).__name__}; move it with .to('cuda') or use init(backend='mpi')")
        if not array.flags.c_contiguous:
            raise ValueError("nn.distributed (nccl): the array must be contiguous")
        return array

    def _current(self):
        return self.cupy.cuda.get_current_stream().ptr

    def all_reduce(self, array, op):
        """Combine `array` across ranks in place (on the current stream)."""
        a = self._check(array)
        self.communicator.allReduce(a.data.ptr, a.data.ptr, a.size, nccl_dtype(self.nccl, a.dtype),
                                    nccl_op(self.nccl, op), self._current())
        if op == "mean":
            a /= self.size
        return a

    def start_all_reduce(self, array):
        """Queue a sum of `array` across ranks on the communication stream, after the work queued so far."""
        a = self._check(array)
        ready = self.cupy.cuda.Event(disable_timing=True)
        ready.record(self.cupy.cuda.get_current_stream())
        self.stream.wait_event(ready)
        self.communicator.allReduce(a.data.ptr, a.data.ptr, a.size, nccl_dtype(self.nccl, a.dtype),
                                    self.nccl.NCCL_SUM, self.stream.ptr)
        done = self.cupy.cuda.Event(disable_timing=True)
        done.record(self.stream)
        return _StreamRequest(done, self.cupy)

    def broadcast(self, array, src):
        """Overwrite `array` on every rank with rank `src`'s values."""
        a = self._check(array)
        self.communicator.bcast(a.data.ptr, a.size, nccl_dtype(self.nccl, a.dtype), src, self._current())
        return a

    def all_gather(self, array):
        """Every rank's `array`, stacked along a new first axis."""
        a = self._check(array)
        out = self.cupy.empty((self.size,) + a.shape, a.dtype)
        self.communicator.allGather(a.data.ptr, out.data.ptr, a.size, nccl_dtype(self.nccl, a.dtype),
                                    self._current())
        return out

    def all_gather_object(self, obj):
        """Every rank's picklable `obj` (over MPI), as a list in rank order."""
        return self.comm.allgather(obj)

    def broadcast_object(self, obj, src=0):
        """Rank `src`'s picklable `obj` (over MPI), on every rank."""
        return self.comm.bcast(obj, root=src)

    def barrier(self):
        """Finish this GPU's queued work, then wait until every rank gets here."""
        self.cupy.cuda.get_current_stream().synchronize()
        self.comm.Barrier()
