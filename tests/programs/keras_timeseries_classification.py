"""A Keras program, written for Keras 3: a fully convolutional classifier for univariate time series (noisy
sines against noisy square waves of random frequency and phase, standardized per series). Three blocks of
Conv1D + BatchNormalization + ReLU, GlobalAveragePooling1D and a softmax Dense layer, trained with
validation_split and three callbacks: ModelCheckpoint(save_best_only=True, monitor='val_loss') to a .keras file,
ReduceLROnPlateau and EarlyStopping; then evaluate, and load_model of the best checkpoint and its evaluate. The
weights start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import os

import numpy as np

import keras
from keras import layers

LENGTH = 40


def make_data(rng, n):
    t = np.arange(LENGTH, dtype="float64")
    labels = rng.integers(0, 2, size=n)
    frequency = rng.uniform(0.1, 0.35, size=(n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    waves = np.sin(frequency * t + phase)
    waves[labels == 1] = np.sign(waves[labels == 1])
    series = waves + 0.4 * rng.standard_normal((n, LENGTH))
    series = (series - series.mean(axis=1, keepdims=True)) / series.std(axis=1, keepdims=True)
    return series[..., None].astype("float32"), labels.astype("int64")


def make_model(input_shape, num_classes):
    input_layer = keras.Input(input_shape)
    x = input_layer
    for _ in range(3):
        x = layers.Conv1D(filters=8, kernel_size=3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.8)(x)
        x = layers.ReLU()(x)
    x = layers.GlobalAveragePooling1D()(x)
    output_layer = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs=input_layer, outputs=output_layer)


def main():
    rng = np.random.default_rng(17)
    x_train, y_train = make_data(rng, 60)
    x_test, y_test = make_data(rng, 20)
    print(x_train.shape, np.bincount(y_train).tolist(), np.bincount(y_test).tolist())

    model = make_model(x_train.shape[1:], 2)
    init = np.random.default_rng(9)
    for w in model.weights:
        if "gamma" in w.path or "moving_variance" in w.path:
            w.assign(np.ones(tuple(w.shape), "float32"))
        elif "beta" in w.path or "moving_mean" in w.path:
            w.assign(np.zeros(tuple(w.shape), "float32"))
        else:
            w.assign(init.normal(0.0, 0.4, size=tuple(w.shape)).astype("float32"))
    print([w.path for w in model.trainable_weights][:4], model.count_params())

    callbacks = [
        keras.callbacks.ModelCheckpoint("best_model.keras", save_best_only=True, monitor="val_loss"),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, min_lr=0.001, verbose=1),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, verbose=1),
    ]
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"])
    history = model.fit(x_train, y_train, batch_size=12, epochs=16, callbacks=callbacks, validation_split=0.2,
                        shuffle=False, verbose=0)
    print("epochs", history.epoch)
    print(sorted(history.history))
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("learning rates", [float("%.6g" % v) for v in history.history["learning_rate"]])
    print("stopped", callbacks[2].stopped_epoch, "best %.5f" % callbacks[2].best, "plateau wait", callbacks[1].wait)

    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
    print("last model: test loss %.5f accuracy %.5f" % (test_loss, test_acc))
    print("checkpoint saved", os.path.exists("best_model.keras"))
    best = keras.models.load_model("best_model.keras")
    test_loss, test_acc = best.evaluate(x_test, y_test, verbose=0)
    print("best model: test loss %.5f accuracy %.5f" % (test_loss, test_acc))
    print(type(best.optimizer).__name__, "%.6f" % float(keras.ops.convert_to_numpy(best.optimizer.learning_rate)))
    print(np.round(best.predict(x_test[:4], verbose=0), 5))


if __name__ == "__main__":
    main()
