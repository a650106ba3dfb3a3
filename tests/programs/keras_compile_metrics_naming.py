"""A Keras program, written for Keras 3: what compile's arguments turn into — metrics given as a list, per output
as a dict and as a list of lists, weighted_metrics next to metrics with sample_weight, metric names fit logs
(string names, objects, functions, duplicates across outputs), model.metrics / metrics_names before and after the
first step, get_compile_config and compile_from_config, evaluate's list order, and a ModelCheckpoint with
save_best_only, monitor and mode on a per-output metric together with CSVLogger rows. Weights are set from
NumPy, so real Keras and deepgrad print the same."""
import csv
import os

import numpy as np

import keras
from keras import layers


def build():
    inputs = keras.Input((4,), name="x")
    h = layers.Dense(6, activation="relu", name="trunk")(inputs)
    score = layers.Dense(1, activation="sigmoid", name="score")(h)
    value = layers.Dense(2, name="value")(h)
    model = keras.Model(inputs, [score, value], name="two_heads")
    rng = np.random.default_rng(3)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return model


@keras.saving.register_keras_serializable(package="round14")
def mean_error(y_true, y_pred):
    return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)


def numbers(logs):
    return {k: round(float(v), 4) for k, v in sorted(logs.items())}


def main():
    rng = np.random.default_rng(12)
    x = rng.standard_normal((24, 4)).astype("float32")
    y_score = (x[:, :1] > 0).astype("float32")
    y_value = np.stack([x[:, 1] + x[:, 2], x[:, 3]], 1).astype("float32")
    weights = np.linspace(0.2, 2.0, 24).astype("float32")

    model = build()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=["binary_crossentropy", "mse"],
                  metrics=[["accuracy", keras.metrics.AUC(name="auc")], ["mae", mean_error]],
                  weighted_metrics=[["accuracy"], ["mse"]], loss_weights=[1.0, 0.5])
    print("metrics before", [m.name for m in model.metrics], model.metrics_names)
    history = model.fit(x, [y_score, y_value], sample_weight=weights, batch_size=8, epochs=2, shuffle=False, verbose=0)
    print("logs", sorted(history.history))
    print("values", {k: np.round(v, 4).tolist() for k, v in sorted(history.history.items())})
    print("metrics after", [m.name for m in model.metrics], model.metrics_names)
    print("evaluate", np.round(model.evaluate(x, [y_score, y_value], verbose=0), 4).tolist())
    print("evaluate dict", numbers(model.evaluate(x, [y_score, y_value], sample_weight=weights, verbose=0,
                                                  return_dict=True)))

    config = model.get_compile_config()
    print("compile config", sorted(config))
    print("  loss", config["loss"], "loss_weights", config["loss_weights"])
    again = build()
    again.compile_from_config(config)
    print("from config", again.optimizer.__class__.__name__, round(float(again.optimizer.learning_rate), 4),
          numbers(again.evaluate(x, [y_score, y_value], verbose=0, return_dict=True)))

    model = build()
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss={"score": keras.losses.BinaryCrossentropy(), "value": keras.losses.Huber()},
                  metrics={"score": [keras.metrics.BinaryAccuracy(threshold=0.4), "precision"],
                           "value": [keras.metrics.RootMeanSquaredError(name="rmse")]})
    checkpoint = keras.callbacks.ModelCheckpoint("best.weights.h5", monitor="val_value_rmse", mode="min",
                                                 save_best_only=True, save_weights_only=True, verbose=0)
    saved = []

    class Watch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            saved.append((epoch, os.path.exists("best.weights.h5"), round(float(checkpoint.best), 4)))

    logger = keras.callbacks.CSVLogger("log.csv", separator=";")
    history = model.fit(x[:16], {"score": y_score[:16], "value": y_value[:16]}, batch_size=8, epochs=4, verbose=0,
                        shuffle=False, validation_data=(x[16:], {"score": y_score[16:], "value": y_value[16:]}),
                        callbacks=[checkpoint, Watch(), logger])
    print("dict logs", sorted(history.history))
    print("val rmse", np.round(history.history["val_value_rmse"], 4).tolist(), "saved", saved)
    with open("log.csv") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    print("csv header", rows[0])
    print("csv rows", len(rows) - 1, [row[0] for row in rows[1:]])
    best = build()
    best.load_weights("best.weights.h5")
    print("best head", np.round(best.get_layer("value").get_weights()[1], 4).tolist())
