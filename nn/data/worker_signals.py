"""The main process's watch over its DataLoader workers, as PyTorch's: a SIGCHLD handler that raises PyTorch's
RuntimeError in the main thread as soon as a watched worker is killed by a signal or exits with an error code,
wherever the main thread then is (inside the loader's wait, where the loader reports 'exited unexpectedly' from
it, or in the user's code between batches). Without a SIGCHLD (another thread, another platform) the loader's
wait still finds dead workers by polling."""
import atexit
import multiprocessing.util  # noqa: F401 (its atexit hook, which terminates live workers, must run after ours)
import os
import signal
import threading

from .worker_failure import death_error

_watched = {}          # key (one WorkerBatches' id) -> the pids of its workers
_owner = None          # the process whose handler this is: a forked worker inherits it, and must not raise
_previous = None       # the SIGCHLD handler installed before ours, called after ours

# at interpreter exit multiprocessing terminates the workers still running (persistent ones): no error then
atexit.register(_watched.clear)


def watch(key, pids):
    """Raise PyTorch's RuntimeError when any of `pids` dies (until `unwatch(key)`); installs the handler once, from
    the main thread."""
    _watched[key] = tuple(pids)
    _install()


def unwatch(key):
    """Stop watching the workers registered under `key` (before they are asked to exit or terminated)."""
    _watched.pop(key, None)


def _install():
    global _owner, _previous
    if (_owner == os.getpid() or not hasattr(os, "waitid") or not hasattr(signal, "SIGCHLD")
            or threading.current_thread() is not threading.main_thread()):
        return
    previous = signal.getsignal(signal.SIGCHLD)
    _previous = previous if callable(previous) and previous is not _on_child_exit else None
    signal.signal(signal.SIGCHLD, _on_child_exit)
    _owner = os.getpid()


def _on_child_exit(signum, frame):
    if os.getpid() == _owner:
        for pids in list(_watched.values()):
            for pid in pids:
                error = _failure(pid)
                if error is not None:
                    try:
                        raise error
                    finally:
                        del error   # no cycle through this frame
    if _previous is not None:
        _previous(signum, frame)


def _failure(pid):
    """PyTorch's error for `pid` when it has ended badly, else None; the process is left to be reaped by its
    multiprocessing.Process (WNOWAIT)."""
    try:
        state = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:   # already reaped, or not a child of this process
        return None
    if state is None:   # still running
        return None
    if state.si_code == os.CLD_EXITED:
        return death_error(pid, state.si_status)
    return death_error(pid, -state.si_status)   # CLD_KILLED or CLD_DUMPED: si_status is the signal
