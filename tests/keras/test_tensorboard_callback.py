"""keras.callbacks.TensorBoard writes what Keras 3's writes, without TensorFlow: under log_dir/train the epoch
metrics (`epoch_<name>` at the epoch, with the learning rate), the batch metrics every `update_freq` batches at the
global batch, the weight histograms and images, the model's JSON for the graph plugin; under log_dir/validation the
validation metrics without their `val_` prefix and `evaluation_<name>_vs_iterations` at the optimizer's step.
(Real Keras needs TensorFlow to write any of this, so the values are checked against the fit's own history.)"""
import numpy as np
import pytest

from tests.keras.oracle import real_keras

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402


def _run(path, kind):
    accumulator = EventAccumulator(path, size_guidance={kind: 0})
    accumulator.Reload()
    return accumulator


def _scalars(accumulator, tag):
    return [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in accumulator.Tensors(tag)]


def _fit(log_dir, **options):
    from nn import keras
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)],
                             name="regressor")
    model.compile(keras.optimizers.SGD(0.05), "mse", metrics=["mae"])
    x = np.random.default_rng(0).standard_normal((48, 3)).astype("float32")
    y = x.sum(1, keepdims=True)
    callback = keras.callbacks.TensorBoard(str(log_dir), **options)
    history = model.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0, callbacks=[callback])
    return model, history.history


def test_epoch_metrics_learning_rate_and_validation(tmp_path):
    model, history = _fit(tmp_path)
    train = _run(str(tmp_path / "train"), "tensors")
    val = _run(str(tmp_path / "validation"), "tensors")
    for name in ("loss", "mae"):
        np.testing.assert_allclose([v for _, v in _scalars(train, f"epoch_{name}")], history[name], rtol=1e-6)
        np.testing.assert_allclose([v for _, v in _scalars(val, f"epoch_{name}")], history[f"val_{name}"], rtol=1e-6)
        assert [s for s, _ in _scalars(train, f"epoch_{name}")] == [0, 1, 2]
    assert _scalars(train, "epoch_learning_rate") == [(0, pytest.approx(0.05)), (1, pytest.approx(0.05)),
                                                      (2, pytest.approx(0.05))]
    assert [s for s, _ in _scalars(val, "evaluation_loss_vs_iterations")] == [5, 10, 15]   # 36 samples / 8
    assert "keras" in train.Tags()["tensors"]   # the model's JSON, for the graph plugin
    assert not any(tag.startswith("batch_") for tag in train.Tags()["tensors"])   # update_freq='epoch'


def test_batch_metrics_every_update_freq_batches(tmp_path):
    _fit(tmp_path, update_freq=2, write_graph=False, write_steps_per_second=True)
    train = _run(str(tmp_path / "train"), "tensors")
    assert [s for s, _ in _scalars(train, "batch_loss")] == [2, 4, 6, 8, 10, 12, 14]
    assert "batch_steps_per_second" in train.Tags()["tensors"] and "keras" not in train.Tags()["tensors"]
    assert all(v > 0 for _, v in _scalars(train, "epoch_steps_per_second"))


def test_weight_histograms_and_images(tmp_path):
    model, _ = _fit(tmp_path, histogram_freq=2, write_images=True)
    histograms = _run(str(tmp_path / "train"), "histograms")
    tags = histograms.Tags()["histograms"]
    assert tags == [f"{w.path}/histogram" for layer in model.layers for w in layer.weights]
    assert [e.step for e in histograms.Histograms(tags[0])] == [0, 2]
    kernel = histograms.Histograms("regressor/dense/kernel/histogram")[-1].histogram_value
    assert kernel.num == 12 and kernel.sum == pytest.approx(float(model.layers[0].kernel.numpy().sum()), rel=1e-5)
    images = _run(str(tmp_path / "train"), "images").Tags()["images"]
    assert "regressor/dense/kernel/image" in images and "regressor/dense/bias/image" in images


def test_profiling_is_refused_as_on_kerass_torch_backend():
    from nn import keras
    theirs = real_keras()
    messages = []
    for k in (theirs, keras):
        with pytest.raises(ValueError) as caught:
            k.callbacks.TensorBoard("logs", profile_batch=2)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
