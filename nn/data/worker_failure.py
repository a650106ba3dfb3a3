"""Errors of DataLoader worker processes, raised in the main process as PyTorch raises them: an exception a worker
caught (same type, "Caught ValueError in DataLoader worker process 0." and the original traceback text), a worker
that died (RuntimeError, with the signal or exit code as its cause) and a timeout (RuntimeError)."""
import pickle
import signal
import sys
import traceback


class _KeyErrorText(str):
    """A KeyError's message shown as text: KeyError's str() shows repr(message), which would print the traceback's
    newlines as escapes."""

    def __repr__(self):
        return str(self)


class CaughtError:
    """The exception being handled in worker `worker_id`, kept as its type and its formatted traceback (the
    exception object itself may not survive pickling)."""

    def __init__(self, worker_id):
        kind, value, tb = sys.exc_info()
        self.kind = kind
        self.text = "".join(traceback.format_exception(kind, value, tb))
        self.where = f"in DataLoader worker process {worker_id}"
        try:
            pickle.dumps(kind)
        except Exception:   # a class defined inside a function: no way to name it in the main process
            self.kind = RuntimeError

    def reraise(self):
        """Raise the worker's exception in this process: same type, message naming the worker and the original
        traceback; a type that cannot be made from one message is raised as RuntimeError, as PyTorch does."""
        message = f"Caught {self.kind.__name__} {self.where}.\nOriginal {self.text}"
        if self.kind is KeyError:
            message = _KeyErrorText(message)
        elif getattr(self.kind, "message", None):
            raise self.kind(message=message)
        try:
            error = self.kind(message)
        except Exception:
            raise RuntimeError(message) from None
        try:
            raise error
        finally:
            del error   # the traceback's frame must not hold the exception (a cycle keeping the loader's workers)


def exited_error(workers):
    """PyTorch's RuntimeError for worker processes that ended without being asked to (`workers`: the dead
    multiprocessing.Process objects), its cause naming the signal that killed one or its exit code."""
    error = RuntimeError(f"DataLoader worker (pid(s) {', '.join(str(w.pid) for w in workers)}) exited unexpectedly")
    error.__cause__ = death_error(workers[0].pid, workers[0].exitcode)
    return error


def death_error(pid, code):
    """PyTorch's RuntimeError for worker `pid` that ended with exit code `code` (minus the signal's number when a
    signal killed it), or None when it exited cleanly (or has not ended: None)."""
    if code is not None and code < 0:
        return RuntimeError(f"DataLoader worker (pid {pid}) is killed by signal: {signal.strsignal(-code)}. ")
    if code:
        return RuntimeError(f"DataLoader worker (pid {pid}) exited unexpectedly with exit code {code}. Details are "
                            "lost due to multiprocessing. Rerunning with num_workers=0 may give better error trace.")
    return None


def timed_out_error(timeout):
    """PyTorch's RuntimeError when no batch arrived within `timeout` seconds."""
    return RuntimeError(f"DataLoader timed out after {timeout} seconds")
