"""SmoothGrad (Smilkov et al., 2017): the input gradient averaged over noisy copies of each example."""
import numpy as np

import autograd as ag

from .paths import accumulate, check_batch_size
from .scores import as_inputs, eval_mode, host, model_device, outputs_of, pick_targets


def smoothgrad(model, x, target=None, n_samples=50, noise_level=0.15, squared=False, seed=None, batch_size=256):
    """The mean of d score_target / d x over `n_samples` copies of each example with Gaussian noise added,
    its standard deviation `noise_level` times the example's value range (max - min), as the paper.

    squared=True averages the squared gradients instead (SmoothGrad-Squared: magnitudes only).
    `target`, `x` and `batch_size` (points per forward pass) as integrated_gradients; `seed` makes the
    noise repeatable. Returns a NumPy array of x's shape. The model runs in eval mode.
    """
    who = "smoothgrad"
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"{who}: n_samples must be a positive int, got {n_samples!r}")
    if not np.isfinite(noise_level) or noise_level < 0:
        raise ValueError(f"{who}: noise_level must be a finite number >= 0, got {noise_level!r}")
    batch_size = check_batch_size(batch_size, who)
    inputs = as_inputs(x, model_device(model), who)
    values = host(inputs).reshape(len(inputs), -1)
    sigma = noise_level * (values.max(axis=1) - values.min(axis=1))
    rng = np.random.default_rng(seed)
    example = tuple(inputs.shape[1:])

    def noisy(rows, js):
        m = rows.stop - rows.start
        noise = rng.standard_normal((len(js), m) + example) * sigma[rows].reshape((1, m) + (1,) * len(example))
        return inputs[rows].unsqueeze(0) + ag.tensor(noise.astype(inputs.dtype), device=inputs.device)

    def summed(grads, js):
        return (grads * grads if squared else grads).sum(0)

    with eval_mode(model):
        picked = pick_targets(outputs_of(model, inputs), target, who)
        total = accumulate(model, inputs, picked, n_samples, noisy, summed, batch_size, who)
    return host(total) / n_samples
