"""Regressions found by the mixed-precision layer sweep (test_mixed_precision_layers.py): each failed before its fix
(a DtypeError, a float32 output where Keras gives the 16-bit compute dtype, or numbers off Keras's)."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn.keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(3)


@pytest.fixture
def mixed16():
    """'mixed_float16' in deepgrad's Keras for the test (and float32 after)."""
    ours.mixed_precision.set_global_policy("mixed_float16")
    yield
    ours.mixed_precision.set_global_policy("float32")


def _x(*shape):
    return ag.tensor(RNG.standard_normal(shape).astype(np.float32))


def _grads_are_float32(layer):
    assert layer.trainable_weights and all(w.grad is not None and w.grad.dtype == ag.float32
                                           for w in layer.trainable_weights)


@pytest.mark.parametrize("make", [lambda L: L.SimpleRNN(3), lambda L: L.GRU(3, reset_after=False),
                                  lambda L: L.LSTM(3, dropout=0.0)])
def test_bfloat16_sequences_count_as_float_in_recurrent_layers(make):
    # `dtype.kind == "f"` is False for bfloat16: the layers cast the sequences back to float32 (a DtypeError)
    layer = make(ours.layers)
    layer.dtype_policy = "mixed_bfloat16"
    out = layer(_x(2, 4, 3))
    assert out.dtype == ag.bfloat16
    out.float().sum().backward()
    _grads_are_float32(layer)


def test_bidirectional_and_rnn_over_cells_read_their_weights_in_float16(mixed16):
    # their inner layers / cells run by `run` / `call`, not __call__: their float32 weights met float16 inputs
    L = ours.layers
    for layer in (L.Bidirectional(L.LSTM(3)), L.RNN([L.GRUCell(3), L.LSTMCell(2)]), L.ConvLSTM2D(2, 3)):
        x = _x(2, 3, 5, 5, 2) if isinstance(layer, L.ConvLSTM2D) else _x(2, 4, 3)
        out = layer(x)
        assert out.dtype == ag.float16
        out.float().sum().backward()
        _grads_are_float32(layer)


def test_given_and_stateful_states_are_cast_to_the_compute_dtype(mixed16):
    L = ours.layers
    x = _x(2, 4, 3)
    zeros = [ag.zeros((2, 3)), ag.zeros((2, 3))]   # float32 states, as a user passes them
    assert L.LSTM(3)(x, initial_state=zeros).dtype == ag.float16
    assert L.RNN(L.LSTMCell(3))(x, initial_state=zeros).dtype == ag.float16
    stateful = L.GRU(3, stateful=True)
    first, second = stateful(x), stateful(x)
    assert second.dtype == ag.float16 and stateful.states[0].dtype == ag.float32
    assert not np.array_equal(first.float().numpy(), second.float().numpy())   # the states were kept
    ours.mixed_precision.set_global_policy("mixed_bfloat16")   # assigning bfloat16 states raised in numpy()
    stateful = L.SimpleRNN(3, stateful=True)
    stateful(x)
    assert stateful(x).dtype == ag.bfloat16 and stateful.states[0].dtype == ag.float32


def test_preprocessing_layers_return_keras_dtypes(mixed16):
    keras = real_keras()
    import torch
    L = ours.layers
    assert L.CenterCrop(2, 2)(_x(1, 4, 4, 1)).dtype == ag.float16                  # was float32
    assert L.Rescaling([0.5, 2.0])(_x(1, 3, 2)).dtype == ag.float16                 # a vector scale upcast it
    ints = ag.tensor(np.arange(6, dtype=np.int32).reshape(1, 6))
    assert L.Rescaling(0.5)(ints).dtype == ag.float16                               # integers gave float32
    assert L.Normalization(mean=1.0, variance=4.0)(_x(2, 3)).dtype == ag.float16    # float32 statistics upcast it
    assert L.Discretization([0.0], output_mode="one_hot")(_x(3)).dtype == ag.float16
    ours.mixed_precision.set_global_policy("float16")
    assert L.CategoryEncoding(3)(ag.tensor(np.array([[0, 2]]))).dtype == ag.float16  # Keras: the layer's dtype
    adapted = L.Normalization()
    adapted.adapt(np.ones((4, 2), np.float32))
    assert adapted.count.dtype == ag.int32                                           # Keras's count is int32
    # bfloat16: Keras rounds scale and offset to bfloat16 before x * scale + offset (ours was 1 bf16 ulp off)
    x = RNG.integers(0, 255, (64,)).astype(np.float32)
    theirs = keras.layers.Rescaling(1 / 255.0, offset=-0.5, dtype="bfloat16")(torch.tensor(x)).float().numpy()
    mine = L.Rescaling(1 / 255.0, offset=-0.5, dtype="bfloat16")(ag.tensor(x))
    np.testing.assert_array_equal(mine.float().numpy(), theirs)
    assert L.Discretization([0.0], dtype="bfloat16")(ag.tensor(x)).dtype == ag.int32   # bfloat16 numpy() raised


@pytest.mark.parametrize("policy", ["float16", "bfloat16"])
def test_normalization_layers_of_a_16_bit_policy_normalize_in_float32(policy):
    # their 16-bit gamma/beta met the float32 they normalize in: a DtypeError
    L = ours.layers
    for layer in (L.BatchNormalization(), L.LayerNormalization(), L.LayerNormalization(rms_scaling=True),
                  L.GroupNormalization(2)):
        layer.dtype_policy = policy
        out = layer(_x(4, 6) * 3, training=True)
        assert str(out.dtype) == policy and str(layer.gamma.dtype) == policy
        out.float().sum().backward()
        assert str(layer.gamma.grad.dtype) == policy


def test_multi_head_attention_masks_as_keras_in_float16():
    # the mask's fill followed the variable dtype (float32: -2.4e38, inf in float16), and Keras's fused kernel
    # attends in float32: a fully masked query row was 0.58 off Keras's
    keras = real_keras()
    import torch
    q, v = (RNG.standard_normal((2, 3, 6)).astype(np.float32) for _ in range(2))
    mask = np.array([[[1, 1, 0], [0, 0, 0], [1, 0, 0]]] * 2, bool)
    theirs = keras.layers.MultiHeadAttention(2, 4, dtype="mixed_float16")
    mine = ours.layers.MultiHeadAttention(2, 4, dtype="mixed_float16")
    expected = theirs(torch.tensor(q), torch.tensor(v), attention_mask=torch.tensor(mask))
    mine(ag.tensor(q), ag.tensor(v))
    mine.set_weights(theirs.get_weights())
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)   # no NumPy overflow casting the fill to float16
        out = mine(ag.tensor(q), ag.tensor(v), attention_mask=ag.tensor(mask))
    assert out.dtype == ag.float16
    np.testing.assert_allclose(out.float().numpy(), expected.detach().float().numpy(), atol=2e-3, rtol=2e-3)


def test_unit_normalization_and_a_normalizing_dot_make_no_overflow_warning_in_float16():
    # their 1e12 / 1e7 caps overflowed float16 with a RuntimeWarning (the cap is inf there, as in Keras)
    x = _x(3, 4).to(ag.float16)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        unit = ours.layers.UnitNormalization(dtype="float16")(x)
        cosine = ours.layers.Dot(axes=1, normalize=True, dtype="float16")([x, x])
    np.testing.assert_allclose(np.linalg.norm(unit.float().numpy(), axis=1), 1.0, atol=2e-3)
    np.testing.assert_allclose(cosine.float().numpy(), 1.0, atol=2e-3)


def test_a_policy_given_to_a_composite_layer_reaches_its_parts_as_in_keras():
    # were: MultiHeadAttention / GroupQueryAttention / ConvLSTM2D float32 outputs (their sub-layers took the
    # global policy), a DtypeError from RNN(float32 cell, mixed) and from Bidirectional either way round, and
    # TimeDistributed's output in the inner layer's dtype instead of its own
    L, M = ours.layers, {"dtype": "mixed_float16"}
    x = _x(2, 4, 3)
    expected = [  # (layer, its inputs, Keras 3.15's output dtype)
        (L.MultiHeadAttention(2, 3, **M), (x, x), ag.float16),
        (L.GroupQueryAttention(2, 4, 2, **M), (x, x), ag.float16),
        (L.ConvLSTM2D(2, 3, **M), (_x(2, 3, 5, 5, 2),), ag.float16),
        (L.RNN(L.LSTMCell(3), **M), (x,), ag.float16),
        (L.RNN(L.LSTMCell(3, **M)), (x,), ag.float32),
        (L.Bidirectional(L.LSTM(3), **M), (x,), ag.float16),
        (L.Bidirectional(L.LSTM(3, **M)), (x,), ag.float32),
        (L.TimeDistributed(L.Dense(2), **M), (x,), ag.float16),
        (L.TimeDistributed(L.Dense(2, **M)), (x,), ag.float32),
    ]
    for layer, inputs, dtype in expected:
        assert layer(*inputs).dtype == dtype, layer.name


def test_random_image_layers_keep_keras_dtypes_under_mixed_bfloat16():
    # RandomRotation / RandomZoom / RandomTranslation returned float32 under 'mixed_bfloat16' (bfloat16 counted
    # as not a float in the affine warp); RandomCrop in inference returns float32, as Keras 3's does
    images = ag.tensor(RNG.uniform(0, 1, (2, 6, 6, 3)).astype(np.float32))
    L, M = ours.layers, {"dtype": "mixed_bfloat16"}
    for layer in (L.RandomRotation(0.2, seed=1, **M), L.RandomZoom(0.2, seed=1, **M),
                  L.RandomTranslation(0.2, 0.2, seed=1, **M)):
        out = layer(images, training=True)
        assert out.dtype == ag.bfloat16
        plain = type(layer).from_config({**layer.get_config(), "dtype": "float32"})(images, training=True)
        np.testing.assert_allclose(out.float().numpy(), plain.numpy(), atol=3e-2)
    assert L.RandomCrop(4, 4, **M)(images, training=True).dtype == ag.bfloat16
    assert L.RandomCrop(4, 4, **M)(images, training=False).dtype == ag.float32
    # keras.ops.image.affine_transform rounded bfloat16 images to integers (they counted as integer images)
    shear = ag.tensor(np.array([[1, 0.1, 0.3, 0, 1, 0.2, 0, 0]] * 2, np.float32))
    warped = ours.ops.image.affine_transform(images.to(ag.bfloat16), shear)
    assert warped.dtype == ag.bfloat16
    np.testing.assert_allclose(warped.float().numpy(), ours.ops.image.affine_transform(images, shear).numpy(),
                               atol=2e-2)


def test_bfloat16_counts_as_a_float_in_image_ops_and_activations():
    # keras.ops.image.resize raised (iinfo of bfloat16), rgb_to_hsv and F.selu / mish / hardswish refused bfloat16
    import nn.functional as F
    images = ag.tensor(RNG.uniform(0, 1, (2, 6, 6, 3)).astype(np.float32))
    half = images.to(ag.bfloat16)
    resized = ours.ops.image.resize(half, (4, 4))
    assert resized.dtype == ag.bfloat16
    np.testing.assert_allclose(resized.float().numpy(), ours.ops.image.resize(images, (4, 4)).numpy(), atol=2e-2)
    assert ours.ops.image.rgb_to_hsv(half).dtype == ag.bfloat16
    for fn in (F.selu, F.mish, F.hardswish):
        out = fn(half)
        assert out.dtype == ag.bfloat16
        np.testing.assert_allclose(out.float().numpy(), fn(images).numpy(), atol=2e-2)


def test_loss_scale_optimizer_unscales_the_gradient_of_a_scalar_weight():
    """A weight of shape () gets its gradient divided by the loss scale like the others (it was left
    scaled by 2**15, and three steps took it to -1.7e19), and training ends where Keras's does."""
    def train(keras):
        class Scale(keras.layers.Layer):
            def build(self, input_shape):
                self.s = self.add_weight(shape=(), initializer="ones", name="s")
                self.w = self.add_weight(shape=(input_shape[-1], 1), initializer="ones", name="w")

            def call(self, x):
                return keras.ops.matmul(x, self.w) * self.s

        model = keras.Sequential([keras.Input((3,)), Scale()])
        model.compile(optimizer=keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.01)), loss="mse")
        x = np.arange(12, dtype="float32").reshape(4, 3) / 10
        model.fit(x, np.ones((4, 1), "float32"), epochs=3, batch_size=4, verbose=0)
        return [np.asarray(v) for v in model.get_weights()]

    ours_weights = train(ours)
    for a, b in zip(ours_weights, [0.88811, [[0.9669], [0.96365], [0.96039]]]):   # Keras 3.15's result
        np.testing.assert_allclose(a, b, rtol=1e-4)
    for a, b in zip(ours_weights, train(real_keras())):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
