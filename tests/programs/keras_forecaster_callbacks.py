"""A Keras program, written for Keras 3: a time-series forecaster (after keras.io's weather forecasting and
"making new layers" guides) whose custom layers own weights made with add_weight (a learned per-feature
scaling with a constraint, and a gated residual unit with a regularizer, non-trainable counter and
get_config), registered with keras.saving.register_keras_serializable, on an LSTM; trained with
ModelCheckpoint(save_best_only=True) to a .keras file, EarlyStopping(restore_best_weights=True) and
ReduceLROnPlateau together; then the best model is loaded back with keras.models.load_model and compared with
the restored weights. The weights start from the same NumPy arrays, so real Keras and deepgrad print the
same numbers."""
import numpy as np

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="forecast")
class FeatureScale(layers.Layer):
    def __init__(self, init_value=1.0, **kwargs):
        super().__init__(**kwargs)
        self.init_value = init_value

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), name="scale",
                                     initializer=keras.initializers.Constant(self.init_value),
                                     constraint=keras.constraints.NonNeg())

    def call(self, inputs):
        return inputs * self.scale

    def get_config(self):
        return {**super().get_config(), "init_value": self.init_value}


@keras.saving.register_keras_serializable(package="forecast")
class GatedResidual(layers.Layer):
    def __init__(self, units, l2=0.001, **kwargs):
        super().__init__(**kwargs)
        self.units, self.l2 = units, l2

    def build(self, input_shape):
        dim = input_shape[-1]
        self.w = self.add_weight(shape=(dim, self.units), initializer="glorot_uniform", name="w",
                                 regularizer=keras.regularizers.L2(self.l2))
        self.gate = self.add_weight(shape=(dim, self.units), initializer="glorot_uniform", name="gate")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")
        self.project = self.add_weight(shape=(dim, self.units), initializer="glorot_uniform", name="project")
        self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False, name="calls")

    def call(self, x, training=None):
        if training:
            self.calls.assign_add(1.0)
        hidden = ops.elu(ops.matmul(x, self.w) + self.b)
        gate = ops.sigmoid(ops.matmul(x, self.gate))
        return gate * hidden + (1.0 - gate) * ops.matmul(x, self.project)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "l2": self.l2}


def windows(series, past, future):
    x = np.stack([series[i:i + past] for i in range(len(series) - past - future)])
    y = np.stack([series[i + past:i + past + future, 0] for i in range(len(series) - past - future)])
    return x.astype("float32"), y.astype("float32")


def main():
    rng = np.random.default_rng(17)
    t = np.arange(160, dtype="float32")
    series = np.stack([np.sin(t / 6) + 0.15 * rng.standard_normal(160), np.cos(t / 11),
                       0.3 * rng.standard_normal(160)], axis=1)
    x, y = windows(series, 10, 2)
    split = 110
    inputs = keras.Input(shape=(10, 3), name="history")
    h = FeatureScale(0.8, name="scale")(inputs)
    h = layers.LSTM(8, name="lstm")(h)
    h = GatedResidual(6, name="grn")(h)
    outputs = layers.Dense(2, name="forecast")(h)
    model = keras.Model(inputs, outputs, name="forecaster")
    init = np.random.default_rng(5)
    for w in model.trainable_weights:
        w.assign(init.uniform(-0.4, 0.4, size=tuple(w.shape)).astype("float32"))
    print([(w.path, tuple(w.shape), w.trainable) for w in model.weights])
    model.compile(optimizer=keras.optimizers.Adam(0.06), loss="mse", metrics=["mae"])
    callbacks = [keras.callbacks.ModelCheckpoint("best.keras", monitor="val_loss", save_best_only=True),
                 keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True,
                                               min_delta=1e-3),
                 keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=1e-3)]
    history = model.fit(x[:split], y[:split], validation_data=(x[split:], y[split:]), epochs=16, batch_size=22,
                        shuffle=False, verbose=0, callbacks=callbacks)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("epochs run", len(history.epoch), "stopped at", callbacks[1].stopped_epoch, "best",
          "%.5f" % callbacks[1].best, "lr", round(float(ops.convert_to_numpy(model.optimizer.learning_rate)), 6))
    print("calls counted", float(ops.convert_to_numpy(model.get_layer("grn").calls)),
          "scale", np.round(ops.convert_to_numpy(model.get_layer("scale").scale), 5).tolist())
    print("regularization", len(model.losses), ["%.6f" % float(ops.convert_to_numpy(v)) for v in model.losses])
    restored = model.evaluate(x[split:], y[split:], verbose=0)
    print("restored", ["%.5f" % v for v in restored])

    best = keras.models.load_model("best.keras")
    print("loaded", [type(l).__name__ for l in best.layers], best.get_layer("grn").get_config()["units"])
    print("same as restored", all(np.allclose(a, b, atol=1e-6) for a, b in zip(best.get_weights(),
                                                                              model.get_weights())))
    print("loaded evaluate", ["%.5f" % v for v in best.evaluate(x[split:], y[split:], verbose=0)])
    forecast = best.predict(x[-3:], verbose=0)
    print("forecast", np.round(forecast, 5).tolist(), np.round(y[-3:], 5).tolist())
    print("registered", keras.saving.get_registered_name(GatedResidual),
          keras.saving.get_registered_object("forecast>FeatureScale") is FeatureScale)


if __name__ == "__main__":
    main()
