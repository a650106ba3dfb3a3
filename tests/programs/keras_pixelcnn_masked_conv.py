"""A Keras program, written for Keras 3, after keras.io's "PixelCNN" example: a PixelConvLayer that wraps a
Conv2D, builds it, keeps a NumPy mask of type A or B over the kernel and assigns the masked kernel before every
call; residual blocks of 1x1 convolutions around a type-B masked convolution; a sigmoid 1x1 head trained with
binary cross-entropy on binarized images; then images generated pixel by pixel from predict with NumPy draws.
It prints the masked kernels, History, evaluate, generated images, and reloads the weights from a .weights.h5
file into a new model. Weights are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

SIZE = 6


class PixelConvLayer(layers.Layer):
    def __init__(self, mask_type, **kwargs):
        super().__init__()
        self.mask_type = mask_type
        self.conv = layers.Conv2D(**kwargs)

    def build(self, input_shape):
        self.conv.build(input_shape)
        kernel_shape = ops.shape(self.conv.kernel)
        self.mask = np.zeros(shape=kernel_shape)
        self.mask[: kernel_shape[0] // 2, ...] = 1.0
        self.mask[kernel_shape[0] // 2, : kernel_shape[1] // 2, ...] = 1.0
        if self.mask_type == "B":
            self.mask[kernel_shape[0] // 2, kernel_shape[1] // 2, ...] = 1.0

    def call(self, inputs):
        self.conv.kernel.assign(self.conv.kernel * self.mask)
        return self.conv(inputs)


class ResidualBlock(layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = layers.Conv2D(filters=filters, kernel_size=1, activation="relu")
        self.pixel_conv = PixelConvLayer(mask_type="B", filters=filters // 2, kernel_size=3, activation="relu",
                                         padding="same")
        self.conv2 = layers.Conv2D(filters=filters, kernel_size=1, activation="relu")

    def call(self, inputs):
        x = self.conv1(inputs)
        x = self.pixel_conv(x)
        x = self.conv2(x)
        return layers.add([inputs, x])


def build():
    inputs = keras.Input(shape=(SIZE, SIZE, 1))
    x = PixelConvLayer(mask_type="A", filters=8, kernel_size=5, activation="relu", padding="same")(inputs)
    for _ in range(2):
        x = ResidualBlock(filters=8)(x)
    for _ in range(2):
        x = PixelConvLayer(mask_type="B", filters=8, kernel_size=1, strides=1, activation="relu",
                           padding="valid")(x)
    out = layers.Conv2D(filters=1, kernel_size=1, strides=1, activation="sigmoid", padding="valid")(x)
    return keras.Model(inputs, out, name="pixel_cnn")


def main():
    rng = np.random.default_rng(40)
    images = np.zeros((48, SIZE, SIZE, 1), "float32")
    for k in range(48):                      # vertical or horizontal bars, a little salt
        where = int(rng.integers(0, SIZE))
        if k % 2:
            images[k, :, where, 0] = 1.0
        else:
            images[k, where, :, 0] = 1.0
    images = np.where(rng.random(images.shape) < 0.05, 1.0 - images, images).astype("float32")

    model = build()
    init = np.random.default_rng(41)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.weights])
    print("layers", [layer.name for layer in model.layers])
    print("weights", len(model.weights), [tuple(w.shape) for w in model.weights[:4]])
    first = model.layers[1]
    print("mask A", first.mask[:, :, 0, 0].astype(int).tolist())
    print("mask B", model.layers[2].pixel_conv.mask[:, :, 0, 0].astype(int).tolist())
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss="binary_crossentropy",
                  metrics=[keras.metrics.BinaryAccuracy(name="acc")])
    history = model.fit(x=images, y=images, batch_size=16, epochs=3, validation_split=0.25, verbose=0,
                        shuffle=False)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    kernel = first.conv.kernel.numpy()
    print("masked kernel stays masked", bool(np.all(kernel[:, :, 0, 0][first.mask[:, :, 0, 0] == 0] == 0)),
          np.round(kernel[:3, :, 0, 0], 4).tolist())
    print("evaluate", ["%.5f" % v for v in model.evaluate(images[:16], images[:16], batch_size=8, verbose=0)])

    draw = np.random.default_rng(42)
    pixels = np.zeros(shape=(2, SIZE, SIZE, 1), dtype="float32")
    for row in range(SIZE):
        for col in range(SIZE):
            probs = model.predict(pixels, verbose=0)[:, row, col, 0]
            pixels[:, row, col, 0] = (draw.random(2) < probs).astype("float32")
    print("generated", pixels[..., 0].astype(int).tolist())
    print("last probs", np.round(probs, 4).tolist())

    model.save_weights("pixel_cnn.weights.h5")
    twin = build()
    twin.load_weights("pixel_cnn.weights.h5")
    print("twin", bool(np.allclose(twin.predict(images[:4], verbose=0), model.predict(images[:4], verbose=0),
                                   atol=1e-6)), [w.path for w in twin.weights][:3])


if __name__ == "__main__":
    main()
