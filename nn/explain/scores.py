"""What every attribution method shares: the model's device, its inputs as float Tensors there, the
class score each example is explained for, and the gradient of those scores with respect to the inputs."""
import contextlib

import numpy as np

import autograd as ag
from autograd import Tensor

from ..training.modes import restore_modes, saved_modes


def model_device(model):
    """The device of the model's first parameter (or buffer); None for a model without either."""
    for tensor in model.parameters():
        return tensor.device
    for tensor in model.buffers():
        return tensor.device
    return None


def as_inputs(x, device, who):
    """`x` (array or Tensor, a batch (N, ...)) as a detached floating-point Tensor on `device`."""
    data = x.detach() if isinstance(x, Tensor) else ag.tensor(np.asarray(x))
    if data.dtype.kind != "f":
        raise TypeError(f"{who}: inputs must be floating point to take gradients, got {data.dtype}; scale them "
                        "with .astype(np.float32) first")
    if data.ndim < 1 or data.shape[0] == 0:
        raise ValueError(f"{who}: x must be a non-empty batch shaped (N, ...), got shape {tuple(data.shape)}")
    return data.to(device) if device is not None else data


def host(t):
    """A Tensor's values as a NumPy array (a copy when it lives on a GPU)."""
    return np.asarray(t.numpy())


@contextlib.contextmanager
def eval_mode(model):
    """Run the block with the model in eval mode, then put every sub-module's mode back."""
    modes = saved_modes(model)
    model.eval()
    try:
        yield
    finally:
        restore_modes(modes)


def pick_targets(scores, target, who):
    """The class explained for each example: an int64 array (N,) for scores shaped (N, classes) (`target`
    an int, one int per example, or None for each example's predicted class), or None for scores
    shaped (N,) (a single output per example, explained as it is)."""
    scores = np.asarray(scores)
    if scores.ndim == 1:
        if target not in (None, 0):
            raise ValueError(f"{who}: the model returns one score per example (shape {scores.shape}); pass "
                             f"target=None, got {target!r}")
        return None
    if scores.ndim != 2:
        raise ValueError(f"{who}: needs class scores shaped (N, num_classes) or (N,), the model returned "
                         f"{scores.shape}")
    n, classes = scores.shape
    if target is None:
        return scores.argmax(axis=1).astype(np.int64)
    picked = np.asarray(target, dtype=np.int64)
    if picked.ndim > 1 or (picked.ndim == 1 and picked.shape[0] != n):
        raise ValueError(f"{who}: target must be an int or one int per example ({n}), got shape {picked.shape}")
    picked = np.broadcast_to(picked, (n,))
    if picked.min() < 0 or picked.max() >= classes:
        raise ValueError(f"{who}: target {target!r} is outside classes 0-{classes - 1}")
    return picked


def selected(outputs, picked, who):
    """The score of class picked[n] for each example n of `outputs` (a Tensor (N,) kept as it is when
    picked is None)."""
    if picked is None:
        if outputs.ndim != 1:
            raise ValueError(f"{who}: the model returned {tuple(outputs.shape)} here but one score per example "
                             "before")
        return outputs
    mask = np.zeros(tuple(outputs.shape), dtype=outputs.dtype)
    mask[np.arange(len(picked)), picked] = 1
    return (outputs * ag.tensor(mask, device=outputs.device)).sum(1)


def outputs_of(model, inputs):
    """The model's outputs for a batch as a NumPy array, without a graph."""
    with ag.no_grad():
        return host(model(inputs))


def score_batch(model, inputs, picked, who):
    """The selected scores of a batch as a NumPy array (N,), without a graph."""
    with ag.no_grad():
        return host(selected(model(inputs), picked, who)).astype(np.float64)


def score_gradients(model, inputs, picked, who):
    """d score_n / d inputs_n for every example n of a batch (a Tensor shaped as `inputs`, on its device)."""
    leaf = inputs.detach().requires_grad_()
    with ag.enable_grad():
        scores = selected(model(leaf), picked, who)
        (grad,) = ag.grad(scores.sum(), [leaf])
    return grad
