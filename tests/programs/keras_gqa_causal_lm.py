"""A Keras program, written for Keras 3: a tiny decoder-only language model on grouped-query attention — token
sequences padded with keras.utils.pad_sequences (pre and post padding, truncation), an Embedding plus a learned
position embedding, GroupQueryAttention with fewer key/value heads than query heads, use_causal_mask together with
the padding mask, return_attention_scores, a residual LayerNormalization block, SparseCategoricalCrossentropy with
from_logits and ignore_class=0, and greedy decoding with predict. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops

VOCAB, LENGTH, WIDTH = 12, 8, 16


class PositionalEmbedding(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.tokens = layers.Embedding(VOCAB, WIDTH, mask_zero=True)
        self.positions = layers.Embedding(LENGTH, WIDTH)

    def call(self, ids):
        where = ops.arange(ops.shape(ids)[-1])
        return self.tokens(ids) + self.positions(where)

    def compute_mask(self, ids, mask=None):
        return ops.not_equal(ids, 0)


class DecoderBlock(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.attention = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
        self.norm1 = layers.LayerNormalization(epsilon=1e-5)
        self.feed = layers.Dense(WIDTH, activation="gelu")
        self.norm2 = layers.LayerNormalization(epsilon=1e-5)
        self.supports_masking = True

    def call(self, x, mask=None):
        padding = None if mask is None else ops.cast(mask[:, None, :], "bool")
        attended = self.attention(x, x, attention_mask=padding, use_causal_mask=True)
        x = self.norm1(x + attended)
        return self.norm2(x + self.feed(x))


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


def seeded(model, seed):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])


def main():
    rng = np.random.default_rng(5)
    stories = [[1 + (start + 2 * k) % (VOCAB - 1) for k in range(int(rng.integers(3, 11)))]
               for start in rng.integers(0, VOCAB - 1, 48)]
    print("lengths", [len(s) for s in stories[:10]])
    print("pre", keras.utils.pad_sequences(stories[:3], maxlen=6).tolist())
    print("post", keras.utils.pad_sequences(stories[:3], maxlen=6, padding="post", truncating="post").tolist())
    padded = keras.utils.pad_sequences(stories, maxlen=LENGTH + 1, padding="post", truncating="post")
    print("padded", padded.shape, padded.dtype, padded[:2].tolist())
    x, y = padded[:, :-1], padded[:, 1:]

    ids = keras.Input((LENGTH,), dtype="int32", name="ids")
    h = PositionalEmbedding(name="embed")(ids)
    h = DecoderBlock(name="block")(h)
    logits = layers.Dense(VOCAB, name="logits")(h)
    model = keras.Model(ids, logits)
    seeded(model, 11)
    gqa = model.get_layer("block").attention
    print("gqa", gqa.num_query_heads, gqa.num_key_value_heads, gqa.head_dim,
          [tuple(w.shape) for w in gqa.weights])
    print("params", model.count_params(), len(model.trainable_weights))

    emb = model.get_layer("embed")(ops.convert_to_tensor(x[:2]))
    out, scores = gqa(emb, emb, use_causal_mask=True, return_attention_scores=True)
    scores = ops.convert_to_numpy(scores)
    print("scores", scores.shape, r(scores[0, 0, 2]), r(scores[1, 3, 4]))
    print("out", r(ops.convert_to_numpy(out)[0, 1, :5]))

    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")])
    history = model.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0, validation_split=0.25)
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("evaluate", r(model.evaluate(x[:16], y[:16], verbose=0)))

    prompt = np.zeros((2, LENGTH), "int32")
    prompt[:, 0] = [3, 6]
    for step in range(4):
        step_logits = model.predict(prompt, verbose=0)
        prompt[:, step + 1] = np.argmax(step_logits[:, step], axis=-1)
    print("greedy", prompt.tolist())
    print("logits", r(model.predict(x[:1], verbose=0)[0, :3, :4]))


if __name__ == "__main__":
    main()
