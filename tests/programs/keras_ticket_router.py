"""A Keras functional program, written for Keras 3: two inputs (word ids and metadata), two named outputs,
losses, loss weights and metrics as dicts, validation_split, summary, evaluate and predict. Tests run it
with real Keras and with only its import changed; it starts from the same weights (assigned in
model.weights order) and data, so both print the same numbers."""
import numpy as np

import keras
from keras import layers


def main():
    rng = np.random.default_rng(42)
    n = 90
    words = rng.integers(1, 50, size=(n, 12))
    meta = rng.standard_normal((n, 5)).astype("float32")
    priority = (meta[:, 0] + 0.1 * words[:, 0] > 2.5).astype("float32").reshape(-1, 1)
    department = (words[:, 1] % 4).astype("int64")

    words_in = keras.Input(shape=(12,), name="words")
    meta_in = keras.Input(shape=(5,), name="meta")
    m = layers.Dense(8, activation="relu")(meta_in)          # the shallow branch is made first
    x = layers.GlobalAveragePooling1D()(layers.Embedding(50, 8)(words_in))
    h = layers.Dense(16, activation="relu")(layers.concatenate([x, m]))
    out_p = layers.Dense(1, activation="sigmoid", name="priority")(h)
    out_d = layers.Dense(4, activation="softmax", name="department")(h)
    model = keras.Model(inputs=[words_in, meta_in], outputs=[out_p, out_d])
    model.summary()
    print([layer.name for layer in model.layers])

    init = np.random.default_rng(0)
    for w in model.weights:
        w.assign(init.uniform(-0.3, 0.3, size=tuple(w.shape)).astype("float32"))

    model.compile(optimizer=keras.optimizers.RMSprop(1e-2),
                  loss={"priority": keras.losses.BinaryCrossentropy(), "department": "sparse_categorical_crossentropy"},
                  loss_weights={"priority": 1.0, "department": 0.2},
                  metrics={"priority": ["accuracy", keras.metrics.AUC(name="auc")], "department": ["accuracy"]})
    history = model.fit({"words": words, "meta": meta}, {"priority": priority, "department": department},
                        epochs=3, batch_size=32, shuffle=False, verbose=0, validation_split=0.3)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    results = model.evaluate([words, meta], [priority, department], verbose=0, return_dict=True)
    print({k: "%.5f" % v for k, v in sorted(results.items())})
    probabilities = model.predict([words[:4], meta[:4]], verbose=0)
    print([p.shape for p in probabilities], np.round(probabilities[0][:, 0], 5), np.round(probabilities[1][0], 5))
    model.summary()


if __name__ == "__main__":
    main()
