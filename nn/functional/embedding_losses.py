"""Losses on pairs and triplets of embeddings or scores: margin ranking, cosine embedding, triplet margin
(PyTorch's definitions, composed from differentiable ops)."""
import autograd as ag
from autograd.ops.dims import check_tensor

from .distance import pairwise_distance
from .loss import _reduce


def _same_shapes(op, names, tensors):
    for name, t in zip(names, tensors):
        check_tensor(op, t)
    shapes = [tuple(t.shape) for t in tensors]
    if len(set(shapes)) > 1:
        listed = ", ".join(f"{n} {s}" for n, s in zip(names, shapes))
        raise ValueError(f"{op}: {listed} must have one shape")


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """max(0, -target * (input1 - input2) + margin): target 1 means input1 should rank higher, -1 lower."""
    _same_shapes("margin_ranking_loss", ("input1", "input2", "target"), (input1, input2, target))
    return _reduce((-target * (input1 - input2) + margin).clamp(min=0), reduction, "margin_ranking_loss")


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1; rows of (N, D) inputs
    (or one (D,) pair with a 0-d target)."""
    op = "cosine_embedding_loss"
    _same_shapes(op, ("input1", "input2"), (input1, input2))
    check_tensor(op, target)
    if input1.ndim not in (1, 2) or tuple(target.shape) != tuple(input1.shape[:-1]):
        raise ValueError(f"{op}: inputs must be (N, D) with target (N,), or (D,) with a 0-d target; got inputs "
                         f"{tuple(input1.shape)} and target {tuple(target.shape)}")
    eps = 1e-12   # PyTorch's: added to each squared norm
    dot = (input1 * input2).sum(dim=-1)
    cos = dot / (((input1 * input1).sum(dim=-1) + eps) * ((input2 * input2).sum(dim=-1) + eps)).sqrt()
    zeros = ag.zeros_like(cos)
    loss = ag.where(target == 1, 1 - cos, zeros) + ag.where(target == -1, (cos - margin).clamp(min=0), zeros)
    return _reduce(loss, reduction, op)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) with d the p-norm distance (plus eps);
    `swap` uses d(positive, negative) instead when it is smaller."""
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
    return _reduce((margin + d_pos - d_neg).clamp(min=0), reduction, op)
