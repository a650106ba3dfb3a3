"""A Keras program, written for Keras 3: a tiny English-to-Spanish sequence-to-sequence Transformer. Two
TextVectorization layers (adapted on a toy parallel corpus) turn sentences into padded ids; a positional
embedding layer (token + position Embedding, a padding mask from compute_mask), a Transformer encoder and a
Transformer decoder (causal self-attention, then cross-attention with a mask made from both padding masks)
make a two-input functional model, trained with sparse_categorical_crossentropy; then one sentence is
translated greedily, token by token. The weights start from the same NumPy arrays and there is no dropout, so
real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

PAIRS = [
    ("Go.", "Ve."), ("Hi.", "Hola."), ("Run!", "¡Corre!"), ("I am cold.", "Tengo frío."),
    ("I am hungry.", "Tengo hambre."), ("Where is the cat?", "¿Dónde está el gato?"),
    ("The cat is black.", "El gato es negro."), ("The dog is big.", "El perro es grande."),
    ("I see the dog.", "Veo el perro."), ("I see the cat.", "Veo el gato."),
    ("Where is the dog?", "¿Dónde está el perro?"), ("The house is big.", "La casa es grande."),
    ("I love the house.", "Me encanta la casa."), ("I am tired.", "Estoy cansado."),
    ("The dog is black.", "El perro es negro."), ("I love the cat.", "Me encanta el gato."),
    ("Where is the house?", "¿Dónde está la casa?"), ("The cat is big.", "El gato es grande."),
    ("I love the dog.", "Me encanta el perro."), ("I see the house.", "Veo la casa."),
]
SEQ_LEN = 7


class PositionalEmbedding(layers.Layer):
    def __init__(self, sequence_length, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_embeddings = layers.Embedding(vocab_size, embed_dim)
        self.position_embeddings = layers.Embedding(sequence_length, embed_dim)

    def call(self, inputs):
        positions = ops.arange(0, ops.shape(inputs)[-1], 1)
        return self.token_embeddings(inputs) + self.position_embeddings(positions)

    def compute_mask(self, inputs, mask=None):
        return ops.not_equal(inputs, 0)


class TransformerEncoder(layers.Layer):
    def __init__(self, embed_dim, dense_dim, num_heads, **kwargs):
        super().__init__(**kwargs)
        self.attention = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.dense_proj = keras.Sequential([layers.Dense(dense_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm_1 = layers.LayerNormalization()
        self.layernorm_2 = layers.LayerNormalization()
        self.supports_masking = True

    def call(self, inputs, mask=None):
        padding_mask = None if mask is None else ops.cast(mask[:, None, :], "int32")
        attended = self.attention(query=inputs, value=inputs, key=inputs, attention_mask=padding_mask)
        projected = self.layernorm_1(inputs + attended)
        return self.layernorm_2(projected + self.dense_proj(projected))


class TransformerDecoder(layers.Layer):
    def __init__(self, embed_dim, latent_dim, num_heads, **kwargs):
        super().__init__(**kwargs)
        self.self_attention = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.cross_attention = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.dense_proj = keras.Sequential([layers.Dense(latent_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm_1 = layers.LayerNormalization()
        self.layernorm_2 = layers.LayerNormalization()
        self.layernorm_3 = layers.LayerNormalization()

    def call(self, inputs, mask=None):
        targets, encoded = inputs
        target_mask, source_mask = (None, None) if mask is None else mask
        attended = self.self_attention(query=targets, value=targets, key=targets, use_causal_mask=True)
        out_1 = self.layernorm_1(targets + attended)
        cross_mask = None
        if target_mask is not None:
            cross_mask = ops.logical_and(ops.expand_dims(target_mask, 2), ops.expand_dims(source_mask, 1))
        attended = self.cross_attention(query=out_1, value=encoded, key=encoded, attention_mask=cross_mask)
        out_2 = self.layernorm_2(out_1 + attended)
        return self.layernorm_3(out_2 + self.dense_proj(out_2))

    def compute_mask(self, inputs, mask=None):
        return None if mask is None else mask[0]


def build(source_vocab, target_vocab, embed_dim=16, latent_dim=32, num_heads=2):
    encoder_inputs = keras.Input(shape=(None,), dtype="int64", name="encoder_inputs")
    x = PositionalEmbedding(SEQ_LEN, source_vocab, embed_dim)(encoder_inputs)
    encoded = TransformerEncoder(embed_dim, latent_dim, num_heads)(x)
    decoder_inputs = keras.Input(shape=(None,), dtype="int64", name="decoder_inputs")
    x = PositionalEmbedding(SEQ_LEN, target_vocab, embed_dim)(decoder_inputs)
    x = TransformerDecoder(embed_dim, latent_dim, num_heads)([x, encoded])
    outputs = layers.Dense(target_vocab, activation="softmax")(x)
    return keras.Model([encoder_inputs, decoder_inputs], outputs, name="transformer")


def main():
    english = [e for e, _ in PAIRS]
    spanish = ["[start] " + s + " [end]" for _, s in PAIRS]
    source_vec = layers.TextVectorization(max_tokens=40, output_mode="int", output_sequence_length=SEQ_LEN,
                                          standardize="lower_and_strip_punctuation")
    target_vec = layers.TextVectorization(max_tokens=40, output_mode="int", output_sequence_length=SEQ_LEN + 1)
    source_vec.adapt(english)
    target_vec.adapt(spanish)
    source_vocab, target_vocab = source_vec.get_vocabulary(), target_vec.get_vocabulary()
    print(len(source_vocab), source_vocab[:8])
    print(len(target_vocab), target_vocab[:8])
    print(sorted(target_vocab[8:]))

    x_source = ops.convert_to_numpy(source_vec(english))
    y_target = ops.convert_to_numpy(target_vec(spanish))
    print(x_source.shape, y_target.shape, x_source.dtype)
    print(x_source[5].tolist(), y_target[5].tolist())
    inputs = {"encoder_inputs": x_source, "decoder_inputs": y_target[:, :-1]}
    targets = y_target[:, 1:]

    model = build(len(source_vocab), len(target_vocab))
    init = np.random.default_rng(7)
    for w in model.weights:
        w.assign(init.normal(0.0, 0.25, size=tuple(w.shape)).astype("float32"))
    print(len(model.weights), model.count_params())
    print([layer.__class__.__name__ for layer in model.layers])

    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(inputs, targets, batch_size=5, epochs=12, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print(["%.5f" % v for v in model.evaluate(inputs, targets, verbose=0)])
    probabilities = model.predict(inputs, verbose=0)
    print(probabilities.shape, np.round(probabilities[0, 0, :6], 5))

    index_to_word = dict(enumerate(target_vocab))
    sentence = "I see the cat."
    source = source_vec([sentence])
    decoded = "[start]"
    for i in range(SEQ_LEN):
        target = target_vec([decoded])[:, :-1]
        step = ops.convert_to_numpy(model([source, target]))[0, i]
        token = int(np.argmax(step))
        word = index_to_word[token]
        print(i, token, word, "%.5f" % step[token])
        if word == "end":
            break
        decoded += " " + word
    print(sentence, "->", decoded)


if __name__ == "__main__":
    main()
