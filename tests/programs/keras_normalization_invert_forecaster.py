"""A Keras program, written for Keras 3: a multi-series forecaster that standardizes its inputs with an adapted
Normalization layer (axis=-1 over (batch, steps, series) windows), predicts in normalized units and maps the
predictions back with a second Normalization(invert=True) built from the target statistics; also Normalization
with axis=None, axis=(1, 2), explicit mean / variance, adapt called twice, its state and config, Rescaling with
offset, and a .keras round trip that keeps the adapted statistics. Weights are set from NumPy. Real Keras and
deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def windows(series, width, horizon):
    xs, ys = [], []
    for start in range(len(series) - width - horizon + 1):
        xs.append(series[start:start + width])
        ys.append(series[start + width + horizon - 1, :2])
    return np.array(xs, "float32"), np.array(ys, "float32")


def main():
    rng = np.random.default_rng(8)
    t = np.arange(160, dtype="float32")
    series = np.stack([20 + 5 * np.sin(t / 6), 300 + 40 * np.cos(t / 9), 0.01 * t + rng.normal(0, 0.1, 160)],
                      axis=1).astype("float32")
    x, y = windows(series, width=12, horizon=3)
    print("windows", x.shape, y.shape)

    norm_in = layers.Normalization(axis=-1, name="norm_in")
    norm_in.adapt(x[:100])
    print("adapted mean", r(ops.convert_to_numpy(norm_in.mean).reshape(-1), 3),
          "variance", r(ops.convert_to_numpy(norm_in.variance).reshape(-1), 3))
    target_mean, target_var = y[:100].mean(axis=0), y[:100].var(axis=0)
    norm_out = layers.Normalization(mean=target_mean, variance=target_var, invert=True, name="denorm")

    inputs = keras.Input((12, 3))
    h = norm_in(inputs)
    h = layers.Conv1D(8, 3, activation="relu")(h)
    h = layers.GlobalAveragePooling1D()(h)
    scaled = layers.Dense(2, name="scaled")(h)
    outputs = norm_out(scaled)
    model = keras.Model(inputs, outputs, name="forecaster")
    init = np.random.default_rng(3)
    trainable = [w for w in model.weights if w.trainable]
    for w in trainable:
        w.assign(init.uniform(-0.3, 0.3, tuple(w.shape)).astype("float32"))
    print("weights", [(w.path, w.trainable) for w in model.weights])

    train_model = keras.Model(inputs, scaled)
    y_scaled = (y - target_mean) / np.sqrt(target_var)
    train_model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", metrics=["mae"])
    history = train_model.fit(x[:100], y_scaled[:100], batch_size=20, epochs=4, verbose=0, shuffle=False,
                              validation_data=(x[100:], y_scaled[100:]))
    print("loss", r(history.history["loss"]), "val_mae", r(history.history["val_mae"]))
    predicted = model.predict(x[100:104], verbose=0)
    print("forecast", r(predicted, 2))
    print("truth", r(y[100:104], 2))
    back = norm_out(norm_in.mean[0, 0, :2] * 0.0)
    print("inverted zero", r(back, 3), r(target_mean, 3))

    flat = layers.Normalization(axis=None)
    flat.adapt(np.array([[1.0, 2.0], [3.0, 10.0]], "float32"))
    print("axis None", r(flat.mean), r(flat.variance), r(flat(np.array([[4.0]], "float32"))))
    grid = layers.Normalization(axis=(1, 2))
    grid.adapt(x[:50, :4])
    print("axis (1, 2)", tuple(grid.mean.shape), r(ops.convert_to_numpy(grid.mean)[0, :2, 0], 3))
    again = layers.Normalization()
    again.adapt(np.array([[0.0], [2.0]], "float32"))
    first = r(again.mean)
    again.adapt(np.array([[10.0], [20.0], [30.0]], "float32"))
    print("adapt twice", first, r(again.mean), r(again.variance))
    config = norm_out.get_config()
    print("config", {k: config[k] for k in ("axis", "invert")}, r(config["mean"], 3))
    print("rescaling", r(layers.Rescaling(1 / 127.5, offset=-1)(np.array([[0.0, 127.5, 255.0]], "float32"))),
          r(layers.Rescaling([0.5, 2.0])(np.array([[4.0, 4.0]], "float32"))))

    model.save("forecaster.keras")
    loaded = keras.models.load_model("forecaster.keras")
    print("loaded stats", r(ops.convert_to_numpy(loaded.get_layer("norm_in").mean).reshape(-1), 3))
    print("loaded same", bool(np.allclose(loaded.predict(x[100:104], verbose=0), predicted, atol=1e-4)))


if __name__ == "__main__":
    main()
