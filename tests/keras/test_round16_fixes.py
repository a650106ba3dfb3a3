"""Regression tests for the bugs found by the sixteenth round of ported Keras programs
(tests/keras/test_keras_programs_round16.py), each compared with real Keras 3 (torch backend)."""
import warnings

import numpy as np
import pytest

from .oracle import fresh_sessions


def _build_warnings(K):
    class Block(K.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = K.layers.Dense(3)

        def call(self, x):
            return self.dense(x)

    seen = []
    x = np.ones((2, 4), "float32")
    for make in (Block, lambda: K.layers.Pipeline([K.layers.Dense(3)])):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            layer = make()
            layer(x)
        seen.append(sum("unbuilt state" in str(w.message) for w in caught))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            make().build((None, 4))
        seen.append(sum("unbuilt state" in str(w.message) for w in caught))
    return seen


def test_first_call_build_does_not_warn_about_unbuilt_state():
    """Keras warns about a layer without build() whose sub-layers are unbuilt only when build() is called
    explicitly; nn.keras also warned on the automatic build of every first call (a Pipeline, a custom block)."""
    K, ours = fresh_sessions()
    assert _build_warnings(ours) == _build_warnings(K)


def _old_batch_hooks(K):
    seen = []

    class Old(K.callbacks.Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch, sorted(logs)))

    model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = np.ones((4, 2), "float32"), np.ones((4, 1), "float32")
    model.fit(x, y, batch_size=2, epochs=1, verbose=0, callbacks=[Old()])
    model.evaluate(x, y, batch_size=2, verbose=0, callbacks=[Old()])
    model.predict(x, batch_size=2, verbose=0, callbacks=[Old()])
    return seen


def test_callback_on_batch_begin_and_end_run_for_training_batches():
    """Keras's Callback.on_train_batch_begin/end call the older on_batch_begin/end; nn.keras never called them,
    so a callback written with the old names did nothing in fit."""
    K, ours = fresh_sessions()
    assert _old_batch_hooks(ours) == _old_batch_hooks(K)


def _compile_attributes(K):
    model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
    seen = [model.loss, model.run_eagerly, model.jit_compile, model.steps_per_execution]
    model.compile(optimizer="sgd", loss="mse")
    seen += [model.loss, model.run_eagerly, model.jit_compile, model.steps_per_execution]
    model.compile(optimizer="sgd", loss=K.losses.Huber(), run_eagerly=True, steps_per_execution=3)
    seen += [type(model.loss).__name__, model.run_eagerly, model.jit_compile, model.steps_per_execution]
    model.run_eagerly = False
    seen.append(model.run_eagerly)
    return seen


def test_model_compile_attributes_as_keras():
    """model.loss (None before compile), run_eagerly, jit_compile ('auto' resolved to False on torch) and
    steps_per_execution read as in Keras; nn.keras had no such attributes but `loss` after compile."""
    K, ours = fresh_sessions()
    assert _compile_attributes(ours) == _compile_attributes(K)


def _layer_variable_api(K):
    class Scaled(K.layers.Layer):
        def build(self, input_shape):
            self.offset = self.add_variable((2,), initializer="ones", name="offset", trainable=False)
            self.kernel = self.add_variable((input_shape[-1], 2), "zeros")

        def call(self, x):
            return K.ops.matmul(x, self.kernel) + self.offset

    layer = Scaled()
    out = K.ops.convert_to_numpy(layer(np.ones((1, 3), "float32"))).tolist()
    return (out, [w.name for w in layer.weights], [w.trainable for w in layer.weights], layer.autocast,
            K.layers.Dense(2, autocast=False).autocast, K.initializers.stft is K.initializers.STFT)


def test_layer_add_variable_autocast_and_stft_alias():
    """Layer.add_variable (Keras's alias of add_weight with shape and initializer first), the Layer.autocast
    flag and keras.initializers.stft were missing from nn.keras (AttributeError)."""
    K, ours = fresh_sessions()
    assert _layer_variable_api(ours) == _layer_variable_api(K)


def _optimizer_state_arrays(K):
    def make():
        model = K.Sequential([K.Input((3,)), K.layers.Dense(2, kernel_initializer="ones")])
        model.compile(optimizer=K.optimizers.Adam(0.05), loss="mse")
        return model

    x, y = np.arange(12, dtype="float32").reshape(4, 3) / 10, np.ones((4, 2), "float32")
    trained = make()
    trained.fit(x, y, epochs=2, verbose=0)
    store = {}
    trained.optimizer.save_own_variables(store)
    seen = [sorted(store), [np.shape(store[k]) for k in sorted(store, key=int)]]
    fresh = make()
    with pytest.raises(ValueError, match="not yet been built"):
        fresh.optimizer.set_weights([])
    fresh.optimizer.build(fresh.trainable_variables)
    fresh.optimizer.load_own_variables(store)
    fresh.set_weights(trained.get_weights())
    trained.fit(x, y, epochs=1, verbose=0)
    fresh.fit(x, y, epochs=1, verbose=0)
    seen.append(np.allclose(trained.get_weights()[0], fresh.get_weights()[0], atol=1e-6))
    other = make()
    other.optimizer.build(other.trainable_variables)
    other.optimizer.set_weights([K.ops.convert_to_numpy(v) for v in trained.optimizer.variables])
    seen += [int(other.optimizer.iterations), np.round(K.ops.convert_to_numpy(other.optimizer.variables[3]), 6).tolist()]
    with pytest.raises(ValueError, match="not compatible"):
        other.optimizer.set_weights([np.zeros(5)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make().optimizer.load_own_variables(store)
    seen.append(["Skipping variable loading" in str(w.message) for w in caught])
    return seen


def test_optimizer_set_weights_and_own_variables_as_keras():
    """Optimizer.set_weights / save_own_variables / load_own_variables (Keras's way to carry optimizer state in
    arrays) were missing from nn.keras's optimizers."""
    K, ours = fresh_sessions()
    assert _optimizer_state_arrays(ours) == _optimizer_state_arrays(K)


def _early_stopping_attributes(K):
    stopper = K.callbacks.EarlyStopping(patience=1, restore_best_weights=True)
    seen = [stopper.wait, stopper.stopped_epoch, stopper.best_weights, stopper.best]
    model = K.Sequential([K.Input((2,)), K.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=K.optimizers.SGD(10.0), loss="mse")
    x, y = np.ones((8, 2), "float32"), np.arange(8, dtype="float32")[:, None]
    model.fit(x, y, epochs=6, validation_data=(x, y[::-1]), verbose=0, callbacks=[stopper])
    seen += [stopper.wait, stopper.stopped_epoch, type(stopper.best_weights).__name__,
             [np.shape(w) for w in stopper.best_weights], round(float(stopper.best), 2)]
    model.set_weights(stopper.best_weights)   # what users do with them
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        seen += [stopper.get_monitor_value({"val_loss": 3.0}), stopper.get_monitor_value({"loss": 1.0})]
    seen.append([str(w.message) for w in caught])
    return seen


def test_early_stopping_attributes_as_keras():
    """EarlyStopping's wait / stopped_epoch / best_weights exist from construction, best is None until watched,
    best_weights is model.get_weights()'s list and get_monitor_value reads the logs; nn.keras had a state_dict
    there, no attributes before fit and no get_monitor_value."""
    K, ours = fresh_sessions()
    assert _early_stopping_attributes(ours) == _early_stopping_attributes(K)


def _recurrent_attributes(K):
    lstm = K.layers.LSTM(3, dropout=0.1, recurrent_dropout=0.2, unroll=True, activation="relu",
                         kernel_regularizer="l2", recurrent_constraint="non_neg")
    gru = K.layers.GRU(4, reset_after=False)
    simple = K.layers.SimpleRNN(2)
    return [(lstm.units, lstm.dropout, lstm.recurrent_dropout, lstm.unroll, lstm.activation.__name__,
             lstm.recurrent_activation.__name__, type(lstm.kernel_initializer).__name__,
             type(lstm.recurrent_initializer).__name__, type(lstm.bias_initializer).__name__,
             type(lstm.kernel_regularizer).__name__, lstm.recurrent_regularizer,
             type(lstm.recurrent_constraint).__name__, lstm.state_size),
            (gru.reset_after, gru.state_size, gru.use_bias, gru.kernel_constraint, gru.unroll),
            (simple.activation.__name__, simple.state_size, hasattr(simple, "recurrent_activation")),
            [tuple(s.shape) for s in lstm.get_initial_state(5)], [tuple(s.shape) for s in gru.get_initial_state(2)]]


def test_recurrent_layers_read_their_cell_settings():
    """LSTM / GRU / SimpleRNN expose the cell's settings (activation, recurrent_activation, initializers,
    regularizers, constraints, recurrent_dropout, unroll, state_size) and get_initial_state, as Keras's layers
    do; nn.keras raised AttributeError for them."""
    K, ours = fresh_sessions()
    assert _recurrent_attributes(ours) == _recurrent_attributes(K)


def _loss_and_initializer_attributes(K):
    losses = [K.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
              K.losses.BinaryCrossentropy(), K.losses.SparseCategoricalCrossentropy(ignore_class=0),
              K.losses.BinaryFocalCrossentropy(gamma=3.0), K.losses.CategoricalFocalCrossentropy(alpha=0.5)]
    seen = []
    for loss in losses:
        keys = [k for k in loss.get_config() if k not in ("name", "reduction", "dtype")]
        seen.append([(k, getattr(loss, k)) for k in keys])
    seen.append([hasattr(loss, "delta") for loss in (K.losses.Huber(delta=2.0),)])
    init = K.initializers.RandomNormal(stddev=0.5, seed=3)
    clone = init.clone()
    seen += [type(clone).__name__, clone.get_config(), np.allclose(init((3, 2)), clone((3, 2))),
             K.initializers.Orthogonal.from_config({"gain": 2.0, "seed": 1}).get_config(),
             K.regularizers.L1L2.from_config({"l1": 0.1, "l2": 0.2}).get_config()]
    return seen


def test_loss_options_read_as_attributes_and_initializer_clone():
    """Keras's loss classes show their config's options as attributes (loss.from_logits, ...); initializers
    have clone() and from_config, regularizers from_config; nn.keras had none of them."""
    K, ours = fresh_sessions()
    assert _loss_and_initializer_attributes(ours) == _loss_and_initializer_attributes(K)


def _constrained_normalization_and_cells(K):
    K.utils.set_random_seed(2)
    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    bn = K.layers.BatchNormalization(gamma_constraint=K.constraints.MaxNorm(0.5, axis=0), beta_constraint="non_neg",
                                     beta_initializer=K.initializers.Constant(-1.0))
    gn = K.layers.GroupNormalization(groups=2, gamma_constraint=K.constraints.MinMaxNorm(0.1, 0.6, axis=0),
                                     beta_constraint="non_neg", beta_initializer=K.initializers.Constant(-1.0))
    cell = K.layers.LSTMCell(3, kernel_constraint=K.constraints.MaxNorm(0.3), recurrent_constraint="non_neg",
                             bias_constraint=K.constraints.NonNeg())
    seen = []
    for layer in (bn, gn):
        model = K.Sequential([K.Input((4,)), layer])
        model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
        model.fit(x, x * 3, batch_size=8, epochs=2, verbose=0, shuffle=False)
        seen.append([np.round(K.ops.convert_to_numpy(w), 4).tolist() for w in (layer.gamma, layer.beta)])
        seen.append([layer.get_config()[k] for k in ("gamma_constraint", "beta_constraint")])
    model = K.Sequential([K.Input((4, 2)), K.layers.RNN(cell), K.layers.Dense(1)])
    model.compile(optimizer=K.optimizers.SGD(0.5), loss="mse")
    seq = x.reshape(8, 4, 2)
    model.fit(seq, seq.sum(axis=(1, 2))[:, None], batch_size=4, epochs=2, verbose=0, shuffle=False)
    kernel = K.ops.convert_to_numpy(cell.kernel)
    seen += [round(float(np.sqrt((kernel ** 2).sum(0)).max()), 4),
             float(K.ops.convert_to_numpy(cell.recurrent_kernel).min()) >= 0,
             [cell.get_config()[k] for k in ("kernel_constraint", "recurrent_constraint", "bias_constraint")],
             type(K.layers.LSTMCell.from_config(cell.get_config()).recurrent_constraint).__name__,
             np.round(model.predict(seq[:2], verbose=0).ravel(), 4).tolist(),
             [type(bn.gamma_constraint).__name__, type(bn.beta_initializer).__name__, bn.synchronized,
              type(cell.kernel_initializer).__name__, cell.kernel_regularizer]]
    return seen


def test_weight_constraints_of_normalization_layers_and_cells_apply():
    """BatchNormalization accepted beta_constraint / gamma_constraint and silently ignored them (its weights
    left unconstrained after fit); GroupNormalization and the RNN cells refused constraints with a ValueError.
    All three now project their weights after each step, list the constraints in get_config, and expose their
    settings as attributes, as Keras."""
    K, ours = fresh_sessions()
    assert _constrained_normalization_and_cells(ours) == _constrained_normalization_and_cells(K)


def _metric_options(K):
    labels = np.array([0, 1, 2, 1])
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]], "float32")
    seen = [K.metrics.BinaryAccuracy(threshold=0.7).threshold, K.metrics.TopKCategoricalAccuracy(k=2).k,
            K.metrics.CategoricalCrossentropy(label_smoothing=0.1).label_smoothing]
    for ignore in (None, 1):
        for weights in (None, [1.0, 2.0, 3.0, 4.0]):
            metric = K.metrics.SparseCategoricalCrossentropy(ignore_class=ignore)
            metric.update_state(labels, probs, sample_weight=weights)
            seen.append((metric.ignore_class, round(float(K.ops.convert_to_numpy(metric.result())), 5)))
    seen.append(K.metrics.SparseCategoricalCrossentropy(ignore_class=2).get_config())
    stopper = K.callbacks.EarlyStopping("loss", 0.1, 3, 1, "max")   # Keras's positional order: verbose before mode
    seen.append((stopper.monitor, stopper.patience, stopper.verbose, stopper.mode))
    return seen


def test_metric_options_as_attributes_and_sparse_crossentropy_ignore_class():
    """Wrapped metrics show their options as attributes (threshold, k, ...); SparseCategoricalCrossentropy (the
    metric) had no ignore_class (TypeError from the loss function); with sample weights Keras drops the ignored
    examples' weights; and EarlyStopping took Keras's positional order wrongly (mode where verbose goes)."""
    K, ours = fresh_sessions()
    assert _metric_options(ours) == _metric_options(K)


def _conv_lstm_settings(K):
    layer = K.layers.ConvLSTM2D(3, (3, 2), strides=(1, 2), padding="same", activation="relu", kernel_regularizer="l2",
                                bias_constraint="non_neg", dropout=0.1, recurrent_dropout=0.2)
    small = K.layers.ConvLSTM1D(2, 3)
    return [layer.filters, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate,
            layer.activation.__name__, layer.recurrent_activation.__name__, layer.use_bias,
            type(layer.kernel_initializer).__name__, type(layer.kernel_regularizer).__name__,
            type(layer.bias_constraint).__name__, layer.dropout, layer.recurrent_dropout, layer.unit_forget_bias,
            small.kernel_size, small.strides, small.padding, small.kernel_constraint]


def test_conv_lstm_layers_read_their_cell_settings():
    """ConvLSTM1D/2D/3D expose filters, kernel_size, strides, padding and the cell's other settings, as Keras's
    layers read them through their cell; nn.keras raised AttributeError."""
    K, ours = fresh_sessions()
    assert _conv_lstm_settings(ours) == _conv_lstm_settings(K)


def _constrained_attention(K):
    K.utils.set_random_seed(1)
    query = K.Input((4, 6))
    attention = K.layers.MultiHeadAttention(2, 3, kernel_constraint=K.constraints.MaxNorm(0.2),
                                            bias_constraint="non_neg", name="mha")
    pooled = K.layers.GlobalAveragePooling1D()(attention(query, query))
    model = K.Model(query, K.layers.Dense(1)(pooled))
    model.compile(optimizer=K.optimizers.SGD(0.01), loss="mse")
    x = np.random.default_rng(0).normal(size=(8, 4, 6)).astype("float32")
    model.fit(x, x.sum(axis=(1, 2))[:, None], epochs=2, batch_size=4, verbose=0, shuffle=False)
    weights = [K.ops.convert_to_numpy(w) for w in attention.weights]
    return ([(round(float(w.min()), 4), round(float(np.abs(w).max()), 4)) for w in weights],
            [attention.get_config()[k] for k in ("kernel_constraint", "bias_constraint")])


def test_multi_head_attention_weight_constraints_apply():
    """MultiHeadAttention refused kernel_constraint / bias_constraint (ValueError); Keras passes them to its
    projections, which are projected after each step."""
    K, ours = fresh_sessions()
    assert _constrained_attention(ours) == _constrained_attention(K)


def _constrained_prelu(K):
    prelu = K.layers.PReLU(alpha_initializer=K.initializers.Constant(0.5),
                           alpha_constraint=K.constraints.MaxNorm(0.3, axis=0))
    model = K.Sequential([K.Input((3,)), prelu])
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    x = -np.abs(np.random.default_rng(0).normal(size=(8, 3))).astype("float32")
    model.fit(x, x * 2, epochs=2, batch_size=4, verbose=0, shuffle=False)
    return (np.round(K.ops.convert_to_numpy(prelu.alpha), 4).tolist(), prelu.get_config()["alpha_constraint"],
            type(K.layers.PReLU.from_config(prelu.get_config()).alpha_constraint).__name__)


def test_prelu_alpha_constraint_applies():
    """PReLU refused alpha_constraint (ValueError); Keras projects alpha after each step."""
    K, ours = fresh_sessions()
    assert _constrained_prelu(ours) == _constrained_prelu(K)
