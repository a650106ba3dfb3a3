"""A Keras program, written for Keras 3: a functional model whose graph is made of keras.ops calls on symbolic
inputs (ops.top_k, ops.one_hot, ops.where, ops.take, ops.take_along_axis, ops.cumsum, ops.logsumexp,
ops.einsum, ops.stack / unstack, ops.argsort, ops.clip, ops.expand_dims, ops.norm, ops.softmax, ops.erf,
ops.segment_max on fixed ids, ops.moveaxis, ops.tile), a sparse mixture-of-experts router (top-2 gating),
trained with fit; the model's layer list, output shapes, predictions and config round trip printed. The weights
start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

EXPERTS, UNITS = 4, 6


def build():
    inputs = keras.Input((8,), name="features")
    logits = layers.Dense(EXPERTS, name="router")(inputs)
    top_values, top_index = ops.top_k(logits, k=2)
    gates = ops.softmax(top_values, axis=-1)
    dispatch = ops.sum(ops.one_hot(top_index, EXPERTS) * ops.expand_dims(gates, -1), axis=1)
    experts = [layers.Dense(UNITS, activation="gelu", name=f"expert_{k}")(inputs) for k in range(EXPERTS)]
    stacked = ops.stack(experts, axis=1)
    mixed = ops.einsum("be,beu->bu", dispatch, stacked)
    scaled = ops.clip(mixed, -3.0, 3.0) / (ops.norm(mixed, axis=-1, keepdims=True) + 1.0)
    running = ops.cumsum(scaled, axis=-1)
    pooled = ops.logsumexp(running, axis=-1, keepdims=True)
    gated = ops.where(pooled > 0, scaled, ops.erf(scaled))
    order = ops.argsort(ops.take(gated, [0, 2, 4], axis=1), axis=-1)
    picked = ops.take_along_axis(gated, order, axis=-1)
    moved = ops.moveaxis(ops.tile(ops.expand_dims(picked, 1), (1, 2, 1)), 1, 2)
    summary = ops.reshape(moved, (-1, 6))
    ids = ops.convert_to_tensor(np.array([0, 0, 1, 1, 2, 2], "int32"))
    segment = ops.transpose(ops.segment_max(ops.transpose(summary), ids, num_segments=3))
    first, second = ops.unstack(ops.reshape(gated, (-1, 2, 3)), axis=1)
    features = layers.Concatenate()([gated, segment, first - second, dispatch])
    outputs = layers.Dense(1, name="out")(features)
    return keras.Model(inputs, outputs, name="moe")


def main():
    rng = np.random.default_rng(14)
    x = rng.standard_normal((64, 8)).astype("float32")
    y = (np.sin(x[:, :1]) + x[:, 1:2] * x[:, 2:3]).astype("float32")
    model = build()
    init = np.random.default_rng(9)
    model.set_weights([init.uniform(-0.6, 0.6, size=w.shape).astype("float32") for w in model.get_weights()])
    print("layers", len(model.layers), [type(l).__name__ for l in model.layers][:6])
    print("output", model.output.shape, [tuple(w.shape) for w in model.weights][:4])
    print("config", [entry["class_name"] for entry in model.get_config()["layers"]])
    print("predict", np.round(model.predict(x[:4], verbose=0).ravel(), 5).tolist())
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=4, batch_size=16, shuffle=False, verbose=0, validation_split=0.25)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("evaluate", ["%.5f" % v for v in model.evaluate(x, y, verbose=0)])
    router = keras.Model(model.input, model.get_layer("router").output)
    print("router", np.round(router.predict(x[:3], verbose=0), 5).tolist())
    print("trained", np.round(model.predict(x[:4], verbose=0).ravel(), 5).tolist())
    model.save("moe.keras")
    again = keras.models.load_model("moe.keras")
    print("reloaded", np.allclose(again.predict(x[:8], verbose=0), model.predict(x[:8], verbose=0), atol=1e-6))


if __name__ == "__main__":
    main()
