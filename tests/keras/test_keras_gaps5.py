"""Keras 3.15 names nn.keras lacked, against real Keras (torch backend): the
ContrastLimitedAdaptiveHistogramEqualization layer, keras.wrappers' scikit-learn estimators,
keras.visualization and keras.quantizers' functions (keras.distillation has its own file,
test_keras_distillation.py)."""
import json
import subprocess
import sys

import numpy as np
import pytest

from .oracle import fresh_sessions

RNG = np.random.default_rng(17)

CLAHE_CASES = {
    "defaults": ({}, RNG.uniform(0, 255, (2, 16, 16, 3)).astype(np.float32)),
    "padded_tiles": ({"tile_grid_size": (3, 2)}, RNG.uniform(0, 255, (2, 17, 13, 3)).astype(np.float32)),
    "pad_two_rows": ({"tile_grid_size": (3, 3), "clip_limit": 0}, RNG.uniform(0, 255, (1, 7, 11, 2)).astype(np.float32)),
    "large_tiles_clipped": ({"tile_grid_size": (2, 2), "clip_limit": 10.0},
                            RNG.uniform(0, 255, (1, 32, 32, 3)).astype(np.float32)),
    "uint8": ({"tile_grid_size": (2, 3), "clip_limit": 1.5}, RNG.integers(0, 256, (1, 5, 7, 2)).astype(np.uint8)),
    "int32_no_clip": ({"tile_grid_size": (2, 3), "clip_limit": 0}, RNG.integers(0, 256, (1, 5, 7, 2)).astype(np.int32)),
    "unit_range_float64_unbatched": ({"value_range": (0, 1), "tile_grid_size": (4, 4)},
                                     RNG.uniform(0, 1, (20, 18, 1))),
    "channels_first": ({"value_range": (-1, 1), "tile_grid_size": (2, 2), "data_format": "channels_first"},
                       RNG.uniform(-1, 1, (2, 3, 9, 10)).astype(np.float32)),
    "constant_image": ({}, np.full((1, 16, 16, 1), 7, np.float32)),
    "out_of_range_values": ({"tile_grid_size": (1, 1), "clip_limit": 40}, RNG.uniform(-20, 300, (1, 8, 8, 1)).astype(np.float32)),
}


@pytest.mark.parametrize("case", sorted(CLAHE_CASES))
@pytest.mark.parametrize("training", [None, False])
def test_clahe_matches_keras(case, training):
    theirs, ours = fresh_sessions()
    kwargs, images = CLAHE_CASES[case]
    k_layer = theirs.layers.ContrastLimitedAdaptiveHistogramEqualization(**kwargs)
    o_layer = ours.layers.ContrastLimitedAdaptiveHistogramEqualization(**kwargs)
    call = {} if training is None else {"training": training}
    expected = k_layer(images, **call).cpu().numpy()
    got = o_layer(images, **call)
    assert str(got.dtype) == str(expected.dtype)
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-5, atol=1e-4)
    assert o_layer.get_config() == k_layer.get_config()
    assert repr(o_layer) == repr(k_layer)


def test_clahe_config_round_trip_and_model():
    theirs, ours = fresh_sessions()
    k_layer = theirs.layers.ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 1), clip_limit=2.0,
                                                                        tile_grid_size=(2, 4), name="clahe")
    config = json.loads(json.dumps(k_layer.get_config()))
    o_layer = ours.layers.ContrastLimitedAdaptiveHistogramEqualization.from_config(config)
    assert json.loads(json.dumps(o_layer.get_config())) == config
    images = RNG.uniform(0, 1, (3, 12, 12, 2)).astype(np.float32)
    k_model = theirs.Sequential([theirs.Input((12, 12, 2)), k_layer])
    o_model = ours.Sequential([ours.Input((12, 12, 2)), o_layer])
    assert o_model.output_shape == k_model.output_shape
    np.testing.assert_allclose(o_model.predict(images, verbose=0), k_model.predict(images, verbose=0),
                               rtol=1e-5, atol=1e-6)
    loaded = ours.saving.deserialize_keras_object(theirs.saving.serialize_keras_object(k_layer))
    assert isinstance(loaded, ours.layers.ContrastLimitedAdaptiveHistogramEqualization)


@pytest.mark.parametrize("kwargs,match", [
    ({"tile_grid_size": 8}, "tile_grid_size must be a tuple of two positive ints"),
    ({"tile_grid_size": (0, 2)}, "tile_grid_size must be a tuple of two positive ints"),
    ({"value_range": 255}, "value_range must be a tuple of two numbers"),
    ({"clip_limit": "4"}, "clip_limit must be a number"),
])
def test_clahe_bad_arguments(kwargs, match):
    _, ours = fresh_sessions()
    with pytest.raises(ValueError, match=match):
        ours.layers.ContrastLimitedAdaptiveHistogramEqualization(**kwargs)


def test_clahe_rank_error():
    _, ours = fresh_sessions()
    with pytest.raises(ValueError, match="rank 3 or 4"):
        ours.layers.ContrastLimitedAdaptiveHistogramEqualization()(np.zeros((4, 4), np.float32))


# ---- keras.wrappers -------------------------------------------------------------------------------------------

FIT = {"epochs": 3, "batch_size": 16, "shuffle": False, "verbose": 0}   # copied for each wrapper: Keras's
# fit updates the fit_kwargs dict it was given with fit's own arguments (ours leaves it alone)


def _classifier_builder(lib):
    def build(X, y, units=8):
        model = lib.Sequential([lib.Input((X.shape[1],)), lib.layers.Dense(units, activation="relu"),
                                lib.layers.Dense(y.shape[1], activation="softmax")])
        model.compile(optimizer=lib.optimizers.SGD(0.1), loss="categorical_crossentropy")
        return model
    return build


def _regression_model(lib, features=4):
    model = lib.Sequential([lib.Input((features,)), lib.layers.Dense(5, activation="tanh"), lib.layers.Dense(1)])
    model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def _both_seeded(make, seed=1):
    """make(lib) for real Keras, then for ours, each after set_random_seed(seed)."""
    theirs, ours = fresh_sessions()
    results = []
    for lib in (theirs, ours):
        lib.utils.set_random_seed(seed)
        results.append(make(lib))
    return results


def test_sklearn_classifier_matches_keras():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.make_classification(n_samples=60, n_features=5, n_informative=3, n_classes=3, random_state=0)
    labels = np.array(["ant", "bee", "cat"])[y]

    def run(lib):
        est = lib.wrappers.SKLearnClassifier(_classifier_builder(lib), model_kwargs={"units": 6}, fit_kwargs=dict(FIT))
        est.fit(X, labels)
        return (est.predict(X), est.decision_function(X), est.score(X, labels), est.classes_, est.n_features_in_,
                est.get_params()["model_kwargs"])
    (k_pred, k_raw, k_score, k_classes, k_n, k_kw), (o_pred, o_raw, o_score, o_classes, o_n, o_kw) = _both_seeded(run)
    np.testing.assert_array_equal(o_pred, k_pred)
    np.testing.assert_allclose(o_raw, k_raw, rtol=1e-4, atol=1e-5)
    assert o_score == k_score and o_n == k_n == 5 and o_kw == k_kw
    np.testing.assert_array_equal(o_classes, k_classes)


def test_sklearn_regressor_in_pipeline_and_cross_val_score_matches_keras():
    datasets = pytest.importorskip("sklearn.datasets")
    from sklearn.model_selection import KFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    X, y = datasets.make_regression(n_samples=40, n_features=4, random_state=0)
    y = y / 50

    def run(lib):
        model = _regression_model(lib)
        pipe = make_pipeline(StandardScaler(), lib.wrappers.SKLearnRegressor(model, fit_kwargs=dict(FIT))).fit(X, y)
        scores = cross_val_score(lib.wrappers.SKLearnRegressor(model), X, y, cv=KFold(3), params=dict(FIT))
        fitted = pipe[-1]
        config = {k: v for k, v in fitted.model_.get_compile_config().items() if k != "jit_compile"}
        return pipe.predict(X), pipe.score(X, y), scores, config, fitted.model_ is not model
    k, o = _both_seeded(run, seed=2)
    assert o[0].shape == k[0].shape == (40,)
    np.testing.assert_allclose(o[0], k[0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(o[1], k[1], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(o[2], k[2], rtol=1e-4, atol=1e-5)
    assert o[3] == k[3]   # the clone of the compiled model is compiled like it
    assert o[4] and k[4]


def test_sklearn_transformer_matches_keras():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.make_regression(n_samples=30, n_features=4, random_state=3)

    def run(lib):
        est = lib.wrappers.SKLearnTransformer(_regression_model(lib), fit_kwargs=dict(FIT))
        return est.fit(X, y / 100).transform(X), est.fit_transform(X, y / 100, epochs=1).shape
    (k_out, k_shape), (o_out, o_shape) = _both_seeded(run, seed=4)
    np.testing.assert_allclose(o_out, k_out, rtol=1e-4, atol=1e-5)
    assert o_shape == k_shape == (30, 1)


def test_clone_model_keeps_compile_settings():
    """Keras's clone_model compiles a Sequential or functional clone of a compiled model the same way; ours
    returned an uncompiled clone (and the wrappers clone the model they are given)."""
    _, ours = fresh_sessions()
    model = _regression_model(ours)
    clone = ours.models.clone_model(model)
    assert clone.compiled and clone.loss == "mse" and clone.optimizer is not model.optimizer
    inputs = ours.Input((3,))
    functional = ours.Model(inputs, ours.layers.Dense(2)(inputs))
    functional.compile(optimizer="adam", loss="mae")
    assert ours.models.clone_model(functional).get_compile_config()["loss"] == "mae"
    assert not ours.models.clone_model(ours.Sequential([ours.Input((3,)), ours.layers.Dense(1)])).compiled


def _wrapper_error(lib, make):
    with pytest.raises(Exception) as info:
        make(lib)
    return type(info.value)


WRAPPER_ERRORS = {
    "uncompiled_model": lambda lib, X, y: lib.wrappers.SKLearnRegressor(
        lib.Sequential([lib.Input((4,)), lib.layers.Dense(1)])).fit(X, y),
    "one_class": lambda lib, X, y: lib.wrappers.SKLearnClassifier(_classifier_builder(lib)).fit(X, np.zeros(len(X))),
    "continuous_labels": lambda lib, X, y: lib.wrappers.SKLearnClassifier(_classifier_builder(lib)).fit(X, y),
    "predict_before_fit": lambda lib, X, y: lib.wrappers.SKLearnRegressor(_regression_model(lib)).predict(X),
    "wrong_feature_count": lambda lib, X, y: lib.wrappers.SKLearnRegressor(
        _regression_model(lib), fit_kwargs=dict(FIT)).fit(X, y).predict(X[:, :3]),
}


@pytest.mark.parametrize("case", sorted(WRAPPER_ERRORS))
def test_sklearn_wrapper_errors_match_keras(case):
    pytest.importorskip("sklearn")
    theirs, ours = fresh_sessions()
    X = RNG.standard_normal((20, 4)).astype(np.float32)
    y = RNG.standard_normal(20).astype(np.float32)
    k_type = _wrapper_error(theirs, lambda lib: WRAPPER_ERRORS[case](lib, X, y))
    o_type = _wrapper_error(ours, lambda lib: WRAPPER_ERRORS[case](lib, X, y))
    assert o_type is k_type


def test_wrappers_without_sklearn_raise_a_clear_import_error():
    code = ("import sys; sys.modules['sklearn'] = None\n"
            "from nn import keras\n"
            "try:\n    keras.wrappers.SKLearnClassifier\n"
            "except ImportError as error:\n    print('ImportError:', error)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "ImportError: keras.wrappers" in result.stdout and "pip install -U scikit-learn" in result.stdout


def test_sklearn_wrapper_leaves_fit_kwargs_alone_and_clones_keep_them():
    """Deliberate differences from Keras 3.15: its fit writes fit's keyword arguments into the fit_kwargs dict
    (so they stick to later fits) and its __sklearn_clone__ drops fit_kwargs; ours does neither."""
    pytest.importorskip("sklearn")
    from sklearn.base import clone
    _, ours = fresh_sessions()
    X = RNG.standard_normal((20, 4)).astype(np.float32)
    y = RNG.standard_normal(20).astype(np.float32)
    settings = dict(FIT)
    est = ours.wrappers.SKLearnRegressor(_regression_model(ours), fit_kwargs=settings)
    est.fit(X, y, epochs=1)
    assert settings == FIT and est.epoch_ == 1
    est.fit(X, y)
    assert est.epoch_ == 3
    copy = clone(est)
    assert copy.get_params()["fit_kwargs"] == FIT and not hasattr(copy, "model_")


# ---- keras.visualization --------------------------------------------------------------------------------------

MASK_IMAGES = RNG.uniform(0, 255, (2, 6, 5, 3)).astype(np.float32)
MASKS = RNG.integers(-1, 4, (2, 6, 5, 1)).astype(np.int32)
MASK_CASES = {
    "four_classes": {"num_classes": 4},
    "alpha": {"num_classes": 5, "alpha": 0.3},
    "ignore_background": {"num_classes": 4, "ignore_index": 0},
    "no_blend": {"num_classes": 4, "blend": False},
    "colour_mapping": {"num_classes": 4, "color_mapping": {0: (1, 2, 3), 1: (255, 0, 0), 2: (0, 255, 0),
                                                           3: (9, 9, 9)}},
    "channels_first": {"num_classes": 4, "data_format": "channels_first"},
}


def _numpy(value):
    if hasattr(value, "cpu"):
        return value.cpu().numpy()
    return np.asarray(value)


@pytest.mark.parametrize("case", sorted(MASK_CASES))
def test_draw_segmentation_masks_matches_keras(case):
    theirs, ours = fresh_sessions()
    kwargs = MASK_CASES[case]
    images, masks = MASK_IMAGES, MASKS
    if kwargs.get("data_format") == "channels_first":
        images, masks = images.transpose(0, 3, 1, 2), masks.transpose(0, 3, 1, 2)
    expected = _numpy(theirs.visualization.draw_segmentation_masks(images, masks, **kwargs))
    got = _numpy(ours.visualization.draw_segmentation_masks(images, masks, **kwargs))
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_draw_segmentation_masks_errors():
    theirs, ours = fresh_sessions()
    for lib in (theirs, ours):   # the largest class is not below the default num_classes: both reject it
        with pytest.raises(RuntimeError):
            lib.visualization.draw_segmentation_masks(MASK_IMAGES, MASKS)
    with pytest.raises(ValueError, match="pass num_classes=4"):
        ours.visualization.draw_segmentation_masks(MASK_IMAGES, MASKS)
    with pytest.raises(TypeError, match="integer dtype"):
        ours.visualization.draw_segmentation_masks(MASK_IMAGES, MASKS.astype(np.float32), num_classes=4)
    with pytest.raises(ValueError, match="batched 4D"):
        ours.visualization.draw_segmentation_masks(MASK_IMAGES[0], MASKS[0], num_classes=4)


BOX_IMAGES = RNG.uniform(0, 255, (2, 40, 50, 3)).astype(np.float32)
BOXES = {"boxes": np.array([[[2, 3, 20, 30], [10, 5, 45, 38]], [[0, 0, 10, 10], [5, 5, 30, 30]]], np.float32),
         "labels": np.array([[0, 1], [-1, 2]]), "confidences": np.array([[0.9, 0.5], [0.1, 0.77]], np.float32)}


@pytest.mark.parametrize("kwargs,scale", [
    ({"bounding_box_format": "xyxy"}, 1),
    ({"bounding_box_format": "xywh", "class_mapping": {0: "cat", 2: "dog"}, "color": (255, 0, 0),
      "line_thickness": 1}, 1),
    ({"bounding_box_format": "rel_xyxy", "font_scale": 0.5, "class_mapping": {1: "bird"}}, 1 / 50),
])
@pytest.mark.parametrize("unit_images", [False, True])
def test_draw_bounding_boxes_matches_keras(kwargs, scale, unit_images):
    theirs, ours = fresh_sessions()
    images = BOX_IMAGES / 255 if unit_images else BOX_IMAGES
    boxes = {**BOXES, "boxes": BOXES["boxes"] * scale}
    try:
        import cv2  # noqa: F401
    except ImportError:
        for lib in (theirs, ours):   # both need OpenCV, and say so
            with pytest.raises(ImportError, match="opencv"):
                lib.visualization.draw_bounding_boxes(images, dict(boxes), **kwargs)
        return
    expected = theirs.visualization.draw_bounding_boxes(images, dict(boxes), **kwargs)
    got = ours.visualization.draw_bounding_boxes(images, dict(boxes), **kwargs)
    assert got.dtype == expected.dtype == np.uint8
    np.testing.assert_array_equal(got, expected)


def _gallery_pixels(lib, tmp_path, name, plot, *args, **kwargs):
    path = tmp_path / f"{name}.png"
    assert plot(lib)(*args, path=str(path), **kwargs) is None
    import matplotlib.image
    return matplotlib.image.imread(str(path))


GALLERIES = {
    "images_with_labels": (lambda lib: lib.visualization.plot_image_gallery,
                           (RNG.uniform(0, 1, (4, 20, 16, 3)).astype(np.float32),),
                           {"value_range": (0, 1), "y_pred": np.array([0, 1, 1, 0]), "label_map": {0: "a", 1: "b"}}),
    "images_one_row": (lambda lib: lib.visualization.plot_image_gallery,
                       (RNG.uniform(0, 255, (3, 12, 12, 3)).astype(np.float32),), {"rows": 1, "cols": 3, "dpi": 30}),
    "masks": (lambda lib: lib.visualization.plot_segmentation_mask_gallery,
              (RNG.uniform(0, 255, (2, 20, 16, 3)).astype(np.float32), 3),
              {"y_true": RNG.integers(0, 3, (2, 20, 16, 1)), "y_pred": RNG.integers(0, 3, (2, 20, 16, 1)),
               "dpi": 40}),
    "boxes_without_boxes": (lambda lib: lib.visualization.plot_bounding_box_gallery,
                            (RNG.uniform(0, 255, (2, 20, 16, 3)).astype(np.float32), "xyxy"), {"legend": True}),
}


@pytest.mark.parametrize("case", sorted(GALLERIES))
def test_plot_galleries_match_keras(case, tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    theirs, ours = fresh_sessions()
    plot, args, kwargs = GALLERIES[case]
    expected = _gallery_pixels(theirs, tmp_path, "theirs", plot, *args, **kwargs)
    got = _gallery_pixels(ours, tmp_path, "ours", plot, *args, **kwargs)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_plot_bounding_box_gallery_with_boxes(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    pytest.importorskip("cv2")
    matplotlib.use("Agg")
    theirs, ours = fresh_sessions()
    plot = lambda lib: lib.visualization.plot_bounding_box_gallery  # noqa: E731
    kwargs = {"y_true": BOXES, "y_pred": BOXES, "class_mapping": {0: "a", 2: "b"}, "legend": True}
    expected = _gallery_pixels(theirs, tmp_path, "theirs", plot, BOX_IMAGES, "xyxy", **kwargs)
    np.testing.assert_array_equal(_gallery_pixels(ours, tmp_path, "ours", plot, BOX_IMAGES, "xyxy", **kwargs),
                                  expected)


def test_plot_gallery_argument_errors():
    pytest.importorskip("matplotlib")
    _, ours = fresh_sessions()
    images = np.zeros((2, 4, 4, 3), np.float32)
    with pytest.raises(ValueError, match="label_map"):
        ours.visualization.plot_image_gallery(images, y_true=np.array([0, 1]))
    with pytest.raises(ValueError, match="not both"):
        ours.visualization.plot_image_gallery(images, path="x.png", show=True)
    with pytest.raises(ValueError, match="batched 4D"):
        ours.visualization.plot_image_gallery(images[0], path="x.png")


# ---- keras.quantizers functions --------------------------------------------------------------------------------

def _torch_value_and_grads(fn, *arrays):
    import torch
    tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*tensors)
    upstream = np.linspace(-1, 1, out.numel(), dtype=np.float32).reshape(tuple(out.shape))
    (out * torch.tensor(upstream)).sum().backward()
    return out.detach().numpy(), [t.grad.numpy() for t in tensors]


def _our_value_and_grads(fn, *arrays):
    import autograd as ag
    tensors = [ag.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*tensors)
    upstream = np.linspace(-1, 1, int(np.prod(out.shape)), dtype=np.float32).reshape(tuple(out.shape))
    (out * ag.tensor(upstream)).sum().backward()
    return out.detach().numpy(), [t.grad.numpy() for t in tensors]


QX = RNG.standard_normal((4, 3)).astype(np.float32) * 2
FAKE_QUANT = {
    "scalar_range": ({}, np.float32(-1.5), np.float32(2.0)),
    "narrow_four_bits": ({"num_bits": 4, "narrow_range": True}, np.float32(-0.7), np.float32(1.3)),
    "per_channel": ({"axis": -1}, np.array([-1.0, -0.5, -2.0], np.float32), np.array([1.0, 0.8, 3.0], np.float32)),
    "per_channel_positive_range": ({"num_bits": 3, "axis": 1}, np.array([0.2, -0.5, -2.0], np.float32),
                                   np.array([1.0, 0.8, 0.1], np.float32)),
}


@pytest.mark.parametrize("case", sorted(FAKE_QUANT))
def test_fake_quant_with_min_max_vars_and_gradient_match_keras(case):
    theirs, ours = fresh_sessions()
    kwargs, low, high = FAKE_QUANT[case]
    k_out, k_grads = _torch_value_and_grads(
        lambda *t: theirs.quantizers.fake_quant_with_min_max_vars(*t, **kwargs), QX, low, high)
    o_out, o_grads = _our_value_and_grads(
        lambda *t: ours.quantizers.fake_quant_with_min_max_vars(*t, **kwargs), QX, low, high)
    np.testing.assert_allclose(o_out, k_out, rtol=1e-6, atol=1e-6)
    for got, expected in zip(o_grads, k_grads):
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("quantized_dtype", ["float8_e4m3fn", "float8_e5m2"])
def test_quantize_and_dequantize_and_gradient_match_keras(quantized_dtype):
    pytest.importorskip("ml_dtypes")
    theirs, ours = fresh_sessions()
    inputs, scale = QX * 300, np.float32(0.5)
    k_out, k_grads = _torch_value_and_grads(
        lambda i, s: theirs.quantizers.quantize_and_dequantize(i, s, quantized_dtype, "float32"), inputs, scale)
    o_out, o_grads = _our_value_and_grads(
        lambda i, s: ours.quantizers.quantize_and_dequantize(i, s, quantized_dtype, "float32"), inputs, scale)
    np.testing.assert_array_equal(o_out, k_out)
    np.testing.assert_allclose(o_grads[0], k_grads[0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(o_grads[1], k_grads[1], rtol=1e-5)
    with pytest.raises(ValueError, match="float8"):
        ours.quantizers.quantize_and_dequantize(inputs, scale, "int8", "float32")


@pytest.mark.parametrize("to_numpy", [False, True])
@pytest.mark.parametrize("block_size", [4, 5, 10])
def test_grouped_quantize_with_zero_point_matches_keras(to_numpy, block_size):
    theirs, ours = fresh_sessions()
    weights = RNG.standard_normal((10, 3)).astype(np.float32)
    weights[:4, 1] = 0.5   # a group of equal values: Keras's two paths treat it differently
    expected = theirs.quantizers.abs_max_quantize_grouped_with_zero_point(weights, block_size, to_numpy=to_numpy)
    got = ours.quantizers.abs_max_quantize_grouped_with_zero_point(weights, block_size, to_numpy=to_numpy)
    for o, k in zip(got, expected):
        k = k.cpu().numpy()
        assert str(o.dtype) == str(k.dtype) and tuple(o.shape) == k.shape
        np.testing.assert_allclose(np.asarray(o), k, rtol=1e-6)


def test_float8_scale_helpers_match_keras():
    theirs, ours = fresh_sessions()
    scale = np.array(0.5, np.float32)
    for amax in (3.0, 0.0, np.inf):
        amax = np.array(amax, np.float32)
        np.testing.assert_allclose(np.asarray(ours.quantizers.compute_float8_scale(amax, scale, 448.0, 1)),
                                   theirs.quantizers.compute_float8_scale(amax, scale, 448.0, 1).cpu().numpy())
    history = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    np.testing.assert_array_equal(np.asarray(ours.quantizers.compute_float8_amax_history(QX, history)),
                                  theirs.quantizers.compute_float8_amax_history(QX, history).cpu().numpy())


def test_quantizer_get_serialize_deserialize_match_keras():
    theirs, ours = fresh_sessions()
    config = {"class_name": "AbsMaxQuantizer",
              "config": {"axis": [0], "value_range": [-127, 127], "epsilon": 1e-7, "output_dtype": "int8"}}
    for identifier in ("abs_max_quantizer", "AbsMaxQuantizer", config):
        assert ours.quantizers.get(identifier).get_config() == theirs.quantizers.get(identifier).get_config()
    quantizer = ours.quantizers.AbsMaxQuantizer(axis=-1)
    assert ours.quantizers.get(quantizer) is quantizer and ours.quantizers.get(None) is None
    for make in (lambda lib: lib.quantizers.AbsMaxQuantizer(axis=-1),
                 lambda lib: lib.quantizers.Int8QuantizationConfig(
                     weight_quantizer=lib.quantizers.AbsMaxQuantizer(axis=-1))):
        serialized = ours.quantizers.serialize(make(ours))
        assert serialized == theirs.quantizers.serialize(make(theirs))
        assert ours.quantizers.deserialize(serialized).get_config() == make(ours).get_config()
    for bad in ("nope", 3):
        for lib in (theirs, ours):
            with pytest.raises(ValueError, match="Could not interpret quantizer identifier"):
                lib.quantizers.get(bad)
