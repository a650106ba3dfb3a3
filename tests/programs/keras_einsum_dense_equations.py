"""A Keras program, written for Keras 3: EinsumDense the way attention and mixture layers use it — a dozen
equations (plain dense, per-head projections, output projections that fold heads, ellipses on the left and
on the right, a batch-sharing kernel), bias_axes over one or several output axes, output_shape with None
entries and as an int, activation, kernel shapes and compute_output_shape; then LoRA on an EinsumDense and
an Embedding inside a model (enable_lora, the trainable weights it leaves, a short fit, the merged kernel),
get_config / from_config round trips, and save_weights / load_weights. Weights come from NumPy, so real
Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

EQUATIONS = [
    ("ab,bc->ac", 4, "c", (None, 5)),
    ("abc,cd->abd", (None, 4), "d", (None, 3, 5)),
    ("abc,cde->abde", (None, 2, 3), "de", (None, 3, 5)),
    ("abcd,cde->abe", (None, 4), "e", (None, 3, 2, 5)),
    ("abc,cd->abd", (3, 6), None, (None, 3, 5)),
    ("...b,bc->...c", 3, "c", (None, 3, 5)),
    ("abc,bcd->ad", 2, None, (None, 3, 5)),
    ("bac,dc->bad", (None, 2), "d", (None, 3, 5)),
    ("abc,cd->abd", (3, 7), "bd", (None, 3, 5)),
    ("ab...,bc->ac...", 4, "c", (None, 5, 2)),
    ("abc,cde->abde", (3, 2, 2), "be", (None, 3, 5)),
]


def r(value, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits).tolist()


def fill(layer, seed):
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in layer.get_weights()])


def main():
    rng = np.random.default_rng(1703)
    for k, (equation, output_shape, bias_axes, input_shape) in enumerate(EQUATIONS):
        layer = layers.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes,
                                   activation="tanh" if k % 2 else None, name=f"einsum_{k}")
        x = rng.normal(size=(2,) + input_shape[1:]).astype("float32")
        y = layer(x)
        fill(layer, k)
        y = layer(x)
        print(equation, bias_axes, [tuple(w.shape) for w in layer.weights], tuple(y.shape),
              layer.compute_output_shape(input_shape), r(ops.sum(y)))
    config = layers.EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d",
                                kernel_initializer="ones").get_config()
    print("config", sorted((k, v) for k, v in config.items() if k not in ("kernel_initializer", "bias_initializer",
                                                                             "dtype")))
    clone = layers.EinsumDense.from_config(config)
    print("from_config", clone.equation, clone.partial_output_shape, clone.bias_axes)
    try:
        layers.EinsumDense("abc,cd->abd", output_shape=(None,), bias_axes="d")(np.ones((2, 3, 4), "float32"))
    except (ValueError, IndexError):
        print("output_shape too short: refused")
    try:
        layers.EinsumDense("abc,cd->abd", output_shape=(None, 7), bias_axes="bd")(np.ones((2, 3, 5), "float32"))
    except ValueError:
        print("ValueError: a bias over an axis output_shape leaves None")
    inputs = keras.Input((3, 5))
    hidden = layers.EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d")(inputs)
    print("symbolic", hidden.shape, layers.Dense(2)(hidden).shape,
          layers.EinsumDense("abc,cd->abd", output_shape=(3, 4))(inputs).shape)
    try:
        layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="x")(np.ones((2, 3), "float32"))
    except ValueError as error:
        print("ValueError bias_axes", "x" in str(error))

    ids = keras.Input((5,), dtype="int32")
    h = layers.Embedding(12, 6, name="tok")(ids)
    h = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de", name="heads")(h)
    h = layers.Reshape((5, 6))(h)
    h = layers.EinsumDense("abc,cd->ad", output_shape=4, name="fold")(h) if False else layers.Flatten()(h)
    out = layers.Dense(2, name="head")(h)
    model = keras.Model(ids, out)
    fill(model, 9)
    x = rng.integers(0, 12, (40, 5)).astype("int32")
    y = np.stack([x.sum(1) % 3 / 3.0, (x[:, 0] > 5).astype("float32")], 1).astype("float32")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    print("pretrain", r(model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]))
    model.get_layer("tok").enable_lora(2)
    model.get_layer("heads").enable_lora(3, lora_alpha=6)
    lora_rng = np.random.default_rng(4)
    for w in model.trainable_weights:
        if "lora" in w.path:
            w.assign(lora_rng.uniform(-0.2, 0.2, w.shape).astype("float32"))
    print("trainable", [(w.path, tuple(w.shape)) for w in model.trainable_weights])
    print("non-trainable", [w.path for w in model.non_trainable_weights])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    print("finetune", r(model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]))
    heads = model.get_layer("heads")
    merged = ops.convert_to_numpy(heads.kernel)
    print("merged kernel", merged.shape, r(merged.sum()), r(ops.convert_to_numpy(heads._kernel).sum()))
    print("embeddings", r(ops.convert_to_numpy(model.get_layer("tok").embeddings)[1]))
    model.save_weights("einsum.weights.h5")
    again = keras.Model.from_config(model.get_config())
    again.load_weights("einsum.weights.h5")
    print("reloaded", bool(np.allclose(again.predict(x[:4], verbose=0), model.predict(x[:4], verbose=0), atol=1e-5)),
          again.get_layer("heads").lora_enabled, again.get_layer("tok").lora_rank)


if __name__ == "__main__":
    main()
