"""A Keras program, written for Keras 3: Layer.add_weight in all its options inside custom layers — initializer
strings and objects, trainable=False weights updated by the layer itself, a constraint applied after each
optimizer step, a regularizer whose penalty shows in model.losses and the loss, autocast=False weights kept in
float32 under a mixed_float16 policy, explicit dtypes, and the weight lists (weights, trainable_weights,
non_trainable_weights) in order with their names, paths, dtypes and trainable flags after a fit."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).tolist()


class ScaledDense(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform",
                                      regularizer=keras.regularizers.L2(0.01), name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer=keras.initializers.Constant(0.1), name="bias")
        self.scale = self.add_weight(shape=(), initializer="ones", constraint=keras.constraints.NonNeg(),
                                     name="scale")
        self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False, name="calls")
        self.running = self.add_weight(shape=(self.units,), initializer="zeros", trainable=False,
                                       autocast=False, name="running")
        self.counter = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False,
                                       name="counter")

    def call(self, x, training=False):
        y = (ops.matmul(x, self.kernel) + self.bias) * self.scale
        if training:
            self.calls.assign_add(1.0)
            self.counter.assign_add(1)
            self.running.assign(0.9 * self.running + 0.1 * ops.cast(ops.mean(y, axis=0), "float32"))
        return y


class Unit(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="random_normal",
                                 constraint=keras.constraints.UnitNorm(axis=0), name="direction")

    def call(self, x):
        return x * self.w


def describe(model, tag):
    for w in model.weights:
        print(tag, w.path, tuple(w.shape), w.dtype, w.trainable)


def main():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32") + 0.3).astype("float32")

    keras.utils.set_random_seed(4)
    inputs = keras.Input((4,))
    h = Unit(name="unit")(inputs)
    outputs = ScaledDense(1, name="scaled")(h)
    model = keras.Model(inputs, outputs)
    describe(model, "fp32")
    print("counts", len(model.weights), len(model.trainable_weights), len(model.non_trainable_weights))
    print("losses before fit", len(model.losses), r(model.losses[0]))
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    print("loss", r(history.history["loss"]))
    scaled = model.get_layer("scaled")
    print("calls", r(scaled.calls), "counter", int(ops.convert_to_numpy(scaled.counter)),
          "running", r(scaled.running))
    print("scale nonneg", bool(ops.convert_to_numpy(scaled.scale) >= 0),
          "unit norm", r(np.linalg.norm(ops.convert_to_numpy(model.get_layer("unit").w))))
    print("evaluate", r(model.evaluate(x, y, verbose=0)))

    keras.config.set_dtype_policy("mixed_float16")
    try:
        keras.utils.set_random_seed(4)
        layer = ScaledDense(2, name="mixed")
        out = layer(x[:3], training=True)
        print("mixed output dtype", out.dtype if isinstance(out.dtype, str) else ops.dtype(out))
        for w in layer.weights:
            print("mixed", w.name, w.dtype, ops.dtype(w.value))
        print("mixed running", r(layer.running), ops.dtype(layer.running))
        print("policy", layer.dtype_policy.name, layer.compute_dtype, layer.variable_dtype)
    finally:
        keras.config.set_dtype_policy("float32")
    print("config", sorted(ScaledDense(3).get_config()))


if __name__ == "__main__":
    main()
