"""A Keras program, written for Keras 3: the mixed-precision guide's printouts — the global policy set to
"mixed_float16" and "mixed_bfloat16", each layer's dtype_policy / compute_dtype / variable_dtype, the dtypes of
weights and outputs through Dense, Conv1D, LayerNormalization, BatchNormalization, Embedding and a softmax head
kept in float32, the LossScaleOptimizer that compile wraps around the optimizer, a short fit, and the policy objects
themselves (name, repr, get_config, DTypePolicy from a string). Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=3):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def build():
    tokens = keras.Input((12,), dtype="int32", name="tokens")
    x = layers.Embedding(50, 8, name="embed")(tokens)
    x = layers.Conv1D(8, 3, padding="same", activation="relu", name="conv")(x)
    x = layers.LayerNormalization(name="ln")(x)
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    x = layers.Dense(6, name="logits")(x)
    out = layers.Activation("softmax", dtype="float32", name="probs")(x)
    return keras.Model(tokens, out)


def describe(model, x):
    for layer in model.layers[1:]:
        first = layer.weights[0].dtype if layer.weights else None
        print(f"  {layer.name:7s} policy={layer.dtype_policy.name} compute={layer.compute_dtype} "
              f"variable={layer.variable_dtype} weights={len(layer.weights)} first={first}")
    probe = keras.Model(model.input, [layer.output for layer in model.layers[1:]])
    outputs = probe(x)
    print("  output dtypes", [ops.dtype(o) for o in outputs])


def main():
    keras.utils.set_random_seed(4)
    rng = np.random.default_rng(4)
    x = rng.integers(0, 50, (48, 12)).astype("int32")
    y = (x[:, 0] % 6).astype("int32")

    for policy in ("mixed_float16", "mixed_bfloat16"):
        keras.mixed_precision.set_global_policy(policy)
        print("global policy", keras.mixed_precision.global_policy().name, keras.config.dtype_policy().name)
        model = build()
        describe(model, x[:4])
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        print("optimizer", type(model.optimizer).__name__, getattr(model.optimizer, "name", None))
        history = model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
        if isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer):
            print("  inner", type(model.optimizer.inner_optimizer).__name__, "initial scale",
                  model.optimizer.initial_scale, "scale now", float(model.optimizer.dynamic_scale))
        print("  finite losses", bool(np.all(np.isfinite(history.history["loss"]))),
              "iterations", int(model.optimizer.iterations))
        probs = model.predict(x[:3], verbose=0)
        print("  predict dtype", probs.dtype, "rows sum to one", r(probs.sum(axis=1), 2))

    keras.mixed_precision.set_global_policy("float32")
    policy = keras.mixed_precision.Policy("mixed_float16")
    print("policy", policy.name, policy.compute_dtype, policy.variable_dtype)
    print("repr", repr(policy))
    print("config", policy.get_config())
    same = keras.dtype_policies.DTypePolicy("bfloat16")
    print("bfloat16 policy", same.name, same.compute_dtype, same.variable_dtype)
    layer = layers.Dense(2, dtype="mixed_bfloat16")
    layer.build((None, 3))
    print("dense", layer.dtype, layer.compute_dtype, layer.kernel.dtype,
          ops.dtype(layer(np.ones((1, 3), "float32"))))
    wrapped = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=1024.0,
                                                  dynamic_growth_steps=2)
    print("loss scale", wrapped.initial_scale, wrapped.get_config()["dynamic_growth_steps"])
    print("scaled loss", r(wrapped.scale_loss(ops.convert_to_tensor(0.5))))
    print("back to", keras.mixed_precision.global_policy().name)


if __name__ == "__main__":
    main()
