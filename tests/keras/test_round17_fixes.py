"""Regression tests for the bugs found by the seventeenth round of ported Keras programs
(tests/keras/test_keras_programs_round17.py), each compared with real Keras 3 (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def _history_keys(K):
    seen = []

    class Keys(K.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(list(logs))

    model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", K.metrics.MeanSquaredError(name="wmse")])
    x, y = np.ones((4, 2), "float32"), np.ones((4, 1), "float32")
    history = model.fit(x, y, batch_size=2, epochs=1, verbose=0, validation_data=(x, y), callbacks=[Keys()])
    return list(history.history), seen


def test_epoch_logs_with_validation_are_sorted_by_name():
    """Keras hands callbacks each epoch's logs sorted by name, the 'val_' ones included (so 'val_loss' comes
    before a metric named 'wacc'); nn.keras appended the 'val_' logs after the training ones."""
    K, ours = fresh_sessions()
    assert _history_keys(ours) == _history_keys(K)


def _loss_dtypes(K):
    seen = []

    class Squared(K.losses.Loss):
        def call(self, y_true, y_pred):
            seen.append((K.ops.is_tensor(y_true), K.backend.standardize_dtype(y_true.dtype),
                         K.backend.standardize_dtype(y_pred.dtype)))
            return K.ops.mean(K.ops.square(y_true - y_pred), axis=-1)

    def dtype(value):
        return str(K.ops.convert_to_numpy(value).dtype)

    out = []
    for loss_dtype in (None, "float16", "float64"):
        for y_true, y_pred in ((np.ones((2, 3)), np.zeros((2, 3))), (np.ones((2, 3), "int32"), np.zeros((2, 3), "float16"))):
            out.append(dtype(Squared(dtype=loss_dtype)(y_true, y_pred)))
            out.append(dtype(K.losses.MeanAbsoluteError(dtype=loss_dtype)(y_true, y_pred)))
            out.append(dtype(K.losses.MeanAbsoluteError(dtype=loss_dtype, reduction="sum")(y_true, y_pred)))
    return out, seen


def test_loss_hands_call_tensors_in_its_dtype():
    """Keras's Loss converts y_true and y_pred to tensors of the loss's dtype before call(): a custom call sees
    tensors (nn.keras handed it the NumPy arrays as given), a loss made with dtype='float16' computes and returns
    float16 (nn.keras: float32), and a float64 loss's mean comes back float32 as Keras's divide_no_nan makes it."""
    K, ours = fresh_sessions()
    assert _loss_dtypes(ours) == _loss_dtypes(K)


def _einsum_shapes(K):
    layers = K.layers
    inputs = K.Input((3, 5))
    hidden = layers.EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d")(inputs)
    reshaped = layers.Reshape((2, 2))(layers.EinsumDense("abc,cd->ad", output_shape=4)(inputs))
    unknown = layers.Reshape((4, 3))(hidden)
    layer = layers.EinsumDense("abcd,cde->abe", output_shape=(None, 4), bias_axes="e")
    return (hidden.shape, layers.Dense(2)(hidden).shape, reshaped.shape, unknown.shape,
            layer.compute_output_shape((None, 3, 2, 5)), layer.compute_output_shape((7, 3, 2, 5)),
            layers.EinsumDense("abc,cd->abd", output_shape=(3, 4)).compute_output_shape((None, 3, 5)))


def test_einsum_dense_keeps_the_none_of_its_output_shape():
    """Keras's EinsumDense gives output_shape's None entries as None in compute_output_shape and in functional
    outputs (so a later Reshape to a fixed shape is not checked); nn.keras filled them from the input."""
    K, ours = fresh_sessions()
    assert _einsum_shapes(ours) == _einsum_shapes(K)


def _none_weight_errors(K):
    seen = []
    for make in (lambda: K.layers.EinsumDense("abc,cd->abd", output_shape=(None, 7), bias_axes="bd")(
                     np.ones((2, 3, 5), "float32")),
                 lambda: K.layers.Dense(2).add_weight(shape=(None, 3))):
        try:
            make()
        except Exception as error:   # noqa: BLE001 - the error's class is what is compared
            seen.append(type(error).__name__)
    return seen


def test_weights_with_a_none_dimension_raise_value_error():
    """A weight shape with None (add_weight, or an EinsumDense bias over an axis output_shape leaves None) is a
    ValueError in Keras; nn.keras failed with int()'s TypeError."""
    K, ours = fresh_sessions()
    assert _none_weight_errors(ours) == _none_weight_errors(K) == ["ValueError", "ValueError"]


def _finite_generator_fit(K):
    import warnings
    x = np.arange(12, dtype="float32").reshape(6, 2) / 10
    seen = []

    def finite(n):
        for k in range(n):
            seen.append(k)
            yield x[k:k + 1], x[k:k + 1, :1]

    out = []
    for n, steps, epochs in ((3, None, 3), (5, 3, 3), (4, 2, 3)):
        model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        seen.clear()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            history = model.fit(finite(n), steps_per_epoch=steps, epochs=epochs, verbose=0)
        out.append((history.epoch, len(history.history.get("loss", [])), int(model.optimizer.iterations),
                    list(seen), sum("ran out of data" in str(w.message) for w in caught)))
    return out


def test_finite_generator_replays_its_peeked_batches_each_new_pass():
    """Keras takes a generator's first two batches up front and yields them again at the start of every new pass,
    so fit(finite_generator, epochs=3) goes on training (warning that the input ran out) and an epoch that finds
    the generator used up logs nothing; nn.keras raised 'the training data yielded no batches' at the second
    epoch."""
    K, ours = fresh_sessions()
    assert _finite_generator_fit(ours) == _finite_generator_fit(K)


def _validation_generator_reads(K):
    import warnings
    x = np.arange(12, dtype="float32").reshape(6, 2) / 10
    events = []

    def finite(n):
        for k in range(n):
            events.append(("yield", k))
            yield x[k:k + 1], x[k:k + 1, :1]

    class Log(K.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            events.append(("epoch", epoch))

        def on_test_batch_end(self, batch, logs=None):
            events.append(("val", batch))

    out = []
    for steps in (None, 2):
        model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        events.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(x, x[:, :1], batch_size=3, epochs=3, verbose=0, validation_data=finite(3),
                      validation_steps=steps, callbacks=[Log()])
        out.append(list(events))
    return out


def test_validation_generator_starts_a_new_pass_at_each_evaluation():
    """Keras peeks a validation generator when it first validates and resets its iterator before every
    evaluation (the peeked batches again, then whatever the generator has left); nn.keras peeked before training
    and, with validation_steps, went on from where the last evaluation stopped."""
    K, ours = fresh_sessions()
    assert _validation_generator_reads(ours) == _validation_generator_reads(K)


def _spatial_dropout_configs(K):
    layers = (K.layers.SpatialDropout1D(0.2, seed=1), K.layers.SpatialDropout2D(0.3),
              K.layers.SpatialDropout3D(0.1, data_format="channels_first", dtype="mixed_float16"))
    return [(layer.get_config(), type(layer).from_config(layer.get_config()).get_config()) for layer in layers]


def test_spatial_dropout_config_is_keras_short_one():
    """Keras's SpatialDropout1D/2D/3D give their own short config (rate, seed, name, the dtype as a string, then
    data_format) without 'trainable' or a dtype policy; nn.keras gave the base layer's full config."""
    K, ours = fresh_sessions()
    assert _spatial_dropout_configs(ours) == _spatial_dropout_configs(K)


def _csv_text(K, folder):
    class Extra(K.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["pair"] = [epoch, epoch + 1]   # a list value among the logs (callbacks run in order)

    model = K.Sequential([K.Input((2,)), K.layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    path = folder / f"{K.__name__}.csv"
    model.fit(x, y, epochs=2, verbose=0, validation_data=(x, y), validation_freq=2,
              callbacks=[Extra(), K.callbacks.CSVLogger(str(path), separator=";")])
    return [row.split(";")[:1] + [c[:6] for c in row.split(";")[1:]] for row in path.read_text().splitlines()]


def test_csv_logger_adds_val_columns_and_writes_lists_as_keras(tmp_path):
    """Keras's CSVLogger gives a run whose first epoch logs no 'val_' names a 'val_' column for each (NA until
    a validation fills it) and writes a list value as "[a, b]"; nn.keras wrote the first epoch's names only (and
    dropped the later validation logs) and lists as Python's repr."""
    K, ours = fresh_sessions()
    assert _csv_text(ours, tmp_path) == _csv_text(K, tmp_path)
