"""A Keras program, written for Keras 3: `keras.random` draws from two `SeedGenerator` streams (normal, uniform,
truncated_normal, categorical, randint, shuffle, gamma, beta, binomial, dropout), a generator's state read and
restored to repeat a draw; then a model regularised by the noise layers (`GaussianNoise`, `GaussianDropout`,
`AlphaDropout`, `SpatialDropout1D`, `ActivityRegularization`) trained with `Lamb`, evaluated and predicted."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    first = keras.random.SeedGenerator(28)
    second = keras.random.SeedGenerator(82)
    print("normal", r(keras.random.normal((3,), mean=1.0, stddev=0.5, seed=first)))
    print("uniform", r(keras.random.uniform((3,), minval=-1.0, maxval=2.0, seed=second)))
    print("truncated", r(keras.random.truncated_normal((4,), stddev=2.0, seed=first)))
    print("categorical", r(keras.random.categorical(np.log(np.array([[0.2, 0.5, 0.3]], "float32")), 6,
                                                    seed=second)))
    print("randint", r(keras.random.randint((5,), 0, 9, seed=first)))
    print("shuffle", r(keras.random.shuffle(np.arange(6), seed=second)))
    print("gamma", r(keras.random.gamma((3,), alpha=2.0, seed=first)))
    print("beta", r(keras.random.beta((3,), alpha=2.0, beta=3.0, seed=second)))
    print("binomial", r(keras.random.binomial((4,), counts=5.0, probabilities=0.4, seed=first)))
    print("dropout", r(keras.random.dropout(ops.ones((6,)), 0.5, seed=second)))
    saved = ops.convert_to_numpy(first.state.value).copy()
    once = keras.random.normal((2,), seed=first)
    first.state.assign(saved)
    print("repeat same", bool(np.allclose(ops.convert_to_numpy(keras.random.normal((2,), seed=first)),
                                          ops.convert_to_numpy(once))), r(saved))
    print("int seeds", r(keras.random.uniform((2,), seed=5)), r(keras.random.uniform((2,), seed=5)))

    keras.utils.set_random_seed(2810)
    rng = np.random.default_rng(2810)
    x = rng.normal(size=(40, 6, 3)).astype("float32")
    y = (x[:, :, 0].mean(1) > 0).astype("float32")
    model = keras.Sequential([
        keras.Input((6, 3)),
        layers.GaussianNoise(0.1, seed=1, name="noise"),
        layers.Conv1D(5, 2, activation="selu", kernel_initializer="lecun_normal", name="conv"),
        layers.SpatialDropout1D(0.2, seed=2, name="spatial"),
        layers.AlphaDropout(0.1, seed=3, name="alpha"),
        layers.GlobalAveragePooling1D(name="pool"),
        layers.GaussianDropout(0.2, seed=4, name="gdrop"),
        layers.ActivityRegularization(l1=0.01, l2=0.001, name="reg"),
        layers.Dense(1, activation="sigmoid", name="out"),
    ], name="noisy")
    model.compile(optimizer=keras.optimizers.Lamb(0.02, weight_decay=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    print("losses", [round(v, 4) for v in history.history["loss"]])
    print("accuracy", [round(v, 4) for v in history.history["accuracy"]])
    print("evaluate", [round(v, 4) for v in model.evaluate(x, y, verbose=0)])
    print("predict", r(model.predict(x[:4], verbose=0)[:, 0]))
    print("noise training", r(model.get_layer("noise")(np.zeros((1, 2, 3), "float32"), training=True)))
    print("optimizer", model.optimizer.iterations.numpy().item(), sorted(
        (k, v) for k, v in model.optimizer.get_config().items() if k in ("weight_decay", "beta_1", "beta_2")))


if __name__ == "__main__":
    main()
