"""A Keras program, written for Keras 3: the options of the preprocessing layers that run without TensorFlow —
Normalization adapted with axis=-1, axis=None, axis=(1,) on 3-D data and axis=(1, 2), given mean / variance as
lists, invert=True mapping back; Discretization with bin_boundaries in every output_mode (int, one_hot,
multi_hot, count) and its dtype; CategoryEncoding one_hot / multi_hot / count with count_weights and on 2-D
inputs; their configs, output shapes, weights and compute_output_shape; then a Sequential with a Normalization
first layer adapted before compile, its summary and fit. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(keras.ops.convert_to_numpy(values), "float64"), digits).tolist()


def main():
    rng = np.random.default_rng(9)
    table = (rng.standard_normal((30, 3)) * [2.0, 0.5, 10.0] + [1.0, -3.0, 50.0]).astype("float32")
    norm = layers.Normalization()
    norm.adapt(table)
    print("axis -1", r(norm.mean), r(norm.variance), [w.shape for w in norm.weights])
    print("applied", r(norm(table[:2])))
    flat = layers.Normalization(axis=None)
    flat.adapt(table)
    print("axis None", r(flat.mean), r(flat.variance), r(flat(table[:1])))
    seq = rng.uniform(0, 4, (8, 5, 2)).astype("float32")
    steps = layers.Normalization(axis=1)
    steps.adapt(seq)
    print("axis 1", r(steps.mean).__len__(), np.asarray(keras.ops.convert_to_numpy(steps.mean)).shape, r(steps(seq)[0, :, 0]))
    both = layers.Normalization(axis=(1, 2))
    both.adapt(seq)
    print("axis (1, 2)", np.asarray(keras.ops.convert_to_numpy(both.variance)).shape, r(both(seq)[1, 0]))
    given = layers.Normalization(mean=[1.0, -3.0, 50.0], variance=[4.0, 0.25, 100.0])
    back = layers.Normalization(mean=[1.0, -3.0, 50.0], variance=[4.0, 0.25, 100.0], invert=True)
    z = given(table[:3])
    print("given", r(z[0]), "invert", r(back(z)[0]), r(table[0]))
    print("norm config", {k: v for k, v in sorted(given.get_config().items()) if k not in ("name", "dtype")})

    edges = [0.0, 1.0, 2.5]
    values = np.array([[-1.0, 0.5, 3.0], [1.0, 2.5, 0.0]], "float32")
    for mode in ("int", "one_hot", "multi_hot", "count"):
        disc = layers.Discretization(bin_boundaries=edges, output_mode=mode)
        out = disc(values if mode not in ("one_hot",) else values[:, :1])
        print("discretize", mode, keras.ops.convert_to_numpy(out).dtype, r(out))
    print("disc config", sorted(layers.Discretization(bin_boundaries=edges).get_config()))

    ids = np.array([[0, 2, 2], [3, 1, 0]])
    counts = layers.CategoryEncoding(num_tokens=5, output_mode="count")
    print("count", r(counts(ids)))
    weights = np.array([[0.5, 1.0, 2.0], [1.0, 1.0, 3.0]], "float32")
    print("count weights", r(counts(ids, count_weights=weights)))
    print("multi_hot", r(layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")(ids[:, :2])))
    hot = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
    print("one_hot 1-D", r(hot(np.array([3, 0, 1]))), hot.compute_output_shape((3,)))
    print("encoding config", {k: v for k, v in sorted(hot.get_config().items()) if k not in ("name", "dtype")})

    y = (table[:, 0] * 0.5 - table[:, 2] / 20.0).astype("float32")[:, None]
    model = keras.Sequential([keras.Input((3,)), norm, layers.Dense(8, activation="relu"), layers.Dense(1)])
    init = np.random.default_rng(1)
    for w in model.trainable_weights:
        w.assign(init.uniform(-0.5, 0.5, tuple(w.shape)).astype("float32"))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    model.summary()
    print("weights", len(model.weights), len(model.trainable_weights), len(model.non_trainable_weights))
    history = model.fit(table, y, batch_size=10, epochs=3, verbose=0, shuffle=False)
    print("loss", r(history.history["loss"]))
    print("norm unchanged", r(norm.mean))


if __name__ == "__main__":
    main()
