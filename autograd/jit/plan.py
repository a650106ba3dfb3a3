"""A captured step replayed on the CPU devices (Plan), and each entry as a prebound closure over a
slot list (make_entry; the CUDA-graph plan captures those).

No Tensor, Function or graph node is made on replay: ops run on raw arrays with the context
objects of the capture, or as lowered array steps (program.py) written straight into buffers.
"""
from .backward import deliver
from .emit import build
from .program import Program, Unlowerable, lower as lowering_pass
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
        _, leaf, ref, copy, replace, out = entry
        get = _getter(ref)
        holder = leaf.grad  # the Tensor the capture put there; replays reuse it

        def run(vals):
            vals[out] = deliver(leaf, get(vals), copy, holder, replace)
        return run
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


#: lower ops to buffered steps and fused kernels (False: every op replays its own forward and backward)
LOWERING = True


class Plan:
    """A captured step, replayed on the CPU devices (numpy, numba) by one generated function.

    With a `device`, ops with a lowering rule write into buffers made once with the plan and runs of
    elementwise ops become fused kernels where the device compiles them (see program.py, emit.py);
    without one (or when lowering gives up), each op runs its own forward and backward."""

    def __init__(self, vals, inputs, states, writebacks, entries, outputs, device=None):
        program = None
        if LOWERING and device is not None:
            try:
                program = lowering_pass(vals, entries)
            except Unlowerable:
                program = None
        if program is None:
            program = Program([None] * len(vals), [], [("entry", e) for e in entries], {}, {}, [])
        self.replay, self.kernels, self.source = build(program, device, inputs, states, writebacks, outputs)
        self.lowered = sum(kind == "step" for kind, _ in program.items)
        for ctx in program.lowered_ctx:   # their steps read the plan's buffers, not what the capture saved
            ctx.saved_tensors = ()

    def run(self, arrays):
        """Replay on the step's input arrays; returns the flattened outputs (arrays or plain values)."""
        return self.replay(arrays)
