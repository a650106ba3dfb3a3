"""loss.backward() during a capture: the engine's walk, run now and written down as entries.

The order of nodes and of gradient sums (each leaf's gradients summed over the walk, then delivered once) is
exactly run_backward's, so a replay adds the same numbers in the same order as eager mode and matches it bit
for bit. (Eager mode delivers each leaf as soon as its sum is complete, here at the walk's end: no number changes,
and a captured step has no hooks to tell the difference.)
"""
from .. import engine
from ..capture import CaptureError
from ..tensor import Tensor
from .refs import Const


def record_backward(rec, roots, grads, retain_graph):
    """Backpropagate from `roots` as engine.run_backward does (no create_graph, no inputs=), recording it."""
    buffers = {}
    leaves = {}     # as the engine: each leaf's gradients summed over the walk, delivered once at its end
    for t, g in zip(roots, grads):
        seed = engine._seed(t, g, False)
        ref = rec.ref(seed) if isinstance(g, Tensor) else Const(seed)
        if t._node is None:
            _add_to_leaf(rec, leaves, t, ref, (seed,))
        else:
            _add(rec, buffers, t._node, t._out_idx, ref)

    for node in engine._reachable(t._node for t in roots):
        refs = buffers.pop(node, None)
        if refs is None:
            continue
        if id(node) not in rec.nodes:
            raise CaptureError(f"jit: backward reaches {node.label()}, an op that ran before the compiled step "
                               "started; compute everything the loss depends on inside the step (or detach() "
                               "what comes from outside)")
        if node._hooks:
            raise CaptureError(f"jit: a hook registered on the output of {node.label()} cannot be replayed; "
                               "remove it or run the step eagerly")
        if node.n_out > 1:
            for i, r in enumerate(refs):
                if r is None:
                    shape, dtype = node.out_meta[i]
                    zero = node.device.xp.zeros(shape, dtype=dtype)
                    refs[i] = rec.new_slot(zero)
                    rec.entries.append(("zeros", shape, dtype, node.device.xp, refs[i]))
        gs = [rec.value(r) for r in refs]
        if node._freed:
            raise CaptureError(f"jit: backward through {node.label()} a second time in one step needs "
                               "retain_graph=True on the first backward")
        if node.device.host_memory:
            in_grads = type(node).backward(node, *gs)
        else:
            with node.device.activate():
                in_grads = type(node).backward(node, *gs)
        if type(in_grads) is not tuple:
            in_grads = (in_grads,)
        if len(in_grads) != len(node.parents):
            in_grads = engine._arity(node, in_grads)
        release = not retain_graph
        if release and node.saved_tensors:
            node.saved_tensors = ()
            node._freed = True
        routes = []
        delivered = []
        for k, (parent, idx, g) in enumerate(zip(node.parents, node.parent_idx, in_grads)):
            if g is None or parent is None:
                continue
            slot = rec.new_slot(g)
            routes.append((k, slot))
            delivered.append((parent, idx, slot, g))
        rec.entries.append(("bwd", type(node), node, tuple(refs), tuple(routes), release))
        for parent, idx, slot, g in delivered:
            if isinstance(parent, Tensor):
                _add_to_leaf(rec, leaves, parent, slot, gs)
            else:
                _add(rec, buffers, parent, idx, slot)
    given = set()
    for leaf, ref, incoming in leaves.values():
        _leaf(rec, leaf, ref, given, incoming)


def _add_to_leaf(rec, leaves, leaf, ref, incoming):
    entry = leaves.get(id(leaf))
    if entry is None:
        leaves[id(leaf)] = [leaf, ref, incoming]
        return
    out = rec.new_slot(rec.value(entry[1]) + rec.value(ref))
    rec.entries.append(("acc", entry[1], ref, out))
    entry[1], entry[2] = out, ()


def _add(rec, buffers, node, idx, ref):
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * node.n_out
    if buf[idx] is None:
        buf[idx] = ref
        return
    total = rec.value(buf[idx]) + rec.value(ref)
    out = rec.new_slot(total)
    rec.entries.append(("acc", buf[idx], ref, out))
    buf[idx] = out


def _leaf(rec, leaf, ref, given, incoming):
    """Deliver a gradient to a leaf now, and record whether backward would copy it (shared memory) and
    whether replays replace .grad instead of adding to it: when the step itself had cleared .grad (`x.grad = None`
    in the step, which a replay does not run) or made the leaf (each eager call makes a new one, whose .grad
    starts empty). A gradient into one of the step's arguments makes the step stay eager (a replay's delivery
    would reach the captured call's tensor, not the new call's)."""
    if id(leaf) in rec.inputs:
        rec.into_inputs = True
    g = rec.value(ref)
    owner = engine._memory_owner(g)
    copy = (isinstance(ref, Const) or id(owner) in given or any(owner is engine._memory_owner(x) for x in incoming)
            or not engine._owns_memory(g))
    given.add(id(owner) if not copy else -1)
    replace = leaf.grad is None and (id(leaf) in rec.had_grad or id(leaf) not in rec.known)
    rec.had_grad.discard(id(leaf))
    # .grad's array after the delivery gets a slot of its own, so that ops of the step reading p.grad
    # read each replay's gradient (after a second backward it is a new array, grad + g)
    out = rec.new_slot(deliver(leaf, g, copy, None))
    rec.entries.append(("leaf", leaf, ref, copy, replace, out))


def deliver(leaf, g, copy, holder, replace=False, statics=()):
    """Put gradient `g` into leaf.grad as backward does: the first one becomes .grad (copied when its memory
    is shared), later ones are added. `holder` is a Tensor reused for .grad on replays (None: a new one);
    `replace`: treat .grad as empty; `statics`: ids of replay buffers, copied rather than handed out.
    Returns .grad's array."""
    if leaf._hooks:
        g = engine._hooked(leaf._hooks, g, leaf._device, False)
    current = None if replace else leaf.grad
    if current is None:
        if copy or (statics and id(engine._memory_owner(g)) in statics):
            g = g.copy()
        if holder is None:
            leaf.grad = Tensor._make(g, leaf._device, None, 0, False)
        else:
            holder._data = g
            leaf.grad = holder
    else:
        total = current._data + g
        if holder is None or current is not holder:
            leaf.grad = Tensor._make(total, leaf._device, None, 0, False)
        else:
            holder._data = total
    return leaf.grad._data
