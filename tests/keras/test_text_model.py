"""A Keras text classifier (Embedding + Bidirectional(LSTM) + GlobalMaxPooling1D + Dense on padded integer
sequences) against real Keras 3 (torch backend) from copied weights: fit history, evaluate, predict and the
printed summary; and the 1-D global pooling layers alone, forward and gradients."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import keras_forward_and_grads, our_forward_and_grads, real_keras

RNG = np.random.default_rng(3)
N, STEPS, VOCAB = 64, 10, 40


def _padded_sequences():
    lengths = RNG.integers(3, STEPS + 1, N)
    x = np.zeros((N, STEPS), dtype="int32")
    for i, length in enumerate(lengths):
        x[i, STEPS - length:] = RNG.integers(1, VOCAB, length)
    y = np.isin(x, [3, 7, 11]).any(axis=1).astype("float32")
    return x, y


def _text_model(K):
    # named layers: the automatic names count the layers made earlier in the process
    inputs = K.Input(shape=(None,), dtype="int32", name="tokens")
    h = K.layers.Embedding(VOCAB, 12, name="embed")(inputs)
    h = K.layers.Bidirectional(K.layers.LSTM(6, return_sequences=True), name="bilstm")(h)
    h = K.layers.GlobalMaxPooling1D(name="max_over_time")(h)
    h = K.layers.Dense(8, activation="relu", name="hidden")(h)
    return K.Model(inputs, K.layers.Dense(1, activation="sigmoid", name="score")(h), name="classifier")


def _summary(model):
    lines = []
    model.summary(print_fn=lambda text, *a, **k: lines.append(text))
    return "\n".join(lines)


def test_text_classifier_fits_as_keras_does():
    keras = real_keras()
    x, y = _padded_sequences()
    theirs, mine = _text_model(keras), _text_model(ours)
    mine.set_weights(theirs.get_weights())
    histories = []
    for K, model in ((keras, theirs), (ours, mine)):
        model.compile(optimizer=K.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=["accuracy"])
        history = model.fit(x[:48], y[:48], epochs=3, batch_size=16, shuffle=False, verbose=0,
                            validation_data=(x[48:], y[48:]))
        histories.append((history.history, model.evaluate(x[48:], y[48:], verbose=0),
                          model.predict(x[:8], verbose=0)))
    (h_theirs, e_theirs, p_theirs), (h_mine, e_mine, p_mine) = histories
    assert set(h_mine) == set(h_theirs)
    for key in h_theirs:
        np.testing.assert_allclose(h_mine[key], h_theirs[key], atol=2e-5, err_msg=key)
    np.testing.assert_allclose(e_mine, e_theirs, atol=2e-5)
    np.testing.assert_allclose(p_mine, p_theirs, atol=2e-5)


def test_summary_of_a_chain_model_is_keras_text():
    keras = real_keras()
    theirs, mine = _summary(_text_model(keras)), _summary(_text_model(ours))
    assert "Connected to" not in mine
    assert mine.rstrip("\n") == theirs.rstrip("\n")


def test_summary_of_a_branching_model_keeps_connected_to():
    inputs = ours.Input(shape=(4,))
    a, b = ours.layers.Dense(3)(inputs), ours.layers.Dense(3)(inputs)
    text = _summary(ours.Model(inputs, ours.layers.Add()([a, b])))
    assert "Connected to" in text


@pytest.mark.parametrize("name", ["GlobalMaxPooling1D", "GlobalAveragePooling1D"])
@pytest.mark.parametrize("data_format,keepdims", [("channels_last", False), ("channels_first", True)])
def test_global_pooling_1d_matches_keras(name, data_format, keepdims):
    keras = real_keras()
    x = RNG.standard_normal((3, 5, 4)).astype(np.float32)
    theirs = getattr(keras.layers, name)(data_format=data_format, keepdims=keepdims)
    mine = getattr(ours.layers, name)(data_format=data_format, keepdims=keepdims)
    out_theirs, _ = keras_forward_and_grads(theirs, x, [np.ones(1, np.float32)])
    cotangent = [RNG.standard_normal(out_theirs[0].shape).astype(np.float32)]
    out_theirs, grads_theirs = keras_forward_and_grads(theirs, x, cotangent)
    out_mine, grads_mine = our_forward_and_grads(mine, x, cotangent)
    np.testing.assert_allclose(out_mine[0], out_theirs[0], atol=1e-6)
    np.testing.assert_allclose(grads_mine[0], grads_theirs[0], atol=1e-6)


def test_global_pooling_1d_names_the_shape_it_needs():
    with pytest.raises(ValueError, match=r"global_max_pooling1d.*ndim=3.*\(2, 3, 4, 5\).*GlobalMaxPooling2D"):
        ours.layers.GlobalMaxPooling1D()(ag.zeros(2, 3, 4, 5))
