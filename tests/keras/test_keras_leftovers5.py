"""Keras differences left by earlier rounds, each compared with real Keras 3.15 on its torch backend: `.keras`
archives written by nn.keras open in real Keras (same predictions, optimizer state and next training step)."""
import os
import warnings
import zipfile

import numpy as np
import pytest

from .oracle import fresh_sessions

RNG = np.random.default_rng(5)
IMAGES, TARGETS = RNG.random((6, 8, 8, 3)).astype("float32"), RNG.random((6, 2)).astype("float32")
TOKENS, LABELS = RNG.integers(0, 10, (6, 5)).astype("int32"), RNG.random((6, 1)).astype("float32")


def _conv_functional(k, optimizer="adam"):
    inp = k.Input((8, 8, 3))
    # no bias before the batch norm: its gradient is rounding noise there, which Adam turns into lr-sized steps that
    # go each library's (and each device's) own way
    x = k.layers.Conv2D(4, 3, activation="relu", use_bias=False)(inp)
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


# Calls Keras accepts that nn.keras refused when they were made.

@pytest.mark.parametrize("layer,shape", [("ZeroPadding2D", (2, 5, 4, 3)), ("ZeroPadding3D", (1, 4, 5, 4, 2))])
def test_negative_int_zero_padding_crops_as_keras(layer, shape):
    theirs, ours = fresh_sessions()
    x = RNG.random(shape).astype("float32")
    mine, keras_layer = getattr(ours.layers, layer)(-1), getattr(theirs.layers, layer)(-1)
    np.testing.assert_array_equal(np.asarray(mine(x)), keras_layer(x).numpy())
    assert mine.get_config()["padding"] == keras_layer.get_config()["padding"]
    assert mine.compute_output_shape((None,) + shape[1:]) == keras_layer.compute_output_shape((None,) + shape[1:])


def test_zero_padding_checks_what_keras_checks():
    theirs, ours = fresh_sessions()
    for k in (theirs, ours):   # a tuple entry and ZeroPadding1D's int are checked in Keras too
        with pytest.raises(ValueError):
            k.layers.ZeroPadding2D((-1, 2))
        with pytest.raises(ValueError):
            k.layers.ZeroPadding1D(-1)(np.ones((1, 4, 1), "float32"))
    with pytest.raises(ValueError, match=r"ZeroPadding2D.*crops the spatial sizes \(4, 4\)"):
        ours.layers.ZeroPadding2D(-3)(np.ones((1, 4, 4, 1), "float32"))


def test_random_flip_with_another_mode_flips_nothing_as_keras():
    theirs, ours = fresh_sessions()
    x = RNG.random((3, 4, 5, 2)).astype("float32")
    mine, keras_layer = ours.layers.RandomFlip("diagonal", seed=3), theirs.layers.RandomFlip("diagonal", seed=3)
    out = np.asarray(mine(x, training=True))
    np.testing.assert_array_equal(out, keras_layer(x, training=True).numpy())
    np.testing.assert_array_equal(out, x)
    assert mine.get_config()["mode"] == keras_layer.get_config()["mode"] == "diagonal"
    # its seed generator advanced as Keras's did: the same state after the draws
    np.testing.assert_array_equal(np.asarray(mine.generator.state.numpy()),
                                  keras_layer.generator.state.numpy())


def _fit_history(k, **kwargs):
    k.utils.set_random_seed(0)
    model = k.Sequential([k.Input((3,)), k.layers.Dense(1, kernel_initializer="ones")])
    model.compile(k.optimizers.SGD(0.1), "mse")
    x = np.arange(24, dtype="float32").reshape(8, 3) / 24
    history = model.fit(x, x[:, :1] * 2, batch_size=2, shuffle=False, verbose=0, **kwargs)
    return history.history


@pytest.mark.parametrize("kwargs", [dict(validation_split=1.5), dict(validation_split=1.2),
                                    dict(validation_split=-0.5), dict(steps_per_epoch=0, epochs=2),
                                    dict(validation_split=0.5, validation_steps=0)],
                         ids=["split_1.5", "split_1.2", "split_-0.5", "steps_per_epoch_0", "validation_steps_0"])
def test_fit_settings_keras_accepts(kwargs):
    theirs, ours = fresh_sessions()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # Keras warns that an empty validation part ran out of data; so do we
        expected = _fit_history(theirs, **kwargs)
        got = _fit_history(ours, **kwargs)
    assert sorted(got) == sorted(expected)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-5)


def test_empty_validation_part_warns_as_keras():
    _, ours = fresh_sessions()
    with pytest.warns(UserWarning, match="ran out of data"):
        assert sorted(_fit_history(ours, validation_split=-0.5)) == ["loss"]


@pytest.mark.parametrize("split", [2.0, -0.1, 1.0])
def test_fit_splits_keras_refuses(split):
    theirs, ours = fresh_sessions()
    for k in (theirs, ours):
        with pytest.raises(ValueError, match="validation_split"):
            try:
                _fit_history(k, validation_split=split)
            except ValueError as error:   # Keras's own data loader names no validation_split for 2.0
                if "validation_split" in str(error) or k is ours:
                    raise
                raise ValueError("validation_split: " + str(error)) from error


def test_zero_steps_mean_all_the_data_in_evaluate_and_predict():
    theirs, ours = fresh_sessions()
    x = RNG.random((7, 3)).astype("float32")
    results = []
    for k in (theirs, ours):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(1, kernel_initializer="ones")])
        model.compile("sgd", "mse")
        results.append((model.evaluate(x, x[:, :1], batch_size=2, steps=0, verbose=0),
                        np.asarray(model.predict(x, batch_size=2, steps=0, verbose=0))))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-6)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-6)


# Every metric's get_config, against Keras's.

def _metric_cases(k):
    """(class name, constructor arguments) for every Metric class keras.metrics exports (the required arguments
    filled in), then a few with non-default settings."""
    import inspect
    required = {"IoU": dict(num_classes=3, target_class_ids=[0]), "MeanIoU": dict(num_classes=3),
                "OneHotIoU": dict(num_classes=3, target_class_ids=[0]), "OneHotMeanIoU": dict(num_classes=3),
                "PrecisionAtRecall": dict(recall=0.5), "RecallAtPrecision": dict(precision=0.5),
                "SensitivityAtSpecificity": dict(specificity=0.5), "SpecificityAtSensitivity": dict(sensitivity=0.5),
                "MeanMetricWrapper": dict(fn="mean_squared_error")}
    names = sorted(n for n in dir(k.metrics) if inspect.isclass(getattr(k.metrics, n))
                   and issubclass(getattr(k.metrics, n), k.metrics.Metric) and n != "Metric")
    return [(n, required.get(n, {})) for n in names] + [
        ("FalseNegatives", dict(thresholds=0.3)), ("TruePositives", dict(thresholds=[0.2, 0.4])),
        ("CosineSimilarity", dict(axis=1)), ("Precision", dict(thresholds=[0.3, 0.6], top_k=2, class_id=1)),
        ("PrecisionAtRecall", dict(recall=0.5, num_thresholds=10, class_id=1)),
        ("AUC", dict(num_thresholds=11, curve="PR", summation_method="minoring", multi_label=True, num_labels=3)),
        ("MeanIoU", dict(num_classes=3, ignore_class=0, sparse_y_pred=False, axis=1)),
        ("F1Score", dict(average="macro", threshold=0.4)), ("SparseTopKCategoricalAccuracy", dict(k=2)),
        ("MeanMetricWrapper", dict(fn="mean_absolute_error", extra=3))]


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value.item() if isinstance(value, np.generic) else value


def test_every_metric_config_is_keras_config():
    theirs, ours = fresh_sessions()
    wrong = []
    for name, kwargs in _metric_cases(theirs):
        made = []
        for k in (theirs, ours):
            args = dict(kwargs)
            if "fn" in args:
                args["fn"] = k.losses.get(args["fn"])
            made.append(getattr(k.metrics, name)(**args))
        expected, got = (_plain(m.get_config()) for m in made)
        if list(got) != list(expected) or got != expected:
            wrong.append(f"{name}({kwargs}): ours {got}, Keras {expected}")
            continue
        again = _plain(type(made[1]).from_config(made[0].get_config()).get_config())   # Keras's config, read by us
        if again != expected:
            wrong.append(f"{name}({kwargs}) from Keras's config: ours {again}, Keras {expected}")
    assert not wrong, "\n".join(wrong)


# The JSON of masked functional models: Keras's graph records the keras.ops nodes that compute_mask runs on
# symbolic tensors (Embedding's not_equal, Masking's not_equal and any, a merge's logical_or, Concatenate's
# widening) and passes their output as `mask=` to the layers whose call takes one.

def _masked_lstm(k):
    x = k.Input((5,), dtype="int32", name="tok")
    h = k.layers.Embedding(10, 4, mask_zero=True, name="emb")(x)
    h = k.layers.LSTM(3, return_sequences=True, name="lstm")(h)
    return k.Model(x, k.layers.Dense(2, name="d")(h), name="m")


def _masking_layer(k):
    x = k.Input((5, 3), name="x")
    return k.Model(x, k.layers.LSTM(2, name="l")(k.layers.Masking(0.0, name="mk")(x)))


def _dense_between(k):
    x = k.Input((5,), dtype="int32", name="x")
    h = k.layers.Dense(3, name="d")(k.layers.Embedding(10, 4, mask_zero=True, name="e")(x))
    return k.Model(x, k.layers.GlobalAveragePooling1D(name="g")(h))


def _added(k):
    a, b = k.Input((5,), dtype="int32", name="a"), k.Input((5,), dtype="int32", name="b")
    h = k.layers.Add(name="add")([k.layers.Embedding(10, 4, mask_zero=True, name="e1")(a),
                                  k.layers.Embedding(10, 4, mask_zero=True, name="e2")(b)])
    return k.Model([a, b], k.layers.LSTM(2, name="l")(h))


def _concatenated(k):
    a, b = k.Input((5,), dtype="int32", name="a"), k.Input((5, 3), name="b")
    h = k.layers.Concatenate(name="c")([k.layers.Embedding(10, 4, mask_zero=True, name="e1")(a), b])
    return k.Model([a, b], k.layers.LSTM(2, name="l")(h))


def _wrapped(k):
    x = k.Input((5,), dtype="int32", name="x")
    h = k.layers.Embedding(10, 4, mask_zero=True, name="e")(x)
    h = k.layers.Bidirectional(k.layers.LSTM(2, return_sequences=True), name="bi")(h)
    h = k.layers.TimeDistributed(k.layers.Dense(3), name="td")(h)
    h = k.layers.Attention(name="att")([h, h])
    return k.Model(x, k.layers.GRU(2, name="l")(k.layers.Dropout(0.1, name="dr")(h)))


MASKED = [_masked_lstm, _masking_layer, _dense_between, _added, _concatenated, _wrapped]


@pytest.mark.parametrize("make", MASKED, ids=lambda f: f.__name__.strip("_"))
def test_masked_functional_json_is_keras_json(make):
    import json
    theirs, ours = fresh_sessions()
    expected = json.loads(make(theirs).to_json())
    model = make(ours)
    assert json.loads(model.to_json()) == expected
    # and the JSON builds a model that computes what this one computes, in nn.keras and in Keras
    again = ours.models.model_from_json(model.to_json())
    again.set_weights(model.get_weights())
    inputs = [np.array([[1, 2, 0, 0, 0], [3, 0, 1, 2, 0]], "int32") if t.dtype == "int32" else
              RNG.random((2,) + tuple(t.shape[1:])).astype("float32") for t in model.inputs]
    inputs = inputs if len(inputs) > 1 else inputs[0]
    np.testing.assert_allclose(np.asarray(again.predict(inputs, verbose=0)),
                               np.asarray(model.predict(inputs, verbose=0)), rtol=1e-6)
    keras_model = theirs.models.model_from_json(model.to_json())
    keras_model.set_weights(model.get_weights())
    np.testing.assert_allclose(keras_model.predict(inputs, verbose=0), np.asarray(model.predict(inputs, verbose=0)),
                               rtol=1e-4, atol=1e-6)


def test_ops_with_constructor_arguments_write_keras_configs():
    import json
    theirs, ours = fresh_sessions()

    def graph(k):
        x = k.Input((5, 3), name="x")
        outs = [k.ops.cast(x, "int32"), k.ops.sum(x, axis=1), k.ops.mean(x, axis=-1, keepdims=True),
                k.ops.reshape(x, (-1, 15)), k.ops.transpose(x, (0, 2, 1)), k.ops.squeeze(k.ops.expand_dims(x, 1), 1),
                k.ops.argmax(x, axis=-1), k.ops.max(x, axis=1), k.ops.softmax(x, axis=1), k.ops.clip(x, 0, 1),
                k.ops.take(x, [0, 1], axis=1), k.ops.stack([x, x], axis=1), k.ops.split(x, 3, axis=-1)[0],
                k.ops.tile(x, (1, 2, 1)), k.ops.any(x > 0.5, axis=1), k.ops.zeros_like(x, dtype="bool"),
                k.ops.top_k(x, 2)[0], k.ops.logsumexp(x, axis=1)]
        return k.Model(x, outs)
    expected = json.loads(graph(theirs).to_json())
    model = graph(ours)
    assert json.loads(model.to_json()) == expected
    x = RNG.random((2, 5, 3)).astype("float32")
    for a, b in zip(ours.models.model_from_json(model.to_json()).predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_merge_mask_is_the_or_of_the_inputs_masks_as_keras():
    """Keras's merge layers keep a step that any input keeps (nn.keras took the AND), and drop the mask when an
    input has none."""
    theirs, ours = fresh_sessions()
    a = np.array([[1, 2, 0, 0, 0]], "int32")
    b = np.array([[1, 2, 3, 4, 0]], "int32")
    results = []
    for k in (theirs, ours):
        model = _added(k)
        if k is ours:
            model.set_weights(results[0][1])
        results.append((np.asarray(model.predict([a, b], verbose=0)), model.get_weights()))
        x = k.Input((5,), dtype="int32")
        plain = k.Input((5, 4))
        merged = k.layers.Add()([k.layers.Embedding(10, 4, mask_zero=True)(x), plain])
        assert getattr(merged, "_keras_mask", None) is None   # one unmasked input: no mask
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-5, atol=1e-6)


# BackupAndRestore writes Keras 3's files: a backup folder resumes across the two.

def _backup_model(k, init=None):
    model = k.Sequential([k.Input((3,)), k.layers.Dense(4, activation="relu"), k.layers.Dense(1)])
    model.compile(k.optimizers.Adam(0.01), "mse")
    if init is not None:
        model.set_weights(init)
    return model


def _crash_at(k, at):
    class Crash(k.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == at:
                raise RuntimeError("simulated crash")
    return Crash()


BACKUP_X = RNG.random((32, 3)).astype("float32")
BACKUP_Y = RNG.random((32, 1)).astype("float32")


@pytest.mark.parametrize("writer,reader", [("keras", "ours"), ("ours", "keras"), ("ours", "ours")])
def test_backup_folder_resumes_across_keras_and_nn_keras(writer, reader, tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    kinds = {"keras": theirs, "ours": ours}
    init = _backup_model(theirs).get_weights()
    kw = dict(epochs=4, batch_size=8, shuffle=False, verbose=0)
    reference = _backup_model(theirs, init)
    full = reference.fit(BACKUP_X, BACKUP_Y, **kw)
    k = kinds[writer]
    with pytest.raises(RuntimeError, match="simulated crash"):
        _backup_model(k, init).fit(BACKUP_X, BACKUP_Y, callbacks=[k.callbacks.BackupAndRestore(tmp_path / "b"),
                                                                 _crash_at(k, 1)], **kw)
    assert sorted(os.listdir(tmp_path / "b")) == ["latest.weights.h5", "training_metadata.json"]
    k = kinds[reader]
    resumed_model = _backup_model(k)   # fresh weights and optimizer: everything comes from the backup
    resumed = resumed_model.fit(BACKUP_X, BACKUP_Y, callbacks=[k.callbacks.BackupAndRestore(tmp_path / "b")], **kw)
    assert resumed.epoch == [2, 3]
    assert int(resumed_model.optimizer.iterations) == 16
    np.testing.assert_allclose(resumed.history["loss"], full.history["loss"][2:], rtol=1e-4)
    for a, b in zip(resumed_model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_backup_files_are_keras_files(tmp_path):
    """Batch backups: the same files, metadata and HDF5 groups as Keras's, double_checkpoint's copies too."""
    h5py = pytest.importorskip("h5py")
    found = []
    for k in fresh_sessions():
        folder = tmp_path / k.__name__
        backup = k.callbacks.BackupAndRestore(folder, save_freq=3, double_checkpoint=True, delete_checkpoint=False)
        _backup_model(k).fit(BACKUP_X, BACKUP_Y, epochs=2, batch_size=8, verbose=0, callbacks=[backup])
        groups = {}
        with h5py.File(folder / "latest.weights.h5", "r") as handle:
            handle.visititems(lambda name, item: groups.setdefault(name, getattr(item, "shape", None)))
        found.append((sorted(os.listdir(folder)), (folder / "training_metadata.json").read_text(), groups))
    assert found[1] == found[0]


def test_backup_save_freq_as_keras_checks_it():
    theirs, ours = fresh_sessions()
    for k in (theirs, ours):
        k.callbacks.BackupAndRestore("b", save_freq=0)   # an int: accepted (a backup after every batch)
        with pytest.raises(ValueError, match="save_freq"):
            k.callbacks.BackupAndRestore("b", save_freq="batch")


def test_backup_without_h5py_is_one_safetensors_file(tmp_path, monkeypatch):
    import sys
    _, ours = fresh_sessions()
    monkeypatch.setitem(sys.modules, "h5py", None)
    model = _backup_model(ours)
    with pytest.raises(RuntimeError, match="simulated crash"):
        model.fit(BACKUP_X, BACKUP_Y, epochs=3, verbose=0,
                  callbacks=[ours.callbacks.BackupAndRestore(tmp_path / "b"), _crash_at(ours, 0)])
    assert os.listdir(tmp_path / "b") == ["latest.safetensors"]
    again = _backup_model(ours)
    assert again.fit(BACKUP_X, BACKUP_Y, epochs=3, verbose=0,
                     callbacks=[ours.callbacks.BackupAndRestore(tmp_path / "b")]).epoch == [1, 2]


# keras.saving.KerasFileEditor on Keras's and nn.keras's archives.

def _editor_run(k, path, tmp_path):
    """Everything the editor prints and finds for one file, with the counts compare() returns."""
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        editor = k.saving.KerasFileEditor(str(path))
        editor.summary()
        reference = k.Sequential([k.Input((3,)), k.layers.Dense(4), k.layers.BatchNormalization(), k.layers.Dense(2)])
        reference.compile("adam", "mse")
        result = editor.compare(reference)
        editor.delete_object("layers/dense_1")
        editor.rename_object("layers/dense", "dense_x")
        editor.add_weights("layers/dense_x", {"2": np.zeros(3, "float32")})
        editor.add_object("layers/extra", {"0": np.ones((2, 2), "float32")})
        editor.delete_weight("layers/batch_normalization", "3")
        editor.save("edited.weights.h5")   # a short relative name: Keras's console wraps long ones
        again = k.saving.KerasFileEditor("edited.weights.h5")
        again.summary()
    # the dates differ; Keras 3.15 counts its errors wrongly ("Found 16 errors" for 14 listed), so the listed
    # errors are compared
    lines = [line for line in out.getvalue().splitlines() if not line.startswith(("Saved with", "Found "))]
    return lines, result["status"], again.weights_dict


@pytest.mark.parametrize("writer", ["keras", "ours"])
def test_file_editor_as_keras(writer, tmp_path, monkeypatch):
    pytest.importorskip("h5py")
    monkeypatch.chdir(tmp_path)
    theirs, ours = fresh_sessions()
    k = theirs if writer == "keras" else ours
    model = k.Sequential([k.Input((3,)), k.layers.Dense(4), k.layers.BatchNormalization(), k.layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(BACKUP_X, BACKUP_Y, verbose=0)
    model.save("m.keras")
    expected = _editor_run(theirs, "m.keras", tmp_path)
    got = _editor_run(ours, "m.keras", tmp_path)
    assert got[0] == expected[0] and got[1] == expected[1] == "error"
    assert list(got[2]["layers"]) == list(expected[2]["layers"])
    for name, weights in expected[2]["layers"].items():
        for key, value in weights.items():
            np.testing.assert_array_equal(got[2]["layers"][name][key], value)
    # the edited file loads in Keras into the model it now describes
    edited = theirs.Sequential([theirs.Input((3,)), theirs.layers.Dense(4)])
    editor_file = tmp_path / "plain.weights.h5"
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):
        editor = ours.saving.KerasFileEditor(str(tmp_path / "m.keras"))
        for name in ("layers/batch_normalization", "layers/dense_1", "optimizer"):
            editor.delete_object(name)
        editor.save(str(editor_file))
    edited.load_weights(editor_file)
    np.testing.assert_array_equal(edited.get_weights()[0], model.get_weights()[0])


def test_file_editor_compare_success_and_lstm_kept(tmp_path):
    """A matching model compares clean; an LSTM's weights (in its 'cell' group) are kept, where Keras 3.15's
    editor drops the whole layer (and so reports it missing)."""
    pytest.importorskip("h5py")
    import contextlib
    import io
    _, ours = fresh_sessions()
    model = _recurrent_sequential(ours)[0]
    model.save(tmp_path / "r.keras")
    with contextlib.redirect_stdout(io.StringIO()) as out:
        editor = ours.saving.KerasFileEditor(str(tmp_path / "r.keras"))
        result = editor.compare(_recurrent_sequential(ours)[0])
    assert result == {"status": "success", "error_count": 0, "match_count": 11}, out.getvalue()
    assert list(editor.weights_dict["layers"]["lstm"]["cell"]) == ["0", "1", "2"]


def test_file_editor_refusals(tmp_path, monkeypatch):
    import contextlib
    import io
    import sys
    _, ours = fresh_sessions()
    model = ours.Sequential([ours.Input((3,)), ours.layers.Dense(1)])
    from nn import serialization
    from nn.keras import weights_file
    # safetensors under a '.weights.h5' name, as nn.keras's save_weights wrote before leftovers6
    serialization.save(*weights_file.weight_arrays(model)[:1], tmp_path / "w.weights.h5")
    with contextlib.redirect_stdout(io.StringIO()):
        if pytest.importorskip("h5py"):
            with pytest.raises(ValueError, match="not an HDF5 file"):
                ours.saving.KerasFileEditor(str(tmp_path / "w.weights.h5"))
            with pytest.raises(ValueError, match="expected a `.keras` `.weights.h5` extension"):
                ours.saving.KerasFileEditor(str(tmp_path / "w.h5"))
        monkeypatch.setitem(sys.modules, "h5py", None)
        with pytest.raises(ImportError, match="pip install h5py"):
            ours.saving.KerasFileEditor(str(tmp_path / "w.weights.h5"))


def test_cifar_datasets_share_the_archive_lookup(tmp_path):
    """CIFAR10 and CIFAR100 find their archive and name a missing member through one helper."""
    import io
    import tarfile

    from nn.data.datasets import CIFAR10, CIFAR100
    from nn.data.datasets import cifar_archive
    for cls, folder, member in ((CIFAR10, "cifar10", "cifar-10-batches-bin/test_batch.bin"),
                                (CIFAR100, "cifar100", "cifar-100-binary/test.bin")):
        (tmp_path / folder).mkdir()
        with tarfile.open(tmp_path / folder / cls.filename, "w:gz") as archive:
            info = tarfile.TarInfo("unrelated.txt")
            info.size = 2
            archive.addfile(info, io.BytesIO(b"hi"))
        title = "CIFAR-10" if cls is CIFAR10 else "CIFAR-100"
        with pytest.raises(ValueError, match=f"lacks {member}; is it the binary version of {title} "):
            cls(root=tmp_path, train=False, download=False)
    assert CIFAR10.__init__.__code__.co_names.count("cifar_members") == 1
    assert CIFAR100.__init__.__code__.co_names.count("cifar_members") == 1
    assert callable(cifar_archive.cifar_members)
