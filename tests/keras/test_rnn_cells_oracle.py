"""keras.layers.RNN with SimpleRNNCell/LSTMCell/GRUCell, StackedRNNCells and a user's cell, against real
Keras 3 (torch backend): outputs, states and gradients for inputs and weights, masks, go_backwards."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as our_keras

from .oracle import real_keras


def _flat(value):
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _flat(item)]
    return [value]


def _run_keras(layer, x, cotangents, mask=None, training=False):
    import torch
    xt = torch.tensor(x, requires_grad=True)
    kwargs = {} if mask is None else {"mask": torch.tensor(mask)}
    outs = _flat(layer(xt, training=training, **kwargs))
    total = sum((o * torch.tensor(c)).sum() for o, c in zip(outs, cotangents))
    grads = torch.autograd.grad(total, [xt] + [w.value for w in layer.trainable_weights])
    return [o.detach().numpy() for o in outs], [g.numpy() for g in grads]


def _run_ours(layer, x, cotangents, mask=None, training=False):
    xt = ag.tensor(x, requires_grad=True)
    kwargs = {} if mask is None else {"mask": ag.tensor(mask)}
    outs = _flat(layer(xt, training=training, **kwargs))
    total = None
    for o, c in zip(outs, cotangents):
        term = (o * ag.tensor(c)).sum()
        total = term if total is None else total + term
    total.backward()
    return [o.detach().numpy() for o in outs], [t.grad.numpy() for t in [xt] + layer.trainable_weights]


def _compare(make_layer, x, mask=None, rtol=1e-4, atol=1e-5):
    """Build the layer in real Keras and in ours, copy Keras's weights over, compare everything."""
    K = real_keras()
    theirs, ours = make_layer(K), make_layer(our_keras)
    probe = _flat(theirs(x))
    ours(ag.tensor(x))
    ours.set_weights(theirs.get_weights())
    rng = np.random.default_rng(1)
    cotangents = [rng.standard_normal(tuple(p.shape)).astype(np.float32) for p in probe]
    their_out, their_grads = _run_keras(theirs, x, cotangents, mask)
    our_out, our_grads = _run_ours(ours, x, cotangents, mask)
    assert len(our_out) == len(their_out)
    for k, (a, b) in enumerate(zip(our_out, their_out)):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"output {k}")
    assert len(our_grads) == len(their_grads)
    for k, (a, b) in enumerate(zip(our_grads, their_grads)):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"gradient {k}")
    return ours


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _mask(batch, steps, seed=2):
    mask = np.random.default_rng(seed).random((batch, steps)) > 0.35
    mask[0, :2] = False     # a sequence whose first steps are masked
    mask[1, -2:] = False    # and one whose last steps are
    return mask


CELLS = {
    "simple_tanh": lambda L: L.SimpleRNNCell(4),
    "simple_relu": lambda L: L.SimpleRNNCell(4, activation="relu"),
    "simple_sigmoid_nobias": lambda L: L.SimpleRNNCell(3, activation="sigmoid", use_bias=False),
    "lstm": lambda L: L.LSTMCell(4),
    "lstm_relu": lambda L: L.LSTMCell(3, activation="relu", recurrent_activation="hard_sigmoid"),
    "lstm_recurrent_dropout": lambda L: L.LSTMCell(3, recurrent_dropout=0.4, dropout=0.2),
    "gru": lambda L: L.GRUCell(4),
    "gru_before": lambda L: L.GRUCell(3, reset_after=False),
    "gru_nobias_recurrent_dropout": lambda L: L.GRUCell(3, use_bias=False, recurrent_dropout=0.3),
}


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("go_backwards", [False, True])
def test_rnn_of_cell_matches_keras(cell, go_backwards):
    _compare(lambda K: K.layers.RNN(CELLS[cell](K.layers), return_sequences=True, return_state=True,
                                    go_backwards=go_backwards), _x(3, 5, 2))


@pytest.mark.parametrize("cell", ["simple_tanh", "simple_relu", "lstm", "gru", "gru_before"])
@pytest.mark.parametrize("zero_output", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_masked_rnn_matches_keras(cell, zero_output, go_backwards):
    _compare(lambda K: K.layers.RNN(CELLS[cell](K.layers), return_sequences=True, return_state=True,
                                    go_backwards=go_backwards, zero_output_for_mask=zero_output),
             _x(4, 6, 3), mask=_mask(4, 6))


@pytest.mark.parametrize("cell", ["simple_tanh", "lstm", "gru"])
def test_last_output_only_matches_keras(cell):
    _compare(lambda K: K.layers.RNN(CELLS[cell](K.layers)), _x(2, 4, 3))
    _compare(lambda K: K.layers.RNN(CELLS[cell](K.layers)), _x(3, 5, 3), mask=_mask(3, 5))


def test_stacked_cells_match_keras():
    _compare(lambda K: K.layers.RNN(K.layers.StackedRNNCells([K.layers.LSTMCell(3), K.layers.GRUCell(4),
                                                              K.layers.SimpleRNNCell(2)]),
                                    return_sequences=True, return_state=True), _x(2, 5, 3))
    _compare(lambda K: K.layers.RNN([K.layers.GRUCell(3), K.layers.LSTMCell(2)], return_state=True),
             _x(3, 4, 2), mask=_mask(3, 4))


def _minimal_cell_class(K):
    """The minimal custom cell of Keras's RNN documentation, written against module K."""
    class MinimalRNNCell(K.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform",
                                          name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                    name="recurrent_kernel")
            self.built = True

        def call(self, inputs, states):
            prev_output = states[0]
            h = K.ops.matmul(inputs, self.kernel)
            output = h + K.ops.matmul(prev_output, self.recurrent_kernel)
            return output, [output]
    return MinimalRNNCell


def test_custom_cell_from_keras_docs_matches_keras():
    _compare(lambda K: K.layers.RNN(_minimal_cell_class(K)(4), return_sequences=True, return_state=True),
             _x(2, 5, 3))
    _compare(lambda K: K.layers.RNN([_minimal_cell_class(K)(3), _minimal_cell_class(K)(2)], go_backwards=True),
             _x(2, 5, 3), mask=_mask(2, 5))


def test_custom_cell_in_a_model_trains():
    cell = _minimal_cell_class(our_keras)(8)
    model = our_keras.Sequential([our_keras.Input((6, 3)), our_keras.layers.RNN(cell),
                                  our_keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = _x(16, 6, 3), _x(16, 1, seed=3)
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.predict(x, verbose=0).shape == (16, 1)


@pytest.mark.parametrize("make", [CELLS["lstm"], CELLS["gru"], CELLS["simple_tanh"], CELLS["gru_before"]])
def test_cell_step_matches_keras(make):
    K = real_keras()
    import torch
    theirs, ours = make(K.layers), make(our_keras.layers)
    x = _x(3, 5)
    sizes = ours.state_size if isinstance(ours.state_size, list) else [ours.state_size]
    states = [_x(3, s, seed=4 + k) for k, s in enumerate(sizes)]
    their_out, their_states = theirs(torch.tensor(x), [torch.tensor(s) for s in states])
    ours.build((3, 5))
    ours.set_weights(theirs.get_weights())
    our_out, our_states = ours(ag.tensor(x), [ag.tensor(s) for s in states])
    np.testing.assert_allclose(our_out.numpy(), their_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    for a, b in zip(our_states, their_states):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]


def test_embedding_mask_reaches_the_rnn_as_in_keras():
    K = real_keras()
    import torch

    def build(M):
        return M.Sequential([M.Input((6,), dtype="int32"), M.layers.Embedding(9, 3, mask_zero=True),
                             M.layers.RNN(M.layers.GRUCell(4), return_sequences=True),
                             M.layers.RNN([M.layers.LSTMCell(3), M.layers.SimpleRNNCell(2)], go_backwards=True)])
    tokens = np.array([[0, 0, 3, 4, 5, 1], [2, 8, 7, 0, 0, 0], [1, 2, 0, 3, 0, 4]], np.int32)
    theirs, ours = build(K), build(our_keras)
    ours.set_weights(theirs.get_weights())
    expected = theirs(torch.tensor(tokens)).detach().numpy()
    np.testing.assert_allclose(ours.predict(tokens, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_cell_with_several_states_and_own_initial_state():
    """A user's cell with a list state_size and get_initial_state, in both libraries."""
    def make(K):
        class TwoStateCell(K.layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.units, self.state_size, self.output_size = units, [units, 1], units

            def build(self, input_shape):
                self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform",
                                              name="kernel")

            def get_initial_state(self, batch_size=None):
                return [K.ops.ones((batch_size, self.units)), K.ops.zeros((batch_size, 1))]

            def call(self, inputs, states):
                h, count = states
                out = K.ops.tanh(K.ops.matmul(inputs, self.kernel) + 0.5 * h)
                return out, [out, count + 1.0]
        return K.layers.RNN(TwoStateCell(3), return_sequences=True, return_state=True)
    ours = _compare(make, _x(2, 4, 3), mask=_mask(2, 4))
    assert ours.state_size == [3, 1]
