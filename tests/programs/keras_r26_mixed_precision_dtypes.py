"""A Keras program, written for Keras 3: mixed precision. Under `mixed_bfloat16` and `mixed_float16` global
policies, and per-layer `dtype=` policies, it prints each layer's `dtype_policy`, `compute_dtype` and
`variable_dtype`, the dtypes of weights, outputs, `predict` and losses; a `LossScaleOptimizer` (dynamic, with
`initial_scale` and `dynamic_growth_steps`) trains a float16 model by `fit`, skipping an overflowing step by hand
through `apply`; a float32 output layer in a mixed model; and `keras.mixed_precision` helpers."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=3):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def dtype_name(value):
    return str(ops.convert_to_numpy(ops.cast(value, "float32")).dtype) if False else keras.backend.standardize_dtype(
        value.dtype)


def describe(model):
    for layer in model.layers:
        print(" ", layer.name, layer.dtype_policy.name, layer.compute_dtype, layer.variable_dtype,
              [dtype_name(w) for w in layer.weights])


def main():
    rng = np.random.default_rng(2605)
    x = rng.normal(size=(48, 6)).astype("float32")
    y = (x[:, :3].sum(axis=1) > 0).astype("int32")

    for policy in ("mixed_bfloat16", "mixed_float16"):
        keras.mixed_precision.set_dtype_policy(policy)
        print(policy, "global", keras.mixed_precision.dtype_policy().name, keras.config.dtype_policy().name)
        inputs = keras.Input((6,))
        hidden = layers.Dense(8, activation="relu", name="hidden")(inputs)
        normed = layers.LayerNormalization(name="norm")(hidden)
        batch = layers.BatchNormalization(name="batch")(normed)
        logits = layers.Dense(2, name="logits")(batch)
        outputs = layers.Activation("softmax", dtype="float32", name="probs")(logits)
        model = keras.Model(inputs, outputs)
        init = np.random.default_rng(1)
        model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") if i % 4 < 2 or w.ndim > 1 else
                           np.abs(init.uniform(0.5, 1.5, w.shape)).astype("float32")
                           for i, w in enumerate(model.get_weights())])
        describe(model)
        print(policy, "symbolic dtypes", hidden.dtype, logits.dtype, outputs.dtype)
        eager = model(x[:2])
        print(policy, "eager output", dtype_name(eager), r(eager))
        print(policy, "hidden output", dtype_name(model.get_layer("hidden")(x[:1])))
        optimizer = keras.optimizers.Adam(0.01)
        if policy == "mixed_float16":
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer, initial_scale=1024.0,
                                                            dynamic_growth_steps=3)
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, batch_size=12, epochs=3, verbose=0, shuffle=False)
        for key in sorted(history.history):
            print(policy, key, r(history.history[key], 6))
        predicted = model.predict(x[:3], verbose=0)
        print(policy, "predict", predicted.dtype, r(predicted, 2))
        print(policy, "evaluate", r(model.evaluate(x, y, verbose=0), 3))
        print(policy, "optimizer", type(model.optimizer).__name__, dtype_name(model.optimizer.iterations),
              int(model.optimizer.iterations.numpy()))
        if policy == "mixed_float16":
            print(policy, "loss scale", float(ops.convert_to_numpy(model.optimizer.dynamic_scale)),
                  "growth steps", model.optimizer.dynamic_growth_steps)
        keras.mixed_precision.set_dtype_policy("float32")

    dense = layers.Dense(3, dtype="mixed_float16", name="solo")
    out = dense(x[:2])
    print("per-layer policy", dense.dtype_policy.name, dense.compute_dtype, dtype_name(dense.kernel), dtype_name(out))
    policy = keras.mixed_precision.DTypePolicy("mixed_bfloat16")
    print("policy object", policy.name, policy.compute_dtype, policy.variable_dtype)
    weights = [ops.convert_to_tensor(np.array([[1.0, -2.0], [0.5, 3.0]], "float32"))]
    scaled = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=8.0,
                                                 dynamic_growth_steps=2)
    variables = [keras.Variable(np.zeros((2, 2), "float32"), name="w")]
    scaled.build(variables)
    for step, grad in enumerate([weights[0] * 8.0, ops.full((2, 2), np.inf), weights[0] * 8.0, weights[0] * 8.0]):
        scaled.apply([grad], variables)
        print("scale step", step, float(ops.convert_to_numpy(scaled.dynamic_scale)), r(variables[0], 4),
              int(scaled.iterations.numpy()))
    print("scale loss", float(ops.convert_to_numpy(scaled.scale_loss(ops.convert_to_tensor(0.5)))))


if __name__ == "__main__":
    main()
