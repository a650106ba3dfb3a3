"""A Keras program, written for Keras 3 on the torch backend, after keras.io's FNet examples ("Text classification
with FNet" and the FNet layer of "Image classification with modern MLP models"): token and position embeddings, an
FNetLayer mixing tokens with the real part of keras.ops.fft2 over (sequence, hidden) (a (real, imaginary) pair of
zeros-imaginary input; the layer takes no mask, so the embedding's padding mask stops there, with Keras's warning),
residual LayerNormalization and a GELU feed-forward, GlobalAveragePooling1D, trained with Adam, a PolynomialDecay
schedule and AUC. It also prints keras.ops.fft, ifft2, rfft, irfft and stft on a fixed signal. Tokens and weights
come from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

VOCAB, SEQ_LEN, EMBED_DIM = 20, 10, 8


class FNetLayer(layers.Layer):
    def __init__(self, embedding_dim, dropout_rate=0.0, **kwargs):
        super().__init__(**kwargs)
        self.ffn = keras.Sequential([layers.Dense(units=embedding_dim * 2, activation="gelu"),
                                     layers.Dropout(rate=dropout_rate), layers.Dense(units=embedding_dim)])
        self.normalize1 = layers.LayerNormalization(epsilon=1e-6)
        self.normalize2 = layers.LayerNormalization(epsilon=1e-6)

    def call(self, inputs):
        # Apply fourier transformations.
        real_part = inputs
        im_part = keras.ops.zeros_like(inputs)
        x = keras.ops.fft2((real_part, im_part))[0]
        # Add skip connection.
        x = x + inputs
        # Apply layer normalization.
        x = self.normalize1(x)
        # Apply Feedfowrad network.
        x_ffn = self.ffn(x)
        # Add skip connection.
        x = x + x_ffn
        # Apply layer normalization.
        return self.normalize2(x)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim, mask_zero=True)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = ops.arange(start=0, stop=maxlen, step=1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions

    def compute_mask(self, x, mask=None):
        return self.token_emb.compute_mask(x)


def main():
    rng = np.random.default_rng(88)
    labels = rng.integers(0, 2, 64)
    tokens = rng.integers(3, VOCAB, (64, SEQ_LEN))
    tokens[:, :3] = np.where(labels[:, None] == 1, 1, 2) * (rng.random((64, 3)) < 0.7) + tokens[:, :3] * 0
    lengths = rng.integers(5, SEQ_LEN + 1, 64)
    tokens[np.arange(SEQ_LEN)[None, :] >= lengths[:, None]] = 0
    print("tokens", tokens[:2].tolist())

    inputs = keras.Input(shape=(SEQ_LEN,), dtype="int32")
    x = TokenAndPositionEmbedding(SEQ_LEN, VOCAB, EMBED_DIM)(inputs)
    x = FNetLayer(EMBED_DIM, name="fnet_1")(x)
    x = FNetLayer(EMBED_DIM, name="fnet_2")(x)
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs, name="fnet_classifier")
    init = np.random.default_rng(9)
    model.set_weights([init.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()])

    schedule = keras.optimizers.schedules.PolynomialDecay(0.01, decay_steps=12, end_learning_rate=0.002, power=2.0)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc")])
    history = model.fit(tokens[:48], labels[:48], validation_data=(tokens[48:], labels[48:]), batch_size=16,
                        epochs=5, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    print("learning rate now", round(float(ops.convert_to_numpy(model.optimizer.learning_rate)), 6))
    print("predictions", np.round(model.predict(tokens[48:54], verbose=0).ravel().astype("float64"), 4).tolist())

    mixer = model.get_layer("fnet_1")
    sample = ops.convert_to_tensor(np.linspace(-1, 1, 2 * 4 * EMBED_DIM).reshape(2, 4, EMBED_DIM).astype("float32"))
    print("fnet layer", np.round(ops.convert_to_numpy(mixer(sample))[1, 0].astype("float64"), 4).tolist())

    signal = np.cos(np.arange(16) * 0.7).astype("float32") + np.linspace(0, 1, 16).astype("float32")
    real, imag = ops.fft((ops.convert_to_tensor(signal), ops.zeros_like(ops.convert_to_tensor(signal))))
    print("fft real", np.round(ops.convert_to_numpy(real)[:5].astype("float64"), 4).tolist())
    print("fft imag", np.round(ops.convert_to_numpy(imag)[:5].astype("float64"), 4).tolist())
    grid = signal.reshape(4, 4)
    back_real, back_imag = ops.ifft2(ops.fft2((grid, np.zeros_like(grid))))
    print("ifft2(fft2)", np.round(ops.convert_to_numpy(back_real)[1].astype("float64"), 4).tolist(),
          round(float(np.abs(ops.convert_to_numpy(back_imag)).max()), 4))
    r_real, r_imag = ops.rfft(signal)
    print("rfft", tuple(r_real.shape), np.round(ops.convert_to_numpy(r_imag)[1:4].astype("float64"), 4).tolist())
    print("irfft", np.round(ops.convert_to_numpy(ops.irfft((r_real, r_imag)))[:4].astype("float64"), 4).tolist())
    s_real, s_imag = ops.stft(signal, sequence_length=8, sequence_stride=4, fft_length=8, window="hann")
    magnitude = np.sqrt(ops.convert_to_numpy(s_real) ** 2 + ops.convert_to_numpy(s_imag) ** 2)
    print("stft", tuple(s_real.shape), np.round(magnitude[1].astype("float64"), 4).tolist())


if __name__ == "__main__":
    main()
