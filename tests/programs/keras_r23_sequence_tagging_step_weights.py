"""A Keras program, written for Keras 3: a sequence tagger over padded token ids — Embedding(mask_zero=True),
a Bidirectional GRU (return_sequences) and a Dense softmax per step — trained with per-step sample weights
(padding weighs 0, rare tags weigh more) given as (batch, steps) arrays to fit and in validation_data=(x, y,
sample_weight), with per-step accuracy as a weighted metric; the loss computed by hand from predictions is
printed beside Keras's, the losses called directly with per-step weights under each reduction, a second
unmasked tagger (Conv1D) trained with the same weights and a temporal Dense head, evaluate with weights,
predict, and a .keras round trip. Weights are set from NumPy, so real Keras and deepgrad print the same
numbers."""
import numpy as np

import keras
from keras import layers, ops


def data(rng, n, length, vocab, tags):
    x = np.zeros((n, length), "int32")
    y = np.zeros((n, length), "int32")
    lengths = rng.integers(3, length + 1, n)
    for i, k in enumerate(lengths):
        x[i, :k] = rng.integers(1, vocab, k)
        y[i, :k] = (x[i, :k] % tags + (np.arange(k) == 0)) % tags
    weight = (x > 0).astype("float32") * np.where(y == tags - 1, 2.0, 1.0).astype("float32")
    return x, y, weight


def main():
    rng = np.random.default_rng(923)
    vocab, length, tags = 15, 8, 4
    x, y, weight = data(rng, 72, length, vocab, tags)
    init = np.random.default_rng(12)

    tokens = keras.Input((length,), dtype="int32")
    h = layers.Embedding(vocab, 6, mask_zero=True, name="embed")(tokens)
    h = layers.Bidirectional(layers.GRU(5, return_sequences=True), name="bigru")(h)
    out = layers.Dense(tags, activation="softmax", name="tag")(h)
    tagger = keras.Model(tokens, out, name="tagger")
    tagger.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in tagger.get_weights()])
    tagger.compile(optimizer=keras.optimizers.Adam(0.03), loss="sparse_categorical_crossentropy",
                   weighted_metrics=["sparse_categorical_accuracy"])
    history = tagger.fit(x[:56], y[:56], sample_weight=weight[:56], batch_size=14, epochs=4, verbose=0,
                         shuffle=False, validation_data=(x[56:], y[56:], weight[56:]))
    for key in sorted(history.history):
        print("tagger", key, [round(v, 4) for v in history.history[key]])
    print("tagger evaluate", [round(v, 4) for v in tagger.evaluate(x, y, sample_weight=weight, verbose=0)])
    probs = tagger.predict(x[:4], verbose=0)
    print("predicted tags", np.argmax(probs, -1).tolist())
    print("true tags     ", y[:4].tolist())

    loss = keras.losses.SparseCategoricalCrossentropy()
    per_step = -np.log(np.take_along_axis(probs, y[:4, :, None], -1)[..., 0])
    print("by hand", round(float((per_step * weight[:4]).sum() / per_step.size), 4),
          "loss", round(float(ops.convert_to_numpy(loss(y[:4], probs, sample_weight=weight[:4]))), 4))
    for reduction in ("sum", "mean_with_sample_weight", "none"):
        value = keras.losses.SparseCategoricalCrossentropy(reduction=reduction)(y[:2], probs[:2],
                                                                                 sample_weight=weight[:2])
        print("reduction", reduction, np.round(ops.convert_to_numpy(value).astype("float64"), 4).tolist())

    conv = keras.Sequential([keras.Input((length,), dtype="int32"), layers.Embedding(vocab, 6, name="embed2"),
                             layers.Conv1D(8, 3, padding="same", activation="relu", name="conv"),
                             layers.Dense(tags, activation="softmax", name="tag2")], name="conv_tagger")
    conv.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in conv.get_weights()])
    conv.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="sparse_categorical_crossentropy",
                 metrics=["sparse_categorical_accuracy"], weighted_metrics=["sparse_categorical_accuracy"])
    history = conv.fit(x[:56], y[:56], sample_weight=weight[:56], batch_size=14, epochs=4, verbose=0,
                       shuffle=False, validation_data=(x[56:], y[56:], weight[56:]))
    for key in sorted(history.history):
        print("conv", key, [round(v, 4) for v in history.history[key]])
    print("conv evaluate", {k: round(v, 4) for k, v in conv.evaluate(x, y, sample_weight=weight, verbose=0,
                                                                      return_dict=True).items()})

    tagger.save("tagger.keras")
    again = keras.models.load_model("tagger.keras")
    print("reloaded", bool(np.allclose(again.predict(x[:4], verbose=0), probs, atol=1e-6)),
          [round(v, 4) for v in again.evaluate(x[56:], y[56:], sample_weight=weight[56:], verbose=0)])


if __name__ == "__main__":
    main()
