"""A Keras program, written for Keras 3: custom objects through every door Keras offers. A custom layer, loss,
metric, activation and constraint (some registered with `register_keras_serializable(package=, name=)`, some
passed with `custom_objects=` or inside `CustomObjectScope`/`custom_object_scope`), `get_custom_objects`,
`get_registered_name`/`get_registered_object`, `serialize_keras_object`/`deserialize_keras_object`, a compiled
model saved with `keras.saving.save_model` and `keras.models.save_model`, reloaded (compiled and with
`compile=False`), evaluated and trained on, and `.weights.h5` files through `save_weights`/`load_weights`."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=5):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


@keras.saving.register_keras_serializable(package="r27", name="Scaled")
class ScaledDense(layers.Layer):
    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.scale = units, scale

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform",
                                      name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, x):
        return self.scale * (ops.matmul(x, self.kernel) + self.bias)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "scale": self.scale}


@keras.saving.register_keras_serializable(package="r27")
def soft_clip(x):
    return 2.0 * ops.tanh(x / 2.0)


class ClippedAbsoluteError(keras.losses.Loss):
    def __init__(self, limit=1.0, name="clipped_abs", **kwargs):
        super().__init__(name=name, **kwargs)
        self.limit = limit

    def call(self, y_true, y_pred):
        return ops.mean(ops.minimum(ops.abs(y_true - y_pred), self.limit), axis=-1)

    def get_config(self):
        return {**super().get_config(), "limit": self.limit}


class WithinTolerance(keras.metrics.Metric):
    def __init__(self, tolerance=0.5, name="within", **kwargs):
        super().__init__(name=name, **kwargs)
        self.tolerance = tolerance
        self.hits = self.add_variable(shape=(), initializer="zeros", name="hits")
        self.seen = self.add_variable(shape=(), initializer="zeros", name="seen")

    def update_state(self, y_true, y_pred, sample_weight=None):
        close = ops.cast(ops.all(ops.abs(y_true - y_pred) < self.tolerance, axis=-1), "float32")
        self.hits.assign_add(ops.sum(close))
        self.seen.assign_add(ops.cast(ops.shape(close)[0], "float32"))

    def result(self):
        return self.hits / ops.maximum(self.seen, 1.0)

    def get_config(self):
        return {**super().get_config(), "tolerance": self.tolerance}


class NonNegativeBelow(keras.constraints.Constraint):
    def __init__(self, limit=0.8):
        self.limit = limit

    def __call__(self, w):
        return ops.clip(w, 0.0, self.limit)

    def get_config(self):
        return {"limit": self.limit}


def build():
    inputs = keras.Input((4,), name="x")
    h = ScaledDense(6, scale=0.5, name="scaled")(inputs)
    h = layers.Activation(soft_clip, name="soft")(h)
    outputs = layers.Dense(2, kernel_constraint=NonNegativeBelow(0.6), name="out")(h)
    return keras.Model(inputs, outputs, name="custom")


def main():
    print("registered", keras.saving.get_registered_name(ScaledDense), keras.saving.get_registered_name(soft_clip),
          keras.saving.get_registered_name(ClippedAbsoluteError),
          keras.saving.get_registered_object("r27>Scaled") is ScaledDense,
          keras.saving.get_registered_object("ClippedAbsoluteError") is None)
    print("in custom objects", "r27>Scaled" in keras.saving.get_custom_objects(),
          "r27>soft_clip" in keras.utils.get_custom_objects())
    config = keras.saving.serialize_keras_object(ScaledDense(3, scale=2.0, name="probe"))
    print("serialized", config["class_name"], config["registered_name"], config["config"]["units"],
          config["config"]["scale"])
    again = keras.saving.deserialize_keras_object(config)
    print("deserialized", type(again).__name__, again.units, again.scale, again.name)
    print("activation", keras.saving.serialize_keras_object(soft_clip),
          r(keras.saving.get_registered_object("r27>soft_clip")(np.array([-4.0, 0.5, 3.0], "float32")), 4))

    rng = np.random.default_rng(2708)
    x = rng.normal(size=(40, 4)).astype("float32")
    y = np.stack([np.abs(x[:, 0] - x[:, 1]), np.tanh(x[:, 2] + x[:, 3])], axis=1).astype("float32")
    keras.utils.set_random_seed(2708)
    model = build()
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss=ClippedAbsoluteError(limit=0.8),
                  metrics=[WithinTolerance(0.3), "mae"])
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False)
    for key in sorted(history.history):
        print("fit", key, r(history.history[key], 4))
    print("constraint held", bool(np.all(ops.convert_to_numpy(model.get_layer("out").kernel) >= 0)),
          float(np.max(ops.convert_to_numpy(model.get_layer("out").kernel))) <= 0.6 + 1e-6)

    keras.saving.save_model(model, "by_saving.keras")
    keras.models.save_model(model, "by_models.keras")
    model.save_weights("custom.weights.h5")
    customs = {"ClippedAbsoluteError": ClippedAbsoluteError, "WithinTolerance": WithinTolerance,
               "NonNegativeBelow": NonNegativeBelow}
    try:
        keras.saving.load_model("by_saving.keras")
    except Exception as error:
        print("without custom objects", type(error).__name__)
    loaded = keras.saving.load_model("by_saving.keras", custom_objects=customs)
    print("loaded", type(loaded.loss).__name__, loaded.loss.limit, [m.name for m in loaded.metrics],
          r(loaded.evaluate(x, y, verbose=0), 4))
    with keras.saving.CustomObjectScope(customs):
        scoped = keras.models.load_model("by_models.keras")
    print("scoped", r(scoped.predict(x[:3], verbose=0), 4) == r(model.predict(x[:3], verbose=0), 4),
          type(scoped.get_layer("out").kernel_constraint).__name__, scoped.get_layer("out").kernel_constraint.limit)
    with keras.saving.custom_object_scope(customs):
        bare = keras.saving.load_model("by_saving.keras", compile=False)
    print("uncompiled", bare.compiled, getattr(bare, "optimizer", None) is None)
    history = loaded.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    print("resumed", r(history.history["loss"], 4), r(history.history["within"], 4),
          int(loaded.optimizer.iterations))
    fresh = build()
    fresh.load_weights("custom.weights.h5")
    print("weights file", r(fresh.predict(x[:2], verbose=0), 4), r(model.predict(x[:2], verbose=0), 4))


if __name__ == "__main__":
    main()
