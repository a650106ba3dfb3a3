"""Regression tests for the bugs found by the tenth round of ported Keras programs
(tests/keras/test_keras_programs_round10.py), each compared with real Keras 3 (torch backend)."""
import os

import numpy as np
import pytest

from .oracle import fresh_sessions


def _seeded(model, seed=0):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])


def _summary(model, **kwargs):
    lines = []
    model.summary(print_fn=lambda text, **_: lines.append(text), **kwargs)
    return "\n".join(lines).rstrip("\n")   # Keras passes its last line with a newline


def _branchy(K):
    """A functional model with two inputs, a shared layer and two heads (the 'Connected to' table)."""
    left, right = K.Input((4,), name="left"), K.Input((4,), name="right")
    shared = K.layers.Dense(3, name="shared")
    merged = K.layers.Concatenate(name="merged")([shared(left), shared(right)])
    heads = [K.layers.Dense(1, name="head_a")(merged), K.layers.Dense(2, name="head_b")(merged)]
    return K.Model([left, right], heads, name="branchy")


def _chain(K):
    return K.Sequential([K.Input((5,)), K.layers.Dense(4, name="d1"), K.layers.ReLU(name="act"),
                         K.layers.Dense(3, name="d2"), K.layers.Dense(1, name="d3")], name="chain")


@pytest.mark.parametrize("make, layer_range", [
    (_branchy, ["shared", "merged"]), (_branchy, ["head_b", "right"]), (_branchy, ["mer", "head_a"]),
    (_chain, ["act", "d2"]), (_chain, ["d", "d"])])
def test_summary_layer_range_prints_keras_rows(make, layer_range, monkeypatch):
    """summary(layer_range=...) was accepted and ignored: every layer was printed."""
    monkeypatch.setenv("COLUMNS", "120")
    K, ours = fresh_sessions()
    theirs, mine = make(K), make(ours)
    assert _summary(mine, layer_range=layer_range) == _summary(theirs, layer_range=layer_range)


@pytest.mark.parametrize("layer_range", [["nothing", "merged"], ["shared"], [1, 2]])
def test_summary_layer_range_refused_as_keras_refuses(layer_range):
    K, ours = fresh_sessions()
    with pytest.raises(ValueError):
        _branchy(K).summary(layer_range=layer_range)
    with pytest.raises(ValueError, match="layer_range"):
        _branchy(ours).summary(layer_range=layer_range)


def _checkpoint_run(K, folder, save_freq, **kwargs):
    os.makedirs(folder)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((50, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True).astype("float32")
    model = K.Sequential([K.Input((3,)), K.layers.Dense(1)])
    _seeded(model)
    model.compile(optimizer=K.optimizers.SGD(0.05), loss="mse")
    path = os.path.join(folder, "w-{epoch}-{batch:02d}-{loss:.4f}.weights.h5")
    checkpoint = K.callbacks.ModelCheckpoint(path, save_weights_only=True, save_freq=save_freq, monitor="loss",
                                             **kwargs)
    model.fit(x, y, batch_size=10, epochs=3, shuffle=False, verbose=0, callbacks=[checkpoint])
    return sorted(os.listdir(folder))


@pytest.mark.parametrize("save_freq, kwargs", [(3, {}), (7, {}), (4, {"save_best_only": True, "verbose": 1})])
def test_model_checkpoint_saves_every_n_batches(save_freq, kwargs, tmp_path, capsys):
    """ModelCheckpoint(save_freq=<int>) raised "only save_freq='epoch' is supported"."""
    pytest.importorskip("h5py")
    K, ours = fresh_sessions()
    theirs = _checkpoint_run(K, tmp_path / "keras", save_freq, **kwargs)
    printed_theirs = capsys.readouterr().out.replace(str(tmp_path / "keras"), "DIR")
    mine = _checkpoint_run(ours, tmp_path / "ours", save_freq, **kwargs)
    printed_mine = capsys.readouterr().out.replace(str(tmp_path / "ours"), "DIR")
    assert theirs and [name.rsplit("-", 1)[0] for name in mine] == [name.rsplit("-", 1)[0] for name in theirs]
    for a, b in zip(mine, theirs):   # the loss in the name: equal to float32 noise
        assert float(a.rsplit("-", 1)[1][:-11]) == pytest.approx(float(b.rsplit("-", 1)[1][:-11]), abs=2e-4)
    assert printed_mine.count("\n") == printed_theirs.count("\n")
    assert [line.split(" to ")[0][:24] for line in printed_mine.splitlines()] == \
        [line.split(" to ")[0][:24] for line in printed_theirs.splitlines()]


def test_model_checkpoint_refuses_an_unknown_save_freq():
    K, ours = fresh_sessions()
    with pytest.raises(ValueError, match="save_freq"):
        K.callbacks.ModelCheckpoint("m.keras", save_freq="sometimes")
    with pytest.raises(ValueError, match="save_freq"):
        ours.callbacks.ModelCheckpoint("m.keras", save_freq="sometimes")


@pytest.mark.parametrize("path, kwargs", [("model.txt", {}), ("weights.keras", {"save_weights_only": True}),
                                          ("w.h5", {"save_weights_only": True})])
def test_model_checkpoint_refuses_names_keras_cannot_write(path, kwargs):
    """ModelCheckpoint accepted any filepath (Keras wants .keras / .h5, or .weights.h5 with save_weights_only)."""
    K, ours = fresh_sessions()
    with pytest.raises(ValueError):
        K.callbacks.ModelCheckpoint(path, **kwargs)
    with pytest.raises(ValueError, match="ModelCheckpoint.*filepath"):
        ours.callbacks.ModelCheckpoint(path, **kwargs)


@pytest.mark.parametrize("path", ["w-{batch}.weights.h5", "w-{val_loss:.2f}.weights.h5"])
def test_model_checkpoint_unknown_field_is_a_key_error(path, tmp_path, monkeypatch):
    """A filepath field missing from the logs raised ValueError; Keras raises KeyError."""
    monkeypatch.chdir(tmp_path)
    x, y = np.ones((8, 2), "float32"), np.ones((8, 1), "float32")
    for K in fresh_sessions():
        model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        checkpoint = K.callbacks.ModelCheckpoint(path, save_weights_only=True)
        with pytest.raises(KeyError, match="filepath"):
            model.fit(x, y, epochs=1, verbose=0, callbacks=[checkpoint])


class _TwoOutputs:
    """A layer of the user's that returns a tuple of two tensors (made for either Keras)."""

    @staticmethod
    def make(K):
        class Two(K.layers.Layer):
            def call(self, x):
                return x, x * 2.0
        return Two(name="two")


@pytest.mark.parametrize("kind", ["lstm_states", "bidirectional_states", "user_tuple", "attention_scores"])
def test_summary_prints_a_multi_output_layer_as_keras_list(kind, monkeypatch):
    """A layer with several outputs in a functional model printed "((None, 5, 4), (None, 4))"; Keras reads them
    off the layer's node as one flat list: "[(None, 5, 4), (None, 4)]"."""
    monkeypatch.setenv("COLUMNS", "120")
    models = []
    for K in fresh_sessions():
        inputs = K.Input((5, 3))
        if kind == "lstm_states":
            outs = K.layers.LSTM(4, return_sequences=True, return_state=True)(inputs)
        elif kind == "bidirectional_states":
            outs = K.layers.Bidirectional(K.layers.GRU(2, return_state=True))(inputs)
        elif kind == "user_tuple":
            outs = _TwoOutputs.make(K)(inputs)
        else:
            outs = K.layers.MultiHeadAttention(2, 3)(inputs, inputs, return_attention_scores=True)
        flat = [K.layers.Flatten()(o) for o in outs]
        models.append(K.Model(inputs, K.layers.Concatenate()(flat)))
    theirs, mine = models
    assert _summary(mine) == _summary(theirs)


def test_get_layer_refuses_as_keras():
    """get_layer(index=<too large>) raised IndexError, get_layer() returned None-ish; Keras raises ValueError."""
    K, ours = fresh_sessions()
    for model in (_chain(K), _chain(ours)):
        for kwargs in ({"index": 9}, {}, {"name": "d1", "index": 0}):
            with pytest.raises(ValueError):
                model.get_layer(**kwargs)
        assert model.get_layer(index=-1).name == "d3" and model.get_layer(index=0).name == "d1"
