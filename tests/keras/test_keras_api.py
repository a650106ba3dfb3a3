"""nn.keras without the Keras oracle: model building styles, data inputs, callbacks, saving, utilities."""
import numpy as np
import pytest

import nn
from nn import keras
from nn.keras import layers

RNG = np.random.default_rng(5)
X = RNG.standard_normal((64, 6)).astype(np.float32)
Y = (X[:, 0] > 0).astype(np.int64)


def _mlp(**first):
    return keras.Sequential([layers.Dense(8, activation="relu", **first), layers.Dense(2, activation="softmax")])


def test_sequential_add_input_shape_and_lazy_build():
    lazy = keras.Sequential()
    lazy.add(layers.Dense(8, activation="relu"))
    lazy.add(layers.Dense(2))
    assert not lazy.built and lazy.layers[0].built is False
    assert lazy.predict(X, verbose=0).shape == (64, 2)
    assert lazy.built and lazy.count_params() == 6 * 8 + 8 + 8 * 2 + 2
    eager = _mlp(input_shape=(6,))
    assert eager.built and eager.layers[1].output_shape == (None, 2)
    with_input = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(3)])
    assert with_input.layers[0].kernel.shape == (6, 3)
    assert isinstance(with_input.pop(), layers.Dense) and with_input.layers == []


def test_subclassed_model_with_call_and_training_flag():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.drop = layers.Dropout(0.99)
            self.out = layers.Dense(2, activation="softmax")

        def call(self, inputs, training=False):
            return self.out(self.drop(self.hidden(inputs), training=training))

    model = Net()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(X, Y, epochs=2, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    first = model.predict(X[:4], verbose=0)
    np.testing.assert_array_equal(first, model.predict(X[:4], verbose=0))  # inference: no dropout
    assert len(model.layers) == 3 and len(model.trainable_weights) == 4


def test_direct_call_runs_in_inference_and_training_true_trains():
    model = keras.Sequential([keras.Input(shape=(6,)), layers.Dropout(0.5)])
    x = np.ones((4, 6), np.float32)
    np.testing.assert_array_equal(model(x).numpy(), x)
    assert (model(x, training=True).numpy() == 0).any()


def test_evaluate_returns_list_scalar_or_dict_and_predict_numpy():
    model = _mlp(input_shape=(6,))
    model.compile(keras.optimizers.Adam(learning_rate=1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, accuracy = model.evaluate(X, Y, verbose=0)
    assert isinstance(loss, float) and 0 <= accuracy <= 1
    assert model.evaluate(X, Y, verbose=0, return_dict=True) == {"loss": loss, "accuracy": accuracy}
    assert model.metrics_names == ["loss", "compile_metrics"]   # Keras 3: the names of model.metrics
    model.compile("sgd", "sparse_categorical_crossentropy")   # Keras keeps the earlier metrics when none are given
    assert len(model.evaluate(X, Y, verbose=0)) == 2
    fresh = _mlp(input_shape=(6,))
    fresh.compile("sgd", "sparse_categorical_crossentropy")
    assert isinstance(fresh.evaluate(X, Y, verbose=0), float)
    assert isinstance(model.predict(X, verbose=0), np.ndarray)


def test_fit_accepts_dataloaders_generators_pydatasets_and_initial_epoch():
    model = _mlp(input_shape=(6,))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    loader = nn.data.DataLoader(nn.data.TensorDataset(X, Y), batch_size=16)
    assert len(model.fit(loader, epochs=2, verbose=0).history["loss"]) == 2

    def batches():
        while True:
            for k in range(0, 64, 16):
                yield X[k:k + 16], Y[k:k + 16]
    history = model.fit(batches(), steps_per_epoch=4, epochs=3, initial_epoch=1, verbose=0)
    assert history.epoch == [1, 2]

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, k):
            return X[16 * k:16 * (k + 1)], Y[16 * k:16 * (k + 1)], np.ones(16, np.float32)
    history = model.fit(Batches(), epochs=2, validation_data=(X, Y), validation_freq=2, verbose=0)
    assert len(history.history["loss"]) == 2 and len(history.history["val_loss"]) == 1
    assert model.predict(batches(), steps=2, verbose=0).shape == (32, 2)


def test_callbacks_under_keras_names(tmp_path):
    model = _mlp(input_shape=(6,))
    model.compile(keras.optimizers.SGD(learning_rate=0.1), "sparse_categorical_crossentropy")
    path = tmp_path / "best.weights.h5"
    callbacks = [keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0),
                 keras.callbacks.ModelCheckpoint(str(path), monitor="loss", save_best_only=True),
                 keras.callbacks.CSVLogger(str(tmp_path / "log.csv")),
                 keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5),
                 keras.callbacks.TerminateOnNaN()]
    history = model.fit(X, Y, epochs=5, verbose=0, callbacks=callbacks)
    assert len(history.history["loss"]) == 2  # stopped: no improvement of 10
    assert model.optimizer.learning_rate == pytest.approx(0.025)
    assert path.exists() and (tmp_path / "log.csv").read_text().startswith("epoch")
    reduce = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0)
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[reduce])
    assert model.optimizer.learning_rate < 0.025


def test_save_and_load_weights_by_position(tmp_path):
    model = _mlp(input_shape=(6,))
    other = _mlp(input_shape=(6,))  # other layer names: weights still match by position
    model.save_weights(tmp_path / "w.weights.h5")
    other.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    wrong = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(3)])
    with pytest.raises(ValueError, match=r"'kernel' has shape \(6, 3\) but the file holds shape \(6, 8\)"):
        wrong.load_weights(tmp_path / "w.weights.h5")


def test_trainable_flag_freezes_weights_and_counts_in_summary(capsys):
    base = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(4), layers.BatchNormalization()])
    base.trainable = False
    model = keras.Sequential([base, layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    frozen = [w.copy() for w in base.get_weights()]
    model.fit(X, Y, epochs=1, verbose=0)
    for a, b in zip(base.get_weights(), frozen):
        np.testing.assert_array_equal(a, b)
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 6
    model.summary()
    out = capsys.readouterr().out
    assert "Trainable params: 10 (40.00 B)" in out and "Non-trainable params: 44" in out


def test_regularizers_add_to_the_loss():
    model = keras.Sequential([keras.Input(shape=(6,)),
                              layers.Dense(2, kernel_regularizer=keras.regularizers.l2(1.0), use_bias=False)])
    model.compile("sgd", "mse")
    kernel = model.get_weights()[0]
    y = np.zeros((64, 2), np.float32)
    plain = float(np.mean((X @ kernel) ** 2))
    assert model.evaluate(X, y, verbose=0) == pytest.approx(plain + float(np.sum(kernel ** 2)), rel=1e-5)
    assert len(model.losses) == 1


def test_probabilities_by_default_and_softmax_logits_path():
    """A softmax model with the probability loss reports the true cross-entropy (the nn trap the issue shows)."""
    model = _mlp(input_shape=(6,))
    model.compile("adam", "sparse_categorical_crossentropy")
    probs = model.predict(X, verbose=0)
    expected = -np.mean(np.log(probs[np.arange(len(Y)), Y]))
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(expected, rel=1e-5)


def test_utils_and_initializers():
    assert keras.utils.to_categorical([0, 2, 1]).tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert keras.utils.to_categorical(np.array([[1], [0]]), 3).shape == (2, 3)
    keras.utils.set_random_seed(3)
    a = layers.Dense(4)
    a._build_for_shape((None, 5))
    keras.utils.set_random_seed(3)
    b = layers.Dense(4)
    b._build_for_shape((None, 5))
    np.testing.assert_array_equal(a.get_weights()[0], b.get_weights()[0])
    limit = np.sqrt(6 / (5 + 4))
    assert np.abs(a.get_weights()[0]).max() <= limit
    q = keras.initializers.Orthogonal()((5, 5))
    np.testing.assert_allclose(q @ q.T, np.eye(5), atol=1e-5)
    assert keras.utils.pad_sequences([[1, 2, 3], [4]], maxlen=2).tolist() == [[2, 3], [0, 4]]


def test_mnist_load_data_falls_back_to_the_bundled_sample(tmp_path, monkeypatch, capsys):
    from nn.data.download import DownloadError

    def offline(urls, *args, **kwargs):
        raise DownloadError(f"offline in tests: {urls[0]}")
    monkeypatch.setenv("DEEPGRAD_DATA", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr("nn.data.datasets.base.fetch", offline)  # load_data fetches a missing file, as Keras does
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert "bundled 5,000-digit sample" in capsys.readouterr().out


def test_clear_errors():
    with pytest.raises(TypeError, match="unexpected keyword"):
        layers.Dense(3, kernel_sise=2)
    model = _mlp(input_shape=(6,))
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(X, Y, verbose=0)
    a = keras.Input(shape=(3,))
    with pytest.raises(ValueError, match="not among the model's inputs"):
        keras.Model(keras.Input(shape=(3,)), layers.Dense(2)(a))


def test_keras_metrics_and_losses_work_in_nn_compile():
    model = nn.Sequential(nn.Linear(6, 2))
    model.compile("adam", "cross_entropy", metrics=[keras.metrics.SparseCategoricalAccuracy()])
    history = model.fit(X, Y, epochs=1, verbose=0)
    assert "sparse_categorical_accuracy" in history.history


def test_nn_modules_inside_keras_models_follow_the_keras_training_flag():
    model = keras.Sequential([keras.Input(shape=(6,)), nn.Linear(6, 4), nn.Dropout(0.9)])
    assert isinstance(model.layers[0], layers.ModuleWrapper) and model.layers[0].output_shape == (None, 4)
    x = np.ones((8, 6), np.float32)
    np.testing.assert_array_equal(model(x, training=False).numpy(), model(x, training=False).numpy())
    assert (model(x).numpy() == 0).any()   # as Keras's TorchModuleWrapper: no flag runs the module in train()
    assert (model(x, training=True).numpy() == 0).any()
    assert len(model.trainable_weights) == 2
    Flip = layers.as_keras_layer(nn.Dropout)
    inputs = keras.Input(shape=(6,))
    outputs = Flip(0.5, name="drop")(inputs)
    functional = keras.Model(inputs, outputs)
    np.testing.assert_array_equal(functional.predict(x, verbose=0), x)
    assert functional.get_layer("drop").module.p == 0.5


def test_keras_model_checkpoint_is_nn_s_with_keras_arguments(tmp_path):
    import nn
    from nn import keras
    checkpoint = keras.callbacks.ModelCheckpoint(tmp_path / "w.weights.h5", save_best_only=True,
                                                 initial_value_threshold=0.5)
    assert isinstance(checkpoint, nn.callbacks.ModelCheckpoint)
    assert checkpoint.main_process_only   # one file under mpiexec, written by rank 0
    with pytest.raises(ValueError, match="save_freq"):   # 'epoch' or a number of batches, as in Keras
        keras.callbacks.ModelCheckpoint(tmp_path / "w.keras", save_freq="sometimes")
