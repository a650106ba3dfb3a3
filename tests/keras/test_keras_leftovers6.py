"""Keras differences left by earlier rounds (round 6), each compared with real Keras 3.15 on its torch backend:
Bidirectional over a generic RNN(cell); '.weights.h5' files in Keras's HDF5 layout both ways; legacy HDF5
whole-model files ('m.h5') both ways; Resizing's interpolation names, clone_model of a layer and Sequential's
arguments."""
import os
import sys
import warnings

import numpy as np
import pytest

from nn.keras.saving.keras_h5_write import optimizer_variables

from .oracle import assert_close_lists, fresh_sessions, keras_forward_and_grads, our_forward_and_grads

RNG = np.random.default_rng(6)
SEQS = RNG.random((3, 5, 4)).astype("float32")
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 1, 1, 0]], bool)
TARGETS = RNG.random((3, 2)).astype("float32")


# ----- 1. Bidirectional over keras.layers.RNN(cell) ----------------------------------------------------------------

_MINIMAL_CELLS = {}


def _minimal_cell_class(k):
    """Keras's documented custom cell (a plain tanh RNN without bias), written for library `k` (one class each)."""
    if k.__name__ not in _MINIMAL_CELLS:
        _MINIMAL_CELLS[k.__name__] = _define_minimal_cell(k)
    return _MINIMAL_CELLS[k.__name__]


def _custom_scope(k):
    """Where Bidirectional (Keras's too) finds the custom cell when it remakes the wrapped layer from its config."""
    return k.saving.custom_object_scope({"MinimalRNNCell": _minimal_cell_class(k)})


def _define_minimal_cell(k):

    class MinimalRNNCell(k.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units, self.state_size = units, units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform",
                                          name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="orthogonal",
                                                    name="recurrent_kernel")

        def call(self, inputs, states):
            output = k.ops.tanh(k.ops.matmul(inputs, self.kernel) + k.ops.matmul(states[0], self.recurrent_kernel))
            return output, [output]

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return MinimalRNNCell


CELLS = {
    "simple": lambda k: k.layers.SimpleRNNCell(3),
    "lstm": lambda k: k.layers.LSTMCell(3),
    "gru": lambda k: k.layers.GRUCell(3),
    "stacked": lambda k: k.layers.StackedRNNCells([k.layers.SimpleRNNCell(2), k.layers.LSTMCell(3)]),
    "custom": lambda k: _minimal_cell_class(k)(3),
}


def _flat(value):
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _flat(item)]
    return [np.asarray(value.detach().cpu().numpy() if hasattr(value, "detach") else value)]


def _both_bidirectional(cell, merge_mode, **rnn_kwargs):
    """The same Bidirectional(RNN(cell)) in Keras and in nn.keras, ours holding Keras's weights."""
    theirs, ours = fresh_sessions()
    made = []
    for k in (theirs, ours):
        with _custom_scope(k):
            layer = k.layers.Bidirectional(k.layers.RNN(CELLS[cell](k), **rnn_kwargs), merge_mode=merge_mode)
        layer.build(SEQS.shape)
        made.append(layer)
    made[1].set_weights(made[0].get_weights())
    return made


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("cell", list(CELLS))
def test_bidirectional_rnn_cell_sequences_states_and_mask(cell, merge_mode):
    keras_layer, our_layer = _both_bidirectional(cell, merge_mode, return_sequences=True, return_state=True)
    expected = _flat(keras_layer(SEQS, mask=MASK))
    got = _flat(our_layer(SEQS, mask=MASK))
    assert [a.shape for a in got] == [b.shape for b in expected]
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert [w.shape for w in our_layer.weights] == [tuple(w.shape) for w in keras_layer.weights]


@pytest.mark.parametrize("return_state", [False, True])
@pytest.mark.parametrize("cell", ["lstm", "stacked", "custom"])
def test_bidirectional_rnn_cell_last_output(cell, return_state):
    keras_layer, our_layer = _both_bidirectional(cell, "concat", return_state=return_state)
    for mask in (None, MASK):
        expected, got = _flat(keras_layer(SEQS, mask=mask)), _flat(our_layer(SEQS, mask=mask))
        assert len(got) == len(expected)
        for a, b in zip(got, expected):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cell", ["gru", "custom"])
def test_bidirectional_rnn_cell_gradients(cell):
    keras_layer, our_layer = _both_bidirectional(cell, "concat", return_sequences=True)
    cotangent = [RNG.standard_normal((3, 5, 6)).astype("float32")]
    k_out, k_grads = keras_forward_and_grads(keras_layer, SEQS, cotangent)
    o_out, o_grads = our_forward_and_grads(our_layer, SEQS, cotangent)
    assert_close_lists(o_out, k_out, what="output")
    assert_close_lists(o_grads, k_grads, rtol=1e-4, atol=1e-5, what="gradient")


def test_bidirectional_go_backwards_as_keras():
    theirs, ours = fresh_sessions()
    for k in (theirs, ours):   # a go_backwards layer would run backwards both ways: Keras refuses it
        with pytest.raises(ValueError, match="go_backwards"):
            k.layers.Bidirectional(k.layers.RNN(k.layers.GRUCell(2), go_backwards=True))
        with pytest.raises(ValueError, match="go_backwards"):   # a backward_layer that runs forwards
            k.layers.Bidirectional(k.layers.RNN(k.layers.GRUCell(2)), backward_layer=k.layers.RNN(k.layers.GRUCell(2)))
        with pytest.raises(ValueError, match="return_sequences"):
            k.layers.Bidirectional(k.layers.RNN(k.layers.GRUCell(2)), backward_layer=k.layers.RNN(
                k.layers.GRUCell(2), go_backwards=True, return_sequences=True))
    made = []
    for k in (theirs, ours):   # an explicit backward layer over another cell, go_backwards=True
        layer = k.layers.Bidirectional(k.layers.RNN(k.layers.LSTMCell(3), return_sequences=True),
                                       backward_layer=k.layers.RNN(k.layers.SimpleRNNCell(2), go_backwards=True,
                                                                   return_sequences=True))
        layer.build(SEQS.shape)
        made.append(layer)
    made[1].set_weights(made[0].get_weights())
    np.testing.assert_allclose(_flat(made[1](SEQS, mask=MASK))[0], _flat(made[0](SEQS, mask=MASK))[0],
                               rtol=1e-5, atol=1e-6)
    assert made[1].backward_layer.go_backwards and made[1].get_config()["backward_layer"]["config"]["go_backwards"]


def test_bidirectional_conv_lstm_and_stateful_rnn_cell():
    theirs, ours = fresh_sessions()
    videos = RNG.random((2, 4, 6, 3)).astype("float32")
    results = []
    for k in (theirs, ours):
        conv = k.layers.Bidirectional(k.layers.ConvLSTM1D(2, 3, return_sequences=True))
        stateful = k.layers.Bidirectional(k.layers.RNN(k.layers.LSTMCell(2), stateful=True, return_sequences=True))
        conv.build(videos.shape)
        stateful.build((2,) + SEQS.shape[1:])
        if results:
            conv.set_weights(results[0][0])
            stateful.set_weights(results[0][1])
        outputs = [_flat(conv(videos))[0], _flat(stateful(SEQS[:2]))[0], _flat(stateful(SEQS[:2]))[0]]
        stateful.reset_state()
        outputs.append(_flat(stateful(SEQS[:2]))[0])
        results.append((conv.get_weights(), stateful.get_weights(), outputs))
    for a, b in zip(results[1][2], results[0][2]):   # the second call goes on from the first one's states
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(results[1][2][3], results[1][2][1], rtol=1e-6)


def _tagger(k, cell):
    with _custom_scope(k):
        return _tagger_in_scope(k, cell)


def _tagger_in_scope(k, cell):
    model = k.Sequential([k.Input((5, 4)), k.layers.Masking(0.0),
                          k.layers.Bidirectional(k.layers.RNN(CELLS[cell](k), return_sequences=True), merge_mode="ave"),
                          k.layers.Bidirectional(k.layers.RNN(CELLS[cell](k))), k.layers.Dense(2)])
    model.compile(optimizer=k.optimizers.SGD(0.1, momentum=0.5), loss="mse")
    return model


@pytest.mark.parametrize("cell", ["lstm", "stacked", "custom"])
def test_bidirectional_rnn_cell_trains_as_keras(cell):
    theirs, ours = fresh_sessions()
    x = SEQS * MASK[:, :, None]   # the Masking layer masks the zeroed steps
    keras_model, our_model = _tagger(theirs, cell), _tagger(ours, cell)
    our_model.set_weights(keras_model.get_weights())
    for model in (keras_model, our_model):
        model.fit(x, TARGETS, batch_size=2, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(our_model.get_weights(), keras_model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(our_model.predict(x, verbose=0), keras_model.predict(x, verbose=0), rtol=1e-4,
                               atol=1e-5)


def test_bidirectional_rnn_cell_functional_states():
    theirs, ours = fresh_sessions()
    shapes = []
    for k in (theirs, ours):
        inputs = k.Input((5, 4))
        outputs = k.layers.Bidirectional(k.layers.RNN(k.layers.LSTMCell(3), return_state=True), merge_mode=None)(inputs)
        shapes.append([tuple(t.shape) for t in outputs])
    assert shapes[1] == shapes[0]


# ----- 3. '.weights.h5' in Keras's HDF5 layout ----------------------------------------------------------------------

def _weights_model(k, compiled=True, cell="gru"):
    model = k.Sequential([k.Input((5, 4)), k.layers.Bidirectional(k.layers.RNN(CELLS[cell](k))),
                          k.layers.BatchNormalization(), k.layers.Dense(2)])
    if compiled:
        model.compile(optimizer="adam", loss="mse")
    return model


def test_save_weights_writes_hdf5_that_real_keras_loads(tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    model = _weights_model(ours)
    model.fit(SEQS, TARGETS, epochs=4, batch_size=3, verbose=0)
    model.save_weights(tmp_path / "m.weights.h5")
    with open(tmp_path / "m.weights.h5", "rb") as f:
        assert f.read(8) == b"\x89HDF\r\n\x1a\n"
    loaded = _weights_model(theirs)
    loaded.optimizer.build(loaded.trainable_variables)   # so Keras loads the optimizer's variables too
    loaded.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_allclose(loaded.predict(SEQS, verbose=0), model.predict(SEQS, verbose=0), rtol=1e-5, atol=1e-6)
    assert int(loaded.optimizer.iterations) == model.optimizer.iterations == 4
    # the slots came along: one more epoch in each gives the same weights
    loaded.fit(SEQS, TARGETS, epochs=1, batch_size=3, verbose=0, shuffle=False)
    model.fit(SEQS, TARGETS, epochs=1, batch_size=3, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("cell", ["gru", "stacked"])
def test_weights_h5_written_by_real_keras_loads(tmp_path, cell):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    model = _weights_model(theirs, compiled=False, cell=cell)
    model.save_weights(tmp_path / "k.weights.h5")
    loaded = _weights_model(ours, compiled=False, cell=cell)
    loaded.load_weights(tmp_path / "k.weights.h5")
    np.testing.assert_allclose(loaded.predict(SEQS, verbose=0), model.predict(SEQS, verbose=0), rtol=1e-5, atol=1e-6)
    # and our file of the same model has Keras's groups and datasets
    loaded.save_weights(tmp_path / "o.weights.h5")
    assert _h5_tree(tmp_path / "o.weights.h5") == _h5_tree(tmp_path / "k.weights.h5")


def _ours():
    """nn.keras with a cleared session, for the checks that need no real Keras."""
    from nn import keras as ours
    ours.backend.clear_session(free_memory=False)
    return ours


def _h5_tree(path):
    import h5py
    found = {}
    with h5py.File(path, "r") as handle:
        handle.visititems(lambda name, item: found.setdefault(
            name, item.shape if isinstance(item, h5py.Dataset) else dict(item.attrs)))
    return found


def test_older_safetensors_weights_h5_files_still_load(tmp_path):
    from nn import serialization
    from nn.keras import weights_file
    ours = _ours()
    model = _weights_model(ours, compiled=False)
    tensors, metadata = weights_file.weight_arrays(model)   # what save_weights wrote before this round
    serialization.save(tensors, tmp_path / "old.weights.h5", metadata=metadata)
    loaded = _weights_model(ours, compiled=False)
    loaded.load_weights(tmp_path / "old.weights.h5")
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_save_weights_without_h5py_warns_and_keeps_safetensors(tmp_path, monkeypatch):
    ours = _ours()
    model = _weights_model(ours, compiled=False)
    monkeypatch.setitem(sys.modules, "h5py", None)   # import h5py now raises ImportError
    with pytest.warns(UserWarning, match="pip install h5py"):
        model.save_weights(tmp_path / "w.weights.h5")
    with open(tmp_path / "w.weights.h5", "rb") as f:
        assert f.read(8) != b"\x89HDF\r\n\x1a\n"
    loaded = _weights_model(ours, compiled=False)
    loaded.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


# ----- 2. legacy HDF5 whole-model files ------------------------------------------------------------------------------

def _sequential(k, compiled):
    # the batch norm first: after a ReLU its input can be constant in a batch of 3, and Adam then turns the rounding
    # noise of a zero gradient into lr-sized steps that go each library's own way
    model = k.Sequential([k.Input((4,)), k.layers.BatchNormalization(), k.layers.Dense(5, activation="relu"),
                          k.layers.Dropout(0.0), k.layers.Dense(2)])
    if compiled:
        # loss and metric objects: Keras 3.15 cannot read back its own HDF5 file of a model compiled with
        # loss='mse' ("Could not deserialize 'keras.metrics.mse'"); nn.keras can (test below)
        model.compile(optimizer=k.optimizers.Adam(0.01), loss=k.losses.MeanSquaredError(),
                      metrics=[k.metrics.MeanAbsoluteError()])
    return model


def _functional(k, compiled):
    inputs = k.Input((5, 4))
    x = k.layers.Bidirectional(k.layers.LSTM(3, return_sequences=True))(inputs)
    x = k.layers.GlobalAveragePooling1D()(x)
    skip = k.layers.Dense(6)(k.layers.Flatten()(inputs))
    outputs = k.layers.Dense(2, name="head")(k.layers.Concatenate()([x, skip]))
    model = k.Model(inputs, outputs)
    if compiled:
        model.compile(optimizer=k.optimizers.RMSprop(0.01, momentum=0.9), loss=k.losses.MeanAbsoluteError())
    return model


LEGACY = {"sequential": (_sequential, RNG.random((6, 4)).astype("float32")),
          "functional": (_functional, RNG.random((6, 5, 4)).astype("float32"))}
LEGACY_Y = RNG.random((6, 2)).astype("float32")


def _quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # Keras warns that the HDF5 format is legacy
        return call(*args, **kwargs)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "uncompiled"])
@pytest.mark.parametrize("kind", list(LEGACY))
def test_legacy_h5_written_by_real_keras_loads(kind, compiled, tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    make, x = LEGACY[kind]
    model = make(theirs, compiled)
    if compiled:
        model.fit(x, LEGACY_Y, batch_size=3, epochs=2, verbose=0)
    _quiet(model.save, tmp_path / "m.h5")
    loaded = ours.models.load_model(tmp_path / "m.h5")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert loaded.compiled == compiled
    if compiled:
        assert loaded.optimizer.iterations == int(model.optimizer.iterations) == 4
        model.fit(x, LEGACY_Y, batch_size=3, epochs=1, verbose=0, shuffle=False)
        loaded.fit(x, LEGACY_Y, batch_size=3, epochs=1, verbose=0, shuffle=False)
        for a, b in zip(loaded.get_weights(), model.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "uncompiled"])
@pytest.mark.parametrize("kind", list(LEGACY))
def test_legacy_h5_written_by_nn_keras_loads_in_real_keras(kind, compiled, tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    make, x = LEGACY[kind]
    model = make(ours, compiled)
    if compiled:
        model.fit(x, LEGACY_Y, batch_size=3, epochs=2, verbose=0)
    ours.saving.save_model(model, tmp_path / "m.h5")
    loaded = _quiet(theirs.models.load_model, tmp_path / "m.h5")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    assert loaded.compiled == compiled
    if compiled:
        # Keras 3.15 (torch) builds the loaded optimizer for no variables, so from a legacy HDF5 file, its own
        # included, it takes the step count and learning rate only and cannot go on training ("Unknown variable");
        # those two are compared, and nn.keras's own reading of the file below checks every slot
        _, values = optimizer_variables(model.optimizer, model)
        restored = [theirs.ops.convert_to_numpy(v) for v in loaded.optimizer.variables]
        assert len(restored) == 2 and int(restored[0]) == 4
        for a, b in zip(values, restored):
            np.testing.assert_allclose(a, b, rtol=1e-6)
    # and nn.keras reads its own file back the same, optimizer state included
    again = ours.models.load_model(tmp_path / "m.h5")
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    if compiled:
        assert len(optimizer_variables(again.optimizer, again)[1]) == len(values)
        for a, b in zip(optimizer_variables(again.optimizer, again)[1], values):
            np.testing.assert_array_equal(a, b)


def test_legacy_h5_with_loss_names_written_by_real_keras_loads(tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    x = LEGACY["sequential"][1]
    model = _sequential(theirs, compiled=False)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.fit(x, LEGACY_Y, batch_size=3, epochs=1, verbose=0)
    _quiet(model.save, tmp_path / "m.h5")
    loaded = ours.models.load_model(tmp_path / "m.h5")
    assert loaded.compiled and loaded.optimizer.iterations == 2
    np.testing.assert_allclose(loaded.evaluate(x, LEGACY_Y, verbose=0), model.evaluate(x, LEGACY_Y, verbose=0),
                               rtol=1e-5)


def _nested_masked(k):
    inner = k.Sequential([k.layers.Dense(4, activation="relu"), k.layers.BatchNormalization()], name="inner")
    inputs = k.Input((5,), dtype="int32")
    x = k.layers.Embedding(10, 3, mask_zero=True)(inputs)   # its mask is a keras.ops node (NotEqual) in the graph
    x = k.layers.GlobalAveragePooling1D()(k.layers.Bidirectional(k.layers.GRU(2, return_sequences=True))(x))
    return k.Model(inputs, k.layers.Dense(1)(inner(x)))


def test_legacy_h5_nested_and_masked_models_both_ways(tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    tokens = RNG.integers(0, 10, (4, 5)).astype("int32")
    for source, reader in ((theirs, ours.models.load_model), (ours, theirs.models.load_model)):
        model = _nested_masked(source)
        _quiet(model.save, tmp_path / "m.h5")
        loaded = _quiet(reader, tmp_path / "m.h5")   # (Keras 3.15 cannot read its own file of this model back)
        np.testing.assert_allclose(np.asarray(loaded.predict(tokens, verbose=0)),
                                   np.asarray(model.predict(tokens, verbose=0)), rtol=1e-5, atol=1e-6)


def test_model_checkpoint_to_h5_names_writes_legacy_models(tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    x = LEGACY["sequential"][1]
    model = _sequential(ours, compiled=True)
    checkpoint = ours.callbacks.ModelCheckpoint(str(tmp_path / "ck-{epoch}.h5"))
    model.fit(x, LEGACY_Y, batch_size=3, epochs=2, verbose=0, callbacks=[checkpoint])
    assert sorted(os.listdir(tmp_path)) == ["ck-1.h5", "ck-2.h5"]
    loaded = _quiet(theirs.models.load_model, tmp_path / "ck-2.h5")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_legacy_h5_layout_matches_keras(tmp_path):
    pytest.importorskip("h5py")
    import h5py
    trees = []
    for k in fresh_sessions():
        model = _sequential(k, compiled=True)
        model.fit(LEGACY["sequential"][1], LEGACY_Y, batch_size=3, epochs=1, verbose=0)
        _quiet(model.save, tmp_path / f"{k.__name__}.h5")
        tree = _h5_tree(tmp_path / f"{k.__name__}.h5")
        with h5py.File(tmp_path / f"{k.__name__}.h5", "r") as handle:
            tree["<root attributes>"] = sorted(handle.attrs)
        tree["model_weights"].pop("keras_version")
        trees.append({name: {key: list(value) if isinstance(value, np.ndarray) else value
                             for key, value in item.items()} if isinstance(item, dict) else item
                      for name, item in tree.items()})
    assert trees[1] == trees[0]


def test_legacy_h5_options_and_errors(tmp_path, monkeypatch):
    pytest.importorskip("h5py")
    import h5py
    ours = _ours()
    model = _sequential(ours, compiled=True)
    model.save(tmp_path / "m.hdf5", include_optimizer=False)
    with h5py.File(tmp_path / "m.hdf5", "r") as handle:
        assert "training_config" not in handle.attrs and "optimizer_weights" not in handle
    assert not ours.models.load_model(tmp_path / "m.hdf5").compiled
    assert not ours.models.load_model(tmp_path / "m.hdf5", compile=False).compiled
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.hdf5", overwrite=False)
    nadam = _sequential(ours, compiled=False)   # Nadam's state, its momentum schedule's product last, as Keras's
    nadam.compile(optimizer=ours.optimizers.Nadam(), loss=ours.losses.MeanSquaredError())
    nadam.fit(LEGACY["sequential"][1], LEGACY_Y, batch_size=3, epochs=1, verbose=0)
    nadam.save(tmp_path / "nadam.h5")
    reloaded = ours.models.load_model(tmp_path / "nadam.h5")
    assert reloaded.compiled and type(reloaded.optimizer).__name__ == "Nadam"
    assert reloaded.optimizer.iterations == nadam.optimizer.iterations > 0
    np.testing.assert_allclose(reloaded.optimizer.variables[-1].numpy(), nadam.optimizer.variables[-1].numpy())
    with pytest.raises(FileNotFoundError):
        ours.models.load_model(tmp_path / "missing.h5")
    model.save_weights(tmp_path / "w.weights.h5")   # a weights file holds no model
    os.replace(tmp_path / "w.weights.h5", tmp_path / "w.h5")
    with pytest.raises(ValueError, match="No model config found"):
        ours.models.load_model(tmp_path / "w.h5")
    # a dataset that is a link to another file is refused, not followed
    with h5py.File(tmp_path / "other.h5", "w") as other:
        other["x"] = np.zeros((4, 5), "float32")
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "a") as handle:
        group = handle["model_weights/dense"]
        name = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["weight_names"]][0]
        del group[name]
        group[name] = h5py.ExternalLink(str(tmp_path / "other.h5"), "x")
    with pytest.raises(ValueError, match="not a plain numeric dataset"):
        ours.models.load_model(tmp_path / "m.h5")
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match="pip install h5py"):
        model.save(tmp_path / "n.h5")
    with pytest.raises(ImportError, match="pip install h5py"):
        ours.models.load_model(tmp_path / "m.h5")
    assert not os.path.exists(tmp_path / "n.h5")


# ----- 4. Resizing's interpolation, clone_model of a layer, Sequential's arguments ---------------------------------

@pytest.mark.parametrize("interpolation", ["bicubic", "lanczos3", "lanczos5", "area", "nearest", "bilinear",
                                           "gaussian", "BILINEAR", "no-such-method"])
def test_resizing_interpolation_names_as_keras(interpolation):
    theirs, ours = fresh_sessions()
    images = RNG.random((2, 6, 6, 3)).astype("float32")
    results = []
    for k in (theirs, ours):
        layer = k.layers.Resizing(4, 3, interpolation=interpolation)   # Keras takes any name here
        assert layer.get_config()["interpolation"] == interpolation
        try:
            results.append(np.asarray(layer(images)))
        except ValueError as error:
            results.append(error)
    if isinstance(results[0], ValueError):
        assert isinstance(results[1], ValueError), f"Keras refuses {interpolation!r}, nn.keras resized"
        assert ("Lanczos" in str(results[0])) == ("Lanczos" in str(results[1]))
    else:
        np.testing.assert_allclose(results[1], results[0], rtol=1e-5, atol=1e-6)


def test_clone_model_of_a_layer_as_keras():
    theirs, ours = fresh_sessions()
    clones = []
    for k in (theirs, ours):
        dense = k.layers.Dense(3, activation="relu", name="d")
        dense.build((None, 4))
        clone = k.models.clone_model(dense)
        assert type(clone) is type(dense) and clone is not dense
        assert clone.built and clone.name == "d" and clone.get_config() == dense.get_config()
        assert not np.array_equal(np.asarray(clone.kernel), np.asarray(dense.kernel))   # new weights
        with pytest.raises(ValueError, match="clone_function"):
            k.models.clone_model(dense, clone_function=lambda layer: layer)
        with pytest.raises(ValueError, match="call_function"):
            k.models.clone_model(dense, call_function=lambda layer, *a, **kw: layer(*a, **kw))
        with pytest.raises(ValueError):
            k.models.clone_model(dense, no_such_argument=1)
        clones.append([k.models.clone_model(value) for value in ("x", None, 3)])
    assert clones[1] == clones[0]


SEQUENTIAL_CASES = {
    "none": lambda k: k.Sequential(None),
    "generator": lambda k: k.Sequential(layer for layer in [k.layers.Dense(2)]),
    "tuple": lambda k: k.Sequential((k.layers.Dense(2),)),
    "a layer, not a list": lambda k: k.Sequential(k.layers.Dense(2)),
    "an int": lambda k: k.Sequential(3),
    "nested list": lambda k: k.Sequential([[k.layers.Dense(2)]]),
    "a string": lambda k: k.Sequential(["dense"]),
    "a dict": lambda k: k.Sequential({"a": k.layers.Dense(2)}),
    "None in the list": lambda k: k.Sequential([None]),
    "a name as second argument": lambda k: k.Sequential([k.layers.Dense(2)], "seq_x"),
    "trainable False": lambda k: k.Sequential([k.layers.Dense(2)], False),
    "an unknown keyword": lambda k: k.Sequential([k.layers.Dense(2)], foo=1),
    "a dtype": lambda k: k.Sequential([k.layers.Dense(2)], dtype="float64"),
    "two inputs": lambda k: k.Sequential([k.Input((3,)), k.Input((3,))]),
    "a non-string name": lambda k: k.Sequential([], name=3),
}


@pytest.mark.parametrize("case", list(SEQUENTIAL_CASES))
def test_sequential_odd_arguments_as_keras(case):
    theirs, ours = fresh_sessions()
    outcomes = []
    for k in (theirs, ours):
        try:
            model = SEQUENTIAL_CASES[case](k)
        except (TypeError, ValueError) as error:
            outcomes.append(type(error))
        else:
            outcomes.append((len(model.layers), model.trainable, model.built))
    if isinstance(outcomes[0], type):
        assert isinstance(outcomes[1], type) and issubclass(outcomes[1], outcomes[0]), outcomes
    else:
        assert outcomes[1] == outcomes[0]


def test_resizing_unknown_interpolation_fails_when_run_not_on_an_input():
    theirs, ours = fresh_sessions()
    for k in (theirs, ours):
        inputs = k.Input((6, 6, 3))
        outputs = k.layers.Resizing(4, 3, interpolation="area")(inputs)   # Keras builds the graph
        assert tuple(outputs.shape) == (None, 4, 3, 3)
        with pytest.raises(ValueError, match="interpolation"):
            k.Model(inputs, outputs).predict(np.zeros((1, 6, 6, 3), "float32"), verbose=0)
