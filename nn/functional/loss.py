"""Loss functions, numerically stable at extreme inputs; reduction 'mean' | 'sum' | 'none'."""
import warnings

import numpy as np

import autograd as ag
from autograd import Tensor, arrays
from autograd.bf16_dtype import is_bf16, is_half
from autograd.ops.activation import Softplus
from autograd.ops.loss import BinaryCrossEntropy, CrossEntropy, MseLoss
from autograd.ops.torch_cascade_sum import CascadeSum
from autograd.ops.dims import check_tensor
from autograd import autocast_state as autocast
from autograd.func_vmap import batched_by_loop
from autograd.node_names import shown_double_backward
from autograd.shown_nodes import show_graph
from autograd import complex_forms

from .activation import log_softmax
from .loss_graphs import refuse_weight_grad, shown_cross_entropy, shown_nll_loss, shown_pointwise_loss
from .regression_targets import broadcast_target, weighted
from autograd.errors import (ArgumentKindError, ArgumentRangeError, ComplexUnsupportedError, DtypeError, ShapeError,
                             UnsupportedDtypeError)

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(op, reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduce(loss, reduction, op):
    _check_reduction(op, reduction)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


_WARNED = set()
#: the graph node names of the outputs that are probabilities, not logits
_PROBABILITY_NODES = {"SoftmaxBackward0": "softmax", "SigmoidBackward0": "sigmoid"}


def warn_if_probabilities(op, input):
    """Warn (once per loss) when a loss that takes logits receives the output of a softmax or sigmoid, which
    would apply it twice: the reported loss is then wrong and training is slower."""
    node = input.grad_fn if isinstance(input, Tensor) else None
    made_by = _PROBABILITY_NODES.get(node.name()) if node is not None else None
    if made_by is None or op in _WARNED:
        return
    _WARNED.add(op)
    warnings.warn(f"{op} takes logits (raw scores), but its input is the output of {made_by}: the {made_by} is "
                  f"applied twice. Remove the final {made_by.capitalize()} from the model (PyTorch style), or "
                  "use nn.keras, whose losses take probabilities unless from_logits=True.", UserWarning,
                  stacklevel=3)


def _same_shape(op, input, target):
    target = target if isinstance(target, Tensor) else ag.tensor(target, device=input.device, dtype=input.dtype)
    if target.shape != input.shape:
        raise ShapeError(f"{op}: input shape {input.shape} and target shape {target.shape} differ; "
                         "they must be the same")
    return target


def _not_both_integers(op, input, target):
    """UnsupportedDtypeError for an integer (or bool) input and target: PyTorch computes a regression loss for them
    in neither dtype ("not implemented for 'Long'"); one floating side is enough."""
    if input.dtype.kind in "biu" and getattr(target, "dtype", np.dtype(float)).kind in "biu":
        raise UnsupportedDtypeError(f"{op}: not implemented for an integer input and target (input {input.dtype} "
                                    f"{tuple(input.shape)}, target {target.dtype} {tuple(target.shape)}); the loss "
                                    f"is computed in floating point: pass input.float() (or target.float())")


def _broadcastable(op, input, target):
    """`target` as a Tensor when its shape broadcasts with input's (PyTorch's kl_div broadcasts them silently)."""
    target = target if isinstance(target, Tensor) else ag.tensor(target, device=input.device, dtype=input.dtype)
    try:
        np.broadcast_shapes(tuple(input.shape), tuple(target.shape))
    except ValueError:
        raise ShapeError(f"{op}: input shape {input.shape} and target shape {target.shape} do not "
                         "broadcast (sizes must match or be 1 at each dimension, aligned from the right); give "
                         "them the same shape") from None
    return target


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error; a target of another shape is broadcast with a warning, `weight` (input's shape) scales
    each term (then 'mean' divides by the weights' sum), as PyTorch's."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("mse_loss", mse_loss, input, target, reduction=reduction, weight=weight)
    check_tensor("mse_loss", input)
    check_tensor("mse_loss", target, "target")
    _not_both_integers("mse_loss", input, target)
    if input.dtype.kind == "c" or target.dtype.kind == "c":
        raise ComplexUnsupportedError(f"mse_loss: complex tensors are not supported (got {input.dtype} and {target.dtype}), as in "
                                      "PyTorch; use ((input - target).abs() ** 2).mean() for the mean squared "
                                      "modulus")
    target = broadcast_target("mse_loss", input, target)
    if weight is None and target.shape == input.shape and reduction in ("mean", "sum", "none"):
        dtype = ag.result_type(input, target)   # one node, as PyTorch's (an int target joins a float input)
        return MseLoss.apply(input if input.dtype == dtype else input.to(dtype),
                             target if target.dtype == dtype else target.to(dtype), reduction)
    diff = input - target
    if weight is not None:
        return weighted("mse_loss", diff * diff, weight, input, reduction)
    return shown_pointwise_loss(_reduce(diff * diff, reduction, "mse_loss"), "MseLossBackward0", input, target,
                                diff.shape)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error; a target of another shape is broadcast with a warning, `weight` (input's shape) scales
    each term (then 'mean' divides by the weights' sum), as PyTorch's."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("l1_loss", l1_loss, input, target, reduction=reduction, weight=weight)
    check_tensor("l1_loss", input)
    check_tensor("l1_loss", target, "target")
    _not_both_integers("l1_loss", input, target)
    err = ag.abs(input - broadcast_target("l1_loss", input, target))
    if weight is not None:
        return weighted("l1_loss", err, weight, input, reduction)
    return _reduce(err, reduction, "l1_loss")


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Quadratic for |error| < delta, linear beyond (as torch.nn.HuberLoss); a target of another shape is
    broadcast with a warning, `weight` (input's shape) scales each term ('mean' stays the mean), as PyTorch's."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("huber_loss", huber_loss, input, target, reduction, delta, weight=weight)
    check_tensor("huber_loss", input)
    check_tensor("huber_loss", target, "target")
    _not_both_integers("huber_loss", input, target)
    if not delta > 0:   # a zero delta would make every term 0: PyTorch refuses it
        raise ArgumentRangeError(f"huber_loss: delta must be positive, got {delta!r}; it is the error size where the "
                                 "loss turns from quadratic to linear (1.0 by default)")
    if complex_forms.active:
        complex_forms.refuse('huber_loss', input, target)
    err = ag.abs(input - broadcast_target("huber_loss", input, target))
    small = ag.minimum(err, delta)
    if weight is None:   # the abs is the input's one path: its create_graph gradient is PyTorch's huber_loss_backward
        shown_double_backward(err, "HuberLossBackwardBackward0")
    else:
        return weighted("huber_loss", 0.5 * small * small + delta * (err - small), weight, input, reduction, False)
    return shown_pointwise_loss(_reduce(0.5 * small * small + delta * (err - small), reduction, "huber_loss"),
                                "HuberLossBackward0", input, target, err.shape)


def _long_or_byte(op, t):
    """Refuse integer class targets other than int64 and uint8, as PyTorch's kernels do."""
    if t.dtype.kind in "iu" and t.dtype not in (np.int64, np.uint8):
        raise DtypeError(f"{op}: expected target dtype to be int64 (Long) or uint8 (Byte), but got {t.dtype} "
                         f"(target shape {tuple(t.shape)}); convert the class indices with target.long()")


def _class_targets(op, target, n_classes, ignore_index, device):
    """The class-index targets as an int64 Tensor, checked. Made from `target` by tensor ops (not raw
    arrays), so that ag.jit replays recompute everything derived from them."""
    t = arrays.array(target) if isinstance(target, Tensor) else device.asarray(target)
    _long_or_byte(op, t)
    if t.dtype.kind not in "iu":
        raise DtypeError(f"{op}: class-index targets must be integers, got {t.dtype}; for class "
                         "probabilities pass a float target with the same shape as the input")
    bad = ((t < 0) | (t >= n_classes)) & (t != ignore_index)
    if bool(bad.any()):
        value = int(t[bad].reshape(-1)[0])
        raise IndexError(f"{op}: target class {value} is out of range for {n_classes} classes "
                         f"(targets must lie in [0, {n_classes}) or equal ignore_index={ignore_index})")
    # the same array on the input's device (no copy between host devices, so a jit capture still knows it)
    return arrays.wrap(device.asarray(t), device).long()


def _kept_classes(t, ignore_index, weight, dtype):
    """(safe, w): the targets with ignored entries set to class 0, and each entry's weight (0 where
    ignored; the class weight where `weight` is given), from an int64 target Tensor by tensor ops."""
    keep = t != ignore_index
    safe = ag.where(keep, t, 0)
    w = keep.to(dtype)
    if weight is not None:
        w = w * ag.take_along_axis(weight, safe, axis=0)
    return safe, w


def _weighted_mean(loss, w, keep, sixteen=None):
    """sum(loss) / sum(w) over the entries that `keep` marks, with PyTorch's gradients: zero for the ignored
    entries even when the weights sum to 0 (a batch that is all padding gives a NaN loss but zero gradients, not
    0/0 ones that would poison the weights). `sixteen` ('weighted' or 'count') sums as PyTorch's CPU nll_loss does
    in bfloat16/float16 (see _sum16)."""
    none_kept = ~keep.any()
    if sixteen:
        total = CascadeSum.apply(w, keep) if sixteen == "weighted" else keep.sum().to(loss.dtype)
        kept_sum = CascadeSum.apply(loss, keep)
    else:
        total = w.sum()
        kept_sum = ag.where(keep, loss, ag.zeros_like(loss)).sum()
    return kept_sum / ag.where(none_kept, 1.0, total) + ag.where(none_kept, float("nan"), ag.zeros_like(total))


def _to_rows(input, double_backward):
    """(N, C, d1, ...) -> (N * d1 * ..., C) with the class axis last; a create_graph gradient through it shows
    PyTorch's node `double_backward` (that of PyTorch's first op on the input, which has no such transpose)."""
    if input.ndim <= 2:
        return input
    axes = (0,) + tuple(range(2, input.ndim)) + (1,)
    return shown_double_backward(input.transpose(axes), double_backward).reshape(-1, input.shape[1])


def _weight_broadcasts(op, name, weight, input, fix):
    """A ShapeError (PyTorch raises a RuntimeError) naming both shapes unless `weight` broadcasts to input's."""
    try:
        if np.broadcast_shapes(tuple(weight.shape), tuple(input.shape)) == tuple(input.shape):
            return
    except ValueError:
        pass
    raise ShapeError(f"{op}: {name} of shape {tuple(weight.shape)} does not broadcast to the input's shape "
                     f"{tuple(input.shape)}; give {fix}")


def _as_weight(weight, input):
    """Loss weights as a tensor on the input's device with the input's dtype (None stays None)."""
    if weight is None:
        return None
    if not isinstance(weight, Tensor):
        return ag.tensor(np.asarray(weight), dtype=input.dtype, device=input.device)
    return weight if weight.dtype == input.dtype else weight.astype(input.dtype)


def _check_weight_dtype(op, weight, input):
    """With class-index targets PyTorch takes a weight Tensor of the input's dtype only (probability targets take
    any): else a DtypeError naming both dtypes and the cast."""
    if isinstance(weight, Tensor) and weight.dtype != input.dtype:
        raise DtypeError(f"{op}: weight of dtype {weight.dtype} must have the input's dtype {input.dtype} with "
                         f"class-index targets; cast it with weight.to({input.dtype})")


def _class_weight(op, weight, input):
    """Per-class loss weights: one per class (the input's dim 1, or dim 0 when unbatched), else a ValueError."""
    if weight is None:
        return None
    n_classes = input.shape[1] if input.ndim >= 2 else input.shape[0]
    weight = _as_weight(weight, input)
    if weight.shape != (n_classes,):
        raise ShapeError(f"{op}: weight must hold one value per class, i.e. have shape ({n_classes},) for an input "
                         f"of shape {input.shape}; got shape {weight.shape} ({weight.size} values for "
                         f"{n_classes} classes)")
    return weight


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """Softmax cross-entropy of logits (N, C) or (N, C, d1, ...) against class indices or class probabilities
    (size_average / reduce: PyTorch's deprecated spellings of the reduction)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("cross_entropy", cross_entropy, input, target, weight, ignore_index=ignore_index,
                            reduction=reduction, label_smoothing=label_smoothing)
    check_tensor("cross_entropy", input)
    check_tensor("cross_entropy", target, "target")
    _float_scores("cross_entropy", input, "logits")
    _check_reduction("cross_entropy", reduction)
    if input.ndim == 0:
        raise ValueError("cross_entropy: input must have a class dimension, got a 0-d tensor")
    if label_smoothing > 1.0:
        raise ArgumentRangeError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    label_smoothing = max(label_smoothing, 0.0)   # PyTorch reads a negative smoothing as none
    warn_if_probabilities("cross_entropy", input)
    t = arrays.array(target) if isinstance(target, Tensor) else input.device.asarray(target)
    probabilities = t.dtype.kind == "f" or is_bf16(t.dtype)   # class probabilities (of any float dtype)
    if isinstance(ignore_index, (float, str, bytes)) or ignore_index is None:   # PyTorch's parser: a TypeError
        raise ArgumentKindError(f"cross_entropy(): argument 'ignore_index' must be int, not "
                                f"{type(ignore_index).__name__} ({ignore_index!r}); pass a class index, e.g. "
                                "ignore_index=-100")
    if probabilities and ignore_index != -100:
        raise ArgumentRangeError(f"cross_entropy: ignore_index={ignore_index} is not supported for class-probability "
                                 f"targets (float target of shape {tuple(t.shape)}); drop ignore_index, or zero the "
                                 "rows to ignore in the target")
    if not probabilities:
        _long_or_byte("cross_entropy", t)
        _check_weight_dtype("cross_entropy", weight, input)
    weight = _class_weight("cross_entropy", weight, input)
    if probabilities:
        return _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing)
    refuse_weight_grad("nll_loss_forward", "weight", weight)
    sixteen = _half_on_host(input)
    if weight is None and input.ndim == 2 and not sixteen:  # the hot path
        loss = CrossEntropy.apply(input, t, ignore_index, label_smoothing, reduction)
        # the node shows PyTorch's nll_loss over log_softmax itself; with smoothing, the graph shown here
        return shown_cross_entropy(loss, input, reduction, label_smoothing, False) if label_smoothing else loss
    n_classes = input.shape[1] if input.ndim >= 2 else input.shape[0]
    unbatched = input.ndim == 1
    x = input.reshape(1, -1) if unbatched else input
    expected = (x.shape[0],) + x.shape[2:]
    if unbatched and tuple(t.shape) == (1,):   # PyTorch takes a one-element target for an unbatched input too
        t = t.reshape(())
    if (tuple(t.shape) if not unbatched else (1,) + tuple(t.shape)) != expected:
        hint = ""
        if input.ndim == 3 and tuple(t.shape) == tuple(input.shape[:2]):
            hint = (f"; the classes go in dim 1: for (batch, time, classes) logits pass "
                    f"logits.reshape(-1, {input.shape[2]}) and target.reshape(-1), or logits.transpose(1, 2)")
        raise ShapeError(f"cross_entropy: input of shape {input.shape} needs class-index targets of shape "
                         f"{expected if not unbatched else '() or (1,)'}, got {tuple(t.shape)}{hint}")
    t = _class_targets("cross_entropy", t, n_classes, ignore_index, input.device)
    t = t.reshape(1) if unbatched else t
    if sixteen:
        loss = _cross_entropy16(x, t, weight, ignore_index, reduction, label_smoothing)
        loss = loss.reshape(()) if unbatched and reduction == "none" else loss
        # smoothing: PyTorch's graph is shown (its scalar products, its division by the integer count)
        return shown_cross_entropy(loss, input, reduction, label_smoothing, weight is not None) if label_smoothing \
            else loss
    rows = _to_rows(x, "LogSoftmaxBackwardDataBackward0")
    flat_t = t.reshape(-1)
    if weight is None:
        loss = CrossEntropy.apply(rows, flat_t, ignore_index, label_smoothing, reduction)
    else:
        per_sample = _weighted_cross_entropy(rows, flat_t, weight, ignore_index, label_smoothing)
        if reduction == "mean":
            w = _kept_classes(flat_t, ignore_index, weight, per_sample.dtype)[1]
            loss = _weighted_mean(per_sample, w, flat_t != ignore_index)
        else:
            loss = _reduce(per_sample, reduction, "cross_entropy")
    if reduction == "none":
        loss = loss.reshape(()) if unbatched else loss.reshape(expected)
    # PyTorch adds the smoothing term to its NLL loss last, whatever the weights, reduction and shape
    return shown_cross_entropy(loss, input, reduction, label_smoothing, weight is not None)


def _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing):
    """Cross-entropy against class probabilities (a float target shaped like the input)."""
    if tuple(getattr(target, "shape", np.shape(target))) != input.shape:
        raise DtypeError(f"cross_entropy: float targets are read as class probabilities and need the input's "
                         f"shape {input.shape}, got {tuple(np.shape(target))}; class-index targets must be "
                         "integers (e.g. int64)")
    target = _same_shape("cross_entropy", input, target)
    axis = 1 if input.ndim >= 2 else 0
    n_classes = input.shape[axis]
    logp = log_softmax(input, axis=axis)
    if label_smoothing:
        target = target * (1.0 - label_smoothing) + label_smoothing / n_classes
    # PyTorch's ops in its order: -(logp * target [* weight]).sum(...) [/ the count], so its graph and its rounding
    terms = logp * target
    if weight is not None:
        shape = (1, n_classes) + (1,) * (input.ndim - 2) if input.ndim >= 2 else (n_classes,)
        terms = terms * weight.reshape(shape)
    _check_reduction("cross_entropy", reduction)
    if reduction == "none":
        return -terms.sum(axis=axis)
    total = -terms.sum()
    if reduction == "sum":
        return total
    count = terms.size // n_classes   # a division by a number: PyTorch's DivBackward1, with no edge for it
    return show_graph(total / count if count else total / 0.0, "DivBackward1", (0,), total)


def _cross_entropy16(x, t, weight, ignore_index, reduction, label_smoothing):
    """cross_entropy of bfloat16/float16 logits x (N, C, ...) on the host devices, op by op as PyTorch composes it
    (log_softmax, nll_loss, then the smoothing term), so that every rounding to the 16-bit dtype is PyTorch's (the
    fused node computes in float32: its gradients differed by an ulp in most elements)."""
    logp = log_softmax(x, 1)
    loss = nll_loss(logp, t, weight, ignore_index=ignore_index, reduction=reduction)
    if not label_smoothing:
        return loss
    n_classes = x.shape[1]
    keep = t != ignore_index
    if weight is None:
        smooth = -logp.sum(1)
    else:
        smooth = -(logp * weight.reshape((1, n_classes) + (1,) * (x.ndim - 2))).sum(1)
    smooth = smooth.masked_fill(~keep, 0.0)
    if reduction == "mean":
        if weight is None:   # PyTorch's kernel divides by the integer count itself (5000, not bfloat16's 4992)
            smooth = (smooth.sum().float() / keep.sum()).to(x.dtype)
        else:
            smooth = smooth.sum() / weight.gather(0, t.masked_select(keep).flatten()).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * loss + smooth * (label_smoothing / n_classes)


def _weighted_cross_entropy(rows, t, weight, ignore_index, label_smoothing):
    logp = log_softmax(rows, axis=1)
    safe, kept = _kept_classes(t, ignore_index, None, rows.dtype)
    nll = -ag.take_along_axis(logp, safe.reshape(-1, 1), axis=1).reshape(-1) * ag.take_along_axis(weight, safe, 0)
    loss = nll * (1.0 - label_smoothing)
    if label_smoothing:
        smooth = -(logp * weight.reshape(1, -1)).sum(axis=1) * (label_smoothing / rows.shape[1])
        loss = loss + smooth
    return loss * kept


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log-likelihood of log-probabilities (N, C) or (N, C, d1, ...) at the target classes
    (size_average / reduce: PyTorch's deprecated spellings of the reduction)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("nll_loss", nll_loss, input, target, weight, ignore_index=ignore_index, reduction=reduction)
    check_tensor("nll_loss", input)
    check_tensor("nll_loss", target, "target")
    _float_scores("nll_loss", input, "log-probabilities")
    if complex_forms.active:
        complex_forms.refuse('nll_loss', input, weight)
    _check_reduction("nll_loss", reduction)
    if input.ndim == 0:
        raise ValueError("nll_loss: input must have a class dimension, got a 0-d tensor")
    n_classes = input.shape[1] if input.ndim >= 2 else input.shape[0]
    _check_weight_dtype("nll_loss", weight, input)
    weight = _class_weight("nll_loss", weight, input)
    refuse_weight_grad("nll_loss_forward", "weight", weight)
    x = input.reshape(1, -1) if input.ndim == 1 else input
    t = _class_targets("nll_loss", target, n_classes, ignore_index, input.device)
    expected = (x.shape[0],) + x.shape[2:] if input.ndim > 1 else ()
    if input.ndim == 1 and tuple(t.shape) == (1,):   # PyTorch takes a one-element target for an unbatched input
        t = t.reshape(())
    if tuple(t.shape) != expected:
        raise ShapeError(f"nll_loss: input of shape {input.shape} needs class-index targets of shape "
                         f"{expected if input.ndim > 1 else '() or (1,)'}, got {tuple(t.shape)}")
    t = t.reshape(-1)
    rows = _to_rows(x, "NllLoss2DBackwardBackward0" if x.ndim == 4 else "ViewBackward0")
    safe, w = _kept_classes(t, ignore_index, weight, rows.dtype)
    picked = -ag.take_along_axis(rows, safe.reshape(-1, 1), axis=1).reshape(-1)
    loss = picked * w
    sixteen = _sum16(rows, weight)
    if reduction == "mean":
        loss = _weighted_mean(loss, w, t != ignore_index, sixteen)
    elif reduction == "none":
        loss = loss.reshape(expected)
    else:
        loss = CascadeSum.apply(loss, t != ignore_index) if sixteen else loss.sum()
    return shown_nll_loss(loss, input, reduction)


def _half_on_host(t):
    """Whether `t` is bfloat16/float16 on a host device, where the losses round as PyTorch's CPU kernels do."""
    return is_half(t.dtype) and t.device.host_memory


def _sum16(rows, weight):
    """None, or how PyTorch's CPU nll_loss sums bfloat16/float16 `rows` on the host devices: in the 16-bit dtype
    through its cascade of partial sums ('weighted': the class weights too; 'count': the kept samples counted and
    the count rounded to the dtype)."""
    if not _half_on_host(rows):
        return None
    return "count" if weight is None else "weighted"


def _float_scores(op, input, what):
    """UnsupportedDtypeError (PyTorch: "not implemented for 'Long'") for integer or bool scores, which NumPy would
    take and give a loss for."""
    if input.dtype.kind in "biu":
        raise UnsupportedDtypeError(f"{op}: input (shape {tuple(input.shape)}) is {input.dtype}, but it holds the "
                                    f"{what}, which must be floating point; convert it with input.float() (or, if "
                                    f"input and target were swapped: {op}(scores, class_indices))")


def _float_target(op, input, target):
    """Refuses an integer or bool target Tensor, as PyTorch does: BCE targets are probabilities; and integer or bool
    input probabilities (PyTorch has no kernel for them: NotImplementedError, or a RuntimeError beside a float
    target)."""
    if isinstance(target, Tensor) and target.dtype.kind in "iub" and input.dtype.kind in "iub":
        raise UnsupportedDtypeError(f"{op}: not implemented for {input.dtype} input and {target.dtype} target (shapes "
                                    f"{tuple(input.shape)} and {tuple(target.shape)}); convert both with .float()")
    if input.dtype.kind in "iub":
        raise DtypeError(f"{op}: input is {input.dtype} (shape {tuple(input.shape)}) but target is "
                         f"{getattr(target, 'dtype', type(target).__name__)}; the input holds probabilities (or "
                         "logits), so make it floating: input.float()")
    if isinstance(target, Tensor) and target.dtype.kind in "iub":
        raise DtypeError(f"{op}: target is {target.dtype} (shape {target.shape}) but input is {input.dtype}; targets "
                         f"are probabilities, so make them floating: target.float(), or build them as floats "
                         f"(torch.full((n,), 1.0), not torch.full((n,), 1))")


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """BCE of probabilities in [0, 1]; the logs are clamped at -100 as PyTorch does (size_average / reduce:
    PyTorch's deprecated spellings of the reduction)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("binary_cross_entropy", binary_cross_entropy, input, target, weight, reduction=reduction)
    check_tensor("binary_cross_entropy", input)
    check_tensor("binary_cross_entropy", target, "target")
    _float_target("binary_cross_entropy", input, target)
    target = _same_shape("binary_cross_entropy", input, target)
    refuse_weight_grad("binary_cross_entropy", "weight", weight)
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        weight = _as_weight(weight, input)
        _weight_broadcasts("binary_cross_entropy", "weight", weight, input, "a shape that broadcasts to the input's")
        loss = loss * weight
    return shown_pointwise_loss(_reduce(loss, reduction, "binary_cross_entropy"), "BinaryCrossEntropyBackward0",
                                input, target, input.shape)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """BCE of sigmoid(input), computed from the logits without overflow at any magnitude (size_average / reduce:
    PyTorch's deprecated spellings of the reduction)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("binary_cross_entropy_with_logits", binary_cross_entropy_with_logits, input, target, weight,
                            reduction=reduction, pos_weight=pos_weight)
    check_tensor("binary_cross_entropy_with_logits", input)
    check_tensor("binary_cross_entropy_with_logits", target, "target")
    if input.dtype.kind in "iub":   # PyTorch's log_sigmoid has no integer kernel, whatever the target
        raise UnsupportedDtypeError(f"binary_cross_entropy_with_logits: not implemented for {input.dtype} logits "
                                    f"(shape {tuple(input.shape)}); convert them with input.float()")
    _float_target("binary_cross_entropy_with_logits", input, target)
    warn_if_probabilities("binary_cross_entropy_with_logits", input)
    target = _same_shape("binary_cross_entropy_with_logits", input, target)
    refuse_weight_grad("binary_cross_entropy_with_logits", "weight", weight)
    refuse_weight_grad("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    # the input's one path is its negation (both terms read -x: the same values as (1 - target) * x + ...), whose
    # create_graph gradient shows as the last op of PyTorch's backward formula: the division of 'mean', else a product
    negated = shown_double_backward(-input, "DivBackward1" if reduction == "mean" else "MulBackward0")
    softplus_neg = Softplus.apply(negated)   # log(1 + exp(-x)), smooth at 0
    if pos_weight is None:
        loss = softplus_neg - (1.0 - target) * negated
    else:
        pos_weight = _as_weight(pos_weight, input)
        _weight_broadcasts("binary_cross_entropy_with_logits", "pos_weight", pos_weight, input,
                           "one weight per class: shape (C,) for an input (N, C)")
        scale = 1.0 + (pos_weight - 1.0) * target
        loss = scale * softplus_neg - (1.0 - target) * negated
    if weight is not None:
        weight = _as_weight(weight, input)
        _weight_broadcasts("binary_cross_entropy_with_logits", "weight", weight, input,
                           "a shape that broadcasts to the input's")
        loss = loss * weight
    return shown_pointwise_loss(_reduce(loss, reduction, "binary_cross_entropy_with_logits"),
                                "BinaryCrossEntropyWithLogitsBackward0", input, target, input.shape)


def hinge_loss(input, target, margin=1.0, reduction="mean"):
    """max(0, margin - y * x) with targets in {-1, 1} (targets in {0, 1} are mapped to {-1, 1})."""
    check_tensor("hinge_loss", input)
    check_tensor("hinge_loss", target, "target")
    target = target if isinstance(target, Tensor) else ag.tensor(target, device=input.device)
    if target.shape != input.shape:
        raise ValueError(f"hinge_loss: input shape {input.shape} and target shape {target.shape} differ")
    values = arrays.array(target)
    if bool(((values != 0) & (values != 1) & (values != -1)).any()):
        raise ValueError("hinge_loss: targets must be in {-1, 1} (or {0, 1})")
    y = target.astype(input.dtype)
    y = ag.where(y == 0, -1.0, y)     # by tensor ops: a jit replay maps each step's targets
    return _reduce(ag.relu(margin - y * input), reduction, "hinge_loss")


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target || prediction) with `input` as log-probabilities; reduction may also be 'batchmean'. 'mean'
    averages over every element and warns, as PyTorch's does (the KL divergence per sample is 'batchmean');
    size_average / reduce are PyTorch's deprecated spellings of the reduction."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if not isinstance(log_target, (bool, np.bool_)):   # a string such as 'no' would read as True
        raise TypeError(f"kl_div(): argument 'log_target' must be bool, not {type(log_target).__name__} "
                        f"({log_target!r}); pass log_target=True when target holds log-probabilities, else False")
    if reduction == "mean":
        warnings.warn("kl_div: reduction='mean' divides the summed loss by the number of elements (batch size times "
                      "the size of each distribution); reduction='batchmean' divides by the batch size only and gives "
                      "the KL divergence per sample, which PyTorch plans to make 'mean' do", UserWarning, stacklevel=2)
    return pointwise_kl_div(input, target, reduction, log_target)


def pointwise_kl_div(input, target, reduction="mean", log_target=False):
    """kl_div without the warning about 'mean' (torch.kl_div, PyTorch's top-level form, gives none)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("kl_div", pointwise_kl_div, input, target, reduction, log_target)
    check_tensor("kl_div", input)
    check_tensor("kl_div", target, "target")
    target = _broadcastable("kl_div", input, target)
    if log_target:
        loss = ag.exp(target) * (target - input)
    else:
        loss = ag.xlogy(target, target) - target * input   # 0 * log 0 = 0
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.ndim else 1)
    return batched_by_loop(_reduce(loss, reduction, "kl_div"))   # (what a vmapped kl_div shows)


def l1_penalty(params):
    """Sum of |p| over the parameters (add `lam * l1_penalty(model.parameters())` to a loss)."""
    return sum(ag.abs(p).sum() for p in params)


def l2_penalty(params):
    """Sum of p**2 over the parameters."""
    return sum((p * p).sum() for p in params)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 * error ** 2 / beta where |error| < beta, |error| - 0.5 * beta beyond (as torch's SmoothL1Loss;
    beta = 0 gives the L1 loss). size_average and reduce are PyTorch's deprecated spellings of reduction."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("smooth_l1_loss", smooth_l1_loss, input, target, size_average, reduce, reduction, beta)
    check_tensor("smooth_l1_loss", input)
    check_tensor("smooth_l1_loss", target, "target")
    _not_both_integers("smooth_l1_loss", input, target)
    if complex_forms.active:
        complex_forms.refuse('smooth_l1_loss', input, target)
    if beta < 0:
        raise ArgumentRangeError(f"smooth_l1_loss: beta must be >= 0, got {beta}")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    err = ag.abs(input - broadcast_target("smooth_l1_loss", input, target))
    if beta == 0:   # PyTorch hands this to l1_loss, whose graph ends in the reduction (or the abs)
        return _reduce(err, reduction, "smooth_l1_loss")
    small = ag.minimum(err, beta)
    shown_double_backward(err, "SmoothL1LossBackwardBackward0")   # the input's one path (see huber_loss)
    return shown_pointwise_loss(_reduce(small * small * (0.5 / beta) + (err - small), reduction, "smooth_l1_loss"),
                                "SmoothL1LossBackward0", input, target, err.shape)


class LossArgumentError(TypeError, ValueError, RuntimeError):
    """A Tensor where a loss takes a flag (nn.MSELoss(input, target): the inputs given to the constructor): a
    TypeError, a ValueError and a RuntimeError (deepgrad's and PyTorch's ambiguous-truth-value error)."""


def _legacy_reduction(size_average, reduce, reduction):
    """PyTorch's deprecated size_average / reduce flags as a reduction name (reduction when both are None), with
    PyTorch's warning. A reduction name in size_average's place is taken as the reduction (deepgrad's earlier
    mse_loss(x, y, 'sum'), and the loss modules pass their resolved name on so)."""
    if isinstance(size_average, str) and reduce is None:
        return size_average
    for name, flag in (("size_average", size_average), ("reduce", reduce)):
        if isinstance(flag, Tensor):
            raise LossArgumentError(f"loss: got a Tensor of shape {flag.shape} for {name}; a loss module is built "
                                    "first and called after: nn.MSELoss()(input, target), not nn.MSELoss(input, "
                                    "target) (or call the function: F.mse_loss(input, target))")
    if size_average is None and reduce is None:
        if reduction is None:   # PyTorch's ValueError: 'none' (the string) keeps the per-element losses
            raise ValueError("None is not a valid value for reduction; pass reduction='none' (a string) for "
                             "per-element losses, or 'mean' or 'sum'")
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    name = "none" if not reduce else ("mean" if size_average else "sum")
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{name}' instead.",
                  UserWarning, stacklevel=3)
    return name
