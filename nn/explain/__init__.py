"""Explaining predictions: which input values sway a model's score for a class.

    ig, error = nn.explain.integrated_gradients(model, x, target=labels, return_error=True)
    cam = nn.explain.grad_cam(model, x, target=labels, layer=model[3], upsample=True)
    nn.explain.overlay(x[0], ig[0])

Every method takes a batch (N, ...) on any device, explains the score of class `target` (an int, one
per example, or None for the predicted class) with the model in eval mode, and returns NumPy arrays
(saliency, the oldest, a Tensor). shap_values needs the `explain` extra (shap), overlay matplotlib.
"""
from .grad_cam import grad_cam
from .integrated_gradients import integrated_gradients
from .plot import overlay
from .saliency import saliency
from .shap_values import shap_values
from .smoothgrad import smoothgrad

__all__ = ["saliency", "integrated_gradients", "smoothgrad", "grad_cam", "shap_values", "overlay"]
