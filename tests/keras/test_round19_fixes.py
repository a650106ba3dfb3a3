"""Regression tests for the bugs found by the nineteenth round of ported Keras programs
(tests/keras/test_keras_programs_round19.py), each compared with real Keras 3 (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def _stacked_state_outputs(K):
    layers = K.layers
    seq = K.Input((6, 3))
    out = layers.RNN([layers.SimpleRNNCell(3), layers.GRUCell(2), layers.LSTMCell(2)], return_sequences=True,
                     return_state=True)(seq)
    symbolic = K.tree.map_structure(lambda t: tuple(t.shape), out)
    model = K.Model(seq, [out[0], layers.Dense(1)(out[1]), out[2], out[3]])
    predicted = model.predict(np.ones((2, 6, 3), "float32"), verbose=0)
    return symbolic, K.tree.map_structure(lambda t: tuple(t.shape), predicted)


def test_stacked_cells_return_one_symbolic_tensor_per_int_state_size():
    """RNN over [SimpleRNNCell, GRUCell, LSTMCell] with return_state gives, on a keras.Input, each int-sized cell
    state as one KerasTensor (Keras's compute_output_shape); nn.keras gave a one-item list, so Dense(state) failed."""
    K, ours = fresh_sessions()
    assert _stacked_state_outputs(ours) == _stacked_state_outputs(K)


def _overriding_compute_loss_evaluated(K, outputs):
    class Halved(K.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return 0.5 * super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)

    inputs = K.Input((3,))
    heads = [K.layers.Dense(1, kernel_initializer="ones", name="a"), K.layers.Dense(2, kernel_initializer="ones",
                                                                                   name="b")][:outputs]
    model = Halved(inputs, [head(inputs) for head in heads] if outputs > 1 else heads[0](inputs))
    metrics = [["mse", K.metrics.RootMeanSquaredError(name="rmse"), "mae"], ["mse"]][:outputs]
    model.compile("sgd", loss=["mse", "mae"][:outputs], metrics=metrics if outputs > 1 else metrics[0])
    x = np.arange(12, dtype="float32").reshape(4, 3) / 7
    y = [np.linspace(0, 1, 4).reshape(4, 1), np.linspace(-1, 2, 8).reshape(4, 2)][:outputs]
    y = y if outputs > 1 else y[0]
    first = model.evaluate(x, y, verbose=0)
    again = model.evaluate(x, y, verbose=0)   # the second evaluate resets every metric of model.metrics
    model.reset_metrics()
    return np.round(first, 5).tolist(), np.round(again, 5).tolist(), model.metrics_names, len(model.metrics_variables)


def test_a_model_overriding_compute_loss_lists_evaluate_in_keras_order_and_resets_its_output_losses():
    """With compute_loss overridden (custom steps), evaluate's list was sorted by name instead of Keras's order
    (compile's metrics in order, per-output losses before prefixed metrics); and with two outputs model.metrics held
    plain running means for the per-output losses, so a second evaluate (reset_metrics) raised AttributeError."""
    K, ours = fresh_sessions()
    for outputs in (1, 2):
        assert _overriding_compute_loss_evaluated(ours, outputs) == _overriding_compute_loss_evaluated(K, outputs)


def _antialiased_enlargements(K):
    photo = np.sin(np.arange(2 * 6 * 5 * 3, dtype="float32") / 7.0).reshape(2, 6, 5, 3)
    outs = [K.ops.image.resize(photo, size, interpolation="bicubic", antialias=True) for size in [(9, 8), (4, 8)]]
    outs.append(K.layers.Resizing(10, 7, interpolation="bicubic", antialias=True)(photo))
    return [K.ops.convert_to_numpy(o) for o in outs]


def test_antialiased_bicubic_resize_enlarging_uses_the_antialiased_kernel():
    """Keras's torch backend passes antialias=True to interpolate when enlarging as well, where the antialiased
    bicubic kernel (a = -0.5) is not the plain one (a = -0.75); nn.keras used the plain kernel unless some axis
    shrank (0.05 apart on a smooth image)."""
    K, ours = fresh_sessions()
    for mine, theirs in zip(_antialiased_enlargements(ours), _antialiased_enlargements(K)):
        np.testing.assert_allclose(mine, theirs, atol=2e-6)


def _float64_histogram(K):
    data = np.array([0.1, 1.0 / 3.0, 0.5, 2.0, -1.0, 3.5], "float64")
    found = []
    for values, bins, span in [(data, 3, (0.0, 2.0)), (data, 7, None), (data.astype("float32"), 7, None),
                               (np.array([2.0, 2.0], "float32"), 3, None)]:
        counts, edges = (K.ops.convert_to_numpy(t) for t in K.ops.histogram(values, bins=bins, range=span))
        found.append((counts.dtype.name, edges.dtype.name, counts.tolist(), edges.tolist()))
    return found


def test_histogram_of_float64_data_keeps_float64_counts_and_pytorchs_edges():
    """keras.ops.histogram on float64 data gives float64 counts and edges on Keras's torch backend; nn.keras cast the
    data and both results to float32 (and took NumPy's edges, which differ from PyTorch's in the last bit)."""
    K, ours = fresh_sessions()
    assert _float64_histogram(ours) == _float64_histogram(K)
