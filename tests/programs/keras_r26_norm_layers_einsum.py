"""A Keras program, written for Keras 3: the less common normalization layers and EinsumDense. `GroupNormalization`
with several group counts (and `groups=-1`), `UnitNormalization` over one and two axes, `RMSNormalization`,
`SpectralNormalization` around Dense and Conv2D (its power-iteration vector during training and its frozen
kernel in inference), `LayerNormalization` over two axes, and `EinsumDense` with odd equations and bias axes
(`...b,bc->...c`, `abc,cde->abde`, `abcd,cd->abd`, `ab,bcd->acd`); each printed on a seeded batch, then a model of
them trained by `fit`, its `summary()`, configs and a `.keras` reload."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def fill(layer, seed, scale=0.5):
    init = np.random.default_rng(seed)
    layer.set_weights([init.uniform(-scale, scale, w.shape).astype("float32") for w in layer.get_weights()])


def main():
    keras.utils.set_random_seed(26)
    rng = np.random.default_rng(2607)
    images = rng.normal(size=(2, 4, 4, 6)).astype("float32") * 2 + 1
    for groups in (1, 2, 3, -1):
        norm = layers.GroupNormalization(groups=groups, epsilon=1e-3)
        out = norm(images)
        print("group", groups, r(out[0, 0, 0]), r(ops.std(out)), len(norm.weights))
    print("group config", sorted(layers.GroupNormalization(groups=3).get_config().items())[:6])
    for axis in (-1, (1, 2)):
        unit = layers.UnitNormalization(axis=axis)
        out = unit(images)
        print("unit", axis, r(out[0, 0, 0]), r(ops.sqrt(ops.sum(out[0] * out[0], axis=axis if axis == -1 else
                                                                    (0, 1)))[:2].reshape(-1)[:3]))
    rms = layers.RMSNormalization(axis=-1, epsilon=1e-5)
    out = rms(images)
    print("rms", r(out[1, 2, 3]), [tuple(w.shape) for w in rms.weights])
    layer_norm = layers.LayerNormalization(axis=(2, 3), center=False)
    out = layer_norm(images)
    print("layer norm two axes", r(out[0, :, 0, 0]), [tuple(w.shape) for w in layer_norm.weights])

    vectors = rng.normal(size=(3, 5, 4)).astype("float32")
    specs = [("...b,bc->...c", (3,), "c"), ("abc,cde->abde", (None, 2, 3), "de"),
             ("abc,cd->abd", (5, 2), "d"), ("abc,bcd->ad", (3,), None), ("abc,ce->abe", (5, 6), "be")]
    for equation, output_shape, bias_axes in specs:
        dense = layers.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes, activation="tanh")
        out = dense(vectors)
        fill(dense, 3)
        out = dense(vectors)
        print("einsum", equation, tuple(out.shape), [tuple(w.shape) for w in dense.weights], r(out.reshape(-1)[:3]))
        print("einsum shape", dense.compute_output_shape((None, 5, 4)))

    spectral = layers.SpectralNormalization(layers.Dense(3), power_iterations=2)
    out = spectral(vectors[:, 0], training=True)
    fill(spectral.layer, 4)
    print("spectral weights", [w.name for w in spectral.weights], [w.trainable for w in spectral.weights])
    for training in (True, True, False):
        out = spectral(vectors[:, 0], training=training)
        print("spectral", training, r(out[0]), r(spectral.vector_u))
    conv = layers.SpectralNormalization(layers.Conv2D(2, 3, padding="same"))
    out = conv(images, training=True)
    print("spectral conv", tuple(out.shape), tuple(conv.vector_u.shape))

    keras.utils.set_random_seed(2607)
    x = rng.normal(size=(32, 6, 8)).astype("float32")
    y = (x[:, :, :4].mean(axis=(1, 2)) > 0).astype("int32")
    inputs = keras.Input((6, 8))
    h = layers.EinsumDense("abc,cd->abd", output_shape=(6, 6), bias_axes="d", name="proj")(inputs)
    h = layers.GroupNormalization(groups=3, name="groups")(h)
    h = layers.EinsumDense("abc,bcd->ad", output_shape=(4,), bias_axes="d", activation="relu", name="flatten")(h)
    h = layers.UnitNormalization(name="unit")(h)
    h = layers.RMSNormalization(name="rms")(h)
    outputs = layers.SpectralNormalization(layers.Dense(2, activation="softmax"), name="spectral_head")(h)
    model = keras.Model(inputs, outputs, name="norms")
    model.summary(line_length=90)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False)
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("vector_u", r(model.get_layer("spectral_head").vector_u))
    print("predict", r(model.predict(x[:3], verbose=0)))
    model.save("norms.keras")
    again = keras.models.load_model("norms.keras")
    print("reloaded predict", r(again.predict(x[:3], verbose=0)))
    print("reloaded configs", again.get_layer("proj").get_config()["equation"],
          again.get_layer("groups").get_config()["groups"],
          again.get_layer("spectral_head").get_config()["power_iterations"])


if __name__ == "__main__":
    main()
