"""A Keras program, written for Keras 3: a multi-step forecaster over sliding windows of a noisy seasonal
series, whose recurrent layers use the options users carry over from older Keras code: GRU(reset_after=False),
an LSTM with activation="relu", hard_sigmoid gates and weight constraints (MaxNorm, NonNeg), a Bidirectional
SimpleRNN with activation="elu", a TimeDistributed Dense head and a second model with recurrent_dropout used
for inference; trained with fit and EarlyStopping, evaluated, saved to .keras and reloaded; weights, configs and
predictions printed. The weights start from the same NumPy arrays, so real Keras and deepgrad print the same
numbers."""
import numpy as np

import keras
from keras import layers

WINDOW, HORIZON = 12, 3


def windows(series):
    xs, ys = [], []
    for start in range(len(series) - WINDOW - HORIZON + 1):
        xs.append(series[start:start + WINDOW])
        ys.append(series[start + WINDOW:start + WINDOW + HORIZON, 0])
    return np.array(xs, "float32"), np.array(ys, "float32")


def set_weights(model, seed):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.4, 0.4, size=w.shape).astype("float32") for w in model.get_weights()])


def build():
    inputs = keras.Input((WINDOW, 2), name="window")
    x = layers.GRU(8, reset_after=False, return_sequences=True, name="gru_v1")(inputs)
    x = layers.LSTM(6, activation="relu", recurrent_activation="hard_sigmoid", return_sequences=True,
                    kernel_constraint=keras.constraints.MaxNorm(1.5), bias_constraint=keras.constraints.NonNeg(),
                    name="relu_lstm")(x)
    x = layers.Bidirectional(layers.SimpleRNN(4, activation="elu", return_sequences=True), name="bi_elu")(x)
    steps = layers.TimeDistributed(layers.Dense(1), name="per_step")(x)
    flat = layers.Flatten()(steps)
    outputs = layers.Dense(HORIZON, name="forecast")(flat)
    return keras.Model(inputs, outputs, name="forecaster")


def main():
    rng = np.random.default_rng(3)
    t = np.arange(140, dtype="float32")
    level = np.sin(t * 2 * np.pi / 12) + 0.01 * t + 0.1 * rng.standard_normal(140)
    series = np.stack([level, np.cos(t * 2 * np.pi / 12)], axis=1).astype("float32")
    x, y = windows(series)
    print("windows", x.shape, y.shape, np.round(y[:2], 5).tolist())

    model = build()
    set_weights(model, 10)
    print("weights", [(w.path, tuple(w.shape)) for w in model.weights])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    history = model.fit(x[:100], y[:100], validation_data=(x[100:], y[100:]), epochs=5, batch_size=20,
                        shuffle=False, verbose=0, callbacks=[stop])
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("evaluate", ["%.5f" % v for v in model.evaluate(x[100:], y[100:], verbose=0)])
    lstm = model.get_layer("relu_lstm")
    print("kernel max norm", "%.5f" % float(np.sqrt((lstm.cell.kernel.numpy() ** 2).sum(axis=0)).max()),
          "bias min", "%.5f" % float(lstm.cell.bias.numpy().min()))
    config = lstm.get_config()
    print("lstm config", config["activation"], config["recurrent_activation"],
          config["kernel_constraint"]["class_name"], config["kernel_constraint"]["config"],
          config["bias_constraint"]["class_name"])
    gru_config = model.get_layer("gru_v1").get_config()
    print("gru config", gru_config["reset_after"], [tuple(w.shape) for w in model.get_layer("gru_v1").weights])
    forecast = model.predict(x[-3:], verbose=0)
    print("forecast", np.round(forecast, 5).tolist())

    model.save("forecaster.keras")
    again = keras.models.load_model("forecaster.keras")
    print("reloaded", np.allclose(again.predict(x[-3:], verbose=0), forecast, atol=1e-6),
          again.get_layer("gru_v1").reset_after, again.get_layer("relu_lstm").get_config()["kernel_constraint"]["config"])

    inputs = keras.Input((WINDOW, 2))
    seq = layers.LSTM(5, recurrent_dropout=0.25, dropout=0.1, return_sequences=True, name="rd_lstm")(inputs)
    last = layers.GRU(4, recurrent_dropout=0.25, name="rd_gru")(seq)
    mc = keras.Model(inputs, layers.Dense(HORIZON)(last))
    set_weights(mc, 4)
    print("rd weights", [tuple(w.shape) for w in mc.weights])
    print("rd predict", np.round(mc.predict(x[:2], verbose=0), 5).tolist())
    mc.compile(optimizer="sgd", loss="mse")
    print("rd evaluate", "%.5f" % mc.evaluate(x, y, verbose=0))
    print("rd config", mc.get_layer("rd_lstm").get_config()["recurrent_dropout"], mc.get_layer("rd_gru").get_config()["dropout"])


if __name__ == "__main__":
    main()
