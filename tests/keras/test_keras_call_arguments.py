"""Keras 3's Layer.__call__ converts every array argument, not only the first: a program
(tests/programs/keras_call_argument_conversion.py) prints what a layer's call receives for positional, keyword,
nested list, tuple and dict arguments, masks and Python values under the float32, float64 and mixed_float16
policies and with autocast off, on real Keras 3 and on deepgrad; plus direct checks of the conversion."""
import numpy as np
import pytest

from nn import keras

from .test_keras_programs import _assert_same_lines, printed_by_both


def test_call_argument_program_prints_what_keras_prints(capsys, tmp_path, monkeypatch):
    theirs, mine = printed_by_both("keras_call_argument_conversion", capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 60
    _assert_same_lines(mine, theirs, rtol=0, atol=0)


class _Seen(keras.layers.Layer):
    def call(self, x0, x=None, mask=None, extra=None):
        self.seen = (x0, x, mask, extra)
        return x0


def test_every_array_argument_reaches_call_as_a_tensor_of_the_compute_dtype():
    layer = _Seen(dtype="mixed_float16")
    layer(np.ones((2, 3)), np.zeros(3), mask=np.array([True, False]), extra={"k": [np.arange(2), np.float64(1.0)]})
    x0, x, mask, extra = layer.seen
    assert str(x0.dtype) == str(x.dtype) == "float16" and x.shape == (3,)
    assert str(mask.dtype) == "bool" and mask.tolist() == [True, False]
    assert extra["k"][0].dtype == np.int64 and str(extra["k"][1].dtype) == "float16"


def test_python_values_after_the_first_argument_are_refused_positionally_and_kept_as_keywords():
    layer = _Seen()
    with pytest.raises(ValueError, match="Only input tensors may be passed as positional arguments"):
        layer(np.ones((2, 3)), 3.0)
    layer(np.ones((2, 3)), extra=[1.5, "a"])
    assert layer.seen[3] == [1.5, "a"]


def test_autocast_off_keeps_float64_arrays():
    layer = _Seen(autocast=False)
    layer(np.ones((2, 3)), np.ones(2, dtype="float16"))
    assert layer.seen[0].dtype == np.float64 and layer.seen[1].dtype == np.float16
