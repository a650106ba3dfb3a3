"""Merge layers on a symbolic input with an unknown size beside a known one: Keras's shape rule (None, or the
first input's size for Concatenate's other axes), where deepgrad ran the layer at its probe size and refused."""
import numpy as np
import pytest

from nn import keras
from tests.keras.oracle import real_keras

# what Keras 3.15 gives, measured: a (None, 6, 8) input a, (None, None, 8) b, (None, 6, 1) c
CASES = [("Add", "ab", {}, (None, None, 8)), ("Add", "ba", {}, (None, None, 8)),
         ("Concatenate", "ab", {}, (None, 6, 16)), ("Concatenate", "ba", {}, (None, None, 16)),
         ("Concatenate", "ab", {"axis": 1}, (None, None, 8)), ("Multiply", "bc", {}, (None, None, 8)),
         ("Subtract", "cb", {}, (None, None, 8)), ("Maximum", "bb", {}, (None, None, 8))]


def _shape(lib, name, order, kwargs):
    inputs = {"a": lib.Input((6, 8)), "b": lib.Input((None, 8)), "c": lib.Input((6, 1))}
    return tuple(getattr(lib.layers, name)(**kwargs)([inputs[k] for k in order]).shape)


@pytest.mark.parametrize("name, order, kwargs, expected", CASES)
def test_symbolic_shape_is_keras_rule(name, order, kwargs, expected):
    assert _shape(keras, name, order, kwargs) == expected


def test_the_same_as_keras_live_and_the_model_runs():
    theirs = real_keras()
    for name, order, kwargs, _ in CASES:
        assert _shape(keras, name, order, kwargs) == _shape(theirs, name, order, kwargs)
    a, b = keras.Input((6, 8)), keras.Input((None, 8))
    model = keras.Model([a, b], keras.layers.Add()([a, b]))
    ones = np.ones((2, 6, 8), "float32")
    np.testing.assert_array_equal(model.predict([ones, ones], verbose=0), 2 * ones)
    with pytest.raises(ValueError, match="incompatible shapes"):
        model.predict([ones, np.ones((2, 5, 8), "float32")], verbose=0)
