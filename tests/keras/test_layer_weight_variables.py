"""Keras's Variable API on layer weights: assign, assign_add, assign_sub and numpy(), as Keras 3's."""
import numpy as np
import pytest

from nn import keras


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), keras.layers.BatchNormalization()])
    model(np.zeros((1, 3), np.float32))
    return model


def test_assign_sets_values_and_the_model_uses_them():
    model = _model()
    kernel, bias = model.layers[0].kernel, model.layers[0].bias
    kernel.assign(np.ones((3, 2)))
    bias.assign([1.0, 2.0])
    out = model.layers[0](np.ones((1, 3), np.float32))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out), [[4.0, 5.0]])
    assert kernel.numpy().dtype == np.float32 and isinstance(kernel.numpy(), np.ndarray)


def test_assign_add_and_sub_on_trainable_and_state_weights():
    model = _model()
    moving_mean = [w for w in model.weights if "moving_mean" in w.path][0]
    moving_mean.assign_add(np.full(2, 3.0))
    moving_mean.assign_sub(np.full(2, 1.0))
    np.testing.assert_allclose(moving_mean.numpy(), [2.0, 2.0])
    gamma = [w for w in model.weights if "gamma" in w.path][0]
    gamma.assign_add(1.0)
    np.testing.assert_allclose(gamma.numpy(), [2.0, 2.0])


def test_assign_of_the_wrong_shape_names_the_variable():
    kernel = _model().layers[0].kernel
    with pytest.raises(ValueError, match=r"kernel\.assign: the value's shape \(2, 3\) must match the variable's \(3, 2\)"):
        kernel.assign(np.zeros((2, 3)))


def test_trainable_flag_of_each_weight_follows_keras():
    from .oracle import real_keras
    real = real_keras()
    flags = []
    for K in (real, keras):
        model = K.Sequential([K.Input((3,)), K.layers.Dense(2), K.layers.BatchNormalization(), K.layers.Dense(1)])
        before = [w.trainable for w in model.weights]
        model.layers[0].trainable = False
        frozen = [w.trainable for w in model.weights]
        model.layers[2].kernel.trainable = False       # one variable frozen by hand leaves the optimizer's list
        flags.append((before, frozen, len(model.trainable_weights), len(model.non_trainable_weights)))
    assert flags[1] == flags[0]
    assert flags[1][0] == [True, True, True, True, False, False, True, True]
