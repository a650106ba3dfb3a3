"""A Keras program, written for Keras 3, after keras.io's image classification from scratch: a data augmentation
Sequential (RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast, all seeded) inside a
model that rescales, resizes and center-crops, with a small CNN after it; what the augmentation does in training
and leaves alone in inference, the layers' get_config, model.summary(expand_nested=True, show_trainable=True)
with a frozen block, and a short fit. Weights are set from NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).tolist()


def seeded(model):
    for k, w in enumerate(model.weights):
        if w.trainable:
            w.assign((np.sin(np.arange(int(np.prod(w.shape))) * 0.29 + k) * 0.2).reshape(w.shape).astype("float32"))


def main():
    keras.utils.set_random_seed(5)
    augment = keras.Sequential([
        layers.RandomFlip("horizontal", seed=1),
        layers.RandomRotation(0.1, fill_mode="constant", seed=2),
        layers.RandomZoom(0.2, seed=3),
        layers.RandomTranslation(0.1, 0.1, fill_mode="nearest", seed=4),
        layers.RandomContrast(0.3, seed=5),
    ], name="augment")
    images = (np.arange(2 * 12 * 12 * 3).reshape(2, 12, 12, 3) % 255).astype("float32")
    same = augment(images[:, 2:10, 2:10], training=False)
    print("inference unchanged", bool(np.allclose(ops.convert_to_numpy(same), images[:, 2:10, 2:10])))
    print("configs", [(l.name, l.get_config().get("seed"), l.get_config().get("fill_mode")) for l in augment.layers])
    print("data formats", [l.get_config()["data_format"] for l in augment.layers])
    print("contrast factor", augment.layers[-1].get_config()["factor"], "translation",
          augment.layers[3].get_config()["height_factor"])
    print("rotation factor", augment.layers[1].get_config()["factor"],
          "zoom", augment.layers[2].get_config()["height_factor"])

    inputs = keras.Input((12, 12, 3))
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    x = layers.Resizing(10, 10, interpolation="bilinear", name="resize")(x)
    x = layers.CenterCrop(8, 8, name="crop")(x)
    x = augment(x)
    block = keras.Sequential([layers.Conv2D(4, 3, activation="relu", name="conv"),
                              layers.BatchNormalization(name="bn"), layers.MaxPooling2D(name="pool")], name="block")
    x = block(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(3, activation="softmax", name="classes")(x)
    model = keras.Model(inputs, outputs, name="augmented_cnn")
    seeded(model)
    block.get_layer("bn").trainable = False
    model.summary(expand_nested=True, show_trainable=True)
    preprocessed = keras.Model(inputs, model.get_layer("crop").output)
    crop = preprocessed.predict(images, verbose=0)
    print("preprocessed", crop.shape, r(crop[0, 0, :3, 0]))
    labels = np.array([0, 2])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    before = model.predict(images, verbose=0)
    print("predict", r(before, 3))
    model.fit(images, labels, epochs=2, verbose=0)
    print("bn moving mean untouched", r(block.get_layer("bn").moving_mean))
    print("predict deterministic", bool(np.allclose(model.predict(images, verbose=0),
                                                            ops.convert_to_numpy(model(images, training=False)))))


if __name__ == "__main__":
    main()
