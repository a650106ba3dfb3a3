"""A Keras program, written for Keras 3: a functional model with two inputs, one tower model shared by both
(a nested keras.Model), a shared Dense layer called three times, Subtract / Multiply / Concatenate merges and
two named outputs; prints model.summary() in its plain, expand_nested=True, show_trainable=True (with a frozen
layer) and layer_range forms, the layers' inbound counts through get_layer, count_params per layer, and trains
it with loss and metric dicts to show the History keys. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


def main():
    tower_in = keras.Input((6,), name="tower_in")
    t = layers.Dense(8, activation="relu", name="tower_dense")(tower_in)
    t = layers.LayerNormalization(name="tower_norm")(t)
    tower = keras.Model(tower_in, t, name="tower")

    left = keras.Input((6,), name="left")
    right = keras.Input((6,), name="right")
    a, b = tower(left), tower(right)
    shared = layers.Dense(4, name="shared")
    sa, sb = shared(a), shared(b)
    diff = layers.Subtract(name="diff")([sa, sb])
    prod = layers.Multiply(name="prod")([sa, sb])
    merged = layers.Concatenate(name="merged")([diff, prod, shared(layers.Add(name="sum")([a, b]))])
    same = layers.Dense(1, activation="sigmoid", name="same")(merged)
    gap = layers.Dense(1, name="gap")(merged)
    model = keras.Model({"left": left, "right": right}, {"same": same, "gap": gap}, name="siamese")
    init = np.random.default_rng(8)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])

    model.summary()
    model.get_layer("tower").get_layer("tower_norm").trainable = False
    model.summary(expand_nested=True, show_trainable=True)
    model.summary(layer_range=["shared", "merged"])
    print("params", [(layer.name, layer.count_params()) for layer in model.layers])
    print("inputs", [t.name for t in model.inputs], "outputs", sorted(model.output_names)
          if hasattr(model, "output_names") else None)
    print("trainable", len(model.trainable_weights), "frozen", len(model.non_trainable_weights))

    rng = np.random.default_rng(4)
    xl = rng.standard_normal((48, 6)).astype("float32")
    xr = (xl + rng.standard_normal((48, 6)) * np.linspace(0.1, 2.0, 48)[:, None]).astype("float32")
    targets = {"same": (np.arange(48) < 24).astype("float32")[:, None],
               "gap": np.abs(xl - xr).sum(axis=1, keepdims=True).astype("float32")}
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss={"same": "binary_crossentropy", "gap": "mse"}, loss_weights={"same": 1.0, "gap": 0.1},
                  metrics={"same": ["accuracy"], "gap": [keras.metrics.MeanAbsoluteError(name="mae")]})
    history = model.fit({"left": xl, "right": xr}, targets, batch_size=16, epochs=3, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    out = model.predict({"left": xl[:2], "right": xr[:2]}, verbose=0)
    print("predict", sorted(out), r(out["same"][:, 0]), r(out["gap"][:, 0]))


if __name__ == "__main__":
    main()
