"""A fourth set of Keras 3 programs in the style of keras.io's examples (tests/programs/keras_*.py), each run with
real Keras 3 (torch backend) and, with only its import changed, on deepgrad, in an empty folder: both must print
the same lines, numbers equal to within float32 training noise. They cover a convolutional timeseries classifier
trained from scratch with ModelCheckpoint(save_best_only), ReduceLROnPlateau and EarlyStopping with
restore_best_weights (the best checkpoint loaded back with load_model), text classification with a custom
TransformerBlock over a TokenAndPositionEmbedding on pad_sequences' output (and a dropout twin that must predict
the same), and knowledge distillation with a Distiller model that overrides compile and compute_loss.

Below them, one regression test per bug the programs found."""
import numpy as np
import pytest

from nn import keras

from .oracle import real_keras
from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_timeseries_restore_best", "keras_text_transformer_block", "keras_knowledge_distillation"]


@pytest.mark.parametrize("program", NAMES)
def test_round4_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 15
    _assert_same_lines(mine, theirs)


# ----- regression tests for the bugs these programs found ---------------------------------------------------

def _data():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((12, 3)).astype("float32")
    return x, (x[:, 0] > 0).astype("int64")


def _halved_loss_model(k, seen):
    """A model that overrides compute_loss only (as keras.io's Distiller does), compiled without a loss."""
    class Halved(k.Model):
        def __init__(self):
            super().__init__()
            self.dense = k.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
            seen.append("called")
            loss = k.losses.SparseCategoricalCrossentropy(from_logits=True)(y, y_pred)
            return 0.5 * loss
    model = Halved()
    model(np.zeros((1, 3), "float32"))
    model.set_weights([np.array([[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2]], "float32"), np.zeros(2, "float32")])
    model.compile(optimizer=k.optimizers.SGD(0.5), metrics=[k.metrics.SparseCategoricalAccuracy()])
    return model


def test_fit_and_evaluate_use_an_overridden_compute_loss_as_keras():
    """Keras's own train_step and test_step call model.compute_loss, so overriding it alone (with compile given
    metrics but no loss) trains on that loss; deepgrad's fit raised 'compile: no output ['output_1'] has a loss'
    instead (keras.io's Distiller: Keras's first epoch loss 0.88322)."""
    K = real_keras()
    x, y = _data()
    found = []
    for k in (K, keras):
        seen = []
        model = _halved_loss_model(k, seen)
        history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        results = model.evaluate(x, y, verbose=0, return_dict=True)
        found.append((history.history, results, len(seen), model.get_weights()))
    (h_theirs, r_theirs, n_theirs, w_theirs), (h_mine, r_mine, n_mine, w_mine) = found
    assert sorted(h_mine) == sorted(h_theirs) == ["loss", "sparse_categorical_accuracy"]
    for key in h_theirs:
        np.testing.assert_allclose(h_mine[key], h_theirs[key], rtol=1e-5)
    assert sorted(r_mine) == sorted(r_theirs)
    for key in r_theirs:
        assert r_mine[key] == pytest.approx(r_theirs[key], rel=1e-5)
    assert n_mine == n_theirs == 2 * 3 + 1   # six training batches, one evaluation batch of 32
    for a, b in zip(w_mine, w_theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_compute_loss_gets_training_only_when_it_takes_it_as_keras():
    """Keras passes training= to compute_loss only when its signature names it: True in fit, False in
    evaluate (deepgrad's steps passed training= always, a TypeError for keras.io's Distiller signature)."""
    K = real_keras()
    x, y = _data()
    flags = []
    for k in (K, keras):
        seen = []

        class Flagged(k.Model):
            def __init__(self):
                super().__init__()
                self.dense = k.layers.Dense(2)

            def call(self, x):
                return self.dense(x)

            def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
                seen.append(training)
                return k.ops.mean(k.ops.square(y_pred))
        model = Flagged()
        model.compile("sgd")   # with a loss here Keras would also call compute_loss once symbolically, to build
        model.fit(x, y, batch_size=6, epochs=1, verbose=0)
        model.evaluate(x, y, batch_size=12, verbose=0)
        flags.append(seen)
    assert flags[1] == flags[0] == [True, True, False]


def test_compile_without_a_loss_still_fails_in_fit_as_keras():
    """Without a loss and without a compute_loss of the user's, fit raises a ValueError in both libraries."""
    K = real_keras()
    x, y = _data()
    for k in (K, keras):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(2)])
        model.compile("sgd", metrics=["accuracy"])
        with pytest.raises(ValueError, match="loss"):
            model.fit(x, y, verbose=0)


def test_pad_sequences_of_vectors_keeps_their_step_shape_as_keras():
    """Sequences of feature vectors pad to (N, maxlen, features): deepgrad's pad_sequences made (N, maxlen) and
    failed with NumPy's 'setting an array element with a sequence' (Keras: [[[1, 2], [3, 4]], [[0, 0], [5, 6]]])."""
    K = real_keras()
    sequences = [[[1, 2], [3, 4]], [[5, 6]], []]
    for kwargs in ({}, {"maxlen": 3, "padding": "post", "dtype": "float32", "value": -1.0}, {"maxlen": 1}):
        theirs = K.utils.pad_sequences(sequences, **kwargs)
        mine = keras.utils.pad_sequences(sequences, **kwargs)
        assert mine.dtype == theirs.dtype and mine.tolist() == theirs.tolist(), kwargs
    assert keras.utils.pad_sequences([[[1, 2]], [[3, 4]]]).tolist() == [[[1, 2]], [[3, 4]]]
    with pytest.raises(ValueError, match="sequence 1"):
        keras.utils.pad_sequences([[[1, 2]], [[3, 4, 5]]])


def test_pad_sequences_rejects_what_keras_rejects_with_a_value_error():
    """A scalar among the sequences and a string padding value for an integer dtype are ValueErrors naming the
    problem in both libraries (deepgrad raised a bare TypeError / NumPy's ValueError)."""
    K = real_keras()
    for k in (K, keras):
        with pytest.raises(ValueError, match="iterables"):
            k.utils.pad_sequences([1, [2, 3]])
        with pytest.raises(ValueError, match="dtype=object"):
            k.utils.pad_sequences([["a"], ["b", "c"]], value="")
    assert keras.utils.pad_sequences([["a"], ["b", "c"]], dtype=object, value="").tolist() == [["", "a"], ["b", "c"]]


def test_callbacks_keep_the_monitored_name_mode_and_best_as_keras():
    """EarlyStopping, ReduceLROnPlateau and ModelCheckpoint keep `monitor` as the name given (deepgrad's held an
    internal tracker object there, so `print(stopper.monitor)` printed '<nn.callbacks.monitor.Monitor object at
    0x...>' instead of 'val_loss'), `mode` as given, and the best value so far as `best`."""
    K = real_keras()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    found = []
    for k in (K, keras):
        callbacks = [k.callbacks.EarlyStopping(monitor="val_loss", patience=5, mode="min"),
                     k.callbacks.ReduceLROnPlateau(monitor="loss", patience=5),
                     k.callbacks.ModelCheckpoint("unused.keras", monitor="val_loss", save_best_only=True)]
        callbacks[2].on_epoch_end = lambda epoch, logs=None: None   # nothing written
        model = k.Sequential([k.Input((3,)), k.layers.Dense(1, kernel_initializer="zeros")])
        model.compile(k.optimizers.SGD(0.01), "mse")
        history = model.fit(x, y, epochs=2, validation_split=0.25, shuffle=False, verbose=0, callbacks=callbacks)
        found.append([(c.monitor, c.mode) for c in callbacks] + [
            round(callbacks[0].best, 6) == round(min(history.history["val_loss"]), 6),
            round(callbacks[1].best, 6) == round(min(history.history["loss"]), 6)])
    assert found[1] == found[0] == [("val_loss", "min"), ("loss", "auto"), ("val_loss", "auto"), True, True]


def test_sparse_crossentropy_ignore_class_averages_over_the_counted_examples_as_keras():
    """With ignore_class, Keras's loss masks the ignored examples and its mean runs over the others only:
    deepgrad divided by every example (0.65703 where Keras gives 1.31406 for labels [0, 2, 1, 1] ignoring 1)."""
    K = real_keras()
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((4, 5, 3)).astype("float32")
    labels = rng.integers(0, 3, (4, 5))
    labels[0, :3] = 2
    flat_logits = np.array([[0.2, 1.0, -0.5], [1.5, 0.1, 0.3], [-0.2, 0.4, 0.9], [0.0, 0.7, -1.0]], "float32")
    for y_true, y_pred, kwargs in (([0, 2, 1, 1], flat_logits, {"ignore_class": 1}),
                                   (labels, logits, {"ignore_class": 2}),
                                   (labels, logits, {"ignore_class": 2, "reduction": "sum"}),
                                   (np.full(2, 2), flat_logits[:2], {"ignore_class": 2})):
        values = [float(k.ops.convert_to_numpy(k.losses.SparseCategoricalCrossentropy(from_logits=True, **kwargs)(
            np.asarray(y_true), y_pred))) for k in (K, keras)]
        assert values[1] == pytest.approx(values[0], rel=1e-5, abs=1e-7), kwargs
    found = []
    for k in (K, keras):
        model = k.Sequential([k.Input((5, 3)), k.layers.Dense(3)])
        model.set_weights([np.eye(3, dtype="float32"), np.zeros(3, "float32")])
        model.compile(k.optimizers.SGD(0.1), k.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2))
        history = model.fit(logits, labels, batch_size=2, epochs=2, shuffle=False, verbose=0)
        found.append(history.history["loss"] + [model.evaluate(logits, labels, verbose=0)])
    np.testing.assert_allclose(found[1], found[0], rtol=1e-5)


def test_auto_mode_follows_the_watched_metrics_direction_as_keras(tmp_path, monkeypatch):
    """mode='auto' takes the direction of the compiled metric watched (Keras's metric._direction): deepgrad judged
    by the name alone and minimised 'val_r2_score', 'val_cosine_similarity', 'val_pearson_correlation',
    'val_binary_io_u', 'val_precision_at_recall' and others, so EarlyStopping kept the worst epoch as `best`."""
    K = real_keras()
    rng = np.random.default_rng(5)
    x = rng.standard_normal((40, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3 * rng.standard_normal((40, 1))).astype("float32")
    monkeypatch.chdir(tmp_path)
    found = []
    for k in (K, keras):
        callbacks = [k.callbacks.EarlyStopping(monitor="val_r2_score", patience=1, verbose=0),
                     k.callbacks.ReduceLROnPlateau(monitor="val_cosine_similarity", patience=1, factor=0.5),
                     k.callbacks.ModelCheckpoint("best.weights.h5", monitor="val_r2_score", save_best_only=True,
                                                 save_weights_only=True)]
        model = k.Sequential([k.Input((3,)), k.layers.Dense(1, kernel_initializer="zeros")])
        model.compile(k.optimizers.SGD(0.05), "mse", metrics=[k.metrics.R2Score(), k.metrics.CosineSimilarity()])
        history = model.fit(x, y, epochs=6, batch_size=10, validation_split=0.25, shuffle=False, verbose=0,
                            callbacks=callbacks)
        found.append((round(callbacks[0].best, 4), round(callbacks[1].best, 4), round(callbacks[2].best, 4),
                      round(max(history.history["val_r2_score"]), 4)))
    assert found[1] == found[0]
    assert found[1][0] == found[1][2] == found[1][3]


def test_callbacks_warn_when_their_monitored_value_is_missing_as_keras(tmp_path, monkeypatch):
    """EarlyStopping / ReduceLROnPlateau / ModelCheckpoint(save_best_only) on 'val_loss' in a fit without
    validation data: Keras warns each epoch and trains on (the checkpoint saves every epoch); deepgrad raised
    'monitor 'val_loss' is not in the epoch logs' and stopped the user's training."""
    K = real_keras()
    monkeypatch.chdir(tmp_path)
    x = np.random.default_rng(2).standard_normal((8, 3)).astype("float32")
    found = []
    for k in (K, keras):
        callbacks = [k.callbacks.EarlyStopping(patience=0), k.callbacks.ReduceLROnPlateau(patience=0),
                     k.callbacks.ModelCheckpoint(f"{k.__name__}-{{epoch}}.keras", save_best_only=True)]
        model = k.Sequential([k.Input((3,)), k.layers.Dense(1)])
        model.compile("sgd", "mse")
        with pytest.warns(UserWarning) as caught:
            history = model.fit(x, x[:, :1], epochs=3, verbose=0, callbacks=callbacks)
        messages = sorted({str(w.message).split(" Available")[0].split(" which")[0] for w in caught
                           if issubclass(w.category, UserWarning)})
        found.append((len(history.epoch), sorted(history.history), messages,
                      sorted(p.name.split("-")[1] for p in tmp_path.glob(f"{k.__name__}-*"))))
    assert found[1] == found[0]
    assert found[1][:2] == (3, ["learning_rate", "loss"]) and found[1][3] == ["1.keras", "2.keras", "3.keras"]


def test_ignore_class_combines_with_an_output_mask_as_keras():
    """A padding mask on the outputs (Embedding(mask_zero=True)) and ignore_class together: the loss averages over
    the steps that are neither padding nor ignored, in both libraries (Keras's fit losses 1.67381, 1.56821)."""
    K = real_keras()
    x = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0], [1, 1, 1, 1, 1]])
    y = np.array([[0, 1, 2, 0, 0], [2, 2, 1, 0, 0], [1, 0, 2, 1, 1]])
    found = []
    for k in (K, keras):
        model = k.Sequential([k.Input((5,), dtype="int32"), k.layers.Embedding(6, 4, mask_zero=True), k.layers.Dense(3)])
        init = np.random.default_rng(1)
        model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
        model.compile(k.optimizers.SGD(0.1), k.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2))
        history = model.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0)
        found.append(history.history["loss"] + [model.evaluate(x, y, verbose=0)])
    np.testing.assert_allclose(found[1], found[0], rtol=1e-5)


def test_fit_uses_an_overridden_compute_metrics_as_keras():
    """Keras's own steps call model.compute_metrics, so an override that adds a metric of its own logs it:
    deepgrad's fit ignored the override (history keys ['accuracy', 'loss'], Keras's add 'mean_pred')."""
    K = real_keras()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((12, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    found = []
    for k in (K, keras):
        class WithMeanPrediction(k.Model):
            def __init__(self):
                super().__init__()
                self.dense = k.layers.Dense(1, activation="sigmoid")
                self.mean_pred = k.metrics.Mean(name="mean_pred")

            def call(self, x):
                return self.dense(x)

            def compute_metrics(self, x, y, y_pred, sample_weight=None):
                self.mean_pred.update_state(y_pred)
                return super().compute_metrics(x, y, y_pred, sample_weight)
        model = WithMeanPrediction()
        model(x[:1])
        model.set_weights([np.full((3, 1), 0.2, "float32"), np.zeros(1, "float32")])
        model.compile(k.optimizers.SGD(0.5), "binary_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        found.append((history.history, model.evaluate(x, y, verbose=0, return_dict=True)))
    (h_theirs, r_theirs), (h_mine, r_mine) = found
    assert sorted(h_mine) == sorted(h_theirs) == ["accuracy", "loss", "mean_pred"]
    for key in h_theirs:
        np.testing.assert_allclose(h_mine[key], h_theirs[key], rtol=1e-5)
    assert sorted(r_mine) == sorted(r_theirs)
    for key in r_theirs:
        assert r_mine[key] == pytest.approx(r_theirs[key], rel=1e-5)
