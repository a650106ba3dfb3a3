"""Loss ops that are single fused graph nodes: softmax cross-entropy on class indices, binary cross-entropy of
probabilities, and the mean squared error. Other losses are composites of differentiable ops."""
import numpy as np

from ..function import Function
from ..shown_nodes import own_shown_pairs
from .reduction import array_mean, array_sum
from .torch_cascade_sum import cascade_sum

#: what cross_entropy's fused node shows as next_functions: PyTorch's log_softmax node over the logits' edge
_LOG_SOFTMAX_OVER_LOGITS = (("LogSoftmaxBackward0", (0,)),)


class CrossEntropy(Function):
    """Softmax cross-entropy of (N, C) logits against class indices, reduced, as one fused node.

    The backend kernels check the targets' shape and range, so the common case costs no extra pass.
    """

    op_name = "cross_entropy"
    differentiable_backward = False

    def forward(ctx, logits, target, ignore_index, label_smoothing, reduction):
        loss, logp = ctx.device.cross_entropy(logits, target, ignore_index, label_smoothing)
        ctx.args = (target, ignore_index, label_smoothing)
        ctx.reduction = reduction
        ctx.save_for_backward(logp)
        ctx.count = None
        if reduction == "none":
            return loss
        # bfloat16/float16 logits (computed in float32 by the half form): PyTorch's CPU kernel keeps the sample
        # losses, their sum and the count in the 16-bit dtype itself
        half = getattr(ctx, "half_in", (None,))[0] if ctx.device.host_memory and not label_smoothing else None
        if half is not None:
            total = cascade_sum(loss.reshape(-1), (target != ignore_index).reshape(-1), half).astype(loss.dtype)
        else:
            total = loss.sum(keepdims=True).reshape(())
        if reduction == "mean":
            count = (target != ignore_index).sum(dtype=loss.dtype)
            if half is not None:   # the count too: 257 samples divide by 256 in bfloat16, forward and backward
                count = count.astype(half).astype(loss.dtype)
            if ctx.device.host_memory and not count:
                count = loss.dtype.type("nan")  # every target ignored: NaN loss as PyTorch, without a warning
            total /= count
            ctx.count = count
        return total

    def name(self):
        """AddBackward0 with label smoothing (PyTorch adds a smoothing term to its NLL loss), else NllLossBackward0
        (or the name cross_entropy gave the node)."""
        return "AddBackward0" if self.args[2] else self.torch_name or "NllLossBackward0"

    @property
    def next_functions(self):
        """PyTorch's edges for its nll_loss over log_softmax: one, to a LogSoftmaxBackward0 (display only: this node
        computes both) over the logits' edge; as cross_entropy set them where it shows more (show_graph)."""
        return own_shown_pairs(self, _LOG_SOFTMAX_OVER_LOGITS)

    def backward(ctx, gy):
        target, ignore_index, label_smoothing = ctx.args
        if ctx.count is not None:
            gy = gy / ctx.count
        g = ctx.device.cross_entropy_grad(ctx.saved_tensors[0], target, gy, ignore_index, label_smoothing)
        return g, None, None, None, None

    @staticmethod
    def explain_error(args, exc):
        text = str(exc)
        return text if text.startswith("cross_entropy") else None


#: PyTorch's floor of the BCE gradient's denominator: the C float 1e-12, so 9.99999996e-13 in float64 too
_BCE_EPS = float(np.float32(1e-12))


def _clamped_logs(xp, p):
    """log(p) and log1p(-p), each clamped at -100 as PyTorch's binary_cross_entropy takes them. float32 logs are
    taken in float64 and rounded: that matches the C library's scalar logf/log1pf that PyTorch's CPU kernel calls on
    about 96% of random probabilities, NumPy's float32 SIMD log on about 79%."""
    with np.errstate(divide="ignore"):  # log(0) = -inf is clamped to -100
        if p.dtype == np.float32 and xp is np:
            wide = p.astype(np.float64)
            return (xp.maximum(xp.log(wide), -100.0).astype(np.float32),
                    xp.maximum(xp.log1p(-wide), -100.0).astype(np.float32))
        return xp.maximum(xp.log(p), -100.0), xp.maximum(xp.log1p(-p), -100.0)


def _range_text(xp, values):
    """'values from LOW to HIGH' of an array, with its count of NaNs when it holds any."""
    nans = int(xp.isnan(values).sum()) if values.dtype.kind == "f" else 0
    if nans == values.size:
        return f"{nans} NaN value(s) only"
    text = f"values from {float(xp.nanmin(values))} to {float(xp.nanmax(values))}"
    return text + (f" and {nans} NaN" if nans else "")


class BinaryCrossEntropy(Function):
    """Elementwise BCE of probabilities with PyTorch's clamps: logs at -100, gradient denominator at 1e-12."""

    op_name = "binary_cross_entropy"

    def forward(ctx, p, t):
        xp = ctx.xp
        # written so that NaN fails too, as PyTorch's check; on a GPU this waits for it, as a device-side check would
        if not bool(((p >= 0) & (p <= 1)).all()):
            raise ValueError(f"binary_cross_entropy: every input must be a probability in [0, 1], got "
                             f"{_range_text(xp, p)}; pass logits to binary_cross_entropy_with_logits instead")
        if not bool(((t >= 0) & (t <= 1)).all()):
            raise ValueError(f"binary_cross_entropy: every target must be in [0, 1], got {_range_text(xp, t)}; "
                             "use 0/1 labels or probabilities")
        log_p, log_q = _clamped_logs(xp, p)
        ctx.save_for_backward(p, t, log_p, log_q)
        return (t - 1) * log_q - t * log_p   # PyTorch's CPU kernel's order of operations

    def backward(ctx, gy):
        p, t, log_p, log_q = ctx.saved_tensors
        need = ctx.needs_input_grad
        if need[1] and ctx.xp is not ctx.device.xp:   # create_graph: the logs again, as functions of p
            log_p, log_q = _clamped_logs(ctx.xp, p)
        gp = gy * (p - t) / ctx.xp.maximum(p * (1 - p), _BCE_EPS) if need[0] else None
        gt = gy * (log_q - log_p) if need[1] else None
        return gp, gt


class MseLoss(Function):
    """Squared error of input against a target of the same shape and dtype, reduced ('mean', 'sum' or 'none'), as
    one node: the graph shows PyTorch's MseLossBackward0 with the input's and target's nodes next to it."""

    op_name = "mse_loss"
    torch_name = "MseLossBackward0"

    def forward(ctx, input, target, reduction):
        ctx.reduction = reduction
        ctx.save_for_backward(input, target)
        diff = input - target
        square = diff * diff
        if reduction == "none":
            return square
        if reduction == "sum":
            return array_sum(square, None)
        return array_mean(square, None)   # an empty input's mean is NaN, quietly, as PyTorch's

    def backward(ctx, gy):
        # from the saved inputs through ctx.xp, so that a create_graph backward records these ops
        input, target = ctx.saved_tensors
        scale = 2.0 / input.size if ctx.reduction == "mean" and input.size else 2.0
        g = gy * (input - target) * scale
        need = ctx.needs_input_grad
        return (g if need[0] else None), (-g if need[1] else None), None
