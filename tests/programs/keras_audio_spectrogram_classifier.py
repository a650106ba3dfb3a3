"""A Keras program, written for Keras 3, in the style of keras.io's audio examples: synthetic tones turned into
features by keras.layers.MelSpectrogram (power_to_db, mag_exp, min/max frequency, top_db) and STFTSpectrogram
(magnitude / log / psd / real-imaginary modes, density and spectrum scaling, channels_first, expand_dims, same
padding), keras.ops.stft / istft round trips and keras.ops.signal-style windows, then a small Conv1D classifier
over the mel frames trained to tell the tones apart. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def show(name, value, digits=4):
    value = np.asarray(keras.ops.convert_to_numpy(value), "float64")
    print(name, value.shape, round(float(value.mean()), digits), np.round(value.ravel()[:4], digits).tolist())


def tones(rng, count, rate=4000, seconds=0.25):
    t = np.arange(int(rate * seconds)) / rate
    labels = rng.integers(0, 3, count)
    base = np.array([220.0, 440.0, 880.0])[labels]
    waves = np.sin(2 * np.pi * base[:, None] * t) + 0.3 * np.sin(2 * np.pi * 3 * base[:, None] * t)
    waves += 0.05 * rng.standard_normal(waves.shape)
    return waves.astype("float32"), labels.astype("int32")


def main():
    rng = np.random.default_rng(5)
    waves, labels = tones(rng, 48)
    print("waves", waves.shape, labels[:8].tolist())
    mel = layers.MelSpectrogram(fft_length=256, sequence_stride=64, sequence_length=128, sampling_rate=4000,
                                num_mel_bins=24, min_freq=50.0, max_freq=2000.0)
    show("mel db", mel(waves[:4]))
    show("mel power", layers.MelSpectrogram(fft_length=128, sequence_stride=32, sampling_rate=4000, num_mel_bins=16,
                                            power_to_db=False, mag_exp=1.0, window="hamming")(waves[:2]))
    show("mel top_db", layers.MelSpectrogram(fft_length=256, sequence_stride=128, sampling_rate=4000,
                                             num_mel_bins=12, top_db=20.0, ref_power=0.5)(waves[:2]))
    print("mel config", {k: v for k, v in mel.get_config().items() if k not in ("name", "dtype")})
    columns = waves[:3, :, None]
    for mode in ("log", "magnitude", "psd", "real", "imag", "stft"):
        show(f"stft {mode}", layers.STFTSpectrogram(mode=mode, frame_length=64, frame_step=32, fft_length=64)(columns))
    show("stft spectrum", layers.STFTSpectrogram(mode="magnitude", frame_length=64, frame_step=16, scaling="spectrum",
                                                 padding="same", periodic=True)(columns))
    show("stft unscaled", layers.STFTSpectrogram(mode="psd", frame_length=32, scaling=None, window=None)(columns))
    show("stft first", layers.STFTSpectrogram(mode="log", frame_length=64, frame_step=32,
                                              data_format="channels_first")(np.transpose(columns, (0, 2, 1))))
    show("stft expand", layers.STFTSpectrogram(mode="magnitude", frame_length=64, frame_step=32,
                                               expand_dims=True)(columns))
    real, imag = ops.stft(waves[:2], sequence_length=64, sequence_stride=16, fft_length=64, window="hann")
    show("ops.stft real", real)
    show("ops.stft imag", imag)
    back = ops.istft((real, imag), sequence_length=64, sequence_stride=16, fft_length=64, window="hann",
                     length=waves.shape[1])
    error = np.abs(ops.convert_to_numpy(back) - waves[:2])[:, 64:-64]
    print("istft error small", bool(error.max() < 1e-4), tuple(back.shape))
    show("hann", keras.ops.hanning(8))
    show("hamming", keras.ops.hamming(8))
    show("kaiser", keras.ops.kaiser(8, 5.0))

    features = ops.convert_to_numpy(mel(waves))
    features = np.transpose(features, (0, 2, 1))
    mean, std = features.mean(), features.std()
    inputs = keras.Input(features.shape[1:])
    h = layers.Normalization(mean=mean, variance=std ** 2)(inputs)
    h = layers.Conv1D(8, 3, activation="relu")(h)
    h = layers.GlobalMaxPooling1D()(h)
    outputs = layers.Dense(3, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(9)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(features, labels, epochs=5, batch_size=12, shuffle=False, verbose=0)
    print("loss", np.round(history.history["loss"], 4).tolist())
    print("accuracy", np.round(history.history["accuracy"], 4).tolist())
    print("eval", np.round(model.evaluate(features, labels, verbose=0), 4).tolist())
