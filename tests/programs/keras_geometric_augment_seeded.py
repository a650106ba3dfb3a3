"""A Keras program, written for Keras 3: the geometric and occluding augmentation layers — RandomPerspective,
RandomShear (x and y factors, fill modes), RandomErasing (scale, fill_value), RandomGaussianBlur (kernel size,
sigma) and RandomElasticTransform (whose displacements Keras's torch backend leaves unseeded) — seeded, in
training and in inference, on a batch and on one image, in channels_last and channels_first, inside a small
classifier trained for two epochs after keras.utils.set_random_seed, with their configs. The layers draw Keras's
own numbers, so real Keras and deepgrad print the same (warps to float32 rounding)."""
import numpy as np

import keras
from keras import layers


def show(name, value):
    value = np.asarray(keras.ops.convert_to_numpy(value), "float64")
    print(name, value.shape, round(float(value.sum()), 1), np.round(value.ravel()[:3], 2).tolist())


def main():
    rng = np.random.default_rng(7)
    images = (rng.random((3, 12, 10, 3)) * 255).astype("float32")
    first = np.ascontiguousarray(np.transpose(images, (0, 3, 1, 2)))

    made = [layers.RandomPerspective(factor=0.8, scale=0.5, seed=1),
            layers.RandomShear(x_factor=0.3, y_factor=0.0, seed=2),
            layers.RandomShear(x_factor=0.0, y_factor=(0.1, 0.4), fill_mode="constant", fill_value=20.0, seed=3),
            layers.RandomErasing(factor=1.0, scale=(0.1, 0.3), value_range=(0, 255), seed=4),
            layers.RandomErasing(factor=1.0, scale=(0.2, 0.2), fill_value=99.0, value_range=(0, 255), seed=5),
            layers.RandomGaussianBlur(factor=1.0, kernel_size=3, sigma=(0.5, 1.5), value_range=(0, 255), seed=6)]
    for layer in made:
        show(f"{layer.name} train", layer(images, training=True))
        show(f"{layer.name} again", layer(images, training=True))
        print("  inference is the input", bool(np.allclose(
            keras.ops.convert_to_numpy(layer(images, training=False)), images)))

    # Keras's torch backend draws the elastic displacements from torch's global generator, not the layer's seed:
    # only what does not depend on those draws is printed
    elastic = layers.RandomElasticTransform(factor=1.0, scale=0.5, value_range=(0, 255), seed=7)
    warped = keras.ops.convert_to_numpy(elastic(images, training=True))
    print("elastic", warped.shape, str(warped.dtype), bool(not np.allclose(warped, images)),
          bool(np.allclose(keras.ops.convert_to_numpy(elastic(images, training=False)), images)))
    print("elastic config", {k: elastic.get_config()[k] for k in ("factor", "scale", "interpolation", "fill_mode")})
    show("perspective one image", layers.RandomPerspective(factor=1.0, scale=0.3, seed=11)(images[0],
                                                                                         training=True))
    show("shear first", layers.RandomShear(x_factor=0.2, data_format="channels_first", seed=12)(first,
                                                                                            training=True))
    show("blur first", layers.RandomGaussianBlur(factor=1.0, sigma=1.0, data_format="channels_first", seed=13)(
        first, training=True))

    config = made[0].get_config()
    print("perspective config", config["factor"], config["scale"], config["interpolation"], config["fill_value"])
    config = made[3].get_config()
    print("erasing config", config["factor"], config["scale"], config["fill_value"], config["value_range"])
    config = made[5].get_config()
    print("blur config", config["kernel_size"], config["sigma"], config["factor"])

    keras.utils.set_random_seed(5)
    augment = keras.Sequential([layers.RandomShear(x_factor=0.2, y_factor=0.2),
                                layers.RandomErasing(factor=0.5, scale=(0.05, 0.2), value_range=(0, 1))],
                               name="augment")
    inputs = keras.Input((12, 10, 3))
    h = augment(inputs)
    h = layers.Conv2D(4, 3, activation="relu")(h)
    h = layers.GlobalAveragePooling2D()(h)
    outputs = layers.Dense(2, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(3)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    data = rng.random((8, 12, 10, 3)).astype("float32")
    labels = (data.mean(axis=(1, 2, 3)) > 0.5).astype("int32")
    history = model.fit(data, labels, batch_size=4, epochs=2, shuffle=False, verbose=0)
    print("losses", [round(v, 4) for v in history.history["loss"]])
    show("predict", model.predict(data, verbose=0))
