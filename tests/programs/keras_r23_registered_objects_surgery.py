"""A Keras program, written for Keras 3: custom objects registered with keras.saving.register_keras_serializable
(a layer with its own weights, build and get_config; an activation function; a loss function; a Metric subclass;
a regularizer and a constraint; an initializer) used in a Sequential model, fitted with
validation_data=(x, y, sample_weight) and weighted metrics, saved to .keras and reloaded without custom_objects
(their registered names printed), then model surgery: get_layer by name and index, Sequential.pop and add of a
new head, layers frozen by name, recompiled and fitted again, summary before and after, and get_config /
from_config of the registered pieces. Weights are set from NumPy, so real Keras and deepgrad print the same
numbers."""
import numpy as np

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="r23")
def scaled_tanh(x):
    return 1.5 * ops.tanh(x / 1.5)


@keras.saving.register_keras_serializable(package="r23")
def smooth_l1(y_true, y_pred):
    diff = ops.abs(y_true - y_pred)
    return ops.mean(ops.where(diff < 0.5, diff * diff, diff - 0.25), axis=-1)


@keras.saving.register_keras_serializable(package="r23")
class CenteredL2(keras.regularizers.Regularizer):
    def __init__(self, factor=0.01, center=0.1):
        self.factor, self.center = factor, center

    def __call__(self, weights):
        return self.factor * ops.sum(ops.square(weights - self.center))

    def get_config(self):
        return {"factor": self.factor, "center": self.center}


@keras.saving.register_keras_serializable(package="r23")
class ClipTo(keras.constraints.Constraint):
    def __init__(self, limit=0.6):
        self.limit = limit

    def __call__(self, w):
        return ops.clip(w, -self.limit, self.limit)

    def get_config(self):
        return {"limit": self.limit}


@keras.saving.register_keras_serializable(package="r23")
class Ramp(keras.initializers.Initializer):
    def __init__(self, scale=0.1):
        self.scale = scale

    def __call__(self, shape, dtype=None):
        size = int(np.prod(shape))
        return ops.reshape(ops.linspace(-self.scale, self.scale, size, dtype=dtype or "float32"), shape)

    def get_config(self):
        return {"scale": self.scale}


@keras.saving.register_keras_serializable(package="r23")
class GatedDense(layers.Layer):
    def __init__(self, units, gate_bias=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.gate_bias = units, gate_bias

    def build(self, input_shape):
        d = input_shape[-1]
        self.kernel = self.add_weight(shape=(d, self.units), initializer=Ramp(0.3), name="kernel",
                                      regularizer=CenteredL2(0.002), constraint=ClipTo(0.6))
        self.gate = self.add_weight(shape=(d, self.units), initializer=Ramp(0.2), name="gate")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, x):
        g = ops.sigmoid(ops.matmul(x, self.gate) + self.gate_bias)
        return scaled_tanh(ops.matmul(x, self.kernel) + self.bias) * g

    def get_config(self):
        return {**super().get_config(), "units": self.units, "gate_bias": self.gate_bias}


@keras.saving.register_keras_serializable(package="r23")
class WithinTolerance(keras.metrics.Metric):
    def __init__(self, tolerance=0.3, name="within", **kwargs):
        super().__init__(name=name, **kwargs)
        self.tolerance = tolerance
        self.hits = self.add_variable(shape=(), initializer="zeros", name="hits")
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")

    def update_state(self, y_true, y_pred, sample_weight=None):
        hit = ops.cast(ops.abs(ops.cast(y_true, "float32") - y_pred) < self.tolerance, "float32")
        hit = ops.mean(hit, axis=-1)
        w = ops.ones_like(hit) if sample_weight is None else ops.reshape(ops.cast(sample_weight, "float32"), (-1,))
        self.hits.assign_add(ops.sum(hit * w))
        self.total.assign_add(ops.sum(w))

    def result(self):
        return ops.divide_no_nan(self.hits, self.total)

    def get_config(self):
        return {**super().get_config(), "tolerance": self.tolerance}


def main():
    rng = np.random.default_rng(823)
    x = rng.normal(size=(72, 4)).astype("float32")
    y = np.stack([np.sin(x[:, 0]) + 0.3 * x[:, 1], x[:, 2] * x[:, 3] * 0.5], 1).astype("float32")
    w = rng.uniform(0.5, 1.5, 72).astype("float32")
    print("registered", [keras.saving.get_registered_name(o) for o in (scaled_tanh, smooth_l1, CenteredL2, ClipTo,
                                                                        Ramp, GatedDense, WithinTolerance)])
    print("lookup", keras.saving.get_registered_object("r23>GatedDense") is GatedDense)

    model = keras.Sequential([keras.Input((4,)), GatedDense(6, name="gated"),
                              layers.Dense(6, activation=scaled_tanh, kernel_initializer=Ramp(0.4), name="body"),
                              layers.Dense(2, kernel_initializer=Ramp(0.5), name="head")], name="custom_seq")
    print("initial losses", [round(float(ops.convert_to_numpy(v)), 5) for v in model.losses])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=smooth_l1, metrics=[WithinTolerance(0.3)],
                  weighted_metrics=["mae"])
    history = model.fit(x[:56], y[:56], sample_weight=w[:56], batch_size=14, epochs=4, verbose=0, shuffle=False,
                        validation_data=(x[56:], y[56:], w[56:]))
    for key in sorted(history.history):
        print(key, [round(v, 4) for v in history.history[key]])
    kernel = ops.convert_to_numpy(model.get_layer("gated").kernel)
    print("constraint holds", bool(np.abs(kernel).max() <= 0.6 + 1e-6), round(float(np.abs(kernel).max()), 4))
    pred = model.predict(x[:3], verbose=0)
    print("predict", np.round(pred, 4).tolist())

    model.save("custom.keras")
    again = keras.models.load_model("custom.keras")
    print("reloaded", [type(layer).__name__ for layer in again.layers], again.loss.__name__,
          [m.name for m in again.metrics])
    print("reloaded agrees", bool(np.allclose(again.predict(x[:3], verbose=0), pred, atol=1e-6)))
    print("reloaded evaluate", [round(v, 4) for v in again.evaluate(x[56:], y[56:], sample_weight=w[56:],
                                                                    verbose=0)])
    print("activation", keras.activations.serialize(again.get_layer("body").activation))

    print("by index", again.get_layer(index=1).name, "layers", len(again.layers))
    again.pop()
    print("after pop", [layer.name for layer in again.layers], again.output_shape)
    again.add(layers.Dense(1, kernel_initializer=Ramp(0.2), name="new_head"))
    for layer in again.layers:
        layer.trainable = layer.name == "new_head"
    again.summary()
    print("trainable", [w.path for w in again.trainable_weights])
    again.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    target = y[:, :1] + y[:, 1:]
    history = again.fit(x[:56], target[:56], batch_size=14, epochs=3, verbose=0, shuffle=False,
                        validation_data=(x[56:], target[56:], w[56:]))
    print("new head loss", [round(v, 4) for v in history.history["loss"]],
          "val", [round(v, 4) for v in history.history["val_loss"]])
    print("frozen kernel kept", bool(np.allclose(ops.convert_to_numpy(again.get_layer("gated").kernel), kernel)))

    config = GatedDense(3, gate_bias=0.5, name="g2").get_config()
    print("layer config", {k: v for k, v in sorted(config.items()) if k in ("units", "gate_bias", "name")})
    rebuilt = GatedDense.from_config(config)
    print("rebuilt", rebuilt.units, rebuilt.gate_bias, rebuilt.name)
    print("regularizer", {k: v for k, v in keras.regularizers.serialize(CenteredL2(0.5, 0.2)).items()
                          if k != "module"})
    print("metric config", {k: v for k, v in sorted(WithinTolerance(0.2).get_config().items()) if k != "dtype"})


if __name__ == "__main__":
    main()
