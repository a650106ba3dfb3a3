"""Resizing, CenterCrop and RandomCrop against real Keras 3 (torch backend): values and input gradients,
integer images, single images, channels_first; RandomCrop's training crops and inference identity."""

import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import (assert_close_lists, assert_config_round_trip, keras_forward_and_grads, our_forward_and_grads,
                     real_keras)

RNG = np.random.default_rng(7)


def _images(*shape):
    return (RNG.random(shape) * 255).astype(np.float32)


CASES = [
    ("resize_down", lambda L: L.Resizing(5, 4), _images(2, 9, 7, 3), {}),
    ("resize_up", lambda L: L.Resizing(11, 13), _images(2, 5, 6, 2), {}),
    ("resize_nearest", lambda L: L.Resizing(6, 5, interpolation="nearest"), _images(2, 9, 7, 3), {}),
    ("resize_bicubic", lambda L: L.Resizing(6, 9, interpolation="bicubic"), _images(2, 5, 7, 1), {}),
    ("resize_crop_aspect", lambda L: L.Resizing(4, 4, crop_to_aspect_ratio=True), _images(2, 6, 11, 3), {}),
    ("resize_pad_aspect", lambda L: L.Resizing(4, 8, pad_to_aspect_ratio=True, fill_value=3.0),
     _images(2, 7, 5, 2), {}),
    ("resize_channels_first", lambda L: L.Resizing(4, 6, data_format="channels_first"), _images(2, 3, 7, 9), {}),
    ("resize_single_image", lambda L: L.Resizing(4, 3), _images(7, 5, 3), {}),
    ("center_crop", lambda L: L.CenterCrop(4, 5), _images(2, 9, 8, 3), {}),
    ("center_crop_single", lambda L: L.CenterCrop(3, 3), _images(6, 6, 2), {}),
    ("center_crop_small", lambda L: L.CenterCrop(10, 4), _images(2, 6, 7, 3), {}),
    ("center_crop_channels_first", lambda L: L.CenterCrop(3, 4, data_format="channels_first"),
     _images(2, 2, 7, 6), {}),
    ("random_crop_inference", lambda L: L.RandomCrop(3, 4), _images(2, 7, 6, 3), {"training": False}),
    ("random_crop_small_training", lambda L: L.RandomCrop(8, 4), _images(2, 6, 7, 3), {"training": True}),
]


@pytest.mark.parametrize("name,factory,inputs,kwargs", CASES, ids=[c[0] for c in CASES])
def test_layer_matches_keras(name, factory, inputs, kwargs):
    keras = real_keras()
    theirs, mine = factory(keras.layers), factory(ours.layers)
    k_out, _ = keras_forward_and_grads(theirs, inputs, [np.zeros(1, np.float32)], **kwargs)
    cotangent = [RNG.standard_normal(k_out[0].shape).astype(np.float32)]
    k_out, k_grads = keras_forward_and_grads(theirs, inputs, cotangent, **kwargs)
    o_out, o_grads = our_forward_and_grads(mine, inputs, cotangent, **kwargs)
    assert_close_lists(o_out, k_out, rtol=1e-4, atol=2e-3, what=f"{name} output")
    assert_close_lists(o_grads, k_grads, rtol=1e-4, atol=1e-4, what=f"{name} gradient")


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic"])
def test_integer_images_keep_their_dtype_as_keras(interpolation):
    import torch
    keras = real_keras()
    images = RNG.integers(0, 256, (2, 7, 9, 3)).astype(np.uint8)
    theirs = keras.layers.Resizing(5, 4, interpolation=interpolation)(torch.tensor(images)).numpy()
    mine = ours.layers.Resizing(5, 4, interpolation=interpolation)(ag.tensor(images)).numpy()
    assert mine.dtype == theirs.dtype == np.uint8
    assert np.abs(mine.astype(int) - theirs.astype(int)).max() <= 1   # rounding of x.5 may differ
    assert ours.layers.CenterCrop(3, 3)(ag.tensor(images)).dtype == ag.float32


def test_random_crop_training_takes_one_window_per_batch():
    images = _images(3, 9, 8, 2)
    layer = ours.layers.RandomCrop(4, 5, seed=0)
    offsets = set()
    for _ in range(30):
        out = layer(images, training=True).numpy()
        assert out.shape == (3, 4, 5, 2)
        found = [(i, j) for i in range(6) for j in range(4) if np.array_equal(images[:, i:i + 4, j:j + 5], out)]
        assert len(found) == 1
        offsets.add(found[0])
    assert len(offsets) > 5   # the offset is random
    np.testing.assert_array_equal(layer(images, training=False).numpy(), images)   # inference: unchanged


def test_random_crop_in_fit_crops_and_gradient_flows_to_window():
    x = ag.tensor(_images(1, 6, 6, 1), requires_grad=True)
    out = ours.layers.RandomCrop(2, 3)(x, training=True)
    out.sum().backward()
    assert float(x.grad.sum()) == 6.0 and set(np.unique(x.grad.numpy())) <= {0.0, 1.0}


ALL = [(c[0], c[1]) for c in CASES]


@pytest.mark.parametrize("name,factory", ALL, ids=[a[0] for a in ALL])
def test_config_round_trip(name, factory):
    assert_config_round_trip(factory, real_keras().layers, ours.layers)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match=r"resizing.*\(N, H, W, C\).*\(2, 3\)"):
        ours.layers.Resizing(2, 2)(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"center_crop.*\(5, 2, 3, 4, 1\)"):
        ours.layers.CenterCrop(2, 2)(np.zeros((5, 2, 3, 4, 1), np.float32))
    with pytest.raises(ValueError, match="interpolation"):   # made, as Keras's, and refused when run
        ours.layers.Resizing(2, 2, interpolation="lanczos3")(np.zeros((1, 4, 4, 1), np.float32))
    # antialiased shrinking works since stop 37 (it was refused)
    assert tuple(ours.layers.Resizing(2, 2, antialias=True)(np.zeros((1, 4, 4, 1), np.float32)).shape) == (1, 2, 2, 1)
    with pytest.raises(ValueError, match="height"):
        ours.layers.RandomCrop(0, 2)
