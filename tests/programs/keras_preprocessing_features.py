"""A Keras program, written for Keras 3, for tabular data with preprocessing layers inside the model:
Normalization adapted on the numeric columns, Discretization with fixed boundaries (its adapt needs
TensorFlow in Keras 3), CategoryEncoding (one_hot, multi_hot, count) of integer categories, concatenated and fed to a
small classifier. Prints the adapted statistics, the encoded features, the training history and the
predictions; the weights start from the same NumPy arrays, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def main():
    rng = np.random.default_rng(7)
    n = 96
    numeric = (rng.standard_normal((n, 3)) * [1.0, 5.0, 0.2] + [0.0, 10.0, -1.0]).astype("float32")
    age = rng.uniform(18, 80, size=(n, 1)).astype("float32")
    color = rng.integers(0, 4, size=(n, 1))
    tags = rng.integers(0, 5, size=(n, 2))
    y = ((numeric[:, 0] > 0) ^ (color[:, 0] % 2 == 1)).astype("float32").reshape(-1, 1)

    norm = layers.Normalization(axis=-1)
    norm.adapt(numeric)
    print("mean", np.round(keras.ops.convert_to_numpy(norm.mean), 4).tolist())
    print("variance", np.round(keras.ops.convert_to_numpy(norm.variance), 4).tolist())
    fixed = layers.Discretization(bin_boundaries=[30.0, 50.0, 65.0])
    print("fixed", keras.ops.convert_to_numpy(fixed(age[:6])).ravel().tolist())
    one_hot = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
    multi = layers.CategoryEncoding(num_tokens=5, output_mode="multi_hot")
    count = layers.CategoryEncoding(num_tokens=5, output_mode="count")
    print("one_hot", keras.ops.convert_to_numpy(one_hot(color[:3])).tolist())
    print("multi_hot", keras.ops.convert_to_numpy(multi(tags[:3])).tolist())
    print("count", keras.ops.convert_to_numpy(count(np.array([[1, 1, 3], [0, 4, 4]]))).tolist())
    print(fixed.get_config()["bin_boundaries"], one_hot.get_config()["output_mode"], multi.get_config()["num_tokens"])

    num_in = keras.Input(shape=(3,), name="numeric")
    age_in = keras.Input(shape=(1,), name="age")
    color_in = keras.Input(shape=(1,), dtype="int32", name="color")
    tags_in = keras.Input(shape=(2,), dtype="int32", name="tags")
    age_bins = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")(fixed(age_in))
    features = layers.concatenate([norm(num_in), age_bins, one_hot(color_in), multi(tags_in)])
    print("features", features.shape)
    h = layers.Dense(8, activation="relu")(features)
    out = layers.Dense(1, activation="sigmoid")(h)
    model = keras.Model([num_in, age_in, color_in, tags_in], out)
    init = np.random.default_rng(3)
    for w in model.trainable_weights:
        w.assign(init.uniform(-0.4, 0.4, size=tuple(w.shape)).astype("float32"))
    print(len(model.weights), len(model.trainable_weights), len(model.non_trainable_weights))
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.Precision(name="precision"), keras.metrics.Recall(name="recall")])
    inputs = {"numeric": numeric, "age": age, "color": color, "tags": tags}
    history = model.fit(inputs, y, epochs=4, batch_size=32, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print(np.round(model.predict([numeric[:5], age[:5], color[:5], tags[:5]], verbose=0).ravel(), 5))


if __name__ == "__main__":
    main()
