"""keras.layers.ConvLSTM2D against real Keras 3 (torch backend): outputs, states and gradients."""
import numpy as np
import pytest

from nn import keras as our_keras

from .test_rnn_cells_oracle import _compare, _mask, _x


@pytest.mark.parametrize("kwargs", [
    dict(filters=3, kernel_size=3),
    dict(filters=2, kernel_size=(2, 3), padding="same", return_sequences=True, return_state=True),
    dict(filters=2, kernel_size=2, strides=2, padding="same", go_backwards=True, return_sequences=True),
    dict(filters=2, kernel_size=3, dilation_rate=2, use_bias=False, activation="relu"),
    dict(filters=2, kernel_size=3, padding="same", recurrent_dropout=0.3, return_state=True),
])
def test_conv_lstm2d_matches_keras(kwargs):
    _compare(lambda K: K.layers.ConvLSTM2D(**kwargs), _x(2, 3, 6, 5, 2), rtol=1e-4, atol=2e-5)


def test_conv_lstm2d_masked_and_channels_first_match_keras():
    _compare(lambda K: K.layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True),
             _x(3, 4, 5, 5, 2), mask=_mask(3, 4))
    _compare(lambda K: K.layers.ConvLSTM2D(2, 3, data_format="channels_first", return_sequences=True,
                                           return_state=True), _x(2, 3, 2, 6, 5))


def test_conv_lstm2d_config_round_trip_and_errors():
    layer = our_keras.layers.ConvLSTM2D(4, (3, 3), padding="same", dropout=0.1, return_sequences=True)
    config = layer.get_config()
    again = our_keras.layers.ConvLSTM2D.from_config(config)
    assert again.get_config() == config
    x = _x(2, 3, 5, 5, 2)
    import autograd as ag
    assert tuple(again(ag.tensor(x)).shape) == (2, 3, 5, 5, 4)
    with pytest.raises(ValueError, match="5-D inputs"):
        our_keras.layers.ConvLSTM2D(2, 3)(ag.tensor(_x(2, 3, 5, 2)))
    assert np.isfinite(again(ag.tensor(x), training=True).numpy()).all()
