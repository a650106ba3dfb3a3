"""keras.layers.RNN and its cells beyond the oracle comparisons: the fused SimpleRNN route is bit for bit the
step loop, initial states, dropout masks, get_config round trips, saving, and clear errors."""
import numpy as np
import pytest

import autograd as ag
from nn import keras

L = keras.layers


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _flat(value):
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _flat(item)]
    return [value]


def _outputs_and_grads(layer, x, mask=None):
    xt = ag.tensor(x, requires_grad=True)
    kwargs = {} if mask is None else {"mask": ag.tensor(mask)}
    outs = layer(xt, **kwargs)
    total = None
    for k, o in enumerate(outs):
        term = (o * (k + 1.5)).sum() + (o * o).sum()
        total = term if total is None else total + term
    total.backward()
    return [o.detach().numpy() for o in outs] + [t.grad.numpy() for t in [xt] + layer.trainable_weights]


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_fused_simple_rnn_route_is_the_loop_bit_for_bit(activation, go_backwards, masked):
    x = _x(3, 6, 4)
    mask = ag.tensor(np.random.default_rng(5).random((3, 6)) > 0.3) if masked else None
    layer = L.RNN(L.SimpleRNNCell(5, activation=activation), return_sequences=True, return_state=True,
                  go_backwards=go_backwards)
    layer(ag.tensor(x))
    results = []
    for fuse in (True, False):
        layer._fuse = fuse
        with ag.no_grad():
            results.append([o.numpy() for o in layer(ag.tensor(x), mask=mask)])
    for a, b in zip(*results):
        assert np.array_equal(a, b)


def test_fused_route_runs_only_without_gradients_on_cpu(monkeypatch):
    from nn.keras.layers import rnn_layer
    calls = []
    original = rnn_layer.RNN._run_fused
    monkeypatch.setattr(rnn_layer.RNN, "_run_fused", lambda self, *a: calls.append(1) or original(self, *a))
    layer = L.RNN(L.SimpleRNNCell(3))
    x = ag.tensor(_x(2, 4, 3))
    layer(x)                      # the weights require grad: the loop
    assert calls == []
    with ag.no_grad():
        layer(x)
    # numba's fused loop rounds tanh differently in the last bit: it keeps the loop
    assert calls == ([1] if str(x.device) == "cpu" else [])


def test_initial_state_matches_keras():
    from .oracle import real_keras
    K = real_keras()
    import torch
    x, h0, c0 = _x(2, 4, 3), _x(2, 5, seed=1), _x(2, 5, seed=2)
    theirs = K.layers.RNN(K.layers.LSTMCell(5), return_sequences=True, return_state=True)
    ours = L.RNN(L.LSTMCell(5), return_sequences=True, return_state=True)
    expected = theirs(torch.tensor(x), initial_state=[torch.tensor(h0), torch.tensor(c0)])
    ours(ag.tensor(x))
    ours.set_weights(theirs.get_weights())
    got = ours(ag.tensor(x), initial_state=[ag.tensor(h0), ag.tensor(c0)])
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_functional_model_with_states_and_initial_state():
    inputs = keras.Input((5, 3))
    out, h, c = L.RNN(L.LSTMCell(4), return_state=True)(inputs)
    seq = L.RNN(L.GRUCell(4), return_sequences=True)(inputs, initial_state=h)
    model = keras.Model(inputs, [out, c, seq])
    results = model.predict(_x(2, 5, 3), verbose=0)
    assert [r.shape for r in results] == [(2, 4), (2, 4), (2, 5, 4)]


def test_dropout_masks_are_per_sequence_and_reset():
    cell = L.SimpleRNNCell(6, dropout=0.5, recurrent_dropout=0.5, seed=0)
    layer = L.RNN(cell, return_sequences=True)
    x = np.ones((4, 5, 3), np.float32)
    inference = layer(ag.tensor(x)).numpy()
    np.testing.assert_array_equal(inference, layer(ag.tensor(x), training=False).numpy())
    training = layer(ag.tensor(x), training=True).numpy()
    assert not np.allclose(training, inference)
    assert cell._dropout_mask is None and cell._recurrent_dropout_mask is None
    # one input mask per sequence: with no recurrence, every step of a row sees the same dropped inputs
    plain = L.RNN(L.SimpleRNNCell(6, dropout=0.5, recurrent_initializer="zeros"), return_sequences=True)
    out = plain(ag.tensor(x), training=True).numpy()
    np.testing.assert_array_equal(out, np.repeat(out[:, :1], 5, axis=1))


def test_recurrent_dropout_draws_one_mask_per_gate():
    cell = L.LSTMCell(3, recurrent_dropout=0.5)
    cell.build((2, 4))
    cell(ag.tensor(_x(2, 4)), [ag.zeros((2, 3)), ag.zeros((2, 3))], training=True)
    assert len(cell._recurrent_dropout_mask) == 4
    cell.reset_recurrent_dropout_mask()
    assert cell._recurrent_dropout_mask is None


@pytest.mark.parametrize("make", [
    lambda: L.RNN(L.LSTMCell(3, dropout=0.1, unit_forget_bias=False), return_sequences=True, go_backwards=True),
    lambda: L.RNN(L.GRUCell(2, reset_after=False, activation="relu"), zero_output_for_mask=True),
    lambda: L.RNN(L.StackedRNNCells([L.SimpleRNNCell(2), L.LSTMCell(3)]), return_state=True),
    lambda: L.RNN([L.GRUCell(2), L.GRUCell(3)]),
])
def test_get_config_round_trip(make):
    layer = make()
    config = layer.get_config()
    again = type(layer).from_config(config)
    assert again.get_config() == config
    x = _x(2, 4, 3)
    layer(ag.tensor(x))
    again(ag.tensor(x))
    again.set_weights(layer.get_weights())
    for a, b in zip(_flat(layer(ag.tensor(x))), _flat(again(ag.tensor(x)))):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_cell_config_names_match_keras():
    from .oracle import real_keras
    K = real_keras()
    for name in ("SimpleRNNCell", "LSTMCell", "GRUCell"):
        ours = set(getattr(L, name)(3).get_config())
        theirs = set(getattr(K.layers, name)(3).get_config())
        assert theirs - {"implementation"} == ours, (name, theirs ^ ours)


def test_model_with_rnn_saves_and_loads(tmp_path):
    model = keras.Sequential([keras.Input((4, 3)), L.RNN([L.LSTMCell(3), L.GRUCell(2)], return_sequences=True),
                              L.RNN(L.SimpleRNNCell(2))])
    x = _x(2, 4, 3)
    path = str(tmp_path / "rnn.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_wrong_ranks_and_cells_are_clear_errors():
    with pytest.raises(ValueError, match=r"expects sequences \(batch, time, features...\), got .*\((None|2), 3\)"):
        L.RNN(L.LSTMCell(3))(ag.tensor(_x(2, 3)))
    cell = L.GRUCell(3)
    with pytest.raises(ValueError, match="one time step"):
        cell(ag.tensor(_x(2, 4, 3)), [ag.zeros((2, 3))])
    with pytest.raises(ValueError, match="call"):
        L.RNN(object())

    class NoStateSize:
        def call(self, inputs, states):
            return inputs, states
    with pytest.raises(ValueError, match="state_size"):
        L.RNN(NoStateSize())
    with pytest.raises(ValueError, match="mask must have shape"):
        L.RNN(L.LSTMCell(3))(ag.tensor(_x(2, 4, 3)), mask=ag.tensor(np.ones((2, 5), bool)))
    with pytest.raises(ValueError, match="stateful"):   # stateful needs a fixed batch size, as in Keras
        L.RNN(L.LSTMCell(3), stateful=True)(keras.Input((4, 3)))
    with pytest.raises(ValueError, match="dropout"):
        L.LSTMCell(3, dropout=1.5)
