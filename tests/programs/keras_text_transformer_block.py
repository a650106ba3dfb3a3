"""A Keras program, written for Keras 3: text classification with a Transformer, as keras.io shows it. A custom
TransformerBlock layer (MultiHeadAttention, two LayerNormalizations, two Dropouts and a Sequential feed-forward
network) over a custom TokenAndPositionEmbedding layer (two Embeddings, positions from keras.ops.arange), on
integer token sequences of different lengths made equal with keras.utils.pad_sequences; GlobalAveragePooling1D
and Dense layers; compiled with "adam" and "sparse_categorical_crossentropy", metrics=["accuracy"]. The model
trains with its dropout rate 0 (dropout's random masks differ between libraries); a twin built with rate 0.3
and given the trained weights must predict the same, as dropout is off at inference. The weights start from the
same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

VOCAB_SIZE = 16
MAXLEN = 12


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs, training=False):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output, training=training)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output, training=training)
        return self.layernorm2(out1 + ffn_output)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim):
        super().__init__()
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = ops.arange(start=0, stop=maxlen, step=1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions


def make_reviews(rng, n):
    """Lists of token ids of random lengths; the label says whether 'good' words (2..6) outnumber 'bad' ones
    (7..11)."""
    reviews, labels = [], []
    for _ in range(n):
        tokens = rng.integers(2, VOCAB_SIZE, size=rng.integers(3, 18)).tolist()
        good = sum(2 <= t <= 6 for t in tokens)
        bad = sum(7 <= t <= 11 for t in tokens)
        reviews.append(tokens)
        labels.append(int(good > bad))
    return reviews, np.array(labels)


def build_model(rate):
    embed_dim, num_heads, ff_dim = 8, 2, 16
    inputs = layers.Input(shape=(MAXLEN,))
    embedding_layer = TokenAndPositionEmbedding(MAXLEN, VOCAB_SIZE, embed_dim)
    x = embedding_layer(inputs)
    transformer_block = TransformerBlock(embed_dim, num_heads, ff_dim, rate)
    x = transformer_block(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(rate)(x)
    x = layers.Dense(12, activation="relu")(x)
    x = layers.Dropout(rate)(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


def main():
    rng = np.random.default_rng(31)
    x_train, y_train = make_reviews(rng, 96)
    x_val, y_val = make_reviews(rng, 32)
    print(len(x_train), "training sequences", len(x_val), "validation sequences", np.bincount(y_train).tolist())
    print("lengths", [len(s) for s in x_train[:8]])
    x_train = keras.utils.pad_sequences(x_train, maxlen=MAXLEN)
    x_val = keras.utils.pad_sequences(x_val, maxlen=MAXLEN)
    print(x_train.shape, x_train.dtype, x_train[:2].tolist())
    print(keras.utils.pad_sequences([[1, 2, 3], [4]], maxlen=2, padding="post", truncating="post").tolist(),
          keras.utils.pad_sequences([[1, 2], [3, 4, 5]], value=-1).tolist())

    model = build_model(rate=0.0)
    init = np.random.default_rng(8)
    model.set_weights([init.normal(0.0, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    print([(w.path, tuple(w.shape)) for w in model.weights][:6])
    print("params", model.count_params(), "layers", [type(layer).__name__ for layer in model.layers])

    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=8, epochs=12, validation_data=(x_val, y_val), shuffle=False,
                        verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("evaluate", ["%.5f" % v for v in model.evaluate(x_val, y_val, verbose=0)])
    predictions = model.predict(x_val[:6], verbose=0)
    print(np.round(predictions, 5))
    print("predicted", np.argmax(model.predict(x_val, verbose=0), axis=1).tolist())
    print("labels   ", y_val.tolist())

    twin = build_model(rate=0.3)
    twin.set_weights(model.get_weights())
    print("twin with dropout predicts the same", np.allclose(twin.predict(x_val[:6], verbose=0), predictions,
                                                              atol=1e-6))
    twin.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    print("twin evaluate", ["%.5f" % v for v in twin.evaluate(x_val, y_val, verbose=0)])
    single = model(x_val[:2], training=False)
    print("called", tuple(single.shape), np.round(ops.convert_to_numpy(single), 5).tolist())


if __name__ == "__main__":
    main()
