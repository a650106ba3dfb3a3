"""`torch.autograd.profiler`: the older profiler API (one trace for the whole `with` block), with the
record_function and event classes it exports."""
from .events import EventList, FunctionEvent, FunctionEventAvg
from .profile import _Recording
from .record_function import record_function


class profile(_Recording):
    """Record every op, backward node and record_function range inside `with profile() as prof:`; afterwards
    prof.function_events holds them and prof.key_averages().table(), prof.table(), prof.export_chrome_trace()
    report them. use_cuda and use_device are accepted (deepgrad times host-side work); enabled=False
    records nothing."""

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False, with_flops=False,
                 profile_memory=False, with_stack=False, with_modules=False, use_kineto=False, use_cpu=True,
                 experimental_config=None, acc_events=False, custom_trace_id_callback=None):
        self.enabled = bool(enabled)
        self.use_cuda = bool(use_cuda)
        self.use_device = use_device if use_device is not None else ("cuda" if use_cuda else None)
        self.with_modules = bool(with_modules)
        self._setup(record_shapes, profile_memory, with_stack, with_flops)
        self.function_events = None
        self.entered = False

    def __enter__(self):
        if not self.enabled:
            return self
        if self.entered:
            raise RuntimeError("profiler context manager is not reentrant")
        self.entered = True
        self.prepare_trace()
        self.start_trace()
        return self

    def __exit__(self, *exc):
        if not self.enabled:
            return False
        self.stop_trace()
        self.function_events = self.events()
        return False

    def _check_finished(self):
        if self.function_events is None:
            raise RuntimeError("Profiler didn't finish running")

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        """The events averaged by name (and input shapes when asked), as an EventList of FunctionEventAvg."""
        self._check_finished()
        return self.function_events.key_averages(group_by_input_shape, group_by_stack_n)

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False, time_unit=None):
        """The summary table of every recorded event (not averaged), as EventList.table."""
        self._check_finished()
        return self.function_events.table(sort_by, row_limit, max_src_column_width, max_name_column_width,
                                          max_shapes_column_width, header, top_level_events_only, time_unit)

    def export_chrome_trace(self, path):
        """Write the recorded events as Chrome trace JSON to `path` (atomically)."""
        self._check_finished()
        self.function_events.export_chrome_trace(path)
        return path

    def total_average(self):
        """One FunctionEventAvg summing every event."""
        self._check_finished()
        return self.function_events.total_average()

    @property
    def self_cpu_time_total(self):
        """Sum of every event's self CPU time, in microseconds."""
        self._check_finished()
        return self.function_events.self_cpu_time_total

    def __str__(self):
        self._check_finished()
        return str(self.function_events)

    __repr__ = __str__


__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "profile", "record_function"]
