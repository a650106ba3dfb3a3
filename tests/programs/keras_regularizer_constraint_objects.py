"""A Keras program, written for Keras 3: regularizer, constraint and initializer objects as users configure them —
L1, L2, L1L2 and OrthogonalRegularizer (rows and columns) called on weight arrays and attached to Dense / Conv1D /
Embedding kernels, biases and activities (model.losses after a forward pass); MaxNorm, MinMaxNorm (rate), UnitNorm
and NonNeg applied to arrays along an axis and as kernel constraints during fit; the deterministic initializers
(Constant, Identity with gain, Zeros, Ones) and the statistics of seeded random ones (shapes, bounds, an
orthogonal matrix's Gram matrix, VarianceScaling's fan modes); get / serialize / deserialize and configs. The
weights start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import constraints, initializers, layers, regularizers


def arr(value):
    return np.round(np.asarray(keras.ops.convert_to_numpy(value), "float64"), 5).tolist()


def main():
    rng = np.random.default_rng(17)
    kernel = rng.standard_normal((4, 3)).astype("float32")
    t = keras.ops.convert_to_tensor(kernel)
    print("l1", arr(regularizers.L1(0.05)(t)), "l2", arr(regularizers.L2(0.02)(t)))
    print("l1l2", arr(regularizers.L1L2(l1=0.01, l2=0.03)(t)), arr(regularizers.l1_l2(0.2, 0.0)(t)))
    print("orth rows", arr(regularizers.OrthogonalRegularizer(0.1)(t)))
    print("orth cols", arr(regularizers.OrthogonalRegularizer(factor=0.5, mode="columns")(t)))
    print("reg config", regularizers.OrthogonalRegularizer(0.2, "columns").get_config(),
          regularizers.L1L2(0.1, 0.2).get_config())
    print("reg get", type(regularizers.get("l2")).__name__, regularizers.serialize(regularizers.L1(0.3))["config"])
    again = regularizers.deserialize({"class_name": "OrthogonalRegularizer", "config": {"factor": 0.3, "mode": "rows"}})
    print("reg deserialize", type(again).__name__, arr(again(t)))

    print("maxnorm", arr(constraints.MaxNorm(1.5, axis=0)(t)))
    print("maxnorm rows", arr(constraints.MaxNorm(1.0, axis=1)(t)))
    print("minmax", arr(constraints.MinMaxNorm(0.5, 1.2, rate=0.7, axis=0)(t)))
    print("unitnorm", arr(constraints.UnitNorm(axis=1)(t)))
    print("nonneg", arr(constraints.NonNeg()(t)))
    print("con config", constraints.MinMaxNorm(0.1, 2.0, rate=0.5).get_config(),
          constraints.get("unit_norm").get_config())

    print("constant", arr(initializers.Constant(0.25)((2, 3))))
    print("identity", arr(initializers.Identity(gain=2.0)((3, 4))))
    print("zeros ones", arr(initializers.Zeros()((2,))), arr(initializers.Ones()((2,))))
    ortho = keras.ops.convert_to_numpy(initializers.Orthogonal(gain=1.5, seed=3)((5, 3)))
    print("orthogonal gram", arr(ortho.T @ ortho))
    for mode in ["fan_in", "fan_out", "fan_avg"]:
        scaled = keras.ops.convert_to_numpy(initializers.VarianceScaling(2.0, mode, "uniform", seed=1)((40, 10)))
        limit = np.sqrt(3.0 * 2.0 / {"fan_in": 40, "fan_out": 10, "fan_avg": 25}[mode])
        largest = np.abs(scaled).max()
        print("variance", mode, scaled.shape, bool(largest <= limit), bool(largest > limit * 0.8))
    trunc = keras.ops.convert_to_numpy(initializers.TruncatedNormal(stddev=0.5, seed=2)((200,)))
    print("truncated", bool(np.abs(trunc).max() <= 1.0), trunc.dtype)
    print("init config", initializers.VarianceScaling(0.5, "fan_out", "truncated_normal", seed=4).get_config())
    print("init get", type(initializers.get("he_normal")).__name__, type(initializers.get("orthogonal")).__name__)

    inputs = keras.Input((6,), dtype="int32")
    emb = layers.Embedding(12, 4, embeddings_regularizer=regularizers.L2(0.01),
                           embeddings_constraint=constraints.MaxNorm(1.0), name="emb")(inputs)
    conv = layers.Conv1D(5, 3, kernel_regularizer=regularizers.L2(0.02),
                         bias_regularizer="l1", kernel_constraint=constraints.UnitNorm(axis=[0, 1]), name="conv")(emb)
    pooled = layers.GlobalMaxPooling1D()(conv)
    dense = layers.Dense(3, kernel_regularizer=regularizers.OrthogonalRegularizer(0.05, "columns"),
                         activity_regularizer="l2",
                         kernel_constraint=constraints.MinMaxNorm(0.2, 0.9, rate=1.0), name="dense")(pooled)
    outputs = layers.Dense(1, kernel_constraint=constraints.NonNeg(), name="out")(dense)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(5)
    model.set_weights([init.uniform(-0.6, 0.6, size=v.shape).astype("float32") for v in model.get_weights()])
    x = rng.integers(0, 12, (32, 6)).astype("int32")
    y = (x.mean(axis=1, keepdims=True) / 6.0 - 1.0).astype("float32")
    model(x[:8])
    print("losses", len(model.losses), arr(keras.ops.stack(model.losses)))
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    print("emb norms", arr(np.linalg.norm(model.get_layer("emb").get_weights()[0], axis=1)[:6]))
    conv_kernel = model.get_layer("conv").get_weights()[0]
    print("conv norms", arr(np.sqrt((conv_kernel ** 2).sum(axis=(0, 1)))))
    print("dense norms", arr(np.linalg.norm(model.get_layer("dense").get_weights()[0], axis=0)))
    print("out kernel", arr(model.get_layer("out").get_weights()[0].ravel()))
    print("predict", arr(model.predict(x[:4], verbose=0).ravel()))
    config = model.get_layer("conv").get_config()
    print("conv config", config["kernel_regularizer"]["class_name"], config["kernel_regularizer"]["config"],
          config["kernel_constraint"])


if __name__ == "__main__":
    main()
