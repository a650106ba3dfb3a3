"""Keras differences left by earlier rounds, each compared with real Keras 3.15 on its torch backend: `.keras`
archives written by nn.keras open in real Keras (same predictions, optimizer state and next training step)."""
import zipfile

import numpy as np
import pytest

from .oracle import fresh_sessions

RNG = np.random.default_rng(5)
IMAGES, TARGETS = RNG.random((6, 8, 8, 3)).astype("float32"), RNG.random((6, 2)).astype("float32")
TOKENS, LABELS = RNG.integers(0, 10, (6, 5)).astype("int32"), RNG.random((6, 1)).astype("float32")


def _conv_functional(k, optimizer="adam"):
    inp = k.Input((8, 8, 3))
    x = k.layers.Conv2D(4, 3, activation="relu")(inp)
    x = k.layers.BatchNormalization()(x)
    x = k.layers.MaxPooling2D()(x)
    x = k.layers.Conv2D(2, 1)(x)
    x = k.layers.AveragePooling2D(2)(x)
    x = k.layers.Flatten()(x)
    x = k.layers.Dropout(0.0)(x)   # no random masks: fit continues identically in both
    model = k.Model(inp, k.layers.Dense(2)(x))
    model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    return model, IMAGES, TARGETS


def _recurrent_sequential(k, optimizer="rmsprop"):
    model = k.Sequential([k.Input((5,), dtype="int32"), k.layers.Embedding(10, 4, mask_zero=True),
                          k.layers.LSTM(3, return_sequences=True), k.layers.GRU(3), k.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model, TOKENS, LABELS


def _recurrent_functional(k, optimizer="sgd"):
    inp = k.Input((5,), dtype="int32")
    x = k.layers.Embedding(10, 4)(inp)
    x = k.layers.Bidirectional(k.layers.SimpleRNN(2))(x)
    x = k.layers.Dense(3, activation="tanh")(x)
    model = k.Model(inp, k.layers.Dense(1)(k.layers.BatchNormalization()(x)))
    model.compile(optimizer=k.optimizers.SGD(0.1, momentum=0.9), loss="mse")
    return model, TOKENS, LABELS


MODELS = [_conv_functional, _recurrent_sequential, _recurrent_functional]


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__.strip("_"))
def test_archive_written_by_nn_keras_opens_in_real_keras(make, tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    model, x, y = make(ours)
    model.fit(x, y, batch_size=3, epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = theirs.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    for w_theirs, w_ours in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(w_theirs, w_ours)
    assert int(loaded.optimizer.iterations) == model.optimizer.iterations == 4
    # the optimizer's slots came along: one more epoch in each gives the same weights
    loaded.fit(x, y, batch_size=3, epochs=1, verbose=0, shuffle=False)
    model.fit(x, y, batch_size=3, epochs=1, verbose=0, shuffle=False)
    for w_theirs, w_ours in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(w_theirs, w_ours, rtol=1e-4, atol=1e-5)


def test_uncompiled_archive_opens_in_real_keras(tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    model = ours.Sequential([ours.Input((4,)), ours.layers.Dense(3, activation="relu"), ours.layers.Dense(1)])
    model.save(tmp_path / "m.keras")
    loaded = theirs.saving.load_model(tmp_path / "m.keras")
    x = RNG.random((2, 4)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_archive_holds_keras_layout(tmp_path):
    """The HDF5 member has the groups and 'vars' names real Keras writes for the same model."""
    h5py = pytest.importorskip("h5py")
    import io

    def tree(path):
        with zipfile.ZipFile(path) as archive:
            handle = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
        found = {}
        handle.visititems(lambda name, item: found.setdefault(
            name, item.shape if isinstance(item, h5py.Dataset) else dict(item.attrs)))
        return found

    trees = []
    for k in fresh_sessions():
        model, x, y = _recurrent_sequential(k)
        model.fit(x, y, epochs=1, verbose=0)
        model.save(tmp_path / "m.keras")
        trees.append(tree(tmp_path / "m.keras"))
    assert trees[1] == trees[0]


def test_nn_keras_still_reads_its_own_archive_first(tmp_path):
    pytest.importorskip("h5py")
    _, ours = fresh_sessions()
    model, x, y = _conv_functional(ours)
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = ours.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.optimizer.iterations == model.optimizer.iterations


def test_archive_without_h5py_has_only_safetensors(tmp_path, monkeypatch):
    import sys
    _, ours = fresh_sessions()
    monkeypatch.setitem(sys.modules, "h5py", None)   # import h5py now raises ImportError
    model = ours.Sequential([ours.Input((4,)), ours.layers.Dense(1)])
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.safetensors"]
    assert ours.models.load_model(tmp_path / "m.keras").get_weights()[0].shape == (4, 1)


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__.strip("_"))
def test_archive_written_by_real_keras_opens_in_nn_keras(make, tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    model, x, y = make(theirs)
    model.fit(x, y, batch_size=3, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = ours.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    assert loaded.optimizer.iterations == int(model.optimizer.iterations)
