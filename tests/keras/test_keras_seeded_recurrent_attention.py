"""Seeded Keras programs with recurrent dropout, MultiHeadAttention dropout and Bidirectional wrappers give
Keras's numbers after keras.utils.set_random_seed: the starting weights, the dropout masks in training (from
the layer's SeedGenerator with a `seed`, from the global stream without one), and the draws Keras takes in
inference too (its RNN draws a call's masks before its loop whether or not it trains). The oracle is real
Keras 3 on its torch backend (see test_keras_seeded_streams.py for keras.random and the other layers)."""
import numpy as np
import pytest

import autograd as ag
from nn import keras

from tests.helpers import skip_unless_pytorch_draws_generically

from .oracle import real_keras


def _np(value):
    return np.asarray(value.detach().cpu().numpy() if hasattr(value, "detach") else value)


def _close(ours, theirs, what):
    assert len(ours) == len(theirs), what
    for k, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-6, err_msg=f"{what}: entry {k}")


X = np.linspace(-1, 1, 2 * 5 * 3, dtype="float32").reshape(2, 5, 3)
RECURRENT_OPTIONS = [dict(dropout=0.3), dict(recurrent_dropout=0.3), dict(dropout=0.3, recurrent_dropout=0.4),
                     dict(dropout=0.3, seed=5), dict(dropout=0.3, recurrent_dropout=0.4, seed=5)]


def _recurrent_calls(k, kind, options):
    """Weights and the outputs of training, training, inference and training calls of one recurrent layer."""
    k.utils.set_random_seed(7)
    layer = getattr(k.layers, kind)(4, return_sequences=True, **options)
    t = k.ops.convert_to_tensor(X)
    outputs = [layer(t, training=flag) for flag in (True, True, False, True)]
    return layer.get_weights() + outputs, _np(layer.cell.seed_generator.state).tolist()


@pytest.mark.parametrize("options", RECURRENT_OPTIONS, ids=lambda o: "-".join(f"{k}{v}" for k, v in o.items()))
@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
def test_recurrent_layers_draw_kerass_dropout_masks_in_training_and_inference(kind, options):
    K = real_keras()
    skip_unless_pytorch_draws_generically("bernoulli")   # unseeded masks are torch's F.dropout
    (ours, our_state), (theirs, their_state) = _recurrent_calls(keras, kind, options), _recurrent_calls(K, kind,
                                                                                                        options)
    _close(ours, theirs, f"{kind}{options}")
    assert our_state == their_state   # a seeded layer advanced its generator once per mask, as Keras's


def _cells_calls(k, stacked):
    k.utils.set_random_seed(8)
    L = k.layers
    if stacked:
        cell = L.StackedRNNCells([L.LSTMCell(4, dropout=0.2, recurrent_dropout=0.3),
                                  L.GRUCell(3, recurrent_dropout=0.5, seed=2), L.SimpleRNNCell(2, dropout=0.4)])
    else:
        cell = L.GRUCell(4, dropout=0.3, recurrent_dropout=0.2, seed=9)
    layer = L.RNN(cell, return_sequences=True)
    t = k.ops.convert_to_tensor(X)
    outputs = [layer(t, training=flag) for flag in (True, False, True)]
    return layer.get_weights() + outputs


@pytest.mark.parametrize("stacked", [False, True])
def test_rnn_over_cells_starts_from_kerass_weights_and_draws_kerass_masks(stacked):
    K = real_keras()
    skip_unless_pytorch_draws_generically("bernoulli")
    _close(_cells_calls(keras, stacked), _cells_calls(K, stacked), "cells")


def _recurrent_fit(k):
    """A seeded fit of recurrent layers with dropout (shuffling, validation_split), predict, and a training
    call: the lines it prints."""
    k.utils.set_random_seed(21)
    x = np.random.normal(size=(64, 6, 3)).astype("float32")
    y = (x[:, :, 0].sum(1) > 0).astype("int64")
    L = k.layers
    model = k.Sequential([k.Input((6, 3)), L.LSTM(5, dropout=0.2, recurrent_dropout=0.3, return_sequences=True),
                          L.GRU(4, dropout=0.3, seed=11), L.Dense(2)])
    model.compile(optimizer=k.optimizers.Adam(0.01), loss=k.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=True, validation_split=0.25, verbose=0)
    lines = [f"{name} {['%.5f' % v for v in values]}" for name, values in history.history.items()]
    lines.append(f"predict {np.round(model.predict(x[:3], verbose=0), 4).tolist()}")
    lines.append(f"train {np.round(_np(model(x[:3], training=True)), 4).tolist()}")
    return lines


def test_a_seeded_fit_with_recurrent_dropout_prints_kerass_losses():
    K = real_keras()
    skip_unless_pytorch_draws_generically("bernoulli")
    import torch
    ours = _recurrent_fit(keras)
    after_ours = ag.rand(3).numpy()
    theirs = _recurrent_fit(K)
    after_theirs = torch.rand(3).numpy()
    assert ours == theirs
    np.testing.assert_array_equal(after_ours, after_theirs)   # as many global draws as Keras's


def _bidirectional_calls(k, kind, options):
    """A Bidirectional layer's weights and the outputs of training, training and inference calls."""
    k.utils.set_random_seed(3)
    layer = k.layers.Bidirectional(getattr(k.layers, kind)(4, return_sequences=True, **options))
    t = k.ops.convert_to_tensor(X)
    return layer.get_weights() + [layer(t, training=flag) for flag in (True, True, False)]


@pytest.mark.parametrize("options", [dict(), dict(dropout=0.3, recurrent_dropout=0.2), dict(dropout=0.3, seed=4)],
                         ids=["plain", "dropouts", "seeded"])
@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
def test_bidirectional_remakes_both_directions_from_the_config_as_keras(kind, options):
    """Keras makes the forward and the backward layer anew from the wrapped layer's config, so each draws its
    own default seeds (a SimpleRNN's SeedGenerator before its initializers) and the given layer is unused."""
    K = real_keras()
    skip_unless_pytorch_draws_generically("bernoulli")
    _close(_bidirectional_calls(keras, kind, options), _bidirectional_calls(K, kind, options), f"{kind}{options}")


def _simple_rnn_from_its_config(k):
    k.utils.set_random_seed(6)
    config = k.saving.serialize_keras_object(k.layers.SimpleRNN(3, dropout=0.2))
    layer = k.saving.deserialize_keras_object(config)
    layer.build((2, 4, 5))
    return config, layer


def test_a_recurrent_layer_from_its_config_makes_its_initializers_in_kerass_order():
    K = real_keras()
    (config, ours), (_, theirs) = _simple_rnn_from_its_config(keras), _simple_rnn_from_its_config(K)
    _close(ours.get_weights(), theirs.get_weights(), "SimpleRNN from its config")
    assert keras.saving.serialize_keras_object(ours)["config"] == config["config"]   # it survives the round trip
    assert isinstance(keras.initializers.get(config["config"]["kernel_initializer"]), keras.initializers.GlorotUniform)


Q = np.linspace(-1, 1, 2 * 4 * 8, dtype="float32").reshape(2, 4, 8)


def _attention_calls(k, kind, options):
    """An attention layer's weights, the outputs of training, training and inference calls, and the name the
    next automatically named Dropout gets (Keras's attention makes a Dropout sub-layer at build)."""
    k.utils.set_random_seed(3)
    if kind == "MultiHeadAttention":
        layer = k.layers.MultiHeadAttention(2, 3, **options)
    else:
        layer = k.layers.GroupQueryAttention(3, 4, 2, **options)
    t = k.ops.convert_to_tensor(Q)
    outputs = [layer(t, t, training=flag) for flag in (True, True, False)]
    return layer.get_weights() + outputs, k.layers.Dropout(0.1).name


@pytest.mark.parametrize("options", [dict(), dict(dropout=0.3), dict(dropout=0.3, seed=4),
                                     dict(dropout=0.3, use_gate=True)], ids=["plain", "dropout", "seeded", "gated"])
@pytest.mark.parametrize("kind", ["MultiHeadAttention", "GroupQueryAttention"])
def test_attention_starts_from_kerass_weights_and_draws_kerass_dropout_masks(kind, options):
    """Each projection gets its own copy of the kernel initializer (its own default seed) and the attention
    dropout is a Dropout made between the value and output projections, whose SeedGenerator draws the masks."""
    K = real_keras()
    skip_unless_pytorch_draws_generically("bernoulli")   # unseeded attention dropout is torch's F.dropout
    keras.backend.clear_session()
    K.backend.clear_session()
    (ours, our_next), (theirs, their_next) = _attention_calls(keras, kind, options), _attention_calls(K, kind,
                                                                                                      options)
    _close(ours, theirs, f"{kind}{options}")
    assert our_next == their_next


def _attention_fit(k):
    k.utils.set_random_seed(5)
    x = np.random.normal(size=(48, 5, 6)).astype("float32")
    y = (x[:, :, 0].mean(1) > 0).astype("int64")
    L = k.layers
    inputs = k.Input((5, 6))
    attended = L.MultiHeadAttention(2, 4, dropout=0.2)(inputs, inputs)
    attended = L.MultiHeadAttention(2, 3, dropout=0.4, seed=1)(attended, attended)
    outputs = L.Dense(2)(L.GlobalAveragePooling1D()(attended))
    model = k.Model(inputs, outputs)
    model.compile(optimizer=k.optimizers.SGD(0.05), loss=k.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=True, verbose=0)
    return [f"loss {['%.5f' % v for v in history.history['loss']]}",
            f"train {np.round(_np(model(x[:2], training=True)), 4).tolist()}"]


def test_a_seeded_fit_with_attention_dropout_prints_kerass_losses():
    K = real_keras()
    skip_unless_pytorch_draws_generically("bernoulli")
    assert _attention_fit(keras) == _attention_fit(K)
