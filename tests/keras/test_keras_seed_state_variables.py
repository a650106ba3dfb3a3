"""A SeedGenerator's state is one of its layer's variables, as in Keras 3: `variables` and
`non_trainable_variables` list it (after the layer's own weights), while `weights`, `get_weights`, `count_params`,
the summary's totals and saved weight files leave it out. Each check compares with real Keras (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def _paths(variables):
    return [v.path for v in variables]


def _lists(model):
    return {
        "variables": _paths(model.variables),
        "non_trainable_variables": _paths(model.non_trainable_variables),
        "trainable_variables": _paths(model.trainable_variables),
        "weights": _paths(model.weights),
        "non_trainable_weights": _paths(model.non_trainable_weights),
        "get_weights": [w.shape for w in model.get_weights()],
        "count_params": model.count_params(),
    }


def _sequential(K):
    return K.Sequential([K.Input((4,)), K.layers.Dropout(0.5, seed=1), K.layers.Dense(3),
                         K.layers.GaussianNoise(0.1, seed=2)])


def _functional(K):
    inputs = K.Input((8, 8, 3))
    x = K.layers.RandomFlip(seed=1)(inputs)
    x = K.layers.RandomRotation(0.1, seed=2)(x)
    return K.Model(inputs, K.layers.Conv2D(2, 3)(x))


def test_sequential_with_dropout_lists_seed_state_as_keras():
    K, ours = fresh_sessions()
    theirs, mine = _lists(_sequential(K)), _lists(_sequential(ours))
    assert mine == theirs
    assert "seed_generator/seed_generator_state" in mine["non_trainable_variables"]


def test_functional_augmentation_model_lists_seed_states_as_keras():
    K, ours = fresh_sessions()
    assert _lists(_functional(ours)) == _lists(_functional(K))


def test_frozen_model_non_trainable_variables_as_keras():
    K, ours = fresh_sessions()
    seen = []
    for lib in (K, ours):
        model = _sequential(lib)
        model.trainable = False
        seen.append((_paths(model.non_trainable_variables), _paths(model.non_trainable_weights)))
    assert seen[1] == seen[0]


def test_layers_with_seed_generators_as_keras():
    K, ours = fresh_sessions()

    def names(lib):
        layers = [lib.layers.Dropout(0.3), lib.layers.Dropout(0.0), lib.layers.GaussianDropout(0.1),
                  lib.layers.AlphaDropout(0.1), lib.layers.SpatialDropout1D(0.1), lib.layers.RandomZoom(0.1),
                  lib.layers.RandomContrast(0.1), lib.layers.RandomCrop(3, 3)]
        out = [[v.name for v in layer.variables] + [len(layer.non_trainable_variables), len(layer.weights)]
               for layer in layers]
        lstm = lib.layers.LSTM(2, dropout=0.2, seed=3)
        lstm.build((None, 3, 4))
        return out + [[v.name for v in lstm.variables]]

    assert names(ours) == names(K)


def test_summary_totals_leave_seed_state_out():
    K, ours = fresh_sessions()
    texts = []
    for lib in (K, ours):
        lines = []
        _sequential(lib).summary(print_fn=lambda line, *a, **k: lines.append(line))
        texts.append([line for line in "\n".join(lines).splitlines() if "params" in line])
    assert texts[1] == texts[0]


def test_state_tree_holds_seed_state_as_keras():
    K, ours = fresh_sessions()
    trees = []
    for lib in (K, ours):
        model = _sequential(lib)
        model.compile(optimizer="sgd", loss="mse")
        tree = model.get_state_tree("numpy_array")["non_trainable_variables"]
        trees.append({key: sorted(value) for key, value in tree.items()})
    assert trees[1] == trees[0]


def test_stateless_call_takes_and_returns_seed_state():
    _, ours = fresh_sessions()
    layer = ours.layers.Dropout(0.5, seed=7)
    layer.build((None, 4))
    state = [v.numpy() for v in layer.non_trainable_variables]
    assert [s.tolist() for s in state] == [[7, 0]]
    _, new = layer.stateless_call([], state, np.ones((2, 4), "float32"), training=True)
    assert [np.asarray(v.numpy()).tolist() for v in new] == [[7, 1]]
    assert layer.seed_generator.state.numpy().tolist() == [7, 0]


def test_saving_round_trips_with_seed_state(tmp_path):
    K, ours = fresh_sessions()
    x = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    for src in (K, ours):
        model = _sequential(src)
        model.save(tmp_path / "m.keras")
        model.save_weights(tmp_path / "m.weights.h5")
        loaded = ours.models.load_model(tmp_path / "m.keras")
        loaded.load_weights(tmp_path / "m.weights.h5")
        assert len(loaded.variables) == 4 and len(loaded.weights) == 2
        np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)),
                                   np.asarray(model.predict(x, verbose=0)), rtol=1e-6)
        functional = _functional(src)
        functional.save(tmp_path / "f.keras")
        again = ours.models.load_model(tmp_path / "f.keras")
        assert _paths(again.weights) == _paths(functional.weights)
        assert len(again.variables) == len(functional.variables) == 4
