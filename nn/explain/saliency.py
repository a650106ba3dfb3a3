"""Gradient saliency maps: |d score / d input|."""
from .scores import as_inputs, eval_mode, model_device, outputs_of, pick_targets, score_gradients


def saliency(model, x, target=None):
    """|d score_target / d x| for every input value: how strongly each value of each example sways the
    score (output) of class `target` (an int for every example, one int per example, or None for each
    example's predicted class). `x` is a batch (N, ...) as an array or Tensor; the result is a Tensor of
    its shape on the model's device. The model runs in eval mode; parameter gradients are left untouched.
    """
    inputs = as_inputs(x, model_device(model), "saliency")
    with eval_mode(model):
        picked = pick_targets(outputs_of(model, inputs), target, "saliency")
        return score_gradients(model, inputs, picked, "saliency").abs()
