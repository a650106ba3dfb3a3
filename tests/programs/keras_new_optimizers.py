"""A Keras program, written for Keras 3: the newer optimizers on a small text-and-features classifier — Muon
(Newton-Schulz orthogonalized momentum for the 2-D kernels, AdamW for biases, normalization scales and the
Embedding, with exclude_layers, nesterov on and off, rms_rate, adam_lr_ratio) and ScheduleFreeAdamW (with and
without warmup_steps and weight_decay); the losses of each run, the optimizer variables, the step counts, configs
and get / from_config round trips, and the final weights. The weights start from the same NumPy arrays, so real
Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def build():
    ids = keras.Input((6,), dtype="int32", name="ids")
    numbers = keras.Input((3,), name="numbers")
    words = layers.GlobalAveragePooling1D()(layers.Embedding(20, 4, name="embedding")(ids))
    joined = layers.Concatenate()([words, numbers])
    hidden = layers.Dense(8, activation="relu", name="hidden")(joined)
    hidden = layers.LayerNormalization(name="norm")(hidden)
    head = layers.Dense(3, name="head")(hidden)
    return keras.Model([ids, numbers], head)


def run(optimizer, data, epochs=3):
    model = build()
    init = np.random.default_rng(12)
    model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    (ids, numbers), labels = data
    history = model.fit([ids, numbers], labels, epochs=epochs, batch_size=8, shuffle=False, verbose=0)
    return model, history.history


def main():
    rng = np.random.default_rng(44)
    ids = rng.integers(0, 20, (32, 6)).astype("int32")
    numbers = rng.standard_normal((32, 3)).astype("float32")
    labels = ((ids.sum(axis=1) + (numbers[:, 0] > 0) * 7) % 3).astype("int32")
    data = ((ids, numbers), labels)

    runs = {
        "muon": lambda: keras.optimizers.Muon(learning_rate=0.02),
        "muon plain": lambda: keras.optimizers.Muon(learning_rate=0.05, nesterov=False, momentum=0.9, rms_rate=None,
                                                    weight_decay=0.01, adam_weight_decay=None),
        "muon exclude": lambda: keras.optimizers.Muon(learning_rate=0.02, exclude_layers=["head"],
                                                      exclude_embeddings=False, adam_lr_ratio=0.5, ns_steps=3),
        "schedule free": lambda: keras.optimizers.ScheduleFreeAdamW(learning_rate=0.01),
        "schedule free warmup": lambda: keras.optimizers.ScheduleFreeAdamW(learning_rate=0.02, warmup_steps=5,
                                                                           weight_decay=0.01, beta_1=0.8),
    }
    for name, make in runs.items():
        model, history = run(make(), data)
        print(name, "loss", ["%.5f" % v for v in history["loss"]], "acc", ["%.5f" % v for v in history["accuracy"]])
        optimizer = model.optimizer
        print(name, "iterations", int(optimizer.iterations.numpy()), "variables", len(optimizer.variables),
              sorted({v.name.rsplit("_", 1)[-1] for v in optimizer.variables[2:]}))
        print(name, "head", np.round(model.get_layer("head").get_weights()[0][0], 5).tolist(),
              "embedding", np.round(model.get_layer("embedding").get_weights()[0][0], 5).tolist())

    muon = keras.optimizers.Muon(learning_rate=0.01, exclude_layers=["head"], ns_steps=4)
    config = muon.get_config()
    print("muon config", {k: config[k] for k in sorted(config) if k not in ("learning_rate", "name")})
    again = keras.optimizers.Muon.from_config(config)
    print("muon again", type(again).__name__, again.ns_steps, again.exclude_layers,
          round(float(again.learning_rate), 6))
    sf = keras.optimizers.ScheduleFreeAdamW(warmup_steps=10)
    print("sf config", {k: v for k, v in sorted(sf.get_config().items()) if k not in ("learning_rate", "name")})
    print("get", type(keras.optimizers.get("muon")).__name__,
          type(keras.optimizers.deserialize(keras.optimizers.serialize(sf))).__name__)

    weight = keras.Variable(np.array([[1.0, 0.5], [0.2, -0.3], [0.0, 0.8]], "float32"), name="kernel")
    optimizer = keras.optimizers.Muon(learning_rate=0.1, weight_decay=0.0, adam_weight_decay=0.0)
    for step in range(3):
        optimizer.apply([keras.ops.convert_to_tensor(np.array([[0.1, -0.2], [0.3, 0.0], [-0.1, 0.4]], "float32")
                                                     * (step + 1))], [weight])
        print("apply", step, np.round(keras.ops.convert_to_numpy(weight), 5).tolist())


if __name__ == "__main__":
    main()
