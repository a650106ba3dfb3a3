"""A Keras program, written for Keras 3: custom Loss subclasses with constructor arguments and get_config,
registered with keras.saving.register_keras_serializable, a custom metric function and a custom layer, used in
compile and fit; the model saved to .keras and loaded back (with and without custom_objects), its compiled loss
and metrics restored, evaluate equal before and after; keras.losses.serialize / deserialize / get of the
custom loss, and a loss called directly with sample weights and each reduction. Weights are set from NumPy, so
real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).tolist()


@keras.saving.register_keras_serializable(package="round13")
class WeightedHuber(keras.losses.Loss):
    def __init__(self, delta=1.0, positive_weight=2.0, name="weighted_huber", reduction="sum_over_batch_size"):
        super().__init__(name=name, reduction=reduction)
        self.delta, self.positive_weight = delta, positive_weight

    def call(self, y_true, y_pred):
        error = y_pred - y_true
        small = ops.abs(error) <= self.delta
        loss = ops.where(small, 0.5 * ops.square(error), self.delta * (ops.abs(error) - 0.5 * self.delta))
        weight = ops.where(y_true > 0, self.positive_weight, 1.0)
        return ops.mean(loss * weight, axis=-1)

    def get_config(self):
        return {**super().get_config(), "delta": self.delta, "positive_weight": self.positive_weight}


@keras.saving.register_keras_serializable(package="round13")
def max_error(y_true, y_pred):
    return ops.max(ops.abs(y_true - y_pred), axis=-1)


@keras.saving.register_keras_serializable(package="round13")
class Offset(layers.Layer):
    def __init__(self, start=0.5, **kwargs):
        super().__init__(**kwargs)
        self.start = start

    def build(self, input_shape):
        self.offset = self.add_weight(shape=(input_shape[-1],), name="offset",
                                      initializer=keras.initializers.Constant(self.start))

    def call(self, x):
        return x + self.offset

    def get_config(self):
        return {**super().get_config(), "start": self.start}


def main():
    loss = WeightedHuber(delta=0.5, positive_weight=3.0)
    y_true = np.array([[1.0, 0.0], [0.0, -1.0], [2.0, 1.0]], "float32")
    y_pred = np.array([[0.2, 0.3], [0.1, 0.4], [2.5, -1.0]], "float32")
    print("loss", r(loss(y_true, y_pred)), "weighted", r(loss(y_true, y_pred, sample_weight=np.array([1.0, 0.0, 2.0]))))
    for reduction in ("sum", "none", "mean", "sum_over_batch_size", None):
        print("reduction", reduction, r(WeightedHuber(reduction=reduction)(y_true, y_pred)))
    config = loss.get_config()
    print("config", sorted(config.items()))
    serialized = keras.losses.serialize(loss)
    print("serialized", serialized["class_name"], serialized.get("registered_name"))
    again = keras.losses.deserialize(serialized)
    print("deserialized", type(again).__name__, again.delta, again.positive_weight, again.name)
    print("by name", keras.saving.get_registered_name(WeightedHuber), keras.saving.get_registered_object(
        "round13>max_error") is max_error)

    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, name="dense"), Offset(0.25, name="offset")])
    model.get_layer("dense").set_weights([np.array([[0.4, -0.2], [0.1, 0.5], [-0.3, 0.2]], "float32"),
                                          np.zeros(2, "float32")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=loss, metrics=[max_error, "mae"])
    x = np.stack([np.linspace(-1, 1, 12), np.cos(np.arange(12.0)), np.sin(np.arange(12.0))], 1).astype("float32")
    y = np.stack([x[:, 0] * 2 - 0.5, x[:, 1] - x[:, 2]], 1).astype("float32")
    history = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print("history", key, r(history.history[key]))
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    model.save("custom.keras")
    loaded = keras.saving.load_model("custom.keras")
    after = loaded.evaluate(x, y, verbose=0, return_dict=True)
    print("evaluate before", {k: round(float(v), 4) for k, v in before.items()})
    print("evaluate after", {k: round(float(v), 4) for k, v in after.items()})
    print("loaded loss", type(loaded.loss).__name__, loaded.loss.delta, "offset", r(loaded.get_layer("offset").offset))
    print("optimizer", type(loaded.optimizer).__name__, int(loaded.optimizer.iterations),
          round(float(loaded.optimizer.learning_rate), 4))
    loaded.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    model.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    print("continued equal", np.allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5))
    plain = keras.saving.load_model("custom.keras", custom_objects={"WeightedHuber": WeightedHuber}, compile=False)
    print("uncompiled", plain.compiled if hasattr(plain, "compiled") else None, r(plain.predict(x[:2], verbose=0)))


if __name__ == "__main__":
    main()
