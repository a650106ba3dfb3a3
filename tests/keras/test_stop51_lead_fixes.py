"""Regressions for the lead's own fixes in stop 51, each compared with real Keras 3 on its torch backend."""
import numpy as np
import pytest

from .oracle import fresh_sessions


@pytest.mark.parametrize("value", [[1.0, 2.0], [[1, 2]], (1.0,), 3.0, np.float64(2.0)],
                         ids=["list", "nested int list", "tuple", "float", "numpy scalar"])
def test_rescaling_takes_python_data_as_one_tensor(value):
    theirs, ours = fresh_sessions()
    expected = theirs.layers.Rescaling(2.0, offset=0.5)(value)
    got = ours.layers.Rescaling(2.0, offset=0.5)(value)
    assert got.shape == tuple(expected.shape)
    assert str(got.dtype) == str(expected.dtype).replace("torch.", "")
    np.testing.assert_array_equal(got.numpy(), expected.numpy())


def test_rescaling_of_strings_is_refused_naming_the_layer():
    _, ours = fresh_sessions()
    with pytest.raises(ValueError, match="rescaling"):
        ours.layers.Rescaling(2.0)(["a"])
