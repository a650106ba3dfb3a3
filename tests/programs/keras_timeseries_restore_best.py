"""A Keras program, written for Keras 3: a timeseries classifier trained from scratch on three kinds of noisy
series (slow sines, fast sines, sawtooth waves; standardized per series). Conv1D + BatchNormalization + ReLU
blocks (no convolution bias: BatchNormalization's beta takes its place), GlobalAveragePooling1D and a softmax Dense layer, trained with Adam, validation_split=0.2 and three
callbacks: ModelCheckpoint(save_best_only=True, monitor='val_loss') to a file in a temporary folder,
ReduceLROnPlateau(factor=0.5, patience=1, min_lr=1e-4) and EarlyStopping(patience=2, restore_best_weights=True).
Then the best checkpoint is loaded back with keras.models.load_model and evaluated beside the restored model.
The weights start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import os
import tempfile

import numpy as np

import keras
from keras import layers

LENGTH = 32


def make_series(rng, n):
    t = np.arange(LENGTH, dtype="float64")
    labels = rng.integers(0, 3, size=n)
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    slow = np.sin(0.2 * t + phase)
    fast = np.sin(0.7 * t + phase)
    saw = ((0.15 * t + phase) % 2.0) - 1.0
    waves = np.where(labels[:, None] == 0, slow, np.where(labels[:, None] == 1, fast, saw))
    series = waves + 0.3 * rng.standard_normal((n, LENGTH))
    series = (series - series.mean(axis=1, keepdims=True)) / series.std(axis=1, keepdims=True)
    return series.reshape((n, LENGTH, 1)).astype("float32"), labels


def make_model(input_shape, num_classes):
    input_layer = keras.layers.Input(input_shape)
    conv1 = layers.Conv1D(filters=6, kernel_size=3, padding="same", use_bias=False)(input_layer)
    conv1 = layers.BatchNormalization(momentum=0.8)(conv1)
    conv1 = layers.ReLU()(conv1)
    conv2 = layers.Conv1D(filters=6, kernel_size=3, padding="same", use_bias=False)(conv1)
    conv2 = layers.BatchNormalization(momentum=0.8)(conv2)
    conv2 = layers.ReLU()(conv2)
    conv3 = layers.Conv1D(filters=6, kernel_size=5, padding="same", use_bias=False)(conv2)
    conv3 = layers.BatchNormalization(momentum=0.8)(conv3)
    conv3 = layers.ReLU()(conv3)
    gap = layers.GlobalAveragePooling1D()(conv3)
    output_layer = layers.Dense(num_classes, activation="softmax")(gap)
    return keras.models.Model(inputs=input_layer, outputs=output_layer)


def main():
    rng = np.random.default_rng(2024)
    x_train, y_train = make_series(rng, 80)
    x_test, y_test = make_series(rng, 24)
    num_classes = len(np.unique(y_train))
    print("shapes", x_train.shape, x_test.shape, "classes", num_classes, np.bincount(y_train).tolist())

    model = make_model(input_shape=x_train.shape[1:], num_classes=num_classes)
    init = np.random.default_rng(3)
    weights = []
    for w in model.get_weights():
        weights.append(init.normal(0.0, 0.6, size=w.shape).astype("float32"))
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.moving_variance.assign(np.ones(layer.moving_variance.shape, "float32"))
    trainable = {id(v) for v in model.trainable_weights}
    model.set_weights([w if id(v) in trainable else v.numpy() for w, v in zip(weights, model.weights)])
    print("params", model.count_params(), "trainable", len(model.trainable_weights),
          "non-trainable", len(model.non_trainable_weights))

    folder = tempfile.mkdtemp()
    best_path = os.path.join(folder, "best_model.keras")
    callbacks = [
        keras.callbacks.ModelCheckpoint(best_path, save_best_only=True, monitor="val_loss"),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=1e-4, verbose=1),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True, verbose=1),
    ]
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.04), loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_accuracy"])
    history = model.fit(x_train, y_train, batch_size=8, epochs=14, callbacks=callbacks, validation_split=0.2,
                        shuffle=False, verbose=0)
    print("epochs run", len(history.epoch), "keys", sorted(history.history))
    for epoch in history.epoch:
        print("epoch %d loss %.5f val_loss %.5f learning_rate %.6f" % (
            epoch, history.history["loss"][epoch], history.history["val_loss"][epoch],
            history.history["learning_rate"][epoch]))
    stopper = callbacks[2]
    print("stopped_epoch", stopper.stopped_epoch, "best_epoch", stopper.best_epoch, "best %.5f" % stopper.best)
    print("optimizer lr now %.6f" % float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)))

    restored = model.evaluate(x_test, y_test, verbose=0)
    print("restored model: test loss %.5f accuracy %.5f" % tuple(restored))
    print("checkpoint written", os.path.exists(best_path))
    best = keras.models.load_model(best_path)
    loss, accuracy = best.evaluate(x_test, y_test, verbose=0)
    print("best checkpoint: test loss %.5f accuracy %.5f" % (loss, accuracy))
    print("same weights", all(np.allclose(a, b) for a, b in zip(best.get_weights(), model.get_weights())))
    print("loaded optimizer", type(best.optimizer).__name__, "iterations", int(best.optimizer.iterations.numpy()))
    print(np.round(best.predict(x_test[:4], verbose=0), 4))
    more = best.fit(x_train, y_train, batch_size=8, epochs=2, shuffle=False, verbose=0)
    print("loaded model trained on:", ["%.5f" % v for v in more.history["loss"]],
          "lr %.6f" % float(keras.ops.convert_to_numpy(best.optimizer.learning_rate)),
          "iterations", int(best.optimizer.iterations.numpy()))
    print("predicted classes", np.argmax(best.predict(x_test, verbose=0), axis=1).tolist())


if __name__ == "__main__":
    main()
