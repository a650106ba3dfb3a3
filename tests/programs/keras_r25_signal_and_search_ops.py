"""A Keras program, written for Keras 3: the rarely printed numerics of `keras.ops` a user reaches for while
building features: `fft`/`fft2`/`rfft`/`irfft`/`ifft2` as (real, imag) pairs, `stft` and `istft` round trips
with several windows, `correlate` in every mode, `histogram`, `searchsorted` on both sides, `digitize`,
`nan_to_num` with custom fills, `erf`/`erfinv`, `logsumexp` with axes and keepdims, `top_k`/`in_top_k`,
`segment_sum`/`segment_max` sorted and unsorted, `einsum` with repeated, ellipsis and trace specs, `logaddexp`,
`log1p`/`expm1` near zero, and a small model whose custom layer pools features through `ops.segment_max` and
`ops.logsumexp`, trained with `fit`."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(ops.convert_to_numpy(value).astype("float64"), digits) + 0.0).tolist()


class SpectralPool(layers.Layer):
    """Magnitudes of the real FFT of each feature row, pooled by a soft maximum and a hard one."""

    def call(self, x):
        real, imag = ops.rfft(x)
        magnitude = ops.sqrt(real * real + imag * imag + 1e-6)
        soft = ops.logsumexp(magnitude, axis=-1, keepdims=True)
        hard = ops.max(magnitude, axis=-1, keepdims=True)
        return ops.concatenate([soft, hard, magnitude[:, :3]], axis=-1)


def main():
    rng = np.random.default_rng(2502)
    signal = np.sin(np.linspace(0, 6 * np.pi, 32)).astype("float32") + 0.1 * rng.normal(size=32).astype("float32")

    real, imag = ops.fft((signal[:8], np.zeros(8, "float32")))
    print("fft", r(real), r(imag))
    real, imag = ops.rfft(signal, fft_length=16)
    print("rfft 16", r(real), r(imag))
    print("irfft", r(ops.irfft((real, imag), fft_length=16)))
    grid = signal[:16].reshape(4, 4)
    real2, imag2 = ops.fft2((grid, np.zeros_like(grid)))
    print("fft2 corner", r(real2[:2, :2]), r(imag2[:2, :2]))
    back_real, back_imag = ops.ifft2((real2, imag2))
    print("ifft2 error", r(ops.max(ops.abs(back_real - grid)), 3), r(ops.max(ops.abs(back_imag)), 3))

    for window in ("hann", "hamming", None):
        sr, si = ops.stft(signal, sequence_length=8, sequence_stride=4, fft_length=8, window=window)
        print("stft", window, tuple(sr.shape), r(ops.sum(sr * sr + si * si, axis=-1), 3))
    sr, si = ops.stft(signal, 8, 2, 8, window="hann", center=True)
    rebuilt = ops.istft((sr, si), 8, 2, 8, length=32, window="hann", center=True)
    print("istft error", r(ops.max(ops.abs(rebuilt - signal)), 3))

    a = np.array([1.0, 2.0, 0.5, -1.0, 3.0], "float32")
    v = np.array([0.5, 1.0, -0.5], "float32")
    for mode in ("valid", "same", "full"):
        print("correlate", mode, r(ops.correlate(a, v, mode=mode)))

    counts, edges = ops.histogram(signal, bins=5, range=(-1.5, 1.5))
    print("histogram", ops.convert_to_numpy(counts).tolist(), r(edges))
    sorted_values = np.array([-1.0, -0.5, 0.0, 0.5, 1.0], "float32")
    probes = np.array([-0.5, 0.1, 1.0, 2.0], "float32")
    print("searchsorted left", ops.convert_to_numpy(ops.searchsorted(sorted_values, probes, side="left")).tolist())
    print("searchsorted right", ops.convert_to_numpy(ops.searchsorted(sorted_values, probes, side="right")).tolist())
    print("digitize", ops.convert_to_numpy(ops.digitize(probes, sorted_values)).tolist())

    dirty = np.array([1.0, np.nan, np.inf, -np.inf, -2.0], "float32")
    print("nan_to_num", r(ops.nan_to_num(dirty, nan=-9.0, posinf=99.0, neginf=-99.0)))
    print("nan_to_num default finite", ops.convert_to_numpy(ops.isfinite(ops.nan_to_num(dirty))).tolist())
    p = np.array([-0.9, -0.3, 0.0, 0.4, 0.95], "float32")
    print("erfinv", r(ops.erfinv(p)), "erf back", r(ops.erf(ops.erfinv(p))))
    m = rng.normal(size=(3, 4)).astype("float32") * 3
    print("logsumexp all", r(ops.logsumexp(m)))
    print("logsumexp axis0 keepdims", r(ops.logsumexp(m, axis=0, keepdims=True)))
    print("logsumexp axes", r(ops.logsumexp(m.reshape(3, 2, 2), axis=(1, 2))))
    print("logaddexp", r(ops.logaddexp(m[0], m[1])))
    tiny = np.array([1e-7, -1e-6, 1e-3], "float32")
    print("log1p expm1", r(ops.log1p(tiny) * 1e3, 6), r(ops.expm1(tiny) * 1e3, 6))

    scores = np.array([[0.1, 0.5, 0.3, 0.9], [0.8, 0.2, 0.7, 0.1]], "float32")
    values, indices = ops.top_k(scores, k=2)
    print("top_k", r(values), ops.convert_to_numpy(indices).tolist())
    values, indices = ops.top_k(scores, k=3, sorted=True)
    print("top_k 3", r(values), ops.convert_to_numpy(indices).tolist())
    print("in_top_k", ops.convert_to_numpy(ops.in_top_k(np.array([3, 1]), scores, k=2)).tolist(),
          ops.convert_to_numpy(ops.in_top_k(np.array([2, 2]), scores, k=1)).tolist())

    data = np.arange(12, dtype="float32").reshape(6, 2) - 4
    ids = np.array([0, 0, 1, 2, 2, 2])
    print("segment_sum sorted", r(ops.segment_sum(data, ids, num_segments=4, sorted=True)))
    print("segment_max sorted", r(ops.segment_max(data, ids, num_segments=3, sorted=True)))
    shuffled = np.array([2, 0, 1, 0, 2, 1])
    print("segment_sum unsorted", r(ops.segment_sum(data, shuffled, num_segments=3)))
    print("segment_max unsorted", r(ops.segment_max(data, shuffled, num_segments=3)))

    x3 = rng.normal(size=(2, 3, 3)).astype("float32")
    print("einsum trace", r(ops.einsum("bii->b", x3)))
    print("einsum diag", r(ops.einsum("bii->bi", x3)))
    print("einsum ellipsis", r(ops.einsum("...ij,...jk->...ik", x3, x3)[0, 0]))
    print("einsum outer sum", r(ops.einsum("i,j->", a[:3], v)))
    print("einsum transpose", r(ops.einsum("bij->jbi", x3)[0]))

    x = rng.normal(size=(64, 8)).astype("float32")
    y = (np.abs(x).sum(axis=1, keepdims=True) > 6.0).astype("float32")
    inputs = keras.Input((8,))
    features = SpectralPool(name="spectral")(inputs)
    outputs = layers.Dense(1, activation="sigmoid", name="head")(features)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(7)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    print("features", r(SpectralPool()(x[:2]), 3))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False)
    print("losses", r(history.history["loss"], 5), r(history.history["accuracy"], 5))
    print("evaluate", r(model.evaluate(x, y, verbose=0), 5))


if __name__ == "__main__":
    main()
