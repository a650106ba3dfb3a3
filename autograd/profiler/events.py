"""What a profile holds: FunctionEvent (one timed range), FunctionEventAvg (ranges averaged by key) and
EventList (a list of either, with PyTorch's table, key_averages, total_average and Chrome trace export).

Times are in microseconds as PyTorch reports them; memory in bytes.
"""
import json
import os
import tempfile
from collections import OrderedDict

from .table import build_table, format_time


class _Times:
    """The formatted-time properties PyTorch's events carry ('1.234ms')."""

    @property
    def cpu_time(self):
        """Average CPU time per call in microseconds."""
        return 0.0 if self.count == 0 else self.cpu_time_total / self.count

    @property
    def cpu_time_str(self):
        """cpu_time formatted as PyTorch's table shows it."""
        return format_time(self.cpu_time)

    @property
    def cpu_time_total_str(self):
        """cpu_time_total formatted as PyTorch's table shows it."""
        return format_time(self.cpu_time_total)

    @property
    def self_cpu_time_total_str(self):
        """self_cpu_time_total formatted as PyTorch's table shows it."""
        return format_time(self.self_cpu_time_total)

    # deepgrad times no device kernels: the device columns stay zero, as PyTorch's CPU-only profiles
    device_time_total = self_device_time_total = cuda_time_total = self_cuda_time_total = 0.0
    device_memory_usage = self_device_memory_usage = 0
    device_time = cuda_time = 0.0
    node_id = -1
    is_async = False
    is_remote = False
    is_legacy = False
    use_device = None
    device_type = "CPU"
    overload_name = ""


class FunctionEvent(_Times):
    """One timed range: an op's forward, a backward node, an optimizer step or a record_function block."""

    count = 1

    def __init__(self, id, name, kind, thread, parent, input_shapes, scope):
        self.id = id
        self.trace_name = name   # the Chrome trace's name; the tables group every 'ProfilerStep#N' as one row
        self.name = "ProfilerStep*" if name.startswith("ProfilerStep#") else name
        self.kind = kind
        self.thread = thread
        self.cpu_parent = parent
        self.cpu_children = []
        self.input_shapes = input_shapes if input_shapes is not None else []
        self.scope = scope
        self.stack = []
        self.start_ns = None
        self.end_ns = None
        self.allocated = 0
        self.flops = 0

    @property
    def key(self):
        """The name events are averaged by."""
        return self.name

    @property
    def is_user_annotation(self):
        """True for a record_function range (PyTorch's user annotations)."""
        return self.kind == "user_annotation"

    @property
    def time_range(self):
        """(start_us, end_us) relative to the profile's start."""
        return self.start_ns / 1e3, self.end_ns / 1e3

    @property
    def cpu_time_total(self):
        """Wall time of the range, children included, in microseconds."""
        return (self.end_ns - self.start_ns) / 1e3

    @property
    def self_cpu_time_total(self):
        """cpu_time_total less the children's (same thread) totals."""
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def self_cpu_memory_usage(self):
        """Bytes this range's own op allocated (its outputs), children excluded."""
        return self.allocated

    @property
    def cpu_memory_usage(self):
        """Bytes allocated inside the range, children included."""
        return self.allocated + sum(c.cpu_memory_usage for c in self.cpu_children)

    def __repr__(self):
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time={self.cpu_time_str} "
                f"self_cpu_time_total={self.self_cpu_time_total_str} thread={self.thread} "
                f"input_shapes={self.input_shapes} cpu_children={[c.id for c in self.cpu_children]}>")


class FunctionEventAvg(_Times):
    """The events of one key (and input shapes, when grouped by them) summed: totals, self times, # of calls."""

    def __init__(self, key=None):
        self.key = key
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.cpu_memory_usage = 0
        self.self_cpu_memory_usage = 0
        self.flops = 0
        self.input_shapes = None
        self.stack = []
        self.scope = None
        self.cpu_parent = None
        self.cpu_children = None
        self.is_user_annotation = False

    def add(self, other):
        """Fold another event (or average) of the same key into this one; returns self."""
        if self.key is None:
            self.key = other.key
            self.input_shapes = other.input_shapes
            self.stack = other.stack
            self.scope = other.scope
            self.cpu_parent = other.cpu_parent
            self.cpu_children = other.cpu_children
            self.is_user_annotation = other.is_user_annotation
        elif other.key != self.key:
            raise ValueError(f"FunctionEventAvg.add: cannot add an event of key {other.key!r} to the average of "
                             f"{self.key!r}; averages hold one key each")
        return self._sum_in(other)

    def _sum_in(self, other):
        """Add other's counts, times, memory and FLOPs to this average's; returns self."""
        self.count += other.count
        self.cpu_time_total += other.cpu_time_total
        self.self_cpu_time_total += other.self_cpu_time_total
        self.cpu_memory_usage += other.cpu_memory_usage
        self.self_cpu_memory_usage += other.self_cpu_memory_usage
        self.flops += other.flops
        return self

    __iadd__ = add

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total_str} "
                f"cpu_time={self.cpu_time_str} input_shapes={self.input_shapes}>")


class EventList(list):
    """A list of events (FunctionEvent or FunctionEventAvg) with PyTorch's EventList reports."""

    def __init__(self, events=(), profile_memory=False, with_flops=False, base_epoch_ns=0, trace_meta=None):
        super().__init__(events)
        self._profile_memory = profile_memory
        self._with_flops = with_flops
        self._base_epoch_ns = base_epoch_ns
        self._trace_meta = trace_meta or {}

    @property
    def self_cpu_time_total(self):
        """Sum of the events' self CPU times (microseconds): the profile's busy time."""
        return sum(e.self_cpu_time_total for e in self)

    def key_averages(self, group_by_input_shapes=False, group_by_stack_n=0):
        """An EventList of FunctionEventAvg, one per event name (and input shapes / top stack frames when
        asked), in order of first appearance."""
        stats = OrderedDict()
        for e in self:
            key = (e.key,)
            if group_by_input_shapes:
                key += (str(e.input_shapes),)
            if group_by_stack_n > 0:
                key += tuple(e.stack[:group_by_stack_n])
            avg = stats.get(key)
            if avg is None:
                avg = stats[key] = FunctionEventAvg()
            avg.add(e)
        out = EventList(stats.values(), self._profile_memory, self._with_flops, self._base_epoch_ns)
        for avg in out:
            avg.stack = avg.stack[:group_by_stack_n]
            if not group_by_input_shapes:
                avg.input_shapes = ""
        return out

    def total_average(self):
        """One FunctionEventAvg keyed 'Total' summing every event."""
        total = FunctionEventAvg("Total")
        for e in self:
            total._sum_in(e)
        return total

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False, time_unit=None):
        """PyTorch's summary table as a string: one row per event, sorted by `sort_by` (an attribute such
        as 'cpu_time_total' or 'self_cpu_time_total', largest first), at most `row_limit` rows."""
        return build_table(self, sort_by=sort_by, header=header, row_limit=row_limit,
                           max_src_column_width=max_src_column_width, max_name_column_width=max_name_column_width,
                           max_shapes_column_width=max_shapes_column_width, with_flops=self._with_flops,
                           profile_memory=self._profile_memory, top_level_events_only=top_level_events_only,
                           time_unit=time_unit)

    def __str__(self):
        return self.table()

    def export_chrome_trace(self, path):
        """Write the events as a Chrome trace (JSON, chrome://tracing or Perfetto) to `path`, atomically."""
        write_chrome_trace(self, path, self._base_epoch_ns, self._trace_meta)


def write_chrome_trace(events, path, base_epoch_ns, meta):
    """Write `events` (FunctionEvents) as Chrome trace JSON to `path` through a temporary file and a rename."""
    pid = os.getpid()
    base_us = base_epoch_ns / 1e3
    trace = [{"name": "process_name", "ph": "M", "ts": base_us, "pid": pid, "tid": 0,
              "args": {"name": "python"}}]
    for tid in sorted({e.thread for e in events if isinstance(e, FunctionEvent)}):
        trace.append({"name": "thread_name", "ph": "M", "ts": base_us, "pid": pid, "tid": tid,
                      "args": {"name": f"thread {tid} (python)"}})
    for e in events:
        if not isinstance(e, FunctionEvent) or e.end_ns is None:
            continue
        args = {"External id": e.id}
        if e.input_shapes:
            args["Input Dims"] = e.input_shapes
        if e.allocated:
            args["Allocated Bytes"] = e.allocated
        if e.flops:
            args["flops"] = e.flops
        trace.append({"ph": "X", "cat": e.kind, "name": e.trace_name, "pid": pid, "tid": e.thread,
                      "ts": base_us + e.start_ns / 1e3, "dur": (e.end_ns - e.start_ns) / 1e3, "args": args})
    doc = dict(meta, schemaVersion=1, displayTimeUnit="ms", baseTimeNanoseconds=base_epoch_ns,
               traceEvents=trace, traceName=str(path))
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".trace-", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(doc, f)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise

