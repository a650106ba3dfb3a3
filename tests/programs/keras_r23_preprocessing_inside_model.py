"""A Keras program, written for Keras 3: preprocessing layers inside a model, as a user keeps them with the
model that needs them — Normalization adapted on the numeric columns (and one built from a given mean and
variance, with invert=True), Discretization with fixed boundaries in int, one_hot and count modes,
CategoryEncoding in one_hot, multi_hot and count modes (with sparse=False) and a weighted count; the layers'
outputs, configs and variables are printed, then a functional model over the three feature groups is compiled,
fitted a few epochs, evaluated, used to predict, saved to .keras and reloaded with its adapted state. Weights
are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def show(name, value):
    array = ops.convert_to_numpy(value)
    print(name, str(array.dtype), np.round(array.astype("float64"), 4).tolist())


def main():
    rng = np.random.default_rng(23)
    n = 96
    numeric = np.stack([rng.normal(5.0, 2.0, n), rng.exponential(3.0, n), rng.uniform(-1, 1, n)], 1).astype("float32")
    age = rng.uniform(18, 80, (n, 1)).astype("float32")
    tags = rng.integers(0, 6, (n, 3)).astype("int32")
    y = ((numeric[:, 0] - 5.0) * 0.4 + (age[:, 0] > 45) * 0.8 + (tags == 2).sum(1) * 0.5
         + 0.1 * rng.normal(size=n) > 0.9).astype("float32")[:, None]

    norm = layers.Normalization(axis=-1, name="norm")
    norm.adapt(numeric)
    show("norm mean", norm.mean)
    show("norm variance", norm.variance)
    show("normalized", norm(numeric[:3]))
    fixed = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 0.25], invert=True)
    show("inverted", fixed(np.array([[0.5, -1.0], [0.0, 2.0]], "float32")))

    bins = layers.Discretization(bin_boundaries=[30.0, 45.0, 60.0], name="age_bins")
    print("boundaries", bins.bin_boundaries, "num_bins", bins.num_bins)
    show("binned", bins(age[:6]))
    edges = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.5], output_mode="one_hot")
    show("one-hot bins", edges(np.array([-0.5, 0.0, 1.7, 3.0], "float32")))
    show("count bins", layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="count")(
        np.array([[-1.0, 0.5, 0.7], [2.0, 2.0, -3.0]], "float32")))

    for mode in ("one_hot", "multi_hot", "count"):
        encoder = layers.CategoryEncoding(num_tokens=6, output_mode=mode)
        sample = tags[:2, :1] if mode == "one_hot" else tags[:2]
        show(f"encoding {mode}", encoder(sample))
    weighted = layers.CategoryEncoding(num_tokens=4, output_mode="count")
    show("weighted count", weighted(np.array([[0, 1, 1, 3]]), count_weights=np.array([[0.5, 1.0, 2.0, 0.25]])))
    print("encoder config", sorted((k, v) for k, v in layers.CategoryEncoding(num_tokens=6, output_mode="multi_hot")
                                   .get_config().items() if k not in ("name", "dtype")))
    print("discretization config", {k: v for k, v in sorted(bins.get_config().items())
                                    if k in ("bin_boundaries", "num_bins", "epsilon", "output_mode", "sparse")})

    numeric_in = keras.Input((3,), name="numeric")
    age_in = keras.Input((1,), name="age")
    tags_in = keras.Input((3,), dtype="int32", name="tags")
    age_code = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot", name="age_code")(bins(age_in))
    tag_code = layers.CategoryEncoding(num_tokens=6, output_mode="count", name="tag_count")(tags_in)
    joined = layers.Concatenate(name="joined")([norm(numeric_in), age_code, tag_code])
    hidden = layers.Dense(8, activation="relu", name="hidden")(joined)
    out = layers.Dense(1, activation="sigmoid", name="out")(hidden)
    model = keras.Model({"numeric": numeric_in, "age": age_in, "tags": tags_in}, out, name="mixed_features")
    init = np.random.default_rng(5)
    model.set_weights([w if w.ndim == 0 or "norm" in p else init.uniform(-0.4, 0.4, w.shape).astype(w.dtype)
                       for w, p in zip(model.get_weights(), [v.path for v in model.weights])])
    print("weights", [(v.path, tuple(v.shape), v.trainable) for v in model.weights])
    print("trainable count", len(model.trainable_weights), "non-trainable", len(model.non_trainable_weights))
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc")])
    inputs = {"numeric": numeric, "age": age, "tags": tags}
    history = model.fit(inputs, y, batch_size=16, epochs=5, verbose=0, shuffle=False, validation_split=0.25)
    for key in sorted(history.history):
        print(key, [round(v, 4) for v in history.history[key]])
    print("evaluate", [round(v, 4) for v in model.evaluate(inputs, y, verbose=0)])
    pred = model.predict({k: v[:4] for k, v in inputs.items()}, verbose=0)
    print("predict", np.round(pred, 4).tolist())

    model.save("mixed.keras")
    again = keras.models.load_model("mixed.keras")
    show("reloaded norm mean", again.get_layer("norm").mean)
    print("reloaded boundaries", np.round(np.array(again.get_layer("age_bins").bin_boundaries), 3).tolist())
    print("reloaded agrees", bool(np.allclose(again.predict({k: v[:4] for k, v in inputs.items()}, verbose=0),
                                              pred, atol=1e-6)))


if __name__ == "__main__":
    main()
