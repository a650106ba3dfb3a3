"""A Keras program, written for Keras 3: post-training weight quantization as the quantization guide applies it —
a trained model with Embedding, EinsumDense and Dense layers quantized to int8 (and a Dense-only model to int4,
and only the layers a `filters` regex picks), each layer's dtype policy, variables and their dtypes, the largest
gap between float and quantized predictions, evaluate before and after, fine-tuning a quantized model (its scales
stay fixed, the bias trains), and the errors Keras gives for a second quantize or a bad mode. Weights are set from
NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def set_weights(model, seed, scale=0.5):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-scale, scale, w.shape).astype("float32") for w in model.get_weights()])


def variables(layer):
    return sorted((v.name, str(v.dtype), tuple(v.shape)) for v in layer.variables)


def build_tokens():
    tokens = keras.Input((6,), dtype="int32", name="tokens")
    h = layers.Embedding(20, 8, name="embed")(tokens)
    h = layers.EinsumDense("btd,de->bte", output_shape=(None, 4), bias_axes="e", name="mix")(h)
    h = layers.GlobalAveragePooling1D(name="pool")(h)
    out = layers.Dense(3, name="head")(h)
    return keras.Model(tokens, out, name="tokens_model")


def main():
    rng = np.random.default_rng(12)
    tokens = rng.integers(0, 20, size=(40, 6)).astype("int32")
    labels = (tokens.sum(axis=1) % 3).astype("int32")
    model = build_tokens()
    set_weights(model, 3)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True), metrics=["accuracy"])
    history = model.fit(tokens, labels, batch_size=10, epochs=3, shuffle=False, verbose=0)
    print("float loss", ["%.5f" % v for v in history.history["loss"]])
    float_pred = model.predict(tokens, verbose=0)
    float_eval = model.evaluate(tokens, labels, verbose=0)

    model.quantize("int8")
    print("policies", [(layer.name, layer.dtype_policy.name) for layer in model.layers])
    for name in ("embed", "mix", "head"):
        print(name, "variables", variables(model.get_layer(name)))
    int8_pred = model.predict(tokens, verbose=0)
    print("int8 max gap", "%.3f" % float(np.abs(int8_pred - float_pred).max()),
          "same argmax", float((int8_pred.argmax(1) == float_pred.argmax(1)).mean()))
    print("evaluate float", ["%.4f" % v for v in float_eval],
          "int8", ["%.4f" % v for v in model.evaluate(tokens, labels, verbose=0)])
    print("trainable after quantize", [w.path for w in model.trainable_weights])
    try:
        model.quantize("int8")
    except ValueError as error:
        print("second quantize refused", type(error).__name__)

    x = rng.normal(size=(32, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 2))).astype("float32")
    dense = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="relu", name="hidden"),
                              layers.Dense(2, name="out")], name="dense_model")
    set_weights(dense, 4)
    before = dense.predict(x, verbose=0)
    dense.quantize("int4")
    print("int4 policies", [layer.dtype_policy.name for layer in dense.layers])
    print("int4 hidden variables", variables(dense.get_layer("hidden")))
    after = dense.predict(x, verbose=0)
    print("int4 mean gap", "%.3f" % float(np.abs(after - before).mean()))
    dense.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    bias_before = ops.convert_to_numpy(dense.get_layer("out").bias).copy()
    tuned = dense.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    print("int4 fine-tune loss", ["%.4f" % v for v in tuned.history["loss"]])
    print("bias moved", bool(np.abs(ops.convert_to_numpy(dense.get_layer("out").bias) - bias_before).max() > 0))

    picked = keras.Sequential([keras.Input((5,)), layers.Dense(8, name="keep_float"), layers.Dense(2, name="q_out")])
    set_weights(picked, 5)
    picked.quantize("int8", filters="q_.*")
    print("filtered policies", [(layer.name, layer.dtype_policy.name) for layer in picked.layers])
    try:
        picked.quantize("int3")
    except ValueError as error:
        print("bad mode", type(error).__name__, "int3" in str(error))


if __name__ == "__main__":
    main()
