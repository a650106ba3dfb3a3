"""Hyper-parameter search: build, train and score a model for each setting, best first.

    def build(units, lr):
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, units), nn.ReLU(), nn.Linear(units, 10))
        return model.compile(nn.optim.Adam(model.parameters(), lr=lr), "sparse_categorical_crossentropy",
                             metrics=["accuracy"])

    results = nn.tuning.grid_search(build, {"units": [64, 128], "lr": [1e-3, 3e-3]}, x, y,
                                    validation_data=(x_val, y_val), epochs=3, scoring="accuracy")
    results[0]["params"]  # the best setting
"""
import itertools

import numpy as np

from ..callbacks.monitor import Monitor
from ..training.inputs import split_validation

FIT_SETTINGS = ("epochs", "batch_size")  # parameters given to fit rather than to build_fn


def grid_search(build_fn, param_grid, x, y=None, validation_data=None, validation_split=0.0, epochs=1,
                batch_size=32, scoring="loss", mode="auto", verbose=0, **fit_kwargs):
    """Try every combination of the values in `param_grid` (name -> list of values).

    `build_fn(**params)` must return a compiled model; "epochs" and "batch_size" in the grid go to fit
    instead. Each model is fitted on (x, y) and evaluated on `validation_data` (or the `validation_split`
    taken from the end of x, y); its score is the evaluation's `scoring` entry ("loss" or a compiled
    metric name), better being lower or higher by `mode` ('auto': higher for accuracy-like names).
    Returns a list of dicts {"params", "score", "metrics", "history"}, best first.
    """
    _check_grid(param_grid, "grid_search")
    names = list(param_grid)
    settings = [dict(zip(names, values)) for values in itertools.product(*(param_grid[n] for n in names))]
    return _search(build_fn, settings, x, y, validation_data, validation_split, epochs, batch_size, scoring,
                   mode, verbose, fit_kwargs, "grid_search")


def random_search(build_fn, param_distributions, n_iter=10, x=None, y=None, validation_data=None,
                  validation_split=0.0, epochs=1, batch_size=32, scoring="loss", mode="auto", seed=None,
                  verbose=0, **fit_kwargs):
    """Try `n_iter` settings drawn at random (repeatable with `seed`) from `param_distributions`: each name
    maps to a list (a value picked uniformly), a function `rng -> value` (given an np.random.Generator) or
    an object with `.rvs(random_state=rng)` (a scipy.stats distribution). Otherwise as `grid_search`."""
    if not isinstance(param_distributions, dict) or not param_distributions:
        raise ValueError("random_search: param_distributions must be a non-empty dict name -> list, function or "
                         "distribution")
    rng = np.random.default_rng(seed)
    settings = [{name: _draw(dist, name, rng) for name, dist in param_distributions.items()}
                for _ in range(int(n_iter))]
    return _search(build_fn, settings, x, y, validation_data, validation_split, epochs, batch_size, scoring,
                   mode, verbose, fit_kwargs, "random_search")


def _check_grid(grid, who):
    if not isinstance(grid, dict) or not grid:
        raise ValueError(f"{who}: param_grid must be a non-empty dict name -> list of values")
    for name, values in grid.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__") or len(list(values)) == 0:
            raise ValueError(f"{who}: param_grid[{name!r}] must be a non-empty list of values, got {values!r}")


def _draw(dist, name, rng):
    if hasattr(dist, "rvs"):
        return dist.rvs(random_state=rng)
    if callable(dist):
        return dist(rng)
    if isinstance(dist, (list, tuple)) and dist:
        return dist[int(rng.integers(len(dist)))]
    raise ValueError(f"random_search: param_distributions[{name!r}] must be a non-empty list, a function rng -> "
                     f"value or a distribution with .rvs, got {dist!r}")


def validation_sets(x, y, validation_data, validation_split, who):
    """(x, y, x_val, y_val): the training data and the data each setting is scored on (validation_data,
    or the validation_split taken from the end of x, y; x_val a loader and y_val None is fine)."""
    if x is None:
        raise ValueError(f"{who}: x (the training data) is missing")
    if validation_split:
        if validation_data is not None:
            raise ValueError(f"{who}: pass either validation_data or validation_split, not both")
        x, y, x_val, y_val = split_validation(x, y, validation_split, who)
        validation_data = (x_val, y_val)
    if validation_data is None:
        raise ValueError(f"{who}: needs validation_data (or validation_split) to score each setting on")
    if not isinstance(validation_data, (tuple, list)):
        return x, y, validation_data, None
    val_x, val_y = validation_data
    return x, y, val_x, val_y


def _search(build_fn, settings, x, y, validation_data, validation_split, epochs, batch_size, scoring, mode,
            verbose, fit_kwargs, who):
    x, y, val_x, val_y = validation_sets(x, y, validation_data, validation_split, who)
    order = Monitor(who, scoring, mode)
    results = []
    for params in settings:
        build_params = {k: v for k, v in params.items() if k not in FIT_SETTINGS}
        run = {"epochs": epochs, "batch_size": batch_size, **{k: params[k] for k in FIT_SETTINGS if k in params}}
        model = build_fn(**build_params)
        if getattr(model, "_compiled", None) is None:
            raise ValueError(f"{who}: build_fn({build_params}) returned {type(model).__name__} that is not compiled; "
                             "return model.compile(optimizer, loss, metrics=[...])")
        history = model.fit(x, y, verbose=0, **run, **fit_kwargs)
        metrics = model.evaluate(val_x, val_y, batch_size=run["batch_size"])
        if scoring not in metrics:
            raise ValueError(f"{who}: scoring {scoring!r} is not among the evaluation results "
                             f"({', '.join(metrics)}); compile the metric or score on 'loss'")
        results.append({"params": params, "score": metrics[scoring], "metrics": metrics,
                        "history": history.history})
        if verbose:
            print(f"{who}: {params} -> {scoring} {metrics[scoring]:.4f}")
    sign = 1.0 if order.mode == "min" else -1.0
    return sorted(results, key=lambda r: sign * r["score"] if r["score"] == r["score"] else float("inf"))
