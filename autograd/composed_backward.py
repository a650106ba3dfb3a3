"""Higher-order gradients through fused ops: under create_graph, an op whose backward is a fused kernel
(batch_norm, cross_entropy, max_pool2d, ...) has its gradient taken through its `composed` form instead, the
same forward written with differentiable tensor ops and run again on the op's kept inputs. The recomputed
graph hangs on the op's own inputs in the outer graph, so the gradients it yields are recorded ops that
reach whatever made those inputs (MAML's second-order step through a BatchNorm CNN, a gradient penalty
through a critic with pooling).

An op that is linear in its first argument (average pooling, interpolation; `composed` is LINEAR) needs no
second form: its gradient map is recorded as an op of its own (`Adjoint`), whose gradient is the op again.

Where PyTorch's backward is one op that takes the forward's inputs (node_names.BACKWARD_READS), its gradient is on
the graph through them even when it does not depend on their values; `tie_to_inputs` gives deepgrad's the same
edges (`Tie`), so that a gradient penalty through a pooling layer or a frozen convolution backpropagates."""
from .function import LINEAR
from .function import Function
from .grad_mode import no_grad
from .node_names import DOUBLE_BACKWARD, backward_reads
from .saved_graph import Rebind
from .tensor import Tensor, wrap_array


def composed_grads(node, gs, run_backward, key):
    """The gradients of node's inputs (Tensors, recorded) for the output gradients `gs` (Tensors or None):
    `composed` run on the node's kept inputs, then one backward pass (run_backward, engine's; `key` its
    capture key) from its outputs to those inputs."""
    arrays, kwargs = node.kept
    if type(node).composed is LINEAR:
        return (Adjoint.apply(gs[0], node=node),) + (None,) * (len(node.parents) - 1)
    device = node.device
    args, targets, seen = [], {}, {}
    for j, a in enumerate(arrays):
        parent = node.parents[j] if j < len(node.parents) else None
        if parent is None:
            args.append(_constant(a, device))
            continue
        if isinstance(parent, Tensor):   # a leaf: itself while it still holds these values
            t = parent if parent._data is a else Rebind.apply(parent, wrap_array(a, device))
        else:
            t = Tensor._make(a, device, parent, node.parent_idx[j], True)
        k = key(t)
        if k in seen:   # one graph place used twice: one tensor, so its gradient is counted once
            t = seen[k]
        else:
            seen[k] = t
            targets[j] = t
        args.append(t)
    extra = getattr(node, "composed_extra", None)   # what the forward drew (dropout masks), for the same values
    if extra:
        kwargs = dict(kwargs, **{name: make() for name, make in extra.items()})
    outs = type(node).composed(*args, **kwargs)
    outs = outs if isinstance(outs, tuple) else (outs,)
    pairs = [(o, g) for o, g in zip(outs, gs) if g is not None and isinstance(o, Tensor) and o.requires_grad]
    grads = [None] * len(node.parents)
    if not pairs or not targets:
        return tuple(grads)
    captured = run_backward([o for o, _ in pairs], [g for _, g in pairs], retain_graph=True, create_graph=True,
                            inputs=list(targets.values()), partial=True)
    for j, t in targets.items():
        g = captured[key(t)]
        grads[j] = g if g is None or isinstance(g, Tensor) else Tensor._make(g, device, None, 0, False)
    return tuple(grads)


def _constant(a, device):
    """A kept argument as the op took it: an array as a Tensor outside the graph, anything else as it is."""
    return Tensor._make(a, device, None, 0, False) if hasattr(a, "shape") and hasattr(a, "dtype") else a


class Adjoint(Function):
    """The gradient map gy -> gx of an op linear in its first argument (the op's backward, `node`'s), as a
    recorded op: its own gradient is the op applied to the incoming gradient, with the same other arguments."""
    op_name = "adjoint"

    def forward(ctx, gy, node):
        ctx.node = node
        return type(node).backward(node, gy)[0]

    def backward(ctx, ggx):
        node = ctx.node
        arrays, kwargs = node.kept
        rest = [_constant(a, node.device) for a in arrays[1:]]
        if isinstance(ggx, Tensor):   # create_graph once more: the op itself, recorded
            return type(node).apply(ggx, *rest, **kwargs), None
        with no_grad():
            return type(node).apply(wrap_array(ggx, node.device), *rest, **kwargs)._data, None


class Tie(Function):
    """Gradient `g` as it is, on the graph through `reads` too (the inputs PyTorch's backward op takes): its own
    gradient hands the incoming one to `g` and zeros (`zeros`), or nothing, to each of `reads`."""
    op_name = "backward"

    def forward(ctx, g, *reads, zeros=True):
        ctx.read_meta = tuple(None if r is None or not zeros else (r.shape, r.dtype) for r in reads)
        return g

    def backward(ctx, gg):
        xp = ctx.device.xp
        made = []
        for meta in ctx.read_meta:
            if meta is None:
                made.append(None)
                continue
            z = xp.zeros(*meta)
            made.append(Tensor._make(z, ctx.device, None, 0, False) if isinstance(gg, Tensor) else z)
        return (gg, *made)


def tie_to_inputs(node, grads):
    """`grads` (node's create_graph gradients, Tensors or None) tied to the inputs PyTorch's backward op of `node`
    reads (see BACKWARD_READS), when one of them is on the graph: every gradient where that op differentiates to
    zeros for them (a later backward then gives those inputs zeros, as PyTorch's), else those off the graph."""
    entry = backward_reads(node)
    if entry is None:
        return grads
    indices, zeros, torch_name = entry
    if not zeros and all(g is None or g.requires_grad for g in grads):
        return grads
    indices = range(len(node.parents)) if indices is None else indices
    reads, attached = [], False
    for j in indices:
        parent = node.parents[j] if j < len(node.parents) else None
        g = grads[j] if j < len(grads) else None
        if parent is None or g is None:
            reads.append(None)
            continue
        # the input's place in the graph; the gradient's values stand for its shape and dtype, which is all Tie reads
        reads.append(parent if isinstance(parent, Tensor) else Tensor._make(g._data, node.device, parent,
                                                                            node.parent_idx[j], True))
        attached = True
    if not attached:
        return grads
    tied = list(grads)
    for k, g in enumerate(grads):
        if g is not None and (zeros or not g.requires_grad):
            tied[k] = Tie.apply(g, *reads, zeros=zeros)
            tied[k]._node.torch_name = DOUBLE_BACKWARD.get(node.name(), torch_name)
    return tuple(tied)
