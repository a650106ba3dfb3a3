"""Checks of GPU data whose verdict is read later, so that they never stall the GPU's queue.

Reading a value back from the GPU waits for every kernel queued before it: a target-range check
in the middle of a training step would leave the GPU idle while Python queues the backward pass.
Instead the check's verdict is copied to pinned host memory asynchronously, and read at the next
point that waits for the GPU anyway (copying a result to the host, `synchronize()`) or when the
same op runs again; a failed check raises there, naming the op and the bad value, as PyTorch's
device-side asserts do. Inside a CUDA-graph capture (ag.jit) the copy becomes part of the graph, and
every replay queues the check again.
"""
import cupy
import cupyx
import numpy as np


class DeferredChecks:
    """Pending verdicts of one GPU: (pinned [failed, value], event after the copy, error factory)."""

    def __init__(self):
        self._pending = []
        self._captured = []

    def add(self, bad, values, make_error):
        """Queue a check: it fails when the device mask `bad` has a true entry; `make_error(value)`
        builds the exception from the first such entry of `values`."""
        first = cupy.argmax(bad)                 # index of the first true entry (0 when none)
        self.add_verdict(cupy.stack([bad[first].astype(np.int64), values[first].astype(np.int64)]), make_error)

    def add_verdict(self, verdict, make_error):
        """Queue a check already reduced to the int64 device array (failed, value)."""
        host = cupyx.empty_pinned((2,), np.int64)
        verdict.get(out=host, blocking=False)
        if cupy.cuda.get_current_stream().is_capturing():
            # the copy is a node of the CUDA graph being captured: each replay queues the check anew
            # (add_replayed), since an event recorded in a capture cannot be waited on
            self._captured.append((host, make_error))
            return
        done = cupy.cuda.Event(block=False, disable_timing=True)
        done.record()
        self._pending.append((host, done, make_error))

    def take_captured(self):
        """The checks added while a stream was being captured, [(pinned verdict, error factory)]; emptied."""
        taken, self._captured = self._captured, []
        return taken

    def add_replayed(self, checks, stream):
        """Queue captured `checks` again after a replay of their graph was launched on `stream`."""
        done = cupy.cuda.Event(block=False, disable_timing=True)
        done.record(stream)
        self._pending.extend((host, done, make_error) for host, make_error in checks)

    def raise_failed(self):
        """Wait for the queued verdicts (not for later work) and raise the first failed one."""
        pending, self._pending = self._pending, []
        for host, done, make_error in pending:
            done.synchronize()
            if host[0]:
                raise make_error(int(host[1]))
