"""A Keras program, written for Keras 3: the keras.ops.nn functions a layer author writes a custom layer
with — conv_transpose with strides, padding and output_padding, depthwise_conv and separable_conv with
dilation, max_pool / average_pool with strides and both paddings (1D and 2D), depth_to_space / space_to_depth
in both data formats, unfold / fold (im2col and back), sparsemax, sparse_sigmoid, hard_sigmoid / hard_silu /
hard_tanh, relu6, silu, swish, softsign, softplus, and polar; then a custom layer built on depthwise_conv and
pooling trained for a few steps. Fixed NumPy inputs and weights, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits).tolist()


def s(value):
    return tuple(ops.shape(value))


class DepthwisePool(layers.Layer):
    """A depthwise 3x3 filter (dilation 2), a pointwise mix, then 2x2 average pooling."""

    def build(self, input_shape):
        channels = input_shape[-1]
        self.depthwise = self.add_weight(shape=(3, 3, channels, 1), initializer="ones", name="depthwise")
        self.pointwise = self.add_weight(shape=(1, 1, channels, 4), initializer="ones", name="pointwise")

    def call(self, x):
        y = ops.separable_conv(x, self.depthwise, self.pointwise, padding="same", dilation_rate=2)
        return ops.average_pool(ops.relu6(y), pool_size=2, strides=2, padding="valid")


def main():
    rng = np.random.default_rng(1704)
    x = rng.normal(size=(2, 6, 6, 3)).astype("float32")
    kernel_t = rng.normal(size=(3, 3, 2, 3)).astype("float32")   # (h, w, out, in)
    for strides, padding, output_padding in ((1, "valid", None), (2, "same", None), (2, "valid", 1), (3, "same", 2)):
        y = ops.conv_transpose(x, kernel_t, strides=strides, padding=padding, output_padding=output_padding)
        print("conv_transpose", strides, padding, output_padding, s(y), r(ops.sum(y)), r(y[0, 0, 0]))
    y = ops.conv_transpose(ops.transpose(x, (0, 3, 1, 2)), kernel_t, strides=2, padding="same",
                           data_format="channels_first")
    print("conv_transpose channels_first", s(y), r(ops.sum(y)))
    seq = rng.normal(size=(2, 7, 3)).astype("float32")
    y = ops.conv_transpose(seq, rng.normal(size=(3, 4, 3)).astype("float32"), strides=2, padding="valid")
    print("conv_transpose 1d", s(y), r(ops.sum(y)))

    dw = rng.normal(size=(3, 3, 3, 2)).astype("float32")
    for strides, padding, dilation in ((1, "same", 1), (2, "valid", 1), (1, "valid", 2), (1, "same", 2)):
        y = ops.depthwise_conv(x, dw, strides=strides, padding=padding, dilation_rate=dilation)
        print("depthwise_conv", strides, padding, dilation, s(y), r(ops.sum(y)))
    pw = rng.normal(size=(1, 1, 6, 4)).astype("float32")
    y = ops.separable_conv(x, dw, pw, strides=2, padding="same")
    print("separable_conv", s(y), r(ops.sum(y)), r(y[1, 1, 1]))

    # 'same' average pools here pad evenly: where they do not, Keras's torch backend counts repeated edge values
    for pool, strides, padding in ((2, None, "valid"), (3, 3, "same"), ((2, 3), (1, 2), "valid"), (3, 1, "same")):
        print("max_pool", pool, strides, padding, s(ops.max_pool(x, pool, strides, padding)),
              r(ops.sum(ops.max_pool(x, pool, strides, padding))),
              "average_pool", r(ops.sum(ops.average_pool(x, pool, strides, padding))))
    print("pool 1d", r(ops.max_pool(seq, 3, 2, "same")[0, :, 0]), r(ops.average_pool(seq, 3, 1, "same")[0, :, 0]))
    print("pool channels_first", r(ops.average_pool(ops.transpose(x, (0, 3, 1, 2)), 3, 1, "same",
                                                    data_format="channels_first")[0, 0]))

    blocks = np.arange(2 * 2 * 2 * 8, dtype="float32").reshape(2, 2, 2, 8)
    d2s = ops.depth_to_space(blocks, 2)
    print("depth_to_space", s(d2s), r(d2s[0, :, :, 0]), r(d2s[0, 1, 1]))
    print("space_to_depth", s(ops.space_to_depth(d2s, 2)), bool(np.array_equal(ops.space_to_depth(d2s, 2), blocks)))
    first = ops.transpose(blocks, (0, 3, 1, 2))
    print("depth_to_space channels_first", s(ops.depth_to_space(first, 2, data_format="channels_first")),
          r(ops.depth_to_space(first, 2, data_format="channels_first")[0, 0]))

    img = ops.convert_to_tensor(np.arange(2 * 2 * 4 * 4, dtype="float32").reshape(2, 2, 4, 4))
    cols = ops.unfold(img, kernel_size=2, stride=2)
    print("unfold", s(cols), r(cols[0, :, 0]), s(ops.unfold(img, kernel_size=3, padding=1)))
    back = ops.fold(cols, output_size=(4, 4), kernel_size=2, stride=2)
    print("fold", s(back), bool(np.allclose(back, img)))
    overlap = ops.fold(ops.unfold(img, kernel_size=3, padding=1), output_size=(4, 4), kernel_size=3, padding=1)
    print("fold overlap counts", r(overlap[0, 0] / ops.maximum(img[0, 0], 1.0)))

    z = np.array([[-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 4.0]], "float32")
    print("sparsemax", r(ops.sparsemax(z)), r(ops.sparsemax(np.array([[0.1, 0.2], [3.0, -1.0]], "float32"), axis=0)))
    print("sparse_sigmoid", r(ops.sparse_sigmoid(z)), "hard_sigmoid", r(ops.hard_sigmoid(z)))
    print("hard_silu", r(ops.hard_silu(z)), "hard_tanh", r(ops.hard_tanh(z)), "relu6", r(ops.relu6(z * 2)))
    print("silu", r(ops.silu(z)), "swish", r(ops.swish(z)), "softsign", r(ops.softsign(z)))
    print("softplus", r(ops.softplus(z)), "polar", r(ops.real(ops.polar(np.array([1.0, 2.0], "float32"),
                                                                           np.array([0.0, np.pi / 3], "float32")))),
          r(ops.imag(ops.polar(np.array([1.0, 2.0], "float32"), np.array([0.0, np.pi / 3], "float32")))))

    inputs = keras.Input((6, 6, 3))
    h = DepthwisePool(name="dwpool")(inputs)
    outputs = layers.Dense(1)(layers.Flatten()(h))
    model = keras.Model(inputs, outputs)
    model.get_layer(index=-1).set_weights([np.full((36, 1), 0.01, "float32"), np.zeros(1, "float32")])
    print("model", [(w.path, tuple(w.shape)) for w in model.weights], model.output_shape)
    model.compile(optimizer=keras.optimizers.SGD(0.001), loss="mse")
    targets = rng.normal(size=(2, 1)).astype("float32")
    print("fit", r(model.fit(x, targets, epochs=3, verbose=0).history["loss"]))
    print("depthwise after", r(model.get_layer("dwpool").depthwise[:, :, 0, 0]))


if __name__ == "__main__":
    main()
