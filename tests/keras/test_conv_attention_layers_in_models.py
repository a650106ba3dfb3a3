"""The transposed, depthwise, attention and einsum layers inside one functional model: weights copied from the
same model in real Keras 3 (torch backend) give the same predictions; save/load keeps them."""
import numpy as np

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(0)


def _model(K):
    query, value = K.Input(shape=(5, 6)), K.Input(shape=(4, 3))
    x = K.layers.MultiHeadAttention(2, 3, value_dim=2)(query, value)
    x = K.layers.Reshape((5, 6, 1))(x)
    x = K.layers.Conv2DTranspose(2, 3, strides=2, padding="same")(x)
    x = K.layers.DepthwiseConv2D(3, depth_multiplier=2)(x)
    x = K.layers.SeparableConv2D(3, 2, padding="same")(x)
    x = K.layers.EinsumDense("abcd,de->abce", (None, None, 4), bias_axes="e")(x)
    x = K.layers.Reshape((-1, 4))(x)
    x = K.layers.Conv1DTranspose(3, 2, strides=2)(x)
    x = K.layers.Attention(use_scale=True)([x, x])
    return K.Model([query, value], K.layers.AdditiveAttention()([x, x]))


def test_functional_model_matches_keras_and_survives_save(tmp_path):
    theirs, mine = _model(real_keras()), _model(ours)
    weights = [w + RNG.uniform(-0.1, 0.1, w.shape).astype(np.float32) for w in theirs.get_weights()]
    assert [w.shape for w in mine.get_weights()] == [w.shape for w in weights]
    theirs.set_weights(weights)
    mine.set_weights(weights)
    data = [RNG.standard_normal((2, 5, 6)).astype(np.float32), RNG.standard_normal((2, 4, 3)).astype(np.float32)]
    expected = theirs.predict(data, verbose=0)
    np.testing.assert_allclose(mine.predict(data, verbose=0), expected, rtol=1e-4, atol=1e-5)
    mine.save(tmp_path / "model.keras")
    loaded = ours.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(loaded.predict(data, verbose=0), expected, rtol=1e-4, atol=1e-5)
