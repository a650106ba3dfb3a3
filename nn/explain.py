"""Explaining predictions: gradient saliency maps."""
import numpy as np

import autograd as ag
from autograd import Tensor

from .training.modes import restore_modes, saved_modes


def saliency(model, x, target=None):
    """|d score_target / d x| for every input value: how strongly each value of each example sways the
    score (output) of class `target` (an int for every example, one int per example, or None for each
    example's predicted class). `x` is a batch (N, ...) as an array or Tensor; the result is a Tensor of
    its shape on the model's device. The model runs in eval mode; parameter gradients are left untouched.
    """
    device = next((p.device for p in model.parameters()), None)
    data = x.detach() if isinstance(x, Tensor) else ag.tensor(np.asarray(x), device=device)
    if data.dtype.kind != "f":
        raise TypeError(f"saliency: inputs must be floating point to take gradients, got {data.dtype}; scale them "
                        "with .astype(np.float32) first")
    inputs = ag.tensor(data, device=device if device is not None else data.device).requires_grad_()
    modes = saved_modes(model)
    model.eval()
    try:
        with ag.enable_grad():
            scores = model(inputs)
            if scores.ndim != 2:
                raise ValueError(f"saliency: needs class scores shaped (N, num_classes), the model returned "
                                 f"{scores.shape}")
            n, classes = scores.shape
            if target is None:
                picked = scores.numpy().argmax(axis=1)
            else:
                picked = np.broadcast_to(np.asarray(target, dtype=np.int64), (n,))
                if picked.min() < 0 or picked.max() >= classes:
                    raise ValueError(f"saliency: target {target!r} is outside classes 0-{classes - 1}")
            mask = ag.tensor(np.eye(classes, dtype=scores.dtype)[picked], device=scores.device)
            (grad,) = ag.grad((scores * mask).sum(), [inputs])
    finally:
        restore_modes(modes)
    return grad.abs()
