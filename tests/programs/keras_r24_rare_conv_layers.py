"""A Keras program, written for Keras 3: the convolution layers users rarely train, each inside a model fitted
with `fit` — a 1-D stack of SeparableConv1D, DepthwiseConv1D (depth_multiplier=2), LayerNormalization with
rms_scaling=True and Conv1DTranspose (strides=2, output_padding) regressing a sequence; a 2-D stack of
SeparableConv2D, GroupNormalization(groups=2), Cropping2D, UpSampling2D(interpolation="bilinear") and a 1x1
Conv2D; a 3-D stack of ZeroPadding3D, Conv3D (strides and dilation apart) and GlobalAveragePooling3D classifying
volumes. Output shapes, summaries (one after training, with the optimizer's parameters), per-epoch losses,
evaluate, predict and a .keras round trip are printed. Weights are set from NumPy, so real Keras and deepgrad
print the same numbers."""
import numpy as np

import keras
from keras import layers


def r(value, digits=5):
    return np.round(np.asarray(value, dtype="float64"), digits).tolist()


def seeded(model, rng, scale=0.3):
    model.set_weights([rng.uniform(-scale, scale, w.shape).astype("float32") if "gamma" not in w.path
                       and "moving" not in w.path else w.numpy() for w in model.weights])


def report(tag, model, x, y, history):
    print(tag, "params", model.count_params(), "output", model.output_shape)
    for key in sorted(history.history):
        print(tag, key, r(history.history[key]))
    print(tag, "evaluate", r(model.evaluate(x, y, verbose=0)))


def main():
    rng = np.random.default_rng(2401)
    init = np.random.default_rng(24)

    seq = rng.normal(size=(24, 12, 3)).astype("float32")
    target = np.repeat(np.cumsum(seq, axis=1)[:, :, :1] * 0.2, 2, axis=1)[:, :24].astype("float32")
    one = keras.Sequential([
        keras.Input((12, 3)),
        layers.SeparableConv1D(6, 3, padding="same", depth_multiplier=2, activation="tanh", name="sep1"),
        layers.DepthwiseConv1D(3, depth_multiplier=2, padding="same", name="dw1"),
        layers.LayerNormalization(rms_scaling=True, name="rms"),
        layers.Conv1DTranspose(4, 3, strides=2, padding="same", output_padding=1, name="up1"),
        layers.Conv1D(1, 1, name="head1"),
    ], name="one_d")
    seeded(one, init)
    print("1d shapes", [tuple(l.output.shape) for l in one.layers])
    one.summary()
    one.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    history = one.fit(seq, target, batch_size=8, epochs=4, verbose=0, shuffle=False)
    report("1d", one, seq, target, history)
    print("1d rms gamma", r(one.get_layer("rms").gamma.numpy()[:4]))

    img = rng.uniform(size=(16, 10, 10, 2)).astype("float32")
    mask = (img[..., :1] > 0.5).astype("float32")[:, 1:9, 1:9]
    mask = mask.repeat(2, axis=1).repeat(2, axis=2)
    two = keras.Sequential([
        keras.Input((10, 10, 2)),
        layers.SeparableConv2D(4, 3, padding="same", activation="relu", name="sep2"),
        layers.GroupNormalization(groups=2, name="gn"),
        layers.Cropping2D(((1, 1), (1, 1)), name="crop"),
        layers.UpSampling2D(2, interpolation="bilinear", name="bilinear"),
        layers.Conv2D(1, 1, activation="sigmoid", name="head2"),
    ], name="two_d")
    seeded(two, init)
    print("2d shapes", [tuple(l.output.shape) for l in two.layers])
    two.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="binary_crossentropy", metrics=["binary_accuracy"])
    history = two.fit(img, mask, batch_size=4, epochs=3, verbose=0, shuffle=False)
    two.summary()
    report("2d", two, img, mask, history)
    print("2d gn beta", r(two.get_layer("gn").beta.numpy()))

    vol = rng.normal(size=(12, 6, 6, 6, 1)).astype("float32")
    labels = (vol.mean(axis=(1, 2, 3, 4)) > 0).astype("int32")
    three = keras.Sequential([
        keras.Input((6, 6, 6, 1)),
        layers.ZeroPadding3D(((1, 0), (0, 1), (1, 1)), name="pad3"),
        layers.Conv3D(3, 3, strides=(1, 2, 1), activation="relu", name="conv3a"),
        layers.Conv3D(4, 2, dilation_rate=2, padding="same", name="conv3b"),
        layers.GlobalAveragePooling3D(name="gap3"),
        layers.Dense(2, activation="softmax", name="cls"),
    ], name="three_d")
    seeded(three, init)
    print("3d shapes", [tuple(l.output.shape) for l in three.layers])
    three.summary()
    three.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = three.fit(vol, labels, batch_size=4, epochs=3, verbose=0, shuffle=False)
    report("3d", three, vol, labels, history)
    print("3d predict", r(three.predict(vol[:3], verbose=0)))

    one.save("one.keras")
    back = keras.models.load_model("one.keras")
    print("reloaded 1d equal", bool(np.allclose(back.predict(seq[:4], verbose=0), one.predict(seq[:4], verbose=0),
                                                atol=1e-6)), [l.__class__.__name__ for l in back.layers])
    print("reloaded rms config", {k: back.get_layer("rms").get_config()[k] for k in ("rms_scaling", "axis")})
    print("reloaded up1 config", {k: back.get_layer("up1").get_config()[k]
                                  for k in ("strides", "output_padding", "padding")})


if __name__ == "__main__":
    main()
