"""A Keras program, written for Keras 3: dtype policies as the mixed-precision guide shows them — DTypePolicy
objects (name, compute_dtype, variable_dtype), a model whose layers take dtype="float64", "mixed_float16" and
"mixed_bfloat16" policies (the dtypes of weights and outputs, the float32 softmax head), keras.ops dtype promotion
(result_type, cast, integer and bool inputs), a float64 regression model trained to float64 precision and compared
with a float32 one, and a LossScaleOptimizer's scale and config. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def dtype(t):
    return keras.backend.standardize_dtype(t.dtype)


def main():
    for name in ("float32", "float64", "mixed_float16", "mixed_bfloat16", "bfloat16"):
        policy = keras.dtype_policies.DTypePolicy(name)
        print("policy", policy.name, policy.compute_dtype, policy.variable_dtype)
    print("global", keras.config.dtype_policy().name, keras.config.floatx())

    x = np.linspace(-1, 1, 12, dtype="float32").reshape(3, 4)
    for policy in ("float64", "mixed_float16", "mixed_bfloat16", "float16"):
        layer = layers.Dense(2, dtype=policy)
        out = layer(x)
        print("dense", policy, layer.dtype_policy.name, layer.compute_dtype, layer.variable_dtype, dtype(layer.kernel),
              dtype(out))
    head = layers.Activation("softmax", dtype="float32")
    print("head", dtype(head(ops.cast(x, "float16"))))
    norm = layers.LayerNormalization(dtype="mixed_float16")
    print("layernorm", dtype(norm(x)), dtype(norm.gamma))

    for a, b in (("int32", "float32"), ("int64", "float16"), ("bool", "int8"), ("uint8", "int8"),
                 ("float16", "bfloat16"), ("int32", "float64")):
        print("result_type", a, b, keras.backend.result_type(a, b))
    print("python scalars", dtype(ops.add(np.ones(2, "int32"), 1.5)), dtype(ops.multiply(np.ones(2, "float16"), 2)))
    print("cast", dtype(ops.cast(x, "int32")), ops.convert_to_numpy(ops.cast(x * 2.6, "int32")).ravel()[:4].tolist())

    rng = np.random.default_rng(47)
    data = rng.standard_normal((64, 3))
    target = (data @ np.array([[1.5], [-2.0], [0.25]]) + 0.1).astype("float64")
    results = {}
    for precision in ("float64", "float32"):
        model = keras.Sequential([keras.Input((3,), dtype=precision), layers.Dense(1, dtype=precision)])
        model.set_weights([np.zeros((3, 1), precision), np.zeros((1,), precision)])
        model.compile(optimizer=keras.optimizers.SGD(0.2), loss="mse")
        history = model.fit(data.astype(precision), target.astype(precision), epochs=25, batch_size=64, verbose=0)
        results[precision] = history.history["loss"][-1]
        kernel = model.layers[0].kernel
        print(precision, dtype(kernel), np.round(ops.convert_to_numpy(kernel).ravel().astype("float64"), 6).tolist(),
              dtype(model(data[:2].astype(precision))))
    print("final losses", [f"{results[p]:.3e}" for p in ("float64", "float32")])

    scaled = keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(0.01), initial_scale=1024.0,
                                                 dynamic_growth_steps=3)
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(1)])
    init = np.random.default_rng(3)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=scaled, loss="mse")
    history = model.fit(data.astype("float32"), target.astype("float32"), epochs=3, batch_size=16, shuffle=False,
                        verbose=0)
    print("scaled", np.round(history.history["loss"], 5).tolist(), float(ops.convert_to_numpy(scaled.dynamic_scale)))
    config = scaled.get_config()
    print("scale config", {k: config[k] for k in ("initial_scale", "dynamic_growth_steps")},
          config["inner_optimizer"]["class_name"])
