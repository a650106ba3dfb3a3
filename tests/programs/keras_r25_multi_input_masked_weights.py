"""A Keras program, written for Keras 3: a two-input classifier (token ids through `Embedding(mask_zero=True)`
and a `GlobalAveragePooling1D` that honours the mask, plus numeric features through `BatchNormalization` and
Dense), joined by `Concatenate`, with three classes; trained once with `class_weight=` and once with a
`sample_weight` array (passing both is refused, as Keras refuses it), each with `weighted_metrics`; the mask that
reaches the pooling, `compute_mask`, pooled values with and without padding, `evaluate` with sample weights and
`predict` on dict inputs are printed."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def build(vocab=20, length=7):
    tokens = keras.Input((length,), dtype="int32", name="tokens")
    numbers = keras.Input((3,), name="numbers")
    embedded = layers.Embedding(vocab, 6, mask_zero=True, name="embed")(tokens)
    pooled = layers.GlobalAveragePooling1D(name="pool")(embedded)
    scaled = layers.BatchNormalization(name="norm")(numbers)
    side = layers.Dense(4, activation="relu", name="side")(scaled)
    joined = layers.Concatenate(name="join")([pooled, side])
    outputs = layers.Dense(3, activation="softmax", name="classes")(joined)
    return keras.Model({"tokens": tokens, "numbers": numbers}, outputs, name="two_inputs")


def data(rng, count, length=7):
    tokens = np.zeros((count, length), "int32")
    labels = rng.integers(0, 3, size=count)
    for n in range(count):
        size = rng.integers(2, length + 1)
        tokens[n, :size] = rng.integers(1 + 6 * labels[n], 7 + 6 * labels[n], size=size)
    numbers = (rng.normal(size=(count, 3)) + labels[:, None] * np.array([0.5, -0.3, 0.1])).astype("float32") * 4
    return {"tokens": tokens, "numbers": numbers}, labels


def main():
    rng = np.random.default_rng(2507)
    x, y = data(rng, 72)
    print("class counts", np.bincount(y).tolist(), "padding", int((x["tokens"] == 0).sum()))

    model = build()
    init = np.random.default_rng(4)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") if w.ndim else w
                       for w in model.get_weights()])
    embed = model.get_layer("embed")
    print("mask", ops.convert_to_numpy(embed.compute_mask(x["tokens"][:4])).astype(int).tolist())
    short = np.array([[3, 4, 0, 0, 0, 0, 0]], "int32")
    vectors = embed(short)
    print("masked pool", r(model.get_layer("pool")(vectors, mask=embed.compute_mask(short))))
    plain = ops.take(embed.embeddings, short, axis=0)   # the same vectors, without the mask Embedding attaches
    print("plain mean", r(ops.mean(plain[:, :2], axis=1)), "unmasked pool", r(model.get_layer("pool")(plain)))
    print("pool of embedding output", r(model.get_layer("pool")(vectors)))
    initial = model.get_weights()

    weights_by_class = {0: 1.0, 1: 2.5, 2: 0.5}
    sample_weight = rng.uniform(0.3, 2.0, size=72).astype("float32")
    try:
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x, y, class_weight=weights_by_class, sample_weight=sample_weight, epochs=1, verbose=0)
    except ValueError as error:
        print("both refused", type(error).__name__)

    for mode in ("class_weight", "sample_weight"):
        model.set_weights(initial)
        model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                      metrics=["sparse_categorical_accuracy"], weighted_metrics=["sparse_categorical_accuracy"])
        extra = {"class_weight": weights_by_class} if mode == "class_weight" else {
            "sample_weight": sample_weight[:60]}
        history = model.fit({k: v[:60] for k, v in x.items()}, y[:60], batch_size=12, epochs=3, verbose=0,
                            shuffle=False, validation_data=({k: v[60:] for k, v in x.items()}, y[60:]), **extra)
        for key in sorted(history.history):
            print(mode, key, r(history.history[key]))
        print(mode, "evaluate", r(model.evaluate(x, y, verbose=0)))
        print(mode, "evaluate weighted", r(model.evaluate(x, y, sample_weight=sample_weight, verbose=0)))
        norm = model.get_layer("norm")
        print(mode, "moving mean", r(norm.moving_mean), "moving var", r(norm.moving_variance))
        print(mode, "predict", r(model.predict({"numbers": x["numbers"][:2], "tokens": x["tokens"][:2]},
                                               verbose=0)))


if __name__ == "__main__":
    main()
