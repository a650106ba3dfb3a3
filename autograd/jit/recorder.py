"""The recorder: what a step did during its capture call, as a list of entry descriptions over slots.

Every array an op produces gets a slot; an op's argument is either a slot (an input of the step, a
module buffer, or an earlier op's output) or a constant (a parameter, a Python value, an array made
outside any op). Entries are kept as plain tuples here; plan.py turns them into prebound calls.

Entry kinds:
  ("fwd", cls, ctx, args, kwargs, outs, records)  an op's forward; outs one slot per output
  ("bwd", cls, ctx, grads, routes, release)        a node's backward; routes (k, slot) per gradient kept
  ("acc", a, b, out)                               out = a + b (two gradients of one value)
  ("zeros", shape, dtype, xp, out)                 a zero gradient for a multi-output node
  ("leaf", tensor, grad, copy, replace, out)       deliver to .grad as backward does (out: .grad's array)
  ("host", call, args, kwargs)                     a Python call replayed as is (optimiser step, zero_grad)
  ("rng", draw, args, out)                         a random draw outside any op (ag.rand in the step), or
                                                   a tensor a factory made in the step (a fresh copy)
  ("assign", dst, src)                             dst[...] = src (an in-place method outside the graph)
"""
from ..capture import CaptureError
from ..tensor import Tensor
from .backward import record_backward
from .refs import Const, is_array
from ..sparse_storage import is_sparse_array


def has_sparse_arrays(arrays):
    """True when one of an op's arrays is a sparse COO tensor's contents."""
    return any(is_sparse_array(a) for a in arrays)


class Recorder:
    """Collects the entries of one capture call; installed as capture.state.recorder while fn runs."""

    def __init__(self):
        self.vals = []          # the live value of every slot during capture
        self.slot_of = {}       # id(array) -> its newest slot
        self.entries = []
        self.nodes = set()      # ids of the graph nodes this capture made
        self.host_depth = 0     # > 0 inside a replayed host call: ops there are its own business
        self.forward_depth = 0  # > 0 inside an op's forward
        self.drew = False       # a random draw happened inside the current forward
        self.had_grad = set()   # ids of the leaves whose .grad was set when the step started
        self.known = set()      # ids of the tensors that existed before the step (parameters, inputs, globals)
        self.inputs = set()     # ids of the step's tensor arguments
        self.into_inputs = False   # backward delivered a gradient into an argument's .grad: the step stays eager
        self.settings = None    # a callable giving the optimisers' settings, to catch the step's own changes
        self.seen_settings = None
        self.sparse = False     # a sparse COO tensor met an op: the capture cannot be replayed (its indices vary)

    # ----- slots -----------------------------------------------------------------------------
    def new_slot(self, array):
        """A fresh slot holding `array` (it now stands for that array in later entries)."""
        slot = len(self.vals)
        self.vals.append(array)
        self.slot_of[id(array)] = slot
        return slot

    def ref(self, a):
        """How an entry refers to `a`: its slot when an entry or input made it, else a constant."""
        if is_array(a):
            slot = self.slot_of.get(id(a))
            if slot is not None and self.vals[slot] is a:
                return slot
        return Const(a)

    def value(self, ref):
        """The live value behind a reference."""
        return ref.value if isinstance(ref, Const) else self.vals[ref]

    # ----- what the floors below report --------------------------------------------------------
    def enter_forward(self):
        """An op's forward starts (random draws until on_forward belong to it)."""
        self.forward_depth += 1

    def on_sparse(self):
        """An op's forward met a sparse COO tensor and handed over to its sparse form (which records its own
        ops): the step is not replayed, it runs eagerly."""
        self.forward_depth -= 1
        self.sparse = True

    def on_forward(self, cls, ctx, arrays, kwargs, out):
        """An op ran: record its forward with references to its arguments and slots for its outputs."""
        self.forward_depth -= 1
        if not self.sparse and (has_sparse_arrays(arrays) or has_sparse_arrays(out if isinstance(out, tuple)
                                                                                else (out,))):
            self.sparse = True
        drew, self.drew = self.drew, False
        if self.host_depth:
            return
        args = tuple(self.ref(a) for a in arrays)
        multi = isinstance(out, tuple)
        outs = tuple(self.new_slot(o) for o in out) if multi else (self.new_slot(out),)
        recorded = getattr(ctx, "needs_input_grad", None) is not None
        if recorded:
            self.nodes.add(id(ctx))
        self.entries.append(("fwd", cls, ctx, args, dict(kwargs), outs, multi, recorded, drew))

    def on_backward(self, roots, grads, retain_graph, create_graph, inputs):
        """loss.backward() inside the step: run it and record it (engine.run_backward hands it over)."""
        if self.host_depth:
            raise CaptureError("jit: backward inside an optimiser closure or other replayed host call cannot be "
                               "captured; call loss.backward() in the step itself")
        if create_graph:
            raise CaptureError("jit: backward(create_graph=True) (higher-order gradients) inside a compiled step "
                               "is not supported; run that step eagerly")
        if inputs is not None:
            raise CaptureError("jit: ag.grad(...) / backward(inputs=...) inside a compiled step is not supported; "
                               "use loss.backward() and read .grad")
        record_backward(self, roots, grads, retain_graph)

    def on_assign(self, dst, src):
        """dst[...] = src happened outside any op (an in-place method on a tensor outside the graph)."""
        if not self.host_depth:
            self.entries.append(("assign", self.ref(dst), self.ref(src)))

    def on_draw(self, draw, args, result):
        """A device's random generator drew `result`: inside an op it is the op's; outside, an entry."""
        if self.forward_depth:
            self.drew = True
        elif not self.host_depth:
            self.entries.append(("rng", draw, args, self.new_slot(result)))

    def on_create(self, array):
        """A factory made `array` in the step (outside any op): replays start from a fresh copy of it
        (unless a slot already stands for it, as for a random draw's result)."""
        if not self.forward_depth and not self.host_depth and is_array(array) and isinstance(self.ref(array), Const):
            first_values = array.copy()      # numpy's or cupy's: its bound copy makes each replay's array
            self.entries.append(("rng", first_values.copy, (), self.new_slot(array)))

    def host_call(self, call, args, kwargs):
        """Run a Python call that the replay repeats as is (an optimiser's step, zero_grad)."""
        if args and callable(args[0]) and not hasattr(args[0], "shape"):
            raise CaptureError(f"jit: {getattr(call, '__qualname__', call)} was given a closure; a compiled step "
                               "cannot replay one. Compute the loss in the step and call step() without a closure")
        if any(isinstance(a, Tensor) for a in (*args, *kwargs.values())):
            raise CaptureError(f"jit: {getattr(call, '__qualname__', call)} was given a tensor inside a compiled step; "
                               "a replay would hand it the tensor of the capture, not the new values. Call it "
                               "outside the step with the returned value (e.g. `loss = step(x, y); "
                               "scheduler.step(loss)`)")
        self.check_settings()
        self.entries.append(("host", call, args, kwargs))
        self.host_depth += 1
        try:
            return call(*args, **kwargs)
        finally:
            self.host_depth -= 1
            if self.settings is not None:
                self.seen_settings = self.settings()

    def check_settings(self):
        """CaptureError when the step's own Python (not a replayed host call) changed an optimiser's
        settings since they were last seen: a replay would not make that change again."""
        if self.settings is None:
            return
        now = self.settings()
        for (where, before), (_, after) in zip(self.seen_settings, now):
            if before != after:
                raise CaptureError(
                    f"jit: the step changed {where} from {before!r} to {after!r} in Python; a replay runs none of "
                    "the step's Python, so that change would not be repeated. Set it outside the compiled step, "
                    "or step an lr_scheduler inside it (its step() is replayed)")
        self.seen_settings = now

