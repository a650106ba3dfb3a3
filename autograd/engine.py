"""The backward pass: walk the graph from the outputs in reverse creation order, iteratively.

Each node runs once, after every node that consumes its outputs has handed it a gradient.
Saved arrays are dropped as soon as a node has run, unless retain_graph is set.
With create_graph, gradients are Tensors and each node's backward itself records a graph.
"""
import threading
from operator import attrgetter

import numpy as np

from . import graph_xp
from . import profile_state as profiling
from .capture import state as jit_capture
from .composed_backward import composed_grads, tie_to_inputs
from .creation import zeros_like
from .errors import ArgumentTypeError, DtypeError, GraphError, OutOfMemoryError, ShapeError
from .function import AccumulateGrad, Function, _check_finite, next_sequence_nr
from .graph_edges import GradientEdge
from .numpy_warnings import quiet_numpy
from .grad_mode import enable_grad, state
from .hooks import (ACCUMULATE_POST, ACCUMULATE_PRE, RETAIN_KEY, run_accumulator_hooks, run_hooks,
                    run_post_accumulate_hooks)
from .node_hooks import POST, PRE, run_posthooks, run_prehooks
from .node_names import show_double_backward
from .saved_graph import as_graph_tensor, wrap_saved as _wrap_saved
from .saved_hooks import _torch_order as torch_order, stored, unpack_node
from .ops.joining import stack
from .tensor import Tensor
from .sparse_storage import SparseCOO, position_gradient
from .versions import clock, modified_since, replaced_only
from .view_links import SeveralViews


_end_callbacks = []


class _Passes(threading.local):
    def __init__(self):
        self.capturing = []   # per backward pass running on this thread, innermost last: does it capture inputs?


#: what a Function's backward may ask about the pass that runs it (the reentrant checkpoint refuses ag.grad)
passes = _Passes()


def queue_callback(fn):
    """Run `fn()` once when the backward pass now running has finished (PyTorch's engine queue_callback).

    Gradient hooks use it to act on the complete gradients, e.g. to wait for their all-reduce; when
    backward fails, the queued callbacks are dropped."""
    _end_callbacks.append(fn)


def gradient_args(grads, count, who):
    """The gradients given to `who` (backward, grad) as a list, read as PyTorch reads them: None for every output,
    one Tensor for one output, else a sequence of Tensors or Nones; anything else is PyTorch's TypeError."""
    if grads is None:
        return [None] * count
    if isinstance(grads, Tensor):
        return [grads]
    try:
        grads = list(grads)
    except TypeError:
        raise TypeError(f"{who}: the gradient must be a Tensor (or a sequence of them, one per output), got "
                        f"{type(grads).__name__} {grads!r}; wrap it: torch.tensor(value)") from None
    for g in grads:
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}: {who} takes one "
                            "Tensor shaped like each output (or None for a one-element output); wrap the values "
                            "first: torch.tensor(values)")
    return grads


def run_backward(roots, grads, retain_graph=False, create_graph=False, inputs=None, partial=False):
    """Backpropagate from `roots` (tensors) seeded with `grads`; accumulate into leaves or capture `inputs`
    (partial: their partial derivatives, as if each were independent of the others: no path runs through one
    input to reach another)."""
    quiet_numpy()   # again, in case a warnings.catch_warnings dropped the filter (pytest: every test)
    if len(grads) < len(roots):   # zip would drop the roots past the gradients without a word (extra gradients
        # are dropped, as PyTorch's)
        raise GraphError(f"got {len(roots)} tensors and {len(grads)} gradients: backward / grad was given "
                         f"{len(roots)} outputs but {len(grads)} grad_outputs (grad_tensors); pass one gradient "
                         "(or None for a scalar) per output")
    if jit_capture.recorder is not None:
        return jit_capture.recorder.on_backward(roots, grads, retain_graph, create_graph, inputs)
    outer = len(_end_callbacks)  # a backward run from inside a hook leaves the outer pass's callbacks alone
    passes.capturing.append(inputs is not None)
    try:
        # PyTorch's kernels give IEEE results (inf * 0 is NaN, 1 / 0 is inf) without a word; so do NumPy's here
        with np.errstate(all="ignore"):
            captured = _walk(roots, grads, retain_graph, create_graph, inputs, partial)
    except MemoryError as exc:
        del _end_callbacks[outer:]
        if isinstance(exc, OutOfMemoryError):
            raise
        raise OutOfMemoryError(f"backward: out of memory while computing gradients ({exc or type(exc).__name__}); "
                               "free memory: a smaller batch, `del` of tensors no longer needed, and on a GPU "
                               "ag.cuda.empty_cache()") from exc
    except BaseException:
        del _end_callbacks[outer:]
        raise
    finally:
        passes.capturing.pop()
    while len(_end_callbacks) > outer:
        _end_callbacks.pop(outer)()
    return captured


def _walk(roots, grads, retain_graph, create_graph, inputs, partial=False):
    graph_mode = bool(create_graph)
    retain = retain_graph or graph_mode
    seeds = [_seed(t, g, graph_mode, i) for i, (t, g) in enumerate(zip(roots, grads))]
    capture = None if inputs is None else {_key(t): None for t in inputs}

    buffers = {}
    # each leaf's gradient is summed over the pass before its hooks run and .grad is updated, once per pass,
    # as PyTorch's AccumulateGrad does: (leaf, summed gradient, the gradients it may share memory with)
    leaves = {}
    # a node's consumers were all created after it, so descending creation order is a topological order;
    # pending: id(leaf) -> how many edges of the graph still have to hand it a gradient, for the leaves with hooks
    # (hooks are what sees when a leaf gets its gradient: the others are handed theirs at the end, which costs
    # nothing per edge)
    pending = {}
    order = _reachable((t._node for t in roots), pending)
    given = set()
    for t, g in zip(roots, seeds):
        if t._node is None:
            _add_to_leaf(leaves, t, g, (g,))
        else:
            _add_to_buffer(buffers, t._node, t._out_idx, g)
    for t in roots:   # a root leaf that no node reaches is complete at once
        if t._node is None and not pending.get(id(t)) and id(t) in leaves:
            _deliver(leaves.pop(id(t)), capture, given, graph_mode)
    ends = ()
    if capture is not None:   # ag.grad: only the nodes on a path to an input run, as in PyTorch
        order, ends = _toward(order, capture, partial)
    silent = set()   # nodes that only "no gradient" (None) reached: PyTorch still runs their hooks
    for node in order:
        gs = buffers.pop(node, None)
        unreached = False
        if gs is None:
            if node not in silent:
                continue  # nothing reached this node
            gs, unreached = [None] * node.n_out, True
        if node._hooks:
            for idx, hooks in node._hooks.items():
                if type(idx) is int:
                    if gs[idx] is not None:
                        gs[idx] = _hooked(hooks, gs[idx], node.device, graph_mode)
                    else:
                        _hooks_see_no_gradient(hooks)
            if PRE in node._hooks:   # grad_fn.register_prehook
                gs = run_prehooks(node, gs, *_wrapping(node.device, graph_mode))
        if capture is not None:
            for idx, g in enumerate(gs):
                if (id(node), idx) in capture:
                    capture[(id(node), idx)] = g
            if node in ends:
                continue   # an input's node with nothing wanted beyond it
        if unreached and not node.runs_without_gradient and all(g is None for g in gs):
            in_grads = (None,) * len(node.parents)   # a built-in backward makes None of None
        else:
            if node._packed is not None:
                unpack_node(node, retain)
            if profiling.active:   # a profiler records: it times the node around _run_node
                in_grads = profiling.recorder.node(node, gs, graph_mode, _run_node)
            elif (graph_mode or node._freed or node.n_out > 1 or unreached or state.anomaly
                  or not node.device.host_memory):
                in_grads = _run_node(node, gs, graph_mode)
            else:
                if node._save_tick is not None and node._save_tick != clock.tick:
                    _check_saved(node)
                in_grads = type(node).backward(node, *gs)
                if type(in_grads) is not tuple:
                    in_grads = (in_grads,)
                if len(in_grads) != len(node.parents):
                    in_grads = _arity(node, in_grads)
        if node._hooks and POST in node._hooks:   # grad_fn.register_hook
            in_grads = run_posthooks(node, in_grads, gs, *_wrapping(node.device, graph_mode))
        if not retain:
            if node.saved_tensors:
                node.saved_tensors = ()
                node._freed = True
            if node.kept is not None:   # a composed form's arguments (composed_backward.py) are freed too
                node.kept = None
        complete = None
        for parent, idx, g in zip(node.parents, node.parent_idx, in_grads):
            if parent is None:
                continue
            if isinstance(parent, Tensor):
                if g is None:
                    _no_gradient_for(parent, buffers, silent, leaves)
                else:
                    _add_to_leaf(leaves, parent, g, gs)
                left = pending.get(id(parent))
                if left is not None:
                    pending[id(parent)] = left - 1
                    if left == 1:
                        complete = [parent] if complete is None else complete + [parent]
                continue
            if g is None:
                _no_gradient_for(parent, buffers, silent, leaves)
                continue
            buf = buffers.get(parent)
            if buf is None:
                buf = buffers[parent] = [None] * parent.n_out
            buf[idx] = g if buf[idx] is None else buf[idx] + g
        if complete is not None:
            # as PyTorch's engine, a leaf with hooks gets its gradient (and runs them) as soon as every node that
            # feeds it has run, before the next node
            for leaf in complete:
                _deliver(leaves.pop(id(leaf)), capture, given, graph_mode)
    for entry in leaves.values():   # leaves beyond the nodes ag.grad(inputs) runs
        _deliver(entry, capture, given, graph_mode)
    return capture


def _deliver(entry, capture, given, graph_mode):
    """Hand a leaf its gradient for the pass: entry is (leaf, summed gradient, what it may share memory with)."""
    leaf, g, incoming = entry
    if profiling.active and capture is None:   # a profiler records: it times the accumulation as PyTorch's
        profiling.recorder.leaf(_to_leaf, leaf, g, capture, given, incoming, graph_mode)
    else:
        _to_leaf(leaf, g, capture, given, incoming, graph_mode)


def _toward(order, capture, partial=False):
    """(the nodes of `order` that a gradient for the captured inputs passes through, in order; those among them
    whose own backward is not needed: they only hand over an input's gradient, and with `partial` every
    input's node stops there). Creation order puts each node's parents before it, so one pass from the oldest
    decides every node."""
    runs, holders = set(), set()
    for node in reversed(order):
        if any((id(node), i) in capture for i in range(node.n_out)):
            holders.add(node)
            if partial:
                continue
        for parent in node.parents:
            if parent is None:
                continue
            if (id(parent) in capture) if isinstance(parent, Tensor) else (parent in runs or parent in holders):
                runs.add(node)
                break
    return [n for n in order if n in runs or n in holders], holders - runs


def _no_grad_view(leaf):
    """True for a leaf that views a tensor requiring grad: one made under no_grad (view_links.py)."""
    base = getattr(leaf, "_view_of", None)
    if isinstance(base, SeveralViews):
        base = base.base
    return base is not None and base.requires_grad


def _add_to_leaf(leaves, leaf, g, incoming):
    entry = leaves.get(id(leaf))
    if entry is None:
        leaves[id(leaf)] = [leaf, g, incoming]
    elif entry[1] is None:   # only None had reached it so far
        entry[1], entry[2] = g, incoming
    else:
        entry[1] = entry[1] + g     # a new array, shared with nothing
        entry[2] = ()


def _no_gradient_for(parent, buffers, silent, leaves):
    """A backward gave None for `parent` (a node or a leaf). As in PyTorch's engine, that None still travels down:
    the node is visited unless a gradient reaches it: its hooks see None, a custom Function's backward runs (on
    zeros while it materialises gradients, PyTorch's default) and a built-in node hands None on; a leaf's hooks
    run with None and its .grad stays as it is."""
    if isinstance(parent, Tensor):
        if id(parent) not in leaves:
            leaves[id(parent)] = [parent, None, ()]
    elif parent not in buffers:
        silent.add(parent)


def _reachable(root_nodes, leaf_edges=None):
    """Every node the roots depend on, newest first; counts into `leaf_edges` (id(leaf) -> count, when given)
    the edges from those nodes to each leaf that has hooks."""
    stack = [n for n in root_nodes if n is not None]
    seen = set(stack)
    push = stack.append
    while stack:
        for parent in stack.pop().parents:
            if parent is None:
                continue
            if isinstance(parent, Tensor):
                if leaf_edges is not None and parent._hooks:
                    leaf_edges[id(parent)] = leaf_edges.get(id(parent), 0) + 1
            elif parent not in seen:
                seen.add(parent)
                push(parent)
    return sorted(seen, key=_by_creation, reverse=True)


_by_creation = attrgetter("seq")


def _seed(t, g, graph_mode, index=0):
    if not isinstance(t, Tensor):   # PyTorch asserts this
        raise ArgumentTypeError(f"backward: Expected output to be a torch.Tensor, got {type(t).__name__}; every "
                                "output differentiated must be a Tensor")
    if not t.requires_grad:
        # PyTorch's sentence first: code that matches its text (and its index among the outputs) finds it
        raise GraphError(f"element {index} of tensors does not require grad and does not have a grad_fn "
                         f"(backward: output {index}, of shape {t.shape}, was computed from no tensor that requires "
                         "grad); set requires_grad=True on the leaves you want gradients for")
    xp = t._device.xp
    if g is None:
        if t._data.size != 1:
            raise GraphError(f"backward: a gradient can be created implicitly only for a one-element output, "
                             f"this one has shape {t.shape}; reduce it first (e.g. loss.sum()) or pass a "
                             f"gradient of the same shape: t.backward(ag.ones_like(t))")
        g = xp.ones_like(t._data)
    elif isinstance(g, Tensor):
        if g._device is not t._device:
            if not (g._device.host_memory and t._device.host_memory):   # cpu and numba share NumPy arrays
                raise GraphError(f"backward: gradient is on {g._device}, tensor on {t._device}; move it "
                                 f"there first: gradient.to('{t._device}')")
            g = g.to(t._device)
        if g.dtype != t.dtype and g.dtype.kind != "c":   # as PyTorch: cast to the output's dtype (an int one too)
            g = g.to(t.dtype)
        g = g if graph_mode else g._data
    else:
        g = t._device.asarray(g, dtype=t.dtype)
    if tuple(g.shape) != t.shape:
        raise GraphError(f"backward: gradient has shape {tuple(g.shape)} but the tensor has shape {t.shape}; "
                         "pass a gradient shaped like the tensor")
    if graph_mode and not isinstance(g, Tensor):
        g = Tensor._make(g, t._device, None, 0, False)
    return g


def _key(t):
    # ids, not tensors: Tensor.__eq__ is elementwise, so tensors make poor dict keys
    if type(t) is GradientEdge:
        node = t.node
        return id(node.variable) if isinstance(node, AccumulateGrad) else (id(node), t.output_nr)
    return id(t) if t._node is None else (id(t._node), t._out_idx)


def _add_to_buffer(buffers, node, idx, g):
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * node.n_out
    buf[idx] = g if buf[idx] is None else buf[idx] + g


def _run_node(node, gs, graph_mode):
    if node._freed:
        # PyTorch's sentence first (code matches its text), then the op and the fix
        raise GraphError("Trying to backward through the graph a second time (or directly access saved tensors "
                         f"after they have already been freed): backward through {node.label()} a second time, its "
                         "saved values were freed after the first backward; call the first "
                         ".backward(retain_graph=True) if you need to go through the graph again")
    if node._save_tick is not None and node._save_tick != clock.tick:
        _check_saved(node)
    if (node.n_out > 1 or node.runs_without_gradient) and node.materialize_grads:
        for i, g in enumerate(gs):   # zeros for the outputs that got none (a custom Function's default)
            if g is None:
                shape, dtype = node.out_meta[i]
                zeros = node.device.xp.zeros(shape, dtype=dtype)
                gs[i] = Tensor._make(zeros, node.device, None, 0, False) if graph_mode else zeros
    with node.device.activate():
        if graph_mode:
            in_grads = _graph_backward(node, gs)
        else:
            in_grads = type(node).backward(node, *gs)
    if not isinstance(in_grads, tuple):
        in_grads = (in_grads,)
    if len(in_grads) != len(node.parents):
        in_grads = _arity(node, in_grads)
    if state.anomaly:
        _check_finite(node.label(), "backward", [g._data if isinstance(g, Tensor) else g for g in in_grads],
                      node.device)
    return in_grads


def _check_saved(node):
    """Refuse to run backward when an array the node saved, or the result PyTorch's node keeps, was changed in
    place after the node ran (a result PyTorch's node does not keep may be replaced inside a graph)."""
    kept = node.result_kept
    if kept is not None and modified_since(kept, node._save_tick):
        _saved_changed(node, kept, 0)
    for k, arr in enumerate(stored(node)):
        if modified_since(arr, node._save_tick):
            # a value replaced inside a graph is as it was: refuse only where PyTorch's node keeps it too
            if replaced_only(arr) and not _torch_keeps(node, k, arr):
                continue
            _saved_changed(node, arr, k)


def _torch_keeps(node, k, arr):
    """Whether PyTorch's node keeps the value this node saved at position k (every saved value, for a node whose
    PyTorch fields are not listed in saved_fields.py)."""
    if node.torch_saves_result is False and id(arr) in node.out_ids:
        return False
    return k in torch_order(node)


def _saved_changed(node, arr, k):
    shape = tuple(getattr(arr, "shape", ()))
    raise GraphError(f"one of the variables needed for gradient computation has been modified by an inplace "
                     f"operation: {node.label()}: a tensor of shape {shape} that it saved for backward (saved "
                     f"value {k}) was modified in place after it was used; change a copy (t.clone()) "
                     "instead, make the in-place change after backward, or run forward and backward inside "
                     "ag.autograd.graph.allow_mutation_on_saved_tensors()")


def _arity(node, in_grads):
    """in_grads without trailing Nones beyond the forward arguments (PyTorch ignores those); raises when backward
    returned too few gradients, or a gradient for an argument forward did not have."""
    n = len(node.parents)
    if len(in_grads) > n and all(g is None for g in in_grads[n:]):
        return in_grads[:n]
    raise GraphError(f"function {node.name()} returned an incorrect number of gradients (expected {n}, got "
                     f"{len(in_grads)}): {node.label()}.backward returned {len(in_grads)} gradients for {n} forward "
                     "arguments; return one gradient (or None) per argument of forward")


def _graph_backward(node, gs):
    """Run node.backward on Tensors so that the gradient computation is itself recorded."""
    if not node.differentiable_backward:
        if node.kept is not None:
            first_seq = next_sequence_nr()
            grads = composed_grads(node, gs, run_backward, _key)
            with enable_grad():
                return show_double_backward(node, tie_to_inputs(node, grads), first_seq)
        raise GraphError(f"create_graph: the gradient of {node.label()} cannot be differentiated again (its backward "
                         "is a fused kernel); for higher-order gradients (gradient penalties, Hessian products) "
                         "write this step with elementary tensor ops instead")
    saved = stored(node)
    if getattr(node, "_save_roles", None) is None:
        node.saved_tensors = tuple(_wrap_saved(node, arr) for arr in saved)
    else:   # values unpacked from saved_tensors_hooks: joined to the graph by where they were saved from
        node.saved_tensors = tuple(as_graph_tensor(node, k, arr) for k, arr in enumerate(saved))
    node.xp = graph_xp
    first_seq = next_sequence_nr()
    try:
        with enable_grad():
            grads = type(node).backward(node, *gs)
    finally:
        node.saved_tensors = saved
        node.xp = node.device.xp
    if not isinstance(grads, tuple):
        grads = (grads,)
    grads = tuple(g if g is None or isinstance(g, Tensor) else Tensor._make(g, node.device, None, 0, False)
                  for g in grads)
    with enable_grad():
        return show_double_backward(node, tie_to_inputs(node, grads), first_seq)


def _hooked(hooks, g, device, graph_mode):
    return run_hooks(hooks, g, *_wrapping(device, graph_mode), _check_hook_result)


def _check_hook_result(fn, result, grad):
    """Refuse what PyTorch refuses from a tensor hook: a non-Tensor, or a gradient of another size or dtype
    (the engine would otherwise fail far from the hook, or carry the wrong gradient on)."""
    name = getattr(fn, "__name__", type(fn).__name__)
    if not isinstance(result, Tensor):
        raise TypeError(f"register_hook: expected Tensor, but hook {name!r} returned {type(result).__name__!r}; "
                        "a tensor hook must return None or a Tensor of the gradient's shape and dtype "
                        "(wrap arrays with torch.as_tensor)")
    shape, dtype = tuple(getattr(grad, "shape", ())), getattr(grad, "dtype", None)
    if tuple(result.shape) != shape:
        raise ShapeError(f"register_hook: hook {name!r} has changed the size of value: it returned a gradient of "
                         f"shape {tuple(result.shape)} for a tensor of shape {shape}; return a gradient of the "
                         "tensor's own shape")
    if dtype is not None and result.dtype != dtype:
        raise DtypeError(f"register_hook: hook {name!r} has changed the type of value: it returned {result.dtype} "
                         f"for a {dtype} gradient; convert it back, e.g. return g.to(torch.{dtype})")


def _hooks_see_no_gradient(hooks):
    """The hooks of an output of a running node that got no gradient (another output did): PyTorch calls them
    with None and refuses a replacement; retain_grad leaves .grad as it is."""
    for key, fn in list(hooks.items()):
        if key != RETAIN_KEY and not isinstance(key, tuple) and fn(None) is not None:
            raise RuntimeError("can't replace a None gradient with a non-None value: a tensor hook returned a "
                               "gradient for an output of its node that received none (return None from the hook "
                               "when its argument is None)")


def _wrapping(device, graph_mode):
    """(wrap, unwrap): how a hook sees a gradient (a Tensor) and how its result goes back into the pass."""
    if graph_mode:
        return (lambda x: x), _as_tensor
    return (lambda x: Tensor._make(x, device, None, 0, False)), _as_array


def _as_array(x):
    return x._data if isinstance(x, Tensor) else x


def _as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _to_leaf(leaf, g, capture, given, incoming, graph_mode):
    if g is None:
        _leaf_without_gradient(leaf, capture, graph_mode)
        return
    if leaf._hooks:
        g = _hooked(leaf._hooks, g, leaf._device, graph_mode)
    if capture is not None:
        key = id(leaf)
        if key in capture:
            capture[key] = g if capture[key] is None else capture[key] + g
        return
    if leaf._hooks:   # its AccumulateGrad's pre-hooks (grad_fn.next_functions[...][0].register_prehook)
        g = run_accumulator_hooks(leaf, ACCUMULATE_PRE, g, *_wrapping(leaf._device, graph_mode))
    if _no_grad_view(leaf):
        return   # as in PyTorch, no gradient accumulates into it
    if type(g) is SparseCOO and type(leaf._data) is SparseCOO:   # a sparse leaf's .grad: one entry per position
        g = position_gradient(g)
    if g.shape != leaf._data.shape:
        raise GraphError(f"internal: gradient of shape {tuple(g.shape)} for a leaf of shape {leaf.shape}")
    if graph_mode:
        leaf.grad = g if leaf.grad is None else leaf.grad + g
    elif leaf.grad is None:
        owner = _memory_owner(g)
        if _strided_otherwise(g, leaf._data):
            # AccumulateGrad's layout contract: a dense leaf's .grad takes the leaf's strides (a channels-last
            # weight gets a channels-last gradient)
            g, owner = _laid_out_like(leaf._device.xp, g, leaf._data), None
        if owner is None:
            owner = g
        elif id(owner) in given or any(owner is _memory_owner(x) for x in incoming) or not _owns_memory(g):
            g = g.copy()  # the memory is shared (a view of it too) or a broadcast view: .grad must own its memory
            owner = g
        given.add(id(owner))
        leaf.grad = Tensor._make(g, leaf._device, None, 0, False)
    else:
        total = leaf.grad._data + g
        if _strided_otherwise(total, leaf.grad._data):   # PyTorch adds in place: the sum keeps .grad's layout
            total = _laid_out_like(leaf._device.xp, total, leaf.grad._data)
        leaf.grad = Tensor._make(total, leaf._device, None, 0, False)
    if leaf._hooks:
        run_post_accumulate_hooks(leaf)
        run_accumulator_hooks(leaf, ACCUMULATE_POST, g, *_wrapping(leaf._device, graph_mode))


def _leaf_without_gradient(leaf, capture, graph_mode):
    """A leaf that only None reached: its hooks see None (and may not replace it), .grad stays as it is, and its
    post-accumulate hooks still run, as PyTorch's AccumulateGrad does."""
    if not leaf._hooks:
        return
    _hooks_see_no_gradient(leaf._hooks)
    if capture is not None:
        return
    wrap = _wrapping(leaf._device, graph_mode)[0]
    if run_accumulator_hooks(leaf, ACCUMULATE_PRE, None, _none_or(wrap), _as_array) is not None:
        raise RuntimeError("can't replace a None gradient with a non-None value: a pre-hook on AccumulateGrad "
                           "returned a gradient for a leaf that received none")
    run_post_accumulate_hooks(leaf)
    run_accumulator_hooks(leaf, ACCUMULATE_POST, None, _none_or(wrap), _as_array)


def _none_or(wrap):
    return lambda x: None if x is None else wrap(x)


def _memory_owner(a):
    """The array whose memory `a` uses (`a` itself unless it is a view)."""
    base = getattr(a, "base", None)
    return a if base is None else base


def _strided_otherwise(g, data):
    """Whether gradient `g` is laid out otherwise than `data`, a dense array of 2 or more dims that is not
    row-major (a leaf moved to a channels-last format)."""
    if getattr(data, "flags", None) is None or data.ndim < 2 or data.flags.c_contiguous or g.strides == data.strides:
        return False
    order = sorted(range(data.ndim), key=lambda d: data.strides[d])
    step = data.itemsize
    for d in order:   # dense: the strides, smallest first, are the running products of the sizes
        if data.shape[d] != 1 and data.strides[d] != step:
            return False
        step *= data.shape[d]
    return True


def _laid_out_like(xp, g, data):
    """A copy of `g` with `data`'s strides."""
    laid = xp.empty_like(data)
    laid[...] = g
    return laid


def _owns_memory(g):
    flags = getattr(g, "flags", None)
    if flags is None:   # a sparse gradient (sparse_storage.py): values made for it
        return True
    return getattr(flags, "writeable", True) and (g.size <= 1 or 0 not in g.strides)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Gradients of `outputs` with respect to `inputs`, returned as a tuple (leaves' .grad is untouched).
    allow_unused: None for an unused input instead of an error (default: materialize_grads); materialize_grads:
    zeros for it instead. is_grads_batched: the first dim of each grad_output is a batch of vectors, and each
    gradient gets that leading dim. `only_inputs` is accepted for older PyTorch code (PyTorch ignores it too)."""
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    outputs = [outputs] if isinstance(outputs, Tensor) else _sequence(outputs, "outputs")
    single = isinstance(inputs, (Tensor, GradientEdge))
    inputs = [inputs] if single else _sequence(inputs, "inputs")
    grad_outputs = gradient_args(grad_outputs, len(outputs), "grad")
    if not inputs:
        raise GraphError("`inputs` argument to `grad()` cannot be empty: grad returns one gradient per input; "
                         "pass the tensors to differentiate with respect to")
    if is_grads_batched:
        return _batched_grad(outputs, inputs, list(grad_outputs), retain_graph, create_graph, allow_unused,
                             materialize_grads)
    for t in inputs:
        if isinstance(t, GradientEdge):
            _check_edge(t)
        elif not isinstance(t, Tensor) or not t.requires_grad:
            got = (f"a {t.dtype} tensor of shape {tuple(t.shape)} that does not require grad" if isinstance(t, Tensor)
                   else type(t).__name__)
            raise GraphError(f"grad: every input must be a Tensor that requires grad (or a GradientEdge), got {got}; "
                             "pass the floating-point leaves the outputs were computed from, made with "
                             "requires_grad=True")
    retain = create_graph if retain_graph is None else retain_graph
    captured = run_backward(outputs, list(grad_outputs), retain_graph=retain, create_graph=create_graph,
                            inputs=inputs)
    result = []
    for index, t in enumerate(inputs):
        g = captured[_key(t)]
        if isinstance(t, GradientEdge):
            result.append(_edge_gradient(t, g, allow_unused, materialize_grads))
            continue
        if g is None:
            if not (allow_unused or materialize_grads):
                # PyTorch's sentence first (code matches its text), then the shape and the fix
                raise GraphError(f"The differentiated Tensor at index {index} appears to not have been used in the "
                                 "graph. Set allow_unused=True if this is the desired behavior. grad: the input of "
                                 f"shape {t.shape} was not used to compute the outputs; allow_unused=True gives None "
                                 "for it, materialize_grads=True zeros")
            # PyTorch's zeros for an unused input require grad under create_graph (a further grad sees zeros)
            result.append(zeros_like(t.detach()).requires_grad_(bool(create_graph)) if materialize_grads else None)
        elif isinstance(g, Tensor):
            result.append(g)
        else:
            result.append(Tensor._make(g, t._device, None, 0, False))
    return tuple(result)


def _check_edge(edge):
    """Refuse a GradientEdge that grad cannot capture: its node must be a graph node and output_nr one of its
    outputs."""
    node = edge.node
    if isinstance(node, AccumulateGrad):
        return
    if not isinstance(node, Function) or not isinstance(edge.output_nr, int) or not \
            0 <= edge.output_nr < node.n_out:
        raise GraphError(f"grad: a GradientEdge must hold a graph node (a grad_fn or AccumulateGrad) and one of its "
                         f"output indices; got node {node!r} and output_nr {edge.output_nr!r}. Make it with "
                         "ag.autograd.graph.get_gradient_edge(tensor)")


def _edge_gradient(edge, g, allow_unused, materialize_grads):
    """The gradient grad returns for a GradientEdge input: captured `g` as a Tensor on the edge's device."""
    node = edge.node
    if g is None:
        if materialize_grads:
            raise GraphError(f"grad: materialize_grads=True cannot make zeros for a GradientEdge input "
                             f"({node.name()}) that the outputs do not depend on; pass the tensor itself instead")
        if not allow_unused:
            raise GraphError(f"grad: the GradientEdge input at {node.name()} was not used to compute the outputs; "
                             "pass allow_unused=True to get None for it")
        return None
    if isinstance(g, Tensor):
        return g
    device = node.variable._device if isinstance(node, AccumulateGrad) else node.device
    return Tensor._make(g, device, None, 0, False)


def _sequence(given, name):
    """grad's outputs or inputs, given as a sequence, as a list."""
    try:
        return list(given)
    except TypeError:
        raise TypeError(f"grad: {name} must be a Tensor or a sequence of Tensors, got {type(given).__name__} "
                        f"{given!r}") from None


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused, materialize_grads):
    """grad with is_grads_batched=True: one backward per vector of the batch, the gradients stacked on dim 0."""
    sizes = {len(g) for g in grad_outputs if g is not None}
    if len(sizes) != 1 or any(g is None for g in grad_outputs):
        shapes = [None if g is None else tuple(g.shape) for g in grad_outputs]
        raise RuntimeError("grad: with is_grads_batched=True every output needs a grad_output whose first dim is the "
                           f"batch (one size for all); got {shapes}")
    n = sizes.pop()
    rows = [grad(outputs, inputs, [g[b] for g in grad_outputs], retain_graph=True if b < n - 1 else retain_graph,
                 create_graph=create_graph, allow_unused=allow_unused, materialize_grads=materialize_grads)
            for b in range(n)]
    return tuple(None if column[0] is None else stack(list(column)) for column in zip(*rows))


__all__ = ["run_backward", "grad", "Function"]
