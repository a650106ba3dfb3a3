"""`ag.multiprocessing` (torch.multiprocessing): Python's multiprocessing namespace, the sharing-strategy switches
and `spawn` / `start_processes`, which run `fn(i, *args)` in `nprocs` processes and re-raise a child's error in the
parent. Tensors cross processes by pickling (deepgrad has no shared-memory tensor storage)."""
import multiprocessing
import multiprocessing.connection
import signal
import traceback
from multiprocessing import *  # noqa: F401,F403 (torch.multiprocessing re-exports the whole namespace)

_STRATEGIES = {"file_descriptor", "file_system"}
_strategy = "file_descriptor"


def get_all_sharing_strategies():
    """The set of sharing strategies PyTorch knows on Linux."""
    return set(_STRATEGIES)


def get_sharing_strategy():
    """The current sharing strategy's name."""
    return _strategy


def set_sharing_strategy(new_strategy):
    """Choose the sharing strategy (recorded only: tensors are pickled whichever is chosen)."""
    global _strategy
    if new_strategy not in _STRATEGIES:
        raise AssertionError(f"set_sharing_strategy: unknown strategy {new_strategy!r}; "
                             f"choose one of {sorted(_STRATEGIES)}")
    _strategy = new_strategy


class ProcessException(Exception):
    """A spawned process failed; `error_index` is its rank and `pid` its process id."""

    def __init__(self, msg, error_index, error_pid):
        super().__init__(msg)
        self.msg, self.error_index, self.pid = msg, error_index, error_pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.pid)


class ProcessRaisedException(ProcessException):
    """A spawned process raised; the message holds its traceback."""


class ProcessExitedException(ProcessException):
    """A spawned process exited with a non-zero code or was killed by a signal."""

    def __init__(self, msg, error_index, error_pid, exit_code, signal_name=None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code, self.signal_name = exit_code, signal_name

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.pid, self.exit_code, self.signal_name)


def _wrap(fn, i, args, error_queue):
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass
    except Exception:
        error_queue.put(traceback.format_exc())
        raise SystemExit(1)


class ProcessContext:
    """The processes one `start_processes` call started, and their error queues; `join` waits for them."""

    def __init__(self, processes, error_queues):
        self.processes, self.error_queues = processes, error_queues

    def pids(self):
        """The process ids, by rank."""
        return [p.pid for p in self.processes]

    def join(self, timeout=None, grace_period=None):
        """Wait up to `timeout` seconds for the processes; True once all have exited cleanly, False while some
        still run. A failed process terminates the others and raises ProcessRaisedException (it raised) or
        ProcessExitedException (it exited non-zero or was killed)."""
        alive = [p for p in self.processes if p.exitcode is None]
        if alive:   # (waiting on no sentinel at all would block for ever)
            ready = multiprocessing.connection.wait([p.sentinel for p in alive], timeout=timeout)
            for p in alive:
                if p.sentinel in ready:
                    # its pipe closes as it exits, a moment before its exit status can be read: wait for that, or
                    # the next join finds no process running and none failed
                    p.join()
        codes = [p.exitcode for p in self.processes]   # read once: a process may end between two reads
        failed = next((i for i, code in enumerate(codes) if code not in (None, 0)), None)
        if failed is None:
            if None in codes:
                return False
            for p in self.processes:
                p.join()
            return True
        for p in self.processes:
            if p.is_alive():
                p.terminate()
            p.join(grace_period)
        proc = self.processes[failed]
        if self.error_queues[failed].empty():
            code = proc.exitcode
            if code < 0:
                name = signal.Signals(-code).name
                raise ProcessExitedException(f"process {failed} terminated with signal {name}", failed, proc.pid,
                                             code, name)
            raise ProcessExitedException(f"process {failed} terminated with exit code {code}", failed, proc.pid, code)
        message = f"\n\n-- Process {failed} terminated with the following error:\n" + self.error_queues[failed].get()
        raise ProcessRaisedException(message, failed, proc.pid)


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Run `fn(i, *args)` for i in range(nprocs), each in its own process started by `start_method`; with `join`
    wait for them all (re-raising a failure) and return None, else return their ProcessContext."""
    context = multiprocessing.get_context(start_method)
    processes, queues = [], []
    for i in range(nprocs):
        queue = context.SimpleQueue()
        process = context.Process(target=_wrap, args=(fn, i, args, queue), daemon=daemon)
        process.start()
        processes.append(process)
        queues.append(queue)
    started = ProcessContext(processes, queues)
    if not join:
        return started
    while not started.join():
        pass
    return None


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """`start_processes` with the `spawn` start method by default (PyTorch's `mp.spawn`)."""
    return start_processes(fn, args, nprocs, join, daemon, start_method)
