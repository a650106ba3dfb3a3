"""Run by tests/nn/test_distributed.py as `mpiexec -n 2 python -m mpi4py keras_fit.py`.

A Keras program (`from nn import keras`) with one `nn.distributed.init()` added: fit of a two-output model
with batch 8 per process must give rank 0's one-process fit with batch 16 (the same global batches: each
rank takes every second example), the same history (loss, per-output losses, accuracy, precision over every
rank's batches), weights and evaluate results.
"""
import numpy as np

from nn import distributed as dist
from nn import keras
from nn.keras import layers

dist.init()
rng = np.random.default_rng(3)
x = rng.standard_normal((64, 6)).astype(np.float32)
y_class = rng.integers(0, 3, 64)
y_flag = (rng.random(64) > 0.5).astype(np.float32)


def build():
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(6,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    model = keras.Model(inputs, [layers.Dense(3, activation="softmax", name="cls")(hidden),
                                 layers.Dense(1, activation="sigmoid", name="flag")(hidden)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss=["sparse_categorical_crossentropy", "binary_crossentropy"],
                  metrics=[["accuracy"], [keras.metrics.Precision(name="precision")]])
    return model


def train(batch_size):
    model = build()
    history = model.fit(x, [y_class, y_flag], epochs=2, batch_size=batch_size, shuffle=False, verbose=0)
    results = model.evaluate(x, [y_class, y_flag], verbose=0, return_dict=True)
    return history.history, results, model.get_weights()


history, results, weights = train(8)
first = dist.get_rank() == 0
dist.destroy_process_group()   # from here on each process is alone: fit runs locally
alone_history, alone_results, alone_weights = train(16)
assert set(history) == set(alone_history) and len(history) == 5, (history, alone_history)
for name in history:
    np.testing.assert_allclose(history[name], alone_history[name], rtol=1e-5, err_msg=name)
for name in results:
    np.testing.assert_allclose(results[name], alone_results[name], rtol=1e-5, err_msg=name)
for a, b in zip(weights, alone_weights):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
if first:
    print("OK keras fit", flush=True)
