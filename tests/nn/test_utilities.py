"""Ensemble, hyper-parameter search and saliency maps."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn import tuning
from nn.explain import saliency
from nn.utils import Ensemble


class Fixed(nn.Module):
    """A model that returns given outputs whatever the input."""

    def __init__(self, outputs):
        super().__init__()
        self.outputs = np.asarray(outputs, np.float32)

    def forward(self, x):
        return ag.tensor(self.outputs, device=x.device)


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_ensemble_average_probabilities_and_vote(device):
    outs = [[[2.0, 0.0, 1.0], [0.0, 3.0, 0.0]], [[0.0, 1.0, 0.5], [0.0, 2.0, 1.0]], [[3.0, 0.0, 0.0], [1.0, 0.0, 4.0]]]
    x = ag.zeros(2, 3, device=device)
    members = [Fixed(o) for o in outs]
    np.testing.assert_allclose(Ensemble(members)(x).numpy(), np.mean(outs, axis=0), rtol=1e-6)
    np.testing.assert_allclose(Ensemble(members, "probabilities")(x).numpy(),
                               np.mean([_softmax(np.array(o)) for o in outs], axis=0), rtol=1e-5)
    votes = Ensemble(members, "vote")(x).numpy()
    np.testing.assert_allclose(votes, [[2 / 3, 1 / 3, 0], [0, 2 / 3, 1 / 3]], rtol=1e-6)
    with pytest.raises(ValueError, match="unknown method 'median'; accepted: average, probabilities, vote"):
        Ensemble(members, "median")


def test_ensemble_is_a_module_that_trains_its_members():
    ag.manual_seed(0)
    members = [nn.Linear(3, 2) for _ in range(3)]
    ensemble = Ensemble(members, "average")
    assert len(list(ensemble.parameters())) == 6 and "models.2.weight" in ensemble.state_dict()
    x = np.random.default_rng(0).standard_normal((60, 3)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    ensemble.compile("adam", "cross_entropy", metrics=["accuracy"])
    before = ensemble.evaluate(x, y)["loss"]
    ensemble.fit(x, y, epochs=3, batch_size=10, verbose=0)
    assert ensemble.evaluate(x, y)["loss"] < before


def _regression_data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((120, 2)).astype(np.float32)
    return x, (x @ np.array([2.0, -1.0], np.float32)).reshape(-1, 1)


def _build(lr, hidden=4):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, hidden), nn.Linear(hidden, 1))
    return model.compile(nn.optim.SGD(model.parameters(), lr=lr), "mse", metrics=["mae"])


def test_grid_search_tries_every_setting_best_first():
    x, y = _regression_data()
    results = tuning.grid_search(_build, {"lr": [1e-4, 0.05], "hidden": [2, 4], "epochs": [1, 2]}, x, y,
                                 validation_split=0.25, batch_size=10)
    assert len(results) == 8
    scores = [r["score"] for r in results]
    assert scores == sorted(scores)
    assert results[0]["params"]["lr"] == 0.05 and results[0]["params"]["epochs"] == 2
    assert set(results[0]["metrics"]) == {"loss", "mae"} and len(results[0]["history"]["loss"]) == 2
    by_mae = tuning.grid_search(_build, {"lr": [1e-4, 0.05]}, x, y, validation_data=(x[:30], y[:30]),
                                scoring="mae")
    assert [r["params"]["lr"] for r in by_mae] == [0.05, 1e-4]
    with pytest.raises(ValueError, match="scoring 'accuracy' is not among the evaluation results"):
        tuning.grid_search(_build, {"lr": [0.01]}, x, y, validation_data=(x, y), scoring="accuracy")
    with pytest.raises(ValueError, match="needs validation_data"):
        tuning.grid_search(_build, {"lr": [0.01]}, x, y)


def test_random_search_is_seeded():
    x, y = _regression_data()
    space = {"lr": lambda rng: float(10 ** rng.uniform(-3, -1)), "hidden": [2, 3, 4]}
    a = tuning.random_search(_build, space, n_iter=3, x=x, y=y, validation_split=0.25, seed=4)
    b = tuning.random_search(_build, space, n_iter=3, x=x, y=y, validation_split=0.25, seed=4)
    assert [r["params"] for r in a] == [r["params"] for r in b] and len(a) == 3
    assert all(1e-3 <= r["params"]["lr"] <= 0.1 and r["params"]["hidden"] in (2, 3, 4) for r in a)


def test_saliency_of_a_linear_model_is_its_weights(device):
    ag.manual_seed(0)
    model = nn.Linear(5, 3).to(device)
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    w = model.weight.numpy()  # (out, in), as PyTorch
    maps = saliency(model, x, target=[0, 1, 2, 1])
    assert isinstance(maps, ag.Tensor) and maps.shape == x.shape
    np.testing.assert_allclose(maps.numpy(), np.abs(w[[0, 1, 2, 1]]), rtol=1e-6)
    predicted = (x @ w.T + model.bias.numpy()).argmax(1)
    np.testing.assert_allclose(saliency(model, x).numpy(), np.abs(w[predicted]), rtol=1e-6)
    assert model.weight.grad is None  # parameter gradients untouched
    with pytest.raises(ValueError, match="target 3 is outside classes 0-2"):
        saliency(model, x, target=3)
