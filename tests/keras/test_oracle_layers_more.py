"""Activation and shape layers against real Keras 3 (torch backend): same weights, same inputs -> same outputs,
input and weight gradients; get_config round trips; wrong-rank inputs get an error naming the layer."""
import json

import numpy as np
import pytest

from nn import keras as ours

from .oracle import assert_close_lists, keras_forward_and_grads, our_forward_and_grads, real_keras

RNG = np.random.default_rng(3)


def _x(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


CASES = [
    ("leaky_relu", lambda L: L.LeakyReLU(), _x(3, 4), {}),
    ("leaky_relu_slope", lambda L: L.LeakyReLU(negative_slope=0.05), _x(2, 3, 4), {}),
    ("elu", lambda L: L.ELU(alpha=0.7), _x(3, 5), {}),
    ("relu_plain", lambda L: L.ReLU(), _x(3, 5), {}),
    ("relu_options", lambda L: L.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.3), _x(4, 6), {}),
    ("relu_six", lambda L: L.ReLU(max_value=6.0), _x(4, 6) * 5, {}),
    ("prelu", lambda L: L.PReLU(alpha_initializer="random_uniform"), _x(3, 4, 5), {}),
    ("prelu_shared", lambda L: L.PReLU(alpha_initializer="random_uniform", shared_axes=[1, 2]), _x(2, 4, 3, 5), {}),
    ("softmax", lambda L: L.Softmax(), _x(3, 5), {}),
    ("softmax_axis1", lambda L: L.Softmax(axis=1), _x(2, 4, 3), {}),
    ("softmax_two_axes", lambda L: L.Softmax(axis=(1, 2)), _x(2, 4, 3), {}),
    ("softmax_mask", lambda L: L.Softmax(), _x(2, 3, 4),
     {"mask": np.array([[1, 1, 0, 1]] * 3 + [[0, 1, 1, 1]] * 3, bool).reshape(2, 3, 4)}),
    ("softmax_mask_broadcast", lambda L: L.Softmax(), _x(2, 3, 4), {"mask": np.array([True, False, True, True])}),
    ("repeat_vector", lambda L: L.RepeatVector(3), _x(2, 4), {}),
    ("permute", lambda L: L.Permute((2, 1)), _x(2, 3, 4), {}),
    ("permute_3", lambda L: L.Permute((3, 1, 2)), _x(2, 3, 4, 5), {}),
    ("identity", lambda L: L.Identity(), _x(2, 3), {}),
    ("zero_padding1d", lambda L: L.ZeroPadding1D((1, 2)), _x(2, 4, 3), {}),
    ("zero_padding2d", lambda L: L.ZeroPadding2D(((1, 2), (0, 3))), _x(2, 4, 3, 2), {}),
    ("zero_padding2d_int_cf", lambda L: L.ZeroPadding2D(2, data_format="channels_first"), _x(2, 2, 4, 3), {}),
    ("zero_padding3d", lambda L: L.ZeroPadding3D((1, 0, 2)), _x(1, 2, 3, 2, 2), {}),
    ("cropping1d", lambda L: L.Cropping1D((1, 2)), _x(2, 6, 3), {}),
    ("cropping2d", lambda L: L.Cropping2D(((1, 0), (2, 1))), _x(2, 5, 6, 2), {}),
    ("cropping2d_cf", lambda L: L.Cropping2D(1, data_format="channels_first"), _x(2, 2, 5, 4), {}),
    ("cropping3d", lambda L: L.Cropping3D(((1, 0), (0, 1), (1, 1))), _x(1, 3, 3, 4, 2), {}),
    ("upsampling1d", lambda L: L.UpSampling1D(3), _x(2, 4, 3), {}),
    ("upsampling2d", lambda L: L.UpSampling2D((2, 3)), _x(2, 3, 4, 2), {}),
    ("upsampling2d_bilinear", lambda L: L.UpSampling2D((2, 3), interpolation="bilinear"), _x(2, 3, 4, 2), {}),
    ("upsampling2d_bilinear_cf", lambda L: L.UpSampling2D(2, data_format="channels_first",
                                                          interpolation="bilinear"), _x(2, 2, 3, 4), {}),
    ("upsampling2d_bicubic", lambda L: L.UpSampling2D((3, 2), interpolation="bicubic"), _x(2, 3, 4, 2), {}),
    ("upsampling3d", lambda L: L.UpSampling3D((1, 2, 2)), _x(1, 2, 3, 2, 2), {}),
]



def _keras_kwargs(kwargs):
    import torch
    return {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}


@pytest.mark.parametrize("name,factory,inputs,kwargs", CASES, ids=[c[0] for c in CASES])
def test_layer_matches_keras(name, factory, inputs, kwargs):
    keras = real_keras()
    keras.utils.set_random_seed(1)
    theirs, mine = factory(keras.layers), factory(ours.layers)
    import autograd as ag
    our_kwargs = {k: ag.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    theirs.build(inputs.shape)
    mine._build_for_shape((None,) + inputs.shape[1:])
    k_weights = theirs.get_weights()
    assert [w.shape for w in mine.get_weights()] == [w.shape for w in k_weights]
    mine.set_weights(k_weights)
    k_out, _ = keras_forward_and_grads(theirs, inputs, [np.zeros(1, np.float32)], **_keras_kwargs(kwargs))
    cotangent = [RNG.standard_normal(o.shape).astype(np.float32) for o in k_out]
    k_out, k_grads = keras_forward_and_grads(theirs, inputs, cotangent, **_keras_kwargs(kwargs))
    o_out, o_grads = our_forward_and_grads(mine, inputs, cotangent, **our_kwargs)
    assert_close_lists(o_out, k_out, what=f"{name} output")
    assert_close_lists(o_grads, k_grads, rtol=2e-4, atol=2e-5, what=f"{name} gradient")
    assert tuple(mine.compute_output_shape((None,) + inputs.shape[1:])) == \
        tuple(theirs.compute_output_shape((None,) + inputs.shape[1:]))


def _json(config):
    return json.loads(json.dumps(config, default=lambda value: value.get_config()))


@pytest.mark.parametrize("name,factory,inputs,kwargs", CASES, ids=[c[0] for c in CASES])
def test_config_round_trip(name, factory, inputs, kwargs):
    layer = factory(ours.layers)
    clone = type(layer).from_config(layer.get_config())
    assert _json(clone.get_config()) == _json(layer.get_config())
    expected = layer(inputs, **kwargs).numpy()
    clone.build((None,) + inputs.shape[1:])
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(inputs, **kwargs).numpy(), expected)


def test_keras_config_keys_are_accepted():
    """A config written by real Keras builds our layer (what a saved .keras file holds)."""
    keras = real_keras()
    for name, factory, _, _ in CASES:
        config = factory(keras.layers).get_config()
        for key in ("dtype", "name"):
            config.pop(key, None)
        layer = type(factory(ours.layers)).from_config(config)
        assert isinstance(layer, ours.layers.Layer), name


@pytest.mark.parametrize("layer,shape,words", [
    (lambda: ours.layers.RepeatVector(2), (2, 3, 4), ["repeat_vector", "2-D", "(2, 3, 4)"]),
    (lambda: ours.layers.ZeroPadding2D(), (2, 3, 4), ["zero_padding2d", "4-D", "(2, 3, 4)"]),
    (lambda: ours.layers.Cropping1D(), (2, 3, 4, 5), ["cropping1d", "3-D", "(2, 3, 4, 5)"]),
    (lambda: ours.layers.UpSampling3D(), (2, 3, 4), ["up_sampling3d", "5-D", "(2, 3, 4)"]),
    (lambda: ours.layers.Permute((2, 1)), (2, 3), ["permute", "(2, 3)"]),
])
def test_wrong_rank_is_named(layer, shape, words):
    with pytest.raises(ValueError) as error:
        layer()(np.zeros(shape, np.float32))
    for word in words:
        assert word in str(error.value)


def test_bad_arguments():
    with pytest.raises(ValueError, match="negative_slope"):
        ours.layers.LeakyReLU(negative_slope=-1)
    with pytest.raises(ValueError, match="Permute"):
        ours.layers.Permute((1, 3))
    with pytest.raises(ValueError, match="Cropping2D"):
        ours.layers.Cropping2D(((1, 2, 3), (0, 0)))
    with pytest.raises(ValueError, match="leaves nothing"):
        ours.layers.Cropping1D((2, 2))(np.zeros((1, 4, 2), np.float32))
    with pytest.raises(ValueError, match="mask"):
        ours.layers.Softmax()(np.zeros((2, 3), np.float32), mask=np.ones((2, 4), bool))


def test_prelu_refuses_inputs_of_another_shape():
    layer = ours.layers.PReLU()
    layer(np.zeros((2, 3, 4), np.float32))
    with pytest.raises(ValueError, match=r"p_re_lu.*\(3, 4\).*\(2, 3, 5\)"):
        layer(np.zeros((2, 3, 5), np.float32))


def test_prelu_alpha_is_trained_and_named():
    layer = ours.layers.PReLU(shared_axes=1)
    layer(np.zeros((2, 3, 4), np.float32))
    assert [w.shape for w in layer.get_weights()] == [(1, 4)]
    assert layer.trainable_weights[0].path.endswith("/alpha")
