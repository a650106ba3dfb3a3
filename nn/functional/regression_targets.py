"""PyTorch's target and weight rules for the regression losses (mse_loss, l1_loss, smooth_l1_loss, huber_loss): a
target of another shape is broadcast against the input, with PyTorch's warning, and an optional elementwise
weight scales the loss."""
import warnings

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.errors import ShapeError


def broadcast_target(op, input, target):
    """`target` as a Tensor that broadcasts with `input`. Warns, as PyTorch does, when the shapes differ (the loss
    is then taken over the broadcast shape, which is rarely what was meant: an (N, 1) prediction against an (N,)
    target gives N * N terms); shapes that do not broadcast raise a ValueError naming both."""
    target = target if isinstance(target, Tensor) else ag.tensor(target, device=input.device, dtype=input.dtype)
    if target.shape != input.shape:
        try:
            np.broadcast_shapes(input.shape, target.shape)
        except ValueError:
            raise ShapeError(f"{op}: input shape {tuple(input.shape)} and target shape {tuple(target.shape)} differ "
                             "and do not "
                             "broadcast together; they should be the same") from None
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
                      "This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", UserWarning, stacklevel=3)
    return target


def weighted(op, loss, weight, input, reduction, mean_by_weight=True):
    """The elementwise `loss` times `weight` (a Tensor of input's shape), reduced as PyTorch's weighted regression
    losses: 'mean' divides by the sum of the weights (huber_loss, mean_by_weight=False: by the element count)."""
    if getattr(weight, "shape", None) != input.shape:
        raise ValueError(f"{op}: weights and input must have the same size; got weight "
                         f"{getattr(weight, 'shape', type(weight).__name__)} and input {input.shape}")
    scaled = loss * weight
    if reduction == "none":
        return scaled
    if reduction == "sum":
        return scaled.sum()
    if reduction == "mean":
        return scaled.sum() / weight.sum() if mean_by_weight else scaled.mean()
    raise ValueError(f"{op}: reduction must be one of ('mean', 'sum', 'none'), got {reduction!r}")
