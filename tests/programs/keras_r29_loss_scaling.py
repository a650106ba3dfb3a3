"""A Keras program, written for Keras 3: mixed precision under `mixed_float16` — layer and variable dtypes,
the dtype policy of each layer and of a float32 head, a `LossScaleOptimizer` with a small initial scale and a
short `dynamic_growth_steps` (the scale grows every few steps), a huge initial scale whose overflowing steps
are skipped and halve it, `scale_loss` and the optimizer's config, `predict` dtypes, and the model saved and reloaded with its
policies; `keras.config.set_dtype_policy` is restored at the end."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    keras.config.set_dtype_policy("mixed_float16")
    try:
        rng = np.random.default_rng(2932)
        x = rng.normal(size=(32, 6)).astype("float32")
        y = (x[:, :2].sum(axis=1, keepdims=True) > 0).astype("float32")
        keras.utils.set_random_seed(2932)
        model = keras.Sequential([keras.Input((6,)), layers.Dense(8, activation="relu", name="hidden"),
                                  layers.LayerNormalization(name="norm"),
                                  layers.Dense(1, name="logit"),
                                  layers.Activation("sigmoid", dtype="float32", name="prob")], name="mixed")
        print("policies", [(l.name, l.dtype_policy.name, l.compute_dtype, l.variable_dtype) for l in model.layers])
        print("variables", sorted({str(w.dtype) for w in model.weights}))
        optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=8.0,
                                                        dynamic_growth_steps=3)
        model.compile(optimizer, "binary_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False)
        print("losses", [round(v, 3) for v in history.history["loss"]])
        print("scale", r(optimizer.dynamic_scale), optimizer.iterations.numpy().item(),
              r(optimizer.step_counter))
        print("scale_loss", r(optimizer.scale_loss(ops.convert_to_tensor(0.5))))
        config = optimizer.get_config()
        print("config", config["initial_scale"], config["dynamic_growth_steps"], config["inner_optimizer"]["class_name"])

        overflowing = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=2.0 ** 30)
        model.compile(overflowing, "binary_crossentropy")
        for step in range(3):
            before = [ops.convert_to_numpy(w).copy() for w in model.trainable_weights]
            loss = model.train_on_batch(x[:4], y[:4])
            after = [ops.convert_to_numpy(w) for w in model.trainable_weights]
            print("overflow step", step, r(np.ravel(loss)[0], 3), r(overflowing.dynamic_scale),
                  all(np.array_equal(a, b) for a, b in zip(before, after)), overflowing.iterations.numpy().item())

        out = model.predict(x[:3], verbose=0)
        hidden = model.get_layer("hidden")(ops.convert_to_tensor(x[:3]))
        print("predict", out.dtype, r(out[:, 0], 3), keras.backend.standardize_dtype(hidden.dtype))
        model.save("mixed.keras")
        again = keras.models.load_model("mixed.keras")
        print("reloaded", [l.dtype_policy.name for l in again.layers],
              r(np.abs(again.predict(x[:3], verbose=0) - out).max(), 3),
              type(again.optimizer).__name__, r(again.optimizer.dynamic_scale))
    finally:
        keras.config.set_dtype_policy("float32")
    print("restored", keras.config.dtype_policy().name, layers.Dense(2).dtype_policy.name)


if __name__ == "__main__":
    main()
