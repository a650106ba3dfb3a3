"""Layer configs as Keras 3 writes them, found by a sweep over fifty layers built in both libraries (weights
copied across, outputs, weight names and shapes, get_config, count_params and compute_output_shape compared)."""
import pytest

from nn import keras

from .oracle import fresh_sessions


def _configs(make):
    theirs, ours = fresh_sessions()
    return make(theirs).get_config(), make(ours).get_config()


@pytest.mark.parametrize("make", [
    lambda k: k.layers.ConvLSTM1D(2, 3, kernel_regularizer="l2"), lambda k: k.layers.ConvLSTM2D(4, 2, padding="same"),
    lambda k: k.layers.TimeDistributed(k.layers.Dense(2)),
    lambda k: k.layers.Normalization(), lambda k: k.layers.Normalization(axis=None),
    lambda k: k.layers.Normalization(axis=(1, 2)),
])
def test_get_config_is_keras(make):
    """ConvLSTM wrote its initializers as names and lacked unroll / zero_output_for_mask; TimeDistributed put
    the wrapped layer object in its config; Normalization wrote axis -1 where Keras keeps the tuple (-1,)."""
    theirs, ours = _configs(make)
    assert ours == theirs


def test_time_distributed_comes_back_from_its_config():
    layer = keras.layers.TimeDistributed(keras.layers.Dense(3, activation="relu"))
    again = keras.layers.TimeDistributed.from_config(layer.get_config())
    assert isinstance(again.layer, keras.layers.Dense) and again.layer.units == 3
