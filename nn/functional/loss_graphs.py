"""The graphs PyTorch's losses show (grad_fn and next_functions), for deepgrad's fused or differently built ones.

cross_entropy runs one fused node where PyTorch runs log_softmax then nll_loss, and nll_loss and the binary
cross-entropies are composites here; these functions make the loss's node show PyTorch's node and, below it,
PyTorch's nodes down to the inputs (autograd.shown_nodes: display only, backward is unchanged). And they refuse, as
PyTorch does, a class weight that requires grad, which PyTorch's kernels cannot differentiate.
"""
from autograd import is_grad_enabled
from autograd.shown_nodes import show_graph

_LOG_SOFTMAX = "LogSoftmaxBackward0"


def _nll_node(ndim, reduction, below):
    """PyTorch's nll_loss node over `below` for an input of `ndim` dims: the 2-D kernel's from 3 dims (reading a
    4-D view of other ranks, and viewing an unreduced result back)."""
    if ndim <= 2:
        return "NllLossBackward0", (below,)
    if ndim != 4:
        below = ("ViewBackward0", (below,))
    node = ("NllLoss2DBackward0", (below,))
    return ("ViewBackward0", (node,)) if reduction == "none" and ndim != 4 else node


def _show(out, node, *inputs):
    return show_graph(out, node[0], node[1], *inputs)


def shown_nll_loss(loss, input, reduction):
    """`loss`, shown as PyTorch's nll_loss of `input`."""
    return _show(loss, _nll_node(input.ndim, reduction, 0), input)


def shown_cross_entropy(loss, input, reduction, label_smoothing, weighted):
    """`loss`, shown as PyTorch's cross_entropy of `input` against class indices: nll_loss over log_softmax, and
    with label smoothing the sum of that and the smoothing term, each scaled (both read one log_softmax node)."""
    logp = (_LOG_SOFTMAX, (0,))
    nll = _nll_node(input.ndim, reduction, logp)
    if not label_smoothing:
        return _show(loss, nll, input)
    per_class = ("MulBackward0", (logp, None)) if weighted else logp
    smooth = ("MaskedFillBackward0", (("NegBackward0", (("SumBackward1", (per_class,)),)),))
    if reduction == "mean":
        smooth = ("DivBackward0", (("SumBackward0", (smooth,)), None))
    elif reduction == "sum":
        smooth = ("SumBackward0", (smooth,))
    return _show(loss, ("AddBackward0", (("MulBackward1", (nll,)), ("MulBackward1", (smooth,)))), input)


def shown_pointwise_loss(loss, name, input, target, shape):
    """`loss`, shown as PyTorch's one node `name` over input and target (mse_loss, the binary cross-entropies),
    each reaching it through an ExpandBackward0 where it was broadcast to `shape`."""
    edges = tuple(k if t is None or not getattr(t, "requires_grad", False) or tuple(t.shape) == tuple(shape)
                  else ("ExpandBackward0", (k,)) for k, t in enumerate((input, target)))
    return show_graph(loss, name, edges, input, target)


def refuse_weight_grad(function, argument, weight):
    """PyTorch's RuntimeError for a weight that requires grad where its kernel `function` has no gradient for it."""
    if weight is not None and getattr(weight, "requires_grad", False) and is_grad_enabled():
        raise RuntimeError(f"The function '{function}' is not differentiable with respect to argument '{argument}'. "
                           f"This input cannot have requires_grad True. (Pass {argument}.detach(), or compute the "
                           f"loss under no_grad.)")
