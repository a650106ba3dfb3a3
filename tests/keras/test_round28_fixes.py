"""Regression tests for the bugs found by the twenty-eighth round of ported Keras programs
(tests/keras/test_keras_programs_round28.py), each compared with real Keras 3 (torch backend) where Keras runs it."""
import numpy as np
import pytest

from .oracle import fresh_sessions

COLOUR_LAYERS = [
    ("RandomColorDegeneration", {"factor": (0.2, 0.8), "value_range": (0, 255)}),
    ("RandomSaturation", {"factor": (0.2, 0.7), "value_range": (0, 255)}),
    ("RandomHue", {"factor": (0.1, 0.6), "value_range": (0, 255)}),
    ("RandomSharpness", {"factor": (0.3, 0.9), "value_range": (0, 255)}),
]


def _images():
    return (np.random.default_rng(28).uniform(size=(3, 6, 6, 3)) * 255).astype("float32")


def _values(K, transformation):
    return {k: np.asarray(K.ops.convert_to_numpy(v), "float64").ravel() for k, v in transformation.items()}


@pytest.mark.parametrize("name,kwargs", COLOUR_LAYERS, ids=[n for n, _ in COLOUR_LAYERS])
def test_get_random_transformation_takes_numpy_images(name, kwargs):
    """`get_random_transformation(numpy_images)` draws the layer's values as Keras's; deepgrad raised
    "randomcolordegeneration_draw: expects a Tensor argument"."""
    theirs, ours = fresh_sessions()
    drawn = [_values(K, getattr(K.layers, name)(seed=11, **kwargs).get_random_transformation(_images()))
             for K in (theirs, ours)]
    assert sorted(drawn[1]) == sorted(drawn[0])
    for key in drawn[0]:
        np.testing.assert_allclose(drawn[1][key], drawn[0][key], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name,kwargs", COLOUR_LAYERS, ids=[n for n, _ in COLOUR_LAYERS])
def test_get_random_transformation_draws_from_a_given_seed(name, kwargs):
    """A `seed=` SeedGenerator given to `get_random_transformation` draws instead of the layer's own generator
    (deepgrad ignored it), and the layer's own stream is left where it was, as in Keras."""
    theirs, ours = fresh_sessions()
    given, after = [], []
    for K in (theirs, ours):
        layer = getattr(K.layers, name)(seed=11, **kwargs)
        given.append(_values(K, layer.get_random_transformation(_images(), seed=K.random.SeedGenerator(5))))
        after.append(_values(K, layer.get_random_transformation(_images())))
    for key in given[0]:
        np.testing.assert_allclose(given[1][key], given[0][key], rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(after[1][key], after[0][key], rtol=1e-6, atol=1e-6)


GEOMETRY_LAYERS = [
    ("RandomErasing", {"factor": 1.0, "scale": (0.1, 0.4), "fill_value": None, "value_range": (0, 255)}),
    ("RandomGaussianBlur", {"factor": 1.0, "kernel_size": 3, "sigma": (0.5, 2.0), "value_range": (0, 255)}),
    ("RandomPerspective", {"factor": 1.0, "scale": 0.5}),
    ("RandomShear", {"x_factor": 0.3, "y_factor": 0.2}),
]


@pytest.mark.parametrize("name,kwargs", GEOMETRY_LAYERS, ids=[n for n, _ in GEOMETRY_LAYERS])
def test_replayable_layers_draw_from_a_given_seed(name, kwargs):
    """The erasing, blur, perspective and shear layers' `get_random_transformation(seed=)` draws from the given
    SeedGenerator, as Keras's (deepgrad drew from the layer's own), on NumPy images too."""
    theirs, ours = fresh_sessions()
    given = []
    for K in (theirs, ours):
        layer = getattr(K.layers, name)(seed=11, **kwargs)
        drawn = layer.get_random_transformation(_images(), seed=K.random.SeedGenerator(5))
        given.append(_values(K, {k: v for k, v in drawn.items() if k != "input_shape"}))
    assert sorted(given[1]) == sorted(given[0])
    for key in given[0]:
        np.testing.assert_allclose(given[1][key], given[0][key], rtol=1e-5, atol=1e-5)


def test_transform_images_replays_a_drawn_degeneration():
    """The drawn transformation replayed by `transform_images` gives Keras's images."""
    theirs, ours = fresh_sessions()
    out = []
    for K in (theirs, ours):
        layer = K.layers.RandomColorDegeneration((0.2, 0.8), value_range=(0, 255), seed=11)
        drawn = layer.get_random_transformation(_images(), seed=K.random.SeedGenerator(5))
        out.append(np.asarray(K.ops.convert_to_numpy(layer.transform_images(_images(), drawn))))
    np.testing.assert_allclose(out[1], out[0], rtol=1e-5, atol=1e-3)


def test_torch_module_wrapper_refuses_a_pytorch_module_clearly():
    """TorchModuleWrapper given a real `torch.nn` module raised a RecursionError deep in deepgrad; it now says
    that it runs deepgrad nn modules and how to port the module."""
    torch = pytest.importorskip("torch")
    _, ours = fresh_sessions()
    with pytest.raises(TypeError, match=r"TorchModuleWrapper|ModuleWrapper.*torch\.nn.*import nn"):
        ours.layers.TorchModuleWrapper(torch.nn.Linear(3, 2))


def test_torch_module_wrapper_takes_output_shape():
    """`TorchModuleWrapper(module, output_shape=)` (Keras's argument) is accepted and answers
    compute_output_shape, as Keras's; deepgrad refused the keyword."""
    torch = pytest.importorskip("torch")
    import nn
    theirs, ours = fresh_sessions()
    shapes = [theirs.layers.TorchModuleWrapper(torch.nn.Linear(3, 2), output_shape=(None, 2)),
              ours.layers.TorchModuleWrapper(nn.Linear(3, 2), output_shape=(None, 2))]
    assert [tuple(layer.compute_output_shape((None, 3))) for layer in shapes] == [(None, 2), (None, 2)]
    out = shapes[1](np.ones((4, 3), "float32"))
    assert tuple(out.shape) == (4, 2)


@pytest.mark.parametrize("name,kwargs", [("RandomFlip", {"mode": "horizontal"}), ("RandomRotation", {"factor": 0.1}),
                                         ("RandomTranslation", {"height_factor": 0.1, "width_factor": 0.1})])
def test_augmenting_bounding_boxes_is_refused_by_name(name, kwargs):
    """Keras's augmentation layers take `bounding_box_format=` and move the boxes of a dict input with the images.
    deepgrad's refused it by name at stop 56; since stop 57 they take it and move the boxes as Keras does
    (tests/keras/test_keras_leftovers17.py). The configs, with and without the format, are Keras's."""
    theirs, ours = fresh_sessions()
    for value in ("xyxy", None):
        configs = [getattr(K.layers, name)(bounding_box_format=value, seed=3, **kwargs).get_config()
                   for K in (theirs, ours)]
        assert list(configs[1]) == list(configs[0])


@pytest.mark.parametrize("shape,axis,order", [((3, 3), 0, 1), ((4,), 0, 2), ((2, 3), 1, 2), ((2, 3), None, 2),
                                              ((2, 3, 4), -1, 1), ((3, 3), 0, 2), ((4,), None, 1)])
def test_utils_normalize_of_numpy_arrays_returns_what_keras_returns(shape, axis, order):
    """`keras.utils.normalize` on a NumPy array gives Keras's numbers and shape. Keras's NumPy path puts the reduced
    axis back at -1 when axis is 0: a square array's axis-0 norms divide its rows, and a vector comes back (1, n);
    deepgrad divided its columns and kept (n,)."""
    theirs, ours = fresh_sessions()
    x = np.random.default_rng(7).normal(size=shape).astype("float32")
    x.flat[0] = 0.0
    got = [np.asarray(K.utils.normalize(x.copy(), axis=axis, order=order)) for K in (theirs, ours)]
    assert got[1].shape == got[0].shape
    np.testing.assert_allclose(got[1], got[0], rtol=1e-6, atol=1e-7)


def test_utils_normalize_refuses_what_keras_cannot_broadcast():
    """A non-square array normalized along axis 0 fails in Keras with NumPy's broadcast ValueError; deepgrad
    returned a result. It now raises a ValueError naming normalize, the shapes and the fix."""
    theirs, ours = fresh_sessions()
    x = np.ones((8, 3), "float32")
    with pytest.raises(ValueError):
        theirs.utils.normalize(x, axis=0, order=1)
    with pytest.raises(ValueError, match=r"normalize.*axis=0.*\(8, 3\)"):
        ours.utils.normalize(x, axis=0, order=1)
