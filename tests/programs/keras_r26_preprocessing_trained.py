"""A Keras program, written for Keras 3: preprocessing layers inside a trained model. `Normalization.adapt` with
`axis=None`, `axis=-1` and a tuple of axes on images, `Normalization(invert=True)` with given statistics,
`Discretization` with `bin_boundaries` (every `output_mode`; its `adapt` needs TensorFlow in Keras),
`CategoryEncoding` with `output_mode="count"` and `count_weights`, `multi_hot` and `one_hot`; a two-input model
(adapted numeric features and bucketised and encoded columns) trained by `fit`, its predictions, configs, and a
`.keras` round trip that keeps the adapted state."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    keras.utils.set_random_seed(2609)
    rng = np.random.default_rng(2609)
    images = (rng.normal(size=(10, 4, 4, 3)) * np.array([1.0, 3.0, 0.5]) + np.array([0.0, 2.0, -1.0])).astype(
        "float32")
    for axis in (None, -1, (1, 3), (1, 2, 3)):
        norm = layers.Normalization(axis=axis)
        norm.adapt(images)
        out = norm(images)
        print("normalize", axis, tuple(norm.mean.shape), r(np.ravel(norm.mean)[:3]), r(np.ravel(norm.variance)[:3]),
              r(ops.mean(out)), r(ops.std(out)))
    invert = layers.Normalization(mean=[1.0, -2.0], variance=[4.0, 0.25], invert=True)
    print("invert", r(invert(np.array([[0.0, 1.0], [-1.0, 2.0]], "float32"))))

    for boundaries in ([1.0, 3.0], [0.0, 0.5, 2.0, 8.0]):
        disc = layers.Discretization(bin_boundaries=boundaries)
        print("bins", boundaries, disc(np.array([[0.5], [3.0], [9.0], [-1.0]], "float32")).tolist())
    for mode in ("one_hot", "multi_hot", "count"):
        disc = layers.Discretization(bin_boundaries=[1.0, 2.5, 4.0], output_mode=mode)
        print("discretize", mode, r(disc(np.array([[0.3, 2.7, 5.0, 2.9]], "float32"))))

    ids = np.array([[0, 2, 2, 3], [1, 1, 4, 0]])
    weights = np.array([[0.5, 1.0, 2.0, 0.1], [1.0, 1.0, 3.0, 0.25]], "float32")
    count = layers.CategoryEncoding(num_tokens=5, output_mode="count")
    print("count", r(count(ids)), r(count(ids, count_weights=weights)))
    print("multi_hot", r(layers.CategoryEncoding(num_tokens=5, output_mode="multi_hot")(ids)))
    print("one_hot", r(layers.CategoryEncoding(num_tokens=5, output_mode="one_hot")(np.array([3, 0, 4]))))
    print("encoding config", sorted(count.get_config().items()))

    n = 96
    numeric = np.stack([rng.normal(5, 2, n), rng.exponential(3, n), rng.uniform(-1, 1, n)], axis=1).astype("float32")
    category = rng.integers(0, 4, size=(n, 2))
    target = ((numeric[:, 0] - 5) / 2 + (category[:, 0] == 2) - 0.3 * numeric[:, 1] > -0.5).astype("int32")
    numbers_in = keras.Input((3,), name="numbers")
    spend_in = keras.Input((1,), name="spend")
    cats_in = keras.Input((2,), dtype="int32", name="cats")
    normalizer = layers.Normalization(name="norm")
    normalizer.adapt(numeric)
    bucket = layers.Discretization(bin_boundaries=np.quantile(numeric[:, 1], [0.25, 0.5, 0.75]).tolist(),
                                   name="bucket")
    bucketed = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot", name="bucket_hot")(bucket(spend_in))
    encoded = layers.CategoryEncoding(num_tokens=4, output_mode="count", name="cat_count")(cats_in)
    joined = layers.Concatenate(name="join")([normalizer(numbers_in), bucketed, encoded])
    hidden = layers.Dense(6, activation="relu", name="hidden")(joined)
    outputs = layers.Dense(1, activation="sigmoid", name="out")(hidden)
    model = keras.Model({"numbers": numbers_in, "spend": spend_in, "cats": cats_in}, outputs, name="tabular")
    print("bucket boundaries", r(bucket.bin_boundaries, 3))
    print("norm state", r(normalizer.mean), r(normalizer.variance))
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc")])
    data = {"numbers": numeric, "spend": numeric[:, 1:2], "cats": category}
    history = model.fit(data, target, batch_size=16, epochs=4, verbose=0, shuffle=False, validation_split=0.25)
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("predict", r(model.predict({k: v[:3] for k, v in data.items()}, verbose=0)[:, 0]))
    print("trainable", len(model.trainable_weights), "non-trainable", len(model.non_trainable_weights),
          "params", model.count_params())
    model.save("tabular.keras")
    again = keras.models.load_model("tabular.keras")
    print("reloaded bucket", r(again.get_layer("bucket").bin_boundaries, 3), "norm", r(again.get_layer("norm").mean))
    print("reloaded evaluate", r(again.evaluate(data, target, verbose=0)))


if __name__ == "__main__":
    main()
