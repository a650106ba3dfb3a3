"""A Keras program, written for Keras 3: a grid model over (batch, rows, cols, features) inputs — a
MultiHeadAttention attending over the columns only (attention_axes=(2,)) and one over both grid axes
(attention_axes=(1, 2)) with return_attention_scores and an attention mask, EinsumDense layers with partial
output shapes and bias axes, a SpectralNormalization-wrapped Dense and Conv2D (power iterations in training,
the normalized kernel printed), UnitNormalization over one and two axes; the layers' output shapes, weights and
configs are printed, then the model is fitted a few epochs, evaluated, used to predict, and reloaded from
.keras. Weights are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return np.round(ops.convert_to_numpy(value).astype("float64"), digits).tolist()


def seeded(layer, rng, scale=0.4):
    layer.set_weights([rng.uniform(-scale, scale, w.shape).astype("float32") if w.ndim else w
                       for w in layer.get_weights()])


def main():
    rng = np.random.default_rng(523)
    init = np.random.default_rng(1)
    grid = rng.normal(size=(2, 3, 4, 6)).astype("float32")

    columns = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(2,), name="columns")
    out, scores = columns(grid, grid, return_attention_scores=True)
    seeded(columns, init)
    out, scores = columns(grid, grid, return_attention_scores=True)
    print("columns", tuple(out.shape), tuple(scores.shape), r(ops.sum(out, axis=(1, 2))))
    print("column scores row sums", r(ops.sum(scores, axis=-1)[0, 0]))
    both = layers.MultiHeadAttention(num_heads=2, key_dim=2, value_dim=3, attention_axes=(1, 2), output_shape=5,
                                     name="both")
    mask = np.ones((2, 3, 4, 3, 4), bool)
    mask[:, :, :, 2, :] = False
    out, scores = both(grid, grid, attention_mask=mask, return_attention_scores=True)
    seeded(both, init)
    out, scores = both(grid, grid, attention_mask=mask, return_attention_scores=True)
    print("both", tuple(out.shape), tuple(scores.shape), r(ops.mean(out, axis=(1, 2))))
    print("masked row gets no attention", float(ops.convert_to_numpy(ops.max(scores[:, :, :, :, 2, :]))))
    print("weights", [(w.path, tuple(w.shape)) for w in both.weights])

    e1 = layers.EinsumDense("abcd,de->abce", output_shape=(None, None, 5), bias_axes="e", activation="relu",
                            name="mix_features")
    e2 = layers.EinsumDense("abcd,cde->abe", output_shape=(None, 7), bias_axes="e", name="fold_cols")
    h = e1(grid)
    seeded(e1, init)
    h = e1(grid)
    g = e2(h)
    seeded(e2, init)
    g = e2(h)
    print("einsum", tuple(h.shape), tuple(g.shape), r(ops.sum(g, axis=1)))
    print("einsum config", {k: v for k, v in sorted(e2.get_config().items())
                            if k in ("equation", "output_shape", "bias_axes", "activation")})

    unit = layers.UnitNormalization(axis=-1)
    print("unit norms", r(ops.sqrt(ops.sum(ops.square(unit(grid)), axis=-1))[0, 0]))
    unit2 = layers.UnitNormalization(axis=[2, 3])
    print("unit over two axes", r(ops.sum(ops.square(unit2(grid)), axis=(2, 3))))

    dense = layers.Dense(3, name="sn_dense")
    sn = layers.SpectralNormalization(dense, power_iterations=2, name="sn")
    flat = grid.reshape(6, 24)
    sn.build(flat.shape)
    dense.set_weights([init.uniform(-1, 1, (24, 3)).astype("float32"), np.zeros(3, "float32")])
    sn.vector_u.assign(init.normal(size=(1, 3)).astype("float32"))
    print("sn variables", [(w.path, tuple(w.shape), w.trainable) for w in sn.weights])
    sn(flat, training=True)
    kernel = ops.convert_to_numpy(dense.kernel)
    print("sn kernel top singular value", round(float(np.linalg.svd(kernel, compute_uv=False)[0]), 4))
    print("sn inference", r(sn(flat, training=False)[:2]))
    print("sn u", r(sn.vector_u))

    inputs = keras.Input((3, 4, 6))
    x = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(2,), name="mha_cols")(inputs, inputs)
    x = layers.Add()([inputs, x])
    x = layers.UnitNormalization(axis=-1)(x)
    x = layers.EinsumDense("abcd,de->abce", output_shape=(None, None, 4), bias_axes="e", activation="tanh",
                           name="proj")(x)
    x = layers.SpectralNormalization(layers.Conv2D(3, 2, name="conv"), power_iterations=1, name="sn_conv")(x)
    x = layers.GlobalAveragePooling2D()(x)
    out = layers.Dense(1, name="out")(x)
    model = keras.Model(inputs, out, name="grid_model")
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    model.summary()
    print("model weights", [(w.path, tuple(w.shape), w.trainable) for w in model.weights])
    data = rng.normal(size=(40, 3, 4, 6)).astype("float32")
    target = (data[:, :, :, 0].mean(axis=(1, 2)) - data[:, 1, :, 2].mean(axis=1))[:, None].astype("float32")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    history = model.fit(data[:32], target[:32], batch_size=8, epochs=4, verbose=0, shuffle=False,
                        validation_data=(data[32:], target[32:]))
    for key in sorted(history.history):
        print(key, [round(v, 4) for v in history.history[key]])
    print("evaluate", [round(v, 4) for v in model.evaluate(data, target, verbose=0)])
    pred = model.predict(data[:3], verbose=0)
    print("predict", r(pred[:, 0]))
    print("sn_conv u after fit", r(model.get_layer("sn_conv").vector_u))
    model.save("grid.keras")
    again = keras.models.load_model("grid.keras")
    print("reloaded", bool(np.allclose(again.predict(data[:3], verbose=0), pred, atol=1e-5)),
          again.get_layer("mha_cols").attention_axes)


if __name__ == "__main__":
    main()
