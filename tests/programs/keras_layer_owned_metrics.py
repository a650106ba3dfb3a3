"""A Keras program, written for Keras 3: metrics owned by layers instead of compile — a custom layer that keeps a
keras.metrics.Mean of its activation norm and a MeanSquaredError against a stored target, updated in call only
when training, a nested block holding such a layer, and a functional model using them beside compiled metrics;
it prints how model.metrics lists them, the history keys fit reports, evaluate's return_dict, the metric
variables, and reset_metrics. Weights are set from NumPy. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


class NormTracker(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units, activation="tanh")
        self.norm_metric = keras.metrics.Mean(name=f"{self.name}_norm")
        self.zero_gap = keras.metrics.MeanSquaredError(name=f"{self.name}_gap")

    def call(self, x, training=False):
        h = self.dense(x)
        if training:
            self.norm_metric.update_state(ops.sqrt(ops.sum(ops.square(h), axis=-1)))
            self.zero_gap.update_state(ops.zeros_like(h), h)
        return h


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = NormTracker(5, name="inner")
        self.counter = keras.metrics.Mean(name="batch_rows")

    def call(self, x, training=False):
        self.counter.update_state(ops.cast(ops.shape(x)[0], "float32"))
        return self.inner(x, training=training)


def main():
    rng = np.random.default_rng(71)
    x = rng.standard_normal((40, 4)).astype("float32")
    y = (x[:, :2].sum(axis=1, keepdims=True) > 0).astype("float32")

    inputs = keras.Input((4,))
    h = NormTracker(6, name="outer")(inputs)
    h = Block(name="block")(h)
    outputs = layers.Dense(1, activation="sigmoid")(h)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(9)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    print("metrics before compile", [m.name for m in model.metrics])
    model.compile(optimizer=keras.optimizers.SGD(0.2), loss="binary_crossentropy",
                  metrics=[keras.metrics.BinaryAccuracy(name="acc")])
    print("metrics after compile", [m.name for m in model.metrics])
    history = model.fit(x[:32], y[:32], batch_size=8, epochs=3, verbose=0, shuffle=False,
                        validation_data=(x[32:], y[32:]))
    print("history keys", sorted(history.history))
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("metrics after fit", [m.name for m in model.metrics])
    outer = model.get_layer("outer")
    print("outer metric", r(outer.norm_metric.result()), r(outer.zero_gap.result()),
          [v.name for v in outer.norm_metric.variables])
    block = model.get_layer("block")
    print("block counter", r(block.counter.result()), "inner", r(block.inner.norm_metric.result()))
    result = model.evaluate(x[32:], y[32:], verbose=0, return_dict=True)
    print("evaluate", {k: r(v) for k, v in sorted(result.items())})
    print("counter after evaluate", r(block.counter.result()))
    print("evaluate list", r(model.evaluate(x[32:], y[32:], verbose=0)))
    model.reset_metrics()
    print("after reset", r(outer.norm_metric.result()), r(block.counter.result()))
    outer(x[:4], training=True)
    print("direct call", r(outer.norm_metric.result()), r(outer.norm_metric.count))
    print("layer metrics", [m.name for m in block.metrics] if hasattr(block, "metrics") else None)
    print("variables", len(model.variables), len(model.weights), len(model.non_trainable_variables))


if __name__ == "__main__":
    main()
