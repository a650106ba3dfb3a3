"""SHAP values (Lundberg and Lee, 2017) through the shap package's model-agnostic Kernel SHAP."""
import numpy as np

import autograd as ag

from .scores import as_inputs, eval_mode, host, model_device, outputs_of, pick_targets


def _import_shap():
    try:
        import shap
    except ImportError as exc:
        raise ImportError("shap_values needs the shap package, which is in the 'explain' extra: from a checkout "
                          "pip install -e \".[explain]\" (or pip install shap)") from exc
    return shap


def shap_values(model, x, background, target=None, nsamples="auto", max_background=100, seed=0, batch_size=1024,
                **kernel_kwargs):
    """The SHAP value of every input value of each example for class `target`: its share of
    score(x) - E[score(background)], estimated by shap.KernelExplainer over the flattened inputs.

    `background` (M, ...) holds examples of the same shape as x's that stand for "feature absent"; more
    than `max_background` of them are subsampled (seeded). `nsamples` is the number of model
    evaluations per example ('auto': 2 * features + 2048). `seed` makes the sampling repeatable;
    `kernel_kwargs` go to KernelExplainer.shap_values (deepgrad passes l1_reg=False unless told:
    every feature gets a value, where shap's default keeps ten). `x` and `target` as
    integrated_gradients. Returns a NumPy array of x's shape. Needs the `explain` extra (shap).
    """
    who = "shap_values"
    shap = _import_shap()
    device = model_device(model)
    inputs = as_inputs(x, device, who)
    reference = host(as_inputs(background, device, who))
    example = tuple(inputs.shape[1:])
    if reference.shape[1:] != example:
        raise ValueError(f"{who}: background examples are shaped {reference.shape[1:]}, x's {example}; they must match")
    rng = np.random.default_rng(seed)
    if len(reference) > max_background:
        reference = reference[np.sort(rng.choice(len(reference), max_background, replace=False))]

    with eval_mode(model):
        picked = pick_targets(outputs_of(model, inputs), target, who)

        def predict(flat):
            """The model's outputs for flattened inputs (K, features), in batches."""
            batch = flat.reshape((-1,) + example).astype(inputs.dtype)
            return np.concatenate([outputs_of(model, ag.tensor(batch[i:i + batch_size], device=inputs.device))
                                   for i in range(0, len(batch), batch_size)])

        explainer = shap.KernelExplainer(predict, reference.reshape(len(reference), -1))
        kernel_kwargs.setdefault("l1_reg", False)
        kernel_kwargs.setdefault("silent", True)
        state = np.random.get_state()   # Kernel SHAP samples coalitions from NumPy's global generator
        np.random.seed(int(rng.integers(2**31)))
        try:
            values = np.asarray(explainer.shap_values(host(inputs).reshape(len(inputs), -1), nsamples=nsamples,
                                                      **kernel_kwargs))
        finally:
            np.random.set_state(state)
    if values.ndim == 3:   # (N, features, outputs): keep each example's target class
        values = values[np.arange(len(values)), :, picked]
    return values.reshape(inputs.shape).astype(inputs.dtype)
