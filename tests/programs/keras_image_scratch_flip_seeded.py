"""A Keras program, written for Keras 3, after keras.io's "Image classification from scratch" on small random
images: data_augmentation as a Sequential of RandomFlip("horizontal") inside the model (so it flips in fit and
stands aside in predict), Rescaling, an entry Conv2D + BatchNormalization + ReLU, residual blocks of
SeparableConv2D with a strided Conv2D shortcut, GlobalAveragePooling2D and Dropout, built after
keras.utils.set_random_seed so the default initializers, the flips and the dropout masks are Keras's; fit with
validation_split, the augmented batch itself, summary-free model facts and predictions. deepgrad draws Keras's own
numbers, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def make_model(input_shape, num_classes):
    data_augmentation = keras.Sequential([layers.RandomFlip("horizontal")], name="data_augmentation")
    inputs = keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = layers.Rescaling(1.0 / 255)(x)
    # no bias before BatchNormalization: its gradient is zero, and Adam would amplify the rounding noise
    x = layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    previous = x
    for size in [8, 16]:
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(size, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
        residual = layers.Conv2D(size, 1, strides=2, padding="same")(previous)
        x = layers.add([x, residual])
        previous = x
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.25)(x)
    units = 1 if num_classes == 2 else num_classes
    outputs = layers.Dense(units, activation=None)(x)
    return keras.Model(inputs, outputs), data_augmentation


def main():
    rng = np.random.default_rng(8)
    n = 48
    labels = rng.integers(0, 2, n)
    images = rng.integers(0, 100, (n, 16, 16, 3)).astype("float32")
    for image, label in zip(images, labels):   # cats have a bright left half, dogs a bright top half
        if label:
            image[:8] += 120
        else:
            image[:, :8] += 120

    keras.utils.set_random_seed(1337)
    model, augmentation = make_model((16, 16, 3), 2)
    print("layers", len(model.layers), "params", model.count_params(), "weights", len(model.weights))
    flipped = augmentation(images[:4], training=True)
    changed = [not np.array_equal(keras.ops.convert_to_numpy(a), b) for a, b in zip(flipped, images[:4])]
    print("flipped", changed, "inference same", bool(np.array_equal(
        keras.ops.convert_to_numpy(augmentation(images[:4], training=False)), images[:4])))

    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy(name="acc", threshold=0.0)])
    history = model.fit(images, labels[:, None].astype("float32"), epochs=4, batch_size=8, validation_split=0.25,
                        verbose=0)
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    bn = model.layers[4]
    print("bn moving mean", r(keras.ops.convert_to_numpy(bn.moving_mean)[:4]))
    logits = model.predict(images[36:42], verbose=0)
    print("scores", r(keras.ops.convert_to_numpy(keras.ops.sigmoid(logits))[:, 0]))
    print("truth", labels[36:42].tolist())
    print("evaluate", r(model.evaluate(images[36:], labels[36:, None].astype("float32"), verbose=0)))
    print("same predict twice", bool(np.array_equal(model.predict(images[:3], verbose=0),
                                                    model.predict(images[:3], verbose=0))))


if __name__ == "__main__":
    main()
