"""keras.applications part a (imagenet_utils, VGG, ResNet, ResNetV2, MobileNet, MobileNetV2, MobileNetV3)
against real Keras 3 on the torch backend: arguments and their errors, layer names and shapes, weights, outputs
with copied weights, legacy HDF5 weight files and the offline behaviour of 'imagenet' downloads."""
import os
import urllib.error
import urllib.request

import numpy as np
import pytest

import autograd as ag
from nn import keras as ours
from tests.keras.oracle import real_keras


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """An empty Keras cache and no network."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("network is unreachable")
    monkeypatch.setattr(urllib.request, "urlretrieve", refuse)


def _images(shape, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, shape).astype("float32")


# ----- imagenet_utils ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format,shape", [("channels_last", (2, 5, 4, 3)), ("channels_first", (2, 3, 5, 4)),
                                               ("channels_last", (5, 4, 3)), ("channels_first", (3, 5, 4))])
def test_preprocess_input_numpy_matches_keras(mode, data_format, shape):
    keras = real_keras()
    x = _images(shape)
    want = keras.applications.imagenet_utils.preprocess_input(x.copy(), data_format=data_format, mode=mode)
    mine = x.copy()
    got = ours.applications.imagenet_utils.preprocess_input(mine, data_format=data_format, mode=mode)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(got), mine if mode != "caffe" else got)   # written over the input


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
def test_preprocess_input_tensor_matches_numpy_and_keras(mode):
    keras = real_keras()
    import torch
    x = _images((2, 3, 5, 4))
    got = ours.applications.imagenet_utils.preprocess_input(ag.tensor(x), data_format="channels_first", mode=mode)
    want = keras.applications.imagenet_utils.preprocess_input(torch.tensor(x), data_format="channels_first", mode=mode)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
    x = _images((2, 5, 4, 3))
    got = ours.applications.imagenet_utils.preprocess_input(ag.tensor(x), mode=mode)
    want = ours.applications.imagenet_utils.preprocess_input(x.copy(), mode=mode)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-5)


def test_preprocess_input_on_keras_tensors_in_a_model():
    inputs = ours.Input((4, 4, 3))
    model = ours.Model(inputs, ours.applications.imagenet_utils.preprocess_input(inputs, mode="torch"))
    x = _images((2, 4, 4, 3))
    np.testing.assert_allclose(model.predict(x, verbose=0),
                               ours.applications.imagenet_utils.preprocess_input(x.copy(), mode="torch"), rtol=1e-5)


def test_preprocess_input_bad_arguments():
    x = _images((1, 4, 4, 3))
    with pytest.raises(ValueError, match="mode to be one of `caffe`, `tf` or `torch`. Received: mode=pytorch"):
        ours.applications.imagenet_utils.preprocess_input(x, mode="pytorch")
    with pytest.raises(ValueError, match="data_format=nhwc"):
        ours.applications.imagenet_utils.preprocess_input(x, data_format="nhwc")


def test_decode_predictions_with_a_class_index(monkeypatch):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    monkeypatch.setattr(ours.applications.imagenet_utils, "CLASS_INDEX", index)
    preds = np.random.default_rng(1).random((2, 1000)).astype("float32")
    got = ours.applications.imagenet_utils.decode_predictions(preds, top=3)
    for row, result in zip(preds, got):
        best = np.argsort(row)[::-1][:3]
        assert [r[1] for r in result] == [f"class_{i}" for i in best]
        assert [r[2] for r in result] == [row[i] for i in best]
    assert len(ours.applications.imagenet_utils.decode_predictions(ag.tensor(preds))[0]) == 5


def test_decode_predictions_offline_and_bad_shape(offline, monkeypatch):
    monkeypatch.setattr(ours.applications.imagenet_utils, "CLASS_INDEX", None)
    with pytest.raises(ValueError, match=r"shape \(samples, 1000\)\). Received array with shape: \(2, 10\)"):
        ours.applications.imagenet_utils.decode_predictions(np.zeros((2, 10)))
    with pytest.raises(Exception, match="imagenet_class_index.json.*Download the file") as info:
        ours.applications.imagenet_utils.decode_predictions(np.zeros((2, 1000)))
    assert ours.applications.imagenet_utils.CLASS_INDEX_PATH in str(info.value)


def test_obtain_input_shape_matches_keras():
    keras = real_keras()
    from keras.src.applications import imagenet_utils as theirs
    mine = ours.applications.imagenet_utils
    cases = [(None, "channels_last", True, None), (None, "channels_last", False, None),
             ((64, 64, 3), "channels_last", False, "imagenet"), ((3, 64, 64), "channels_first", False, None),
             ((64, 64, 1), "channels_last", True, None), ((224, 224, 3), "channels_last", True, "imagenet"),
             (None, "channels_first", True, "imagenet"), ((None, None, 3), "channels_last", False, None)]
    for shape, fmt, flatten, weights in cases:
        assert mine.obtain_input_shape(shape, 224, 32, fmt, flatten, weights) == \
            theirs.obtain_input_shape(shape, 224, 32, fmt, flatten, weights)
    bad = [((16, 16, 3), "channels_last", False, None), ((64, 64), "channels_last", False, None),
           ((64, 64, 1), "channels_last", False, "imagenet"), ((100, 100, 3), "channels_last", True, "imagenet"),
           ((None, None, 3), "channels_last", True, None), ((3, 16, 16), "channels_first", False, None)]
    for shape, fmt, flatten, weights in bad:
        with pytest.raises(ValueError) as want:
            theirs.obtain_input_shape(shape, 224, 32, fmt, flatten, weights)
        with pytest.raises(ValueError) as got:
            mine.obtain_input_shape(shape, 224, 32, fmt, flatten, weights)
        assert str(got.value) == str(want.value)
    assert keras is not None


# ----- shared checks for the models ------------------------------------------------------------------------------
def _pair(name, **kwargs):
    """(real Keras's, our) application `name` built with the same arguments, weights=None, fresh name counters."""
    from tests.keras.oracle import fresh_sessions
    theirs, mine = fresh_sessions()
    kwargs.setdefault("weights", None)
    return getattr(theirs.applications, name)(**kwargs), getattr(mine.applications, name)(**kwargs)


def _assert_same_structure(theirs, mine):
    assert mine.name == theirs.name
    assert [layer.name for layer in mine.layers] == [layer.name for layer in theirs.layers]
    assert [type(layer).__name__ for layer in mine.layers] == [type(layer).__name__ for layer in theirs.layers]
    shapes = [tuple(layer.output.shape) for layer in theirs.layers]
    assert [tuple(layer.output.shape) for layer in mine.layers] == shapes
    assert [(w.path, tuple(w.shape)) for w in mine.weights] == [(w.path, tuple(w.shape)) for w in theirs.weights]
    assert [w.path for w in mine.trainable_weights] == [w.path for w in theirs.trainable_weights]
    assert mine.count_params() == theirs.count_params()


def _assert_same_predictions(theirs, mine, x, rtol=1e-4):
    # deep randomly initialised networks shrink their signal a lot: compare relative to the output's scale
    mine.set_weights(theirs.get_weights())
    want = theirs.predict(x, verbose=0)
    np.testing.assert_allclose(mine.predict(x, verbose=0), want, rtol=rtol, atol=rtol * float(np.abs(want).max()))


def _write_legacy_h5(model, path):
    """`model`'s weights in the layout of Keras's published application weight files."""
    h5py = pytest.importorskip("h5py")
    from keras.src.legacy.saving import legacy_h5_format
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    return str(path)


# ----- VGG -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["VGG16", "VGG19"])
def test_vgg_matches_keras(name):
    theirs, mine = _pair(name, input_shape=(32, 32, 3), classes=7, classifier_activation=None)
    _assert_same_structure(theirs, mine)
    _assert_same_predictions(theirs, mine, _images((2, 32, 32, 3)))


def test_vgg16_without_top_and_weights_file(tmp_path):
    pooling = "max"
    theirs, mine = _pair("VGG16", include_top=False, input_shape=(32, 40, 3), pooling=pooling)
    _assert_same_structure(theirs, mine)
    path = _write_legacy_h5(theirs, tmp_path / "vgg16_notop.h5")
    loaded = ours.applications.vgg16.VGG16(include_top=False, weights=path, input_shape=(32, 40, 3), pooling=pooling)
    x = _images((2, 32, 40, 3))
    np.testing.assert_allclose(loaded.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-4, atol=1e-5)


def test_vgg_argument_errors(offline):
    keras = real_keras()
    cases = [dict(weights="imagenet", classes=10), dict(weights="nowhere.h5"),
             dict(weights=None, include_top=False, input_shape=(16, 16, 3)),
             dict(weights=None, include_top=True, input_shape=(None, None, 3)),
             dict(weights="imagenet", include_top=True, input_shape=(64, 64, 3)),
             dict(weights="imagenet", include_top=False, input_shape=(64, 64, 1))]
    for kwargs in cases:
        with pytest.raises(ValueError) as want:
            keras.applications.VGG19(**kwargs)
        with pytest.raises(ValueError) as got:
            ours.applications.VGG19(**kwargs)
        assert str(got.value) == str(want.value), kwargs
    with pytest.raises(ValueError, match="classifier_activation"):
        ours.applications.VGG16(weights="imagenet", classifier_activation="relu")
    with pytest.raises(ValueError, match="must be a KerasTensor"):
        ours.applications.VGG16(weights=None, include_top=False, input_tensor=ag.zeros((1, 32, 32, 3)))


def test_vgg16_imagenet_offline_names_the_url_and_the_fix(offline):
    with pytest.raises(Exception, match="vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5") as info:
        ours.applications.VGG16(include_top=False, weights="imagenet", input_shape=(32, 32, 3))
    assert ours.applications.vgg16.WEIGHTS_NO_TOP[1] in str(info.value)
    assert "pass its local path as weights=" in str(info.value)


def test_vgg_on_an_input_tensor_keeps_its_predecessors():
    inputs = ours.Input((32, 32, 3))
    scaled = ours.layers.Rescaling(1.0 / 255)(inputs)
    model = ours.applications.VGG16(weights=None, include_top=False, input_tensor=scaled)
    assert model.inputs[0] is inputs
    assert model.output.shape == (None, 1, 1, 512)


def test_vgg_preprocess_input_and_decode_are_imagenet_utils():
    x = _images((1, 4, 4, 3))
    np.testing.assert_allclose(ours.applications.vgg19.preprocess_input(x.copy()),
                               ours.applications.imagenet_utils.preprocess_input(x.copy(), mode="caffe"))
    assert ours.applications.vgg16.decode_predictions is not None


# ----- ResNet, ResNetV2 ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["ResNet50", "ResNet50V2"])
def test_resnet_matches_keras(name):
    theirs, mine = _pair(name, input_shape=(32, 32, 3), classes=5)
    _assert_same_structure(theirs, mine)
    _assert_same_predictions(theirs, mine, _images((2, 32, 32, 3)))


def test_resnet50_without_top_from_a_weights_file(tmp_path):
    theirs, _ = _pair("ResNet50", include_top=False, input_shape=(32, 32, 3), pooling="max")
    path = _write_legacy_h5(theirs, tmp_path / "resnet50_notop.h5")
    mine = ours.applications.resnet50.ResNet50(include_top=False, weights=path, input_shape=(32, 32, 3), pooling="max")
    assert mine.layers[-1].name == "max_pool"
    x = _images((2, 32, 32, 3))
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="Layer count mismatch"):
        ours.applications.ResNet50V2(include_top=False, weights=path, input_shape=(32, 32, 3))


@pytest.mark.parametrize("name", ["ResNet152", "ResNet152V2"])
def test_large_resnets_have_keras_layers_and_weights(name):
    # structure only: a forward of the 152-layer networks is too slow for CI (a fixed small input keeps the
    # symbolic build cheap too: unknown sizes are probed at 32 and 33 pixels in every layer)
    theirs, mine = _pair(name, include_top=False, pooling="avg", input_shape=(32, 32, 3))
    _assert_same_structure(theirs, mine)


def test_resnet_imagenet_offline_and_preprocessing(offline):
    with pytest.raises(Exception, match="resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5") as info:
        ours.applications.ResNet50V2(include_top=False, input_shape=(32, 32, 3))
    assert "https://storage.googleapis.com/tensorflow/keras-applications/resnet/" in str(info.value)
    x = _images((1, 4, 4, 3))
    np.testing.assert_allclose(ours.applications.resnet_v2.preprocess_input(x.copy()), x / 127.5 - 1, rtol=1e-6)
    np.testing.assert_allclose(ours.applications.resnet.preprocess_input(x.copy()),
                               ours.applications.imagenet_utils.preprocess_input(x.copy(), mode="caffe"))


# ----- MobileNet, MobileNetV2, MobileNetV3 ---------------------------------------------------------------------
@pytest.mark.parametrize("name,kwargs", [
    ("MobileNet", dict(alpha=0.5, depth_multiplier=2)),
    ("MobileNetV2", dict(alpha=0.35)),
    ("MobileNetV2", dict(alpha=1.4, include_top=False, pooling="avg")),
    ("MobileNetV3Small", dict()),
    ("MobileNetV3Small", dict(alpha=0.75, minimalistic=True, include_top=False, pooling="max")),
    ("MobileNetV3Large", dict(include_preprocessing=False, classifier_activation=None)),
])
def test_mobilenets_match_keras(name, kwargs):
    theirs, mine = _pair(name, input_shape=(32, 32, 3), classes=6, **kwargs) if kwargs.get("include_top", True) \
        else _pair(name, input_shape=(32, 32, 3), **kwargs)
    _assert_same_structure(theirs, mine)
    _assert_same_predictions(theirs, mine, _images((2, 32, 32, 3)))


def test_mobilenet_default_names_and_sizes():
    assert ours.applications.MobileNetV2(weights=None, input_shape=(96, 96, 3), alpha=0.5).name == "mobilenetv2_0.50_96"
    assert ours.applications.MobileNet(weights=None, input_shape=(40, 40, 3), alpha=0.25,
                                       include_top=False).name == "mobilenet_0.25_40"
    small = ours.applications.MobileNetV3Small(weights=None, include_top=False)
    assert small.name == "MobileNetV3Small" and small.input.shape == (None, None, None, 3)
    assert ours.applications.mobilenet_v3.preprocess_input("anything") == "anything"


def test_mobilenet_argument_errors(offline):
    keras = real_keras()
    cases = [("MobileNetV2", dict(weights="imagenet", alpha=0.3)), ("MobileNetV2", dict(weights="x.h5")),
             ("MobileNetV2", dict(weights="imagenet", classes=10)),
             ("MobileNet", dict(weights="imagenet", depth_multiplier=2)),
             ("MobileNet", dict(weights="imagenet", alpha=2.0)),
             ("MobileNet", dict(weights=None, include_top=False, input_shape=(20, 20, 3))),
             ("MobileNetV3Small", dict(weights=None, input_shape=(20, 64, 3))),
             ("MobileNetV3Large", dict(weights="imagenet", classes=3))]
    for name, kwargs in cases:
        with pytest.raises(ValueError) as want:
            getattr(keras.applications, name)(**kwargs)
        with pytest.raises(ValueError) as got:
            getattr(ours.applications, name)(**kwargs)
        assert str(got.value) == str(want.value), (name, kwargs)
    with pytest.raises(ValueError, match="alpha can be one of `0.75`, `1.0` for non minimalistic"):
        ours.applications.MobileNetV3Small(weights="imagenet", alpha=0.5)


def test_mobilenets_imagenet_offline(offline):
    with pytest.warns(UserWarning, match="Weights for input shape \\(224, 224\\)"):
        with pytest.raises(Exception, match="mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"):
            ours.applications.MobileNetV2(weights="imagenet", alpha=0.35, include_top=False, input_shape=(40, 40, 3))
    with pytest.raises(Exception, match="weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5") as info:
        ours.applications.MobileNetV3Small(include_top=False, input_shape=(224, 224, 3))
    assert ours.applications.mobilenet_v3.BASE_WEIGHT_PATH in str(info.value)


def test_mobilenet_v3_from_a_weights_file(tmp_path):
    theirs, _ = _pair("MobileNetV3Large", include_top=False, input_shape=(32, 32, 3), alpha=0.75)
    path = _write_legacy_h5(theirs, tmp_path / "v3.h5")
    mine = ours.applications.MobileNetV3Large(include_top=False, input_shape=(32, 32, 3), alpha=0.75, weights=path)
    x = _images((2, 32, 32, 3))
    want = theirs.predict(x, verbose=0)
    np.testing.assert_allclose(mine.predict(x, verbose=0), want, rtol=1e-4, atol=1e-4 * float(np.abs(want).max()))


# ----- the transfer-learning program --------------------------------------------------------------------------
def test_transfer_learning_program_prints_what_keras_prints(capsys, tmp_path, monkeypatch):
    from tests.keras.test_keras_programs import _assert_same_lines, printed_by_both
    theirs, mine = printed_by_both("keras_applications_transfer_learning", capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 12
    # predictions of a float32 Xception after three training phases: the convolution algorithms' rounding (stop 56's
    # depthwise and few-channel paths) moves them by up to 9e-5 on a scale of 5 (1.7e-5 of it; losses agree to every
    # printed digit), so a 4-decimal value can print one unit apart
    _assert_same_lines(mine, theirs, atol=2e-4)


def test_model_load_weights_reads_legacy_hdf5_files(tmp_path):
    # model.load_weights of a file in the published applications' layout (it raised "not a Keras 3 weights file")
    theirs, mine = _pair("MobileNetV3Small", include_top=False, input_shape=(32, 32, 3), minimalistic=True)
    path = _write_legacy_h5(theirs, tmp_path / "v3_small.h5")
    mine.load_weights(path)
    x = _images((2, 32, 32, 3))
    want = theirs.predict(x, verbose=0)
    np.testing.assert_allclose(mine.predict(x, verbose=0), want, rtol=1e-4, atol=1e-4 * float(np.abs(want).max()))
    other = ours.applications.MobileNetV3Small(weights=None, include_top=False, input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="Layer count mismatch"):
        other.load_weights(path)


def test_summary_matches_keras(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "120")
    theirs, mine = _pair("MobileNetV3Small", include_top=False, input_shape=(32, 32, 3), alpha=0.75)
    capsys.readouterr()
    theirs.summary()
    want = capsys.readouterr().out
    mine.summary()
    assert capsys.readouterr().out == want


def test_channels_first_matches_keras():
    from tests.keras.oracle import fresh_sessions
    theirs, mine = fresh_sessions()
    try:
        for K in (theirs, mine):
            K.config.set_image_data_format("channels_first")
        kwargs = dict(weights=None, input_shape=(3, 32, 32), alpha=0.35, classes=4, classifier_activation=None)
        keras_model, model = theirs.applications.MobileNetV2(**kwargs), mine.applications.MobileNetV2(**kwargs)
        _assert_same_structure(keras_model, model)
        _assert_same_predictions(keras_model, model, _images((2, 3, 32, 32)))
        x = _images((2, 3, 4, 4))
        np.testing.assert_allclose(mine.applications.vgg16.preprocess_input(x.copy()),
                                   theirs.applications.vgg16.preprocess_input(x.copy()), rtol=1e-6)
    finally:
        for K in (theirs, mine):
            K.config.set_image_data_format("channels_last")


def test_weights_file_without_h5py_names_the_package(tmp_path, monkeypatch):
    import sys
    theirs, _ = _pair("MobileNetV3Small", include_top=False, input_shape=(32, 32, 3), minimalistic=True)
    path = _write_legacy_h5(theirs, tmp_path / "small.h5")
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match="pip install h5py"):
        ours.applications.MobileNetV3Small(include_top=False, input_shape=(32, 32, 3), minimalistic=True, weights=path)
