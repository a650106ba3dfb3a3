"""A Keras program, written for Keras 3: a small classifier fitted under the mixed_bfloat16 and mixed_float16
dtype policies set globally (keras.mixed_precision.set_global_policy) and per layer (dtype="mixed_float16",
a float32 output layer as Keras's guide advises): the policies' names and compute/variable dtypes, each layer's
dtype_policy, variable and output dtypes, the LossScaleOptimizer that compile wraps around the optimizer under
mixed_float16 (its dynamic scale before and after fit), the losses and metrics of a few epochs, evaluate and
predict, and a .keras round trip that keeps the policies. Numbers agree to what half precision carries.
Weights are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, mixed_precision, ops


def build(init, policy=None):
    dtype = policy
    model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu", dtype=dtype, name="h1"),
                              layers.Dense(8, activation="gelu", dtype=dtype, name="h2"),
                              layers.Dense(3, dtype=dtype, name="logits"),
                              layers.Activation("softmax", dtype="float32", name="probs")], name="mp")
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    return model


def describe(model, x):
    for layer in model.layers:
        print(" ", layer.name, layer.dtype_policy.name, layer.compute_dtype, layer.variable_dtype,
              [str(w.dtype) for w in layer.weights])
    out = model(x[:2])
    print("  output dtype", str(ops.convert_to_numpy(out).dtype), str(out.dtype).replace("torch.", ""))


def run(name, model, x, y, optimizer):
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    print(name, "optimizer", type(model.optimizer).__name__)
    if hasattr(model.optimizer, "dynamic_scale"):
        print("  initial scale", float(ops.convert_to_numpy(model.optimizer.dynamic_scale)))
    history = model.fit(x[:64], y[:64], batch_size=16, epochs=3, verbose=0, shuffle=False,
                        validation_data=(x[64:], y[64:]))
    for key in sorted(history.history):
        print(" ", key, [round(v, 4) for v in history.history[key]])
    if hasattr(model.optimizer, "dynamic_scale"):
        print("  scale after fit", float(ops.convert_to_numpy(model.optimizer.dynamic_scale)),
              "iterations", int(ops.convert_to_numpy(model.optimizer.iterations)))
    loss, accuracy = model.evaluate(x, y, verbose=0)
    print("  evaluate", round(loss, 4), round(accuracy, 4))
    pred = model.predict(x[:3], verbose=0)
    print("  predict", str(pred.dtype), np.round(pred, 2).tolist())
    return pred


def main():
    rng = np.random.default_rng(624)
    x = rng.normal(size=(80, 6)).astype("float32")
    y = (np.argmax(x[:, :3] + 0.5 * x[:, 3:], axis=1)).astype("int32")

    for policy_name in ("mixed_bfloat16", "mixed_float16", "float32"):
        policy = mixed_precision.DTypePolicy(policy_name)
        print("policy", policy.name, policy.compute_dtype, policy.variable_dtype)

    mixed_precision.set_global_policy("mixed_bfloat16")
    print("global", mixed_precision.global_policy().name)
    model = build(np.random.default_rng(2))
    describe(model, x)
    run("bfloat16", model, x, y, keras.optimizers.Adam(0.02))

    mixed_precision.set_global_policy("float32")
    print("global", mixed_precision.global_policy().name)
    model = build(np.random.default_rng(2), policy="mixed_float16")
    describe(model, x)
    pred = run("float16", model, x, y, keras.optimizers.SGD(0.1, momentum=0.5))
    model.save("mp.keras")
    again = keras.models.load_model("mp.keras")
    print("reloaded policies", [layer.dtype_policy.name for layer in again.layers],
          type(again.optimizer).__name__)
    print("reloaded agrees", bool(np.allclose(again.predict(x[:3], verbose=0), pred, atol=1e-3)))

    wrapped = mixed_precision.LossScaleOptimizer(keras.optimizers.Adam(0.01), initial_scale=1024.0,
                                                 dynamic_growth_steps=2)
    model = build(np.random.default_rng(2), policy="mixed_float16")
    run("explicit loss scale", model, x, y, wrapped)
    print("inner", type(wrapped.inner_optimizer).__name__, "growth steps", wrapped.dynamic_growth_steps)


if __name__ == "__main__":
    main()
