"""A Keras program, written for Keras 3, in the style of keras.io's convolutional autoencoder / denoising
examples: an encoder (Conv2D, MaxPooling2D, a strided Conv2D) and a decoder (Conv2DTranspose with strides,
UpSampling2D nearest and bilinear, Cropping2D, ZeroPadding2D) as separate functional models chained into an
autoencoder, trained on noisy -> clean images with binary cross-entropy, a Conv2DTranspose with
output_padding and dilation, summary() of the nested model, the encoder's codes and the reconstructions,
and the decoder saved with save_weights / load_weights. The weights start from the same NumPy arrays, so
real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def encoder():
    inputs = keras.Input(shape=(12, 12, 1), name="noisy")
    x = layers.Conv2D(6, 3, activation="relu", padding="same")(inputs)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2D(4, 3, strides=2, activation="elu", padding="same")(x)
    return keras.Model(inputs, x, name="encoder")


def decoder():
    codes = keras.Input(shape=(3, 3, 4), name="codes")
    x = layers.Conv2DTranspose(4, 3, strides=2, activation="elu", padding="same")(codes)
    x = layers.UpSampling2D(2)(x)
    x = layers.ZeroPadding2D(((1, 1), (2, 0)))(x)
    x = layers.Conv2DTranspose(4, 3, activation="tanh", padding="valid")(x)
    x = layers.Cropping2D(((2, 2), (2, 2)))(x)
    x = layers.UpSampling2D((1, 1), interpolation="bilinear")(x)
    outputs = layers.Conv2D(1, 3, activation="sigmoid", padding="same", name="reconstruction")(x)
    return keras.Model(codes, outputs, name="decoder")


def assign(model, seed, scale):
    init = np.random.default_rng(seed)
    for w in model.weights:
        w.assign(init.uniform(-scale, scale, size=tuple(w.shape)).astype("float32"))


def main():
    rng = np.random.default_rng(8)
    n = 40
    clean = np.zeros((n, 12, 12, 1), dtype="float32")
    for image in clean:
        row, col = rng.integers(1, 8, size=2)
        image[row:row + 4, col:col + 4, 0] = 1.0
    noisy = np.clip(clean + 0.3 * rng.standard_normal(clean.shape), 0, 1).astype("float32")

    enc, dec = encoder(), decoder()
    assign(enc, 1, 0.4)
    assign(dec, 2, 0.4)
    inputs = keras.Input(shape=(12, 12, 1))
    autoencoder = keras.Model(inputs, dec(enc(inputs)), name="autoencoder")
    autoencoder.summary()
    print("layers", [l.name for l in autoencoder.layers], autoencoder.count_params())
    print("shapes", [tuple(l.output.shape) for l in dec.layers])
    autoencoder.compile(optimizer=keras.optimizers.Adam(0.005), loss="binary_crossentropy",
                        metrics=[keras.metrics.MeanSquaredError(name="mse"),
                                 keras.metrics.BinaryIoU(target_class_ids=[1], threshold=0.3, name="iou")])
    history = autoencoder.fit(noisy, clean, epochs=5, batch_size=8, shuffle=False, verbose=0,
                              validation_data=(noisy[:10], clean[:10]))
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    codes = enc.predict(noisy[:3], verbose=0)
    print("codes", codes.shape, np.round(codes.reshape(3, -1)[:, :8], 4).tolist())
    reconstruction = autoencoder.predict(noisy[:3], verbose=0)
    print("reconstruction", reconstruction.shape, np.round(reconstruction[0, 3:7, 3:7, 0], 4).tolist())
    print("decoded", bool(np.allclose(dec.predict(codes, verbose=0), reconstruction, atol=1e-6)))

    dec.save_weights("decoder.weights.h5")
    fresh = decoder()
    fresh.load_weights("decoder.weights.h5")
    print("reloaded decoder", bool(np.allclose(fresh.predict(codes, verbose=0), reconstruction, atol=1e-6)))

    transpose = layers.Conv2DTranspose(2, 3, strides=2, output_padding=1, padding="same")
    dilated = layers.Conv2DTranspose(2, 2, dilation_rate=2, padding="valid", use_bias=False)
    image = noisy[:2, :5, :5]
    for layer in (transpose, dilated):
        layer.build(image.shape)
        assign(layer, 3, 0.5)
        out = keras.ops.convert_to_numpy(layer(image))
        print(type(layer).__name__, out.shape, np.round(out[1, :4, :, 0], 4).tolist())
    print("evaluate", ["%.5f" % v for v in autoencoder.evaluate(noisy, clean, batch_size=16, verbose=0)])


if __name__ == "__main__":
    main()
