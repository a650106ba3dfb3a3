"""A Keras program, written for Keras 3: a denoising convolutional autoencoder whose decoder mixes
Conv2DTranspose (strides, output_padding, dilation, "same"/"valid"), UpSampling2D (nearest and bilinear,
non-square sizes) and Cropping2D, trained on noisy images; then the global pooling family (Global Average / Max
Pooling 1D/2D/3D with keepdims and channels_first) and their output shapes, and Conv1DTranspose / UpSampling1D /
UpSampling3D on fixed inputs. Weights are set from NumPy. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def seeded(model, seed):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])


def autoencoder():
    inputs = keras.Input((12, 12, 1))
    x = layers.Conv2D(6, 3, strides=2, padding="same", activation="relu")(inputs)        # 6x6
    x = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)             # 3x3
    x = layers.Conv2DTranspose(8, 3, strides=2, padding="same", output_padding=1,
                               activation="relu")(x)                                        # 6x6
    x = layers.UpSampling2D(size=(2, 2), interpolation="bilinear")(x)                      # 12x12
    x = layers.Conv2DTranspose(4, 3, padding="valid", dilation_rate=2, activation="relu")(x)  # 16x16
    x = layers.Cropping2D(((1, 3), (2, 2)))(x)                                               # 12x12
    outputs = layers.Conv2D(1, 1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs, name="denoiser")


def main():
    rng = np.random.default_rng(9)
    yy, xx = np.mgrid[0:12, 0:12]
    clean = np.stack([((np.abs(yy - c) + np.abs(xx - c)) < rad).astype("float32")
                      for c, rad in zip(rng.integers(3, 9, 40), rng.integers(2, 5, 40))])[..., None]
    noisy = np.clip(clean + rng.normal(0, 0.3, clean.shape), 0, 1).astype("float32")

    model = autoencoder()
    seeded(model, 4)
    print("shapes", [tuple(layer.output.shape[1:]) for layer in model.layers[1:]])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                  metrics=[keras.metrics.MeanSquaredError(name="mse")])
    history = model.fit(noisy, clean, batch_size=10, epochs=3, shuffle=False, verbose=0)
    print("loss", r(history.history["loss"]), "mse", r(history.history["mse"]))
    restored = model.predict(noisy[:2], verbose=0)
    print("restored row", r(restored[0, 6, :6, 0], 3))

    images = rng.standard_normal((2, 4, 5, 3)).astype("float32")
    for layer in (layers.GlobalAveragePooling2D(), layers.GlobalMaxPooling2D(keepdims=True),
                  layers.GlobalAveragePooling2D(data_format="channels_first"),
                  layers.GlobalMaxPooling2D(data_format="channels_first", keepdims=True)):
        out = ops.convert_to_numpy(layer(images))
        print(type(layer).__name__, layer.data_format, out.shape, r(out.reshape(-1)[:3]),
              layer.compute_output_shape((None, 4, 5, 3)))
    seq = images.reshape(2, 20, 3)
    mask = np.arange(20)[None, :] < np.array([[12], [20]])
    avg = layers.GlobalAveragePooling1D()(seq, mask=mask)
    print("masked average 1d", r(ops.convert_to_numpy(avg)[0]))
    print("max 1d keepdims", ops.convert_to_numpy(layers.GlobalMaxPooling1D(keepdims=True)(seq)).shape)
    volume = rng.standard_normal((1, 2, 3, 4, 2)).astype("float32")
    print("3d", r(ops.convert_to_numpy(layers.GlobalAveragePooling3D()(volume))),
          r(ops.convert_to_numpy(layers.GlobalMaxPooling3D()(volume))))

    signal = np.arange(10, dtype="float32").reshape(1, 5, 2)
    transposed = layers.Conv1DTranspose(2, 3, strides=2, padding="same", kernel_initializer="ones",
                                        bias_initializer="zeros")
    print("conv1d transpose", r(ops.convert_to_numpy(transposed(signal))[0, :, 0]))
    print("upsampling1d", r(ops.convert_to_numpy(layers.UpSampling1D(3)(signal))[0, :7, 1]))
    cube = np.arange(8, dtype="float32").reshape(1, 2, 2, 2, 1)
    print("upsampling3d", ops.convert_to_numpy(layers.UpSampling3D((1, 2, 1))(cube)).shape,
          r(ops.convert_to_numpy(layers.UpSampling3D((1, 2, 1))(cube))[0, 0, :, 0, 0]))
    nearest = layers.UpSampling2D((2, 3))(images[:1, :2, :2, :1])
    print("nearest", r(ops.convert_to_numpy(nearest)[0, :, :, 0][0]))
    t2 = layers.Conv2DTranspose(2, (2, 3), strides=(2, 1), padding="valid")
    print("transpose shape", t2.compute_output_shape((None, 4, 5, 3)), tuple(t2(images).shape))


if __name__ == "__main__":
    main()
