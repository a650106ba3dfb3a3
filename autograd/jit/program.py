"""The lowering pass: a capture's entries turned into array steps where a rule applies (lowering.py),
which values leave the step, and which runs of steps fuse into one kernel.

Storage of a lowered op's result:
  static  a buffer allocated once with the plan and written with `out=` on every replay
  fresh   allocated on each replay, because the value leaves the step (a gradient delivered to a
          leaf's .grad, a returned tensor, a module buffer): eager mode hands out a new array there too
Values made by entries that were not lowered keep whatever their op returns.
"""
import numpy as np

from .lowering import RULES, Builder, lower_forward, lower_sum
from .refs import Const, is_array


class Unlowerable(Exception):
    """A lowered op's backward cannot take the gradient it gets (shape or dtype): replay it unlowered."""


class Program:
    """The items of a replay in order: ("step", index into steps) or ("entry", recorded entry)."""

    def __init__(self, meta, steps, items, alias, bound, lowered_ctx):
        self.meta, self.steps, self.items = meta, steps, items
        self.alias = alias            # slot -> slot whose array it is
        self.bound = bound            # slot -> a constant array (a parameter) the steps read
        self.lowered_ctx = lowered_ctx

    def root(self, slot):
        """The slot whose array `slot` is (following gradients passed through unchanged)."""
        while slot in self.alias:
            slot = self.alias[slot]
        return slot


def lower(vals, entries):
    """The Program of a capture (`vals`: every slot's value at capture time; `entries`: what it did)."""
    meta = [(tuple(v.shape), v.dtype) if is_array(v) else None for v in vals]
    b = Builder(meta)
    bound, bound_of = {}, {}

    def arg(ref):
        if not isinstance(ref, Const):
            return ref
        if isinstance(ref.value, (np.ndarray, np.generic)):
            key = id(ref.value)
            if key not in bound_of:
                slot = b.tmp(ref.value.shape, ref.value.dtype)
                bound[slot], bound_of[key] = ref.value, slot
            return bound_of[key]
        return ref

    items, pending, lowered_ctx = [], {}, []
    merged, sums = _merged_deliveries(entries, b.meta), {}
    for e in entries:
        kind, first = e[0], len(b.steps)
        if kind == "leaf" and id(e) in merged:
            total, last = sums.get(id(e[1])), merged[id(e)]
            if total is None:
                sums[id(e[1])] = e[2]
            else:
                shape, dtype = b.meta[e[2]]
                sums[id(e[1])] = out = b.tmp(shape, dtype)
                b.emit("add", out, total, e[2])     # .grad + g, as each later delivery adds in eager mode
                items.append(("step", first))
            if last:
                items.append(("entry", ("leaf", e[1], sums[id(e[1])], False, True, e[5])))
            continue
        if kind == "fwd" and not e[6] and not e[8] and e[1] in RULES:
            _, cls, ctx, refs, kwargs, outs, multi, recorded, drew = e
            grads = lower_forward(b, cls, ctx, [arg(r) for r in refs], kwargs, outs)
            if grads is not None:
                items += [("step", i) for i in range(first, len(b.steps))]
                lowered_ctx.append(ctx)
                if recorded:
                    pending[id(ctx)] = (grads, outs[0])
                continue
        elif kind == "bwd" and id(e[2]) in pending:
            grads, out = pending[id(e[2])]   # kept: a retain_graph backward runs the node again
            gy = arg(e[3][0])
            if not isinstance(gy, int) or b.meta[gy] != b.meta[out]:
                raise Unlowerable(e[1].label())
            grads(b, gy, e[4])
            items += [("step", i) for i in range(first, len(b.steps))]
            continue
        elif kind == "acc":
            a, c = arg(e[1]), arg(e[2])
            if isinstance(a, int) and isinstance(c, int) and lower_sum(b, a, c, e[3]):
                items.append(("step", first))
                continue
        items.append(("entry", e))
    return Program(b.meta, b.steps, items, b.alias, bound, lowered_ctx)


def _merged_deliveries(entries, meta):
    """{id(leaf entry): is it the leaf's last}: for leaves that get several same-shape float gradients in
    the step, starting from an empty .grad and without hooks, the deliveries become a chain of sums
    and one delivery at the last. Only deliveries between the same two host calls merge: an optimiser
    step (or anything else the replay runs as Python) between them reads .grad."""
    groups, segment, read = {}, 0, set()
    for e in entries:
        if e[0] == "host":
            segment += 1
        elif e[0] == "leaf":
            groups.setdefault((id(e[1]), segment), []).append(e)
        read.update(r for r in entry_refs(e)[0] if isinstance(r, int))
    merged = {}
    for group in groups.values():
        first = group[0]
        if len(group) < 2 or not first[4] or first[1]._hooks or not all(isinstance(e[2], int) for e in group) \
                or any(e[5] in read for e in group[:-1]):   # the step reads .grad between deliveries
            continue
        shape, dtype = meta[first[2]]
        if dtype.kind != "f" or not shape or any(meta[e[2]] != (shape, dtype) for e in group):
            continue
        merged.update((id(e), e is group[-1]) for e in group)
    return merged


def step_reads(step):
    """The slots a step reads."""
    return [x[1] if isinstance(x, tuple) else x for x in step[2:] if not isinstance(x, tuple) or x[0] == "T"]


def entry_refs(entry):
    """The slot references (ints or Consts) an unlowered entry reads, and those it hands out of the step."""
    kind = entry[0]
    if kind == "fwd":
        return entry[3], ()
    if kind == "bwd":
        return entry[3], ()
    if kind == "acc":
        return (entry[1], entry[2]), ()
    if kind == "leaf":
        return (entry[2],), (entry[2],)
    if kind == "assign":
        return (entry[1], entry[2]), ()
    return (), ()


def analyse(program, leaving):
    """(readers, escaping): the item positions reading each slot, and the roots of the values that leave
    the step (`leaving`: slots of the outputs and written-back buffers, plus the leaf deliveries)."""
    readers, escaping = {}, {program.root(s) for s in leaving}
    for pos, (kind, x) in enumerate(program.items):
        if kind == "step":
            reads = step_reads(program.steps[x])
        else:
            refs, out = entry_refs(x)
            reads = [r for r in refs if isinstance(r, int)]
            escaping.update(program.root(r) for r in out if isinstance(r, int))
        for s in reads:
            readers.setdefault(program.root(s), []).append(pos)
    return readers, escaping


def elementwise(program, step):
    """(shape, dtype) of a step every operand of which has its destination's shape (a fusable step), or None."""
    shape, dtype = program.meta[step[1]]
    for x in step_reads(step):
        s, d = program.meta[x]
        if s != shape or (d != dtype and not (step[0] == "where" and d == np.bool_)):
            return None
    if any(isinstance(x, tuple) and x[0] == "T" for x in step[2:]):
        return None
    return shape, dtype


def fused_runs(program, fusable):
    """[(first, last)] item positions of the maximal runs of consecutive same-shape elementwise steps
    whose ops are in `fusable`."""
    runs, start, key = [], None, None
    for pos, (kind, x) in enumerate(program.items + [("end", None)]):
        step_key = None
        if kind == "step" and program.steps[x][0] in fusable:
            step_key = elementwise(program, program.steps[x])
        if step_key is not None and step_key == key:
            continue
        if start is not None:
            runs.append((start, pos - 1))
        start, key = (pos, step_key) if step_key is not None else (None, None)
    return runs
