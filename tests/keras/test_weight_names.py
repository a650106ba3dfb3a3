"""Keras layers' weights carry Keras's `.name`, the same as real Keras 3 gives for the same model, and a
`.path` of '<layer name>/<weight name>'."""
import numpy as np

from nn import keras as ours

from .oracle import real_keras


def _models(K):
    image = K.Sequential([K.Input((8, 8, 3)), K.layers.Conv2D(4, 3), K.layers.BatchNormalization(),
                          K.layers.Flatten(), K.layers.Dense(2)])
    text = K.Sequential([K.Input((5,), dtype="int32"), K.layers.Embedding(10, 4), K.layers.LSTM(3),
                         K.layers.Dense(2, use_bias=False)])
    return image, text


def test_weight_names_match_keras():
    for theirs, mine in zip(_models(real_keras()), _models(ours)):
        assert [w.name for w in mine.weights] == [w.name for w in theirs.weights]


def test_weight_path_names_the_layer():
    layer = ours.layers.Dense(3, name="head")
    layer.build((None, 4))
    assert [w.path for w in layer.weights] == ["head/kernel", "head/bias"]
    norm = ours.layers.BatchNormalization(name="bn")
    norm.build((None, 4))
    assert [w.path for w in norm.non_trainable_weights] == ["bn/moving_mean", "bn/moving_variance"]
    assert np.all(norm.moving_variance.numpy() == 1)
