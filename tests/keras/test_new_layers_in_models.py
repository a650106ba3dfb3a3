"""The activation, shape, noise, normalisation and preprocessing layers inside models: fit, predict, masks that
pass through, and model.save / load_model round trips."""
import numpy as np

from nn import keras
from nn.keras import layers, masking

RNG = np.random.default_rng(13)


def _image_model():
    return keras.Sequential([
        keras.Input((6, 6, 2)),
        layers.Resizing(8, 8),
        layers.ZeroPadding2D(1),
        layers.Conv2D(4, 3),
        layers.PReLU(shared_axes=[1, 2]),
        layers.GroupNormalization(groups=2),
        layers.SpatialDropout2D(0.2),
        layers.UpSampling2D(interpolation="bilinear"),
        layers.Cropping2D(((1, 1), (2, 0))),
        layers.GaussianNoise(0.1),
        layers.GlobalAveragePooling2D(),
        layers.Dense(3),
        layers.LeakyReLU(),
        layers.ActivityRegularization(l2=1e-3),
        layers.Softmax(),
    ])


def test_image_model_fits_saves_and_loads(tmp_path):
    x = RNG.standard_normal((16, 6, 6, 2)).astype(np.float32)
    y = RNG.integers(0, 3, 16)
    model = _image_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert all(np.isfinite(history.history["loss"]))
    predictions = model.predict(x, verbose=0)
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(model.predict(x, verbose=0), predictions)   # the noise layers are off
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), predictions, rtol=1e-6, atol=1e-7)
    assert [type(a).__name__ for a in loaded.layers] == [type(a).__name__ for a in model.layers]


def test_volume_and_dot_functional_model_saves_and_loads(tmp_path):
    volume, query = keras.Input((4, 4, 4, 2)), keras.Input((3,))
    h = layers.MaxPooling3D()(layers.ZeroPadding3D(0)(volume))
    h = layers.AveragePooling3D(2, padding="same")(layers.UpSampling3D()(h))
    h = layers.Dense(3)(layers.GlobalMaxPooling3D()(h))
    out = layers.Dot(axes=1, normalize=True)([layers.UnitNormalization()(h), query])
    model = keras.Model([volume, query], layers.ReLU(max_value=0.5)(out))
    x = [RNG.standard_normal((5, 4, 4, 4, 2)).astype(np.float32), RNG.standard_normal((5, 3)).astype(np.float32)]
    expected = model.predict(x, verbose=0)
    assert expected.shape == (5, 1)
    model.save(tmp_path / "f.keras")
    np.testing.assert_allclose(keras.models.load_model(tmp_path / "f.keras").predict(x, verbose=0), expected,
                               rtol=1e-6, atol=1e-7)


def test_masks_pass_through_the_elementwise_layers():
    tokens = np.array([[3, 1, 0, 0], [2, 2, 2, 0]])
    embedded = layers.Embedding(5, 4, mask_zero=True)(tokens)
    expected = masking.get_mask(embedded).numpy()
    for layer in (layers.LeakyReLU(), layers.PReLU(), layers.ELU(), layers.ReLU(), layers.Identity(),
                  layers.GaussianNoise(0.1), layers.GaussianDropout(0.1), layers.AlphaDropout(0.1),
                  layers.SpatialDropout1D(0.1), layers.ActivityRegularization(), layers.UnitNormalization(),
                  layers.GroupNormalization(groups=2)):
        out = layer(embedded, training=True)
        assert masking.get_mask(out) is not None, layer.name
        np.testing.assert_array_equal(masking.get_mask(out).numpy(), expected, err_msg=layer.name)
    assert masking.get_mask(layers.RepeatVector(2)(embedded[:, 0])) is None
