"""Keras 3 layers, losses, optimizers and ops that deepgrad's keras lacked, against real Keras 3 (torch backend):
Conv3D and the Convolution* alias names, RMSNormalization, SpectralNormalization, image augmentation layers,
keras.tree, and keras.ops (cdist, segment reductions, view_as_complex/real, image.extract_patches, ...). Each
layer: forward values and gradients with Keras's weights copied in, a get_config round trip, and a functional
model fit."""
import json

import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import (assert_close_lists, assert_config_round_trip, keras_forward_and_grads, our_forward_and_grads,
                     real_keras)

RNG = np.random.default_rng(11)


def _x(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


LAYERS = [
    ("conv3d", lambda L: L.Conv3D(3, 2), _x(2, 4, 5, 3, 2)),
    ("conv3d_same_strided", lambda L: L.Conv3D(2, (3, 2, 3), strides=(2, 1, 2), padding="same", activation="relu"),
     _x(2, 5, 4, 6, 3)),
    ("conv3d_dilated_groups", lambda L: L.Conv3D(4, 2, dilation_rate=(1, 2, 1), groups=2, use_bias=False),
     _x(1, 3, 5, 4, 4)),
    ("conv3d_channels_first", lambda L: L.Conv3D(2, 2, padding="same", data_format="channels_first"),
     _x(2, 3, 4, 3, 5)),
    ("convolution2d_alias", lambda L: L.Convolution2D(3, 3, padding="same"), _x(2, 5, 5, 2)),
    ("convolution1d_alias", lambda L: L.Convolution1D(3, 2), _x(2, 6, 2)),
    ("convolution3d_transpose_alias", lambda L: L.Convolution3DTranspose(2, 2, strides=2), _x(1, 2, 3, 2, 2)),
    ("separable_convolution2d_alias", lambda L: L.SeparableConvolution2D(3, 2), _x(2, 4, 4, 2)),
    ("rms_norm", lambda L: L.RMSNormalization(), _x(3, 4, 5)),
    ("rms_norm_axes", lambda L: L.RMSNormalization(axis=[1, 2], epsilon=1e-3), _x(3, 4, 5)),
]


def _compare_layer(name, theirs, mine, inputs, training=False, rtol=1e-4, atol=1e-5):
    theirs.build(inputs.shape)
    mine._build_for_shape((None,) + inputs.shape[1:])
    k_weights = theirs.get_weights()
    assert [w.shape for w in mine.get_weights()] == [w.shape for w in k_weights]
    mine.set_weights(k_weights)
    cotangent = [_x(*theirs.compute_output_shape(inputs.shape))]
    k_out, k_grads = keras_forward_and_grads(theirs, inputs, cotangent, training=training)
    o_out, o_grads = our_forward_and_grads(mine, inputs, cotangent, training=training)
    assert_close_lists(o_out, k_out, rtol=rtol, atol=atol, what=f"{name} output")
    assert_close_lists(o_grads, k_grads, rtol=5e-4, atol=5e-5, what=f"{name} gradient")
    return k_out, o_out


@pytest.mark.parametrize("name,factory,inputs", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_matches_keras(name, factory, inputs):
    keras = real_keras()
    keras.utils.set_random_seed(3)
    theirs, mine = factory(keras.layers), factory(ours.layers)
    _compare_layer(name, theirs, mine, inputs)
    assert [w.path.split("/", 1)[1] for w in mine.weights] == [w.path.split("/", 1)[1] for w in theirs.weights]
    assert_config_round_trip(factory, keras.layers, ours.layers)


@pytest.mark.parametrize("name,factory,inputs", LAYERS[:2] + LAYERS[8:9], ids=["conv3d", "conv3d_same", "rms"])
def test_layer_in_functional_model_fit(name, factory, inputs):
    keras = real_keras()
    histories = []
    weights = None   # Keras runs first and hands its starting weights to deepgrad
    for lib in (keras, ours):
        lib.utils.set_random_seed(1)
        x_in = lib.Input(inputs.shape[1:])
        h = factory(lib.layers)(x_in)
        y = lib.layers.Dense(1)(lib.layers.Flatten()(h))
        model = lib.Model(x_in, y)
        if lib is ours:
            model.set_weights(weights)
        weights = model.get_weights()
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse")
        target = np.linspace(-1, 1, len(inputs)).astype(np.float32)[:, None]
        history = model.fit(inputs, target, epochs=3, batch_size=1, shuffle=False, verbose=0)
        histories.append((history.history["loss"], model.predict(inputs, verbose=0)))
    np.testing.assert_allclose(histories[1][0], histories[0][0], rtol=2e-4, atol=2e-5)
    np.testing.assert_allclose(histories[1][1], histories[0][1], rtol=2e-4, atol=2e-5)


def test_conv3d_bad_input_is_named():
    layer = ours.layers.Conv3D(2, 2)
    with pytest.raises(ValueError, match="5-D inputs"):
        layer(ag.tensor(_x(2, 4, 4, 3)))
    with pytest.raises(ValueError, match="kernel_size"):
        ours.layers.Conv3D(2, (2, 2))


def test_rms_normalization_config_axis_becomes_list_when_built():
    keras = real_keras()
    for lib in (keras, ours):
        layer = lib.layers.RMSNormalization()
        assert layer.get_config()["axis"] == -1
        layer.build((2, 3))
        assert layer.get_config()["axis"] == [-1]


SPECTRAL = [
    ("dense", lambda L: L.Dense(3), _x(4, 5), 1),
    ("conv2d", lambda L: L.Conv2D(3, 2), _x(2, 4, 4, 2), 2),
    ("conv1d", lambda L: L.Conv1D(2, 3, padding="same"), _x(2, 5, 3), 3),
]


@pytest.mark.parametrize("name,inner,inputs,iterations", SPECTRAL, ids=[c[0] for c in SPECTRAL])
@pytest.mark.parametrize("training", [False, True])
def test_spectral_normalization_matches_keras(name, inner, inputs, iterations, training):
    keras = real_keras()
    keras.utils.set_random_seed(4)
    theirs = keras.layers.SpectralNormalization(inner(keras.layers), power_iterations=iterations)
    mine = ours.layers.SpectralNormalization(inner(ours.layers), power_iterations=iterations)
    _compare_layer(name, theirs, mine, inputs, training=training)
    assert [w.path.split("/", 1)[1] for w in mine.weights] == [w.path.split("/", 1)[1] for w in theirs.weights]
    assert_close_lists([w.numpy() for w in mine.weights], [w.numpy() for w in theirs.weights],
                       what=f"{name} weights after the call")


def test_spectral_normalization_config_and_errors():
    keras = real_keras()
    layer = ours.layers.SpectralNormalization(ours.layers.Dense(3), power_iterations=2)
    config = json.loads(json.dumps(layer.get_config()))
    again = ours.layers.SpectralNormalization.from_config(config)
    assert again.power_iterations == 2 and isinstance(again.layer, ours.layers.Dense)
    k_config = keras.layers.SpectralNormalization(keras.layers.Dense(3), power_iterations=2).get_config()
    assert set(k_config) == set(config)
    with pytest.raises(ValueError, match="power_iterations"):
        ours.layers.SpectralNormalization(ours.layers.Dense(3), power_iterations=0)
    with pytest.raises(ValueError, match="nor 'embeddings'"):
        ours.layers.SpectralNormalization(ours.layers.LayerNormalization()).build((None, 3))
    with pytest.raises(ValueError, match="Wrapper"):
        ours.layers.SpectralNormalization("dense")


def test_spectral_normalization_fit_matches_keras():
    keras = real_keras()
    x = _x(8, 5)
    y = _x(8, 1)
    results = []
    weights = None   # Keras runs first and hands its starting weights to deepgrad
    for lib in (keras, ours):
        lib.utils.set_random_seed(2)
        x_in = lib.Input((5,))
        h = lib.layers.SpectralNormalization(lib.layers.Dense(4, activation="tanh"))(x_in)
        model = lib.Model(x_in, lib.layers.Dense(1)(h))
        if lib is ours:
            model.set_weights(weights)
        weights = model.get_weights()
        model.compile(optimizer=lib.optimizers.Adam(0.01), loss="mse")
        history = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0)
        results.append((history.history["loss"], model.get_weights()))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=2e-4, atol=2e-5)
    assert_close_lists(results[1][1], results[0][1], rtol=2e-4, atol=2e-5, what="weights after fit")


def _images(*shape, high=1.0):
    return (RNG.uniform(0, high, shape)).astype(np.float32)


COLOR = [
    ("grayscale_always", lambda L: L.RandomGrayscale(factor=1.0), _images(2, 4, 5, 3), True),
    ("grayscale_never", lambda L: L.RandomGrayscale(factor=0.0), _images(2, 4, 5, 3), True),
    ("grayscale_inference", lambda L: L.RandomGrayscale(), _images(2, 4, 5, 3), False),
    ("grayscale_channels_first", lambda L: L.RandomGrayscale(1.0, data_format="channels_first"),
     _images(2, 3, 4, 5), True),
    ("grayscale_single_image", lambda L: L.RandomGrayscale(1.0), _images(4, 5, 3), True),
    ("brightness_fixed", lambda L: L.RandomBrightness((0.1, 0.1), value_range=(0, 1)), _images(2, 4, 4, 3), True),
    ("brightness_fixed_255", lambda L: L.RandomBrightness((-0.2, -0.2)), _images(2, 3, 3, 2, high=255), True),
    ("brightness_inference", lambda L: L.RandomBrightness(0.3), _images(2, 3, 3, 3), False),
    ("invert_always", lambda L: L.RandomInvert(factor=(1, 1), value_range=(0, 1)), _images(2, 3, 4, 3), True),
    ("invert_never", lambda L: L.RandomInvert(factor=0.0), _images(2, 3, 4, 3, high=255), True),
    ("invert_inference", lambda L: L.RandomInvert(), _images(2, 3, 4, 3, high=255), False),
    ("solarization_invert", lambda L: L.Solarization(), _images(2, 3, 4, 3, high=255), True),
    ("solarization_unit_range", lambda L: L.Solarization(value_range=(0, 1)), _images(2, 3, 4, 3), True),
    ("solarization_inference", lambda L: L.Solarization(0.5, 0.5), _images(2, 3, 4, 3, high=255), False),
    ("auto_contrast", lambda L: L.AutoContrast(), _images(2, 4, 5, 3, high=200), True),
    ("auto_contrast_unit", lambda L: L.AutoContrast(value_range=(0, 1)), _images(3, 4, 4, 3) * 0.5 + 0.2, False),
    ("equalization", lambda L: L.Equalization(), _images(2, 6, 5, 3, high=255), True),
    ("equalization_unit_bins", lambda L: L.Equalization(value_range=(0, 1), bins=16), _images(3, 5, 5, 2), True),
    ("equalization_channels_first", lambda L: L.Equalization(data_format="channels_first"),
     _images(2, 3, 4, 5, high=255), True),
    ("equalization_constant_channel", lambda L: L.Equalization(), np.full((2, 3, 3, 2), 9.0, np.float32), True),
    ("equalization_inference", lambda L: L.Equalization(), _images(2, 4, 4, 3, high=255), False),
]


@pytest.mark.parametrize("name,factory,images,training", COLOR, ids=[c[0] for c in COLOR])
def test_color_layer_matches_keras(name, factory, images, training):
    keras = real_keras()
    keras.utils.set_random_seed(6)
    theirs, mine = factory(keras.layers), factory(ours.layers)
    cotangent = [_x(*images.shape)]
    o_out, o_grads = our_forward_and_grads(mine, images, cotangent, training=training)
    if name.startswith("brightness") and training:   # Keras adds in place: no gradient through its call
        k_out = [np.asarray(theirs(images, training=True))]
        np.testing.assert_allclose(o_grads[0], cotangent[0] * ((o_out[0] > 0) & (o_out[0] < theirs.value_range[1])))
    else:
        k_out, k_grads = keras_forward_and_grads(theirs, images, cotangent, training=training)
        assert_close_lists(o_grads, k_grads, what=f"{name} gradient")
    assert_close_lists(o_out, k_out, rtol=1e-5, atol=1e-4, what=f"{name} output")
    assert_config_round_trip(factory, keras.layers, ours.layers)
    k_config = {k: v for k, v in theirs.get_config().items() if k != "dtype"}
    o_config = {k: v for k, v in mine.get_config().items() if k != "dtype"}
    assert json.loads(json.dumps(o_config)) == json.loads(json.dumps(k_config))


@pytest.mark.parametrize("factory", [lambda L: L.RandomInvert((1, 1)), lambda L: L.RandomGrayscale(1.0),
                                     lambda L: L.AutoContrast()], ids=["invert", "grayscale", "auto_contrast"])
def test_color_layer_direct_call_counts_as_training(factory):
    keras = real_keras()
    images = _images(2, 3, 3, 3, high=255)
    k_out = np.asarray(factory(keras.layers)(images))
    np.testing.assert_allclose(factory(ours.layers)(images).numpy(), k_out, rtol=1e-5, atol=1e-4)
    assert not np.allclose(k_out, images)


def test_auto_contrast_constant_and_integer_images():
    keras = real_keras()
    flat = np.full((1, 3, 3, 3), 7.0, np.float32)
    ints = (RNG.uniform(20, 200, (2, 4, 4, 3))).astype(np.uint8)
    for images in (flat, ints):
        k_out = np.asarray(keras.layers.AutoContrast()(images))
        o_out = ours.layers.AutoContrast()(images).numpy()
        assert o_out.dtype == k_out.dtype
        np.testing.assert_allclose(o_out, k_out, rtol=1e-5, atol=1e-4)


def test_color_layer_errors_match_keras():
    keras = real_keras()
    for make in (lambda L: L.RandomGrayscale(factor=1.5), lambda L: L.RandomBrightness(2.0),
                 lambda L: L.RandomInvert(factor=-0.5), lambda L: L.Solarization(addition_factor=2),
                 lambda L: L.AutoContrast(value_range=5), lambda L: L.RandomBrightness(0.1, value_range=(1,))):
        with pytest.raises(ValueError) as k_error:
            make(keras.layers)
        with pytest.raises(ValueError) as o_error:
            make(ours.layers)
        assert str(o_error.value) == str(k_error.value)


def test_color_layers_in_functional_model_fit():
    keras = real_keras()
    x = _images(6, 4, 4, 3, high=255)
    y = _x(6, 1)
    results = []
    weights = None   # Keras runs first and hands its starting weights to deepgrad
    for lib in (keras, ours):
        lib.utils.set_random_seed(3)
        x_in = lib.Input((4, 4, 3))
        h = lib.layers.AutoContrast()(x_in)
        h = lib.layers.RandomGrayscale(1.0)(h)
        h = lib.layers.RandomInvert((1, 1))(h)
        h = lib.layers.Rescaling(1 / 255.0)(h)
        model = lib.Model(x_in, lib.layers.Dense(1)(lib.layers.Flatten()(h)))
        if lib is ours:
            model.set_weights(weights)
        weights = model.get_weights()
        model.compile(optimizer=lib.optimizers.SGD(0.01), loss="mse")
        history = model.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0)
        results.append((history.history["loss"], model.predict(x, verbose=0)))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=2e-4, atol=2e-5)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=2e-4, atol=2e-5)


# ----- keras.ops ------------------------------------------------------------------------------------------------
from .ops_compare import check_against_keras  # noqa: E402

_IDS = np.array([0, 2, 0, 3, 2, 2], dtype=np.int64)
_TIED = np.array([[1.0, 2.0], [0.5, 2.0], [1.0, -1.0], [3.0, 0.0], [0.0, 0.0], [4.0, 1.0]], dtype=np.float32)

OPS = [
    ("cdist", lambda o, a, b: o.cdist(a, b), [_x(4, 3), _x(5, 3)]),
    ("cdist_batched", lambda o, a, b: o.cdist(a, b), [_x(2, 4, 3), _x(1, 5, 3)]),
    ("segment_max", lambda o, d, i: o.segment_max(d, i), [_x(6, 3), _IDS]),
    ("segment_max_empty_and_dropped", lambda o, d, i: o.segment_max(d, i, num_segments=3), [_x(6, 2, 2), _IDS]),
    ("segment_min", lambda o, d, i: o.segment_min(d, i, num_segments=5), [_x(6, 3), _IDS]),
    ("segment_max_ties", lambda o, d, i: o.segment_max(d, i), [_TIED, _IDS]),
    ("segment_prod", lambda o, d, i: o.segment_prod(d, i), [_x(6, 3), _IDS]),
    ("segment_prod_negative_id", lambda o, d, i: o.segment_prod(d, i, num_segments=4),
     [_x(6), np.array([0, -1, 1, 1, 3, 0])]),
    ("segment_max_int", lambda o, d, i: o.segment_max(d, i, num_segments=4),
     [np.array([3, 1, 4, 1, 5, 9], dtype=np.int32), _IDS]),
    ("view_as_real_of_complex", lambda o, x: o.view_as_real(o.view_as_complex(x)), [_x(3, 4, 2)]),
    ("extract_patches_valid", lambda o, x: o.image.extract_patches(x, 2), [_x(2, 6, 6, 3)]),
    ("extract_patches_same_strided", lambda o, x: o.image.extract_patches(x, (3, 2), strides=(2, 1), padding="same"),
     [_x(2, 7, 5, 2)]),
    ("extract_patches_dilated", lambda o, x: o.image.extract_patches(x, 2, strides=1, dilation_rate=2),
     [_x(1, 6, 6, 2)]),
    ("extract_patches_single_image", lambda o, x: o.image.extract_patches(x, (3, 3), (1, 1)), [_x(5, 6, 3)]),
    ("extract_patches_channels_first", lambda o, x: o.image.extract_patches(x, 2, data_format="channels_first"),
     [_x(2, 3, 4, 6)]),
    ("extract_patches_3d", lambda o, x: o.image.extract_patches(x, (2, 2, 2)), [_x(2, 4, 4, 4, 2)]),
    ("extract_patches_3d_same", lambda o, x: o.image.extract_patches_3d(x, 3, strides=2, padding="same"),
     [_x(5, 4, 6, 1)]),
    ("gaussian_blur", lambda o, x: o.image.gaussian_blur(x, data_format="channels_last"), [_x(2, 6, 7, 3)]),
    ("gaussian_blur_default_format", lambda o, x: o.image.gaussian_blur(x, (5, 5), (1.5, 1.5)), [_x(2, 3, 8, 7)]),
    ("gaussian_blur_unequal", lambda o, x: o.image.gaussian_blur(x, (3, 5), (1.0, 2.0), "channels_last"),
     [_x(6, 7, 2)]),
    ("sobel_edges", lambda o, x: o.image.sobel_edges(x), [_x(2, 5, 6, 3)]),
    ("sobel_edges_channels_first", lambda o, x: o.image.sobel_edges(x, data_format="channels_first"),
     [_x(2, 2, 5, 6)]),
    ("ssim", lambda o, a, b: o.image.ssim(a, b), [_images(2, 16, 14, 3), _images(2, 16, 14, 3)]),
    ("ssim_single_channels_first", lambda o, a, b: o.image.ssim(a, b, max_val=2.0, filter_size=5, filter_sigma=1.0,
                                                               data_format="channels_first"),
     [_images(3, 12, 12), _images(3, 12, 12)]),
]


@pytest.mark.parametrize("name,fn,inputs", OPS, ids=[c[0] for c in OPS])
def test_op_matches_keras(name, fn, inputs):
    check_against_keras(fn, inputs)


def test_view_as_complex_values_and_errors():
    keras = real_keras()
    x = _x(3, 2)
    theirs = np.asarray(keras.ops.view_as_complex(x))
    mine = ours.ops.view_as_complex(x).numpy()
    assert mine.dtype == theirs.dtype == np.complex64
    np.testing.assert_allclose(mine, theirs)
    z = (_x(4) + 1j * _x(4)).astype(np.complex64)
    np.testing.assert_allclose(ours.ops.view_as_real(z).numpy(), np.asarray(keras.ops.view_as_real(z)))
    with pytest.raises(ValueError, match="Last dimension of input must be size 2"):
        ours.ops.view_as_complex(_x(3, 3))
    with pytest.raises(ValueError, match="rank >= 2"):
        ours.ops.cdist(_x(3), _x(3, 3))
    with pytest.raises(ValueError, match="Last dimension of inputs to `cdist` must match"):
        ours.ops.cdist(_x(2, 3), _x(2, 4))
    with pytest.raises(ValueError, match="tuple of length 2 or 3"):
        ours.ops.image.extract_patches(_x(1, 4, 4, 1), (2, 2, 2, 2))


def test_extract_patches_in_a_vit_style_model_fit():
    """The ViT example's Patches layer: extract_patches inside a custom layer, reshaped to tokens, then fit."""
    keras = real_keras()
    x = _images(4, 8, 8, 3)
    y = _x(4, 1)
    results = []
    weights = None   # Keras runs first and hands its starting weights to deepgrad
    for lib in (keras, ours):
        class Patches(lib.layers.Layer):
            def call(self, images):
                patches = lib.ops.image.extract_patches(images, 4)
                shape = lib.ops.shape(patches)
                return lib.ops.reshape(patches, (shape[0], shape[1] * shape[2], shape[3]))

        lib.utils.set_random_seed(5)
        x_in = lib.Input((8, 8, 3))
        tokens = lib.layers.Dense(6)(Patches()(x_in))
        model = lib.Model(x_in, lib.layers.Dense(1)(lib.layers.GlobalAveragePooling1D()(tokens)))
        if lib is ours:
            model.set_weights(weights)
        weights = model.get_weights()
        model.compile(optimizer=lib.optimizers.Adam(0.01), loss="mse")
        history = model.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0)
        results.append((history.history["loss"], model.predict(x, verbose=0)))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=2e-4, atol=2e-5)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=2e-4, atol=2e-5)


# ----- keras.tree -----------------------------------------------------------------------------------------------
import collections  # noqa: E402

_Point = collections.namedtuple("Point", "y x")
TREES = [
    [[1, 2, 3], [4, [5], [[6]]]],
    {"b": 1, "a": (2, None), "c": {"z": [3], "y": 4}},
    collections.OrderedDict([("b", 1), ("a", [2, 3])]),
    [_Point(1, 2), {"k": _Point([3], 4)}],
    (None,),
    [7],
    None,
    5,
    "text",
    collections.deque([1, [2, 3]]),
    collections.defaultdict(list, {"q": [1], "p": 2}),
]


@pytest.mark.parametrize("structure", TREES, ids=[f"tree{k}" for k in range(len(TREES))])
def test_tree_matches_keras(structure):
    keras = real_keras()
    for fn in ("flatten", "flatten_with_path", "is_nested", "lists_to_tuples"):
        theirs, mine = getattr(keras.tree, fn)(structure), getattr(ours.tree, fn)(structure)
        assert mine == theirs and type(mine) is type(theirs), fn
    leaves = list(range(len(keras.tree.flatten(structure))))
    packed = ours.tree.pack_sequence_as(structure, leaves)
    assert packed == keras.tree.pack_sequence_as(structure, leaves)
    assert list(packed) == list(keras.tree.pack_sequence_as(structure, leaves)) if isinstance(packed, dict) else True
    double = ours.tree.map_structure(lambda v: None if v is None else v * 2, structure)
    assert double == keras.tree.map_structure(lambda v: None if v is None else v * 2, structure)
    assert ours.tree.map_structure(str, structure, none_is_leaf=False) == \
        keras.tree.map_structure(str, structure, none_is_leaf=False)
    for top_down in (True, False):
        seen_ours, seen_theirs = [], []
        out_ours = ours.tree.traverse(lambda s: seen_ours.append(s), structure, top_down=top_down)
        out_theirs = keras.tree.traverse(lambda s: seen_theirs.append(s), structure, top_down=top_down)
        assert seen_ours == seen_theirs and out_ours == out_theirs


def test_tree_multi_structure_and_errors_match_keras():
    keras = real_keras()
    a, b = {"x": [1, 2], "y": 3}, {"y": 30, "x": [10, 20]}
    assert ours.tree.map_structure(lambda p, q: p + q, a, b) == keras.tree.map_structure(lambda p, q: p + q, a, b)
    assert ours.tree.map_structure_up_to([0, 0], len, [[1, 2], (3, 4, 5)]) == \
        keras.tree.map_structure_up_to([0, 0], len, [[1, 2], (3, 4, 5)])
    shapes = {"a": (None, 3), "b": [(1, 2), (3,)]}
    assert ours.tree.map_shape_structure(len, shapes) == keras.tree.map_shape_structure(len, shapes)
    assert ours.tree.traverse(lambda s: ours.tree.MAP_TO_NONE if s == [2] else None, [1, [2]]) == \
        keras.tree.traverse(lambda s: keras.tree.MAP_TO_NONE if s == [2] else None, [1, [2]])
    ours.tree.assert_same_structure([1, (2, 3)], [4, (5, 6)])
    ours.tree.assert_same_paths([1, 2], (3, 4))
    for call in (lambda t: t.map_structure(lambda p, q: p, [1, 2], (1, 2)),
                 lambda t: t.assert_same_structure([1, 2], (1, 2)),
                 lambda t: t.assert_same_structure([1, 2], [1, [2]]),
                 lambda t: t.pack_sequence_as([0, 0], [1]),
                 lambda t: t.assert_same_paths([1, 2], [1]),
                 lambda t: t.map_structure(lambda p, q: p, [None, 1], [2, 1], none_is_leaf=False),
                 lambda t: t.map_structure(len)):
        with pytest.raises(ValueError) as k_error:
            call(keras.tree)
        with pytest.raises(ValueError) as o_error:
            call(ours.tree)
        assert str(o_error.value).split("(")[0] == str(k_error.value).split("(")[0]


# ----- optimizers, losses, mixed precision -----------------------------------------------------------------------
def _fit_both(make_optimizer, loss="mse", x=None, y=None, build=None, epochs=3, compare_weights=True):
    keras = real_keras()
    results = []
    weights = None   # Keras runs first and hands its starting weights to deepgrad
    for lib in (keras, ours):
        lib.utils.set_random_seed(7)
        model = build(lib) if build else lib.Sequential([lib.Input((4,)), lib.layers.Dense(5, activation="tanh"),
                                                          lib.layers.Dense(2)])
        if lib is ours:
            model.set_weights(weights)
        weights = model.get_weights()
        optimizer = make_optimizer(lib)
        model.compile(optimizer=optimizer, loss=loss)
        history = model.fit(x, y, epochs=epochs, batch_size=4, shuffle=False, verbose=0)
        results.append((history.history["loss"], model.get_weights(), optimizer))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=2e-4, atol=2e-5)
    if compare_weights:
        assert_close_lists(results[1][1], results[0][1], rtol=2e-4, atol=2e-5, what="weights after fit")
    return results


_X, _Y = _x(8, 4), _x(8, 2)


@pytest.mark.parametrize("make", [lambda L: L.optimizers.Lamb(0.01),
                                  lambda L: L.optimizers.Lamb(0.02, beta_1=0.8, beta_2=0.99, epsilon=1e-5,
                                                              weight_decay=0.01),
                                  lambda L: L.optimizers.Lamb(0.01, clipnorm=0.5)],
                         ids=["lamb", "lamb_wd", "lamb_clip"])
def test_lamb_fit_matches_keras(make):
    results = _fit_both(make, x=_X, y=_Y)
    k_config, o_config = results[0][2].get_config(), results[1][2].get_config()
    for key in ("beta_1", "beta_2", "epsilon", "learning_rate", "weight_decay", "clipnorm"):
        assert o_config[key] == pytest.approx(k_config[key])
    assert type(ours.optimizers.get("lamb")).__name__ == "Lamb"


@pytest.mark.parametrize("growth", [2000, 2], ids=["steady", "growing"])
def test_loss_scale_optimizer_fit_matches_keras(growth):
    results = _fit_both(lambda L: L.optimizers.LossScaleOptimizer(L.optimizers.Adam(0.01), dynamic_growth_steps=growth),
                        x=_X, y=_Y)
    theirs, mine = results[0][2], results[1][2]
    assert float(np.asarray(mine.dynamic_scale)) == float(np.asarray(theirs.dynamic_scale))
    assert int(mine.iterations) == int(theirs.iterations)
    assert float(mine.learning_rate) == pytest.approx(float(theirs.learning_rate))


def test_loss_scale_optimizer_custom_loop_and_overflow():
    keras = real_keras()
    import torch
    w0 = _x(3, 2)
    grads = [_x(3, 2), np.full((3, 2), np.inf, np.float32), _x(3, 2)]
    values = []
    for lib in (keras, ours):
        optimizer = lib.optimizers.LossScaleOptimizer(lib.optimizers.SGD(0.1), initial_scale=4.0,
                                                      dynamic_growth_steps=2)
        variable = lib.Variable(w0)
        assert float(np.asarray(optimizer.scale_loss(lib.ops.convert_to_tensor(np.float32(1.5))))) == 6.0
        scales = []
        for g in grads:
            g = torch.tensor(g) if lib is keras else ag.tensor(g)
            optimizer.apply_gradients([(g * 4.0, variable)])
            scales.append(float(np.asarray(optimizer.dynamic_scale)))
        values.append((np.asarray(variable.numpy()), scales, int(optimizer.iterations)))
    np.testing.assert_allclose(values[1][0], values[0][0], rtol=1e-6)
    assert values[1][1:] == values[0][1:]


def test_loss_scale_optimizer_config_and_errors():
    keras = real_keras()
    mine = ours.mixed_precision.LossScaleOptimizer(ours.optimizers.SGD(0.5), initial_scale=8.0)
    config = json.loads(json.dumps(mine.get_config()))
    again = ours.optimizers.LossScaleOptimizer.from_config(config)
    assert again.initial_scale == 8.0 and float(again.learning_rate) == 0.5
    assert set(config) == set(keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD()).get_config())
    for kwargs in ({"dynamic": False}, {"clipnorm": 1.0}, {"foo": 1}):
        with pytest.raises(ValueError) as k_error:
            keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(), **kwargs)
        with pytest.raises(ValueError) as o_error:
            ours.optimizers.LossScaleOptimizer(ours.optimizers.SGD(), **kwargs)
        assert str(o_error.value) == str(k_error.value)


def test_mixed_precision_namespace():
    keras = real_keras()
    assert sorted(n for n in dir(keras.mixed_precision) if not n.startswith("_")) == \
        sorted(n for n in dir(ours.mixed_precision) if not n.startswith("_") and n != "annotations")
    try:
        ours.mixed_precision.set_global_policy("mixed_float16")
        policy = ours.mixed_precision.global_policy()
        assert (policy.name, policy.compute_dtype, policy.variable_dtype) == ("mixed_float16", "float16", "float32")
        assert ours.mixed_precision.Policy("float64").compute_dtype == "float64"
    finally:
        ours.mixed_precision.set_global_policy("float32")
    assert ours.mixed_precision.global_policy().name == "float32"


_LABELS = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [2, 0, 0, 0]], dtype=np.int64)


def test_ctc_loss_matches_keras():
    keras = real_keras()
    import torch
    logits = _x(3, 7, 4)
    for reduction in ("sum_over_batch_size", "sum", None):
        k_logits = torch.tensor(logits, requires_grad=True)
        k_loss = keras.losses.CTC(reduction=reduction)(_LABELS, k_logits)
        k_loss.sum().backward()
        o_logits = ag.tensor(logits, requires_grad=True)
        o_loss = ours.losses.CTC(reduction=reduction)(_LABELS, o_logits)
        o_loss.sum().backward()
        np.testing.assert_allclose(o_loss.detach().numpy(), k_loss.detach().numpy(), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(o_logits.grad.numpy(), k_logits.grad.numpy(), rtol=1e-3, atol=1e-5)
    k_config = keras.losses.CTC(reduction="sum").get_config()
    o_config = ours.losses.CTC(reduction="sum").get_config()
    assert {k: o_config[k] for k in ("name", "reduction")} == {k: k_config[k] for k in ("name", "reduction")}
    np.testing.assert_allclose(ours.losses.ctc(_LABELS, logits).numpy(),
                               np.asarray(keras.losses.ctc(_LABELS, logits)), rtol=1e-4)
    assert ours.losses.get("ctc") is ours.losses.ctc
    with pytest.raises(ValueError, match="max_length\\)` in integer format"):
        ours.losses.ctc(_LABELS[0], logits)
    with pytest.raises(ValueError, match="num_classes\\)`"):
        ours.losses.ctc(_LABELS, logits[0])


def test_ctc_loss_fit_matches_keras():
    x = _x(6, 7, 3)
    labels = np.array([[1, 2, 0], [3, 0, 0], [1, 1, 2], [2, 3, 0], [3, 3, 1], [1, 0, 0]], dtype=np.int64)

    def build(lib):
        x_in = lib.Input((7, 3))
        return lib.Model(x_in, lib.layers.Dense(4)(lib.layers.Dense(8, activation="tanh")(x_in)))
    keras = real_keras()
    results = []
    weights = None   # Keras runs first and hands its starting weights to deepgrad
    for lib in (keras, ours):
        lib.utils.set_random_seed(7)
        model = build(lib)
        if lib is ours:
            model.set_weights(weights)
        weights = model.get_weights()
        model.compile(optimizer=lib.optimizers.Adam(0.01), loss=lib.losses.CTC())
        history = model.fit(x, labels, epochs=3, batch_size=3, shuffle=False, verbose=0)
        results.append(history.history["loss"])
    np.testing.assert_allclose(results[1], results[0], rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("factory", [lambda L: L.RandomFlip(), lambda L: L.RandomRotation(0.3),
                                     lambda L: L.RandomZoom(0.3), lambda L: L.RandomContrast(0.5),
                                     lambda L: L.RandomTranslation(0.3, 0.3), lambda L: L.RandomCrop(2, 2)],
                         ids=["flip", "rotation", "zoom", "contrast", "translation", "crop"])
def test_existing_augmentation_layers_transform_on_a_direct_call(factory):
    """Regression: Keras's preprocessing layers default to training=True, so layer(x) transforms (deepgrad
    passed the images through); predict and training=False still pass them through."""
    keras = real_keras()
    x = _images(32, 6, 6, 3, high=255)   # RandomFlip leaves each image as it is with probability 1/2
    changed = []
    for lib in (keras, ours):
        lib.utils.set_random_seed(1)
        out = np.asarray(factory(lib.layers)(x) if lib is keras else factory(lib.layers)(x).numpy())
        changed.append(out.shape != x.shape or not np.allclose(out, x))
        x_in = lib.Input((6, 6, 3))
        model = lib.Model(x_in, factory(lib.layers)(x_in))
        changed.append(not np.allclose(model.predict(x, verbose=0), np.asarray(factory(lib.layers)(x, training=False))))
    assert changed == [True, False, True, False]


# ----- regressions found on the way ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Zeros", "Ones", "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal",
                                  "LecunUniform", "LecunNormal", "VarianceScaling"])
def test_initializer_configs_match_keras_both_ways(name):
    """Regressions: Keras 3.15's VarianceScaling family has input_axes / output_axes (deepgrad could not load a
    Keras config naming them), and Keras's Zeros / Ones take no arguments (real Keras could not load deepgrad's
    {'seed': None})."""
    keras = real_keras()
    k_config = getattr(keras.initializers, name)().get_config()
    o_config = getattr(ours.initializers, name)().get_config()
    assert o_config == k_config
    getattr(ours.initializers, name)(**k_config)
    getattr(keras.initializers, name)(**o_config)


def test_variance_scaling_axes_fans_match_keras():
    keras = real_keras()
    for kwargs, fans in (({"input_axes": [0, 1], "output_axes": [2]}, (1200, 50)),
                         ({"input_axes": [2], "output_axes": [0]}, (50, 30))):
        limit = np.sqrt(3 * 2.0 / (sum(fans) / 2))   # uniform, scale 2, fan_avg over the named axes
        keras.utils.set_random_seed(0)
        theirs = np.asarray(keras.initializers.VarianceScaling(2.0, "fan_avg", "uniform", **kwargs)((30, 40, 50)))
        mine = ours.initializers.VarianceScaling(2.0, "fan_avg", "uniform", seed=1, **kwargs)((30, 40, 50))
        for values in (theirs, mine):
            assert 0.99 * limit < np.abs(values).max() <= limit


def _check_mixed(images, out_images, out_labels):
    """Each output image is w x[i] + (1 - w) x[j], w its one-hot label's i-th entry after mixing and j the
    label's other non-zero entry (labels mixed with the same weight and partner)."""
    for i in range(len(images)):
        w = out_labels[i, i]
        others = [j for j in np.nonzero(out_labels[i] > 1e-7)[0] if j != i]
        j = others[0] if others else i
        np.testing.assert_allclose(out_images[i], w * images[i] + (1 - w) * images[j], rtol=1e-4, atol=1e-3)


def test_mix_up_mixes_images_and_labels_as_keras():
    keras = real_keras()
    images = _images(6, 3, 3, 2, high=255)
    labels = np.eye(6, dtype=np.float32)
    for lib in (keras, ours):
        layer = lib.layers.MixUp(alpha=0.8, seed=3)
        out = layer({"images": images, "labels": labels})
        assert set(out) == {"images", "labels"}
        out_images, out_labels = (np.asarray(out[k]) for k in ("images", "labels"))
        np.testing.assert_allclose(out_labels.sum(axis=1), 1.0, rtol=1e-5)
        _check_mixed(images, out_images, out_labels)
        np.testing.assert_array_equal(np.asarray(layer(images, training=False)), images)
        assert np.asarray(layer(images)).shape == images.shape
    k_config = {k: v for k, v in keras.layers.MixUp(0.5, seed=1).get_config().items() if k != "dtype"}
    o_config = {k: v for k, v in ours.layers.MixUp(0.5, seed=1).get_config().items() if k != "dtype"}
    assert o_config == k_config


def test_spectral_normalization_fit_with_jit_compile_matches_eager():
    """Regression: the power-iteration update must run as tensor ops (no host read, no copy_, which a compiled
    step does not replay), so compile(jit_compile=True) trains as eager fit does."""
    x, y = _x(8, 5), _x(8, 1)
    results = []
    for jit in (False, True):
        ours.utils.set_random_seed(2)
        x_in = ours.Input((5,))
        layer = ours.layers.SpectralNormalization(ours.layers.Dense(4, activation="tanh"))
        model = ours.Model(x_in, ours.layers.Dense(1)(layer(x_in)))
        model.compile(optimizer=ours.optimizers.SGD(0.1), loss="mse", jit_compile=jit)
        history = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0)
        results.append((history.history["loss"], [w.numpy() for w in layer.weights]))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-6)
    assert_close_lists(results[1][1], results[0][1], rtol=1e-6, atol=1e-7, what="weights with jit_compile")


def test_loss_scale_optimizer_with_jit_compile_matches_eager():
    """Regression: the finiteness check reads raw gradient arrays (not Tensor.numpy(), which a compiled step
    refuses), so compile(jit_compile=True) runs the loss-scaled step as a host call, as eager fit does."""
    results = []
    for jit in (False, True):
        ours.utils.set_random_seed(2)
        model = ours.Sequential([ours.Input((4,)), ours.layers.Dense(3, activation="tanh"), ours.layers.Dense(1)])
        optimizer = ours.optimizers.LossScaleOptimizer(ours.optimizers.Adam(0.01), dynamic_growth_steps=2)
        model.compile(optimizer=optimizer, loss="mse", jit_compile=jit)
        history = model.fit(_X, _Y[:, :1], epochs=3, batch_size=2, shuffle=False, verbose=0)
        results.append((history.history["loss"], float(np.asarray(optimizer.dynamic_scale)), int(optimizer.iterations)))
    assert results[1] == results[0]


def _check_cut(images, out_images, out_labels):
    """Each output image is its own outside one box and one partner's inside it, the box's share of the image
    being the partner's weight in the label (one-hot labels)."""
    n, h, w = images.shape[:3]
    for i in range(n):
        others = [j for j in np.nonzero(out_labels[i] > 1e-7)[0] if j != i]
        j = others[0] if others else i
        from_partner = np.all(np.isclose(out_images[i], images[j]), axis=-1)
        from_self = np.all(np.isclose(out_images[i], images[i]), axis=-1)
        assert np.all(from_partner | from_self)
        if j != i:
            # a real-valued box covers whole pixels: up to one row and one column more or less
            np.testing.assert_allclose(from_partner.sum() / (h * w), out_labels[i, j], atol=(h + w + 1) / (h * w))


def test_cut_mix_pastes_boxes_and_mixes_labels_as_keras():
    keras = real_keras()
    images = _images(6, 16, 16, 2, high=255)
    labels = np.eye(6, dtype=np.float32)
    for lib in (keras, ours):
        layer = lib.layers.CutMix(seed=4)
        for _ in range(3):
            out = layer({"images": images, "labels": labels})
            out_images, out_labels = (np.asarray(out[k]) for k in ("images", "labels"))
            np.testing.assert_allclose(out_labels.sum(axis=1), 1.0, rtol=1e-5)
            _check_cut(images, out_images, out_labels)
        np.testing.assert_array_equal(np.asarray(layer(images, training=False)), images)
        np.testing.assert_array_equal(np.asarray(layer(images[0])), images[0])   # one image: unchanged
    k_config = {k: v for k, v in keras.layers.CutMix(0.5, seed=1).get_config().items() if k != "dtype"}
    o_config = {k: v for k, v in ours.layers.CutMix(0.5, seed=1).get_config().items() if k != "dtype"}
    assert json.loads(json.dumps(o_config)) == json.loads(json.dumps(k_config))
