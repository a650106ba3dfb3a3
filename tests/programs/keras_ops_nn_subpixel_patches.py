"""A Keras program, written for Keras 3, after keras.io's ESPCN super-resolution example: keras.ops.nn's newer
names — depth_to_space / space_to_depth in both data formats, unfold / fold with padding, stride and dilation
(fold(unfold(x)) counts each pixel's overlaps), adaptive_max_pool / adaptive_average_pool, normalize with an order
and axis, polar, the shrink / squash activations (soft_shrink, hard_shrink, tanh_shrink, squareplus, sparse_plus,
sparse_sigmoid, hard_tanh, threshold, celu, glu), rms_normalization and psnr — then a sub-pixel convolution
model (Conv2D -> depth_to_space) trained with fit to double a small image's resolution, printing its losses and
PSNR. Weights are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(t, digits=4):
    return np.round(ops.convert_to_numpy(t).astype("float64"), digits).tolist()


class DepthToSpace(layers.Layer):
    def __init__(self, block_size, **kwargs):
        super().__init__(**kwargs)
        self.block_size = block_size

    def call(self, x):
        return ops.nn.depth_to_space(x, self.block_size)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        s = self.block_size
        return (b, None if h is None else h * s, None if w is None else w * s, c // (s * s))


def main():
    x = ops.reshape(ops.arange(32, dtype="float32"), (1, 2, 2, 8))
    d2s = ops.nn.depth_to_space(x, 2)
    print("depth_to_space", tuple(d2s.shape), r(d2s[0, :, :, 0]), r(d2s[0, 0, 0]))
    print("space_to_depth inverts", bool(np.array_equal(ops.convert_to_numpy(ops.nn.space_to_depth(d2s, 2)),
                                                        ops.convert_to_numpy(x))))
    first = ops.reshape(ops.arange(32, dtype="float32"), (1, 8, 2, 2))
    print("depth_to_space channels_first", r(ops.nn.depth_to_space(first, 2, data_format="channels_first")[0, 0]))

    image = ops.reshape(ops.arange(2 * 4 * 5, dtype="float32"), (1, 2, 4, 5))
    cols = ops.nn.unfold(image, kernel_size=3, padding=1, stride=2)
    print("unfold", tuple(cols.shape), r(cols[0, :4, 0]))
    dilated = ops.nn.unfold(image, kernel_size=2, dilation=2)
    print("unfold dilated", tuple(dilated.shape), r(dilated[0, 0]))
    counts = ops.nn.fold(ops.nn.unfold(ops.ones((1, 1, 4, 5)), kernel_size=2, stride=1), output_size=(4, 5),
                         kernel_size=2, stride=1)
    print("fold overlap counts", r(counts[0, 0]))

    grid = ops.reshape(ops.arange(1 * 5 * 7 * 2, dtype="float32"), (1, 5, 7, 2)) % 9.0
    print("adaptive max", r(ops.nn.adaptive_max_pool(grid, (2, 3))[0, :, :, 0]))
    print("adaptive average", r(ops.nn.adaptive_average_pool(grid, (2, 3))[0, :, :, 1]))

    v = ops.array([[3.0, -4.0, 0.5], [1.0, 2.0, -2.0]])
    print("normalize l2", r(ops.nn.normalize(v)), "l1 axis 0", r(ops.nn.normalize(v, axis=0, order=1)))
    print("polar", [r(part) for part in (ops.real(ops.nn.polar(ops.array([2.0]), ops.array([0.5]))),
                                           ops.imag(ops.nn.polar(ops.array([2.0]), ops.array([0.5]))))])
    line = ops.linspace(-2.0, 2.0, 9)
    for name in ("soft_shrink", "hard_shrink", "tanh_shrink", "squareplus", "sparse_plus", "sparse_sigmoid",
                 "hard_tanh", "celu"):
        print(name, r(getattr(ops.nn, name)(line)))
    print("threshold", r(ops.nn.threshold(line, 0.5, -1.0)))
    print("glu", r(ops.nn.glu(ops.reshape(line[:8], (2, 4)))))
    print("rms_normalization", r(ops.nn.rms_normalization(v, scale=ops.array([1.0, 0.5, 2.0]), axis=-1)))

    rng = np.random.default_rng(6)
    coarse = rng.uniform(size=(16, 4, 4, 1)).astype("float32")
    fine = np.repeat(np.repeat(coarse, 2, axis=1), 2, axis=2)
    fine = (0.8 * fine + 0.1).astype("float32")
    inputs = keras.Input((None, None, 1))
    h = layers.Conv2D(6, 3, padding="same", activation="tanh", name="features")(inputs)
    h = layers.Conv2D(4, 3, padding="same", name="subpixel")(h)
    outputs = DepthToSpace(2, name="shuffle")(h)
    model = keras.Model(inputs, outputs, name="espcn")
    init = np.random.default_rng(7)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    print("output shape", tuple(outputs.shape), model.compute_output_shape((2, 3, 5, 1)))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(coarse, fine, batch_size=4, epochs=4, shuffle=False, verbose=0)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    upscaled = model.predict(coarse[:2], verbose=0)
    print("upscaled", upscaled.shape, r(upscaled[0, :2, :2, 0]))
    print("psnr", "%.3f" % float(ops.convert_to_numpy(ops.nn.psnr(fine[:2], upscaled, max_val=1.0))))


if __name__ == "__main__":
    main()
