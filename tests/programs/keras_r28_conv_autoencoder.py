"""A Keras program, written for Keras 3: a convolutional autoencoder (`ZeroPadding2D` with per-side amounts,
`SeparableConv2D`, strided `Conv2D`, `Conv2DTranspose` with `output_padding`, `UpSampling2D(interpolation=
'bilinear')`, `Cropping2D`), its `summary()`, trained on seeded images, evaluated, its encoder taken out with
`get_layer` and its reconstruction printed; then the model saved to `.keras` and reloaded."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    keras.utils.set_random_seed(2808)
    rng = np.random.default_rng(2808)
    grid = np.linspace(0, 1, 10, dtype="float32")
    images = np.stack([np.outer(np.sin(3 * grid + p), np.cos(2 * grid - p)) for p in rng.uniform(0, 3, 20)])
    images = images[..., None].astype("float32")

    inputs = keras.Input((10, 10, 1), name="image")
    padded = layers.ZeroPadding2D(((1, 1), (2, 0)), name="pad")(inputs)
    encoded = layers.SeparableConv2D(4, 3, padding="same", activation="relu", depth_multiplier=2, name="sep")(padded)
    encoded = layers.Conv2D(6, 3, strides=2, padding="same", activation="relu", name="down")(encoded)
    encoder = keras.Model(inputs, encoded, name="encoder")
    decoded = layers.Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1, activation="relu",
                                     name="up")(encoded)
    decoded = layers.UpSampling2D(1, interpolation="bilinear", name="smooth")(decoded)
    decoded = layers.Cropping2D(((1, 1), (2, 0)), name="crop")(decoded)
    outputs = layers.Conv2D(1, 1, name="out")(decoded)
    model = keras.Model(inputs, outputs, name="autoencoder")
    model.summary()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=[keras.metrics.RootMeanSquaredError()])
    history = model.fit(images, images, batch_size=5, epochs=4, verbose=0, shuffle=False)
    print("losses", [round(v, 5) for v in history.history["loss"]])
    print("evaluate", [round(v, 5) for v in model.evaluate(images, images, verbose=0)])
    codes = encoder.predict(images[:2], verbose=0)
    print("codes", codes.shape, r(codes.mean(axis=(1, 2))))
    rebuilt = model.predict(images[:1], verbose=0)
    print("rebuilt row", r(rebuilt[0, 4, :, 0]))
    print("up kernel", tuple(model.get_layer("up").kernel.shape), "sep weights",
          [tuple(w.shape) for w in model.get_layer("sep").weights])
    upsample = layers.UpSampling2D((2, 3), interpolation="bilinear")(images[:1, :3, :3])
    print("bilinear", ops.shape(upsample), r(upsample[0, :, 1, 0]))
    model.save("autoencoder.keras")
    again = keras.saving.load_model("autoencoder.keras")
    print("reloaded same", bool(np.allclose(again.predict(images[:1], verbose=0), rebuilt, atol=1e-6)))


if __name__ == "__main__":
    main()
