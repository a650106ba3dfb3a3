"""A Keras program, written for Keras 3: the shape arithmetic of Keras's reshaping, padding, cropping and
transposed/3-D convolution layers, as users check it without summary(): Conv1DTranspose (strides, padding
"same"/"valid", output_padding, dilation), Conv3D and Conv3DTranspose, UpSampling1D/3D, ZeroPadding1D/3D
with asymmetric pads, Cropping1D/3D, Reshape with -1, Permute, RepeatVector, Flatten, MaxPooling3D and
AveragePooling1D; each layer's output shape and compute_output_shape printed, get_config / from_config round
trips that must give the same outputs, and a small volumetric model trained with fit. The weights start from the
same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def show(name, layer, x):
    out = layer(x)
    clone = layer.__class__.from_config(layer.get_config())
    clone.build(x.shape)
    if layer.weights:
        clone.set_weights(layer.get_weights())
    same = np.allclose(keras.ops.convert_to_numpy(clone(x)), keras.ops.convert_to_numpy(out), atol=1e-6)
    print(name, tuple(out.shape), tuple(layer.compute_output_shape(x.shape)), same,
          "%.5f" % float(keras.ops.convert_to_numpy(keras.ops.sum(out))))


def main():
    rng = np.random.default_rng(8)
    seq = rng.standard_normal((2, 7, 3)).astype("float32")
    vol = rng.standard_normal((2, 6, 5, 4, 2)).astype("float32")
    init = np.random.default_rng(30)

    def seeded(layer, x):
        layer.build(x.shape)
        layer.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in layer.get_weights()])
        return layer

    show("conv1dT same", seeded(layers.Conv1DTranspose(4, 3, strides=2, padding="same"), seq), seq)
    show("conv1dT valid", seeded(layers.Conv1DTranspose(2, 4, strides=3, output_padding=1), seq), seq)
    show("conv1dT dil", seeded(layers.Conv1DTranspose(2, 3, dilation_rate=2, use_bias=False), seq), seq)
    show("conv3d", seeded(layers.Conv3D(3, (3, 2, 2), strides=(2, 1, 1), padding="same"), vol), vol)
    show("conv3d valid", seeded(layers.Conv3D(2, 2, dilation_rate=(1, 2, 1), activation="relu"), vol), vol)
    show("conv3dT", seeded(layers.Conv3DTranspose(2, 2, strides=2, padding="valid"), vol), vol)
    show("conv3dT same", seeded(layers.Conv3DTranspose(2, 3, strides=(1, 2, 1), padding="same"), vol), vol)
    show("up1d", layers.UpSampling1D(3), seq)
    show("up3d", layers.UpSampling3D((1, 2, 3)), vol)
    show("pad1d", layers.ZeroPadding1D((1, 3)), seq)
    show("pad3d", layers.ZeroPadding3D(((1, 0), (0, 2), (1, 1))), vol)
    show("crop1d", layers.Cropping1D((2, 1)), seq)
    show("crop3d", layers.Cropping3D(((1, 2), (0, 1), (1, 0))), vol)
    show("reshape", layers.Reshape((-1, 6)), vol)
    show("permute", layers.Permute((3, 1, 2, 4)), vol)
    show("repeat", layers.RepeatVector(4), seq[:, 0])
    show("flatten", layers.Flatten(), vol)
    show("maxpool3d", layers.MaxPooling3D((2, 2, 1), strides=(2, 1, 2), padding="same"), vol)
    show("avgpool1d", layers.AveragePooling1D(3, strides=2, padding="same"), seq)
    show("channels_first", seeded(layers.Conv3D(2, 2, data_format="channels_first"), vol), vol)

    model = keras.Sequential([
        keras.Input((6, 5, 4, 2)),
        layers.Conv3D(4, 3, padding="same", activation="relu", name="c1"),
        layers.MaxPooling3D(2, padding="same"),
        layers.Conv3DTranspose(2, 2, strides=2, name="up"),
        layers.Cropping3D(((0, 0), (0, 1), (0, 0))),
        layers.Permute((2, 1, 3, 4)),
        layers.Reshape((30, -1)),
        layers.GlobalAveragePooling1D(),
        layers.RepeatVector(2),
        layers.Flatten(),
        layers.Dense(1, name="out"),
    ])
    model.set_weights([init.uniform(-0.4, 0.4, size=w.shape).astype("float32") for w in model.get_weights()])
    print("shapes", [tuple(l.output.shape) for l in model.layers])
    x = rng.standard_normal((16, 6, 5, 4, 2)).astype("float32")
    y = x.mean(axis=(1, 2, 3, 4))[:, None].astype("float32") * 3.0
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="mse")
    history = model.fit(x, y, epochs=4, batch_size=4, shuffle=False, verbose=0)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    print("predict", np.round(model.predict(x[:4], verbose=0).ravel(), 5).tolist())
    again = keras.Sequential.from_config(model.get_config())
    again.set_weights(model.get_weights())
    print("from_config", np.allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5),
          [type(l).__name__ for l in again.layers][:5])


if __name__ == "__main__":
    main()
