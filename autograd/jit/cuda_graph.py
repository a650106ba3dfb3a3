"""A captured step on `cuda`: its device work as CUDA graphs, launched once per replay.

The capture call ran eagerly and was recorded like on the CPU devices. Then each maximal run of
device entries (forward, backward, gradient sums, random draws) is captured with CuPy stream
capture into one CUDA graph whose arrays come from a memory pool private to this plan, so every
replay reuses the same buffers. Host entries (an optimiser's step, zero_grad, the delivery of
gradients into .grad) run in Python between the graphs: they read Python state such as the learning
rate and Adam's step count at replay time. Random draws advance the device generator's state inside
the graph, so Dropout gets a new mask each replay, in eager mode's sequence.

A deferred target check (cross-entropy's class indices) copies its verdict inside the graph, and each
replay queues it to be read at the next synchronisation, as eager mode does. Matrix products inside a
capture go through deepgrad's own cuBLAS handle (backends/cupy_kernels/graph_gemm.py):
CuPy refuses cuBLAS calls while a stream is captured.

Replays overwrite the same buffers: the gradients in .grad are those buffers (as with PyTorch's CUDA
graphs); returned tensors are copies.
"""
from ..capture import CaptureError
from .plan import make_entry
from .refs import Const

_HOST = ("host", "leaf")


class CudaPlan:
    """The CUDA-graph replay of one captured step (see the module docstring)."""

    def __init__(self, rec, inputs, states, writebacks, outputs, device):
        cupy = device.xp
        self.device, self.cupy = device, cupy
        self.outputs = outputs
        self.pool = cupy.cuda.MemoryPool()
        from backends.cupy_kernels import graph_gemm
        self.products = graph_gemm
        with device.activate():
            self.stream = cupy.cuda.Stream(non_blocking=False)
            with self.stream:
                try:
                    graph_gemm.prepare()   # the cuBLAS handle and its workspace, allocated outside any graph
                except RuntimeError:
                    pass   # libcublas not found: a step without products still captures; one with says why
        vals = [None] * len(rec.vals)
        self.vals = vals
        with device.activate(), cupy.cuda.using_allocator(self.pool.malloc):
            self.inputs = []
            for s in inputs:
                vals[s] = cupy.empty_like(rec.vals[s])
                self.inputs.append(vals[s])
            self.states = []
            for module, name, s in states:
                vals[s] = getattr(module, name)._data   # buffers are read and updated in place
                self.states.append((module, name, vals[s]))
            # a buffer the step rebinds (num_batches_tracked) is copied back into the buffer it read
            tail = [("assign", Const(vals[s]), ref) for module, name, ref in writebacks
                    for m2, n2, s in states if m2 is module and n2 == name]
            self.steps = self._build(list(rec.entries) + tail)

    def _build(self, entries):
        """[(graph or None, host calls)]: each device run captured as a graph, host calls kept as closures."""
        steps, run = [], []
        for entry in entries + [("host", None, (), {})]:
            if entry[0] not in _HOST:
                run.append(entry)
                continue
            if run:
                steps.append((*self._capture(run), None))
                run = []
            if entry[1] is not None:
                steps.append((None, (), make_entry(entry)))
        return steps

    def _capture(self, entries):
        calls = [make_entry(e) for e in entries]
        mode = self.cupy.cuda.runtime.streamCaptureModeRelaxed
        with self.stream, self.products.capturing():
            self.stream.begin_capture(mode)
            try:
                for entry, call in zip(entries, calls):
                    try:
                        call(self.vals)
                    except (self.cupy.cuda.runtime.CUDARuntimeError, NotImplementedError) as exc:
                        raise CaptureError(f"jit: {_name(entry)} synchronises with the host or does something "
                                           f"else a CUDA graph cannot hold ({exc}); run this step eagerly") from None
            finally:
                graph = self.stream.end_capture()
                checks = self.device.take_captured_checks()   # target checks whose copies the graph holds
        return graph, checks

    def run(self, arrays):
        """Replay on the step's input arrays; returns the flattened outputs (copies, or plain values)."""
        with self.device.activate():
            with self.stream:
                for buf, a in zip(self.inputs, arrays):
                    buf[...] = a
                for module, name, static in self.states:
                    t = getattr(module, name)
                    if t._data is not static:   # rebound outside the compiled step (an eager call)
                        static[...] = t._data
                        t._data = static
            for graph, checks, host in self.steps:
                if graph is not None:
                    graph.launch(self.stream)
                    if checks:
                        self.device.queue_replayed_checks(checks, self.stream)
                else:   # on CuPy's current stream, ordered after the graph: self.stream is a blocking one
                    host(self.vals)
            return [self.vals[v].copy() if kind == "slot" else v for kind, v in self.outputs]


def _name(entry):
    kind = entry[0]
    if kind in ("fwd", "bwd"):
        return f"{entry[1].label()} ({'forward' if kind == 'fwd' else 'backward'})"
    return kind
