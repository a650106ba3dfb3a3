"""A Keras program, written for Keras 3: the colour augmentation layers a keras.io image pipeline strings together
— RandomColorJitter, RandomHue, RandomSaturation, RandomSharpness, RandomPosterization, Solarization (with and
without a threshold factor), RandomInvert and RandomGrayscale — each seeded, called twice in training (the second
call draws new parameters from the layer's SeedGenerator) and once in inference, then all of them inside a
keras.layers.Pipeline and a keras.Sequential, rebuilt from get_config / from_config and called again. The layers
draw Keras's own numbers, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def show(name, value):
    value = np.asarray(keras.ops.convert_to_numpy(value), "float64")
    print(name, value.shape, round(float(value.sum()), 2), np.round(value.ravel()[:3], 3).tolist())


def colour_layers():
    return [layers.RandomColorJitter(value_range=(0, 255), brightness_factor=0.2, contrast_factor=0.3,
                                     saturation_factor=(0.3, 0.7), hue_factor=0.1, seed=3),
            layers.RandomHue(factor=0.4, value_range=(0, 255), seed=4),
            layers.RandomSaturation(factor=(0.2, 0.8), value_range=(0, 255), seed=5),
            layers.RandomSharpness(factor=0.6, value_range=(0, 255), seed=6),
            layers.RandomPosterization(factor=(2, 5), value_range=(0, 255), seed=7),
            layers.Solarization(addition_factor=0.3, value_range=(0, 255), seed=8),
            layers.Solarization(addition_factor=(0.1, 0.2), threshold_factor=(0.4, 0.6), value_range=(0, 255),
                                seed=9),
            layers.RandomInvert(factor=0.5, value_range=(0, 255), seed=10),
            layers.RandomGrayscale(factor=0.6, seed=11)]


def main():
    rng = np.random.default_rng(18)
    images = (rng.random((4, 8, 8, 3)) * 255).astype("float32")

    for layer in colour_layers():
        first = layer(images, training=True)
        second = layer(images, training=True)
        changed = not np.allclose(keras.ops.convert_to_numpy(first), keras.ops.convert_to_numpy(second))
        show(f"{layer.__class__.__name__} train", first)
        print("  second call differs", changed, "infer unchanged",
              bool(np.allclose(keras.ops.convert_to_numpy(layer(images, training=False)), images)))

    single = layers.RandomHue(factor=0.3, value_range=(0, 255), seed=12)
    show("hue one image", single(images[0], training=True))

    pipeline = layers.Pipeline(colour_layers()[:6])
    show("pipeline train", pipeline(images, training=True))
    show("pipeline infer", pipeline(images, training=False))
    config = pipeline.get_config()
    print("pipeline layers", [entry["class_name"] for entry in config["layers"]])
    rebuilt = layers.Pipeline.from_config(config)
    show("rebuilt pipeline train", rebuilt(images, training=True))

    jitter = colour_layers()[0]
    config = jitter.get_config()
    print("jitter config", sorted(k for k in config if k not in ("name", "dtype")))
    print("jitter factors", config["brightness_factor"], config["contrast_factor"], config["saturation_factor"],
          config["hue_factor"], config["value_range"], config["seed"])
    twin = layers.RandomColorJitter.from_config(config)
    same = np.allclose(keras.ops.convert_to_numpy(twin(images, training=True)),
                       keras.ops.convert_to_numpy(colour_layers()[0](images, training=True)), atol=1e-3)
    print("same seed, same first draw", same)

    augment = keras.Sequential([layers.Rescaling(1.0), *colour_layers()[1:5]], name="colour")
    show("sequential train", augment(images, training=True))
    show("sequential predict", augment.predict(images, verbose=0))
    sol = layers.Solarization(threshold_factor=(0.5, 0.5), value_range=(0, 255), seed=13)
    show("solarize fixed threshold", sol(images, training=True))
