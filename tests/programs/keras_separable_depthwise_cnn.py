"""A Keras program, written for Keras 3: a MobileNet-style image classifier of DepthwiseConv2D / SeparableConv2D
blocks — depth_multiplier, strides, dilation, padding="same"/"valid", use_bias, depthwise/pointwise regularizers —
with each layer's weight shapes, output shapes and parameter counts, the summary() text, fit on small synthetic
images, and DepthwiseConv1D / SeparableConv1D on sequences. Weights come from NumPy, so real Keras and deepgrad
print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def build():
    inputs = keras.Input((12, 12, 3), name="image")
    x = layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False, name="stem")(inputs)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.ReLU(6.0, name="stem_relu")(x)
    x = layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, use_bias=False, name="dw_1")(x)
    x = layers.BatchNormalization(name="dw_1_bn")(x)
    x = layers.ReLU(6.0, name="dw_1_relu")(x)
    x = layers.Conv2D(12, 1, name="pw_1")(x)
    x = layers.SeparableConv2D(16, 3, strides=2, padding="same", depth_multiplier=1, activation="relu",
                               depthwise_regularizer=keras.regularizers.L2(1e-3),
                               pointwise_regularizer=keras.regularizers.L1(1e-4), name="sep_1")(x)
    x = layers.SeparableConv2D(16, 3, dilation_rate=2, padding="same", use_bias=False, name="sep_2")(x)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = layers.Dense(3, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="tiny_mobilenet")


def main():
    model = build()
    init = np.random.default_rng(4)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") if "moving_variance" not in w.path
                       else np.ones(w.shape, "float32") for w in model.weights])
    for name in ("dw_1", "sep_1", "sep_2"):
        layer = model.get_layer(name)
        print(name, [w.name for w in layer.weights], [tuple(w.shape) for w in layer.weights],
              layer.count_params(), layer.output.shape)
    model.summary()
    print("regularization losses", len(model.losses), r(sum(float(ops.convert_to_numpy(l)) for l in model.losses)))

    rng = np.random.default_rng(9)
    images = rng.uniform(0, 1, size=(45, 12, 12, 3)).astype("float32")
    labels = np.argmax(images.mean(axis=(1, 2)), axis=1).astype("int32")
    model.compile(optimizer=keras.optimizers.RMSprop(0.005), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(images[:36], labels[:36], batch_size=12, epochs=3, shuffle=False, verbose=0)
    print("loss", r(history.history["loss"]))
    print("evaluate", r(model.evaluate(images[36:], labels[36:], verbose=0)))
    print("predict", r(model.predict(images[:2], verbose=0)))
    print("bn moving mean", r(model.get_layer("dw_1_bn").moving_mean.numpy()[:4]))

    image = np.arange(2 * 5 * 5 * 2, dtype="float32").reshape(2, 5, 5, 2) / 10.0
    depthwise = layers.DepthwiseConv2D((2, 3), strides=(1, 2), depth_multiplier=3,
                                       depthwise_initializer="ones", bias_initializer="zeros")
    out = depthwise(image)
    print("depthwise", tuple(out.shape), depthwise.kernel.shape, r(ops.convert_to_numpy(out)[0, 0, 0]))
    separable = layers.SeparableConv2D(4, 2, padding="valid", depthwise_initializer="ones",
                                       pointwise_initializer="ones")
    out = separable(image)
    print("separable", tuple(out.shape), [tuple(w.shape) for w in separable.weights],
          r(ops.convert_to_numpy(out)[1, -1, -1]))

    sequence = np.linspace(-1, 1, 2 * 9 * 3, dtype="float32").reshape(2, 9, 3)
    dw1 = layers.DepthwiseConv1D(3, depth_multiplier=2, padding="same", depthwise_initializer="ones")
    out = dw1(sequence)
    print("depthwise1d", tuple(out.shape), dw1.kernel.shape, r(ops.convert_to_numpy(out)[0, :3, 0]))
    sep1 = layers.SeparableConv1D(5, 3, strides=2, padding="same", depthwise_initializer="ones",
                                  pointwise_initializer="ones")
    out = sep1(sequence)
    print("separable1d", tuple(out.shape), sep1.compute_output_shape((None, 9, 3)),
          r(ops.convert_to_numpy(out)[0, :, 0]))
    print("config", {k: depthwise.get_config()[k] for k in ("kernel_size", "strides", "depth_multiplier", "padding")})


if __name__ == "__main__":
    main()
