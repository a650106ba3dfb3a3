"""A Keras program, written for Keras 3: a small video / volume classifier built from the layers earlier programs
skipped — AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D (sizes that do and do not divide the
input, channels_first too), GlobalMaxPool3D / GlobalAvgPool1D with keepdims, ConvLSTM3D, SpatialDropout2D in
inference, and the alias names (Convolution2D, Convolution1DTranspose, SeparableConvolution1D, MaxPool2D,
AvgPool3D, GlobalMaxPool2D); it prints output shapes, values, configs and a short fit. Weights come from NumPy,
so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits).tolist()


def fill(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])


def main():
    rng = np.random.default_rng(1709)
    seq = rng.normal(size=(2, 7, 3)).astype("float32")
    img = rng.normal(size=(2, 7, 5, 3)).astype("float32")
    vol = rng.normal(size=(2, 5, 4, 6, 2)).astype("float32")
    for size in (1, 3, 4, 7):
        print("adaptive 1d", size, r(layers.AdaptiveAveragePooling1D(size)(seq)[0, :, 0]),
              r(layers.AdaptiveMaxPooling1D(size)(seq)[0, :, 0]))
    for size in ((2, 2), (3, 4), (7, 5), 3):
        avg = layers.AdaptiveAveragePooling2D(size)(img)
        print("adaptive 2d", size, tuple(avg.shape), r(avg[0, :, :, 0]), r(ops.sum(layers.AdaptiveMaxPooling2D(size)(img))))
    first = np.transpose(img, (0, 3, 1, 2))
    print("adaptive channels_first", r(layers.AdaptiveAveragePooling2D((2, 3), data_format="channels_first")(first)[0, 0]))
    print("adaptive 3d", tuple(layers.AdaptiveAveragePooling3D((2, 2, 3))(vol).shape),
          r(ops.sum(layers.AdaptiveAveragePooling3D((2, 2, 3))(vol))), r(ops.sum(layers.AdaptiveMaxPooling3D(3)(vol))))
    print("adaptive config", sorted((k, v) for k, v in layers.AdaptiveMaxPooling2D((2, 3)).get_config().items()
                                    if k not in ("dtype", "name")))

    print("global 3d", r(layers.GlobalMaxPool3D()(vol)[0]), tuple(layers.GlobalMaxPool3D(keepdims=True)(vol).shape),
          r(layers.GlobalAvgPool1D(keepdims=True)(seq)[1, 0]), r(layers.GlobalMaxPool2D()(img)[1]))
    print("avgpool3d", tuple(layers.AvgPool3D(2, padding="same")(vol).shape), r(ops.sum(layers.AvgPool3D(2)(vol))),
          "maxpool2d", r(ops.sum(layers.MaxPool2D((2, 2), strides=1)(img))))
    dropped = layers.SpatialDropout2D(0.5, seed=3)
    print("spatial dropout inference", bool(np.allclose(dropped(img, training=False), img)),
          sorted((k, v) for k, v in dropped.get_config().items() if k not in ("dtype", "name")))

    conv = layers.Convolution2D(4, 3, padding="same", name="conv2d_alias")
    tconv = layers.Convolution1DTranspose(2, 3, strides=2, name="tconv_alias")
    sep = layers.SeparableConvolution1D(3, 2, depth_multiplier=2, name="sep_alias")
    for layer, x in ((conv, img), (tconv, seq), (sep, seq)):
        layer.build(x.shape)
        fill_layer = np.random.default_rng(5)
        layer.set_weights([fill_layer.uniform(-0.4, 0.4, w.shape).astype("float32") for w in layer.get_weights()])
        y = layer(x)
        print(type(layer).__name__, tuple(y.shape), r(ops.sum(y)), [tuple(w.shape) for w in layer.weights])

    clip = rng.normal(size=(4, 3, 4, 4, 3, 2)).astype("float32")
    cell = layers.ConvLSTM3D(3, 2, padding="same", return_sequences=False, name="convlstm3d")
    out = cell(clip)
    fill_layer = np.random.default_rng(6)
    cell.set_weights([fill_layer.uniform(-0.3, 0.3, w.shape).astype("float32") for w in cell.get_weights()])
    out = cell(clip)
    print("convlstm3d", tuple(out.shape), r(ops.sum(out)), [tuple(w.shape) for w in cell.weights])

    inputs = keras.Input((7, 5, 3))
    h = layers.Convolution2D(6, 3, padding="same", activation="relu", name="c1")(inputs)
    h = layers.SpatialDropout2D(0.0)(h)
    h = layers.AdaptiveAveragePooling2D((3, 2), name="adapt")(h)
    h = layers.Flatten()(h)
    outputs = layers.Dense(2, activation="softmax", name="head")(h)
    model = keras.Model(inputs, outputs)
    fill(model, 8)
    print("model", [tuple(t.shape) for t in (h, outputs)], model.count_params())
    x = rng.normal(size=(24, 7, 5, 3)).astype("float32")
    y = (x.mean(axis=(1, 2, 3)) > 0).astype("int32")
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    print("fit", r(history.history["loss"]), r(history.history["accuracy"]))
    print("predict", r(model.predict(x[:2], verbose=0)))


if __name__ == "__main__":
    main()
