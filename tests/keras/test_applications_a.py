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
