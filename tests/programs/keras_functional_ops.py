"""A Keras program, written for Keras 3, that builds a functional "wide and deep" model using keras.ops
directly on symbolic tensors (ops.relu, ops.concatenate, ops.mean with a mask, arithmetic and slicing
operators), trains it with a Huber loss and an R2Score metric, saves and reloads the weights (.weights.h5),
and predicts with a batch size that leaves a partial final batch. The weights start from the same NumPy
arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def build():
    dense_in = keras.Input(shape=(5,), name="dense_features")
    ids_in = keras.Input(shape=(6,), dtype="int32", name="item_ids")
    deep = layers.Dense(8, name="deep_1")(dense_in)
    deep = ops.relu(deep) * 0.5 + ops.tanh(deep) * 0.5
    present = ops.cast(ops.greater(ids_in, 0), "float32")
    items = layers.Embedding(12, 4, name="items")(ids_in)
    pooled = ops.sum(items * ops.expand_dims(present, -1), axis=1) / ops.maximum(
        ops.sum(present, axis=1, keepdims=True), 1.0)
    wide = dense_in[:, :2] - ops.mean(dense_in, axis=-1, keepdims=True)
    joined = ops.concatenate([deep, pooled, wide], axis=-1)
    output = layers.Dense(1, name="price")(joined)
    return keras.Model({"dense_features": dense_in, "item_ids": ids_in}, output, name="wide_deep")


def main():
    rng = np.random.default_rng(17)
    n = 70
    features = rng.standard_normal((n, 5)).astype("float32")
    ids = rng.integers(0, 12, size=(n, 6)).astype("int32")
    ids[:, 4:] = 0
    price = (features[:, :1] * 1.5 + (ids[:, :1] % 3) - 0.5 * features[:, 2:3]).astype("float32")
    data = {"dense_features": features, "item_ids": ids}

    model = build()
    init = np.random.default_rng(9)
    for w in model.weights:
        w.assign(init.uniform(-0.4, 0.4, size=tuple(w.shape)).astype("float32"))
    print([layer.name for layer in model.layers])
    print([(w.path, tuple(w.shape)) for w in model.weights], model.count_params())
    print(model.output.shape, [tuple(t.shape) for t in model.inputs])

    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=keras.losses.Huber(delta=1.0),
                  metrics=[keras.metrics.R2Score(name="r2"), "mae"])
    history = model.fit(data, price, epochs=4, batch_size=16, shuffle=False, verbose=0, validation_split=0.2)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    predictions = model.predict(data, batch_size=32, verbose=0)
    print(predictions.shape, np.round(predictions[-3:].ravel(), 5).tolist())

    model.save_weights("wide_deep.weights.h5")
    again = build()
    again.load_weights("wide_deep.weights.h5")
    print("reloaded", np.allclose(again.predict(data, verbose=0), predictions, atol=1e-6))
    again.compile(loss="mse", metrics=["mae"])
    print(["%.5f" % v for v in again.evaluate(data, price, batch_size=25, verbose=0)])


if __name__ == "__main__":
    main()
