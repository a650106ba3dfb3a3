"""Keras's warning for a softmax over an axis of size 1 (always 1: usually Dense(1, activation="softmax") where a
sigmoid was meant), shared by keras.ops.softmax and keras.activations.softmax."""
import warnings

from autograd import Tensor

from .context import in_shape_probe


def warn_if_size_one_axis(x, axis):
    """Warn as Keras does when `axis` (an int) names an axis of `x` of size 1. The shape reads as Keras's torch
    backend shows it: torch.Size([32, 1]) for a tensor, (4, 1) for an array, (None, 1) for a symbolic one. Not
    while a functional call runs its layers on stand-in values to find their output shapes (Keras, tracing
    those, warns for its stand-in batch sizes 83 and 89)."""
    shape = tuple(x.shape)
    if isinstance(axis, bool) or not isinstance(axis, int) or not -len(shape) <= axis < len(shape) or \
            shape[axis] != 1:
        return
    if in_shape_probe():   # the symbolic call warned already, for its KerasTensor
        return
    shown = f"torch.Size({list(shape)})" if isinstance(x, Tensor) else str(shape)
    warnings.warn(f"You are using a softmax over axis {axis} of a tensor of shape {shown}. This axis has size 1. "
                  "The softmax operation will always return the value 1, which is likely not what you intended. "
                  "Did you mean to use a sigmoid instead?", stacklevel=3)
