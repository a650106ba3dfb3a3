"""Masking as Keras does it: Embedding(mask_zero=True) and Masking make a mask that reaches the recurrent layers,
GlobalAveragePooling1D, TimeDistributed heads, losses and metrics; compared with real Keras 3 (torch backend)."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import assert_close_lists, keras_forward_and_grads, our_forward_and_grads, real_keras

RNG = np.random.default_rng(5)
LENGTHS = [7, 5, 3, 1, 6, 4, 2, 7]


def _padded(vocab=20, steps=7, lengths=LENGTHS, left=False):
    x = RNG.integers(1, vocab, size=(len(lengths), steps))
    for i, n in enumerate(lengths):
        if left:
            x[i, :steps - n] = 0
        else:
            x[i, n:] = 0
    return x


RECURRENT = {
    "lstm": lambda K: K.layers.LSTM(5, return_sequences=True),
    "gru_backwards": lambda K: K.layers.GRU(4, return_sequences=True, go_backwards=True),
    "simple_rnn": lambda K: K.layers.SimpleRNN(3, return_sequences=True),
    "bi_gru": lambda K: K.layers.Bidirectional(K.layers.GRU(3, return_sequences=True)),
    "bi_lstm_sum": lambda K: K.layers.Bidirectional(K.layers.LSTM(3, return_sequences=True), merge_mode="sum"),
}


def _classifier(K, recurrent):
    model = K.Sequential([K.Input((7,), dtype="int32"), K.layers.Embedding(20, 6, mask_zero=True), recurrent(K),
                          K.layers.GlobalAveragePooling1D(), K.layers.Dropout(0.0),
                          K.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=K.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("kind", sorted(RECURRENT))
def test_imdb_like_classifier_fits_as_keras(kind):
    keras = real_keras()
    x, y = _padded(), RNG.integers(0, 2, size=(8, 1)).astype(np.float32)
    theirs, mine = _classifier(keras, RECURRENT[kind]), _classifier(ours, RECURRENT[kind])
    mine.set_weights(theirs.get_weights())
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    kw = dict(epochs=3, batch_size=4, shuffle=False, verbose=0)
    h_theirs, h_mine = theirs.fit(x, y, **kw).history, mine.fit(x, y, **kw).history
    for key, values in h_theirs.items():
        np.testing.assert_allclose(h_mine[key], values, rtol=1e-4, atol=1e-6, err_msg=key)
    for a, b in zip(mine.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kind", ["lstm_last", "gru_backwards_last", "bi_lstm_last", "bi_gru_state"])
def test_last_outputs_and_states_under_a_mask_match_keras(kind):
    keras = real_keras()
    x = _padded(left=kind == "gru_backwards_last")

    def build(K):
        inputs = K.Input((7,), dtype="int32")
        h = K.layers.Embedding(20, 4, mask_zero=True)(inputs)
        if kind == "lstm_last":
            out = K.layers.LSTM(5)(h)
        elif kind == "gru_backwards_last":
            out = K.layers.GRU(3, go_backwards=True)(h)
        elif kind == "bi_lstm_last":
            out = K.layers.Bidirectional(K.layers.LSTM(3))(h)
        else:
            out = K.layers.Concatenate()(K.layers.Bidirectional(K.layers.GRU(3, return_state=True))(h))
        return K.Model(inputs, out)
    theirs, mine = build(keras), build(ours)
    mine.set_weights(theirs.get_weights())
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def _tagger(K, masking_layer):
    inputs = K.Input((7,) if not masking_layer else (7, 3), dtype="int32" if not masking_layer else "float32")
    h = K.layers.Masking(0.0)(inputs) if masking_layer else K.layers.Embedding(20, 6, mask_zero=True)(inputs)
    h = K.layers.LSTM(5, return_sequences=True)(h)
    h = K.layers.TimeDistributed(K.layers.Dense(4, activation="relu"))(h)
    out = K.layers.Dense(3, activation="softmax")(h)
    model = K.Model(inputs, out)
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("masking_layer", [False, True])
def test_sequence_tagger_loss_and_accuracy_skip_masked_steps_as_keras(masking_layer):
    keras = real_keras()
    x = _padded()
    if masking_layer:
        x = RNG.standard_normal((8, 7, 3)).astype(np.float32) * (x[..., None] != 0)
    y = RNG.integers(0, 3, size=(8, 7))
    theirs, mine = _tagger(keras, masking_layer), _tagger(ours, masking_layer)
    mine.set_weights(theirs.get_weights())
    kw = dict(epochs=3, batch_size=4, shuffle=False, verbose=0)
    h_theirs, h_mine = theirs.fit(x, y, **kw).history, mine.fit(x, y, **kw).history
    for key, values in h_theirs.items():
        np.testing.assert_allclose(h_mine[key], values, rtol=1e-4, atol=1e-6, err_msg=key)
    assert np.allclose(theirs.evaluate(x, y, verbose=0), mine.evaluate(x, y, verbose=0), rtol=1e-4, atol=1e-6)


def test_masked_lstm_gradients_match_keras():
    keras = real_keras()
    x = RNG.standard_normal((4, 6, 3)).astype(np.float32)
    x[0, 4:] = 0.0
    x[2, :2] = 0.0
    x[3, 1] = 0.0
    pairs = []
    for K in (keras, ours):
        masking_layer = K.layers.Masking()
        lstm = K.layers.LSTM(4, return_sequences=True)
        pairs.append((masking_layer, lstm))
    cot = [RNG.standard_normal((4, 6, 4)).astype(np.float32)]
    theirs_model = keras.Sequential([pairs[0][0], pairs[0][1]])
    mine_model = ours.Sequential([pairs[1][0], pairs[1][1]])
    theirs_model.build((None, 6, 3))
    mine_model.build((None, 6, 3))
    mine_model.set_weights(theirs_model.get_weights())
    k_out, k_grads = keras_forward_and_grads(theirs_model, x, cot)
    o_out, o_grads = our_forward_and_grads(mine_model, x, cot)
    assert_close_lists(o_out, k_out, what="output")
    assert_close_lists(o_grads, k_grads, what="gradient")


def test_compute_mask_and_supports_masking():
    embedding = ours.layers.Embedding(10, 3, mask_zero=True)
    assert embedding.supports_masking and not ours.layers.Embedding(10, 3).supports_masking
    assert ours.layers.Dense(2).supports_masking and not ours.layers.Flatten().supports_masking
    mask = embedding.compute_mask(ag.tensor(np.array([[1, 0, 2]])), None)
    assert mask.numpy().tolist() == [[True, False, True]]
    values = ours.layers.Masking(0.0)(ag.tensor(np.array([[[1.0, 0.0], [0.0, 0.0]]], np.float32)))
    from nn.keras.masking import get_mask
    assert get_mask(values).numpy().tolist() == [[True, False]]
    assert get_mask(ours.layers.Dense(2)(values)).numpy().tolist() == [[True, False]]
    assert get_mask(ours.layers.Flatten()(values)) is None


def test_custom_layer_receives_the_mask():
    seen = {}

    class Probe(ours.layers.Layer):
        def call(self, inputs, mask=None):
            seen["mask"] = mask
            return inputs
    model = ours.Sequential([ours.Input((4,), dtype="int32"), ours.layers.Embedding(9, 2, mask_zero=True), Probe()])
    model.predict(np.array([[3, 1, 0, 0]]), verbose=0)
    assert seen["mask"].numpy().tolist() == [[True, True, False, False]]


def test_masked_layers_run_under_jit():
    layer = ours.Sequential([ours.Input((5,), dtype="int32"), ours.layers.Embedding(9, 3, mask_zero=True),
                             ours.layers.GRU(2), ours.layers.Dense(1)])
    step = ag.jit(lambda x: layer(x))
    a = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 6, 0]])
    b = np.array([[1, 0, 0, 0, 0], [3, 4, 5, 6, 7]])
    for x in (a, b, a):
        np.testing.assert_allclose(step(ag.tensor(x)).numpy(), layer(ag.tensor(x)).numpy(), rtol=1e-6, atol=1e-7)


def test_jit_compiled_fit_of_a_masked_tagger_gives_eager_numbers():
    x, y = _padded(), RNG.integers(0, 3, size=(8, 7))
    eager, compiled = _tagger(ours, False), _tagger(ours, False)
    compiled.compile(optimizer=ours.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                     metrics=["accuracy"], jit_compile=True)
    compiled.set_weights(eager.get_weights())
    kw = dict(epochs=2, batch_size=4, shuffle=False, verbose=0)
    h_eager, h_compiled = eager.fit(x, y, **kw).history, compiled.fit(x, y, **kw).history
    for key, values in h_eager.items():
        np.testing.assert_allclose(h_compiled[key], values, rtol=1e-6, err_msg=key)


MASKED_RECURRENT = {
    "gru_holes": lambda K: K.layers.GRU(4, return_sequences=True),
    "simple_rnn_backwards": lambda K: K.layers.SimpleRNN(3, return_sequences=True, go_backwards=True),
    "lstm_last": lambda K: K.layers.LSTM(4),
    "lstm_backwards_state": lambda K: K.layers.LSTM(3, go_backwards=True, return_state=True),
    "gru_state": lambda K: K.layers.GRU(2, return_sequences=True, return_state=True),
    "bi_lstm": lambda K: K.layers.Bidirectional(K.layers.LSTM(3, return_sequences=True)),
}


@pytest.mark.parametrize("name", sorted(MASKED_RECURRENT))
def test_masks_with_holes_and_empty_rows_match_keras(name):
    """Masks anywhere (holes, leading, trailing, a row with no kept step), every recurrent kind and
    direction, outputs, states and gradients against real Keras."""
    keras = real_keras()
    x = RNG.standard_normal((5, 6, 3)).astype(np.float32)
    x[0, 4:] = 0.0
    x[1, :2] = 0.0
    x[2, 1] = x[2, 3] = 0.0
    x[3] = 0.0                     # nothing kept
    models = []
    for K in (keras, ours):
        model = K.Sequential([K.Input((6, 3)), K.layers.Masking(), MASKED_RECURRENT[name](K)]) \
            if "state" not in name else None
        if model is None:          # return_state: a functional model with every output
            inputs = K.Input((6, 3))
            outputs = MASKED_RECURRENT[name](K)(K.layers.Masking()(inputs))
            model = K.Model(inputs, outputs)
        models.append(model)
    models[1].set_weights(models[0].get_weights())
    probe = models[0](x)
    shapes = [tuple(o.shape) for o in (probe if isinstance(probe, (list, tuple)) else [probe])]
    cot = [RNG.standard_normal(s).astype(np.float32) for s in shapes]
    k_out, k_grads = keras_forward_and_grads(models[0], x, cot)
    o_out, o_grads = our_forward_and_grads(models[1], x, cot)
    assert_close_lists(o_out, k_out, what="output")
    assert_close_lists(o_grads, k_grads, what="gradient")
