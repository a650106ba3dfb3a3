"""Conv1DTranspose, Conv2DTranspose and Conv3DTranspose against real Keras 3 (torch backend)."""
import numpy as np
import pytest

from nn import keras as ours

from .layer_oracle_cases import check_config_round_trip, check_layer_against_keras

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


CASES_2D = [
    ("valid", dict(filters=3, kernel_size=3), (2, 5, 4, 2)),
    ("valid_stride2", dict(filters=2, kernel_size=(3, 2), strides=2), (2, 4, 5, 3)),
    ("valid_stride_above_kernel", dict(filters=2, kernel_size=2, strides=3), (1, 3, 4, 2)),
    ("same_stride2_odd", dict(filters=2, kernel_size=3, strides=2, padding="same"), (2, 4, 5, 2)),
    ("same_stride2_even", dict(filters=3, kernel_size=4, strides=2, padding="same"), (1, 3, 4, 2)),
    ("same_output_padding", dict(filters=2, kernel_size=3, strides=3, padding="same", output_padding=(1, 2)),
     (1, 3, 3, 2)),
    ("valid_output_padding", dict(filters=2, kernel_size=3, strides=2, output_padding=1), (1, 3, 4, 2)),
    ("dilated_same", dict(filters=2, kernel_size=3, dilation_rate=2, padding="same"), (1, 5, 6, 2)),
    ("dilated_valid_tanh", dict(filters=2, kernel_size=2, dilation_rate=(2, 3), activation="tanh"), (1, 4, 4, 3)),
    ("no_bias", dict(filters=2, kernel_size=3, strides=2, use_bias=False), (2, 3, 3, 2)),
    ("channels_first", dict(filters=2, kernel_size=3, strides=2, padding="same", data_format="channels_first"),
     (2, 3, 4, 5)),
]


@pytest.mark.parametrize("name,args,shape", CASES_2D, ids=[c[0] for c in CASES_2D])
def test_conv2d_transpose_matches_keras(name, args, shape):
    layer = check_layer_against_keras(lambda L: L.Conv2DTranspose(**args), _x(*shape), RNG)
    check_config_round_trip(layer, _x(*shape))


CASES_1D = [
    ("valid", dict(filters=3, kernel_size=3), (2, 5, 2)),
    ("same_stride2", dict(filters=2, kernel_size=3, strides=2, padding="same"), (2, 6, 3)),
    ("valid_output_padding", dict(filters=2, kernel_size=4, strides=3, output_padding=2), (1, 4, 2)),
    ("dilated_same", dict(filters=2, kernel_size=2, dilation_rate=3, padding="same"), (1, 7, 2)),
]


@pytest.mark.parametrize("name,args,shape", CASES_1D, ids=[c[0] for c in CASES_1D])
def test_conv1d_transpose_matches_keras(name, args, shape):
    layer = check_layer_against_keras(lambda L: L.Conv1DTranspose(**args), _x(*shape), RNG)
    check_config_round_trip(layer, _x(*shape))


CASES_3D = [
    ("valid", dict(filters=2, kernel_size=2), (1, 3, 3, 2, 2)),
    ("same_stride2", dict(filters=2, kernel_size=3, strides=(2, 1, 2), padding="same"), (1, 2, 3, 2, 2)),
    ("dilated_output_padding", dict(filters=2, kernel_size=2, strides=2, output_padding=1), (1, 2, 2, 2, 2)),
]


@pytest.mark.parametrize("name,args,shape", CASES_3D, ids=[c[0] for c in CASES_3D])
def test_conv3d_transpose_matches_keras(name, args, shape):
    layer = check_layer_against_keras(lambda L: L.Conv3DTranspose(**args), _x(*shape), RNG)
    check_config_round_trip(layer, _x(*shape))


def test_output_shape_in_a_model_matches_the_computation():
    inputs = ours.Input(shape=(5, 7, 3))
    outputs = ours.layers.Conv2DTranspose(4, 3, strides=2, padding="same")(inputs)
    assert tuple(outputs.shape) == (None, 10, 14, 4)
    model = ours.Model(inputs, outputs)
    assert model.predict(_x(2, 5, 7, 3), verbose=0).shape == (2, 10, 14, 4)


def test_bad_inputs_name_the_layer_shapes_and_fix():
    layer = ours.layers.Conv2DTranspose(2, 3, name="up")
    with pytest.raises(ValueError, match=r"(?s)layer 'up' is incompatible with the layer: expected min_ndim=4, found ndim=3\. Full shape "
                                         r"received: \(2, 5, 3\).*use keras\.layers\.Conv1DTranspose"):
        layer(_x(2, 5, 3))
    layer(_x(1, 4, 4, 3))
    with pytest.raises(ValueError, match=r"layer 'up' is incompatible with the layer: expected axis -1 of input shape "
                                         r"to have value 3, but received input with shape \(1, 4, 4, 2\)"):
        layer(_x(1, 4, 4, 2))
    with pytest.raises(ValueError, match="Conv2DTranspose: output_padding=.*must be smaller than strides"):
        ours.layers.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match=r"not supported in conjunction with .*strides=\(2,\) and "
                                         r"dilation_rate=\(2,\): Conv1DTranspose"):
        ours.layers.Conv1DTranspose(2, 3, strides=2, dilation_rate=2)
