"""A Keras program, written for Keras 3: Sequential models given no Input — built by fit, by predict, by a first
call on an array, by build((None, n)) — and what they report afterwards: summary() (the batch size of the data
that built them), input_shape / output_shape, get_build_config, the names that later automatic models take,
Lambda layers with output_shape given as a tuple and as a function, pop and add after building, and a save /
load round trip. Weights are set from NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).tolist()


def seeded(model):
    for k, w in enumerate(model.weights):
        w.assign((np.cos(np.arange(int(np.prod(w.shape))) * 0.37 + k) * 0.4).reshape(w.shape).astype("float32"))


def main():
    x = np.stack([np.linspace(-1, 1, 10), np.sin(np.arange(10.0)), np.cos(np.arange(10.0))], 1).astype("float32")
    y = (x[:, :1] * 2.0 - x[:, 1:2]).astype("float32")

    by_fit = keras.Sequential([layers.Dense(4, activation="relu", name="hidden"), layers.Dense(1, name="out")],
                              name="by_fit")
    by_fit.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    by_fit.build((None, 3))
    seeded(by_fit)
    history = by_fit.fit(x, y, epochs=2, batch_size=5, shuffle=False, verbose=0)
    print("fit loss", r(history.history["loss"]))
    print("by_fit shapes", by_fit.input_shape, by_fit.output_shape, by_fit.get_build_config())
    by_fit.summary()

    by_call = keras.Sequential([layers.Dense(2, name="first"),
                                layers.Lambda(lambda t: ops.concatenate([t, t * t], axis=-1), output_shape=(4,),
                                              name="square_too"),
                                layers.Lambda(lambda t: ops.sum(t, axis=-1, keepdims=True),
                                              output_shape=lambda shape: shape[:-1] + (1,), name="total")],
                               name="by_call")
    out = by_call(x[:4])
    seeded(by_call)
    print("by_call", tuple(out.shape), by_call.input_shape, by_call.output_shape)
    print("by_call values", r(by_call(x[:3])[:, 0]), "other batch", tuple(by_call(x).shape))
    by_call.summary()
    print("lambda shapes", by_call.get_layer("square_too").compute_output_shape((7, 2)),
          by_call.get_layer("total").compute_output_shape((7, 4)))

    inputs = keras.Input((3,))
    auto = keras.Model(inputs, layers.Dense(1)(inputs))
    print("next automatic model", auto.name)

    by_predict = keras.Sequential([layers.Dense(3, name="a"), layers.Dense(2, name="b")])
    predicted = by_predict.predict(x, batch_size=4, verbose=0)
    print("by_predict", predicted.shape, by_predict.built, by_predict.input_shape)
    popped = by_predict.pop()
    print("popped", popped.name, [l.name for l in by_predict.layers], by_predict.output_shape)
    by_predict.add(layers.Dense(5, name="c"))
    print("after add", by_predict.output_shape, [l.name for l in by_predict.layers])
    seeded(by_predict)
    print("after add values", r(by_predict(x[:2])[0]))

    inputs = keras.Input((3,))
    auto = keras.Model(inputs, layers.Dense(1)(inputs))
    print("next automatic model", auto.name)

    by_fit.save("by_fit.keras")
    loaded = keras.saving.load_model("by_fit.keras")
    print("loaded", loaded.name, loaded.input_shape, r(loaded.predict(x[:3], verbose=0)[:, 0]))
    print("config build shape", loaded.get_config().get("build_input_shape"))


if __name__ == "__main__":
    main()
