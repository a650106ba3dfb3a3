"""Every keras.optimizers class built explicitly (`optimizer.build(model.trainable_variables)`, as custom
training loops do) before training, against real Keras: the same slot variables, and the same weights and
slot values after three fit steps. ScheduleFreeAdamW's explicit build raised NameError before."""
import numpy as np
import pytest

from nn import keras as dk

from .oracle import real_keras

K = real_keras()   # sets KERAS_BACKEND=torch before the first import (else Keras picks TensorFlow)

NAMES = ["SGD", "Adam", "AdamW", "Adamax", "Adadelta", "Adafactor", "Adagrad", "Ftrl", "Lamb", "Lion", "Nadam",
         "RMSprop", "Muon", "ScheduleFreeAdamW"]


def _value(lib, v):
    return np.asarray(v.numpy() if lib is K else v)


def _train(lib, name):
    x = (np.arange(24, dtype="float32").reshape(8, 3) / 10) ** 2
    y = np.stack([x.sum(1), x[:, 0] - x[:, 2]], 1).astype("float32")
    model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2, kernel_initializer="ones",
                                                               bias_initializer="zeros")])
    optimizer = getattr(lib.optimizers, name)(learning_rate=0.01)
    optimizer.build(model.trainable_variables)
    paths = [v.path for v in optimizer.variables]
    model.compile(optimizer, "mse")
    model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    return paths, _value(lib, model.layers[0].kernel), [_value(lib, v) for v in optimizer.variables]


@pytest.mark.parametrize("name", NAMES)
def test_explicit_build_then_fit_matches_keras(name):
    if not hasattr(K.optimizers, name):
        pytest.skip(f"keras {K.__version__} has no optimizers.{name}")
    paths, kernel, slots = _train(dk, name)
    want_paths, want_kernel, want_slots = _train(K, name)
    assert paths == want_paths
    np.testing.assert_allclose(kernel, want_kernel, rtol=2e-5, atol=1e-6)
    assert len(slots) == len(want_slots)
    for got, want, path in zip(slots, want_slots, paths):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6, err_msg=path)
