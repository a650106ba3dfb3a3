"""A Keras program, written for Keras 3: initializers by class, by snake_case name and through `initializers.get`
with configs, each seeded (`RandomUniform`, `RandomNormal`, `TruncatedNormal`, `VarianceScaling` over every
mode and distribution, the Glorot/He/Lecun families, `Orthogonal(gain=)`, `Identity(gain=)`, `Constant`), the same
seed drawing the same values twice and unseeded ones differing, their configs, layers built with string and object
initializers after `set_random_seed`, and a small model trained from them."""
import numpy as np

import keras
from keras import initializers, layers, ops


def r(value, digits=5):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def stats(values):
    values = np.asarray(ops.convert_to_numpy(values), "float64")
    return [round(float(values.mean()), 5), round(float(values.std()), 5), round(float(values.min()), 5),
            round(float(values.max()), 5)]


def main():
    shape = (40, 30)
    made = [initializers.RandomUniform(-0.3, 0.2, seed=1), initializers.RandomNormal(0.5, 0.2, seed=2),
            initializers.TruncatedNormal(0.0, 1.0, seed=3), initializers.GlorotNormal(seed=4),
            initializers.GlorotUniform(seed=5), initializers.HeNormal(seed=6), initializers.HeUniform(seed=7),
            initializers.LecunNormal(seed=8), initializers.LecunUniform(seed=9),
            initializers.Orthogonal(gain=0.5, seed=10), initializers.Identity(gain=2.0), initializers.Constant(0.25)]
    for mode in ("fan_in", "fan_out", "fan_avg"):
        for distribution in ("truncated_normal", "untruncated_normal", "uniform"):
            made.append(initializers.VarianceScaling(scale=1.5, mode=mode, distribution=distribution, seed=11))
    for init in made:
        first, second = init(shape), init(shape)
        config = init.get_config()
        print(type(init).__name__, stats(first), r(ops.reshape(first, (-1,))[:3], 5),
              bool(np.array_equal(ops.convert_to_numpy(first), ops.convert_to_numpy(second))),
              sorted((k, v) for k, v in config.items() if k != "seed"))
    rebuilt = initializers.get({"class_name": "VarianceScaling",
                                "config": {"scale": 2.0, "mode": "fan_out", "distribution": "uniform", "seed": 5}})
    print("from config", type(rebuilt).__name__, stats(rebuilt((8, 6))))
    for name in ("glorot_normal", "he_uniform", "lecun_normal", "lecun_uniform", "variance_scaling", "random_uniform",
                 "truncated_normal", "orthogonal", "zeros", "ones", "identity"):
        init = initializers.get(name)
        print("get", name, type(init).__name__, tuple(init((5, 5)).shape))
    unseeded = initializers.RandomNormal()
    print("unseeded differs", not np.array_equal(ops.convert_to_numpy(unseeded((4,))),
                                                 ops.convert_to_numpy(unseeded((4,)))))
    print("conv fans", stats(initializers.HeNormal(seed=3)((3, 3, 4, 8))),
          stats(initializers.VarianceScaling(mode="fan_avg", distribution="uniform", seed=3)((5, 2, 6))))

    keras.utils.set_random_seed(2704)
    model = keras.Sequential([
        keras.Input((6,)),
        layers.Dense(8, activation="relu", kernel_initializer="he_uniform", bias_initializer=initializers.Constant(0.1)),
        layers.Dense(8, activation="tanh", kernel_initializer=initializers.Orthogonal(gain=1.3),
                     bias_initializer="zeros"),
        layers.Dense(3, kernel_initializer="lecun_normal", bias_initializer=initializers.RandomUniform(-0.05, 0.05)),
    ], name="initialised")
    for weight in model.weights:
        print("weight", weight.path, stats(weight))
    print("dense config", model.layers[1].get_config()["kernel_initializer"])
    rng = np.random.default_rng(2704)
    x = rng.normal(size=(30, 6)).astype("float32")
    y = np.argmax(x[:, :3] - x[:, 3:], axis=1)
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.5),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(x, y, batch_size=10, epochs=3, verbose=0, shuffle=False)
    print("fit", r(history.history["loss"], 4), r(history.history["accuracy"], 4))
    restored = keras.Sequential.from_config(model.get_config())
    print("from_config kernel init", type(restored.layers[1].kernel_initializer).__name__,
          restored.layers[1].kernel_initializer.gain, stats(restored.layers[0].bias))


if __name__ == "__main__":
    main()
