"""A Keras program, written for Keras 3: carrying a training run from one model to a fresh one by hand, as users
do when they rebuild a model in another process — model weights with get_weights / set_weights, the optimizer's
state with save_own_variables / load_own_variables and set_weights, compile's attributes read back (loss,
run_eagerly, jit_compile, steps_per_execution), a callback written with the older on_batch_begin / on_batch_end
hooks, and layers that make their state with add_variable; the handed-over run continues exactly as the
original does."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(keras.ops.convert_to_numpy(values), "float64"), digits).tolist()


class Shift(layers.Layer):
    def build(self, input_shape):
        self.shift = self.add_variable((input_shape[-1],), "zeros", name="shift")
        self.seen = self.add_variable((), "zeros", trainable=False, name="seen")

    def call(self, x, training=False):
        if training:
            self.seen.assign_add(1.0)
        return x + self.shift


class BatchLog(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.lines = []

    def on_batch_begin(self, batch, logs=None):
        self.lines.append(f"begin {batch}")

    def on_batch_end(self, batch, logs=None):
        self.lines.append(f"end {batch} loss {logs['loss']:.4f}")


def build():
    inputs = keras.Input((4,))
    h = Shift(name="shift")(inputs)
    h = layers.Dense(6, activation="tanh", kernel_initializer="glorot_uniform", name="hidden")(h)
    outputs = layers.Dense(1, name="out")(h)
    return keras.Model(inputs, outputs)


def main():
    rng = np.random.default_rng(40)
    x = rng.normal(size=(48, 4)).astype("float32")
    y = (np.sin(x[:, :1]) + 0.5 * x[:, 1:2]).astype("float32")

    keras.utils.set_random_seed(9)
    model = build()
    print("before compile", model.loss, model.run_eagerly, model.jit_compile, model.steps_per_execution)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", metrics=["mae"])
    print("after compile", model.loss, model.run_eagerly, model.jit_compile, model.steps_per_execution)
    log = BatchLog()
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0, callbacks=[log])
    print("loss", r(history.history["loss"]))
    print("batch log", log.lines[:4], len(log.lines))
    print("seen", r(model.get_layer("shift").seen), "shift", r(model.get_layer("shift").shift))
    print("layer weights", [w.name for w in model.get_layer("shift").weights],
          model.get_layer("shift").autocast)

    store = {}
    model.optimizer.save_own_variables(store)
    print("optimizer store", len(store), [tuple(np.shape(store[k])) for k in sorted(store, key=int)][:4])
    print("optimizer names", [v.name for v in model.optimizer.variables][:4])

    keras.utils.set_random_seed(1)
    fresh = build()
    fresh.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", metrics=["mae"], run_eagerly=True)
    print("fresh compile", fresh.run_eagerly, fresh.jit_compile)
    fresh.set_weights(model.get_weights())
    fresh.optimizer.build(fresh.trainable_variables)
    fresh.optimizer.load_own_variables(store)
    print("fresh iterations", int(fresh.optimizer.iterations), "rate", r(fresh.optimizer.learning_rate, 6))

    again = model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    handed = fresh.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    print("continued", r(again.history["loss"]), r(handed.history["loss"]))
    print("same weights", all(np.allclose(a, b, atol=1e-5) for a, b in zip(model.get_weights(),
                                                                            fresh.get_weights())))

    third = build()
    third.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    third.set_weights(model.get_weights())
    third.optimizer.build(third.trainable_variables)
    third.optimizer.set_weights([keras.ops.convert_to_numpy(v) for v in model.optimizer.variables])
    print("third iterations", int(third.optimizer.iterations))
    print("third predicts", r(third.predict(x[:3], verbose=0)[:, 0]), r(model.predict(x[:3], verbose=0)[:, 0]))
    print("evaluate", r(model.evaluate(x, y, verbose=0)), r(fresh.evaluate(x, y, verbose=0)))


if __name__ == "__main__":
    main()
