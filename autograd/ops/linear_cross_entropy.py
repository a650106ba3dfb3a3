"""Cross entropy of a linear layer's logits, computed a chunk of rows at a time so that the (rows, classes) logits
never exist whole (PyTorch's `linear_cross_entropy` with `options`): the forward pass also makes the gradients
of the scalar reductions, and backward only scales them; reduction='none' recomputes its chunks in backward."""
import numpy as np

from ..errors import GraphError
from ..function import Function
from ..grad_mode import state as grad_state


def _chunk_rows(xp, x, w, bias, target, class_weight, ignore_index):
    """For rows x (n, D) with class indices `target`: the per-row losses (n,), each row's weight (0 where
    ignored), and softmax(logits) minus the one-hot target (n, C), unweighted."""
    logits = x @ w.T
    if bias is not None:
        logits += bias
    top = logits.max(axis=1, keepdims=True)
    shifted = logits - top
    log_sum = xp.log(xp.exp(shifted).sum(axis=1))
    valid = target != ignore_index
    picked = xp.where(valid, target, 0)
    rows = xp.arange(len(picked))
    weights = valid.astype(x.dtype) if class_weight is None else class_weight[picked] * valid
    losses = (log_sum - shifted[rows, picked]) * weights
    probabilities = xp.exp(shifted - log_sum[:, None])
    probabilities[rows, picked] -= 1
    return losses, weights, probabilities


def _accumulate(delta, rows, w, grads, start, stop):
    """Add one chunk's share to the gradients (x's rows start:stop, w's and bias's sums) from the logits'
    gradient `delta`; a None gradient is not wanted."""
    grad_x, grad_w, grad_b = grads
    if grad_x is not None:
        grad_x[start:stop] = delta @ w
    if grad_w is not None:
        grad_w += delta.T @ rows
    if grad_b is not None:
        grad_b += delta.sum(axis=0)


def _chunks(count, size):
    return [(start, min(start + size, count)) for start in range(0, count, size)] or [(0, 0)]


class LinearCrossEntropyChunked(Function):
    """Scalar reductions ('mean', 'sum'): the loss, with the gradients of x, w and bias made in forward."""
    torch_name = "GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_defaultBackward"
    differentiable_backward = False   # as PyTorch's chunked op: no higher-order gradients

    def forward(ctx, x, w, target, bias, class_weight, ignore_index, reduction, chunk, allow_retain_graph):
        xp = ctx.xp
        need = [n and grad_state.enabled for n in ctx.needs_input_grad]
        grad_x = xp.zeros_like(x) if need[0] else None
        grad_w = xp.zeros_like(w) if need[1] else None
        grad_b = xp.zeros_like(bias) if bias is not None and need[3] else None
        total, weight_sum = x.dtype.type(0), x.dtype.type(0)
        for start, stop in _chunks(len(x), chunk):
            rows = x[start:stop]
            losses, weights, delta = _chunk_rows(xp, rows, w, bias, target[start:stop], class_weight, ignore_index)
            total += losses.sum()
            weight_sum += weights.sum()
            delta *= weights[:, None]
            _accumulate(delta, rows, w, (grad_x, grad_w, grad_b), start, stop)
        with np.errstate(divide="ignore", invalid="ignore"):   # every target ignored: 0 / 0, nan as PyTorch's
            scale = 1 / weight_sum if reduction == "mean" else x.dtype.type(1)
            ctx.grads = [None if g is None else g * scale for g in (grad_x, grad_w, grad_b)]
            total = total * scale
        ctx.allow_retain_graph = allow_retain_graph
        return xp.asarray(total, dtype=x.dtype)

    def backward(ctx, gy):
        grads = ctx.grads
        if grads is None:
            raise GraphError("linear_cross_entropy: backward ran a second time through a chunked loss whose "
                             "gradients were used up by the first; build the options with "
                             "LinearCrossEntropyOptions(allow_retain_graph=True) to backpropagate more than once")
        if not ctx.allow_retain_graph:
            ctx.grads = None
        grad_x, grad_w, grad_b = (None if g is None else g * gy for g in grads)
        return grad_x, grad_w, None, grad_b, None


class LinearCrossEntropyChunkedRows(Function):
    """reduction='none': each row's loss; backward recomputes the chunks with the rows' upstream gradients."""
    torch_name = "GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_no_reduction_defaultBackward"
    differentiable_backward = False

    def forward(ctx, x, w, target, bias, class_weight, ignore_index, chunk):
        xp = ctx.xp
        out = xp.empty(len(x), dtype=x.dtype)
        for start, stop in _chunks(len(x), chunk):
            out[start:stop] = _chunk_rows(xp, x[start:stop], w, bias, target[start:stop], class_weight,
                                          ignore_index)[0]
        ctx.save_for_backward(x, w, target, bias, class_weight)
        ctx.ignore_index, ctx.chunk = ignore_index, chunk
        return out

    def backward(ctx, gy):
        xp = ctx.xp
        x, w, target, bias, class_weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        grad_x = xp.zeros_like(x) if need[0] else None
        grad_w = xp.zeros_like(w) if need[1] else None
        grad_b = xp.zeros_like(bias) if bias is not None and need[3] else None
        for start, stop in _chunks(len(x), ctx.chunk):
            rows = x[start:stop]
            _, weights, delta = _chunk_rows(xp, rows, w, bias, target[start:stop], class_weight, ctx.ignore_index)
            delta *= (weights * gy[start:stop])[:, None]
            _accumulate(delta, rows, w, (grad_x, grad_w, grad_b), start, stop)
        return grad_x, grad_w, None, grad_b, None
