"""ctc_loss: the connectionist temporal classification loss, with PyTorch's argument checks and reductions
around the one-node CtcLoss op of autograd/ops/ctc.py."""
import numbers

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.ops.ctc import CtcLoss
from autograd.ops.dims import check_tensor

from .loss import _check_reduction
from autograd import autocast_state as autocast
from autograd.errors import ArgumentRangeError, DtypeError, ShapeError, UnsupportedDtypeError

_OP = "ctc_loss"


def _lengths(name, value, batch, batched):
    """`value` (an int tensor of N entries, a tuple or list of ints, or for an unbatched input one int or a
    0-d tensor) as a host int64 array of length `batch`."""
    if isinstance(value, Tensor):
        if value.dtype.kind not in "iu":
            raise DtypeError(f"{_OP}: {name} must be an integer tensor, got {value.dtype}; pass the lengths as "
                            f"int64 (e.g. {name}.long())")
        found = np.asarray(value.numpy(), dtype=np.int64).reshape(-1)
    elif isinstance(value, (tuple, list)):
        if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
            raise TypeError(f"{_OP}: {name} must hold ints, got {value!r}")
        found = np.asarray(value, dtype=np.int64).reshape(-1)
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool) and not batched:
        found = np.asarray([value], dtype=np.int64)
    else:
        kinds = "a tensor, tuple or list of ints" + ("" if batched else ", or an int")
        raise TypeError(f"{_OP}: {name} must be {kinds} (one length per batch entry), got "
                        f"{type(value).__name__}")
    if found.size != batch:
        raise ShapeError(f"{_OP}: {name} must hold one length per batch entry ({batch}), got {found.size}")
    if found.size and found.min() < 0:
        raise ArgumentRangeError(f"{_OP}: {name} must be >= 0, got {int(found.min())}")
    return found


def _targets(targets, target_lengths, batch, batched):
    """Check the targets' shape against the lengths; return them as a tensor (1-D concatenated or (N, S))."""
    if not isinstance(targets, Tensor):
        raise TypeError(f"{_OP}: targets must be a tensor of class indices, padded (N, S) or concatenated (sum "
                        f"of target_lengths,), got {type(targets).__name__}; wrap it with ag.tensor(...)")
    if targets.ndim not in (1, 2):
        raise ValueError(f"{_OP}: targets must be padded (N, S) or concatenated 1-D, got shape "
                         f"{tuple(targets.shape)}")
    if targets.dtype.kind not in "iub":
        targets = targets.astype(np.int64)   # PyTorch casts float targets to int64 too
    if targets.ndim == 1:
        total = int(target_lengths.sum())
        if targets.shape[0] != total:
            layout = ("concatenated, 1-D, their length must be the sum of target_lengths" if batched
                      else "1-D for an unbatched input, their length must equal target_lengths")
            raise ValueError(f"{_OP}: targets {tuple(targets.shape)} are {layout} ({total}); pad them to (N, S) "
                             "to pass longer rows")
        return targets
    longest = int(target_lengths.max())
    if targets.shape[0] != batch or targets.shape[1] < longest:
        raise ShapeError(f"{_OP}: padded targets must be (N, S) with N = {batch} rows of at least the longest "
                         f"target length ({longest}), got shape {tuple(targets.shape)}")
    return targets


@autocast.guarded("ctc_loss")
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """The CTC loss of log_probs (T, N, C) (log-softmax over C; unbatched (T, C)) against class-index targets,
    padded (N, S) or concatenated 1-D, as PyTorch's: -log p(target | input) per sample; 'mean' divides each by
    its target length (at least 1) and averages over the batch, 'sum' adds them, 'none' gives (N,) (a 0-d
    tensor unbatched). Lengths are tensors, tuples or lists of ints. Labels are class indices other than
    `blank`. A target that no alignment fits in its input gives inf (zero_infinity=True: 0, with a zero
    gradient).

    The gradient with respect to log_probs is PyTorch's: exp(log_probs) - the posterior of each class at each
    frame, the loss's gradient through the log_softmax that made log_probs (which it takes as normalised)."""
    check_tensor(_OP, log_probs, "log_probs")
    _check_reduction(_OP, reduction)
    if log_probs.ndim not in (2, 3):
        raise ValueError(f"{_OP}: log_probs must be (T, N, C), or (T, C) unbatched, got shape "
                         f"{tuple(log_probs.shape)}")
    if log_probs.dtype not in (ag.float32, ag.float64):
        raise UnsupportedDtypeError(f"{_OP}: log_probs must be float32 or float64, got {log_probs.dtype}; convert with "
                        ".float() or .double()")
    batched = log_probs.ndim == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    frames, batch, classes = lp.shape
    if lp.numel() == 0:
        raise ValueError(f"{_OP}: log_probs must not be empty, got shape {tuple(log_probs.shape)} (PyTorch "
                         "refuses empty inputs and batches too)")
    if isinstance(blank, bool) or not isinstance(blank, numbers.Integral) or not 0 <= blank < classes:
        raise ShapeError(f"{_OP}: blank must be a class index in [0, {classes}) for log_probs with C = {classes} "
                         f"classes, got {blank!r}")
    input_lengths = _lengths("input_lengths", input_lengths, batch, batched)
    target_lengths = _lengths("target_lengths", target_lengths, batch, batched)
    if input_lengths.max() > frames:
        raise ShapeError(f"{_OP}: input_lengths must be at most T = {frames} (log_probs "
                         f"{tuple(log_probs.shape)}), got {int(input_lengths.max())}")
    targets = _targets(targets, target_lengths, batch, batched).to(lp.device)
    loss = CtcLoss.apply(lp, targets, input_lengths, target_lengths, int(blank), bool(zero_infinity))
    if zero_infinity:   # a node of its own after CtcLoss, as PyTorch's WhereBackward0
        loss = ag.where(loss == float("inf"), ag.zeros((), dtype=loss.dtype, device=loss.device), loss)
    if reduction == "mean":
        per_label = ag.tensor(np.maximum(target_lengths, 1).astype(lp.dtype), device=lp.device)
        return (loss / per_label).mean()
    if reduction == "sum":
        return loss.sum()
    return loss if batched else loss.squeeze(0)
