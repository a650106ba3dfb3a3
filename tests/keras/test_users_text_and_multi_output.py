"""Two more Keras users' programs with only the import changed, against real Keras 3 (torch backend): a text
classifier (Embedding, Bidirectional(LSTM(return_sequences=True)), Dropout, GlobalAveragePooling1D, softmax,
sparse_categorical_crossentropy, 'accuracy'; TextVectorization needs TensorFlow in Keras 3, so the sequences
are integer ids) and a functional model with named outputs compiled with loss / loss_weights / metrics as
lists and as dicts."""
import pickle

import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(8)
N, STEPS, VOCAB, CLASSES = 60, 9, 30, 3


def _sequences():
    x = RNG.integers(1, VOCAB, (N, STEPS)).astype("int32")
    x[RNG.random((N, STEPS)) < 0.2] = 0
    y = (np.isin(x, [2, 5]).sum(1) + np.isin(x, [7]).sum(1) * 2) % CLASSES
    return x, y.astype("int64")


def _text_classifier(K, rate, mask_zero):
    inputs = K.Input(shape=(STEPS,), dtype="int32", name="tokens")
    h = K.layers.Embedding(VOCAB, 8, mask_zero=mask_zero, name="embed")(inputs)
    h = K.layers.Bidirectional(K.layers.LSTM(5, return_sequences=True), name="bilstm")(h)
    h = K.layers.Dropout(rate, name="drop")(h)
    h = K.layers.GlobalAveragePooling1D(name="mean_over_time")(h)
    outputs = K.layers.Dense(CLASSES, activation="softmax", name="classes")(h)
    model = K.Model(inputs, outputs, name="text")
    model.compile(optimizer=K.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _copied(build, *args):
    keras = real_keras()
    theirs, mine = build(keras, *args), build(ours, *args)
    mine.set_weights(pickle.loads(pickle.dumps(theirs.get_weights())))
    return theirs, mine


def test_masked_text_classifier_without_dropout_noise_trains_as_keras():
    x, y = _sequences()
    theirs, mine = _copied(_text_classifier, 0.0, True)
    kw = dict(epochs=2, batch_size=30, shuffle=False, verbose=0, validation_split=0.25)
    h_theirs, h_mine = theirs.fit(x, y, **kw), mine.fit(x, y, **kw)
    assert list(h_mine.history) == list(h_theirs.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    for key, values in h_theirs.history.items():
        np.testing.assert_allclose(h_mine.history[key], values, rtol=2e-4, atol=2e-5, err_msg=key)
    np.testing.assert_allclose(mine.predict(x[:6], verbose=0), theirs.predict(x[:6], verbose=0), atol=2e-5)


def test_text_classifier_with_dropout_predicts_as_keras_and_drops_only_in_training():
    x, y = _sequences()
    theirs, mine = _copied(_text_classifier, 0.5, True)
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=2e-5)
    np.testing.assert_allclose(mine.evaluate(x, y, verbose=0), theirs.evaluate(x, y, verbose=0), rtol=2e-4)
    first = mine.predict(x, verbose=0)
    np.testing.assert_array_equal(mine.predict(x, verbose=0), first)   # inference: no dropout
    history = mine.fit(x, y, epochs=4, batch_size=20, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert mine.predict(x, verbose=0).shape == (N, CLASSES)


XF = RNG.standard_normal((48, 5)).astype(np.float32)
YA = (XF[:, 0] > 0).astype(np.int64)
YB = XF[:, 1:3].sum(1, keepdims=True).astype(np.float32)


def _two_heads(K, form):
    features = K.Input(shape=(5,), name="features")
    h = K.layers.Dense(8, activation="relu", name="trunk")(features)
    a = K.layers.Dense(2, activation="softmax", name="out_a")(h)
    b = K.layers.Dense(1, name="out_b")(h)
    model = K.Model(features, [a, b])
    if form == "list":
        model.compile(optimizer=K.optimizers.Adam(0.01), loss=["sparse_categorical_crossentropy", "mse"],
                      loss_weights=[1.0, 0.3], metrics=[["accuracy"], ["mae", K.metrics.RootMeanSquaredError()]])
    else:
        model.compile(optimizer=K.optimizers.Adam(0.01),
                      loss={"out_a": "sparse_categorical_crossentropy", "out_b": "mse"},
                      loss_weights={"out_a": 2.0, "out_b": 0.5}, metrics={"out_a": "accuracy", "out_b": ["mse"]})
    return model


@pytest.mark.parametrize("form", ["list", "dict"])
def test_named_outputs_log_per_output_losses_and_metrics_as_keras(form):
    theirs, mine = _copied(_two_heads, form)
    y = [YA, YB] if form == "list" else {"out_a": YA, "out_b": YB}
    kw = dict(epochs=2, batch_size=16, shuffle=False, validation_split=0.25, verbose=0)
    h_theirs, h_mine = theirs.fit(XF, y, **kw), mine.fit(XF, y, **kw)
    expected_keys = {"list": ["loss", "out_a_accuracy", "out_a_loss", "out_b_loss", "out_b_mae",
                              "out_b_root_mean_squared_error"],
                     "dict": ["loss", "out_a_accuracy", "out_a_loss", "out_b_loss", "out_b_mse"]}[form]
    assert list(h_theirs.history) == list(h_mine.history) == expected_keys + [f"val_{k}" for k in expected_keys]
    for key, values in h_theirs.history.items():
        np.testing.assert_allclose(h_mine.history[key], values, rtol=2e-4, atol=2e-5, err_msg=key)
    # evaluate's list: loss, per-output losses, then the metrics (Keras's order)
    np.testing.assert_allclose(mine.evaluate(XF, y, verbose=0), theirs.evaluate(XF, y, verbose=0), rtol=2e-4)
    got, expected = mine.evaluate(XF, y, verbose=0, return_dict=True), theirs.evaluate(XF, y, verbose=0,
                                                                                       return_dict=True)
    assert list(got) == list(expected) and got == pytest.approx(expected, rel=2e-4)
    predicted = mine.predict(XF[:4], verbose=0)
    assert isinstance(predicted, list) and [p.shape for p in predicted] == [(4, 2), (4, 1)]
