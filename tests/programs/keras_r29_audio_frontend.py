"""A Keras program, written for Keras 3: an audio front end — `keras.ops.stft` / `istft` round trip with
windows, `rfft`/`irfft`, `MelSpectrogram` (power and dB scaling, `mag_exp`, `min_freq`/`max_freq`) and
`STFTSpectrogram` (`mode` magnitude/log/real, `expand_dims`, `trainable=True` kernels) as layers, then a
keyword-spotting classifier on synthetic tones built on them, trained, summarised and saved as `.keras`."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def tones(rng, count, rate=800, length=400):
    t = np.arange(length) / rate
    freqs = rng.choice([60.0, 150.0, 260.0], size=count)
    waves = np.sin(2 * np.pi * freqs[:, None] * t) + 0.2 * rng.normal(size=(count, length))
    return waves.astype("float32"), (freqs > 100).astype("int32") + (freqs > 200)


def main():
    rng = np.random.default_rng(2933)
    waves, labels = tones(rng, 36)
    real, imag = ops.stft(waves[:2], sequence_length=64, sequence_stride=32, fft_length=64, window="hann")
    print("stft", tuple(real.shape), r(ops.sum(real * real + imag * imag)))
    back = ops.istft((real, imag), sequence_length=64, sequence_stride=32, fft_length=64, length=400,
                     window="hann")
    print("istft", tuple(back.shape), r(np.abs(ops.convert_to_numpy(back)[:, 64:-64] - waves[:2, 64:-64]).max()))
    spectrum = ops.rfft(waves[:1, :16])
    print("rfft", r(spectrum[0][0, :4]), r(ops.irfft(spectrum, fft_length=16)[0, :4]))

    for kwargs in [dict(), dict(power_to_db=False, mag_exp=1.0), dict(min_freq=50.0, max_freq=300.0, num_mel_bins=8),
                   dict(fft_length=256, sequence_stride=64, ref_power=2.0, top_db=40.0)]:
        sizes = dict(fft_length=128, sequence_length=128, sequence_stride=32)
        sizes.update({k: kwargs[k] for k in sizes if k in kwargs})
        rest = {k: v for k, v in kwargs.items() if k not in sizes and k != "num_mel_bins"}
        mel = layers.MelSpectrogram(sampling_rate=800, num_mel_bins=kwargs.get("num_mel_bins", 16), **sizes, **rest)
        out = mel(waves[:2])
        print("mel", sorted(kwargs), tuple(out.shape), r(ops.mean(out)), r(out[0, :3, 1]))
    for mode in ("magnitude", "log", "real", "imag", "psd", "angle"):
        spec = layers.STFTSpectrogram(mode=mode, frame_length=64, frame_step=32, fft_length=64)
        out = spec(waves[:2, :, None])
        print("stft layer", mode, tuple(out.shape), r(ops.mean(out)))
    spec = layers.STFTSpectrogram(mode="log", frame_length=32, frame_step=16, expand_dims=True, window="hamming",
                                  scaling="spectrum", padding="same")
    out = spec(waves[:2, :, None])
    print("expand", tuple(out.shape), r(ops.mean(out)))

    keras.utils.set_random_seed(2933)
    inputs = keras.Input((400,), name="wave")
    mel = layers.MelSpectrogram(fft_length=128, sequence_stride=40, sequence_length=100, sampling_rate=800,
                                num_mel_bins=12, name="mel")(inputs)
    frames = layers.Permute((2, 1), name="frames")(mel)
    frames = layers.Normalization(axis=-1, name="norm")(frames)
    learned = layers.STFTSpectrogram(mode="log", frame_length=64, frame_step=32, trainable=True,
                                     name="learned_stft")(layers.Reshape((400, 1))(inputs))
    pooled = layers.Concatenate(name="both")([layers.GlobalAveragePooling1D()(frames),
                                              layers.GlobalAveragePooling1D()(learned)])
    outputs = layers.Dense(3, activation="softmax", name="out")(pooled)
    model = keras.Model(inputs, outputs, name="spotter")
    model.get_layer("norm").adapt(keras.Model(inputs, frames).predict(waves, verbose=0))
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(waves, labels, batch_size=12, epochs=3, verbose=0)
    print("losses", [round(v, 4) for v in history.history["loss"]])
    print("trainable", [w.path for w in model.trainable_weights])
    model.summary()
    model.save("spotter.keras")
    again = keras.models.load_model("spotter.keras")
    print("reloaded", r(np.abs(again.predict(waves[:4], verbose=0) - model.predict(waves[:4], verbose=0)).max(), 6))


if __name__ == "__main__":
    main()
