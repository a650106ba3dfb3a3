"""DepthwiseConv1D/2D and SeparableConv1D/2D against real Keras 3 (torch backend)."""
import numpy as np
import pytest

from nn import keras as ours

from .layer_oracle_cases import check_config_round_trip, check_layer_against_keras

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


CASES = [
    ("dw2d_valid", lambda L: L.DepthwiseConv2D(3), (2, 5, 6, 3)),
    ("dw2d_multiplier_same_stride2", lambda L: L.DepthwiseConv2D((3, 2), strides=2, padding="same",
                                                                 depth_multiplier=2), (2, 7, 6, 3)),
    ("dw2d_dilated_relu_no_bias", lambda L: L.DepthwiseConv2D(2, dilation_rate=2, activation="relu",
                                                              use_bias=False), (1, 6, 6, 2)),
    ("dw2d_channels_first", lambda L: L.DepthwiseConv2D(3, depth_multiplier=3, padding="same",
                                                        data_format="channels_first"), (2, 2, 5, 4)),
    ("dw1d_same_multiplier", lambda L: L.DepthwiseConv1D(3, padding="same", depth_multiplier=2), (2, 7, 3)),
    ("dw1d_stride_dilation", lambda L: L.DepthwiseConv1D(2, strides=2, depth_multiplier=1), (2, 9, 2)),
    ("sep2d_valid", lambda L: L.SeparableConv2D(4, 3), (2, 6, 5, 3)),
    ("sep2d_same_stride2_multiplier", lambda L: L.SeparableConv2D(3, 3, strides=2, padding="same",
                                                                  depth_multiplier=2, activation="tanh"),
     (2, 7, 8, 2)),
    ("sep2d_dilated_channels_first", lambda L: L.SeparableConv2D(2, 2, dilation_rate=2,
                                                                 data_format="channels_first", use_bias=False),
     (1, 3, 6, 6)),
    ("sep1d_same", lambda L: L.SeparableConv1D(4, 3, padding="same", depth_multiplier=2), (2, 6, 3)),
    ("sep1d_stride", lambda L: L.SeparableConv1D(2, 4, strides=3), (2, 10, 2)),
]


@pytest.mark.parametrize("name,factory,shape", CASES, ids=[c[0] for c in CASES])
def test_depthwise_and_separable_match_keras(name, factory, shape):
    layer = check_layer_against_keras(factory, _x(*shape), RNG)
    check_config_round_trip(layer, _x(*shape))


def test_bad_inputs_name_the_layer_shapes_and_fix():
    layer = ours.layers.DepthwiseConv2D(3, name="dw")
    with pytest.raises(ValueError, match=r"(?s)layer 'dw' is incompatible with the layer: expected min_ndim=4, found ndim=3\. Full "
                                         r"shape received: \(2, 5, 3\).*use keras\.layers\.DepthwiseConv1D"):
        layer(_x(2, 5, 3))
    layer(_x(1, 5, 5, 3))
    with pytest.raises(ValueError, match=r"layer 'dw' is incompatible with the layer: expected axis -1 of input shape "
                                         r"to have value 3, but received input with shape \(1, 5, 5, 4\)"):
        layer(_x(1, 5, 5, 4))
    with pytest.raises(ValueError, match="SeparableConv1D: depth_multiplier, kernel_size and strides must be "
                                         "positive, got depth_multiplier=0"):
        ours.layers.SeparableConv1D(2, 3, depth_multiplier=0)
