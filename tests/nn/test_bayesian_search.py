"""nn.tuning.bayesian_search on Optuna: a 1-D quadratic, reproducibility, pruning, the results table."""
import sys

import numpy as np
import pytest

import nn
from nn import tuning

X = np.zeros((16, 1), np.float32)
Y = np.full((16, 1), 0.3, np.float32)


def _constant(c):
    """A model that outputs c whatever its input, never trained (lr 0): its validation MSE is (c - 0.3)^2."""
    model = nn.Linear(1, 1)
    model.load_state_dict({"weight": np.zeros((1, 1), np.float32), "bias": np.array([c], np.float32)})
    return model.compile(nn.optim.SGD(model.parameters(), lr=0.0), "mse")


def _search(n_trials=20, seed=0, **kwargs):
    scipy_stats = pytest.importorskip("scipy.stats")
    return tuning.bayesian_search(_constant, {"c": scipy_stats.uniform(-2.0, 4.0)}, n_trials=n_trials, x=X, y=Y,
                                  validation_data=(X, Y), batch_size=16, seed=seed, **kwargs)


def test_bayesian_search_finds_the_minimum_of_a_quadratic_and_repeats_with_a_seed():
    pytest.importorskip("optuna")
    result = _search(prune=False)
    assert len(result.trials) == 20 and [t["trial"] for t in result.trials] == list(range(20))
    assert abs(result.best_params["c"] - 0.3) < 0.1 and result.best_metric < 0.01
    assert result.best_metric == min(t["metric"] for t in result.trials)
    for t in result.trials:
        np.testing.assert_allclose(t["metric"], (t["params"]["c"] - 0.3) ** 2, rtol=1e-4, atol=1e-7)
        assert t["state"] == "complete" and t["epochs"] == 1 and t["time"] >= 0
    again = _search(prune=False)
    assert [t["params"] for t in again.trials] == [t["params"] for t in result.trials]
    assert [t["metric"] for t in again.trials] == [t["metric"] for t in result.trials]
    other = _search(prune=False, seed=1)
    assert [t["params"] for t in other.trials] != [t["params"] for t in result.trials]
    # the best model is rebuilt with the best trial's weights
    np.testing.assert_allclose(result.best_model.bias.numpy(), [result.best_params["c"]], rtol=1e-6)
    assert result.best_model.evaluate(X, Y)["loss"] == pytest.approx(result.best_metric, rel=1e-5)


def test_pruning_stops_trials_worse_than_the_median():
    pytest.importorskip("optuna")
    result = _search(n_trials=15, epochs=3)
    pruned = [t for t in result.trials if t["state"] == "pruned"]
    assert pruned, "no trial was pruned"
    for t in pruned:
        earlier = [u["metric"] for u in result.trials[:t["trial"]] if u["state"] == "complete"]
        assert len(earlier) >= 5 and t["epochs"] == 1       # stopped after the first epoch
        assert t["metric"] > np.median(earlier)
    assert all(t["epochs"] == 3 for t in result.trials if t["state"] == "complete")


@pytest.mark.parametrize("previous, stopped", [(1e-9, True), (1e9, False)])
def test_pruning_callback_stops_fit_when_the_pruner_says_so(previous, stopped):
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0))
    for _ in range(2):
        done = study.ask()
        for epoch in range(5):
            done.report(previous, epoch)
        study.tell(done, previous)
    trial = study.ask()
    callback = tuning.PruningCallback(trial, "val_loss")
    history = _constant(1.0).fit(X, Y, epochs=5, batch_size=16, validation_data=(X, Y), callbacks=[callback],
                                 verbose=0)
    assert callback.pruned is stopped
    assert len(history.history["val_loss"]) == (1 if stopped else 5)
    assert bool(trial.should_prune()) is stopped
    with pytest.raises(ValueError, match="monitor 'val_accuracy' is not in the epoch logs"):
        _constant(1.0).fit(X, Y, epochs=1, validation_data=(X, Y), verbose=0,
                           callbacks=[tuning.PruningCallback(study.ask(), "val_accuracy")])


def test_bayesian_search_results_table_and_space_kinds():
    pytest.importorskip("optuna")
    scipy_stats = pytest.importorskip("scipy.stats")
    seen = []

    def build(c, scale, units, shape):
        seen.append((c, scale, units, shape))
        assert isinstance(units, int) and 1 <= units <= 3 and shape in ((1,), (2, 2))
        return _constant(c * scale)

    space = {"c": [0.0, 0.25, 1.0], "scale": scipy_stats.loguniform(0.5, 2.0), "units": scipy_stats.randint(1, 4),
             "shape": [(1,), (2, 2)], "epochs": [1, 2]}
    result = tuning.bayesian_search(build, space, n_trials=6, x=X, y=Y, validation_split=0.25, seed=3, prune=False)
    assert len(seen) == 7   # six trials and the rebuilt best model
    assert all(0.5 <= t["params"]["scale"] <= 2.0 and t["epochs"] == t["params"]["epochs"] for t in result.trials)
    pd = pytest.importorskip("pandas")
    table = result.to_dataframe()
    assert isinstance(table, pd.DataFrame) and len(table) == 6
    assert list(table.columns) == ["trial", "c", "scale", "units", "shape", "epochs", "metric", "state", "time"]
    assert "best trial" in repr(result)


def test_bayesian_search_rejects_what_it_cannot_search():
    pytest.importorskip("optuna")
    with pytest.raises(ValueError, match=r"space\['c'\] is a function; Bayesian search needs to know the range"):
        tuning.bayesian_search(_constant, {"c": lambda rng: rng.random()}, x=X, y=Y, validation_data=(X, Y))
    with pytest.raises(ValueError, match=r"space\['c'\] is scipy.stats.norm"):
        tuning.bayesian_search(_constant, {"c": pytest.importorskip("scipy.stats").norm()}, x=X, y=Y,
                               validation_data=(X, Y))
    with pytest.raises(ValueError, match="needs validation_data"):
        tuning.bayesian_search(_constant, {"c": [0.0]}, x=X, y=Y)
    with pytest.raises(ValueError, match="monitor 'val_accuracy' is not in the epoch logs; available: loss, val_loss"):
        tuning.bayesian_search(_constant, {"c": [0.0]}, n_trials=1, x=X, y=Y, validation_data=(X, Y),
                               scoring="accuracy")


def test_bayesian_search_names_the_extra_when_optuna_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "optuna", None)
    with pytest.raises(ImportError, match=r"'tune' extra: from a checkout pip install -e \"\.\[tune\]\""):
        tuning.bayesian_search(_constant, {"c": [0.0]}, x=X, y=Y, validation_data=(X, Y))
