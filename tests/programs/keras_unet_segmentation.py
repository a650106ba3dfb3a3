"""A Keras program, written for Keras 3: a small U-Net-like segmenter for synthetic 16x16 images of a disc and
a bar on a noisy background (three classes per pixel). A strided Conv2D stem, two downsampling blocks of
SeparableConv2D + BatchNormalization + Activation with MaxPooling2D and a strided 1x1 Conv2D residual
projection added with layers.add, three upsampling blocks of Conv2DTranspose + BatchNormalization with
UpSampling2D and a projected residual, and a per-pixel softmax head trained with
sparse_categorical_crossentropy on (N, H, W, 1) masks; then fit, evaluate, predict and argmax masks. The
network is trained on its logits (from_logits=True: on the torch backend, Keras 3.15's sparse crossentropy of
4-D probabilities fails in backward with "grad_input must be contiguous") and evaluated and used through a
softmax head on top. The weights start from the same NumPy arrays, so real Keras and deepgrad print the same
numbers (the convolutions that feed a BatchNormalization have no bias: its gradient is zero up to float noise,
which Adam would scale up into steps that differ between libraries)."""
import numpy as np

import keras
from keras import layers

SIZE, CLASSES = 16, 3


def make_data(rng, n):
    rows, cols = np.mgrid[0:SIZE, 0:SIZE]
    images = 0.3 * rng.standard_normal((n, SIZE, SIZE, 3)).astype("float32")
    masks = np.zeros((n, SIZE, SIZE, 1), dtype="int32")
    for k in range(n):
        cy, cx, r = rng.integers(4, 12), rng.integers(4, 12), rng.integers(2, 5)
        disc = (rows - cy) ** 2 + (cols - cx) ** 2 <= r * r
        top, width = rng.integers(0, SIZE - 3), rng.integers(6, 14)
        bar = (rows >= top) & (rows < top + 3) & (cols < width) & ~disc
        masks[k, disc, 0], masks[k, bar, 0] = 1, 2
        images[k, disc, 0] += 1.0
        images[k, bar, 2] += 1.0
        images[k, bar, 1] -= 0.5
    return images, masks


def build():
    inputs = keras.Input(shape=(SIZE, SIZE, 3))
    x = layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)(inputs)
    x = layers.BatchNormalization(momentum=0.8)(x)
    x = layers.Activation("relu")(x)
    previous = x
    for filters in (12, 16):
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.8)(x)
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.8)(x)
        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
        residual = layers.Conv2D(filters, 1, strides=2, padding="same")(previous)
        x = layers.add([x, residual])
        previous = x
    for filters in (16, 12, 8):
        x = layers.Activation("relu")(x)
        x = layers.Conv2DTranspose(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.8)(x)
        x = layers.Activation("relu")(x)
        x = layers.Conv2DTranspose(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.8)(x)
        x = layers.UpSampling2D(2)(x)
        residual = layers.UpSampling2D(2)(previous)
        residual = layers.Conv2D(filters, 1, padding="same")(residual)
        x = layers.add([x, residual])
        previous = x
    logits = layers.Conv2D(CLASSES, 3, padding="same", name="logits")(x)
    return keras.Model(inputs, logits, name="unet")


def main():
    rng = np.random.default_rng(21)
    x_train, y_train = make_data(rng, 24)
    x_val, y_val = make_data(rng, 8)
    print(x_train.shape, y_train.shape, np.bincount(y_train.ravel(), minlength=CLASSES).tolist())

    model = build()
    init = np.random.default_rng(4)
    for w in model.weights:
        if "gamma" in w.path or "moving_variance" in w.path:
            w.assign(np.ones(tuple(w.shape), "float32"))
        elif "beta" in w.path or "moving_mean" in w.path:
            w.assign(np.zeros(tuple(w.shape), "float32"))
        else:
            w.assign(init.normal(0.0, 0.2, size=tuple(w.shape)).astype("float32"))
    print(len(model.layers), len(model.weights), len(model.trainable_weights), model.count_params())
    for layer in model.layers[1:8]:
        print(layer.name, layer.output.shape)

    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.02, momentum=0.9),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=8, epochs=4, shuffle=False, verbose=0,
                        validation_data=(x_val, y_val))
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])

    segmenter = keras.Model(model.input, layers.Softmax(name="pixel_softmax")(model.output))
    segmenter.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, accuracy = segmenter.evaluate(x_val, y_val, batch_size=4, verbose=0)
    print("evaluate %.5f %.5f" % (loss, accuracy))
    print("logits evaluate", ["%.5f" % v for v in model.evaluate(x_val, y_val, verbose=0)])

    probabilities = segmenter.predict(x_val, batch_size=4, verbose=0)
    print(probabilities.shape, probabilities.dtype, np.round(probabilities[0, 5, 5], 5))
    predicted = np.argmax(probabilities, axis=-1)
    print("pixels right", int((predicted == y_val[..., 0]).sum()), "of", predicted.size)
    print("predicted counts", np.bincount(predicted.ravel(), minlength=CLASSES).tolist())
    for row in predicted[0, ::2]:
        print("".join(str(v) for v in row))
    bn = model.get_layer(index=2)
    print(bn.name, np.round(bn.moving_mean.numpy()[:4], 5), np.round(bn.moving_variance.numpy()[:4], 5))


if __name__ == "__main__":
    main()
