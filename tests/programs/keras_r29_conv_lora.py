"""A Keras program, written for Keras 3: LoRA on convolutions. A small image classifier (two Conv2D layers, a
Conv1D over the rows, pooling, a Dense head) is pretrained, then `enable_lora` freezes the Conv2D kernels and adds
rank-2 and rank-3 adapters (one with `lora_alpha`), a Conv1D gets `lora_rank=` in its constructor in a second
model, and the model is fine-tuned on a second labelling. It prints the trainable and frozen weights, parameter
counts, losses, the merged kernel against the stored one, the LoRA entries of the configs, what
`save_own_variables` stores, and a `.keras` round trip and a `save_weights` load into a model without LoRA.
Weights and adapters are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def r(value, digits=4):
    return (np.round(np.asarray(keras.ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def set_all(layer_or_model, rng, scale=0.3):
    for w in layer_or_model.weights:
        w.assign((rng.normal(size=tuple(w.shape)) * scale).astype("float32"))


def classifier(name, lora_rank=None):
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        layers.Conv2D(4, 3, padding="same", activation="relu", name="conv_a"),
        layers.Conv2D(6, 3, strides=2, activation="relu", name="conv_b"),
        layers.Reshape((3, 18), name="rows"),
        layers.Conv1D(5, 2, name="conv_rows", **({} if lora_rank is None else {"lora_rank": lora_rank})),
        layers.GlobalMaxPooling1D(name="pool"),
        layers.Dense(3, activation="softmax", name="head"),
    ], name=name)


def main():
    rng = np.random.default_rng(2929)
    x = rng.normal(size=(48, 8, 8, 1)).astype("float32")
    first = (x[:, :4].mean(axis=(1, 2, 3)) > 0).astype("int32") + (x[:, :, :4].mean(axis=(1, 2, 3)) > 0.1)
    second = (x[:, 4:].mean(axis=(1, 2, 3)) > 0).astype("int32") * 2

    model = classifier("base")
    set_all(model, np.random.default_rng(1))
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, first, batch_size=12, epochs=2, verbose=0, shuffle=False)
    print("pretrain", [round(v, 4) for v in history.history["loss"]], model.count_params())

    model.get_layer("conv_a").enable_lora(2)
    model.get_layer("conv_b").enable_lora(3, lora_alpha=6.0)
    adapters = np.random.default_rng(2)
    for name in ("conv_a", "conv_b"):
        layer = model.get_layer(name)
        for w in (layer.lora_kernel_a, layer.lora_kernel_b):
            w.assign((adapters.normal(size=tuple(w.shape)) * 0.05).astype("float32"))
    print("trainable", [w.path for w in model.trainable_weights])
    print("frozen", [w.path for w in model.non_trainable_weights])
    print("counts", model.count_params(), sum(int(np.prod(w.shape)) for w in model.trainable_weights))
    conv_b = model.get_layer("conv_b")
    print("lora shapes", tuple(conv_b.lora_kernel_a.shape), tuple(conv_b.lora_kernel_b.shape), conv_b.lora_alpha)
    stored = keras.ops.convert_to_numpy(conv_b._kernel)
    merged = keras.ops.convert_to_numpy(conv_b.kernel)
    print("merge gap", r(np.abs(merged - stored).max(), 5))

    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, second, batch_size=12, epochs=3, verbose=0, shuffle=False)
    print("finetune", [round(v, 4) for v in history.history["loss"]],
          [round(v, 4) for v in history.history["accuracy"]])
    print("kernel unchanged", bool(np.allclose(keras.ops.convert_to_numpy(conv_b._kernel), stored)))
    print("configs", {k: v for k, v in conv_b.get_config().items() if k.startswith("lora")},
          {k: v for k, v in model.get_layer("conv_a").get_config().items() if k.startswith("lora")})
    store = {}
    conv_b.save_own_variables(store)
    print("store", sorted(store), r(keras.ops.convert_to_numpy(store["0"]).ravel()[:3]),
          r(keras.ops.convert_to_numpy(conv_b.kernel).ravel()[:3]))
    predicted = model.predict(x[:6], verbose=0)
    print("predict", r(predicted[:2]))

    model.save("lora.keras")
    again = keras.models.load_model("lora.keras")
    print("reloaded gap", r(np.abs(again.predict(x[:6], verbose=0) - predicted).max(), 5),
          again.get_layer("conv_b").lora_enabled, r(keras.ops.convert_to_numpy(again.get_layer("conv_b").lora_kernel_b).sum()))
    model.save_weights("lora.weights.h5")
    plain = classifier("plain")
    plain.load_weights("lora.weights.h5")
    print("plain gap", r(np.abs(plain.predict(x[:6], verbose=0) - predicted).max(), 5),
          [w.path for w in plain.trainable_weights][:2])

    ranked = classifier("ranked", lora_rank=2)
    set_all(ranked, np.random.default_rng(3))
    rows = ranked.get_layer("conv_rows")
    print("ctor lora", rows.lora_enabled, rows.lora_rank, rows.lora_alpha, [w.path for w in rows.trainable_weights])
    ranked.compile(keras.optimizers.SGD(0.05), "sparse_categorical_crossentropy")
    history = ranked.fit(x, first, batch_size=16, epochs=2, verbose=0, shuffle=False)
    print("ranked", [round(v, 4) for v in history.history["loss"]])
    try:
        rows.enable_lora(2)
    except ValueError as error:
        print("twice", type(error).__name__, error)
    try:
        layers.Conv2D(2, 2).enable_lora(1)
    except ValueError as error:
        print("unbuilt", type(error).__name__, error)


if __name__ == "__main__":
    main()
