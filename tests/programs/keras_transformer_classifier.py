"""A Keras program, written for Keras 3: a small transformer text classifier built from a custom
TransformerBlock layer (MultiHeadAttention with an attention_mask made from the padding mask that a custom
embedding layer's compute_mask passes on, LayerNormalization,
residual connections, a feed-forward block) and a custom TokenAndPosition embedding layer with get_config;
trained, then saved to a .keras file and loaded back with custom_objects. The weights start from the same
NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


class TokenAndPosition(layers.Layer):
    def __init__(self, maxlen, vocab, dim, **kwargs):
        super().__init__(**kwargs)
        self.maxlen, self.vocab, self.dim = maxlen, vocab, dim
        self.tokens = layers.Embedding(vocab, dim)
        self.positions = layers.Embedding(maxlen, dim)

    def call(self, x):
        positions = ops.arange(0, ops.shape(x)[-1], 1)
        return self.tokens(x) + self.positions(positions)

    def compute_mask(self, x, mask=None):
        return ops.not_equal(x, 0)

    def get_config(self):
        config = super().get_config()
        config.update({"maxlen": self.maxlen, "vocab": self.vocab, "dim": self.dim})
        return config


class TransformerBlock(layers.Layer):
    def __init__(self, dim, heads, ff, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.heads, self.ff = dim, heads, ff
        self.attention = layers.MultiHeadAttention(num_heads=heads, key_dim=dim // heads)
        self.ffn = keras.Sequential([layers.Dense(ff, activation="relu"), layers.Dense(dim)])
        self.norm1 = layers.LayerNormalization(epsilon=1e-6)
        self.norm2 = layers.LayerNormalization(epsilon=1e-6)

    def call(self, x, mask=None):
        pairs = ops.logical_and(ops.expand_dims(mask, 1), ops.expand_dims(mask, 2))
        attended = self.attention(x, x, attention_mask=pairs)
        x = self.norm1(x + attended)
        return self.norm2(x + self.ffn(x))

    def get_config(self):
        config = super().get_config()
        config.update({"dim": self.dim, "heads": self.heads, "ff": self.ff})
        return config


def main():
    rng = np.random.default_rng(11)
    n, maxlen, vocab = 64, 10, 30
    lengths = rng.integers(4, maxlen + 1, size=n)
    x = np.zeros((n, maxlen), dtype="int32")
    for row, length in zip(x, lengths):
        row[:length] = rng.integers(1, vocab, size=length)
    y = (np.isin(x, [3, 7, 11]).sum(axis=1) > 0).astype("int32")

    inputs = keras.Input(shape=(maxlen,), dtype="int32")
    h = TokenAndPosition(maxlen, vocab, 8)(inputs)
    h = TransformerBlock(8, 2, 16)(h)
    h = layers.GlobalAveragePooling1D()(h)
    outputs = layers.Dense(2, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(5)
    for w in model.weights:
        w.assign(init.normal(0, 0.3, size=tuple(w.shape)).astype("float32"))
    print([(w.name, tuple(w.shape)) for w in model.weights])
    print(model.count_params())

    model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, validation_split=0.25)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    before = model.predict(x[:5], verbose=0)
    print(np.round(before, 5))

    model.save("transformer.keras")
    loaded = keras.models.load_model("transformer.keras", custom_objects={
        "TokenAndPosition": TokenAndPosition, "TransformerBlock": TransformerBlock})
    after = loaded.predict(x[:5], verbose=0)
    print("reloaded same", np.allclose(before, after, atol=1e-6))
    print([layer.__class__.__name__ for layer in loaded.layers])
    block = loaded.layers[2]
    print(block.get_config()["dim"], block.get_config()["heads"], block.attention.num_heads)
    print("%.5f" % loaded.evaluate(x, y, verbose=0)[0], "%.5f" % model.evaluate(x, y, verbose=0)[0])


if __name__ == "__main__":
    main()
