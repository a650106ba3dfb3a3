"""A Keras program, written for Keras 3: signal features computed by keras.ops inside custom layers — ops.rfft /
ops.irfft magnitudes with fft_length, ops.fft and ops.fft2 / ops.ifft2 on (real, imag) pairs, ops.stft with a hann
window and its magnitude, and a layer projecting on ops.linalg.qr's basis of a trainable matrix, with solve, inv,
det, svd, eigh, cholesky and norm (several ords) printed — trained as a classifier of noisy tones; the ops are also
printed standalone. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


class SpectrumFeatures(layers.Layer):
    """|rfft| of each signal, log-compressed, plus the STFT's mean magnitude per frequency bin."""

    def __init__(self, fft_length=32, **kwargs):
        super().__init__(**kwargs)
        self.fft_length = fft_length

    def call(self, signal):
        real, imag = ops.rfft(signal, fft_length=self.fft_length)
        spectrum = ops.log(1.0 + ops.sqrt(real ** 2 + imag ** 2))
        s_real, s_imag = ops.stft(signal, sequence_length=16, sequence_stride=8, fft_length=16, window="hann")
        frames = ops.mean(ops.sqrt(s_real ** 2 + s_imag ** 2 + 1e-9), axis=1)
        return ops.concatenate([spectrum, frames], axis=-1)

    def get_config(self):
        return {**super().get_config(), "fft_length": self.fft_length}


class Whiten(layers.Layer):
    """Projects features on the orthonormal basis (ops.linalg.qr) of a trainable matrix."""

    def build(self, input_shape):
        self.basis = self.add_weight(shape=(input_shape[-1], 6), initializer="glorot_uniform", name="basis")

    def call(self, x):
        q, _ = ops.linalg.qr(self.basis)
        return ops.matmul(x, q)


def main():
    keras.utils.set_random_seed(21)
    rng = np.random.default_rng(21)
    t = np.arange(64, dtype="float32") / 64.0
    labels = rng.integers(0, 3, 90)
    freqs = np.array([3.0, 7.0, 13.0], "float32")[labels]
    signals = (np.sin(2 * np.pi * freqs[:, None] * t) + 0.3 * rng.standard_normal((90, 64))).astype("float32")

    features = SpectrumFeatures(name="spectrum")
    print("feature shape", tuple(features(signals[:2]).shape))
    inputs = keras.Input((64,))
    x = features(inputs)
    x = layers.LayerNormalization()(x)
    x = Whiten(name="whiten")(x)
    outputs = layers.Dense(3, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(8)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(signals[:72], labels[:72], batch_size=24, epochs=4, verbose=0, shuffle=False,
                        validation_data=(signals[72:], labels[72:]))
    print("loss", r(history.history["loss"]))
    print("val_accuracy", r(history.history["val_accuracy"]))
    print("config", features.get_config()["fft_length"], model.get_layer("whiten").basis.shape)

    x = ops.convert_to_tensor(signals[0, :8])
    real, imag = ops.rfft(x)
    print("rfft", r(real), r(imag))
    print("irfft", r(ops.irfft((real, imag), fft_length=8)))
    f_real, f_imag = ops.fft((x, ops.zeros_like(x)))
    print("fft", r(f_real[:4]), r(f_imag[:4]))
    grid = ops.reshape(ops.convert_to_tensor(signals[1, :16]), (4, 4))
    g_real, g_imag = ops.fft2((grid, ops.zeros_like(grid)))
    back_real, back_imag = ops.ifft2((g_real, g_imag))
    print("fft2", r(g_real[0]), r(g_imag[1]))
    print("ifft2 round trip", r(ops.max(ops.abs(back_real - grid)), 5), r(ops.max(ops.abs(back_imag)), 5))
    s_real, s_imag = ops.stft(ops.convert_to_tensor(signals[:2]), 16, 8, 16, window="hamming", center=False)
    print("stft", tuple(s_real.shape), r(s_real[0, 0, :3]), r(s_imag[1, 2, 1:4]))

    a = ops.convert_to_tensor(np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]], "float32"))
    b = ops.convert_to_tensor(np.array([[1.0], [2.0], [3.0]], "float32"))
    print("solve", r(ops.linalg.solve(a, b)[:, 0]))
    print("inv", r(ops.linalg.inv(a)[0]))
    print("det", r(ops.linalg.det(a)))
    q, rr = ops.linalg.qr(a)
    print("qr", r(ops.abs(ops.diagonal(rr))), r(ops.abs(ops.matmul(q, rr) - a).max() < 1e-5))
    u, s, vh = ops.linalg.svd(a)
    print("svd", r(s), tuple(u.shape), tuple(vh.shape))
    w, v = ops.linalg.eigh(a)
    print("eigh", r(w))
    print("norms", r(ops.linalg.norm(a)), r(ops.linalg.norm(a, ord=1)), r(ops.linalg.norm(a, ord="nuc")),
          r(ops.linalg.norm(a, ord=2)), r(ops.linalg.norm(b[:, 0], ord=np.inf)))
    print("cholesky", r(ops.linalg.cholesky(a)[2]))


if __name__ == "__main__":
    main()
