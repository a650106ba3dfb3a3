"""PyTorch's soft-margin, multi-class margin and likelihood losses (soft_margin_loss,
multilabel_soft_margin_loss, multi_margin_loss, multilabel_margin_loss, poisson_nll_loss, gaussian_nll_loss),
composed from differentiable ops."""
import math
import numbers

import numpy as np

import autograd as ag
from autograd import arrays, complex_forms
from autograd.ops.activation import Softplus
from autograd.function import named
from autograd.node_names import shown_double_backward
from autograd.ops.dims import check_tensor
from autograd import autocast_state as autocast
from autograd.errors import DtypeError, IndexRangeError, ShapeError, UnsupportedDtypeError

from .activation import logsigmoid
from .loss import _check_reduction, _legacy_reduction, _reduce
from .loss_graphs import refuse_weight_grad


def _broadcastable(op, input, target):
    """`target` as a Tensor of input's dtype and device, checked to broadcast with input (as torch allows)."""
    check_tensor(op, input)
    check_tensor(op, target, "target")
    try:
        np.broadcast_shapes(tuple(input.shape), tuple(target.shape))
    except (ValueError, RuntimeError):
        raise ShapeError(f"{op}: input shape {tuple(input.shape)} and target shape {tuple(target.shape)} do not "
                         "broadcast; give target the input's shape") from None
    return target


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)) per element, targets in {-1, 1} (two-class logistic loss)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("soft_margin_loss", soft_margin_loss, input, target, size_average, reduce, reduction)
    op = "soft_margin_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(op, reduction)
    if isinstance(input, ag.Tensor) and input.dtype.kind in "biu":   # PyTorch writes the loss in the input's dtype
        raise DtypeError(f"{op}: the loss of {input.dtype} scores (shape {tuple(input.shape)}) is a float, which "
                         "cannot be written to their dtype, as in PyTorch; convert the input with input.float()")
    target = _broadcastable(op, input, target)
    refuse_weight_grad(op, "target", target)   # PyTorch's kernel has no gradient for the target
    if complex_forms.active and (input.dtype.kind == "c" or target.dtype.kind == "c"):
        return _reduce(ag.log1p(ag.exp(-target * input)), reduction, op)   # complex: PyTorch's formula as it stands
    # the product is the input's one path: its create_graph gradient shows as PyTorch's soft_margin_loss_backward
    margin = shown_double_backward(-target * input, (None, "SoftMarginLossBackwardBackward0"))
    return named(_reduce(Softplus.apply(margin), reduction, op), "SoftMarginLossBackward0")


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Per-class binary logistic loss of `input` scores against 0/1 `target`, averaged over the classes (the
    last dim); `weight` scales each class's term."""
    op = "multilabel_soft_margin_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(op, reduction)
    check_tensor(op, input)
    check_tensor(op, target, "target")
    if complex_forms.active:
        complex_forms.refuse(op, input, target)
    if input.ndim == 0:
        raise ValueError(f"{op}: input must have a class dim, got a 0-d tensor; use soft_margin_loss")
    if tuple(target.shape) != tuple(input.shape):
        raise ShapeError(f"{op}: input shape {tuple(input.shape)} and target shape {tuple(target.shape)} differ; "
                         "target must hold one 0/1 entry per input score")
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        check_tensor(op, weight, "weight")
        loss = loss * weight
    n_classes = input.shape[-1]
    return _reduce(loss.sum(dim=-1) / n_classes, reduction, op)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """Multi-class hinge loss: sum over classes i != y of max(0, margin - x[y] + x[i]) ** p, divided by the
    number of classes, for (N, C) scores with (N,) class indices (or (C,) with a 0-d index); `weight[y]`
    scales a sample's terms. p is 1 or 2."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("multi_margin_loss", multi_margin_loss, input, target, p, margin, weight, size_average,
                            reduce, reduction)
    op = "multi_margin_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(op, reduction)
    if p not in (1, 2):
        raise ValueError(f"{op}: only p == 1 and p == 2 are supported, got p={p!r}")
    check_tensor(op, input)
    check_tensor(op, target, "target")
    if input.ndim not in (1, 2) or target.ndim != input.ndim - 1 or tuple(target.shape) != tuple(input.shape[:-1]):
        raise ShapeError(f"{op}: input must be (N, C) with target (N,), or (C,) with a 0-d target; got input "
                         f"{tuple(input.shape)} and target {tuple(target.shape)}")
    if input.dtype.kind in "biu":   # PyTorch has no kernel for them ("not implemented for 'Long'")
        raise UnsupportedDtypeError(f"{op}: input must hold float scores, got {input.dtype} (shape "
                                    f"{tuple(input.shape)}); convert it with input.float()")
    if target.dtype.kind not in "iu":
        raise DtypeError(f"{op}: target must hold integer class indices, got dtype {target.dtype}; "
                        "use target.long()")
    n_classes = input.shape[-1]
    classes = arrays.array(target)   # checked on the raw array: a jit capture checks it once, without a host read
    if classes.size and not bool(((classes >= 0) & (classes < n_classes)).all()):
        raise IndexRangeError(f"{op}: target out of range: class indices must be in [0, {n_classes})")
    if weight is not None:
        check_tensor(op, weight, "weight")
        if weight.ndim != 1:
            raise ShapeError(f"{op}: weight must be one-dimensional, got shape {tuple(weight.shape)}")
        if weight.shape[0] != n_classes:
            raise ShapeError(f"{op}: weight must hold one value per class, shape ({n_classes},) for input "
                             f"{tuple(input.shape)}, got shape {tuple(weight.shape)}")
    rows = input.reshape(-1, n_classes)
    index = target.reshape(-1, 1)
    scored = ag.gather(rows, 1, index)
    hinge = ag.relu(margin - scored + rows)
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        hinge = hinge * weight[index.reshape(-1)].reshape(-1, 1)
    others = ag.ones_like(rows) - ag.one_hot(index.reshape(-1), n_classes).to(rows.dtype)
    loss = (hinge * others).sum(dim=1) / n_classes
    return named(_reduce(loss.reshape(tuple(target.shape)), reduction, op), "MultiMarginLossBackward0")


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Multi-label hinge loss: for (N, C) scores (or (C,), or 0-d) and a target of the same shape listing each
    sample's classes up to its first -1, the sum of max(0, 1 - (x[j] - x[i])) over listed classes j and
    unlisted classes i, divided by C."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("multilabel_margin_loss", multilabel_margin_loss, input, target, size_average, reduce,
                            reduction)
    op = "multilabel_margin_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(op, reduction)
    check_tensor(op, input)
    check_tensor(op, target, "target")
    if input.dtype.kind in "biu":   # PyTorch has no kernel for them ("not implemented for 'Long'")
        raise UnsupportedDtypeError(f"{op}: input must hold float scores, got {input.dtype} (shape "
                                    f"{tuple(input.shape)}); convert it with input.float()")
    if input.ndim > 2 or tuple(target.shape) != tuple(input.shape):
        raise ShapeError(f"{op}: input must be (N, C), (C,) or 0-d with a target of its shape, got input "
                         f"{tuple(input.shape)} and target {tuple(target.shape)}")
    if target.dtype.kind not in "iu":
        raise DtypeError(f"{op}: target must hold integer class indices, got dtype {target.dtype}; "
                        "use target.long()")
    n_classes = input.shape[-1] if input.ndim else 1
    rows = input.reshape(-1, n_classes)
    classes = target.reshape(rows.shape)
    raw = arrays.array(classes)   # checked on the raw array: a jit capture checks it once, without a host read
    if raw.size and not bool(((raw >= -1) & (raw < n_classes)).all()):
        raise IndexError(f"{op}: target out of range: entries must be class indices in [0, {n_classes}) or -1 "
                         "(the end of a sample's list)")
    listed = ag.cumsum((classes < 0).long(), 1) == 0                      # (N, C): before the first -1
    picks = ag.where(listed, classes, 0)
    is_target = (ag.one_hot(picks, n_classes) * listed.long().unsqueeze(-1)).sum(dim=1) > 0   # (N, C)
    scored = ag.gather(rows, 1, picks)                                    # x[y_j], (N, C)
    hinge = ag.relu(1 - scored.unsqueeze(-1) + rows.unsqueeze(1))         # (N, j, i)
    pairs = listed.unsqueeze(-1) & ~is_target.unsqueeze(1)
    loss = ag.where(pairs, hinge, 0.0).sum(dim=(1, 2)) / n_classes
    return named(_reduce(loss.reshape(tuple(input.shape[:-1])), reduction, op), "MultilabelMarginLossBackward0")


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """Negative log-likelihood of `target` counts under a Poisson with rate exp(input) (log_input) or input
    (then log(input + eps)); `full` adds Stirling's approximation of log(target!) where target > 1."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("poisson_nll_loss", poisson_nll_loss, input, target, log_input, full, size_average, eps,
                            reduce, reduction)
    op = "poisson_nll_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(op, reduction)
    target = _broadcastable(op, input, target)
    if log_input:
        loss = ag.exp(input) - target * input
    else:
        loss = input - target * ag.log(input + eps)
    if full:
        safe = ag.where(target > 1, target, ag.ones_like(target) * 2)   # keeps log finite where masked out
        stirling = safe * ag.log(safe) - safe + 0.5 * ag.log(2 * math.pi * safe)
        loss = loss + ag.where(target > 1, stirling, ag.zeros_like(stirling))
    return _reduce(loss, reduction, op)


def _variance_like(op, var, input):
    """`var` shaped to broadcast against `input` by torch's rules: input's shape, input's shape without its
    last dim (a variance per row), or input's shape with exactly one dim of size 1."""
    if isinstance(var, numbers.Real) and not isinstance(var, bool):
        if var < 0:
            raise ValueError(f"{op}: var has negative entry/entries ({var})")
        return ag.ones_like(input) * float(var)
    check_tensor(op, var, "var")
    if bool((arrays.array(var) < 0).any()):   # the raw array: a check that does not stop a jit capture
        raise ValueError(f"{op}: var has negative entry/entries; variances must be >= 0")
    in_shape, var_shape = tuple(input.shape), tuple(var.shape)
    if var_shape == in_shape:
        return var
    if in_shape[:-1] == var_shape:
        return var.unsqueeze(-1)
    if len(in_shape) == len(var_shape) and sum(v for i, v in zip(in_shape, var_shape) if i != v) == 1:
        return var
    raise ValueError(f"{op}: var shape {var_shape} does not fit input shape {in_shape}: give var the input's "
                     f"shape, the input's shape without its last dim {in_shape[:-1]}, or the input's shape with "
                     "one dim of size 1")


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """0.5 * (log(var) + (input - target) ** 2 / var) (plus 0.5 * log(2 pi) when `full`): the negative
    log-likelihood of target under a Gaussian of mean input and variance var (clamped below at eps, the
    clamp passing gradients through unchanged as in torch)."""
    op = "gaussian_nll_loss"
    if complex_forms.active:   # complex input and target pass (PyTorch's formula holds); a complex var does not,
        complex_forms.refuse(op, var if hasattr(var, "dtype") else input)   # nor a number var made input's dtype
    target = _broadcastable(op, input, target)
    var = _variance_like(op, var, input)
    _check_reduction(op, reduction)
    var = var + (var.detach().clamp(min=eps) - var.detach())
    loss = 0.5 * (ag.log(var) + (input - target) ** 2 / var)   # PyTorch's terms, so its create_graph nodes
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction, op)
