"""Keras leftovers 17: differences from Keras 3.15 recorded in stops 55 and 56, closed in stop 57, each checked
against Keras itself (torch backend) running the same call."""
import numpy as np
import pytest

from nn import keras

from .oracle import real_keras

_BOXES = np.array([[[1, 2, 5, 7], [0, 0, 10, 8], [7.5, 1.25, 9.5, 7]],
                   [[2, 1, 9, 3], [4, 4, 6, 6], [-1, -1, -1, -1]],
                   [[0, 0, 0, 0], [3, 2, 8, 5], [-2, 3, 4, 12]]], "float32")
_LABELS = np.array([[1, 2, 4], [0, 3, -1], [-1, 1, 2]], "int32")

# (layer class, arguments): each layer moving pixels that Keras 3.15 gives a bounding-box path
_BOX_LAYERS = [
    ("RandomFlip", {}), ("RandomFlip", {"mode": "horizontal"}), ("RandomFlip", {"mode": "vertical"}),
    ("RandomRotation", {"factor": 0.2}), ("RandomTranslation", {"height_factor": 0.3, "width_factor": 0.4}),
    ("RandomZoom", {"height_factor": 0.3}), ("RandomZoom", {"height_factor": (-0.4, -0.1), "width_factor": 0.5}),
    ("RandomCrop", {"height": 5, "width": 6}), ("RandomCrop", {"height": 9, "width": 12}),
    ("Resizing", {"height": 5, "width": 7}), ("Resizing", {"height": 7, "width": 5, "crop_to_aspect_ratio": True}),
    ("Resizing", {"height": 6, "width": 9, "crop_to_aspect_ratio": True}),
    ("Resizing", {"height": 7, "width": 3, "pad_to_aspect_ratio": True}),
    ("Resizing", {"height": 3, "width": 9, "pad_to_aspect_ratio": True}),
    ("CenterCrop", {"height": 5, "width": 6}), ("CenterCrop", {"height": 9, "width": 7}),
    ("RandomContrast", {"factor": 0.5}),
]
_SEEDED = {"RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "RandomCrop", "RandomContrast"}


def _images(shape=(3, 8, 10, 3), seed=0):
    return np.random.default_rng(seed).uniform(0, 255, shape).astype("float32")


def _run(library, name, arguments, data, fmt, training=True, data_format=None):
    extra = {"seed": 3} if name in _SEEDED else {}
    if data_format:
        extra["data_format"] = data_format
    layer = getattr(library.layers, name)(**arguments, **extra, bounding_box_format=fmt)
    out = layer(data, training=training)
    return {key: (np.asarray(value) if key != "bounding_boxes" else
                  {k: np.asarray(v) for k, v in value.items()}) for key, value in out.items()}


def _compare(ours, theirs, name=None):
    """Equal entries; boxes bit for bit, except RandomRotation's, whose float32 cos and sin (NumPy's against torch's
    SLEEF kernels) may differ in the last bit."""
    assert sorted(ours) == sorted(theirs)
    for key in theirs:
        if key == "bounding_boxes":
            for part in ("boxes", "labels"):
                a, b = ours[key][part], theirs[key][part]
                assert a.dtype == b.dtype and a.shape == b.shape, (part, a.dtype, b.dtype, a.shape, b.shape)
                if name == "RandomRotation" and part == "boxes":
                    np.testing.assert_allclose(a, b, rtol=2e-7, atol=1e-6, err_msg=part)
                else:
                    np.testing.assert_array_equal(a, b, err_msg=part)
        else:
            assert ours[key].dtype == theirs[key].dtype and ours[key].shape == theirs[key].shape, key
            np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-6, atol=1e-4, err_msg=key)


def _boxes_dict(boxes=_BOXES, labels=_LABELS):
    return {"boxes": boxes.copy(), "labels": labels.copy()}


@pytest.mark.parametrize("name,arguments", _BOX_LAYERS, ids=lambda v: v if isinstance(v, str) else
                         "-".join(f"{k}={v}" for k, v in v.items()) or "default")
def test_boxes_move_with_the_images_as_in_keras(name, arguments):
    """A seeded geometric layer given {'images', 'bounding_boxes'} moves the boxes (and clips them, and sets the
    labels of emptied boxes to -1) exactly as Keras does; deepgrad refused bounding_box_format before."""
    theirs_keras = real_keras()
    images = _images()
    theirs = _run(theirs_keras, name, arguments, {"images": images, "bounding_boxes": _boxes_dict()}, "xyxy")
    ours = _run(keras, name, arguments, {"images": images, "bounding_boxes": _boxes_dict()}, "xyxy")
    _compare(ours, theirs, name)


@pytest.mark.parametrize("fmt", ["rel_xyxy", "center_xywh", "yxyx", "xywh"])
@pytest.mark.parametrize("name,arguments", [("RandomFlip", {}), ("RandomRotation", {"factor": 0.2}),
                                            ("RandomTranslation", {"height_factor": 0.3, "width_factor": 0.4}),
                                            ("RandomZoom", {"height_factor": 0.3}),
                                            ("RandomCrop", {"height": 5, "width": 6}),
                                            ("Resizing", {"height": 5, "width": 7, "pad_to_aspect_ratio": True}),
                                            ("CenterCrop", {"height": 9, "width": 7})])
def test_other_box_formats_as_in_keras(name, arguments, fmt):
    """Boxes in the other formats are converted on the way in and out with Keras's arithmetic (and Keras's
    peculiarities kept: RandomRotation reads its boxes as 'xyxy', RandomCrop converts against the crop's size)."""
    theirs_keras = real_keras()
    images = _images()
    boxes = np.abs(_BOXES) / (np.array([10, 8, 10, 8], "float32") if fmt.startswith("rel") else 1)
    data = lambda: {"images": images, "bounding_boxes": _boxes_dict(boxes.astype("float32"))}  # noqa: E731
    _compare(_run(keras, name, arguments, data(), fmt), _run(theirs_keras, name, arguments, data(), fmt), name)


@pytest.mark.parametrize("name,arguments", [("RandomFlip", {}), ("RandomRotation", {"factor": 0.2}),
                                            ("RandomZoom", {"height_factor": 0.3}),
                                            ("RandomCrop", {"height": 5, "width": 6}),
                                            ("Resizing", {"height": 5, "width": 7}),
                                            ("CenterCrop", {"height": 5, "width": 6})])
def test_one_image_channels_first_labels_masks_and_inference(name, arguments):
    """One (H, W, C) image with (N, 4) boxes; a channels-first batch; a dict also holding 'labels' and
    'segmentation_masks'; and training=False (boxes pass through as float32): all as Keras returns them."""
    theirs_keras = real_keras()
    image = _images((8, 10, 3), seed=1)
    single = lambda: {"images": image, "bounding_boxes": _boxes_dict(_BOXES[0], _LABELS[0])}  # noqa: E731
    _compare(_run(keras, name, arguments, single(), "xyxy"), _run(theirs_keras, name, arguments, single(), "xyxy"),
             name)
    first = _images((3, 3, 8, 10), seed=2)
    batch = lambda: {"images": first, "bounding_boxes": _boxes_dict()}  # noqa: E731
    _compare(_run(keras, name, arguments, batch(), "xyxy", data_format="channels_first"),
             _run(theirs_keras, name, arguments, batch(), "xyxy", data_format="channels_first"), name)
    masks = np.random.default_rng(3).integers(0, 3, (3, 8, 10, 1)).astype("float32")
    full = lambda: {"images": _images(), "bounding_boxes": _boxes_dict(), "labels": np.eye(3, dtype="float32"),  # noqa
                    "segmentation_masks": masks}
    ours, theirs = _run(keras, name, arguments, full(), "xyxy"), _run(theirs_keras, name, arguments, full(), "xyxy")
    if name == "RandomRotation":   # see test_rotated_masks_follow_the_images
        ours.pop("segmentation_masks"), theirs.pop("segmentation_masks")
    _compare(ours, theirs, name)
    plain = lambda: {"images": _images(), "bounding_boxes": _boxes_dict()}  # noqa: E731
    _compare(_run(keras, name, arguments, plain(), "xyxy", training=False),
             _run(theirs_keras, name, arguments, plain(), "xyxy", training=False), name)


def test_a_dict_call_draws_as_an_images_call_and_configs_list_the_format():
    """The boxes ride on the images' draws: a seeded layer gives the same images with or without boxes. The
    configs list bounding_box_format after data_format, as Keras's; a dict with boxes but no format is Keras's
    ValueError."""
    theirs_keras = real_keras()
    images = _images()
    for library in (keras, theirs_keras):
        alone = np.asarray(library.layers.RandomRotation(0.3, seed=5)(images))
        boxed = library.layers.RandomRotation(0.3, seed=5, bounding_box_format="xyxy")(
            {"images": images, "bounding_boxes": _boxes_dict()})
        np.testing.assert_array_equal(alone, np.asarray(boxed["images"]))
    for name, arguments in _BOX_LAYERS:
        extra = {"seed": 3} if name in _SEEDED else {}
        ours = getattr(keras.layers, name)(**arguments, **extra, bounding_box_format="xyxy").get_config()
        theirs = getattr(theirs_keras.layers, name)(**arguments, **extra, bounding_box_format="xyxy").get_config()
        assert list(ours) == list(theirs) and ours["bounding_box_format"] == "xyxy", name
        assert "bounding_box_format" not in getattr(keras.layers, name)(**arguments, **extra).get_config()
        restored = getattr(keras.layers, name).from_config(ours)
        assert restored.bounding_box_format == "xyxy"
    for library in (keras, theirs_keras):
        with pytest.raises(ValueError, match="didn't specify a bounding box format"):
            library.layers.RandomFlip()({"images": images, "bounding_boxes": _boxes_dict()})


def test_rotated_masks_follow_the_images():
    """RandomRotation resamples 'segmentation_masks' with 'nearest' by the images' own rotation. (Keras 3.15's torch
    affine_transform swaps the entries of the matrix it is given in place, so its RandomRotation rotates the masks
    by the transposed matrix, out of line with the images; deepgrad keeps them aligned, matching Keras's own
    nearest-neighbour rotation by the images' matrix.)"""
    theirs_keras = real_keras()
    images = _images()
    masks = np.random.default_rng(3).integers(0, 3, (3, 8, 10, 1)).astype("float32")
    transformation = theirs_keras.layers.RandomRotation(0.2, seed=3).get_random_transformation(images)
    expected = np.asarray(theirs_keras.ops.image.affine_transform(
        masks, transformation["rotation_matrix"].clone(), interpolation="nearest", fill_mode="reflect"))
    out = keras.layers.RandomRotation(0.2, seed=3)({"images": images, "segmentation_masks": masks})
    np.testing.assert_array_equal(np.asarray(out["segmentation_masks"]), expected)
