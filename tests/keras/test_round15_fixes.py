"""Regression tests for the bugs found by the fifteenth round of ported Keras programs
(tests/keras/test_keras_programs_round15.py), each compared with real Keras 3 (torch backend)."""
import numpy as np
import pytest

from .oracle import fresh_sessions


def _batches_property(K):
    class Rows(K.utils.PyDataset):
        def __init__(self, n, **kwargs):
            super().__init__(**kwargs)
            self.n = n

        def __len__(self):
            return self.n

        def __getitem__(self, index):
            return np.full((2, 1), index, "float32"), np.zeros((2, 1), "float32")

    class Endless(K.utils.PyDataset):
        def __getitem__(self, index):
            return np.zeros((1, 1), "float32")

    try:
        Endless().num_batches
        endless = "no error"
    except NotImplementedError:
        endless = "NotImplementedError"
    return Rows(3, workers=1).num_batches, Rows(5).num_batches, endless


def test_pydataset_num_batches_as_keras():
    """Keras's PyDataset has a num_batches property (len(self), NotImplementedError without __len__); nn.keras's
    had none, so a program printing dataset.num_batches failed with AttributeError."""
    K, ours = fresh_sessions()
    assert _batches_property(ours) == _batches_property(K)


def _encoding_config(K):
    layer = K.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
    return {k: v for k, v in layer.get_config().items() if k != "dtype"}


def test_category_encoding_config_has_keras_keys():
    """Keras's CategoryEncoding config lists num_tokens and output_mode and no `sparse`; nn.keras added
    'sparse': False."""
    K, ours = fresh_sessions()
    assert _encoding_config(ours) == _encoding_config(K)


def _weight_sums(K, make, shape):
    K.utils.set_random_seed(3)
    layer, dense = make(K.layers), K.layers.Dense(2)   # the Dense is made after the layer, built after it too
    layer.build(shape)
    dense.build((None, 3))
    return [round(float(np.abs(K.ops.convert_to_numpy(w)).sum()), 4) for w in layer.weights + dense.weights]


def test_default_seeds_drawn_at_construction_as_keras():
    """After set_random_seed, Keras's layers take their initializers' default seeds from Python's random when they
    are made. nn.keras's Conv1D (its kernel_initializer passed on through **kwargs), Conv1DTranspose, Depthwise and
    Separable 1-D convolutions and BatchNormalization made theirs at build, ConvLSTM made its SeedGenerator after its
    initializers: a Sequential([Conv1D, Flatten, Dense]) started from other weights than Keras's, and training
    diverged from the first step."""
    K, ours = fresh_sessions()
    cases = [(lambda L: L.Conv1D(3, 2), (None, 5, 2)), (lambda L: L.Conv1DTranspose(3, 2), (None, 5, 2)),
             (lambda L: L.SeparableConv1D(3, 2), (None, 5, 2)), (lambda L: L.DepthwiseConv1D(2), (None, 5, 2)),
             (lambda L: L.BatchNormalization(gamma_initializer="random_normal"), (None, 3)),
             (lambda L: L.ConvLSTM1D(2, 2), (None, 3, 5, 2))]
    for make, shape in cases:
        assert _weight_sums(ours, make, shape) == _weight_sums(K, make, shape)


def _seeded_history(K):
    K.utils.set_random_seed(7)
    model = K.Sequential([K.Input((6, 4)), K.layers.Conv1D(5, 3, activation="relu"), K.layers.Flatten(),
                          K.layers.Dropout(0.3), K.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=K.optimizers.Adam(0.01), loss="binary_crossentropy")
    x = np.random.default_rng(0).standard_normal((24, 6, 4)).astype("float32")
    y = (x[:, 0, 0] > 0).astype("float32")[:, None]
    return model.fit(x, y, batch_size=8, epochs=2, verbose=0).history["loss"]


def test_seeded_conv_model_trains_as_keras():
    K, ours = fresh_sessions()
    np.testing.assert_allclose(_seeded_history(ours), _seeded_history(K), rtol=1e-4)


def _batched_means(K):
    rng = np.random.default_rng(0)
    y, p = rng.normal(size=(10,)).astype("float32"), rng.normal(size=(10, 1)).astype("float32")
    made = [K.metrics.MeanAbsoluteError(), K.metrics.MeanSquaredError(), K.metrics.MeanAbsolutePercentageError(),
            K.metrics.RootMeanSquaredError(), K.metrics.LogCoshError(), K.metrics.CosineSimilarity(),
            K.metrics.MeanMetricWrapper(K.metrics.mean_absolute_error)]
    for metric in made:
        for rows in (slice(0, 4), slice(4, 8), slice(8, 10)):
            metric.update_state(y[rows], p[rows])
    r2 = K.metrics.R2Score()
    r2.update_state(y, p)
    return [float(m.result()) for m in made + [r2]]


def test_rank_1_labels_against_column_outputs_weigh_each_example_as_keras():
    """(N,) targets against (N, 1) predictions: Keras expands the labels to (N, 1), one value per example; nn.keras
    squeezed the predictions, so mae / mse / mape / cosine took one value per batch (a partial last batch counted
    as a full one: fit's mae differed from Keras's while the loss agreed) and R2Score refused the shapes."""
    K, ours = fresh_sessions()
    np.testing.assert_allclose(_batched_means(ours), _batched_means(K), rtol=1e-5)


def _after_augmentation_layers(K):
    L = K.layers
    sums = []
    for make in (lambda: L.RandomFlip(), lambda: L.RandomRotation(0.1), lambda: L.RandomContrast(0.2),
                 lambda: L.RandomBrightness(0.2), lambda: L.RandomCrop(2, 2), lambda: L.RandomHue(0.1, (0, 1)),
                 lambda: L.RandomColorJitter(brightness_factor=0.1, contrast_factor=0.1), lambda: L.AutoContrast(),
                 lambda: L.Equalization()):
        K.utils.set_random_seed(4)
        make()
        dense = L.Dense(2)
        dense.build((None, 3))
        sums.append(round(float(np.abs(K.ops.convert_to_numpy(dense.kernel)).sum()), 4))
    K.utils.set_random_seed(4)
    crop = L.RandomCrop(2, 2)
    return sums, crop.get_config()["seed"]


def test_augmentation_layers_take_their_default_seeds_as_keras():
    """Keras's random image layers make a SeedGenerator when they are made (RandomCrop draws a default seed for its
    config first), taking seeds from Python's random: nn.keras's drew none, so after set_random_seed every layer
    made after a data_augmentation block (the Dense layers of "image classification from scratch") started from
    other weights than Keras's; RandomCrop's config showed seed None."""
    K, ours = fresh_sessions()
    assert _after_augmentation_layers(ours) == _after_augmentation_layers(K)


def test_random_flip_draws_keras_flips():
    """RandomFlip flips the images Keras's flips (one uniform per image from its SeedGenerator, <= 0.5); nn.keras
    drew from a NumPy generator of its own."""
    K, ours = fresh_sessions()
    x = np.arange(5 * 4 * 4 * 1, dtype="float32").reshape(5, 4, 4, 1)
    for seed in (1, 7):
        theirs, mine = K.layers.RandomFlip(seed=seed), ours.layers.RandomFlip(seed=seed)
        for _ in range(2):
            np.testing.assert_array_equal(mine(x).numpy(), K.ops.convert_to_numpy(theirs(x)))


def _adapted(K):
    norm = K.layers.Normalization()
    norm.adapt(np.array([[1.0, 2.0], [3.0, 6.0]], "float32"))
    return [w.path for w in norm.weights], K.ops.convert_to_numpy(norm.mean).tolist()


def test_normalization_adapts_beside_its_mean_property():
    """Module.register_buffer's PyTorch name check refused a non-trainable weight named 'mean' on a layer that has
    a `mean` property, so Normalization.adapt raised MemberNameError; Keras names weights freely."""
    K, ours = fresh_sessions()
    assert _adapted(ours) == _adapted(K)


def _history_seen_in_callbacks(K):
    seen = []

    class Peek(K.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(getattr(self.model, "history", None) is not None)

        def on_train_end(self, logs=None):
            seen.append(len(self.model.history.epoch))

    model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), epochs=2, verbose=0, callbacks=[Peek()])
    return seen


def test_model_history_is_set_after_each_epoch_as_keras():
    """Keras's History sets model.history at every epoch end, so callbacks (on_epoch_end, on_train_end) read
    self.model.history; nn.keras set it only when fit returned (AttributeError in on_train_end)."""
    K, ours = fresh_sessions()
    assert _history_seen_in_callbacks(ours) == _history_seen_in_callbacks(K)


def _counted_fit(K, endless):
    class Counted(K.utils.PyDataset):
        @property
        def num_batches(self):
            return None if endless else 3

        def __getitem__(self, index):
            x = np.full((4, 2), (index % 3) / 3.0, "float32") + np.arange(4, dtype="float32")[:, None] / 8.0
            return x, x[:, :1] * 2.0 - 1.0

    K.utils.set_random_seed(2)
    model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    steps = {"steps_per_epoch": 2} if endless else {}
    history = model.fit(Counted(), epochs=3, verbose=0, shuffle=False, **steps)
    return history.history["loss"], history.params["steps"]


def test_pydataset_with_num_batches_instead_of_len_fits_as_keras():
    """A PyDataset may define the num_batches property instead of __len__ (None: endless, read with
    steps_per_epoch, each epoch going on where the last stopped); nn.keras called len() (TypeError)."""
    K, ours = fresh_sessions()
    for endless in (False, True):
        (mine, my_steps), (theirs, their_steps) = _counted_fit(ours, endless), _counted_fit(K, endless)
        np.testing.assert_allclose(mine, theirs, rtol=1e-5)
        assert my_steps == their_steps


def test_class_weight_with_yielded_sample_weights_is_refused():
    """Keras refuses class_weight when the data yields sample weights too; nn.keras multiplied them silently."""
    _, ours = fresh_sessions()

    class Weighted(ours.utils.PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, index):
            return np.ones((2, 1), "float32"), np.array([0, 1]), np.ones(2, "float32")

    model = ours.Sequential([ours.Input((1,)), ours.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="class_weight"):
        model.fit(Weighted(), class_weight={0: 1.0, 1: 2.0}, verbose=0)
