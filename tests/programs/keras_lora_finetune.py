"""A Keras program, written for Keras 3: LoRA fine-tuning. A small token classifier (Embedding, EinsumDense
projection, GlobalAveragePooling1D, two Dense layers) is pretrained on one labelling, then `enable_lora` freezes
the Embedding's table and the kernels of the EinsumDense and the hidden Dense and adds low-rank adapters
(rank 2 and 4, with and without lora_alpha); the model is recompiled and fine-tuned on a second labelling. It
prints the trainable and frozen weights, parameter counts, losses, the merged kernel against the stored one,
the LoRA entries of the configs, what save_own_variables stores, and a .keras round trip (Keras merges the
adapters into the kernels and loads them back as zeros) and a save_weights load into a model without LoRA.
Weights and adapters start from NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

VOCAB, STEPS, CLASSES = 16, 6, 3


def build():
    ids = keras.Input((STEPS,), dtype="int32", name="ids")
    x = layers.Embedding(VOCAB, 8, name="tok")(ids)
    x = layers.EinsumDense("abc,cd->abd", output_shape=(STEPS, 12), bias_axes="d", activation="tanh",
                           name="proj")(x)
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    x = layers.Dense(16, activation="relu", name="hidden")(x)
    logits = layers.Dense(CLASSES, name="head")(x)
    return keras.Model(ids, logits, name="classifier")


def set_from_numpy(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])


def show(title, weights):
    print(title, [(w.path, tuple(w.shape)) for w in weights])


def main():
    rng = np.random.default_rng(7)
    x = rng.integers(0, VOCAB, (96, STEPS)).astype("int32")
    y_old = (x[:, 0] + x[:, 1]) % CLASSES
    y_new = (x[:, 0] * 2 + x[:, 5]) % CLASSES

    model = build()
    set_from_numpy(model, 1)
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(x, y_old, epochs=4, batch_size=16, shuffle=False, verbose=0)
    print("pretrain loss", np.round(history.history["loss"], 4).tolist())
    print("pretrain accuracy", np.round(history.history["accuracy"], 4).tolist())
    before = model.predict(x[:4], verbose=0)

    model.get_layer("tok").enable_lora(2)
    model.get_layer("proj").enable_lora(2, lora_alpha=4)
    model.get_layer("hidden").enable_lora(4, lora_alpha=2, b_initializer="ones")
    init = np.random.default_rng(5)
    for name in ("tok", "proj", "hidden"):
        layer = model.get_layer(name)
        for w in layer.trainable_weights:
            if "lora" in w.path and w.path.endswith("_a"):
                w.assign(init.uniform(-0.3, 0.3, w.shape).astype("float32"))
        print(name, "lora", layer.lora_enabled, layer.lora_rank, layer.lora_alpha)
    show("trainable", model.trainable_weights)
    show("frozen", model.non_trainable_weights)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    print("params", model.count_params(), "trainable", trainable)
    after = model.predict(x[:4], verbose=0)
    print("change from the hidden layer's B of ones", np.round(np.abs(after - before).max(), 4))

    try:
        model.get_layer("tok").enable_lora(2)
    except ValueError as error:
        print("ValueError:", error)
    try:
        layers.Dense(3).enable_lora(2)
    except ValueError as error:
        print("ValueError:", error)
    try:
        constrained = layers.Dense(3, kernel_constraint="non_neg")
        constrained.build((None, 4))
        constrained.enable_lora(2)
    except ValueError as error:
        print("ValueError:", error)

    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    stored = ops.convert_to_numpy(model.get_layer("hidden")._kernel).copy()
    history = model.fit(x, y_new, epochs=5, batch_size=16, shuffle=False, verbose=0)
    print("finetune loss", np.round(history.history["loss"], 4).tolist())
    print("finetune accuracy", np.round(history.history["accuracy"], 4).tolist())
    hidden = model.get_layer("hidden")
    print("stored kernel frozen", bool(np.array_equal(stored, ops.convert_to_numpy(hidden._kernel))))
    merged = ops.convert_to_numpy(hidden.kernel)
    delta = ops.convert_to_numpy(ops.matmul(hidden.lora_kernel_a, hidden.lora_kernel_b)) * 0.5
    print("merged kernel row", np.round(merged[0, :5].astype("float64"), 4).tolist())
    print("merged = stored + alpha/rank a@b", bool(np.allclose(merged, stored + delta, atol=1e-6)))
    table = model.get_layer("tok")
    print("embeddings row", np.round(ops.convert_to_numpy(table.embeddings)[3].astype("float64"), 4).tolist())
    predictions = model.predict(x[:4], verbose=0)
    print("predictions", np.round(predictions.astype("float64"), 4).tolist())
    print("evaluate", np.round(model.evaluate(x, y_new, verbose=0), 4).tolist())

    for name in ("tok", "proj", "hidden", "head"):
        config = model.get_layer(name).get_config()
        print(name, "config", {k: config[k] for k in ("lora_rank", "lora_alpha") if k in config})
    store = {}
    hidden.save_own_variables(store)
    print("store", {k: tuple(v.shape) for k, v in store.items()},
          bool(np.allclose(ops.convert_to_numpy(store["0"]), merged, atol=1e-6)))

    model.save("lora.keras")
    loaded = keras.saving.load_model("lora.keras")
    print("loaded predictions equal", bool(np.allclose(loaded.predict(x[:4], verbose=0), predictions, atol=1e-5)))
    for name in ("tok", "proj", "hidden"):
        layer = loaded.get_layer(name)
        zeros = all(not np.any(ops.convert_to_numpy(w)) for w in layer.trainable_weights if "lora" in w.path)
        print("loaded", name, layer.lora_enabled, layer.lora_rank, layer.lora_alpha, "adapters zero", zeros)
    show("loaded trainable", loaded.trainable_weights)
    print("loaded hidden kernel", bool(np.allclose(ops.convert_to_numpy(loaded.get_layer("hidden")._kernel),
                                                   merged, atol=1e-6)))

    model.save_weights("lora.weights.h5")
    plain = build()
    plain.load_weights("lora.weights.h5")
    print("plain model weights", len(plain.weights), "predictions equal",
          bool(np.allclose(plain.predict(x[:4], verbose=0), predictions, atol=1e-5)))
    back = build()
    back.get_layer("hidden").enable_lora(4)
    back.load_weights("lora.weights.h5")
    print("lora model from merged file", bool(np.allclose(back.predict(x[:4], verbose=0), predictions, atol=1e-5)))

    built = layers.Dense(5, lora_rank=3, lora_alpha=6, name="from_rank")
    print("before build", built.lora_enabled, built.get_config()["lora_alpha"])
    built.build((None, 4))
    print("after build", built.lora_enabled, built.lora_rank, built.lora_alpha,
          [(w.path, tuple(w.shape), w.trainable) for w in built.weights])
    einsum = layers.EinsumDense("ab,bc->ac", output_shape=5, lora_rank=3, lora_alpha=6, name="einsum_rank")
    einsum.build((None, 4))
    print("einsum after build", einsum.lora_rank, einsum.lora_alpha)
    frozen_then_thawed = layers.Dense(2, name="thawed")
    frozen_then_thawed.build((None, 3))
    frozen_then_thawed.enable_lora(1)
    frozen_then_thawed.trainable = False
    print("frozen layer trainable", [w.path for w in frozen_then_thawed.trainable_weights])
    frozen_then_thawed.trainable = True
    print("thawed layer trainable", [w.path for w in frozen_then_thawed.trainable_weights])


if __name__ == "__main__":
    main()
