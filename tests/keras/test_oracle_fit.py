"""compile/fit/evaluate/predict against real Keras 3 (torch backend): from identical weights and data with
shuffle=False, the loss and metric history over 3 epochs, evaluate's list and predict's arrays agree within
float32 tolerance; summary() lists the same output shapes and parameter counts."""
import io
import re

import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(7)
X = RNG.standard_normal((96, 8)).astype(np.float32)
Y_CLASS = (X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1).astype(np.int64)
Y_BINARY = (X[:, 3] - X[:, 4] > 0).astype(np.float32)


def _mlp(K, out, activation, regularizer=None):
    return K.Sequential([K.Input(shape=(8,)),
                         K.layers.Dense(16, activation="relu", kernel_regularizer=regularizer),
                         K.layers.Dense(out, activation=activation)])


def _copy(theirs, mine):
    mine.set_weights(theirs.get_weights())


def _compare_history(h_ours, h_theirs, rtol=2e-4, atol=2e-5):
    assert sorted(h_ours.history) == sorted(h_theirs.history)
    for key, values in h_theirs.history.items():
        np.testing.assert_allclose(h_ours.history[key], values, rtol=rtol, atol=atol, err_msg=key)


OPTIMIZERS = [("Adam", {"learning_rate": 0.01}), ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
              ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
              ("RMSprop", {"learning_rate": 0.005}), ("Adagrad", {"learning_rate": 0.05}),
              ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1}),
              ("Adam", {"learning_rate": 0.01, "clipnorm": 0.1}), ("SGD", {"learning_rate": 0.1, "clipvalue": 0.01}),
              ("RMSprop", {"learning_rate": 0.005, "global_clipnorm": 0.5, "centered": True, "momentum": 0.5})]


@pytest.mark.parametrize("name,options", OPTIMIZERS, ids=[f"{n}-{'-'.join(map(str, o.values()))}"
                                                          for n, o in OPTIMIZERS])
def test_fit_history_matches_keras_for_each_optimizer(name, options):
    keras = real_keras()
    keras.utils.set_random_seed(0)
    theirs, mine = _mlp(keras, 3, "softmax"), _mlp(ours, 3, "softmax")
    _copy(theirs, mine)
    for model, K in ((theirs, keras), (mine, ours)):
        model.compile(optimizer=getattr(K.optimizers, name)(**options), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    kw = dict(epochs=3, batch_size=16, shuffle=False, validation_split=0.25, verbose=0)
    _compare_history(mine.fit(X, Y_CLASS, **kw), theirs.fit(X, Y_CLASS, **kw))
    np.testing.assert_allclose(mine.get_weights()[0], theirs.get_weights()[0], rtol=1e-3, atol=1e-5)


def test_binary_sigmoid_model_with_regulariser_class_weight_and_sample_weight():
    keras = real_keras()
    weights = RNG.uniform(0.5, 1.5, len(X)).astype(np.float32)
    results = []
    for K in (keras, ours):
        model = _mlp(K, 1, "sigmoid", K.regularizers.l2(0.01))
        results.append(model)
    theirs, mine = results
    _copy(theirs, mine)
    for model, K in ((theirs, keras), (mine, ours)):
        model.compile(K.optimizers.Adam(0.01), loss="binary_crossentropy",
                      metrics=["accuracy", K.metrics.Precision(), K.metrics.Recall()],
                      weighted_metrics=["accuracy"])
    kw = dict(epochs=3, batch_size=32, shuffle=False, verbose=0)
    _compare_history(mine.fit(X, Y_BINARY, sample_weight=weights, **kw),
                     theirs.fit(X, Y_BINARY, sample_weight=weights, **kw))
    kw["class_weight"] = {0: 1.0, 1: 3.0}
    _compare_history(mine.fit(X, Y_BINARY, **kw), theirs.fit(X, Y_BINARY, **kw))
    # (a dict: Keras's evaluate list repeats a weighted metric that shares an unweighted one's name)
    mine_results = mine.evaluate(X, Y_BINARY, verbose=0, return_dict=True)
    their_results = theirs.evaluate(X, Y_BINARY, verbose=0, return_dict=True)
    assert sorted(mine_results) == sorted(their_results)
    for key, value in their_results.items():
        assert mine_results[key] == pytest.approx(value, rel=1e-4, abs=1e-5), key
    np.testing.assert_allclose(mine.predict(X, verbose=0), theirs.predict(X, verbose=0), rtol=1e-4, atol=1e-6)
    assert isinstance(mine.predict(X, verbose=0), np.ndarray)


def test_logits_model_with_from_logits_and_one_hot_targets():
    keras = real_keras()
    theirs, mine = _mlp(keras, 3, None), _mlp(ours, 3, None)
    _copy(theirs, mine)
    one_hot = np.eye(3, dtype=np.float32)[Y_CLASS]
    for model, K in ((theirs, keras), (mine, ours)):
        model.compile("rmsprop", loss=K.losses.CategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy", K.metrics.TopKCategoricalAccuracy(k=2)])
    kw = dict(epochs=3, batch_size=16, shuffle=False, verbose=0, validation_data=(X[:20], one_hot[:20]))
    _compare_history(mine.fit(X, one_hot, **kw), theirs.fit(X, one_hot, **kw))
    loss, accuracy, top_k = mine.evaluate(X, one_hot, verbose=0)
    np.testing.assert_allclose([loss, accuracy, top_k], theirs.evaluate(X, one_hot, verbose=0), rtol=1e-4)


def _two_outputs(K):
    a, b = K.Input(shape=(5,), name="a"), K.Input(shape=(3,), name="b")
    h = K.layers.Dense(8, activation="relu")(K.layers.Concatenate()([a, b]))
    yes_no = K.layers.Dense(1, activation="sigmoid", name="yes_no")(h)
    kind = K.layers.Dense(3, activation="softmax", name="kind")(h)
    return K.Model(inputs=[a, b], outputs=[yes_no, kind])


def test_functional_two_inputs_two_outputs_with_loss_weights():
    keras = real_keras()
    theirs, mine = _two_outputs(keras), _two_outputs(ours)
    _copy(theirs, mine)
    xa, xb = X[:, :5], X[:, 5:]
    targets = [Y_BINARY[:, None], Y_CLASS]
    for model, K in ((theirs, keras), (mine, ours)):
        model.compile(K.optimizers.Adam(0.01), loss=["binary_crossentropy", "sparse_categorical_crossentropy"],
                      loss_weights=[1.0, 0.5], metrics=[["accuracy"], ["accuracy"]])
    kw = dict(epochs=3, batch_size=16, shuffle=False, verbose=0, validation_split=0.25)
    _compare_history(mine.fit([xa, xb], targets, **kw), theirs.fit([xa, xb], targets, **kw))
    np.testing.assert_allclose(mine.evaluate([xa, xb], targets, verbose=0),
                               theirs.evaluate([xa, xb], targets, verbose=0), rtol=1e-4, atol=1e-6)
    for model, K in ((theirs, keras), (mine, ours)):  # losses and targets as dicts by output name
        model.compile(K.optimizers.SGD(0.1), loss={"yes_no": "binary_crossentropy",
                                                   "kind": "sparse_categorical_crossentropy"},
                      metrics={"kind": "accuracy"})
    dict_targets = {"yes_no": targets[0], "kind": targets[1]}
    kw = dict(epochs=3, batch_size=16, shuffle=False, verbose=0)
    _compare_history(mine.fit({"a": xa, "b": xb}, dict_targets, **kw), theirs.fit({"a": xa, "b": xb}, dict_targets,
                                                                                   **kw))
    mine_out, theirs_out = mine.predict([xa, xb], verbose=0), theirs.predict([xa, xb], verbose=0)
    for m, t in zip(mine_out, theirs_out):
        np.testing.assert_allclose(m, t, rtol=1e-4, atol=1e-6)


def _convnet(K, frozen_base=False):
    inputs = K.Input(shape=(8, 8, 1))
    x = K.layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    x = K.layers.BatchNormalization()(x)
    x = K.layers.MaxPooling2D()(x)
    base = K.Model(inputs, x, name="base")
    base.trainable = not frozen_base
    top_in = K.Input(shape=(8, 8, 1))
    y = base(top_in, training=False) if frozen_base else base(top_in)
    y = K.layers.GlobalAveragePooling2D()(y)
    y = K.layers.Dropout(0.0)(y)
    return K.Model(top_in, K.layers.Dense(3, activation="softmax")(y)), base


@pytest.mark.parametrize("frozen", [False, True], ids=["trainable", "frozen_base"])
def test_convnet_with_batchnorm_trains_like_keras(frozen):
    keras = real_keras()
    (theirs, their_base), (mine, my_base) = _convnet(keras, frozen), _convnet(ours, frozen)
    _copy(theirs, mine)
    images = RNG.standard_normal((48, 8, 8, 1)).astype(np.float32)
    labels = RNG.integers(0, 3, 48)
    for model, K in ((theirs, keras), (mine, ours)):
        model.compile(K.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    kw = dict(epochs=3, batch_size=16, shuffle=False, verbose=0)
    before = my_base.get_weights()
    _compare_history(mine.fit(images, labels, **kw), theirs.fit(images, labels, **kw))
    for m, t in zip(mine.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(m, t, rtol=1e-3, atol=1e-5)
    if frozen:  # the frozen base, its batch-norm statistics included, did not change
        for m, b in zip(my_base.get_weights(), before):
            np.testing.assert_array_equal(m, b)


def _rows(text):
    """(type, output shape, params) per layer row of a summary table, wrapped cells joined; and the totals."""
    rows, current = [], None
    for line in text.splitlines():
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            if cells[0].endswith(")") and "(" in cells[0] and current is not None and current[0].endswith("(") is False \
                    and not cells[2]:
                current = [a + (" " if a and b else "") + b for a, b in zip(current, cells)]
                rows[-1] = current
                continue
            if cells[2] or cells[1]:
                current = cells
                rows.append(current)
            else:
                current = [a + (" " if a and b else "") + b for a, b in zip(current, cells)]
                rows[-1] = current
    described = [(re.search(r"\((\w+)\)$", r[0]).group(1), r[1].replace(" ", ""), r[2]) for r in rows]
    totals = re.findall(r"(Total|Trainable|Non-trainable) params: ([\d,]+)", text)
    return described, totals


def _summary(model):
    lines = []
    model.summary(print_fn=lambda text, *a, **k: lines.append(text))
    return "\n".join(lines)


@pytest.mark.parametrize("which", ["sequential", "functional", "recurrent"])
def test_summary_lists_the_shapes_and_counts_keras_lists(which):
    keras = real_keras()

    def build(K):
        if which == "sequential":
            return K.Sequential([K.Input(shape=(28, 28, 1)), K.layers.Conv2D(8, 3, activation="relu"),
                                 K.layers.MaxPooling2D(), K.layers.BatchNormalization(), K.layers.Flatten(),
                                 K.layers.Dropout(0.5), K.layers.Dense(10, activation="softmax")])
        if which == "functional":
            return _two_outputs(K)
        inputs = K.Input(shape=(None,), dtype="int32")
        x = K.layers.Embedding(100, 8)(inputs)
        x = K.layers.Bidirectional(K.layers.LSTM(6, return_sequences=True))(x)
        x = K.layers.Bidirectional(K.layers.GRU(5))(x)
        return K.Model(inputs, K.layers.Dense(1, activation="sigmoid")(x))
    theirs, mine = _rows(_summary(build(keras))), _rows(_summary(build(ours)))
    assert mine == theirs
