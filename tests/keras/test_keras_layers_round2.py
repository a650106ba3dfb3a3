"""Keras 3 layers added in round 2, against real Keras 3 (torch backend): the adaptive poolings, ConvLSTM1D and
ConvLSTM3D, and the random image augmentation layers (with factors fixed so both libraries draw the same
transform, or by their properties where the draw cannot be shared)."""
import json

import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import (assert_close_lists, assert_config_round_trip, keras_forward_and_grads, our_forward_and_grads,
                     real_keras)
from .test_rnn_cells_oracle import _compare, _mask

RNG = np.random.default_rng(5)


def _x(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _compare_layer(name, theirs, mine, inputs, training=False, rtol=1e-5, atol=1e-6):
    """Forward values and input (and weight) gradients of a built Keras layer and ours on the same inputs."""
    theirs.build(inputs.shape)
    mine._build_for_shape((None,) + inputs.shape[1:])
    mine.set_weights(theirs.get_weights())
    cotangent = [_x(*theirs.compute_output_shape(inputs.shape))]
    k_out, k_grads = keras_forward_and_grads(theirs, inputs, cotangent, training=training)
    o_out, o_grads = our_forward_and_grads(mine, inputs, cotangent, training=training)
    assert_close_lists(o_out, k_out, rtol=rtol, atol=atol, what=f"{name} output")
    assert_close_lists(o_grads, k_grads, rtol=rtol, atol=atol, what=f"{name} gradient")
    assert tuple(mine.compute_output_shape((None,) + inputs.shape[1:]))[1:] == o_out[0].shape[1:]
    return o_out


# --- adaptive pooling -----------------------------------------------------------------------------------------

POOLS = [
    ("avg1d", lambda L: L.AdaptiveAveragePooling1D(3), _x(2, 7, 3)),
    ("avg1d_list", lambda L: L.AdaptiveAveragePooling1D([4]), _x(2, 10, 2)),
    ("avg1d_cf", lambda L: L.AdaptiveAveragePooling1D(2, data_format="channels_first"), _x(2, 3, 5)),
    ("avg2d", lambda L: L.AdaptiveAveragePooling2D((3, 2)), _x(2, 7, 5, 3)),
    ("avg2d_upsample", lambda L: L.AdaptiveAveragePooling2D(4), _x(1, 3, 2, 2)),
    ("avg2d_cf", lambda L: L.AdaptiveAveragePooling2D(2, data_format="channels_first"), _x(2, 3, 5, 6)),
    ("avg3d", lambda L: L.AdaptiveAveragePooling3D((2, 3, 2)), _x(2, 5, 7, 4, 2)),
    ("avg3d_cf", lambda L: L.AdaptiveAveragePooling3D(2, data_format="channels_first"), _x(1, 2, 5, 3, 4)),
    ("max1d", lambda L: L.AdaptiveMaxPooling1D(3), _x(2, 7, 3)),
    ("max1d_cf", lambda L: L.AdaptiveMaxPooling1D((2,), data_format="channels_first"), _x(2, 3, 5)),
    ("max2d", lambda L: L.AdaptiveMaxPooling2D((3, 2)), _x(2, 7, 5, 3)),
    ("max2d_cf", lambda L: L.AdaptiveMaxPooling2D([2, 3], data_format="channels_first"), _x(2, 3, 5, 7)),
    ("max3d", lambda L: L.AdaptiveMaxPooling3D((2, 3, 2)), _x(2, 5, 7, 4, 2)),
    ("max3d_cf", lambda L: L.AdaptiveMaxPooling3D(3, data_format="channels_first"), _x(1, 2, 5, 4, 6)),
]


@pytest.mark.parametrize("name,factory,inputs", POOLS, ids=[p[0] for p in POOLS])
def test_adaptive_pooling_matches_keras(name, factory, inputs):
    keras = real_keras()
    _compare_layer(name, factory(keras.layers), factory(ours.layers), inputs)
    assert_config_round_trip(factory, keras.layers, ours.layers)
    k_config, o_config = factory(keras.layers).get_config(), factory(ours.layers).get_config()
    for key in ("name", "dtype"):
        k_config.pop(key), o_config.pop(key)
    assert o_config == k_config


@pytest.mark.parametrize("cls,bad,error", [
    ("AdaptiveAveragePooling1D", (2, 3), ValueError), ("AdaptiveMaxPooling1D", "3", TypeError),
    ("AdaptiveAveragePooling2D", (2, 3, 4), TypeError), ("AdaptiveMaxPooling2D", 2.5, TypeError),
    ("AdaptiveAveragePooling3D", (2, 3), TypeError), ("AdaptiveMaxPooling3D", None, TypeError),
])
def test_adaptive_pooling_bad_output_size_matches_keras(cls, bad, error):
    keras = real_keras()
    with pytest.raises(error) as theirs:
        getattr(keras.layers, cls)(bad)
    with pytest.raises(error) as mine:
        getattr(ours.layers, cls)(bad)
    assert str(mine.value) == str(theirs.value)
    with pytest.raises(ValueError):
        getattr(ours.layers, cls)(2, data_format="channels_middle")


def test_adaptive_pooling_in_functional_model_fit():
    keras = real_keras()
    x = _x(6, 9, 8, 2)
    y = np.linspace(-1, 1, 6).astype(np.float32)[:, None]
    histories, weights = [], None
    for lib in (keras, ours):
        lib.utils.set_random_seed(1)
        x_in = lib.Input(x.shape[1:])
        h = lib.layers.Conv2D(3, 2, activation="relu")(x_in)
        h = lib.layers.Concatenate()([lib.layers.AdaptiveAveragePooling2D((3, 2))(h),
                                      lib.layers.AdaptiveMaxPooling2D((3, 2))(h)])
        model = lib.Model(x_in, lib.layers.Dense(1)(lib.layers.Flatten()(h)))
        if weights is None:
            weights = model.get_weights()
        else:
            model.set_weights(weights)
        model.compile(optimizer=lib.optimizers.SGD(0.005), loss="mse")
        histories.append(model.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0).history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-4, atol=1e-6)


# --- ConvLSTM1D / ConvLSTM3D ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    dict(filters=3, kernel_size=3),
    dict(filters=2, kernel_size=2, padding="same", return_sequences=True, return_state=True),
    dict(filters=2, kernel_size=3, strides=2, padding="same", go_backwards=True, return_sequences=True),
    dict(filters=2, kernel_size=2, dilation_rate=2, use_bias=False, activation="relu", unit_forget_bias=False),
    dict(filters=2, kernel_size=3, padding="same", recurrent_dropout=0.3, return_state=True),
])
def test_conv_lstm1d_matches_keras(kwargs):
    _compare(lambda K: K.layers.ConvLSTM1D(**kwargs), _x(2, 3, 7, 2), rtol=1e-4, atol=2e-5)


@pytest.mark.parametrize("kwargs", [
    dict(filters=2, kernel_size=2),
    dict(filters=2, kernel_size=(2, 3, 2), padding="same", return_sequences=True, return_state=True),
    dict(filters=2, kernel_size=2, strides=(2, 1, 2), padding="same", go_backwards=True),
])
def test_conv_lstm3d_matches_keras(kwargs):
    _compare(lambda K: K.layers.ConvLSTM3D(**kwargs), _x(2, 3, 4, 5, 4, 2), rtol=1e-4, atol=2e-5)


def test_conv_lstm_masked_and_channels_first_match_keras():
    _compare(lambda K: K.layers.ConvLSTM1D(2, 3, padding="same", return_sequences=True), _x(3, 4, 6, 2),
             mask=_mask(3, 4))
    _compare(lambda K: K.layers.ConvLSTM1D(2, 2, data_format="channels_first", return_sequences=True,
                                           return_state=True), _x(2, 3, 2, 6))
    _compare(lambda K: K.layers.ConvLSTM3D(2, 2, data_format="channels_first", return_sequences=True,
                                           return_state=True), _x(2, 3, 2, 4, 3, 4))


@pytest.mark.parametrize("cls", ["ConvLSTM1D", "ConvLSTM3D"])
def test_conv_lstm_config_round_trip_and_errors(cls):
    keras = real_keras()
    factory = lambda L: getattr(L, cls)(3, 2, padding="same", dropout=0.1, return_sequences=True)  # noqa: E731
    assert_config_round_trip(factory, keras.layers, ours.layers)
    layer = factory(ours.layers)
    again = type(layer).from_config(json.loads(json.dumps(layer.get_config())))
    assert again.get_config() == layer.get_config()
    rank = 1 if cls == "ConvLSTM1D" else 3
    with pytest.raises(ValueError, match=f"{rank + 3}-D inputs"):
        getattr(ours.layers, cls)(2, 2)(ag.tensor(_x(*(2,) * (rank + 2))))
    with pytest.raises(ValueError, match="strides > 1"):
        getattr(keras.layers, cls)(2, 2, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="strides > 1"):
        getattr(ours.layers, cls)(2, 2, strides=2, dilation_rate=2)


@pytest.mark.parametrize("cls,inputs", [("ConvLSTM1D", _x(4, 3, 6, 2)), ("ConvLSTM3D", _x(4, 2, 3, 4, 3, 1))])
def test_conv_lstm_in_functional_model_fit(cls, inputs):
    keras = real_keras()
    y = np.linspace(-1, 1, len(inputs)).astype(np.float32)[:, None]
    histories, weights = [], None
    for lib in (keras, ours):
        lib.utils.set_random_seed(2)
        x_in = lib.Input(inputs.shape[1:])
        h = getattr(lib.layers, cls)(2, 2, padding="same")(x_in)
        model = lib.Model(x_in, lib.layers.Dense(1)(lib.layers.Flatten()(h)))
        if weights is None:
            weights = model.get_weights()
        else:
            model.set_weights(weights)
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse")
        histories.append(model.fit(inputs, y, epochs=3, batch_size=2, shuffle=False, verbose=0).history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-4, atol=1e-6)


# --- random image augmentation ---------------------------------------------------------------------------------

def _images(*shape, high=1.0):
    return RNG.uniform(0, high, shape).astype(np.float32)


def _to_first(a):
    return np.ascontiguousarray(np.moveaxis(a, -1, 1)) if a.ndim == 4 else a


_MASK = RNG.uniform(0, 1, (2, 5, 6, 3)) > 0.5
_SHEAR = np.array([[0.2, -0.1], [-0.3, 0.15]], np.float32)
_CORNERS = np.repeat(np.array([[[0, 0], [5, 0], [0, 4], [5, 4]]], np.float32), 2, axis=0)
_OFFSETS = RNG.uniform(-0.4, 0.4, (2, 4, 2)).astype(np.float32)

# (layer, its arguments, a transformation as Keras's get_random_transformation returns it, channels-last)
REPLAY = [
    ("RandomColorDegeneration", dict(factor=0.5), {"factor": np.array([0.3, 0.8], np.float32).reshape(2, 1, 1, 1)}),
    ("RandomSaturation", dict(factor=0.5, value_range=(0, 1)), {"factor": np.array([0.3, 1.7], np.float32)}),
    ("RandomHue", dict(factor=0.5), {"factor": np.array([0.2, -0.15], np.float32)}),
    ("RandomSharpness", dict(factor=0.5), {"factor": np.array([0.1, 0.9], np.float32)}),
    ("RandomPosterization", dict(factor=(2, 6)), {"shift_factor": np.array([3, 6], np.uint8)}),
    ("RandomErasing", dict(fill_value=7.0), {"apply_erasing": np.array([True, False]), "batch_masks": _MASK,
                                             "fill_value": np.full((2, 5, 6, 3), 300.0, np.float32)}),
    ("RandomGaussianBlur", dict(kernel_size=5), {"should_apply_blur": np.array([True, False]),
                                                 "blur_factor": np.array([0.7, 1.3], np.float32)}),
    ("RandomShear", dict(x_factor=0.3, y_factor=0.2), {"shear_factor": _SHEAR}),
    ("RandomShear", dict(x_factor=0.3, fill_mode="constant", interpolation="nearest", fill_value=3.0),
     {"shear_factor": _SHEAR}),
    ("RandomShear", dict(x_factor=0.3, fill_mode="wrap"), {"shear_factor": _SHEAR}),
    ("RandomShear", dict(y_factor=0.3, fill_mode="nearest"), {"shear_factor": _SHEAR}),
    ("RandomPerspective", dict(), {"apply_perspective": np.array([True, False]), "start_points": _CORNERS,
                                   "end_points": _CORNERS * (1 + _OFFSETS)}),
    ("RandomPerspective", dict(interpolation="nearest", fill_value=9.0),
     {"apply_perspective": np.array([True, True]), "start_points": _CORNERS, "end_points": _CORNERS * (1 + _OFFSETS)}),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("cls,kwargs,transformation", REPLAY, ids=[f"{c[0]}{k}" for k, c in enumerate(REPLAY)])
def test_transform_images_replays_keras_transformation(cls, kwargs, transformation, data_format):
    torch = pytest.importorskip("torch")
    keras = real_keras()
    images = _images(2, 5, 6, 3, high=255)
    if data_format == "channels_first":
        images = _to_first(images)
        transformation = {k: _to_first(v) if k in ("batch_masks", "fill_value") else v
                          for k, v in transformation.items()}
    theirs = getattr(keras.layers, cls)(data_format=data_format, **kwargs)
    mine = getattr(ours.layers, cls)(data_format=data_format, **kwargs)
    k_images, o_images = torch.tensor(images, requires_grad=True), ag.tensor(images, requires_grad=True)
    k_out = theirs.transform_images(k_images, {k: torch.tensor(v) for k, v in transformation.items()})
    o_out = mine.transform_images(o_images, transformation)
    np.testing.assert_allclose(o_out.detach().numpy(), k_out.detach().numpy(), rtol=1e-5, atol=3e-4)
    if k_out.requires_grad:   # the gradient with respect to the images, where Keras's path has one
        cotangent = _x(*images.shape)
        (k_out * torch.tensor(cotangent)).sum().backward()
        (o_out * ag.tensor(cotangent)).sum().backward()
        np.testing.assert_allclose(o_images.grad.numpy(), k_images.grad.numpy(), rtol=1e-4, atol=1e-4)
    else:
        assert cls == "RandomPosterization"   # integer bit shifts: no gradient in either library
    k_config, o_config = theirs.get_config(), mine.get_config()
    for key in ("name", "dtype"):
        k_config.pop(key), o_config.pop(key)
    assert json.loads(json.dumps(o_config)) == json.loads(json.dumps(k_config))
    assert_config_round_trip(lambda L: getattr(L, cls)(data_format=data_format, **kwargs), keras.layers, ours.layers)


# layers whose factors are fixed, so a call draws the same transform in both libraries
FIXED = [
    ("degeneration", lambda L: L.RandomColorDegeneration((0.4, 0.4), value_range=(0, 1)), _images(2, 4, 5, 3)),
    ("degeneration_cf", lambda L: L.RandomColorDegeneration((1, 1), data_format="channels_first"),
     _images(2, 3, 4, 5, high=255)),
    ("saturation", lambda L: L.RandomSaturation((0.7, 0.7), value_range=(0, 1)), _images(2, 4, 5, 3)),
    ("saturation_single", lambda L: L.RandomSaturation((0.2, 0.2), value_range=(0, 1)), _images(4, 5, 3)),
    ("sharpness", lambda L: L.RandomSharpness((0.9, 0.9)), _images(2, 5, 4, 3, high=255)),
    ("sharpness_cf", lambda L: L.RandomSharpness((0.2, 0.2), value_range=(0, 1), data_format="channels_first"),
     _images(2, 3, 5, 4)),
    ("posterization", lambda L: L.RandomPosterization((3, 3)), _images(2, 4, 4, 3, high=255)),
    ("posterization_unit", lambda L: L.RandomPosterization((1, 1), value_range=(0, 1)), _images(2, 4, 4, 3)),
    ("blur_always", lambda L: L.RandomGaussianBlur((1, 1), kernel_size=3, sigma=(0.6, 0.6)),
     _images(2, 5, 5, 3, high=255)),
    ("blur_cf", lambda L: L.RandomGaussianBlur((1, 1), kernel_size=5, sigma=(0.8, 0.8), value_range=(0, 1),
                                               data_format="channels_first"), _images(2, 3, 6, 6)),
    ("erasing_never", lambda L: L.RandomErasing(factor=0.0), _images(2, 4, 4, 3, high=255)),
    ("perspective_never", lambda L: L.RandomPerspective(factor=0.0), _images(2, 4, 4, 3, high=255)),
    ("perspective_no_scale", lambda L: L.RandomPerspective(factor=(1, 1), scale=0.0), _images(2, 4, 4, 3)),
    ("jitter", lambda L: L.RandomColorJitter(value_range=(0, 1), brightness_factor=(0.1, 0.1), contrast_factor=0.0,
                                             saturation_factor=(0.6, 0.6)), _images(2, 4, 5, 3)),
    ("jitter_nothing", lambda L: L.RandomColorJitter(), _images(2, 4, 5, 3, high=255)),
    ("pipeline", lambda L: L.Pipeline([L.RandomBrightness((0.1, 0.1), value_range=(0, 1)),
                                       L.RandomColorDegeneration((0.4, 0.4), value_range=(0, 1)),
                                       L.RandomSharpness((0.8, 0.8), value_range=(0, 1)), L.Rescaling(2.0)]),
     _images(2, 5, 6, 3)),
]


@pytest.mark.parametrize("name,factory,images", FIXED, ids=[f[0] for f in FIXED])
def test_fixed_factor_call_matches_keras(name, factory, images):
    keras = real_keras()
    theirs, mine = factory(keras.layers), factory(ours.layers)
    k_out = np.asarray(theirs(images))   # a direct call: Keras's training=True default
    o_out = mine(ag.tensor(images)).numpy()
    np.testing.assert_allclose(o_out, k_out, rtol=1e-5, atol=3e-4)
    if name not in ("erasing_never", "jitter_nothing", "perspective_never", "perspective_no_scale"):
        assert not np.allclose(k_out, images)
    np.testing.assert_allclose(mine(ag.tensor(images), training=False).numpy(),
                               np.asarray(theirs(images, training=False)), rtol=1e-6, atol=1e-6)
    config = json.loads(json.dumps(mine.get_config()))
    again = type(mine).from_config(config)
    assert json.loads(json.dumps(again.get_config())) == config
    np.testing.assert_allclose(again(ag.tensor(images)).numpy(), k_out, rtol=1e-5, atol=3e-4)


def test_fixed_factor_layers_pass_gradients_as_keras():
    keras = real_keras()
    images = _images(2, 5, 5, 3)
    for factory in (lambda L: L.RandomColorDegeneration((0.4, 0.4), value_range=(0, 1)),
                    lambda L: L.RandomSharpness((0.8, 0.8), value_range=(-5, 5)),
                    lambda L: L.RandomGaussianBlur((1, 1), sigma=(0.7, 0.7), value_range=(-5, 5)),
                    lambda L: L.RandomSaturation((0.6, 0.6), value_range=(0, 1))):
        cotangent = [_x(*images.shape)]
        k_out, k_grads = keras_forward_and_grads(factory(keras.layers), images, cotangent, training=True)
        o_out, o_grads = our_forward_and_grads(factory(ours.layers), images, cotangent, training=True)
        assert_close_lists(o_out, k_out, rtol=1e-5, atol=1e-5)
        assert_close_lists(o_grads, k_grads, rtol=1e-4, atol=1e-4)


def _either(out, candidates):
    """Each image of `out` equals the same image of one of the candidate batches."""
    for k in range(len(out)):
        assert any(np.allclose(out[k], c[k], rtol=1e-5, atol=3e-4) for c in candidates), f"image {k}"


def test_random_sign_layers_give_one_of_keras_two_transforms():
    torch = pytest.importorskip("torch")
    keras = real_keras()
    images = _images(8, 5, 6, 3, high=255)
    for cls, kwargs, key in (("RandomHue", dict(factor=(0.4, 0.4)), "factor"),
                             ("RandomShear", dict(x_factor=(0.3, 0.3), y_factor=(0.1, 0.1)), "shear_factor")):
        theirs, mine = getattr(keras.layers, cls)(**kwargs), getattr(ours.layers, cls)(**kwargs)
        value = np.full((8,), 0.2, np.float32) if cls == "RandomHue" else np.tile(np.float32([[0.3, 0.1]]), (8, 1))
        candidates = [theirs.transform_images(torch.tensor(images), {key: torch.tensor(sign * value)}).numpy()
                      for sign in (1, -1)]
        _either(np.asarray(theirs(images)), candidates)
        signs_seen = set()
        for _ in range(3):
            out = mine(ag.tensor(images)).numpy()
            _either(out, candidates)
            signs_seen |= {int(np.allclose(out[k], candidates[0][k], atol=3e-4)) for k in range(8)}
        assert signs_seen == {0, 1}


def test_random_erasing_boxes_as_keras():
    keras = real_keras()
    images = _images(16, 12, 10, 3, high=255)
    for lib in (keras, ours):
        layer = lib.layers.RandomErasing(factor=(1, 1), scale=(0.25, 0.25), fill_value=300.0, seed=3)
        out = np.asarray(layer(images))
        for k in range(16):
            erased = out[k] != images[k]
            assert np.all(out[k][erased] == 255.0)   # the fill value, clipped to value_range
            rows, cols = np.nonzero(erased.any(-1))
            # a box of sqrt(0.25) of each side, its corners snapped to the pixel grid
            assert rows.max() - rows.min() + 1 in (6, 7) and cols.max() - cols.min() + 1 in (5, 6)
            assert erased.sum() == (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1) * 3
        noisy = np.asarray(lib.layers.RandomErasing(factor=(1, 1), value_range=(0, 1), seed=1)(images / 255))
        assert noisy.min() >= 0 and noisy.max() <= 1 and not np.allclose(noisy, images / 255)


def test_random_layers_keep_ranges_and_shapes_as_keras():
    keras = real_keras()
    images = _images(4, 6, 7, 3, high=255)
    for make in (lambda L: L.RandomHue(0.5), lambda L: L.RandomSaturation(0.5, value_range=(0, 1)),
                 lambda L: L.RandomSharpness(0.5), lambda L: L.RandomPosterization((1, 8)),
                 lambda L: L.RandomColorDegeneration(0.5), lambda L: L.RandomGaussianBlur(sigma=(0.1, 1)),
                 lambda L: L.RandomColorJitter(brightness_factor=0.2, contrast_factor=0.5, saturation_factor=0.5,
                                               hue_factor=0.3, seed=1),
                 lambda L: L.RandomShear(0.3, 0.3, seed=2), lambda L: L.RandomErasing(seed=0),
                 lambda L: L.RandomPerspective(seed=0)):
        k_out, o_out = np.asarray(make(keras.layers)(images)), make(ours.layers)(ag.tensor(images)).numpy()
        assert o_out.shape == k_out.shape and o_out.dtype == k_out.dtype
        assert o_out.min() >= min(k_out.min(), 0) - 1e-3 and o_out.max() <= max(k_out.max(), 255) + 1e-3


@pytest.mark.parametrize("make", [
    lambda L: L.RandomHue(1.5), lambda L: L.RandomSharpness(-0.2), lambda L: L.RandomPosterization(9),
    lambda L: L.RandomPosterization(0), lambda L: L.RandomSaturation(0.5, value_range=(1,)),
    lambda L: L.RandomColorDegeneration(0.5, value_range=3), lambda L: L.RandomErasing(scale=(0.2, 0.3, 0.4)),
    lambda L: L.RandomErasing(fill_value=(1, 2))(_images(1, 3, 3, 3)), lambda L: L.RandomGaussianBlur(kernel_size=4),
    lambda L: L.RandomGaussianBlur(sigma=2.0), lambda L: L.RandomShear(x_factor=1.5),
    lambda L: L.RandomShear(y_factor=(0.1, 0.2, 0.3)), lambda L: L.RandomPerspective(scale=1.5),
    lambda L: L.RandomPerspective(factor=2.0),
], ids=["hue", "sharpness", "posterize_high", "posterize_low", "saturation_range", "degeneration_range",
        "erasing_scale", "erasing_fill", "blur_kernel", "blur_sigma", "shear_x", "shear_y",
        "perspective_scale", "perspective_factor"])
def test_augmentation_errors_match_keras(make):
    keras = real_keras()
    with pytest.raises(ValueError) as theirs:
        make(keras.layers)
    with pytest.raises(ValueError) as mine:
        make(ours.layers)
    assert str(mine.value) in str(theirs.value)   # a call's error Keras wraps in "Exception encountered ..."


def test_shear_bad_fill_mode_and_interpolation_match_keras():
    keras = real_keras()
    for cls, kwargs in (("RandomShear", dict(fill_mode="mirror")), ("RandomShear", dict(interpolation="bicubic")),
                        ("RandomPerspective", dict(interpolation="bicubic"))):
        with pytest.raises(NotImplementedError) as theirs:
            getattr(keras.layers, cls)(**kwargs)
        with pytest.raises(NotImplementedError) as mine:
            getattr(ours.layers, cls)(**kwargs)
        assert str(mine.value) == str(theirs.value)


def test_augmentation_layers_in_functional_model_fit():
    keras = real_keras()
    x = _images(6, 6, 6, 3, high=255)
    y = np.linspace(-1, 1, 6).astype(np.float32)[:, None]
    histories, predictions, weights = [], [], None
    for lib in (keras, ours):
        lib.utils.set_random_seed(4)
        x_in = lib.Input((6, 6, 3))
        h = lib.layers.Pipeline([lib.layers.RandomColorDegeneration((0.5, 0.5)),
                                 lib.layers.RandomSharpness((0.7, 0.7))])(x_in)
        h = lib.layers.RandomGaussianBlur((1, 1), sigma=(0.5, 0.5))(h)
        h = lib.layers.Rescaling(1 / 255.0)(h)
        h = lib.layers.AdaptiveAveragePooling2D(3)(lib.layers.Conv2D(2, 2, padding="same")(h))
        model = lib.Model(x_in, lib.layers.Dense(1)(lib.layers.Flatten()(h)))
        if weights is None:
            weights = model.get_weights()
        else:
            model.set_weights(weights)
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse")
        histories.append(model.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0).history["loss"])
        predictions.append(np.asarray(model.predict(x, verbose=0)))
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(predictions[1], predictions[0], rtol=1e-4, atol=1e-5)


JIT_LAYERS = {
    "degeneration": lambda L: L.RandomColorDegeneration(0.8, value_range=(0, 1), seed=1),
    "saturation": lambda L: L.RandomSaturation(0.5, value_range=(0, 1), seed=2),
    "hue": lambda L: L.RandomHue(0.5, value_range=(0, 1), seed=3),
    "sharpness": lambda L: L.RandomSharpness(0.9, value_range=(0, 1), seed=4),
    "posterization": lambda L: L.RandomPosterization((1, 6), value_range=(0, 1), seed=5),
    "jitter": lambda L: L.RandomColorJitter((0, 1), 0.2, 0.5, 0.5, 0.3, seed=6),
    "erasing": lambda L: L.RandomErasing(value_range=(0, 1), seed=7),
    "blur": lambda L: L.RandomGaussianBlur(0.8, sigma=(0.2, 1.0), value_range=(0, 1), seed=8),
    "shear": lambda L: L.RandomShear(0.3, 0.2, seed=9),
    "perspective": lambda L: L.RandomPerspective(0.9, scale=0.6, seed=10),
    "perspective_nearest": lambda L: L.RandomPerspective(scale=0.5, interpolation="nearest", fill_value=0.5, seed=11),
}


@pytest.mark.parametrize("name", sorted(JIT_LAYERS))
def test_augmentation_layers_draw_anew_on_every_jit_replay(name):
    rng = np.random.default_rng(0)
    batches = [ag.tensor(rng.random((3, 6, 5, 3)).astype(np.float32)) for _ in range(5)]
    results = []
    for compile_it in (False, True):
        layer = JIT_LAYERS[name](ours.layers)

        def step(x):
            return layer(x, training=True).detach()
        run = ag.jit(step) if compile_it else step
        results.append([run(x).numpy() for x in batches])
        if compile_it:
            assert run.replays == len(batches) - 2
    for eager, replayed in zip(*results):
        np.testing.assert_array_equal(replayed, eager)
    assert not np.allclose(results[0][-1], results[0][-2])


@pytest.mark.parametrize("make", [
    lambda L: L.RandomColorJitter(brightness_factor=0.2, hue_factor=(0.1, 0.3), seed=2),
    lambda L: L.RandomColorJitter(value_range=(0, 1), contrast_factor=0.5, saturation_factor=0.4),
    lambda L: L.RandomPerspective(factor=0.5, scale=0.3, interpolation="nearest", fill_value=1.0, seed=3),
    lambda L: L.RandomErasing(0.7, scale=0.2, fill_value=(1, 2, 3)),
    lambda L: L.RandomGaussianBlur(0.6, kernel_size=(3, 5), sigma=(0.2, 0.5)),
], ids=["jitter", "jitter_unit", "perspective", "erasing", "blur"])
def test_augmentation_configs_match_keras(make):
    keras = real_keras()
    k_config, o_config = make(keras.layers).get_config(), make(ours.layers).get_config()
    for key in ("name", "dtype"):
        k_config.pop(key), o_config.pop(key)
    assert json.loads(json.dumps(o_config)) == json.loads(json.dumps(k_config))
    assert_config_round_trip(make, keras.layers, ours.layers)


def test_pipeline_config_and_layers():
    keras = real_keras()
    make = lambda L: L.Pipeline([L.RandomHue(0.2), L.RandomShear(0.1)], name="aug")  # noqa: E731
    theirs, mine = make(keras.layers), make(ours.layers)
    assert [type(layer).__name__ for layer in mine.layers] == [type(layer).__name__ for layer in theirs.layers]
    config = json.loads(json.dumps(mine.get_config()))
    assert sorted(config) == sorted(theirs.get_config()) == ["layers", "name"]
    again = ours.layers.Pipeline.from_config(config)
    assert again.name == "aug"
    assert json.loads(json.dumps(again.get_config())) == config
    with pytest.raises(ValueError, match="must contain a `layers` key"):
        ours.layers.Pipeline.from_config({"name": "x"})
    assert mine.compute_output_shape((None, 5, 6, 3)) == (None, 5, 6, 3)
