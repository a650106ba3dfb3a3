"""keras.ops' neural-network functions (keras.ops.nn and keras.ops.image) against real Keras 3 on the torch
backend: convolutions, pooling, normalisation, activations, losses, attention, block rearrangements and image ops,
values and gradients, on random inputs including a batch of 1 and odd sizes."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .ops_compare import check_against_keras

RNG = np.random.default_rng(11)


def rand(*shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


X1, X2, X3 = rand(2, 9, 3), rand(1, 7, 6, 3), rand(2, 5, 4, 6, 2)
X2B = rand(3, 8, 5, 4)
K1, K2, K3 = rand(3, 3, 4), rand(3, 2, 3, 5), rand(2, 3, 2, 2, 3)
KG = rand(3, 3, 1, 6)          # 3 groups of one input channel each
KT1, KT2 = rand(4, 5, 3), rand(3, 3, 2, 3)
DW = rand(3, 3, 3, 2)
PW = rand(1, 1, 6, 4)

CONV = {
    "conv1d_valid": (lambda o, x, k: o.conv(x, k), [X1, K1]),
    "conv1d_same_stride2": (lambda o, x, k: o.conv(x, k, 2, "same"), [X1, K1]),
    "conv1d_dilated": (lambda o, x, k: o.conv(x, k, dilation_rate=2, padding="same"), [X1, K1]),
    "conv2d_batch1_odd": (lambda o, x, k: o.conv(x, k, (2, 1), "same"), [X2, K2]),
    "conv2d_groups": (lambda o, x, k: o.conv(x, k, 1, "valid"), [X2, KG]),
    "conv2d_channels_first": (lambda o, x, k: o.conv(x, k, 1, "same", "channels_first"),
                              [X2B, rand(2, 2, 8, 3)]),
    "conv3d": (lambda o, x, k: o.conv(x, k, 1, "same"), [X3, K3]),
    "conv_transpose1d": (lambda o, x, k: o.conv_transpose(x, k, 2), [X1, KT1]),
    "conv_transpose1d_same": (lambda o, x, k: o.conv_transpose(x, k, 3, "same"), [X1, KT1]),
    "conv_transpose2d_output_padding": (lambda o, x, k: o.conv_transpose(x, k, 2, "same", output_padding=1),
                                        [X2, KT2]),
    "conv_transpose2d_valid_op": (lambda o, x, k: o.conv_transpose(x, k, (2, 3), "valid", output_padding=(1, 0)),
                                  [X2, KT2]),
    "conv_transpose2d_dilated": (lambda o, x, k: o.conv_transpose(x, k, 1, "same", dilation_rate=2), [X2, KT2]),
    "depthwise_conv": (lambda o, x, k: o.depthwise_conv(x, k, 2, "same"), [X2, DW]),
    "depthwise_conv1d": (lambda o, x, k: o.depthwise_conv(x, k, 1, "valid"), [X1, rand(2, 3, 2)]),
    "separable_conv": (lambda o, x, d, p: o.separable_conv(x, d, p, 1, "same"), [X2, DW, PW]),
    "depthwise_conv_channels_first": (lambda o, x, k: o.depthwise_conv(x, k, 2, "same", "channels_first"),
                                      [X2B.transpose(0, 3, 1, 2)[:, :3].copy(), DW]),
    "conv_transpose_channels_first": (lambda o, x, k: o.conv_transpose(x, k, 2, "same", data_format="channels_first"),
                                      [X2.transpose(0, 3, 1, 2).copy(), rand(3, 3, 4, 3)]),
}

POOL = {
    "max_pool1d": (lambda o, x: o.max_pool(x, 2), [X1]),
    "max_pool2d_same": (lambda o, x: o.max_pool(x, 3, 2, "same"), [X2]),
    "max_pool3d": (lambda o, x: o.max_pool(x, (2, 2, 3), 1), [X3]),
    "average_pool1d_same": (lambda o, x: o.average_pool(x, 3, 2, "same"), [X1]),
    "average_pool2d_same_stride1": (lambda o, x: o.average_pool(x, 3, 1, "same"), [X2]),
    "average_pool2d": (lambda o, x: o.average_pool(x, (2, 3), (1, 2)), [X2]),
    "average_pool2d_same_channels_first": (lambda o, x: o.average_pool(x, 2, 2, "same", "channels_first"), [X2B]),
    "adaptive_average_pool2d": (lambda o, x: o.adaptive_average_pool(x, (3, 4)), [X2]),
    "adaptive_max_pool1d": (lambda o, x: o.adaptive_max_pool(x, 4), [X1]),
    "adaptive_average_pool3d": (lambda o, x: o.adaptive_average_pool(x, 2), [X3]),
}

G5, G3 = rand(5), rand(3)
T3 = rand(2, 3, 5)
NORM = {
    "batch_normalization": (lambda o, x, m, v, g: o.batch_normalization(x, m, v, 1, g, g), [T3, G3, G3 ** 2, G3]),
    "batch_normalization_last": (lambda o, x, m: o.batch_normalization(x, m, m * m + 0.5, -1, epsilon=0.01),
                                 [T3, G5]),
    "layer_normalization": (lambda o, x, g, b: o.layer_normalization(x, g, b), [T3, G5, G5]),
    "layer_normalization_axes": (lambda o, x: o.layer_normalization(x, axis=(1, 2), epsilon=1e-3), [T3]),
    "rms_normalization": (lambda o, x, g: o.rms_normalization(x, g), [T3, G5]),
    "normalize": (lambda o, x: o.normalize(x), [T3]),
    "normalize_order1": (lambda o, x: o.normalize(x, axis=1, order=1), [T3]),
}

Z = rand(3, 4, 7, scale=3.0)
ACTIVATIONS = {name: (lambda o, x, n=name: getattr(o, n)(x), [Z]) for name in (
    "relu6 selu celu glu hard_sigmoid hard_silu hard_swish hard_tanh hard_shrink soft_shrink tanh_shrink "
    "log_sigmoid softsign sparse_plus sparse_sigmoid squareplus").split()}
ACTIVATIONS["glu"] = (lambda o, x: o.glu(x), [Z[..., :6].copy()])
ACTIVATIONS.update({
    "celu_alpha": (lambda o, x: o.celu(x, 0.5), [Z]),
    "glu_axis": (lambda o, x: o.glu(x, axis=1), [Z]),
    "hard_shrink_threshold": (lambda o, x: o.hard_shrink(x, 1.5), [Z]),
    "soft_shrink_threshold": (lambda o, x: o.soft_shrink(x, 1.0), [Z]),
    "threshold": (lambda o, x: o.threshold(x, 0.3, -2.0), [Z]),
    "squareplus_b": (lambda o, x: o.squareplus(x, 1), [Z]),
    "sparsemax_one_winner": (lambda o, x: o.sparsemax(x), [np.array([[1.0, 3.0, 0.5], [4.0, 0.1, 0.2]], np.float32)]),
})

LOGITS = rand(4, 5)
PROBS = np.abs(LOGITS) + 0.1
ONE_HOT = np.eye(5, dtype=np.float32)[[0, 2, 4, 1]]
CLASSES = np.array([0, 2, 4, 1])
BITS = (RNG.random((4, 5)) > 0.5).astype(np.float32)
LOSSES = {
    "binary_crossentropy": (lambda o, p: o.binary_crossentropy(BITS, p), [1 / (1 + np.exp(-LOGITS))]),
    "binary_crossentropy_logits": (lambda o, z: o.binary_crossentropy(BITS, z, from_logits=True), [LOGITS]),
    "categorical_crossentropy": (lambda o, p: o.categorical_crossentropy(ONE_HOT, p), [PROBS]),
    "categorical_crossentropy_logits_axis0": (
        lambda o, z: o.categorical_crossentropy(ONE_HOT, z, from_logits=True, axis=0), [LOGITS]),
    "sparse_categorical_crossentropy": (lambda o, p: o.sparse_categorical_crossentropy(CLASSES, p), [PROBS]),
    "sparse_categorical_crossentropy_logits": (
        lambda o, z: o.sparse_categorical_crossentropy(CLASSES[:, None], z, from_logits=True), [LOGITS]),
    "psnr": (lambda o, a, b: o.psnr(a, b, 2.0), [PROBS, LOGITS]),
    "ctc_loss": (lambda o, z: o.ctc_loss(np.array([[1, 2, 0], [3, 3, 1]]), z, np.array([2, 3]),
                                         np.array([6, 5])), [rand(2, 6, 4)]),
    "ctc_loss_batch1_mask_index": (lambda o, z: o.ctc_loss(np.array([[0, 1]]), z, np.array([2]), np.array([5]),
                                                           mask_index=2), [rand(1, 5, 3)]),
    "multi_hot": (lambda o, x: o.multi_hot(x, 5), [np.array([[1, 3], [0, 0], [4, 4]])]),
    "multi_hot_vector_int": (lambda o, x: o.multi_hot(x, 6, dtype="int32"), [np.array([5, 1])]),
    "in_top_k": (lambda o, p: o.in_top_k(CLASSES, p, 2), [LOGITS]),
    "in_top_k_ties": (lambda o, p: o.in_top_k(np.array([1, 0]), p, 1),
                      [np.array([[0.1, 0.9, 0.0], [0.5, 0.5, 0.3]], np.float32)]),
}

Q, KK, V = rand(2, 3, 4, 5), rand(2, 6, 2, 5), rand(2, 6, 2, 5)
MASK = RNG.random((2, 1, 3, 6)) > 0.3
MASK[..., 0] = True
IMG = rand(2, 8, 6, 8)
BLOCKS = {
    "attention": (lambda o, q, k, v: o.dot_product_attention(q, k, v), [Q, KK, V]),
    "attention_bias_scale": (lambda o, q, k, v, b: o.dot_product_attention(q, k, v, bias=b, scale=0.3),
                             [Q, KK, V, rand(2, 4, 3, 6)]),
    "attention_mask_causal": (lambda o, q, k, v: o.dot_product_attention(q, k, v, mask=MASK, is_causal=True),
                              [Q, KK, V]),
    "attention_batch1_same_heads": (lambda o, q, k, v: o.dot_product_attention(q, k, v, is_causal=True),
                                    [rand(1, 5, 2, 3), rand(1, 5, 2, 3), rand(1, 5, 2, 3)]),
    "depth_to_space": (lambda o, x: o.depth_to_space(x, 2), [IMG]),
    "depth_to_space_channels_first": (lambda o, x: o.depth_to_space(x, 2, "channels_first"), [IMG]),
    "space_to_depth": (lambda o, x: o.space_to_depth(x, 2), [IMG]),
    "space_to_depth_channels_first": (lambda o, x: o.space_to_depth(x, 2, data_format="channels_first"), [IMG]),
    "unfold": (lambda o, x: o.unfold(x, (2, 3), stride=(1, 2), padding=1), [IMG]),
    "fold": (lambda o, x: o.fold(x, (5, 6), 2), [rand(2, 12, 20)]),
    "extract_sequences": (lambda o, x: o.extract_sequences(x, 3, 2), [rand(2, 3, 10)]),
    "extract_sequences_whole": (lambda o, x: o.extract_sequences(x, 7, 1), [rand(7)]),
}

PHOTOS = RNG.random((2, 5, 7, 3)).astype(np.float32)
HSV = np.concatenate([RNG.random((2, 5, 7, 1)), PHOTOS[..., 1:]], -1).astype(np.float32)
AFFINE = np.array([[1.1, 0.2, -0.7, -0.1, 0.9, 0.4, 0, 0], [0.8, -0.3, 1.3, 0.25, 1.2, -0.6, 0, 0]], np.float32)
IMAGE = {
    "resize": (lambda o, x: o.image.resize(x, (3, 9)), [PHOTOS]),
    "resize_nearest_single": (lambda o, x: o.image.resize(x, (10, 4), interpolation="nearest"), [PHOTOS[0]]),
    "resize_crop_channels_first": (lambda o, x: o.image.resize(x, (4, 4), crop_to_aspect_ratio=True,
                                                                data_format="channels_first"), [PHOTOS]),
    "resize_pad_to_aspect_bicubic": (lambda o, x: o.image.resize(x, (6, 3), "bicubic", pad_to_aspect_ratio=True,
                                                                  fill_value=0.25), [PHOTOS]),
    "pad_images": (lambda o, x: o.image.pad_images(x, 1, 2, target_height=8, target_width=10), [PHOTOS]),
    "pad_images_after": (lambda o, x: o.image.pad_images(x, bottom_padding=2, right_padding=1, target_height=8,
                                                         target_width=9), [PHOTOS]),
    "crop_images": (lambda o, x: o.image.crop_images(x, 1, 2, target_height=3, target_width=4), [PHOTOS]),
    "crop_images_single": (lambda o, x: o.image.crop_images(x, 1, 0, 1, 3), [PHOTOS[1]]),
    "rgb_to_grayscale": (lambda o, x: o.image.rgb_to_grayscale(x), [PHOTOS]),
    "rgb_to_grayscale_channels_first": (lambda o, x: o.image.rgb_to_grayscale(x, data_format="channels_first"),
                                        [PHOTOS.transpose(0, 3, 1, 2).copy()]),
    "rgb_to_hsv": (lambda o, x: o.image.rgb_to_hsv(x), [PHOTOS]),
    "hsv_to_rgb": (lambda o, x: o.image.hsv_to_rgb(x), [HSV]),
    "affine_transform": (lambda o, x: o.image.affine_transform(x, AFFINE, fill_value=0.5), [PHOTOS]),
    # the affine part only: Keras's torch backend also sends gradients to the projective terms c0, c1 (which it
    # misuses as offsets along the channel axis, as ours does: test_round29_fixes.py compares those values)
    "affine_transform_gradient_of_transform": (
        lambda o, x, t: o.image.affine_transform(x, o.concatenate([t, o.zeros((2, 2))], axis=1), fill_mode="nearest"),
        [PHOTOS, AFFINE[:, :6].copy()]),
    "affine_transform_nearest_wrap_single": (lambda o, x: o.image.affine_transform(x, AFFINE[0], "nearest", "wrap"),
                                             [PHOTOS[0]]),
    "affine_transform_reflect": (lambda o, x: o.image.affine_transform(x, AFFINE, fill_mode="reflect"), [PHOTOS]),
    "affine_transform_mirror": (lambda o, x: o.image.affine_transform(x, AFFINE, fill_mode="mirror"), [PHOTOS]),
}

INT_IMAGE = (PHOTOS * 255).astype(np.uint8)
INTEGER_IMAGE = {
    "resize_uint8": lambda o: o.image.resize(INT_IMAGE, (3, 9)),
    "resize_uint8_nearest_crop": lambda o: o.image.resize(INT_IMAGE, (4, 4), "nearest", crop_to_aspect_ratio=True),
    "pad_images_uint8": lambda o: o.image.pad_images(INT_IMAGE, 1, 2, 1, 0),
    "crop_images_uint8": lambda o: o.image.crop_images(INT_IMAGE, 1, 1, 1, 1),
    "rgb_to_grayscale_uint8": lambda o: o.image.rgb_to_grayscale(INT_IMAGE),
    "affine_transform_uint8": lambda o: o.image.affine_transform(INT_IMAGE, AFFINE, "nearest"),
}

ALL = {**CONV, **POOL, **NORM, **ACTIVATIONS, **LOSSES, **BLOCKS, **IMAGE}


@pytest.mark.parametrize("name", sorted(ALL))
def test_matches_keras_values_and_gradients(name):
    fn, inputs = ALL[name]
    check_against_keras(fn, inputs)


@pytest.mark.parametrize("name", sorted(INTEGER_IMAGE))
def test_integer_images_keep_their_dtype_as_in_keras(name):
    check_against_keras(lambda o: INTEGER_IMAGE[name](o), [], grad=False)


def test_resize_creates_no_layer():
    # a layer would take an automatic name (resizing, resizing_1, ...) from the user's model
    def number(name):
        return int(name.rsplit("_", 1)[1]) if "_" in name else 0
    before = ours.layers.Resizing(2, 2).name
    ours.ops.image.resize(PHOTOS, (3, 3))
    assert number(ours.layers.Resizing(2, 2).name) == number(before) + 1


def test_nn_namespace_holds_the_same_functions():
    for name in ("conv", "max_pool", "relu6", "sparsemax", "ctc_loss", "dot_product_attention", "relu", "softmax"):
        assert getattr(ours.ops.nn, name) is getattr(ours.ops, name)


def _simplex_projection(x):
    ranked = np.sort(x)[::-1]
    running = np.cumsum(ranked)
    k = np.arange(1, len(x) + 1)
    size = k[1 + k * ranked > running][-1]
    return np.maximum(x - (running[size - 1] - 1) / size, 0)


def test_sparsemax_is_the_projection_onto_the_simplex():
    # Keras's backends sum the cumulative sums over the whole support instead of taking the last one, so with more
    # than one winner their outputs stop summing to 1 (Keras gives all zeros for [0.1, 0.2, 0.3, 0.4]); ours
    # follows the definition (Martins & Astudillo, 2016)
    x = rand(5, 6)
    x[0] = [0.1, 0.2, 0.3, 0.4, 0.0, -1.0]
    out = ours.ops.sparsemax(x).numpy()
    np.testing.assert_allclose(out, np.stack([_simplex_projection(row) for row in x]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.sum(-1), 1.0, rtol=1e-5)
    assert ag.gradcheck(lambda t: ours.ops.sparsemax(t), [ag.tensor(x.astype(np.float64) * 0.5 + 0.01,
                                                                     requires_grad=True)])


def test_average_pool_with_uneven_same_padding_averages_real_values_only():
    # TensorFlow's and JAX's meaning, and that of our AveragePooling layers. Keras's torch backend instead pads an
    # uneven 'same' padding by replicating the edge values, which then count in the averages at the edges.
    x = rand(1, 9, 2)
    out = ours.ops.average_pool(x, 4, 2, "same").numpy()
    starts = np.arange(5) * 2 - 1     # 'same' pads 1 before and 2 after
    expected = np.stack([x[0, max(s, 0):min(s + 4, 9)].mean(0) for s in starts])
    np.testing.assert_allclose(out[0], expected, rtol=1e-5, atol=1e-6)


def test_layer_normalization_over_an_inner_axis():
    # Keras's torch backend hands a single non-last axis to torch's layer_norm, which refuses it
    x, g = rand(2, 3, 5), rand(3)
    mean, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-7) * g[:, None]
    np.testing.assert_allclose(ours.ops.layer_normalization(x, g, axis=1).numpy(), expected, rtol=1e-4, atol=1e-5)


def test_rgb_to_hsv_of_grey_pixels_has_zero_hue_and_saturation():
    grey = np.repeat(PHOTOS[..., :1], 3, -1)
    hsv = ours.ops.image.rgb_to_hsv(grey).numpy()
    np.testing.assert_allclose(hsv[..., :2], 0.0)
    np.testing.assert_allclose(hsv[..., 2], grey[..., 0])


BAD = {
    "conv kernel rank": (lambda: ours.ops.conv(X2, K1), "keras.ops.conv: kernel must have 4 axes"),
    "conv channels": (lambda: ours.ops.conv(X2, rand(3, 3, 2, 4)), "not a multiple"),
    "conv padding": (lambda: ours.ops.conv(X1, K1, padding="full"), "padding must be 'valid' or 'same'"),
    "conv data_format": (lambda: ours.ops.conv(X1, K1, data_format="NHWC"), "data_format must be"),
    "conv rank": (lambda: ours.ops.conv(rand(3, 4), K1), "inputs must have 3 to 5 axes"),
    "conv_transpose channels": (lambda: ours.ops.conv_transpose(X1, rand(3, 4, 2)), "input channels"),
    "depthwise channels": (lambda: ours.ops.depthwise_conv(X2, rand(3, 3, 2, 2)), "input channels"),
    "pool size": (lambda: ours.ops.max_pool(X2, (2, 2, 2)), "pool_size must be"),
    "glu odd": (lambda: ours.ops.glu(rand(2, 3)), "even size"),
    "batch_normalization shape": (lambda: ours.ops.batch_normalization(T3, rand(4), G3, axis=1),
                                  "does not broadcast"),
    "normalize order": (lambda: ours.ops.normalize(T3, order=0.5), "order must be an int >= 1"),
    "categorical shapes": (lambda: ours.ops.categorical_crossentropy(ONE_HOT, PROBS[:, :4]), "same shape"),
    "sparse shapes": (lambda: ours.ops.sparse_categorical_crossentropy(CLASSES[:3], PROBS), "without the class"),
    "multi_hot sparse": (lambda: ours.ops.multi_hot(CLASSES, 5, sparse=True), "sparse outputs"),
    "in_top_k shapes": (lambda: ours.ops.in_top_k(CLASSES, LOGITS[0], 1), "predictions must be"),
    "ctc rank": (lambda: ours.ops.ctc_loss(np.array([[1]]), rand(2, 3), np.array([1]), np.array([2])),
                 "output must be"),
    "attention both": (lambda: ours.ops.dot_product_attention(Q, KK, V, bias=MASK * 1.0, mask=MASK),
                       "only one of bias and mask"),
    "attention heads": (lambda: ours.ops.dot_product_attention(Q, rand(2, 6, 3, 5), rand(2, 6, 3, 5)),
                        "multiple of key heads"),
    "attention flash": (lambda: ours.ops.dot_product_attention(Q, KK, V, flash_attention=True), "flash"),
    "depth_to_space channels": (lambda: ours.ops.depth_to_space(rand(1, 2, 2, 6), 2), "not divisible"),
    "space_to_depth size": (lambda: ours.ops.space_to_depth(rand(1, 3, 4, 2), 2), "multiples of block_size"),
    "unfold rank": (lambda: ours.ops.unfold(rand(3, 4, 5), 2), "must be \\(N, C, H, W\\)"),
    "extract_sequences long": (lambda: ours.ops.extract_sequences(rand(4), 5, 1), "longer than"),
    "pad_images three": (lambda: ours.ops.image.pad_images(PHOTOS, 1, 1, 1, 1, 9, 9), "exactly two"),
    "crop_images everything": (lambda: ours.ops.image.crop_images(PHOTOS, 3, 0, 2, 0), "leave nothing"),
    "rgb_to_hsv ints": (lambda: ours.ops.image.rgb_to_hsv(INT_IMAGE), "float dtype"),
    "grayscale channels": (lambda: ours.ops.image.rgb_to_grayscale(PHOTOS[..., :2]), "3 channels"),
    "affine interpolation": (lambda: ours.ops.image.affine_transform(PHOTOS, AFFINE, "bicubic"), "interpolation"),
    "resize size": (lambda: ours.ops.image.resize(PHOTOS, (3,)), "size must be"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_gets_a_clear_error(name):
    fn, message = BAD[name]
    with pytest.raises((ValueError, TypeError), match=message):
        fn()
