"""A Keras program, written for Keras 3: an image classifier whose preprocessing lives in the model (Rescaling,
Resizing, CenterCrop, Normalization adapted on the data) with Conv2D(dilation_rate), DepthwiseConv2D,
SeparableConv2D, MaxPooling2D / AveragePooling2D, GlobalMaxPooling2D, UpSampling2D and ZeroPadding2D /
Cropping2D; trained with class_weight and callbacks users add (CSVLogger, LambdaCallback, TerminateOnNaN,
ModelCheckpoint(save_weights_only), LearningRateScheduler, ReduceLROnPlateau); the log file and the saved
weights are read back. The weights start from the same NumPy arrays, so real Keras and deepgrad print the same
numbers."""
import csv

import numpy as np

import keras
from keras import layers


def build(norm):
    inputs = keras.Input((10, 10, 3))
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = layers.Resizing(12, 12, interpolation="bilinear")(x)
    x = layers.CenterCrop(10, 10)(x)
    x = norm(x)
    x = layers.Conv2D(6, 3, dilation_rate=2, padding="same", activation="relu")(x)
    x = layers.DepthwiseConv2D(3, depth_multiplier=2, padding="valid")(x)
    x = layers.SeparableConv2D(8, 3, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.UpSampling2D(2, interpolation="nearest")(x)
    x = layers.ZeroPadding2D(((1, 0), (0, 1)))(x)
    x = layers.Cropping2D(((0, 1), (1, 0)))(x)
    x = layers.AveragePooling2D(2, strides=2, padding="same")(x)
    x = layers.GlobalMaxPooling2D()(x)
    outputs = layers.Dense(3, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def main():
    rng = np.random.default_rng(11)
    y = rng.integers(0, 3, size=60)
    base = rng.uniform(0, 255, size=(3, 10, 10, 3))
    x = np.clip(base[y] + rng.normal(0, 40, size=(60, 10, 10, 3)), 0, 255).astype("float32")
    norm = layers.Normalization(axis=-1)
    norm.adapt(x[:40] / 255.0)
    print("norm", np.round(np.asarray(norm.mean).ravel(), 5).tolist(), np.round(np.asarray(norm.variance).ravel(), 5).tolist())
    model = build(norm)
    init = np.random.default_rng(1)
    for w in model.trainable_weights:
        w.assign(init.uniform(-0.4, 0.4, size=tuple(w.shape)).astype("float32"))
    print("shapes", [tuple(l.output.shape) for l in model.layers[1:]])
    print("params", model.count_params(), len(model.trainable_weights), len(model.non_trainable_weights))

    seen = []
    callbacks = [
        keras.callbacks.CSVLogger("log.csv"),
        keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append((epoch, round(logs["loss"], 5)))),
        keras.callbacks.TerminateOnNaN(),
        keras.callbacks.ModelCheckpoint("best.weights.h5", monitor="val_accuracy", save_best_only=True,
                                        save_weights_only=True, mode="max"),
        keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch >= 2 else lr),
        keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_lr=1e-4),
    ]
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x[:48], y[:48], validation_data=(x[48:], y[48:]), epochs=5, batch_size=12, shuffle=False,
                        verbose=0, callbacks=callbacks, class_weight={0: 1.0, 1: 2.0, 2: 0.5})
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("lambda", seen)
    with open("log.csv") as f:
        rows = list(csv.DictReader(f))
    print("csv", list(rows[0].keys()), [row["epoch"] for row in rows], ["%.5f" % float(row["loss"]) for row in rows])
    before = model.predict(x[:3], verbose=0)
    model.load_weights("best.weights.h5")
    after = model.predict(x[:3], verbose=0)
    print("predict", np.round(before, 5).tolist())
    print("best", np.round(after, 5).tolist())
    print("evaluate", ["%.5f" % v for v in model.evaluate(x, y, verbose=0)])


if __name__ == "__main__":
    main()
