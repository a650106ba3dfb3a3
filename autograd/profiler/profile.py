"""torch.profiler.profile: record ops, backward nodes and ranges over steps chosen by a schedule."""
import os
import socket
import time
import warnings
from functools import partial

from .actions import ProfilerAction, ProfilerActivity, supported_activities
from .events import EventList
from .record_function import record_function
from .recorder import Recorder

A = ProfilerAction


class _Recording:
    """What both profilers share: one Recorder per trace, and the reports on the last finished trace."""

    def _setup(self, record_shapes, profile_memory, with_stack, with_flops):
        self.record_shapes = bool(record_shapes)
        self.profile_memory = bool(profile_memory)
        self.with_stack = bool(with_stack)
        self.with_flops = bool(with_flops)
        self._recorder = None     # the trace being prepared or recorded
        self._finished = None     # the Recorder of the last stopped trace

    def prepare_trace(self):
        """Make a fresh, empty trace (not yet recording)."""
        self._recorder = Recorder(self.record_shapes, self.profile_memory, self.with_stack, self.with_flops)

    def start_trace(self):
        """Start recording into the prepared trace."""
        if self._recorder is None:
            self.prepare_trace()
        self._recorder.install()

    def stop_trace(self):
        """Stop recording; the trace becomes the one the reports read."""
        if self._recorder is not None:
            self._recorder.remove()
            self._finished, self._recorder = self._recorder, None

    def events(self):
        """Every recorded range of the last finished trace, as an EventList of FunctionEvents."""
        rec = self._finished
        if rec is None:
            raise RuntimeError("profiler: no trace has been recorded yet; the events are ready once the "
                               "`with profile(...)` block (or a schedule's active steps) has finished")
        meta = {"record_shapes": int(self.record_shapes), "profile_memory": int(self.profile_memory),
                "host_name": socket.gethostname()}
        return EventList([e for e in rec.events if e.end_ns is not None], self.profile_memory, self.with_flops,
                         rec.base_epoch_ns, meta)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        """The events averaged by name (and input shapes / top `group_by_stack_n` stack frames when asked):
        an EventList of FunctionEventAvg whose .table() prints PyTorch's summary."""
        return self.events().key_averages(group_by_input_shape, group_by_stack_n)

    def export_chrome_trace(self, path):
        """Write the last finished trace as Chrome trace JSON to `path` (atomically)."""
        self.events().export_chrome_trace(path)
        return path


class profile(_Recording):
    """Profile the code inside `with profile(...) as prof:`: every op's forward (named by our op label, a
    user Function by its class name), every backward node ('autograd::engine::evaluate_function: XBackward0'
    around 'XBackward0'), optimizer steps ('Optimizer.step#SGD.step') and record_function ranges, with self
    and total times. With a `schedule`, call prof.step() at the end of each step: steps are recorded as the
    schedule says, each cycle's trace goes to `on_trace_ready(prof)`, and each recorded step is a
    'ProfilerStep#N' range. record_shapes keeps input shapes, profile_memory the bytes each op allocated,
    with_stack the caller's source lines, with_flops matrix products' FLOPs; with_modules is accepted."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False, use_cuda=None,
                 custom_trace_id_callback=None):
        chosen = set(supported_activities() if activities is None else activities)
        if use_cuda is not None:
            (chosen.add if use_cuda else chosen.discard)(ProfilerActivity.CUDA)
        if not chosen:
            raise ValueError("profile: no activities to record; pass activities=[ProfilerActivity.CPU]")
        bad = [a for a in chosen if not isinstance(a, ProfilerActivity)]
        if bad:
            raise TypeError(f"profile: activities must be ProfilerActivity members, got {bad!r}")
        self.activities = chosen
        self.with_modules = bool(with_modules)
        self._setup(record_shapes, profile_memory, with_stack, with_flops)
        self.record_steps = schedule is not None
        self.schedule = schedule if schedule is not None else (lambda step: A.RECORD)
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self.current_action = self.schedule(0)
        self._step_range = None
        # (previous action, next action) -> what to do, as PyTorch's profiler moves between actions
        ready = self._trace_ready
        self._moves = {
            (A.NONE, A.WARMUP): [self.prepare_trace],
            (A.NONE, A.RECORD): [self.prepare_trace, self.start_trace],
            (A.NONE, A.RECORD_AND_SAVE): [self.prepare_trace, self.start_trace],
            (A.WARMUP, A.NONE): [partial(warnings.warn, "Incorrect schedule: WARMUP followed by NONE"),
                                 self.start_trace, self.stop_trace],
            (A.WARMUP, A.RECORD): [self.start_trace],
            (A.WARMUP, A.RECORD_AND_SAVE): [self.start_trace],
            (A.RECORD, A.NONE): [partial(warnings.warn, "Incorrect schedule: RECORD followed by NONE"),
                                 self.stop_trace],
            (A.RECORD, A.WARMUP): [partial(warnings.warn, "Incorrect schedule: RECORD followed by WARMUP"),
                                   self.stop_trace],
            (A.RECORD_AND_SAVE, A.NONE): [self.stop_trace, ready],
            (A.RECORD_AND_SAVE, A.WARMUP): [self.stop_trace, ready, self.prepare_trace],
            (A.RECORD_AND_SAVE, A.RECORD): [self.stop_trace, ready, self.prepare_trace, self.start_trace],
            (A.RECORD_AND_SAVE, A.RECORD_AND_SAVE): [self.stop_trace, ready, self.prepare_trace,
                                                     self.start_trace],
            (A.WARMUP, None): [self.start_trace, self.stop_trace],
            (A.RECORD, None): [self.stop_trace, ready],
            (A.RECORD_AND_SAVE, None): [self.stop_trace, ready],
        }

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        """Begin profiling (what entering the `with` block does)."""
        self._move(A.NONE, self.current_action)
        self._open_step()

    def stop(self):
        """End profiling (what leaving the `with` block does); a pending trace goes to on_trace_ready."""
        self._close_step()
        self._move(self.current_action, None)
        if self._recorder is not None:   # prepared for a cycle that never recorded
            self._recorder = None

    def step(self):
        """Mark the end of a training step: the schedule decides what the next step does."""
        self._close_step()
        previous = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        self._move(previous, self.current_action)
        self._open_step()

    def _move(self, previous, current):
        for action in self._moves.get((previous, current), ()):
            action()

    def _open_step(self):
        if self.record_steps:
            self._step_range = record_function(f"ProfilerStep#{self.step_num}").__enter__()

    def _close_step(self):
        if self._step_range is not None:
            self._step_range.__exit__(None, None, None)
            self._step_range = None

    def _trace_ready(self):
        if self.on_trace_ready is not None:
            self.on_trace_ready(self)


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False):
    """An on_trace_ready handler that writes each trace as '<worker>.<ns>.pt.trace.json' (gzipped with
    use_gzip) into `dir_name`, the layout TensorBoard's profiler plugin reads; worker defaults to host_pid."""
    def handler(prof):
        os.makedirs(dir_name, exist_ok=True)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        path = os.path.join(dir_name, f"{worker}.{time.time_ns()}.pt.trace.json")
        prof.export_chrome_trace(path)
        if use_gzip:
            import gzip
            import shutil
            with open(path, "rb") as src, gzip.open(path + ".gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.remove(path)
    return handler
