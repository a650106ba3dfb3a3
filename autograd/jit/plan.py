"""A captured step as a flat list of prebound calls over a slot list, and its replay on the CPU devices.

Each entry becomes one closure `run(vals)` with its kernel (an op's forward or backward, a sum, a
leaf delivery, an optimiser call) and its constant arguments bound in; the replay loads the step's
inputs and module buffers into a fresh slot list and calls the closures in order. No Tensor,
Function or graph node is made: ops run on raw arrays with the context objects of the capture.
"""
from .backward import deliver
from .refs import Const


def _template(refs):
    """(argument list with constants filled in, [(position, slot)] to fill at replay)."""
    args = [r.value if isinstance(r, Const) else None for r in refs]
    holes = tuple((i, r) for i, r in enumerate(refs) if not isinstance(r, Const))
    return args, holes


def _getter(ref):
    if isinstance(ref, Const):
        value = ref.value
        return lambda vals: value
    return lambda vals: vals[ref]


def make_forward(cls, ctx, refs, kwargs, outs, multi, recorded):
    """The replay of one op's forward: fill the argument holes, run forward, store the outputs."""
    forward = cls.forward
    args, holes = _template(refs)
    out = outs[0]

    def run(vals):
        a = args.copy()
        for i, s in holes:
            a[i] = vals[s]
        result = forward(ctx, *a, **kwargs)
        if multi:
            for s, r in zip(outs, result):
                vals[s] = r
        else:
            vals[out] = result
        if not recorded:
            ctx.saved_tensors = ()  # no backward will use them (grad mode was off)
    return run


def make_backward(cls, ctx, refs, routes, release):
    """The replay of one node's backward: its output gradients in, the kept input gradients out."""
    backward = cls.backward
    getters = tuple(_getter(r) for r in refs)

    def run(vals):
        grads = backward(ctx, *[g(vals) for g in getters])
        if type(grads) is not tuple:
            grads = (grads,)
        for k, s in routes:
            vals[s] = grads[k]
        if release:
            ctx.saved_tensors = ()
    return run


def make_entry(entry):
    """The replay closure of one recorded entry (the CPU devices; cuda_graph.py reuses it under capture)."""
    kind = entry[0]
    if kind == "fwd":
        return make_forward(*entry[1:8])
    if kind == "bwd":
        return make_backward(*entry[1:])
    if kind == "acc":
        a, b, out = (_getter(entry[1]), _getter(entry[2]), entry[3])

        def run(vals):
            vals[out] = a(vals) + b(vals)
        return run
    if kind == "zeros":
        _, shape, dtype, xp, out = entry

        def run(vals):
            vals[out] = xp.zeros(shape, dtype=dtype)
        return run
    if kind == "leaf":
        _, leaf, ref, copy = entry
        get = _getter(ref)
        holder = leaf.grad  # the Tensor the capture put there; replays reuse it
        return lambda vals: deliver(leaf, get(vals), copy, holder)
    if kind == "host":
        _, call, args, kwargs = entry
        return lambda vals: call(*args, **kwargs)
    if kind == "rng":
        _, draw, args, out = entry

        def run(vals):
            vals[out] = draw(*args)
        return run
    if kind == "assign":
        dst, src = _getter(entry[1]), _getter(entry[2])

        def run(vals):
            dst(vals)[...] = src(vals)
        return run
    raise AssertionError(f"unknown jit entry {kind!r}")


class Plan:
    """A captured step, replayed on the CPU devices (numpy, numba)."""

    def __init__(self, n_slots, inputs, states, writebacks, entries, outputs):
        self.n_slots = n_slots
        self.inputs = inputs          # slot of each flattened input array
        self.states = states          # (module, name, slot): buffers read at the start of each replay
        self.writebacks = writebacks  # (module, name, slot or Const): buffers the step rebinds, set at the end
        self.calls = [make_entry(e) for e in entries]
        self.outputs = outputs        # per flattened output: ("slot", s) or ("const", value)

    def run(self, arrays):
        """Replay on the step's input arrays; returns the flattened outputs (arrays or plain values)."""
        vals = [None] * self.n_slots
        for s, a in zip(self.inputs, arrays):
            vals[s] = a
        for module, name, s in self.states:
            vals[s] = getattr(module, name)._data
        for call in self.calls:
            call(vals)
        for module, name, ref in self.writebacks:
            getattr(module, name)._data = ref.value if isinstance(ref, Const) else vals[ref]
        return [vals[v] if kind == "slot" else v for kind, v in self.outputs]
