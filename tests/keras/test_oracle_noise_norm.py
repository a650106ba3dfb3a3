"""Regularisation, noise and normalisation layers against real Keras 3 (torch backend): UnitNormalization and
GroupNormalization values and gradients; ActivityRegularization's loss; the random layers' statistics in
training and identity in inference (as Keras); configs round trip; bad inputs are named."""
import json

import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import assert_close_lists, keras_forward_and_grads, our_forward_and_grads, real_keras

RNG = np.random.default_rng(5)


def _x(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


CASES = [
    ("unit_norm", lambda L: L.UnitNormalization(), _x(3, 5)),
    ("unit_norm_axes", lambda L: L.UnitNormalization(axis=[1, 2]), _x(2, 3, 4)),
    ("group_norm", lambda L: L.GroupNormalization(groups=2), _x(3, 4, 6)),
    ("group_norm_image", lambda L: L.GroupNormalization(groups=3, gamma_initializer="random_uniform",
                                                        beta_initializer="random_uniform"), _x(2, 4, 3, 6)),
    ("group_norm_instance", lambda L: L.GroupNormalization(groups=-1, epsilon=1e-5), _x(2, 5, 4)),
    ("group_norm_axis1", lambda L: L.GroupNormalization(groups=2, axis=1, center=False), _x(2, 4, 5)),
    ("group_norm_no_scale", lambda L: L.GroupNormalization(groups=1, scale=False), _x(3, 6)),
]


@pytest.mark.parametrize("name,factory,inputs", CASES, ids=[c[0] for c in CASES])
def test_layer_matches_keras(name, factory, inputs):
    keras = real_keras()
    keras.utils.set_random_seed(2)
    theirs, mine = factory(keras.layers), factory(ours.layers)
    theirs.build(inputs.shape)
    mine._build_for_shape((None,) + inputs.shape[1:])
    k_weights = theirs.get_weights()
    assert [w.shape for w in mine.get_weights()] == [w.shape for w in k_weights]
    mine.set_weights(k_weights)
    cotangent = [_x(*inputs.shape)]
    k_out, k_grads = keras_forward_and_grads(theirs, inputs, cotangent)
    o_out, o_grads = our_forward_and_grads(mine, inputs, cotangent)
    assert_close_lists(o_out, k_out, what=f"{name} output")
    assert_close_lists(o_grads, k_grads, rtol=5e-4, atol=5e-5, what=f"{name} gradient")


RANDOM = [
    ("gaussian_noise", lambda L: L.GaussianNoise(0.5), (400, 50)),
    ("gaussian_dropout", lambda L: L.GaussianDropout(0.4), (400, 50)),
    ("alpha_dropout", lambda L: L.AlphaDropout(0.2), (400, 50)),
    ("spatial_dropout1d", lambda L: L.SpatialDropout1D(0.3), (100, 20, 40)),
    ("spatial_dropout2d", lambda L: L.SpatialDropout2D(0.3), (50, 4, 5, 40)),
    ("spatial_dropout2d_cf", lambda L: L.SpatialDropout2D(0.3, data_format="channels_first"), (50, 40, 4, 5)),
    ("spatial_dropout3d", lambda L: L.SpatialDropout3D(0.3), (50, 2, 3, 2, 40)),
]


@pytest.mark.parametrize("name,factory,shape", RANDOM, ids=[r[0] for r in RANDOM])
def test_random_layer_statistics_match_keras(name, factory, shape):
    """Training: the same mean, standard deviation and fraction of changed values as Keras's layer (on
    standard normal inputs); inference: the inputs unchanged; the input gradient is the noise's factor."""
    import torch
    keras = real_keras()
    x = RNG.standard_normal(shape).astype(np.float32)
    theirs, mine = factory(keras.layers), factory(ours.layers)
    k_out = theirs(torch.tensor(x), training=True).numpy()
    o_in = ag.tensor(x, requires_grad=True)
    o_out = mine(o_in, training=True)
    o_out.sum().backward()
    o_out = o_out.detach().numpy()
    assert o_out.shape == k_out.shape == x.shape
    for statistic in (np.mean, np.std):
        assert abs(statistic(o_out) - statistic(k_out)) < 0.05, statistic.__name__
    changed = np.mean(~np.isclose(o_out, x)), np.mean(~np.isclose(k_out, x))
    assert abs(changed[0] - changed[1]) < 0.03
    if name.startswith("spatial"):   # whole channels are dropped: per (sample, channel) all zero or none
        channel = 1 if name.endswith("_cf") else -1
        zero = np.moveaxis(o_out == 0, channel, -1).reshape(shape[0], -1, shape[channel])
        assert np.all(zero.all(axis=1) | ~zero.any(axis=1))
        np.testing.assert_allclose(o_in.grad.numpy(), np.where(o_out == 0, 0.0, 1 / 0.7), rtol=1e-5)
    np.testing.assert_array_equal(mine(x, training=False).numpy(), x)
    np.testing.assert_array_equal(theirs(torch.tensor(x), training=False).numpy(), x)


def test_activity_regularization_loss_matches_keras():
    import torch
    keras = real_keras()
    x = _x(4, 6)
    theirs, mine = keras.layers.ActivityRegularization(l1=0.01, l2=0.2), ours.layers.ActivityRegularization(
        l1=0.01, l2=0.2)
    theirs(torch.tensor(x))
    np.testing.assert_array_equal(mine(x).numpy(), x)
    [k_loss], [o_loss] = theirs.losses, mine.losses
    np.testing.assert_allclose(float(o_loss), float(k_loss), rtol=1e-5)


def test_activity_regularization_adds_to_model_losses():
    model = ours.Sequential([ours.Input((3,)), ours.layers.Dense(2), ours.layers.ActivityRegularization(l2=1.0)])
    x = _x(5, 3)
    out = model(x)
    [loss] = model.losses
    np.testing.assert_allclose(float(loss), float((out.detach().numpy() ** 2).sum() / 5), rtol=1e-5)


def test_activity_regularizer_argument_is_per_sample_as_keras():
    import torch
    keras = real_keras()
    x = _x(8, 3)
    theirs = keras.layers.Dense(2, activity_regularizer="l2")
    theirs(torch.tensor(x))
    mine = ours.layers.Dense(2, activity_regularizer="l2")
    mine.build((None, 3))
    mine.set_weights(theirs.get_weights())
    mine(x)
    np.testing.assert_allclose(float(mine.losses[0]), float(theirs.losses[0]), rtol=1e-5)


ALL = [(c[0], c[1]) for c in CASES] + [(r[0], r[1]) for r in RANDOM] + [
    ("activity", lambda L: L.ActivityRegularization(l1=0.1))]


def _json(config):
    return json.loads(json.dumps(config, default=lambda value: value.get_config()))


@pytest.mark.parametrize("name,factory", ALL, ids=[a[0] for a in ALL])
def test_config_round_trip_and_keras_configs(name, factory):
    keras = real_keras()
    layer = factory(ours.layers)
    assert _json(type(layer).from_config(layer.get_config()).get_config()) == _json(layer.get_config())
    config = factory(keras.layers).get_config()
    config.pop("name")
    config.pop("dtype")
    assert isinstance(type(layer).from_config(config), type(layer))


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match=r"spatial_dropout2d.*ndim=4.*\(2, 3, 4\).*SpatialDropout1D"):
        ours.layers.SpatialDropout2D(0.5)(_x(2, 3, 4), training=True)
    with pytest.raises(ValueError, match=r"group_normalization.*5 channels.*groups"):
        ours.layers.GroupNormalization(groups=2)(_x(2, 5))
    with pytest.raises(ValueError, match=r"unit_normalization.*axis 3.*\(2, 3\)"):
        ours.layers.UnitNormalization(axis=3)(_x(2, 3))
    with pytest.raises(ValueError, match="rate"):
        ours.layers.GaussianDropout(1.5)
