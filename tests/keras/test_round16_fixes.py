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
