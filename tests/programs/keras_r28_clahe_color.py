"""A Keras program, written for Keras 3: the rarely used image layers `ContrastLimitedAdaptiveHistogramEqualization`
and `RandomColorDegeneration` (seeded) and `ops.image.elastic_transform`, printed on their own and inside a small
image classifier that is trained, evaluated and used to predict."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    keras.utils.set_random_seed(2804)
    rng = np.random.default_rng(2804)
    images = (rng.uniform(size=(16, 16, 16, 3)) ** 2 * 255).astype("float32")
    labels = (images[..., 0].mean(axis=(1, 2)) > images[..., 2].mean(axis=(1, 2))).astype("int32")

    clahe = layers.ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 255), tile_grid_size=(2, 2),
                                                                clip_limit=3.0)
    equalised = clahe(images[:2])
    print("clahe", ops.shape(equalised), r(ops.mean(equalised, axis=(1, 2)), 3), r(equalised[0, :2, :2, 0], 3))
    print("clahe config", sorted((k, v) for k, v in clahe.get_config().items() if k not in ("name", "dtype")))
    degenerate = layers.RandomColorDegeneration(factor=(0.2, 0.8), value_range=(0, 255), seed=11)
    faded = degenerate(images[:3], training=True)
    print("degenerate", r(ops.mean(faded, axis=(1, 2)), 3))
    print("degenerate inference same", bool(np.allclose(ops.convert_to_numpy(degenerate(images[:3], training=False)),
                                                        images[:3])))
    params = degenerate.get_random_transformation(images[:3], training=True, seed=keras.random.SeedGenerator(5))
    print("degenerate factors", r(ops.reshape(params["factor"], (-1,))))
    print("degenerate replayed", r(ops.mean(degenerate.transform_images(images[:3], params), axis=(1, 2)), 3))
    warped = ops.image.elastic_transform(images[:2] / 255.0, alpha=8.0, sigma=2.0, interpolation="bilinear",
                                         fill_mode="reflect", seed=keras.random.SeedGenerator(3))
    print("elastic", ops.shape(warped), r(ops.mean(warped, axis=(1, 2)), 3))

    model = keras.Sequential([
        keras.Input((16, 16, 3)),
        layers.ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 255), tile_grid_size=(4, 4),
                                                            name="clahe"),
        layers.RandomColorDegeneration(0.3, value_range=(0, 255), seed=5, name="fade"),
        layers.Rescaling(1.0 / 255, name="scale"),
        layers.Conv2D(4, 3, activation="relu", name="conv"),
        layers.GlobalAveragePooling2D(name="pool"),
        layers.Dense(2, activation="softmax", name="out"),
    ], name="clahe_net")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(images, labels, batch_size=4, epochs=3, verbose=0, shuffle=False)
    print("losses", [round(v, 4) for v in history.history["loss"]])
    print("evaluate", [round(v, 4) for v in model.evaluate(images, labels, verbose=0)])
    print("predict", r(model.predict(images[:3], verbose=0)))


if __name__ == "__main__":
    main()
