"""Bayesian hyper-parameter search on Optuna: a TPE sampler proposes each setting from the results so far,
and a pruner stops the training of settings whose validation metric falls behind the others'.

    space = {"lr": scipy.stats.loguniform(1e-4, 1e-1), "units": [64, 128, 256]}
    result = nn.tuning.bayesian_search(build, space, n_trials=30, x=x, y=y, validation_data=(x_val, y_val),
                                       epochs=5, scoring="accuracy", seed=0)
    result.best["params"], result.best_model, result.to_dataframe()
"""
import math
import time

import numpy as np

import autograd as ag

from ..callbacks.monitor import Monitor
from .pruning import PruningCallback
from .search import FIT_SETTINGS, validation_sets
from .space import check_space, suggest

WHO = "bayesian_search"


def _import_optuna():
    try:
        import optuna
    except ImportError as exc:
        raise ImportError("bayesian_search needs the optuna package, which is in the 'tune' extra: from a "
                          "checkout pip install -e \".[tune]\" (or pip install optuna)") from exc
    return optuna


class BayesianSearchResult:
    """What bayesian_search found.

    - `trials`: one dict per trial in the order run: 'trial' (its number), 'params', 'metric' (the
      final validation value; for a pruned trial the last one reported), 'state' ('complete' or
      'pruned'), 'epochs' (trained), 'time' (seconds).
    - `best`: the best complete trial's dict; `best_params`, `best_metric` its entries.
    - `best_model`: build_fn(**best params) holding the weights the best trial ended with (None when
      refit=False).
    - `study`: the Optuna study, for its own plots and analyses.
    """

    def __init__(self, trials, best, best_model, study):
        self.trials, self.best, self.best_model, self.study = trials, best, best_model, study

    @property
    def best_params(self):
        """The best trial's setting."""
        return self.best["params"]

    @property
    def best_metric(self):
        """The best trial's validation metric."""
        return self.best["metric"]

    def to_dataframe(self):
        """The trials as a pandas DataFrame, one row per trial and one column per parameter."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError("BayesianSearchResult.to_dataframe needs pandas (pip install pandas); the same "
                              "table is in .trials as a list of dicts") from exc
        rows = [{"trial": t["trial"], **t["params"], **{k: t[k] for k in ("metric", "state", "epochs", "time")}}
                for t in self.trials]
        return pd.DataFrame(rows)

    def __repr__(self):
        return (f"BayesianSearchResult({len(self.trials)} trials, best trial {self.best['trial']}: "
                f"{self.best['params']} -> {self.best['metric']:.4g})")


def bayesian_search(build_fn, space, n_trials=20, x=None, y=None, validation_data=None, validation_split=0.0,
                    epochs=1, batch_size=32, scoring="loss", mode="auto", seed=None, prune=True, pruner=None,
                    sampler=None, timeout=None, refit=True, verbose=0, **fit_kwargs):
    """Search `space` (name -> list of values or scipy.stats uniform/loguniform/randint, as for
    random_search; see nn.tuning.space) for the setting whose model scores best on the validation data.

    Each of `n_trials` trials takes a setting from Optuna's TPE sampler, builds `build_fn(**setting)` (a
    compiled model; 'epochs' and 'batch_size' in the space go to fit instead) and fits it on (x, y),
    scoring it on `validation_data` (or the `validation_split` taken from the end of x, y) after every
    epoch: its metric is the last epoch's 'val_' + `scoring` ('loss' or a compiled metric), better being
    lower or higher by `mode` ('auto': higher for accuracy-like names). With prune=True, Optuna's median
    rule stops a trial whose metric after an epoch is worse than the median of earlier trials' at that
    epoch (after 5 complete trials); `pruner` / `sampler` take any Optuna pruner / sampler instead.
    `seed` makes the search repeatable: it seeds the sampler, and for trial k the weights
    (ag.manual_seed) and fit's shuffling with seed + k. `timeout` (seconds) ends the search early.
    Needs the `tune` extra (optuna). Returns a BayesianSearchResult; with refit=True its best_model is
    rebuilt and given the best trial's trained weights.
    """
    optuna = _import_optuna()
    check_space(space, WHO)
    if isinstance(n_trials, bool) or not isinstance(n_trials, (int, np.integer)) or n_trials < 1:
        raise ValueError(f"{WHO}: n_trials must be a positive int, got {n_trials!r}")
    x, y, val_x, val_y = validation_sets(x, y, validation_data, validation_split, WHO)
    validation = val_x if val_y is None else (val_x, val_y)
    monitor = f"val_{scoring}"
    order = Monitor(WHO, scoring, mode)
    if sampler is None:
        sampler = optuna.samplers.TPESampler(seed=seed)
    if pruner is None:
        pruner = optuna.pruners.MedianPruner() if prune else optuna.pruners.NopPruner()
    extra_callbacks = list(fit_kwargs.pop("callbacks", None) or [])
    best = {"metric": None, "trial": None, "state": None}   # the best complete trial so far

    def objective(trial):
        params = {name: suggest(trial, name, spec, WHO) for name, spec in space.items()}
        model, run = _build(build_fn, params, epochs, batch_size, seed, trial.number)
        pruning = PruningCallback(trial, monitor)   # it also names a scoring metric the model does not log
        start = time.perf_counter()
        history = model.fit(x, y, validation_data=validation, callbacks=[pruning, *extra_callbacks], verbose=0,
                            **{**run, **fit_kwargs}).history
        metric = float(history[monitor][-1])
        trial.set_user_attr("params", params)
        trial.set_user_attr("epochs", len(history[monitor]))
        trial.set_user_attr("time", time.perf_counter() - start)
        if verbose:
            note = f" (pruned after epoch {pruning.pruned_epoch + 1})" if pruning.pruned else ""
            print(f"{WHO}: trial {trial.number} {params} -> {monitor} {metric:.4f}{note}")
        if pruning.pruned:
            raise optuna.TrialPruned()
        if not math.isnan(metric) and (best["metric"] is None or order.improves(metric, best["metric"])):
            best.update(metric=metric, trial=trial.number)
            if refit:
                best["state"] = {k: np.array(v.numpy()) for k, v in model.state_dict().items()}
        return metric

    level = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.INFO if verbose > 1 else optuna.logging.WARNING)
    try:
        study = optuna.create_study(direction="minimize" if order.mode == "min" else "maximize", sampler=sampler,
                                    pruner=pruner)
        study.optimize(objective, n_trials=int(n_trials), timeout=timeout)
    finally:
        optuna.logging.set_verbosity(level)
    trials = [_row(t, optuna) for t in study.trials if "params" in t.user_attrs]
    if best["trial"] is None:
        raise RuntimeError(f"{WHO}: no trial completed with a finite metric; run more trials or relax the pruner")
    winner = next(t for t in trials if t["trial"] == best["trial"])
    best_model = None
    if refit:
        best_model, _ = _build(build_fn, winner["params"], epochs, batch_size, seed, winner["trial"])
        best_model.load_state_dict(best["state"])
    return BayesianSearchResult(trials, winner, best_model, study)


def _build(build_fn, params, epochs, batch_size, seed, number):
    """The compiled model of one setting and its fit settings (seeded for trial `number` when seed is set)."""
    build_params = {k: v for k, v in params.items() if k not in FIT_SETTINGS}
    run = {"epochs": epochs, "batch_size": batch_size, **{k: params[k] for k in FIT_SETTINGS if k in params}}
    if seed is not None:
        ag.manual_seed(seed + number)
        run["seed"] = seed + number
    model = build_fn(**build_params)
    if getattr(model, "_compiled", None) is None:
        raise ValueError(f"{WHO}: build_fn({build_params}) returned {type(model).__name__} that is not compiled; "
                         "return model.compile(optimizer, loss, metrics=[...])")
    return model, run


def _row(trial, optuna):
    """One trial of the study as a results-table row."""
    if trial.state == optuna.trial.TrialState.COMPLETE:
        state, metric = "complete", trial.value
    else:
        state = "pruned" if trial.state == optuna.trial.TrialState.PRUNED else trial.state.name.lower()
        steps = trial.intermediate_values
        metric = steps[max(steps)] if steps else float("nan")
    return {"trial": trial.number, "params": trial.user_attrs["params"], "metric": metric, "state": state,
            "epochs": trial.user_attrs["epochs"], "time": trial.user_attrs["time"]}
