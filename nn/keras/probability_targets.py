"""The checks of Keras's torch backend for cross-entropies on probabilities: torch's binary_cross_entropy refuses
targets outside [0, 1] (noisy or smoothed labels above 1 among them) and NaN probabilities (which its clipping
keeps: a diverged model's sigmoid output)."""
import numpy as np

from autograd import Tensor
from autograd.errors import ArgumentRangeError


def check_unit_range_targets(target, who):
    """Raise Keras's RuntimeError (an ArgumentRangeError) when a concrete `target` holds a value outside [0, 1]
    (or NaN), naming `who` and the fix."""
    if not isinstance(target, Tensor) or not target.numel():
        return
    values = target.detach().numpy()
    inside = (values >= 0) & (values <= 1)
    if not bool(np.all(inside)):
        bad = values[~inside]
        raise ArgumentRangeError(
            f"{who}: all elements of target should be between 0 and 1 (with probabilities as output, Keras's torch "
            f"backend uses torch's binary_cross_entropy, which refuses them); got {bad.size} outside, e.g. "
            f"{float(bad.flat[0])!r}, in a target of shape {tuple(target.shape)}. Clip or rescale the targets into "
            "[0, 1], or pass logits with from_logits=True (binary_cross_entropy_with_logits takes any target)")


def check_probability_outputs(output, who):
    """Raise Keras's RuntimeError (an ArgumentRangeError) when a concrete `output` of probabilities holds NaN (the
    values outside [0, 1] are clipped before torch's check, NaN stays), naming `who` and the fix."""
    if not isinstance(output, Tensor) or not output.numel() or output.dtype.kind not in "fV":
        return
    nans = int(np.isnan(output.detach().numpy().astype(np.float32)).sum())
    if nans:
        raise ArgumentRangeError(
            f"{who}: all elements of input should be between 0 and 1, got {nans} NaN of the {output.numel()} "
            f"probabilities in y_pred of shape {tuple(output.shape)} (Keras's torch backend uses torch's "
            "binary_cross_entropy, which refuses them). The model's outputs diverged: lower the learning rate, "
            "clip gradients, or find the NaN with keras.callbacks.TerminateOnNaN")
