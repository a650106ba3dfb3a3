"""A Keras program, written for Keras 3: keras.ops signal processing on NumPy signals — fft / fft2 /
ifft2 on (real, imaginary) pairs, rfft / irfft with fft_length, stft / istft with the window names Keras
knows ("hann", "hamming") and an explicit window array and None, center on and off, a round trip back to the
signal, and keras.ops.signal-style framing of a spectrogram feature for a small Dense classifier."""
import numpy as np

import keras
from keras import ops


def r(values, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).tolist()


def main():
    t = np.arange(32, dtype="float32") / 32.0
    signal = (np.sin(2 * np.pi * 3 * t) + 0.5 * np.cos(2 * np.pi * 7 * t)).astype("float32")
    batch = np.stack([signal, signal[::-1], np.roll(signal, 5)])

    real, imag = ops.fft((batch, np.zeros_like(batch)))
    print("fft magnitudes", r(np.abs(ops.convert_to_numpy(real))[:, :9], 2))
    print("fft bin 3", r(real[:, 3]), r(imag[:, 3]))
    conj_real, conj_imag = ops.fft((real, -imag))
    print("fft twice (conjugate) round trip", bool(np.allclose(ops.convert_to_numpy(conj_real) / 32, batch,
                                                             atol=1e-5)), r(np.abs(ops.convert_to_numpy(conj_imag)).max(), 3))

    grid = batch[:, :16].reshape(3, 4, 4)
    real2, imag2 = ops.fft2((grid, np.zeros_like(grid)))
    print("fft2", tuple(real2.shape), r(real2[0, 0]), r(imag2[0, 1]))
    inv_real, _ = ops.ifft2((real2, imag2))
    print("ifft2 round trip", bool(np.allclose(ops.convert_to_numpy(inv_real), grid, atol=1e-5)))

    rr, ri = ops.rfft(batch)
    print("rfft shape", tuple(rr.shape), r(rr[0, :4]), r(ri[0, :4]))
    rr20, ri20 = ops.rfft(batch, fft_length=20)
    print("rfft length 20", tuple(rr20.shape), r(rr20[1, :3]))
    print("irfft", r(ops.irfft((rr, ri))[0, :5]))
    print("irfft length 16", tuple(ops.irfft((rr, ri), fft_length=16).shape),
          r(ops.irfft((rr, ri), fft_length=16)[2, :4]))

    for window in ("hann", "hamming", None):
        sr, si = ops.stft(batch, sequence_length=8, sequence_stride=4, fft_length=8, window=window)
        print("stft", window, tuple(sr.shape), r(sr[0, 2]), r(si[0, 2, :3]))
    explicit = np.linspace(0.5, 1.0, 8).astype("float32")
    sr, si = ops.stft(batch, 8, 4, 8, window=explicit, center=False)
    print("stft explicit window no center", tuple(sr.shape), r(sr[1, 0]))

    sr, si = ops.stft(batch, 8, 2, 8, window="hann")
    restored = ops.istft((sr, si), 8, 2, 8, length=32, window="hann")
    print("istft", tuple(restored.shape), r(restored[0, 4:10]))
    print("istft round trip", bool(np.allclose(ops.convert_to_numpy(restored), batch, atol=1e-4)))
    restored_nolength = ops.istft((sr, si), 8, 2, 8, window="hann")
    print("istft without length", tuple(restored_nolength.shape))

    rng = np.random.default_rng(3)
    waves = rng.normal(0, 0.3, (40, 32)).astype("float32")
    labels = rng.integers(0, 2, 40)
    waves[labels == 1] += np.sin(2 * np.pi * 6 * t)
    mr, mi = ops.stft(waves, 8, 4, 8, window="hann")
    features = ops.convert_to_numpy(ops.log(ops.sqrt(mr ** 2 + mi ** 2) + 1e-3)).reshape(40, -1)
    print("features", features.shape, r(features[0, :4]))
    keras.utils.set_random_seed(2)
    model = keras.Sequential([keras.Input((features.shape[1],)), keras.layers.Dense(1, activation="sigmoid")])
    model.layers[0].set_weights([np.full((features.shape[1], 1), 0.01, "float32"), np.zeros(1, "float32")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(features, labels, batch_size=10, epochs=4, shuffle=False, verbose=0)
    print("fit", r(history.history["loss"]), r(history.history["accuracy"]))


if __name__ == "__main__":
    main()
