"""The Recorder: while a profiler records, it times every op, backward node and record_function range.

Each range becomes a FunctionEvent (events.py) linked to the range it ran inside (per thread), so self time
(total minus the children's totals) comes out of the nesting. Installing a Recorder flips
`profile_state.active`; removing it flips it back and leaves nothing behind in the hot paths.
"""
import os
import threading
import time
import traceback

from .. import profile_state
from ..tensor import Tensor
from .events import FunctionEvent

_lock = threading.Lock()
_LIBRARY_DIRS = tuple(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + os.sep + d
                      for d in ("autograd", "nn", "backends"))


class Recorder:
    """Collects FunctionEvents for one profiling trace (between a profiler's start and stop)."""

    def __init__(self, record_shapes=False, profile_memory=False, with_stack=False, with_flops=False):
        self.record_shapes = bool(record_shapes)
        self.profile_memory = bool(profile_memory)
        self.with_stack = bool(with_stack)
        self.with_flops = bool(with_flops)
        self.events = []
        self._stacks = {}      # thread id -> open events, innermost last
        self.base_ns = time.perf_counter_ns()
        self.base_epoch_ns = time.time_ns()

    # ----- switching on and off ----------------------------------------------------------------
    def install(self):
        """Start receiving events: every op and backward node from now on reports here."""
        with _lock:
            if profile_state.active:
                raise RuntimeError("profiler: another profiler is already recording; only one profiler can record "
                                   "at a time (finish the first `with profile(...)` block before starting another)")
            profile_state.recorder = self
            profile_state.active = True

    def remove(self):
        """Stop receiving events; ranges still open are closed at this moment."""
        with _lock:
            if profile_state.recorder is self:
                profile_state.active = False
                profile_state.recorder = None
        now = time.perf_counter_ns() - self.base_ns
        for stack in self._stacks.values():
            for event in stack:
                if event.end_ns is None:
                    event.end_ns = now
        self._stacks = {}

    # ----- ranges ------------------------------------------------------------------------------
    def begin(self, name, kind, shapes=None, scope=0):
        """Open a range named `name` in this thread and return its event."""
        tid = threading.get_ident()
        stack = self._stacks.get(tid)
        if stack is None:
            stack = self._stacks[tid] = []
        parent = stack[-1] if stack else None
        event = FunctionEvent(len(self.events) + 1, name, kind, tid, parent, shapes, scope)
        if self.with_stack:
            event.stack = _user_frames()
        if parent is not None:
            parent.cpu_children.append(event)
        self.events.append(event)
        stack.append(event)
        event.start_ns = time.perf_counter_ns() - self.base_ns
        return event

    def end(self, event):
        """Close `event` (and any range opened inside it and left open)."""
        now = time.perf_counter_ns() - self.base_ns
        stack = self._stacks.get(event.thread)
        if not stack or event not in stack:
            return
        while stack:
            top = stack.pop()
            if top.end_ns is None:
                top.end_ns = now
            if top is event:
                break

    def current(self):
        """The innermost open range of this thread, or None."""
        stack = self._stacks.get(threading.get_ident())
        return stack[-1] if stack else None

    # ----- the hooks Function.apply and the engine call ----------------------------------------
    def op(self, cls, args, kwargs):
        """Run op `cls` on `args` inside a timed range (Function.apply calls this while profiling)."""
        from ..function import Function
        shapes = _shapes(args) if self.record_shapes or self.with_flops else None
        event = self.begin(_op_name(cls), "cpu_op", shapes if self.record_shapes else None)
        try:
            profile_state.reenter()
            out = Function.apply.__func__(cls, *args, **kwargs)
        finally:
            profile_state._reentry.inside = False   # consumed by the call above unless profiling just stopped
            self.end(event)
        if self.profile_memory:
            event.allocated = _new_bytes(out, args)
        if self.with_flops:
            event.flops = _flops(event.name, shapes)
        return out

    def node(self, node, grads, graph_mode, run):
        """Run backward node `node` through `run(node, grads, graph_mode)` inside PyTorch's two ranges."""
        name = node.name()
        outer = self.begin("autograd::engine::evaluate_function: " + name, "cpu_op", None, scope=1)
        inner = self.begin(name, "cpu_op", _grad_shapes(grads) if self.record_shapes else None, scope=1)
        try:
            in_grads = run(node, grads, graph_mode)
        finally:
            self.end(inner)
            self.end(outer)
        if self.profile_memory:
            inner.allocated = _new_bytes(in_grads, grads)
        return in_grads

    def leaf(self, accumulate, *args):
        """Run `accumulate(*args)` (a leaf's .grad update) inside PyTorch's AccumulateGrad ranges."""
        name = "torch::autograd::AccumulateGrad"
        outer = self.begin("autograd::engine::evaluate_function: " + name, "cpu_op", None, scope=1)
        inner = self.begin(name, "cpu_op", [list(args[1].shape)] if self.record_shapes else None, scope=1)
        try:
            accumulate(*args)
        finally:
            self.end(inner)
            self.end(outer)


def _op_name(cls):
    """The op's event name: our op label for built-in ops, the class name for a user's Function (as PyTorch)."""
    if cls.__module__.startswith("autograd."):
        return cls.label()
    return getattr(cls, "_forward_cls", cls).__name__   # a custom Function's node class names its Function


def _shapes(args):
    """One shape list per argument ([] for a non-tensor argument), as PyTorch's 'Input Shapes'."""
    return [list(a.shape) if isinstance(a, Tensor) else [] for a in args]


def _grad_shapes(grads):
    return [list(getattr(g, "shape", ())) if g is not None else [] for g in grads]


def _new_bytes(out, inputs):
    """Bytes of the memory `out` (arrays or tensors) lives in that none of `inputs` lives in: what the op
    allocated (a view of an input allocates nothing; a view of a fresh array counts that array once)."""
    taken = {id(_owner(a)) for a in inputs if a is not None}
    total = 0
    for o in out if isinstance(out, (tuple, list)) else (out,):
        arr = _owner(o)
        if arr is None or not hasattr(arr, "nbytes") or id(arr) in taken:
            continue
        taken.add(id(arr))
        total += int(arr.nbytes)
    return total


def _owner(a):
    """The array whose memory `a` (an array or a tensor) uses."""
    a = a._data if isinstance(a, Tensor) else a
    while getattr(a, "base", None) is not None:
        a = a.base
    return a


def _flops(name, shapes):
    """Floating-point operations of a matrix product (2*M*N*K per batch), else 0, as PyTorch's with_flops."""
    if name not in ("matmul", "mm", "bmm", "linear", "addmm") or not shapes:
        return 0
    a, b = shapes[0], shapes[1] if len(shapes) > 1 else []
    if name in ("addmm",):
        a, b = shapes[1], shapes[2]
    if len(a) < 2 or not b:
        return 0
    batch = 1
    for d in a[:-2]:
        batch *= d
    n = b[0] if name == "linear" else b[-1]
    return 2 * batch * a[-2] * a[-1] * n


def _user_frames():
    """The caller's source lines ('file(line): function'), innermost first, without this library's frames."""
    frames = traceback.extract_stack()[:-3]
    return [f"{f.filename}({f.lineno}): {f.name}" for f in reversed(frames)
            if not f.filename.startswith(_LIBRARY_DIRS)]
