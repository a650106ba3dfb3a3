"""A custom Function's `jvp` in deepgrad's forward mode (forward_ad, func.jvp, func.jacfwd).

deepgrad computes tangents by differentiating the reverse pass: a first backward pass of u -> J^T u at u = 0,
recorded as a graph, then the gradient of that pass with respect to u along the tangents, which is J t. While
such a first pass runs (`tangent_pass`), a custom Function's backward is replaced by a stand-in node: its value
is J^T 0 = 0 and its own backward, which the second pass runs, calls the Function's `jvp` with the input
tangents and hands on what it returns. So forward mode uses the Function's jvp, as PyTorch's does, needs no
backward, and refuses a Function without a jvp with PyTorch's error.
"""
import threading
from contextlib import contextmanager

from .function import Function
from .saved_graph import wrap_saved
from .saved_hooks import stored
from .tensor import Tensor, wrap_array

NO_JVP = "You must implement the jvp function for custom autograd.Function to use it with forward mode AD."


class _State(threading.local):
    active = 0


_state = _State()


@contextmanager
def tangent_pass():
    """Mark the block as the first (u -> J^T u) pass of a tangent computation."""
    _state.active += 1
    try:
        yield
    finally:
        _state.active -= 1


def active():
    """Whether a tangent computation's first pass is running on this thread."""
    return _state.active > 0


def stand_in(node, grads):
    """What a custom Function's node hands back in a tangent pass: one stand-in gradient per input that needs
    one (None for the others), whose backward is the Function's jvp. Raises PyTorch's error without a jvp."""
    forward_cls = getattr(type(node), "_forward_cls", type(node))
    if not has_jvp(forward_cls):
        raise NotImplementedError(NO_JVP)
    slots = [k for k, p in enumerate(node.parents) if p is not None]
    if not slots:
        return (None,) * len(node.parents)
    out = _JvpStandIn.apply(*grads, node=node, slots=slots)
    out = out if isinstance(out, tuple) else (out,)
    result = [None] * len(node.parents)
    for k, o in zip(slots, out):
        result[k] = o
    return tuple(result)


def has_jvp(cls):
    """Whether the custom Function class defines its own jvp."""
    return getattr(cls, "jvp", default_jvp) is not default_jvp


def default_jvp(ctx, *tangents):
    """Return the output tangents given the input tangents (one per forward argument, None for a non-tensor
    one): what forward-mode AD uses. Subclasses that run in forward mode define it."""
    raise NotImplementedError(NO_JVP)


class _JvpStandIn(Function):
    """J^T applied to the (zero) output gradients of a custom Function: zeros shaped as its inputs; its
    backward maps the input tangents to the output tangents through the Function's jvp."""

    materialize_grads = False   # None, not zeros, for the inputs that got no tangent
    torch_name = "JvpBackward"

    def forward(ctx, *grads, node, slots):
        ctx.node, ctx.slots = node, slots
        shapes, dtypes = node._input_shapes, node._input_dtypes
        zeros = tuple(ctx.xp.zeros(shapes[k], dtype=dtypes[k]) for k in slots)
        return zeros if len(zeros) > 1 else zeros[0]

    def backward(ctx, *tangents):
        node = ctx.node
        graph = any(isinstance(t, Tensor) for t in tangents)
        given = dict(zip(ctx.slots, tangents))
        dirty = getattr(node, "_dirty", None) or ()
        ids = getattr(node, "_input_ids", ())
        args = []
        for k, shape in enumerate(node._input_shapes):
            t = given.get(k)
            if t is None and shape is not None and node.materialize_grads:
                t = node.xp.zeros(shape, dtype=node._input_dtypes[k])
            if t is not None and not isinstance(t, Tensor):
                t = wrap_array(t, node.device)
            if t is not None and k in given and k < len(ids) and ids[k] in dirty:
                t = t.clone()   # an in-place jvp changes the tangent it is given; this one is the engine's
            args.append(t)
        saved = stored(node)
        node.saved_tensors = tuple(_for_jvp(node, s, graph) for s in getattr(node, "saved_for_forward", ()))
        try:
            result = type(node)._forward_cls.jvp(node, *args)
        finally:
            node.saved_tensors = saved
        grads = _output_tangents(node, result)
        if graph:
            return grads
        return tuple(g._data if isinstance(g, Tensor) else g for g in grads)


def _for_jvp(node, t, graph):
    """A tensor saved with save_for_forward as jvp sees it: joined to the graph (where it is one of the node's
    inputs or outputs) when the tangents are themselves being differentiated."""
    if not isinstance(t, Tensor) or not graph:
        return t
    return wrap_saved(node, t._data)


def _output_tangents(node, result):
    """jvp's result as one tangent per tensor output of forward (None where jvp gave none), checked as
    PyTorch checks it."""
    plain = getattr(node, "_plain_outputs", None) or {}
    n_forward = getattr(node, "_n_outputs", node.n_out)
    results = result if isinstance(result, tuple) else (result,)
    if len(results) != n_forward:
        raise RuntimeError(f"Function's jvp returned an invalid number of forward gradients (expected {n_forward} "
                           f"but got {len(results)})")
    tangents = [r for i, r in enumerate(results) if i not in plain]
    metas = getattr(node, "out_meta", None) or ()
    for t, meta in zip(tangents, metas):
        if isinstance(t, Tensor) and tuple(t.shape) != tuple(meta[0]):
            raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the "
                               f"original Tensor, this is not supported. Tensor is of size {list(meta[0])} while "
                               f"the given forward gradient is of size {list(t.shape)}.")
    return tuple(tangents)
