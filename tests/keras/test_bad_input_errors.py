"""Bad input through the Keras surface, as users make it: each error names the model or layer, the shapes and
the fix (real Keras raises for the same programs; its wording differs)."""
import numpy as np
import pytest

from nn import keras


def _classifier():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")], name="clf")
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    return model


X = np.random.default_rng(0).standard_normal((20, 4)).astype(np.float32)
Y = np.eye(3, dtype=np.float32)[np.arange(20) % 3]


@pytest.mark.parametrize("shape", [(20, 5), (20, 4, 2)])
def test_sequential_names_the_expected_input_shape(shape):
    with pytest.raises(ValueError, match=r"clf: expected inputs of shape \(None, 4\).*got shape " + repr(shape).replace("(", r"\(").replace(")", r"\)")):
        _classifier().fit(np.zeros(shape, np.float32), Y, verbose=0)


def test_sequential_given_a_list_of_inputs_says_it_takes_one():
    with pytest.raises(ValueError, match="clf: a Sequential model takes one input array, got a list of 2"):
        _classifier().fit([X, X], Y, verbose=0)
    np.testing.assert_allclose(_classifier().predict([X], verbose=0).sum(-1), 1.0, rtol=1e-5)


def test_elementwise_merge_of_incompatible_shapes_names_the_layer_and_shapes():
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(4,))
    with pytest.raises(ValueError, match=r"sum_ab \(Add\): inputs have incompatible shapes \(None, 3\), \(None, 4\)"):
        keras.layers.Add(name="sum_ab")([a, b])
    assert tuple(keras.layers.Multiply()([a, keras.Input(shape=(1,))]).shape) == (None, 3)


def test_concatenate_with_mismatched_other_axes_names_the_shapes():
    a, b = keras.Input(shape=(5, 3)), keras.Input(shape=(6, 3))
    with pytest.raises(ValueError, match=r"join \(Concatenate, axis=-1\): inputs have shapes \(None, 5, 3\), \(None, 6, 3\)"):
        keras.layers.Concatenate(name="join")([a, b])
    assert tuple(keras.layers.Concatenate(axis=1)([a, b]).shape) == (None, 11, 3)


def test_integer_labels_with_categorical_crossentropy_point_to_the_sparse_loss():
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        _classifier().fit(X, np.arange(20) % 3, verbose=0)
