"""A Keras program, written for Keras 3: a tiny next-token language model whose output projection is tied to its
input embedding with keras.layers.ReversibleEmbedding (called on token ids, then in reverse on the hidden states,
with logit_soft_cap), a causal self-attention block (MultiHeadAttention with use_causal_mask, a residual and
LayerNormalization), a second model with untied reverse_embeddings; both trained with
sparse_categorical_crossentropy(from_logits=True) and a perplexity metric written as a Metric subclass, greedy
decoding with ops.argmax, weights counted (tied: one table), configs and a .keras round trip. The weights start
from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

VOCAB, DIM, STEPS = 11, 8, 6


class Perplexity(keras.metrics.Metric):
    """exp of the mean token cross-entropy."""

    def __init__(self, name="perplexity", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        losses = keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)
        self.total.assign(self.total + ops.sum(losses))
        self.count.assign(self.count + ops.cast(ops.size(losses), "float32"))

    def result(self):
        return ops.exp(self.total / ops.maximum(self.count, 1.0))


def build(tie):
    ids = keras.Input((STEPS,), dtype="int32", name="ids")
    embedding = layers.ReversibleEmbedding(VOCAB, DIM, tie_weights=tie, logit_soft_cap=5.0, name="tokens")
    x = embedding(ids)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=4, name="attention")(x, x, use_causal_mask=True)
    x = layers.LayerNormalization(name="norm")(x + attended)
    x = layers.Dense(DIM, activation="gelu", name="ffn")(x)
    logits = embedding(x, reverse=True)
    return keras.Model(ids, logits, name="tied_lm" if tie else "untied_lm")


def main():
    rng = np.random.default_rng(23)
    starts = rng.integers(1, VOCAB, (40, 1))
    seqs = (starts + np.arange(STEPS + 1)[None, :] * 2) % VOCAB
    x, y = seqs[:, :-1].astype("int32"), seqs[:, 1:].astype("int32")
    for tie in (True, False):
        model = build(tie)
        init = np.random.default_rng(3)
        model.set_weights([init.uniform(-0.4, 0.4, size=w.shape).astype("float32") for w in model.get_weights()])
        print(model.name, "weights", [(w.path, tuple(w.shape)) for w in model.get_layer("tokens").weights],
              model.count_params())
        first = model.predict(x[:1], verbose=0)[0, 0]
        print("output", tuple(model.output.shape), "logits", np.round(first, 4).tolist())
        model.compile(optimizer=keras.optimizers.Adam(0.02),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=[Perplexity(), keras.metrics.SparseCategoricalAccuracy(name="acc")])
        history = model.fit(x, y, epochs=4, batch_size=10, shuffle=False, verbose=0)
        for key in sorted(history.history):
            print(key, ["%.5f" % v for v in history.history[key]])
        tokens = [int(t) for t in x[0, :2]]
        for _ in range(4):
            window = np.array([tokens[-STEPS:] + [0] * (STEPS - len(tokens[-STEPS:]))], "int32")
            logits = model.predict(window, verbose=0)
            tokens.append(int(ops.convert_to_numpy(ops.argmax(logits[0, min(len(tokens), STEPS) - 1]))))
        print("greedy", tokens)
        config = model.get_layer("tokens").get_config()
        print("config", {k: config[k] for k in ("input_dim", "output_dim", "tie_weights", "logit_soft_cap",
                                                "reverse_dtype", "mask_zero")})
        model.save(f"{model.name}.keras")
        again = keras.models.load_model(f"{model.name}.keras", custom_objects={"Perplexity": Perplexity})
        print("reloaded", np.allclose(again.predict(x[:5], verbose=0), model.predict(x[:5], verbose=0), atol=1e-5))
    layer = layers.ReversibleEmbedding(5, 3, mask_zero=True)
    vectors = layer(np.array([[0, 2, 4]]))
    print("mask", layer.compute_mask(np.array([[0, 2, 4]])), tuple(vectors.shape),
          tuple(layer.compute_output_shape((2, 7, 3), reverse=True)))
    ids = keras.Input((4,), dtype="int32")
    masked = layers.ReversibleEmbedding(6, 3, mask_zero=True, name="masked")
    summed = layers.LSTM(2, name="lstm")(masked(ids))
    tagger = keras.Model(ids, summed)
    tagger.set_weights([np.full(w.shape, 0.1 * (k + 1), "float32") for k, w in enumerate(tagger.get_weights())])
    print("masked lstm", np.round(tagger.predict(np.array([[3, 4, 0, 0], [3, 4, 5, 1]]), verbose=0), 5).tolist())


if __name__ == "__main__":
    main()
