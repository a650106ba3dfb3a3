"""Integrated Gradients (Sundararajan, Taly and Yan, 2017): the gradient averaged along the straight
line from a baseline to the input, times the input's distance from the baseline."""
import numpy as np

import autograd as ag
from autograd import Tensor

from .paths import accumulate, along_batch, check_batch_size
from .scores import as_inputs, eval_mode, host, model_device, outputs_of, pick_targets, score_batch

METHODS = ("gausslegendre", "riemann_trapezoid")


def integrated_gradients(model, x, target=None, baseline=None, steps=50, method="gausslegendre", batch_size=256,
                         return_error=False):
    """Attribute each example's score of class `target` to its input values.

    attribution = (x - baseline) * integral over a in [0, 1] of d score / d x at baseline + a (x - baseline),
    the integral taken by `method` with `steps` points: 'gausslegendre' (Gauss-Legendre nodes, the
    default, accurate with few steps) or 'riemann_trapezoid' (evenly spaced, the trapezoid rule).
    `x` is a batch (N, ...) as an array or Tensor on any device; `target` an int, one int per example or
    None (each example's predicted class; a model with one output per example, shaped (N,), needs no
    target). `baseline` (None = zeros) is a number, one example's shape or x's shape. At most
    `batch_size` points go through the model at once. The model runs in eval mode.

    Returns a NumPy array of x's shape. Completeness: each example's attributions sum to
    score(x) - score(baseline) up to the integration error; with return_error=True the result is
    (attributions, error) where error (N,) is that sum minus score(x) - score(baseline).
    """
    who = "integrated_gradients"
    alphas, weights = path_points(steps, method, who)
    batch_size = check_batch_size(batch_size, who)
    inputs = as_inputs(x, model_device(model), who)
    base = baselines(baseline, inputs, who)
    diff = inputs - base
    ndim = inputs.ndim + 1

    def points(rows, js):
        return base[rows].unsqueeze(0) + along_batch(alphas[js], ndim, inputs) * diff[rows].unsqueeze(0)

    def weighted(grads, js):
        return (grads * along_batch(weights[js], ndim, inputs)).sum(0)

    with eval_mode(model):
        picked = pick_targets(outputs_of(model, inputs), target, who)
        mean_grads = accumulate(model, inputs, picked, len(alphas), points, weighted, batch_size, who)
        attributions = host(diff * mean_grads)
        if not return_error:
            return attributions
        change = score_batch(model, inputs, picked, who) - score_batch(model, base, picked, who)
    summed = attributions.astype(np.float64).reshape(len(attributions), -1).sum(axis=1)
    return attributions, summed - change


def path_points(steps, method, who="integrated_gradients"):
    """The positions a in [0, 1] along the path and their quadrature weights (summing to 1)."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise TypeError(f"{who}: steps must be an int, got {type(steps).__name__}")
    if method == "gausslegendre":
        if steps < 1:
            raise ValueError(f"{who}: steps must be >= 1, got {steps}")
        nodes, weights = np.polynomial.legendre.leggauss(int(steps))
        return (nodes + 1) / 2, weights / 2
    if method == "riemann_trapezoid":
        if steps < 2:
            raise ValueError(f"{who}: method 'riemann_trapezoid' needs steps >= 2, got {steps}")
        weights = np.full(steps, 1.0 / (steps - 1))
        weights[[0, -1]] /= 2
        return np.linspace(0.0, 1.0, steps), weights
    raise ValueError(f"{who}: method must be one of {', '.join(METHODS)}, got {method!r}")


def baselines(baseline, inputs, who):
    """The baseline of every example as a Tensor shaped and placed as `inputs`."""
    zeros = ag.zeros_like(inputs)
    if baseline is None:
        return zeros
    if isinstance(baseline, Tensor):
        base = baseline.detach().to(inputs.device).astype(inputs.dtype)
    else:
        base = ag.tensor(np.asarray(baseline, dtype=inputs.dtype), device=inputs.device)
    example = tuple(inputs.shape[1:])
    if tuple(base.shape) not in ((), example, tuple(inputs.shape)):
        raise ValueError(f"{who}: baseline shape {tuple(base.shape)} fits neither one example {example} nor the "
                         f"batch {tuple(inputs.shape)}; pass a number, one example or one baseline per example")
    return zeros + base
