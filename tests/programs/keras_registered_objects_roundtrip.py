"""A Keras program, written for Keras 3: custom objects registered with keras.saving.register_keras_serializable
(a layer with a nested sublayer and a build-time weight, an activation function, a loss class, a metric and a
constraint), a functional model built from them, its get_config / from_config and to_json / model_from_json round
trips with and without custom_objects and custom_object_scope, serialize_keras_object / deserialize_keras_object,
get_registered_name / get_registered_object, and .keras and .weights.h5 save / load after a short fit.
Weights are set from NumPy. Real Keras and deepgrad print the same."""
import json

import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


@keras.saving.register_keras_serializable(package="round11")
def scaled_tanh(x):
    return 1.7 * ops.tanh(x * 0.66)


@keras.saving.register_keras_serializable(package="round11")
class CenterNorm(keras.constraints.Constraint):
    def __init__(self, limit=1.0):
        self.limit = limit

    def __call__(self, w):
        w = w - ops.mean(w, axis=0, keepdims=True)
        return ops.clip(w, -self.limit, self.limit)

    def get_config(self):
        return {"limit": self.limit}


@keras.saving.register_keras_serializable(package="round11")
class GatedBlock(layers.Layer):
    def __init__(self, units, limit=0.5, **kwargs):
        super().__init__(**kwargs)
        self.units, self.limit = units, limit
        self.proj = layers.Dense(units, activation=scaled_tanh, kernel_constraint=CenterNorm(limit))

    def build(self, input_shape):
        self.gate = self.add_weight(shape=(self.units,), initializer="ones", name="gate")
        self.proj.build(input_shape)

    def call(self, x):
        return self.proj(x) * ops.sigmoid(self.gate)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "limit": self.limit}


@keras.saving.register_keras_serializable(package="round11", name="LogCoshPlus")
class LogCoshPlus(keras.losses.Loss):
    def __init__(self, bias=0.1, name="log_cosh_plus", **kwargs):
        super().__init__(name=name, **kwargs)
        self.bias = bias

    def call(self, y_true, y_pred):
        return ops.mean(ops.log(ops.cosh(y_pred - y_true)) + self.bias * ops.abs(y_pred - y_true), axis=-1)

    def get_config(self):
        return {**super().get_config(), "bias": self.bias}


def build():
    inputs = keras.Input((5,), name="x")
    h = GatedBlock(6, name="block")(inputs)
    outputs = layers.Dense(2, name="head")(h)
    return keras.Model(inputs, outputs, name="registered")


def main():
    print("names", keras.saving.get_registered_name(GatedBlock), keras.saving.get_registered_name(scaled_tanh),
          keras.saving.get_registered_name(LogCoshPlus))
    print("lookup", keras.saving.get_registered_object("round11>CenterNorm").__name__)
    rng = np.random.default_rng(23)
    x = rng.standard_normal((48, 5)).astype("float32")
    y = np.stack([x[:, 0] - x[:, 1], x[:, 2] * x[:, 3]], axis=1).astype("float32")

    model = build()
    init = np.random.default_rng(0)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=LogCoshPlus(bias=0.2),
                  metrics=[keras.metrics.MeanAbsoluteError(name="mae")])
    history = model.fit(x, y, batch_size=12, epochs=3, verbose=0, shuffle=False)
    print("loss", r(history.history["loss"]))
    kernel = model.get_layer("block").proj.kernel.numpy()
    print("constraint held", bool(np.all(np.abs(kernel) <= 0.5 + 1e-6)),
          "centred", r(np.abs(kernel.mean(axis=0)).max(), 5))

    config = model.get_config()
    block = config["layers"][1]
    print("block config", block["class_name"], block.get("registered_name"),
          sorted(block["config"]))
    clone = keras.Model.from_config(config)
    clone.set_weights(model.get_weights())
    print("from_config same", bool(np.allclose(clone.predict(x[:4], verbose=0), model.predict(x[:4], verbose=0))))
    as_json = model.to_json()
    print("json keys", sorted(json.loads(as_json)), json.loads(as_json)["class_name"])
    again = keras.models.model_from_json(as_json)
    print("from json layers", [layer.name for layer in again.layers])

    serialized = keras.saving.serialize_keras_object(LogCoshPlus(bias=0.3))
    print("serialized loss", serialized["class_name"], serialized["registered_name"], serialized["config"]["bias"])
    restored = keras.saving.deserialize_keras_object(serialized)
    print("deserialized", type(restored).__name__, restored.bias,
          r(restored(ops.convert_to_tensor(y[:4]), ops.convert_to_tensor(y[:4] + 0.5))))
    act = keras.saving.get_registered_object("round11>scaled_tanh")
    print("activation", r(act(ops.convert_to_tensor(np.array([-1.0, 0.0, 2.0], "float32")))))
    print("serialize activation", keras.saving.serialize_keras_object(scaled_tanh))

    model.save("registered.keras")
    loaded = keras.models.load_model("registered.keras")
    print("loaded loss", type(loaded.loss).__name__, loaded.loss.bias)
    print("loaded same", bool(np.allclose(loaded.predict(x[:4], verbose=0), model.predict(x[:4], verbose=0))))
    print("loaded evaluate", r(loaded.evaluate(x, y, verbose=0)))
    model.save_weights("registered.weights.h5")
    fresh = build()
    fresh.load_weights("registered.weights.h5")
    print("weights file", bool(np.allclose(fresh.predict(x[:4], verbose=0), model.predict(x[:4], verbose=0))),
          [w.path for w in fresh.weights])


if __name__ == "__main__":
    main()
