"""Dot and the 3-D pooling layers against real Keras 3 (torch backend): values, input gradients, output shapes,
configs; bad inputs are named."""

import numpy as np
import pytest

from nn import keras as ours

from .oracle import (assert_close_lists, assert_config_round_trip, keras_forward_and_grads, our_forward_and_grads,
                     real_keras)

RNG = np.random.default_rng(11)


def _x(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


CASES = [
    ("dot_vectors", lambda L: L.Dot(axes=1), [_x(3, 4), _x(3, 4)]),
    ("dot_matrices", lambda L: L.Dot(axes=(2, 1)), [_x(2, 3, 4), _x(2, 4, 5)]),
    ("dot_last_axes", lambda L: L.Dot(axes=-1), [_x(2, 3, 4), _x(2, 5, 4)]),
    ("dot_normalize", lambda L: L.Dot(axes=2, normalize=True), [_x(2, 3, 4), _x(2, 5, 4)]),
    ("dot_vector_matrix", lambda L: L.Dot(axes=(1, 2)), [_x(2, 4), _x(2, 3, 4)]),
    ("dot_matrix_vector", lambda L: L.Dot(axes=(1, 1)), [_x(2, 4, 3), _x(2, 4)]),
    ("dot_rank4", lambda L: L.Dot(axes=(2, 3)), [_x(2, 3, 4, 2), _x(2, 2, 3, 4)]),
    ("maxpool3d", lambda L: L.MaxPooling3D(), _x(2, 4, 5, 4, 3)),
    ("maxpool3d_same", lambda L: L.MaxPooling3D((2, 3, 2), strides=(1, 2, 2), padding="same"), _x(2, 4, 5, 3, 2)),
    ("maxpool3d_cf", lambda L: L.MaxPooling3D(2, data_format="channels_first"), _x(2, 2, 4, 4, 5)),
    ("avgpool3d", lambda L: L.AveragePooling3D((2, 2, 1)), _x(2, 4, 5, 3, 3)),
    # symmetric padding only: with uneven padding Keras's torch backend averages replicated edge values
    ("avgpool3d_same", lambda L: L.AveragePooling3D(3, strides=2, padding="same"), _x(2, 5, 5, 7, 2)),
    ("avgpool3d_cf", lambda L: L.AveragePooling3D(2, strides=1, data_format="channels_first"), _x(1, 2, 3, 4, 3)),
    ("global_avg3d", lambda L: L.GlobalAveragePooling3D(), _x(2, 3, 4, 2, 5)),
    ("global_max3d_keepdims", lambda L: L.GlobalMaxPooling3D(keepdims=True), _x(2, 3, 4, 2, 5)),
    ("global_avg3d_cf", lambda L: L.GlobalAveragePooling3D(data_format="channels_first"), _x(2, 5, 3, 4, 2)),
]


def _batchless(inputs):
    return [(None,) + a.shape[1:] for a in inputs] if isinstance(inputs, list) else (None,) + inputs.shape[1:]


@pytest.mark.parametrize("name,factory,inputs", CASES, ids=[c[0] for c in CASES])
def test_layer_matches_keras(name, factory, inputs):
    keras = real_keras()
    theirs, mine = factory(keras.layers), factory(ours.layers)
    k_out, _ = keras_forward_and_grads(theirs, inputs, [np.zeros(1, np.float32)])
    cotangent = [RNG.standard_normal(k_out[0].shape).astype(np.float32)]
    k_out, k_grads = keras_forward_and_grads(theirs, inputs, cotangent)
    o_out, o_grads = our_forward_and_grads(mine, inputs, cotangent)
    assert_close_lists(o_out, k_out, what=f"{name} output")
    assert_close_lists(o_grads, k_grads, rtol=2e-4, atol=2e-5, what=f"{name} gradient")
    assert tuple(mine.compute_output_shape(_batchless(inputs))) == tuple(theirs.compute_output_shape(
        _batchless(inputs)))


@pytest.mark.parametrize("name,factory", [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_config_round_trip(name, factory):
    assert_config_round_trip(factory, real_keras().layers, ours.layers)


def test_dot_function_form_and_functional_model():
    a, b = ours.Input((3, 4)), ours.Input((5, 4))
    model = ours.Model([a, b], ours.layers.dot([a, b], axes=2))
    x, y = _x(2, 3, 4), _x(2, 5, 4)
    np.testing.assert_allclose(model([x, y]).numpy(), np.einsum("bik,bjk->bij", x, y), rtol=1e-5, atol=1e-6)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match=r"dot.*axis 1 of \(2, 3\) \(3\).*axis 1 of \(2, 4\) \(4\)"):
        ours.layers.Dot(axes=1)([_x(2, 3), _x(2, 4)])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        ours.layers.Dot(axes=1)([_x(2, 3), _x(2, 3), _x(2, 3)])
    with pytest.raises(ValueError, match="batch axis"):
        ours.layers.Dot(axes=0)([_x(2, 3), _x(2, 3)])
    with pytest.raises(ValueError, match=r"max_pooling3d.*ndim=5.*\(2, 4, 4, 3\).*5-D"):
        ours.layers.MaxPooling3D()(_x(2, 4, 4, 3))
    with pytest.raises(ValueError, match=r"global_average_pooling3d.*5-D"):
        ours.layers.GlobalAveragePooling3D()(_x(2, 4, 4, 3))
