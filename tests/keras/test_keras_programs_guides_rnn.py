"""Keras programs after keras.io's "Masking and padding" and "Working with RNNs" guides (tests/programs/
keras_masking_padding.py, keras_rnn_guide.py), run with real Keras 3 (torch backend) and, with only their import
changed, on deepgrad: both must print the same lines, numbers equal to within float32 noise.

Below them, one regression test per bug the programs found."""
import warnings

import numpy as np
import pytest

from nn import keras
from nn.keras import layers, ops

from .oracle import real_keras
from .test_keras_programs import _assert_same_lines, printed_by_both


@pytest.mark.parametrize("program", ["keras_masking_padding", "keras_rnn_guide"])
def test_guide_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 15
    _assert_same_lines(mine, theirs)


# ----- regression tests for the bugs these programs found ---------------------------------------------------

def test_compute_mask_of_numpy_inputs_is_a_tensor_an_lstm_takes_as_keras():
    """Embedding(mask_zero=True).compute_mask and Masking.compute_mask of a NumPy array returned a NumPy array
    (or failed on `.any(dim=...)`), which an LSTM's masked run could not use."""
    K = real_keras()
    tokens = np.array([[3, 1, 0, 0], [2, 2, 4, 0]])
    series = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 1.0]]], dtype="float32")
    seen = []
    for k in (K, keras):
        embedding = k.layers.Embedding(5, 2, mask_zero=True)
        embedding.build((None, 4))
        embedding.set_weights([np.arange(10, dtype="float32").reshape(5, 2) / 10])
        lstm = k.layers.LSTM(2)
        lstm.build((None, 4, 2))
        lstm.set_weights([np.full(w.shape, 0.1, "float32") for w in lstm.get_weights()])
        mask = embedding.compute_mask(tokens)
        out = lstm(embedding(tokens), mask=mask)
        found = k.layers.Masking().compute_mask(series)
        seen.append((k.ops.convert_to_numpy(mask).tolist(), k.ops.convert_to_numpy(out),
                     k.ops.convert_to_numpy(found).tolist()))
    assert seen[1][0] == seen[0][0] and seen[1][2] == seen[0][2] == [[True, False, True]]
    np.testing.assert_allclose(seen[1][1], seen[0][1], rtol=1e-5)


def test_a_layer_that_does_not_support_masking_warns_when_given_a_mask_as_keras():
    K = real_keras()
    caught = []
    for k in (K, keras):
        class Average(k.layers.Layer):
            def call(self, inputs, mask=None):
                return k.ops.mean(inputs, axis=1)
        embedded = k.layers.Embedding(5, 2, mask_zero=True)(np.array([[1, 2, 0]]))
        with warnings.catch_warnings(record=True) as log:
            warnings.simplefilter("always")
            Average(name="avg")(embedded)
        caught.append([str(w.message) for w in log if "does not support masking" in str(w.message)])
    assert caught[1] == caught[0] and len(caught[0]) == 1 and "Layer 'avg' (of type Average)" in caught[0][0]


def test_functional_outputs_keep_a_fixed_batch_size_as_keras():
    K = real_keras()
    shapes = []
    for k in (K, keras):
        inputs = k.Input((3, 2), batch_size=4)
        hidden = k.layers.Dense(5)(inputs)
        last = k.layers.LSTM(2)(hidden)
        model = k.Sequential([k.Input((3, 2), batch_size=4), k.layers.Dense(1)])
        free = k.layers.Dense(1)(k.Input((3,)))
        shapes.append([tuple(hidden.shape), tuple(last.shape), model.output_shape, tuple(free.shape)])
    assert shapes[1] == shapes[0] == [(4, 3, 5), (4, 2), (4, 3, 1), (None, 1)]


def _stateful_trace(k, make_layer):
    """Outputs of a stateful layer fed three chunks, its kept states, and its output after reset_state."""
    rng = np.random.default_rng(0)
    stream = rng.normal(size=(2, 6, 3)).astype("float32")
    inputs = k.Input((2, 3), batch_size=2)
    layer = make_layer(k)
    model = k.Model(inputs, layer(inputs))
    wrng = np.random.default_rng(1)
    model.set_weights([wrng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    chunks = [k.ops.convert_to_numpy(model(stream[:, 2 * i:2 * i + 2])) for i in range(3)]
    kept = [k.ops.convert_to_numpy(s) for s in layer.states]
    layer.reset_state()
    zeros = [k.ops.convert_to_numpy(s) for s in layer.states]
    again = k.ops.convert_to_numpy(model(stream[:, :2]))
    return chunks, kept, zeros, again, len(layer.weights), [s.path for s in layer.states]


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional"])
def test_stateful_recurrent_layers_carry_states_between_calls_as_keras(kind):
    """stateful=True raised 'not supported'; now the states live in 'rnn_state' Variables, carried from one
    call to the next and cleared by reset_state, as in Keras."""
    K = real_keras()

    def make_layer(k):
        if kind == "RNN":
            return k.layers.RNN(k.layers.LSTMCell(3), stateful=True)
        if kind == "Bidirectional":
            return k.layers.Bidirectional(k.layers.GRU(2, stateful=True), merge_mode="sum")
        return getattr(k.layers, kind)(3, stateful=True)
    theirs, mine = _stateful_trace(K, make_layer), _stateful_trace(keras, make_layer)
    for a, b in zip(mine[:2], theirs[:2]):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=2e-5, atol=1e-6)
    assert not np.allclose(mine[0][0], mine[0][1])   # the second chunk starts from the first one's states
    assert all((z == 0).all() for z in mine[2])
    np.testing.assert_allclose(mine[3], mine[0][0], rtol=1e-6)
    np.testing.assert_allclose(mine[3], theirs[3], rtol=2e-5, atol=1e-6)
    assert mine[4] == theirs[4]
    assert [p.rsplit("/", 1)[-1] for p in mine[5]] == [p.rsplit("/", 1)[-1] for p in theirs[5]]


def test_stateful_layer_errors_as_keras():
    K = real_keras()
    messages = []
    for k in (K, keras):
        found = []
        with pytest.raises(ValueError) as dynamic:
            k.Sequential([k.Input((3, 2)), k.layers.LSTM(2, stateful=True)])
        found.append("the batch size must be static" in str(dynamic.value))
        layer = k.layers.GRU(2, stateful=True)
        layer(np.ones((2, 3, 2), "float32"))
        with pytest.raises(ValueError) as wrong:
            layer(np.ones((4, 3, 2), "float32"))
        found.append("Expected batch size: 2" in str(wrong.value) and "Received batch size: 4" in str(wrong.value))
        with pytest.raises(AttributeError):
            k.layers.Bidirectional(k.layers.LSTM(2)).reset_state()
        plain = k.layers.LSTM(2)
        plain(np.ones((2, 3, 2), "float32"))
        plain.reset_state()                               # nothing to clear, no error
        found.append(plain.states)
        messages.append(found)
    assert messages[1] == messages[0] == [True, True, None]


def test_keras_variable_has_trainable_as_keras():
    K = real_keras()
    for k in (K, keras):
        frozen, free = k.Variable(np.zeros(2), trainable=False), k.Variable(np.zeros(2))
        assert (frozen.trainable, free.trainable) == (False, True)
        frozen.trainable = True
        assert frozen.trainable


def test_lambda_passes_a_mask_on_only_when_given_one_as_keras():
    """Lambda took no `mask` argument and always passed the incoming mask on; Keras's passes it on only with
    `mask=` (a callable or a mask), and hands the function `mask` / `training` when it takes them."""
    K = real_keras()
    tokens = np.array([[1, 2, 0, 0], [3, 0, 0, 0]])
    found = []
    for k in (K, keras):
        embedding = k.layers.Embedding(4, 2, mask_zero=True)
        embedding.build((None, 4))
        embedding.set_weights([np.arange(8, dtype="float32").reshape(4, 2)])
        vectors = embedding(tokens)
        keeps = k.layers.Lambda(lambda t: t + 1.0, mask=lambda t, previous: previous)
        fixed = k.layers.Lambda(lambda t: t, mask=k.ops.convert_to_tensor(np.ones((2, 4), bool)))
        total = k.layers.Lambda(lambda t, mask=None, training=None: k.ops.sum(
            t * k.ops.expand_dims(k.ops.cast(mask, t.dtype), -1), axis=1) * (2.0 if training else 1.0))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found.append([keeps.supports_masking, k.layers.Lambda(lambda t: t).supports_masking,
                          k.ops.convert_to_numpy(keeps.compute_mask(vectors, embedding.compute_mask(tokens))).tolist(),
                          k.ops.convert_to_numpy(fixed.compute_mask(vectors, None)).tolist(),
                          k.ops.convert_to_numpy(total(vectors)).tolist(),
                          k.ops.convert_to_numpy(total(vectors, training=True)).tolist()])
    assert found[1] == found[0]
    assert found[0][4] == [[6.0, 8.0], [6.0, 7.0]]


def test_a_stateful_model_trains_and_keeps_its_states_off_the_graph():
    """(Keras 3.15 on torch cannot fit a stateful RNN: its state assignment breaks torch's backward.) deepgrad
    keeps the states as values, so each batch starts from the last one's states with no gradient through them."""
    inputs = keras.Input((3, 2), batch_size=2)
    layer = layers.SimpleRNN(2, stateful=True)
    model = keras.Model(inputs, layers.Dense(1)(layer(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(4, 3, 2)).astype("float32")
    history = model.fit(x, np.ones((4, 1), "float32"), batch_size=2, epochs=2, shuffle=False, verbose=0)
    assert len(history.history["loss"]) == 2
    assert not layer.states[0].requires_grad and np.abs(ops.convert_to_numpy(layer.states[0])).sum() > 0
    layer.reset_states()
    assert (ops.convert_to_numpy(layer.states[0]) == 0).all()
