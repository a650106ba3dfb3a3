"""Each layer against real Keras 3 (torch backend): same weights (copied from Keras), same inputs ->
same outputs, input gradients and weight gradients; get_weights shapes and order equal Keras's."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import assert_close_lists, keras_forward_and_grads, our_forward_and_grads, real_keras

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


# (name, factory(layers module) -> layer, input array(s), call kwargs)
CASES = [
    ("dense_relu", lambda L: L.Dense(5, activation="relu"), _x(4, 3), {}),
    ("dense_3d_no_bias", lambda L: L.Dense(4, use_bias=False, activation="tanh"), _x(2, 3, 6), {}),
    ("dense_softmax", lambda L: L.Dense(4, activation="softmax"), _x(5, 3), {}),
    ("conv2d_valid", lambda L: L.Conv2D(4, 3, activation="relu"), _x(2, 7, 6, 3), {}),
    ("conv2d_same_stride2", lambda L: L.Conv2D(3, (3, 2), strides=2, padding="same"), _x(2, 7, 8, 2), {}),
    ("conv2d_same_even_kernel", lambda L: L.Conv2D(2, 4, padding="same"), _x(1, 6, 5, 3), {}),
    ("conv2d_dilated", lambda L: L.Conv2D(2, 3, dilation_rate=2), _x(1, 9, 9, 2), {}),
    ("conv2d_channels_first", lambda L: L.Conv2D(2, 3, data_format="channels_first"), _x(2, 3, 6, 6), {}),
    ("maxpool_valid", lambda L: L.MaxPooling2D(), _x(2, 7, 6, 3), {}),
    ("maxpool_same", lambda L: L.MaxPooling2D(3, strides=2, padding="same"), _x(2, 7, 6, 3), {}),
    ("avgpool_valid", lambda L: L.AveragePooling2D((2, 3)), _x(2, 6, 6, 2), {}),
    # symmetric padding: with uneven padding Keras's torch backend averages replicated edge values (its other
    # backends, and ours, average the real values only)
    ("avgpool_same", lambda L: L.AveragePooling2D(3, strides=2, padding="same"), _x(2, 7, 7, 2), {}),
    ("global_avg", lambda L: L.GlobalAveragePooling2D(), _x(2, 5, 4, 3), {}),
    ("global_max", lambda L: L.GlobalMaxPooling2D(), _x(2, 5, 4, 3), {}),
    ("flatten", lambda L: L.Flatten(), _x(2, 3, 4, 5), {}),
    ("batchnorm_inference", lambda L: L.BatchNormalization(), _x(6, 4, 4, 3), {}),
    ("batchnorm_training", lambda L: L.BatchNormalization(), _x(6, 4, 4, 3), {"training": True}),
    ("batchnorm_axis1", lambda L: L.BatchNormalization(axis=1, momentum=0.9), _x(5, 3, 4), {"training": True}),
    ("layernorm", lambda L: L.LayerNormalization(), _x(3, 4, 5), {}),
    ("rescaling", lambda L: L.Rescaling(1 / 255.0, offset=-0.5), _x(2, 3), {}),
    ("activation_sigmoid", lambda L: L.Activation("sigmoid"), _x(3, 4), {}),
    ("activation_gelu", lambda L: L.Activation("gelu"), _x(3, 4), {}),
    ("simple_rnn", lambda L: L.SimpleRNN(4), _x(3, 5, 2), {}),
    ("simple_rnn_sequences", lambda L: L.SimpleRNN(3, return_sequences=True, go_backwards=True), _x(2, 4, 3), {}),
    ("lstm", lambda L: L.LSTM(4), _x(3, 5, 2), {}),
    ("lstm_sequences_state", lambda L: L.LSTM(3, return_sequences=True, return_state=True), _x(2, 6, 4), {}),
    ("lstm_backwards", lambda L: L.LSTM(3, go_backwards=True), _x(2, 6, 4), {}),
    ("gru", lambda L: L.GRU(4), _x(3, 5, 2), {}),
    ("gru_sequences_state", lambda L: L.GRU(3, return_sequences=True, return_state=True), _x(2, 6, 4), {}),
    ("bidirectional_lstm", lambda L: L.Bidirectional(L.LSTM(3, return_sequences=True)), _x(2, 5, 4), {}),
    ("bidirectional_gru_sum", lambda L: L.Bidirectional(L.GRU(3), merge_mode="sum"), _x(2, 5, 4), {}),
    ("concatenate", lambda L: L.Concatenate(), [_x(3, 2), _x(3, 4)], {}),
    ("add", lambda L: L.Add(), [_x(3, 4), _x(3, 4)], {}),
]


@pytest.mark.parametrize("name,factory,inputs,kwargs", CASES, ids=[c[0] for c in CASES])
def test_layer_matches_keras(name, factory, inputs, kwargs):
    keras = real_keras()
    keras.utils.set_random_seed(1)
    theirs, mine = factory(keras.layers), factory(ours.layers)
    shapes = [a.shape for a in inputs] if isinstance(inputs, list) else inputs.shape
    theirs.build(shapes)
    mine._build_for_shape([(None,) + s[1:] for s in shapes] if isinstance(inputs, list) else (None,) + shapes[1:])
    k_weights = theirs.get_weights()
    assert [w.shape for w in mine.get_weights()] == [w.shape for w in k_weights]
    if name.startswith("batchnorm"):  # non-trivial statistics, so inference mode is really tested
        k_weights = [w + RNG.uniform(0.1, 0.5, w.shape).astype(np.float32) for w in k_weights]
        theirs.set_weights(k_weights)
    mine.set_weights(k_weights)
    k_out, _ = keras_forward_and_grads(theirs, inputs, [np.zeros(1, np.float32)] * 3, **kwargs)
    cotangent = [RNG.standard_normal(o.shape).astype(np.float32) for o in k_out]
    theirs.set_weights(k_weights)  # undo a training-mode statistics update
    k_out, k_grads = keras_forward_and_grads(theirs, inputs, cotangent, **kwargs)
    o_out, o_grads = our_forward_and_grads(mine, inputs, cotangent, **kwargs)
    assert_close_lists(o_out, k_out, what=f"{name} output")
    assert_close_lists(o_grads, k_grads, rtol=2e-4, atol=2e-5, what=f"{name} gradient")
    if kwargs.get("training") and name.startswith("batchnorm"):
        # one forward in training mode (ours) vs the two Keras ran: compare after one more Keras-only run
        theirs.set_weights(k_weights)
        keras_forward_and_grads(theirs, inputs, cotangent, **kwargs)
        assert_close_lists(mine.get_weights(), theirs.get_weights(), what="moving statistics")


def test_embedding_matches_keras():
    keras = real_keras()
    ids = RNG.integers(0, 10, (3, 5))
    theirs, mine = keras.layers.Embedding(10, 4), ours.layers.Embedding(10, 4)
    theirs.build((None, 5))
    mine._build_for_shape((None, 5))
    mine.set_weights(theirs.get_weights())
    np.testing.assert_allclose(mine(ids).numpy(), np.asarray(theirs(ids).detach()), rtol=1e-6)


def test_normalization_adapt_matches_keras():
    keras = real_keras()
    data = (RNG.standard_normal((50, 3)) * [1.0, 5.0, 0.1] + [0.0, 2.0, -1.0]).astype(np.float32)
    theirs, mine = keras.layers.Normalization(), ours.layers.Normalization()
    theirs.adapt(data)
    mine.adapt(data)
    x = _x(4, 3)
    np.testing.assert_allclose(mine(x).numpy(), np.asarray(theirs(x).detach()), rtol=1e-4, atol=1e-5)
    assert [w.shape for w in mine.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]


def test_model_weights_round_trip_with_keras_order():
    keras = real_keras()

    def build(K):
        inputs = K.Input(shape=(6, 3))
        x = K.layers.Bidirectional(K.layers.LSTM(4, return_sequences=True))(inputs)
        x = K.layers.GRU(3)(x)
        x = K.layers.BatchNormalization()(x)
        return K.Model(inputs, K.layers.Dense(2, activation="softmax")(x))
    theirs, mine = build(keras), build(ours)
    weights = theirs.get_weights()
    assert [w.shape for w in mine.get_weights()] == [w.shape for w in weights]
    mine.set_weights(weights)
    x = _x(5, 6, 3)
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-4, atol=1e-6)
