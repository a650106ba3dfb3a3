"""A Keras program, written for Keras 3: the keras.utils helpers between files and arrays — array_to_img with
scale and data_format, img_to_array with dtype, save_img and load_img (grayscale / rgb / rgba color modes,
target_size with interpolation, keep_aspect_ratio) on PNG files written by the program; to_categorical of float
and 2-D labels; normalize with order 1, 2 and inf; standardize_dtype; is_keras_tensor and get_source_inputs on
a functional graph; keras.utils.Config (attribute and key access, freeze, to_json); then a small classifier
trained on the images it loaded back. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, utils


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def main():
    rng = np.random.default_rng(4)
    pixels = rng.integers(0, 256, (6, 8, 3)).astype("float32")
    img = utils.array_to_img(pixels)
    print("image", img.size, img.mode)
    print("unscaled", utils.array_to_img(pixels / 255.0, scale=True).getpixel((1, 2)), img.getpixel((1, 2)))
    first = utils.array_to_img(np.transpose(pixels, (2, 0, 1)), data_format="channels_first")
    print("channels_first", first.size, first.getpixel((0, 0)) == img.getpixel((0, 0)))
    back = utils.img_to_array(img)
    print("img_to_array", back.shape, back.dtype, r(back[0, 0]), bool(np.array_equal(back, np.round(pixels))))
    print("as uint8", utils.img_to_array(img, dtype="uint8").dtype,
          utils.img_to_array(img, data_format="channels_first").shape)
    gray = utils.array_to_img(pixels[:, :, :1])
    print("gray", gray.mode, utils.img_to_array(gray).shape)

    for k in range(4):
        picture = rng.integers(0, 256, (10, 12, 3)).astype("uint8")
        picture[:, : 3 * (k + 1)] = 255 * (k % 2)
        utils.save_img(f"picture_{k}.png", picture)
    loaded = utils.load_img("picture_1.png")
    print("load", loaded.size, loaded.mode)
    print("grayscale", utils.img_to_array(utils.load_img("picture_1.png", color_mode="grayscale")).shape)
    print("rgba", utils.img_to_array(utils.load_img("picture_1.png", color_mode="rgba")).shape)
    small = utils.load_img("picture_2.png", target_size=(5, 6), interpolation="bilinear")
    print("target_size", small.size, utils.img_to_array(small).shape)
    kept = utils.load_img("picture_2.png", target_size=(6, 6), keep_aspect_ratio=True)
    print("keep_aspect_ratio", kept.size)

    print("float labels", utils.to_categorical(np.array([0.0, 2.0, 1.0])).tolist())
    print("2-D labels", utils.to_categorical(np.array([[0, 1], [2, 0]]), 3).shape)
    data = np.array([[3.0, -4.0], [0.5, 0.5], [0.0, 0.0]])
    for order in (1, 2, np.inf):
        print("normalize", order, r(utils.normalize(data, order=order)))
    print("standardize_dtype", [utils.standardize_dtype(d) for d in ("float32", "int64", np.float64, "bool", np.dtype("float16"), int)])

    inputs = keras.Input((4,), name="features")
    hidden = layers.Dense(3, name="hidden")(inputs)
    print("is_keras_tensor", utils.is_keras_tensor(hidden), utils.is_keras_tensor(np.ones(2)))
    print("source inputs", [t.name for t in utils.get_source_inputs(hidden)])

    config = utils.Config(learning_rate=0.01, layers=[8, 4])
    config.epochs = 3
    print("config", config.learning_rate, config["epochs"], sorted(config.keys()), "layers" in config)
    config.freeze()
    try:
        config.epochs = 4
    except Exception as error:
        print("frozen", type(error).__name__)
    print("json", config.to_json())

    images = np.stack([utils.img_to_array(utils.load_img(f"picture_{k}.png", target_size=(8, 8))) for k in range(4)])
    labels = np.array([0, 1, 0, 1])
    keras.utils.set_random_seed(2)
    model = keras.Sequential([keras.Input((8, 8, 3)), layers.Rescaling(1 / 255.0), layers.Conv2D(4, 3),
                              layers.GlobalAveragePooling2D(), layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(images, labels, epochs=4, batch_size=2, verbose=0, shuffle=False)
    print("loss", r(history.history["loss"]), r(history.history["accuracy"]))
    print("predict", r(model.predict(images, verbose=0)[:, 1]))


if __name__ == "__main__":
    main()
