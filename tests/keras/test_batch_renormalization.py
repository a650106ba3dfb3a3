"""BatchNormalization(renorm=True) (batch renormalization) against real Keras 3.15: the same weights trained by fit
give the same losses, gamma/beta, moving and renorm statistics and predictions, with and without renorm_clipping,
for dense and channels-first convolutional inputs and with a mask; its weights, config and errors are Keras's.
(The convolution has no bias and trains with SGD: under a batch norm a bias's gradient is zero but for rounding,
and Adam turns such rounding noise into full learning-rate steps in either library's own direction.)"""
import numpy as np
import pytest

from tests.keras.oracle import real_keras

RNG = np.random.default_rng(0)


def _dense_model(k, **options):
    k.utils.set_random_seed(1)
    model = k.Sequential([k.Input((5,)), k.layers.Dense(6), k.layers.BatchNormalization(renorm=True, **options),
                          k.layers.Dense(2)])
    model.compile(k.optimizers.SGD(0.01), "mse")
    return model, RNG.standard_normal((16, 5)).astype("float32") * 3 + 1, RNG.standard_normal((16, 2)).astype("float32")


def _conv_model(k, **options):
    k.utils.set_random_seed(2)
    model = k.Sequential([k.Input((3, 6, 6)), k.layers.Conv2D(4, 3, data_format="channels_first", use_bias=False),
                          k.layers.BatchNormalization(axis=1, renorm=True, **options), k.layers.Flatten(),
                          k.layers.Dense(1)])
    model.compile(k.optimizers.SGD(0.01), "mse")
    return model, RNG.standard_normal((12, 3, 6, 6)).astype("float32"), RNG.standard_normal((12, 1)).astype("float32")


def _masked_model(k, **options):
    k.utils.set_random_seed(3)
    model = k.Sequential([k.Input((4,), dtype="int32"), k.layers.Embedding(10, 3, mask_zero=True),
                          k.layers.BatchNormalization(renorm=True, **options), k.layers.GlobalAveragePooling1D(),
                          k.layers.Dense(1)])
    model.compile(k.optimizers.SGD(0.05), "mse")
    tokens = RNG.integers(0, 10, (16, 4)).astype("int32")
    tokens[:, -1] = 0
    return model, tokens, RNG.standard_normal((16, 1)).astype("float32")


CLIPPED = {"renorm_clipping": {"rmax": 1.5, "rmin": 0.7, "dmax": 0.3}, "renorm_momentum": 0.9, "momentum": 0.8}


@pytest.mark.parametrize("build", [_dense_model, _conv_model, _masked_model], ids=["dense", "conv", "masked"])
@pytest.mark.parametrize("options", [{}, CLIPPED], ids=["default", "clipped"])
def test_training_matches_keras(build, options):
    from nn import keras as ours
    theirs = real_keras()
    (a, x, y), (b, _, _) = build(theirs, **options), build(ours, **options)
    b.set_weights(a.get_weights())
    history_a = a.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0).history["loss"]
    history_b = b.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(history_b, history_a, rtol=1e-4, atol=1e-6)
    norm_a = next(l for l in a.layers if "batch_normalization" in l.name)
    norm_b = next(l for l in b.layers if "batch_normalization" in l.name)
    assert [w.path for w in norm_b.weights] == [w.path for w in norm_a.weights]
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wb, wa, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(b.predict(x, verbose=0), a.predict(x, verbose=0), rtol=1e-4, atol=1e-5)
    assert norm_b.get_config() == norm_a.get_config()


@pytest.mark.parametrize("clipping, match", [({"rmax": 1, "tmax": 2}, "invalid keys"),
                                             ({"rmax": 0.5, "rmin": 1.0}, "rmax should be greater than rmin"),
                                             ({"dmax": -1}, "dmax should be non-negative")])
def test_bad_clipping_is_refused_as_keras(clipping, match):
    from nn import keras as ours
    theirs = real_keras()
    for k in (theirs, ours):
        with pytest.raises(ValueError, match=match):
            k.layers.BatchNormalization(renorm=True, renorm_clipping=clipping)


def test_config_round_trip_rebuilds_renorm():
    from nn import keras
    layer = keras.layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 2.0})
    again = keras.layers.BatchNormalization.from_config(layer.get_config())
    assert again.renorm and again.renorm_clipping == {"rmax": 2.0}
    again.build((None, 3))
    assert [w.name for w in again.weights] == ["gamma", "beta", "moving_mean", "moving_variance", "moving_stddev",
                                               "renorm_mean", "renorm_stddev"]
