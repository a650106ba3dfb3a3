"""Losses on pairs and triplets of embeddings or scores: margin ranking, cosine embedding, hinge embedding,
triplet margin with the p-norm or any distance (PyTorch's definitions, composed from differentiable ops)."""
import numpy as np

import autograd as ag
from autograd.ops.dims import check_tensor
from autograd import autocast_state as autocast
from autograd.errors import DtypeError, ShapeError

from .distance import pairwise_distance
from .loss import _check_reduction, _legacy_reduction, _reduce


def _same_shapes(op, names, tensors):
    for name, t in zip(names, tensors):
        check_tensor(op, t)
    shapes = [tuple(t.shape) for t in tensors]
    if len(set(shapes)) > 1:
        listed = ", ".join(f"{n} {s}" for n, s in zip(names, shapes))
        raise ShapeError(f"{op}: {listed} must have one shape (the sizes must match at every dimension); "
                         "reshape them to agree")


def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target * (input1 - input2) + margin): target 1 means input1 should rank higher, -1 lower
    (size_average / reduce: PyTorch's deprecated spellings of the reduction)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("margin_ranking_loss", margin_ranking_loss, input1, input2, target, margin,
                            reduction=reduction)
    _same_shapes("margin_ranking_loss", ("input1", "input2", "target"), (input1, input2, target))
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction, "margin_ranking_loss")


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1; rows of (N, D) inputs
    (or one (D,) pair with a 0-d target); size_average / reduce are PyTorch's deprecated reduction spellings."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("cosine_embedding_loss", cosine_embedding_loss, input1, input2, target, margin,
                            reduction=reduction)
    op = "cosine_embedding_loss"
    _same_shapes(op, ("input1", "input2"), (input1, input2))
    check_tensor(op, target)
    if input1.ndim not in (1, 2) or tuple(target.shape) != tuple(input1.shape[:-1]):
        raise ShapeError(f"{op}: inputs must be (N, D) with target (N,), or (D,) with a 0-d target; got inputs "
                         f"{tuple(input1.shape)} and target {tuple(target.shape)}")
    eps = 1e-12   # PyTorch's: added to each squared norm
    dot = (input1 * input2).sum(dim=-1)
    cos = dot / (((input1 * input1).sum(dim=-1) + eps) * ((input2 * input2).sum(dim=-1) + eps)).sqrt()
    zeros = ag.zeros_like(cos)
    loss = ag.where(target == 1, 1 - cos, zeros) + ag.where(target == -1, (cos - margin).clamp(min=0), zeros)
    return _reduce(loss, reduction, op)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) with d the p-norm distance (plus eps);
    `swap` uses d(positive, negative) instead when it is smaller (size_average / reduce: PyTorch's deprecated
    spellings of the reduction)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("triplet_margin_loss", triplet_margin_loss, anchor, positive, negative, margin, p, eps,
                            swap, reduction=reduction)
    op = "triplet_margin_loss"
    _same_shapes(op, ("anchor", "positive", "negative"), (anchor, positive, negative))
    if anchor.ndim not in (1, 2):
        raise ValueError(f"{op}: inputs must be (N, D) or (D,), got {tuple(anchor.shape)}")
    if margin <= 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = ag.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction, op)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """input where target is 1 and max(0, margin - input) where it is -1 (input is typically a distance
    between a pair); target broadcasts against input, and an entry that is neither 1 nor -1 gets both terms,
    as in PyTorch."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("hinge_embedding_loss", hinge_embedding_loss, input, target, margin, size_average, reduce,
                            reduction)
    op = "hinge_embedding_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(op, reduction)
    check_tensor(op, input)
    check_tensor(op, target, "target")
    try:
        np.broadcast_shapes(tuple(input.shape), tuple(target.shape))
    except ValueError:
        raise ShapeError(f"{op}: input shape {tuple(input.shape)} and target shape {tuple(target.shape)} do not "
                         "broadcast; give target the input's shape") from None
    if reduction == "mean" and input.dtype.kind in "biu":   # PyTorch's mean infers no dtype for integers
        raise DtypeError(f"{op}: the mean of {input.dtype} distances (shape {tuple(input.shape)}) has no dtype, as "
                         "in PyTorch; convert the input with input.float()")
    zeros = ag.zeros_like(input)
    loss = ag.where(target != 1, (margin - input).clamp(min=0), zeros) + ag.where(target != -1, input, zeros)
    return _reduce(loss, reduction, op)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) with d = distance_function (default
    pairwise_distance, the Euclidean distance of the last dim); `swap` uses d(positive, negative) instead
    when it is smaller."""
    op = "triplet_margin_with_distance_loss"
    for name, t in (("anchor", anchor), ("positive", positive), ("negative", negative)):
        check_tensor(op, t, name)
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise ValueError(f"{op}: anchor, positive and negative must have the same number of dims, got shapes "
                         f"{tuple(anchor.shape)}, {tuple(positive.shape)} and {tuple(negative.shape)}")
    if margin <= 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    _check_reduction(op, reduction)
    distance = pairwise_distance if distance_function is None else distance_function
    d_pos = distance(anchor, positive)
    d_neg = distance(anchor, negative)
    if swap:
        d_neg = ag.minimum(d_neg, distance(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction, op)
