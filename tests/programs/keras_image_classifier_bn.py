"""A Keras program, written for Keras 3, in the style of keras.io's "image classification from scratch": a
channels-last image classifier with preprocessing and augmentation layers inside the model (Rescaling,
Resizing, CenterCrop; RandomFlip / RandomRotation / RandomZoom / RandomContrast, identities at inference and
checked only for what stays true under their randomness in training), Conv2D + BatchNormalization + ReLU
blocks with a residual SeparableConv2D branch, GlobalAveragePooling2D, then fit with validation_split,
model.save to a .keras file, keras.models.load_model and the same predictions and BatchNormalization moving
statistics after the round trip. The weights start from the same NumPy arrays, so real Keras and deepgrad
print the same numbers."""
import numpy as np

import keras
from keras import layers


def augmentation():
    return keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1),
                             layers.RandomZoom(0.1), layers.RandomContrast(0.2)], name="augmentation")


def build(augment):
    inputs = keras.Input(shape=(20, 20, 3), name="image")
    x = augment(inputs)
    x = layers.Rescaling(1.0 / 255)(x)
    x = layers.Resizing(18, 18, interpolation="bilinear")(x)
    x = layers.CenterCrop(16, 16)(x)
    x = layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    previous = x
    x = layers.SeparableConv2D(8, 3, padding="same", use_bias=False)(x)   # a bias before BN only adds noise
    x = layers.BatchNormalization(momentum=0.9)(x)
    x = layers.Activation("relu")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
    residual = layers.Conv2D(8, 1, strides=2, padding="same")(previous)
    x = layers.add([x, residual])
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(3, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="small_xception")


def main():
    rng = np.random.default_rng(5)
    n = 60
    labels = rng.integers(0, 3, size=n)
    images = rng.uniform(0, 120, size=(n, 20, 20, 3))
    for k, label in enumerate(labels):
        images[k, :, :, label] += 120          # the class is the bright channel
    images = images.astype("float32")

    augment = augmentation()
    seen = keras.ops.convert_to_numpy(augment(images[:4], training=True))
    print("augmented", seen.shape, str(seen.dtype), bool(np.all(np.isfinite(seen))))
    same = keras.ops.convert_to_numpy(augment(images[:4], training=False))
    print("inference identity", bool(np.allclose(same, images[:4])))
    flip = keras.ops.convert_to_numpy(layers.RandomFlip("horizontal")(images[:6], training=True))
    print("flip", [bool(np.allclose(f, i) or np.allclose(f, i[:, ::-1])) for f, i in zip(flip, images[:6])])
    contrast = keras.ops.convert_to_numpy(layers.RandomContrast(0.5, value_range=(0, 255))(images[:3], training=True))
    print("contrast in range", bool(contrast.min() >= 0 and contrast.max() <= 255), contrast.shape)

    model = build(augment)
    init = np.random.default_rng(11)
    for w in model.weights:
        if w.trainable:
            w.assign(init.uniform(-0.4, 0.4, size=tuple(w.shape)).astype("float32"))
    print([(w.path.split("/")[-1], tuple(w.shape), w.trainable) for w in model.weights])
    print("params", model.count_params(), len(model.trainable_weights), len(model.non_trainable_weights))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    # augmentation is random in training: train the model without it, on the same layers
    trainable = keras.Model(model.get_layer("rescaling").input, model.output)
    trainable.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=2, name="top2")])
    history = trainable.fit(images, labels, epochs=4, batch_size=16, shuffle=False, verbose=0,
                            validation_split=0.25)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    norm = model.get_layer("batch_normalization")
    print("moving mean", np.round(keras.ops.convert_to_numpy(norm.moving_mean), 5).tolist())
    print("moving var", np.round(keras.ops.convert_to_numpy(norm.moving_variance), 5).tolist())
    print("evaluate", ["%.5f" % v for v in model.evaluate(images, labels, batch_size=25, verbose=0)])
    before = model.predict(images[:7], batch_size=4, verbose=0)
    print("predict", before.shape, np.round(before, 5).tolist())

    model.save("classifier.keras")
    loaded = keras.models.load_model("classifier.keras")
    after = loaded.predict(images[:7], batch_size=4, verbose=0)
    print("reloaded", loaded.name, len(loaded.layers), [type(l).__name__ for l in loaded.layers][:6])
    print("same predictions", bool(np.allclose(before, after, atol=1e-6)))
    print("same weights", all(np.array_equal(a, b) for a, b in zip(model.get_weights(), loaded.get_weights())))
    print("optimizer", type(loaded.optimizer).__name__, int(keras.ops.convert_to_numpy(loaded.optimizer.iterations)))
    print("reloaded evaluate", ["%.5f" % v for v in loaded.evaluate(images, labels, batch_size=25, verbose=0)])


if __name__ == "__main__":
    main()
