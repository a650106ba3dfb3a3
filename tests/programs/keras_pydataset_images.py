"""A Keras program, written for Keras 3: a small channels-last image classifier fed by a keras.utils.PyDataset
subclass (batches built on demand, a partial last batch, on_epoch_end), labels one-hot with
keras.utils.to_categorical, validation from a second PyDataset, then predict on a PyDataset and on arrays
with a partial final batch, predict_on_batch / train_on_batch / test_on_batch, and the weights copied into
a second model with get_weights / set_weights. The weights start from the same NumPy arrays, so real Keras
and deepgrad print the same numbers."""
import math

import numpy as np

import keras
from keras import layers


class Images(keras.utils.PyDataset):
    def __init__(self, images, labels, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.images, self.labels, self.batch_size = images, labels, batch_size
        self.epochs_seen = 0

    def __len__(self):
        return math.ceil(len(self.images) / self.batch_size)

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        x = self.images[part].astype("float32") / 255.0
        if self.labels is None:
            return x
        return x, keras.utils.to_categorical(self.labels[part], num_classes=3)

    def on_epoch_end(self):
        self.epochs_seen += 1


def build():
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(4, 3, activation="relu", padding="same"),
        layers.MaxPooling2D(2),
        layers.Conv2D(6, 3, activation="relu"),
        layers.Flatten(),
        layers.Dropout(0.0),
        layers.Dense(3, activation="softmax"),
    ])
    return model


def main():
    rng = np.random.default_rng(6)
    labels = rng.integers(0, 3, size=70)
    images = rng.integers(0, 120, size=(70, 8, 8, 1))
    for image, label in zip(images, labels):
        image[label * 2:label * 2 + 3, :, 0] += 120
    train = Images(images[:50], labels[:50], batch_size=16)
    val = Images(images[50:], labels[50:], batch_size=8)
    print(len(train), len(val), [a.shape for a in train[3]], train[0][1][:2].tolist())

    model = build()
    init = np.random.default_rng(3)
    for w in model.weights:
        w.assign(init.uniform(-0.4, 0.4, size=tuple(w.shape)).astype("float32"))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.CategoricalCrossentropy(name="ce")])
    history = model.fit(train, validation_data=val, epochs=4, shuffle=False, verbose=0)
    print("epochs seen", train.epochs_seen, history.params)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])

    predictions = model.predict(Images(images[50:], None, batch_size=6), verbose=0)
    print(predictions.shape, np.round(predictions[-1], 5).tolist())
    same = model.predict(images[50:].astype("float32") / 255.0, batch_size=6, verbose=0)
    print("same", np.allclose(predictions, same, atol=1e-6))
    print(np.round(keras.ops.convert_to_numpy(model.predict_on_batch(images[:2] / 255.0)), 5).tolist())
    x_batch, y_batch = train[0]
    print("train_on_batch", ["%.5f" % v for v in model.train_on_batch(x_batch, y_batch)])
    print("test_on_batch", ["%.5f" % v for v in model.test_on_batch(x_batch, y_batch)])
    print("evaluate", ["%.5f" % v for v in model.evaluate(val, verbose=0)])

    copy = build()
    copy.set_weights(model.get_weights())
    print([w.shape for w in copy.get_weights()])
    print("copied", np.allclose(copy.predict(x_batch, verbose=0), model.predict(x_batch, verbose=0), atol=1e-6))


if __name__ == "__main__":
    main()
