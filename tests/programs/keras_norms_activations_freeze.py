"""A Keras program, written for Keras 3: normalization layers and activations users pick from the reference —
GroupNormalization (groups, center/scale off), UnitNormalization over several axes, LayerNormalization with
rms_scaling and over two axes, BatchNormalization (momentum, epsilon, center=False, moving statistics after
fit), SpectralNormalization around a Dense (power iterations), every keras.activations function on one array and
Activation layers by name (keras.activations.relu with max_value, threshold and negative_slope together); then
an EinsumDense model trained, its first layers frozen (trainable=False) and recompiled, the trainable and
non-trainable weights counted, and a second fit that leaves the frozen kernels as they were. The weights start
from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import activations, layers, ops


def arr(value):
    return np.round(np.asarray(ops.convert_to_numpy(value), "float64"), 5).tolist()


def seeded(model, seed, scale=0.5):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-scale, scale, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def main():
    rng = np.random.default_rng(29)
    x = rng.standard_normal((4, 6)).astype("float32")
    images = rng.standard_normal((2, 3, 3, 4)).astype("float32")

    group = layers.GroupNormalization(groups=2, epsilon=1e-3)
    print("group", arr(ops.sum(group(images), axis=(1, 2))[0]))
    plain = layers.GroupNormalization(groups=4, center=False, scale=False)
    print("group plain", arr(plain(images)[0, 0, 0]), len(plain.weights))
    print("unit", arr(layers.UnitNormalization(axis=[1, 2])(images)[0, :, :, 0]))
    rms = layers.LayerNormalization(rms_scaling=True)
    print("rms", arr(rms(x)[0]), [w.name for w in rms.weights])
    two_axes = layers.LayerNormalization(axis=[2, 3], center=False)
    print("layernorm axes", arr(two_axes(images)[1, 0, 0]), [tuple(w.shape) for w in two_axes.weights])
    for name in ["relu", "gelu", "silu", "mish", "selu", "elu", "softplus", "softsign", "hard_sigmoid", "hard_silu",
                 "relu6", "leaky_relu", "log_softmax", "softmax", "tanh_shrink", "squareplus", "sparse_plus",
                 "celu", "glu", "log_sigmoid", "threshold", "linear", "exponential"]:
        fn = activations.get(name)
        value = fn(x[:2]) if name != "threshold" else fn(x[:2], threshold=0.2, default_value=-1.0)
        print("act", name, activations.serialize(fn) if name != "threshold" else "threshold", arr(value)[0][:4])
    print("gelu exact", arr(activations.gelu(x[0], approximate=False))[:3],
          "leaky", arr(activations.leaky_relu(x[0], 0.3))[:3],
          "relu max", arr(activations.relu(x[0], max_value=0.5, threshold=-0.2, negative_slope=0.1))[:4])

    inputs = keras.Input((6,))
    h = layers.Dense(8, name="d1")(inputs)
    h = layers.BatchNormalization(momentum=0.8, epsilon=1e-2, center=False, name="bn")(h)
    h = layers.Activation("swish")(h)
    h = layers.SpectralNormalization(layers.Dense(5), power_iterations=2, name="spectral")(h)
    h = layers.RMSNormalization(name="rmsnorm")(h)
    outputs = layers.Dense(1, name="out")(h)
    model = seeded(keras.Model(inputs, outputs), 3)
    data = rng.standard_normal((32, 6)).astype("float32")
    target = (data[:, :1] * data[:, 1:2]).astype("float32")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(data, target, epochs=3, batch_size=8, shuffle=False, verbose=0)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    bn = model.get_layer("bn")
    # three epochs of Adam through BatchNormalization: the moving mean carries float32 training noise past 1e-4
    print("bn moving", np.round(arr(bn.moving_mean)[:4], 3).tolist(), arr(bn.moving_variance)[:4],
          [w.name for w in bn.weights])
    spectral = model.get_layer("spectral")
    print("spectral", [w.path for w in spectral.weights], arr(model.predict(data[:3], verbose=0).ravel()))

    base = keras.Sequential([keras.Input((6,)), layers.Dense(4, name="dense_a"),
                             layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="c", name="einsum"),
                             layers.Dense(1, name="head")])
    seeded(base, 7)
    base.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = base.fit(data, target, epochs=2, batch_size=8, shuffle=False, verbose=0)
    print("einsum loss", ["%.5f" % v for v in history.history["loss"]])
    base.get_layer("dense_a").trainable = False
    base.get_layer("einsum").trainable = False
    print("frozen", [(w.path, w.trainable) for w in base.weights][:4], len(base.trainable_weights),
          len(base.non_trainable_weights), base.count_params())
    kernel_before = ops.convert_to_numpy(base.get_layer("dense_a").kernel).copy()
    base.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = base.fit(data, target, epochs=2, batch_size=8, shuffle=False, verbose=0)
    print("frozen loss", ["%.5f" % v for v in history.history["loss"]], "kernel kept",
          bool(np.allclose(ops.convert_to_numpy(base.get_layer("dense_a").kernel), kernel_before)))
    print("einsum config", {k: v for k, v in base.get_layer("einsum").get_config().items()
                            if k in ("equation", "output_shape", "bias_axes")},
          arr(base.predict(data[:3], verbose=0).ravel()))

if __name__ == "__main__":
    main()
