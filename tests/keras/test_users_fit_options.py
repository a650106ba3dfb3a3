"""Users' fit/evaluate programs, run with only the import changed: callbacks combined as users combine them
(EarlyStopping with restore_best_weights, ReduceLROnPlateau, LearningRateScheduler, CSVLogger, LambdaCallback,
a custom Callback stopping training), fit's options (validation_split, validation_data with weights, a
PyDataset, a generator, class_weight, sample_weight, initial_epoch, steps_per_epoch) and the *_on_batch
methods, each compared with real Keras 3 (torch backend)."""
import csv
import pickle
import random
import re

import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(2)
X = RNG.standard_normal((70, 6)).astype(np.float32)
Y = ((X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0)).astype(np.int64)
SW = RNG.uniform(0.5, 2, 70).astype(np.float32)


def _classifier(K):
    model = K.Sequential([K.Input(shape=(6,)), K.layers.Dense(8, activation="relu"),
                          K.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _pair(build=_classifier):
    keras = real_keras()
    theirs, mine = build(keras), build(ours)
    mine.set_weights(pickle.loads(pickle.dumps(theirs.get_weights())))
    return keras, theirs, mine


def _same_history(h_mine, h_theirs, rtol=2e-4, atol=2e-5):
    assert list(h_mine.history) == list(h_theirs.history)
    for key, values in h_theirs.history.items():
        np.testing.assert_allclose(h_mine.history[key], values, rtol=rtol, atol=atol, err_msg=key)
    assert h_mine.epoch == h_theirs.epoch


def _callbacks(K, folder, events):
    class StopBelow(K.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            events.append(("stop?", epoch, sorted(logs)))
            if logs["val_loss"] < 0.5:
                self.model.stop_training = True

    return [K.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True),
            K.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=1e-3),
            K.callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else lr * 0.9),
            K.callbacks.CSVLogger(str(folder / "log.csv")),
            K.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: events.append(("begin", epoch)),
                                       on_batch_end=lambda batch, logs: events.append(("batch", batch))),
            StopBelow()]


def _binary(K):
    model = K.Sequential([K.Input(shape=(6,)), K.layers.Dense(8, activation="relu"),
                          K.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=K.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def test_callbacks_combined_give_keras_history_logs_and_csv(tmp_path):
    keras, theirs, mine = _pair(_binary)
    y = (X[:, 0] - X[:, 2] > 0).astype(np.float32)[:, None]
    runs = []
    for model, K in ((theirs, keras), (mine, ours)):
        folder = tmp_path / K.__name__
        folder.mkdir()
        events = []
        callbacks = _callbacks(K, folder, events)
        history = model.fit(X[:60], y[:60], epochs=12, batch_size=10, shuffle=False, verbose=0,
                            validation_data=(X[60:], y[60:]), callbacks=callbacks)
        with open(folder / "log.csv") as f:
            rows = list(csv.DictReader(f))
        runs.append((history, events, rows, model.evaluate(X[60:], y[60:], verbose=0),
                     float(np.asarray(model.optimizer.learning_rate)), callbacks[0].stopped_epoch))
    (h_t, ev_t, rows_t, eval_t, lr_t, stop_t), (h_m, ev_m, rows_m, eval_m, lr_m, stop_m) = runs
    assert sorted(h_t.history) == ["accuracy", "learning_rate", "loss", "val_accuracy", "val_loss"]
    _same_history(h_m, h_t)
    assert ev_m == ev_t
    assert [list(r) for r in rows_m] == [list(r) for r in rows_t]
    for r_m, r_t in zip(rows_m, rows_t):
        for key in r_t:
            np.testing.assert_allclose(float(r_m[key]), float(r_t[key]), rtol=2e-4, atol=2e-6, err_msg=key)
    np.testing.assert_allclose(eval_m, eval_t, rtol=2e-4)
    np.testing.assert_allclose(lr_m, lr_t, rtol=1e-6)
    assert stop_m == stop_t


def test_early_stopping_restores_the_best_epoch_weights_as_keras():
    keras, theirs, mine = _pair()
    results = []
    for model, K in ((theirs, keras), (mine, ours)):
        stop = K.callbacks.EarlyStopping(monitor="val_accuracy", patience=2, restore_best_weights=True, mode="max")
        history = model.fit(X, Y, epochs=15, batch_size=8, shuffle=False, validation_split=0.3, verbose=0,
                            callbacks=[stop])
        results.append((history, stop.stopped_epoch, stop.best, model.get_weights()))
    _same_history(results[1][0], results[0][0])
    assert results[1][1:3] == pytest.approx(results[0][1:3])
    for a, b in zip(results[1][3], results[0][3]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


FIT_OPTIONS = {
    "validation_split_default_batch": dict(epochs=2, validation_split=0.2, shuffle=False),
    "class_weight": dict(epochs=2, batch_size=16, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, shuffle=False),
    "sample_weight": dict(epochs=2, batch_size=16, sample_weight=SW, shuffle=False),
    "initial_epoch": dict(epochs=4, initial_epoch=2, batch_size=16, shuffle=False),
    "weighted_validation_data": dict(epochs=2, batch_size=16, shuffle=False, validation_data=(X[:20], Y[:20], SW[:20])),
    "steps_per_epoch_goes_on": dict(epochs=4, batch_size=10, steps_per_epoch=3, shuffle=False),
}


@pytest.mark.parametrize("name", list(FIT_OPTIONS))
def test_fit_options_match_keras(name):
    _, theirs, mine = _pair()
    kw = dict(FIT_OPTIONS[name], verbose=0)
    _same_history(mine.fit(X, Y, **kw), theirs.fit(X, Y, **kw))


def test_validation_split_trains_on_keras_count_of_examples():
    # Keras trains on floor(n * (1 - split)) examples: 45 of 70 at 0.35 (rounding n * split kept 46)
    _, theirs, mine = _pair()
    kw = dict(epochs=2, batch_size=45, validation_split=0.35, shuffle=False, verbose=0)
    _same_history(mine.fit(X, Y, **kw), theirs.fit(X, Y, **kw))
    from nn.training.inputs import split_validation   # nn.Module.fit's split follows the same rule
    assert len(split_validation(X, Y, 0.35, "fit")[0]) == 45


def test_callbacks_get_keras_params_and_train_end_logs():
    keras, theirs, mine = _pair()
    seen = []
    for model, K in ((theirs, keras), (mine, ours)):
        class Recorder(K.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.given = list(self.params.items())

            def on_train_end(self, logs=None):
                self.end = sorted(logs)
        recorder = Recorder()
        history = model.fit(X, Y, epochs=2, batch_size=35, verbose=0, validation_split=0.2,
                            callbacks=[K.callbacks.LearningRateScheduler(lambda epoch, lr: lr), recorder])
        seen.append((recorder.given, recorder.end, sorted(history.history)))
    assert seen[1] == seen[0]   # what a callback adds to an epoch's logs (the rate) reaches History only
    assert "learning_rate" in seen[1][2] and "learning_rate" not in seen[1][1]


def test_verbose_callbacks_print_keras_messages_and_log_keras_rates(tmp_path, monkeypatch, capsys):
    real_keras()      # imported before the seed: Keras's first import draws from Python's random
    random.seed(3)    # the layers' default seeds come from Python's random (Keras's and, as Keras's, ours)
    keras, theirs, mine = _pair()
    rng = np.random.default_rng(4)
    noise = rng.integers(0, 3, 70)     # random labels: validation soon stops improving
    runs = []
    for model, K in ((theirs, keras), (mine, ours)):
        (tmp_path / K.__name__).mkdir()
        monkeypatch.chdir(tmp_path / K.__name__)
        callbacks = [K.callbacks.ModelCheckpoint("m-{epoch}.weights.h5", save_best_only=True, verbose=1),
                     K.callbacks.ReduceLROnPlateau(patience=1, factor=0.5, verbose=1),
                     K.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.9 if epoch > 2 else lr, verbose=1),
                     K.callbacks.EarlyStopping(patience=3, restore_best_weights=True, verbose=1)]
        capsys.readouterr()
        history = model.fit(X, noise, epochs=12, batch_size=10, shuffle=False, verbose=0, validation_split=0.25,
                            callbacks=callbacks)
        runs.append((capsys.readouterr().out, history.history["learning_rate"], history.epoch))
    assert "did not improve" in runs[0][0] and "early stopping" in runs[0][0]
    assert runs[1] == runs[0]


def _batches_dataset(K, calls):
    class Batches(K.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def __len__(self):
            return 3

        def __getitem__(self, index):
            calls.append(index)
            return X[index * 10:(index + 1) * 10], Y[index * 10:(index + 1) * 10]
    return Batches


def test_pydataset_and_generator_data_match_keras():
    keras, theirs, mine = _pair()
    h = []
    for model, K in ((theirs, keras), (mine, ours)):
        Batches = _batches_dataset(K, [])

        def generator():
            while True:
                for i in range(2):
                    yield X[i * 10:(i + 1) * 10], Y[i * 10:(i + 1) * 10]
        weights = model.get_weights()
        first = model.fit(Batches(), epochs=2, shuffle=False, verbose=0, validation_data=Batches())
        model.set_weights(weights)
        second = model.fit(generator(), steps_per_epoch=2, epochs=2, verbose=0, validation_data=generator(),
                           validation_steps=2)
        h.append((first, second))
    _same_history(h[1][0], h[0][0])
    _same_history(h[1][1], h[0][1])


def test_pydataset_batches_come_in_a_new_order_each_epoch_when_shuffled():
    calls = []
    model = _classifier(ours)
    ours.utils.set_random_seed(3)
    model.fit(_batches_dataset(ours, calls)(), epochs=4, verbose=0)
    del calls[0]   # the batch the first fit after compile reads to build the metrics, as Keras's
    epochs = [calls[k:k + 3] for k in range(0, 12, 3)]
    assert all(sorted(e) == [0, 1, 2] for e in epochs) and len({tuple(e) for e in epochs}) > 1
    calls.clear()
    model.fit(_batches_dataset(ours, calls)(), epochs=2, shuffle=False, verbose=0)
    assert calls == [0, 1, 2, 0, 1, 2]


def test_evaluate_and_on_batch_methods_match_keras():
    _, theirs, mine = _pair()
    assert mine.evaluate(X, Y, verbose=0, return_dict=True) == pytest.approx(
        theirs.evaluate(X, Y, verbose=0, return_dict=True), rel=2e-4)
    assert list(mine.evaluate(X, Y, verbose=0, return_dict=True)) == ["accuracy", "loss"]
    np.testing.assert_allclose(mine.evaluate(X, Y, batch_size=7, verbose=0),
                               theirs.evaluate(X, Y, batch_size=7, verbose=0), rtol=2e-4)
    for _ in range(2):
        np.testing.assert_allclose(mine.train_on_batch(X[:16], Y[:16]), theirs.train_on_batch(X[:16], Y[:16]),
                                   rtol=2e-4)
    np.testing.assert_allclose(mine.test_on_batch(X[:16], Y[:16], sample_weight=SW[:16]),
                               theirs.test_on_batch(X[:16], Y[:16], sample_weight=SW[:16]), rtol=2e-4)
    got = mine.train_on_batch(X[16:32], Y[16:32], return_dict=True)
    expected = theirs.train_on_batch(X[16:32], Y[16:32], return_dict=True)
    assert list(got) == list(expected) and got == pytest.approx(expected, rel=2e-4)
    np.testing.assert_allclose(mine.predict_on_batch(X[:3]), theirs.predict_on_batch(X[:3]), rtol=1e-4, atol=1e-6)


def _two_inputs(K):
    a, b = K.Input(shape=(3,), name="a"), K.Input(shape=(2,), name="b")
    return K.Model([a, b], K.layers.Dense(2, name="o")(K.layers.Concatenate()([a, b])))


def test_predict_on_a_list_or_dict_of_inputs_matches_keras():
    _, theirs, mine = _pair(_two_inputs)
    for x in ([X[:5, :3], X[:5, 3:5]], {"a": X[:5, :3], "b": X[:5, 3:5]}):
        np.testing.assert_allclose(mine.predict(x, verbose=0, batch_size=2), theirs.predict(x, verbose=0, batch_size=2),
                                   rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("verbose", [0, 2])
def test_verbose_prints_nothing_or_keras_two_lines_per_epoch(verbose, capsys):
    # verbose=1 draws Keras's bar whatever stdout is: tests/keras/test_keras_leftovers12.py
    _classifier(ours).fit(X, Y, epochs=2, batch_size=35, verbose=verbose, validation_split=0.2)
    lines = capsys.readouterr().out.splitlines()
    if verbose == 0:
        assert lines == []
        return
    assert [lines[0], lines[2]] == ["Epoch 1/2", "Epoch 2/2"] and len(lines) == 4
    assert re.fullmatch(r"2/2 - \d+s - \d+ms/step - accuracy: \d\.\d{4} - loss: \d\.\d{4} - "
                        r"val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}", lines[1]), lines[1]


def _rate_program(K, seen):
    class HalveRate(K.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            rate = float(K.ops.convert_to_numpy(self.model.optimizer.learning_rate))
            seen.append((epoch, round(rate, 6), self.params["epochs"], self.params["steps"]))
            if epoch == 1:
                self.model.optimizer.learning_rate.assign(rate / 2)
            if epoch == 2:
                self.model.optimizer.learning_rate = rate / 2

        def on_test_end(self, logs=None):
            seen.append(sorted(logs))

    model = K.Sequential([K.Input(shape=(6,)), K.layers.Dense(1)])
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    return model, HalveRate()


def test_a_callback_reads_and_assigns_the_learning_rate_as_keras():
    keras = real_keras()
    y = X.sum(1, keepdims=True)
    (theirs, cb_t), (mine, cb_m) = _rate_program(keras, seen_t := []), _rate_program(ours, seen_m := [])
    mine.set_weights(theirs.get_weights())
    kw = dict(epochs=4, batch_size=35, shuffle=False, verbose=0, validation_data=(X, y))
    h_t, h_m = theirs.fit(X, y, callbacks=[cb_t], **kw), mine.fit(X, y, callbacks=[cb_m], **kw)
    assert seen_m == seen_t
    _same_history(h_m, h_t)
    assert float(mine.optimizer.learning_rate) == pytest.approx(0.025)
    assert mine.optimizer.learning_rate.numpy().dtype == np.float32
