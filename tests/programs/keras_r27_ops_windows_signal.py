"""A Keras program, written for Keras 3: the `keras.ops` functions that are rarely printed. The window functions
(`bartlett`, `blackman`, `hamming`, `hanning`, `kaiser`), a windowed `rfft` power spectrum and `stft`/`istft` with a
window array and with `center=False`, `erfc`, `fabs`, `reciprocal`, `nextafter`, `fmax`-style `maximum`/`fmin`,
`greater_equal`/`less_equal`, `nanprod`/`nanvar`, `empty_like`/`full_like`, `view`, `get_item`, `is_tensor`,
`diff` with `n=2`, `nan_to_num(nan=, posinf=, neginf=)`, `correlate` modes, `logspace`/`geomspace`, `trapezoid`, and
a registered spectral layer built on them trained through `fit` and reloaded from a `.keras` file."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=5):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


@keras.saving.register_keras_serializable(package="r27")
class WindowedSpectrum(layers.Layer):
    """Log power of a Hann-windowed rfft of each frame of the input (batch, time), frames taken with `stft`."""

    def __init__(self, frame=8, step=4, **kwargs):
        super().__init__(**kwargs)
        self.frame, self.step = frame, step

    def call(self, signal):
        real, imag = ops.stft(signal, self.frame, self.step, self.frame, window="hann")
        power = real * real + imag * imag
        return ops.log(power + 1e-3)

    def get_config(self):
        return {**super().get_config(), "frame": self.frame, "step": self.step}


def main():
    for n in (1, 5, 8):
        print("windows", n, r(ops.bartlett(n), 5), r(ops.blackman(n), 5), r(ops.hamming(n), 5),
              r(ops.hanning(n), 5), r(ops.kaiser(n, 6.0), 5))

    rng = np.random.default_rng(2705)
    t = np.arange(32, dtype="float32")
    signal = (np.sin(2 * np.pi * t / 8) + 0.3 * rng.normal(size=32)).astype("float32")
    windowed = signal * ops.convert_to_numpy(ops.hanning(32))
    real, imag = ops.rfft(windowed)
    print("rfft power", r(real[:6] ** 2 + imag[:6] ** 2, 4))
    window = ops.convert_to_numpy(ops.hamming(8)).astype("float32")
    for center in (True, False):
        sr, si = ops.stft(signal, 8, 4, 8, window=window, center=center)
        back = ops.istft((sr, si), 8, 4, 8, window=window, center=center, length=32 if center else None)
        print("stft center", center, tuple(sr.shape), r(sr[1, :3], 4), r(si[1, 1:3], 4), tuple(back.shape),
              r(back[4:8], 4))

    x = np.array([-2.5, -0.5, 0.0, 0.25, 1.5, 3.0], "float32")
    y = np.array([1.0, -1.0, 0.0, 0.5, 2.0, -4.0], "float32")
    print("erfc", r(ops.erfc(x), 5), "fabs", r(ops.fabs(x)), "reciprocal", r(ops.reciprocal(y[[0, 1, 3, 4, 5]]), 4))
    step = ops.nextafter(x, y)
    print("nextafter", keras.backend.standardize_dtype(step.dtype), r(ops.sign(ops.subtract(step, x))),
          r(ops.abs(ops.subtract(step, x)) / np.maximum(np.abs(x), 1e-30) * 1e7, 2))
    print("compare", r(ops.greater_equal(x, y)), r(ops.less_equal(x, y)), r(ops.maximum(x, y)), r(ops.minimum(x, y)))
    holes = np.array([[1.0, np.nan, 2.0], [np.nan, 3.0, -1.0]], "float32")
    print("nan reductions", r(ops.nanprod(holes, axis=1)), r(ops.nanvar(holes, axis=0), 4), r(ops.nanprod(holes)))
    bad = np.array([np.nan, np.inf, -np.inf, 1.5], "float32")
    print("nan_to_num", r(ops.nan_to_num(bad)), r(ops.nan_to_num(bad, nan=-1.0, posinf=9.0, neginf=-9.0)))
    print("like", tuple(ops.empty_like(holes).shape), ops.empty_like(holes, dtype="int32").dtype == ops.full_like(
        holes, 3, dtype="int32").dtype, r(ops.full_like(holes, 2.5)))
    print("view", r(ops.view(np.array([1.0, -2.0], "float32"), "int32")), r(ops.view(np.array([1, 2, 3, 4], "int8"),
                                                                                      "int16")))
    tensor = ops.convert_to_tensor(holes)
    print("get_item", r(ops.get_item(ops.nan_to_num(tensor), 1)), ops.is_tensor(tensor), ops.is_tensor(holes))
    print("diff", r(ops.diff(signal[:8], n=2), 4), r(ops.diff(holes, axis=0)))
    kernel = np.array([0.25, 0.5, 0.25], "float32")
    for mode in ("valid", "same", "full"):
        print("correlate", mode, r(ops.correlate(signal[:6], kernel, mode=mode), 4))
    print("spaces", r(ops.logspace(0.0, 2.0, 5), 4), r(ops.logspace(0.0, 3.0, 4, base=2.0), 4),
          r(ops.geomspace(1.0, 1000.0, 4), 3))
    print("trapezoid", r(ops.trapezoid(signal[:9]), 4), r(ops.trapezoid(signal[:9], dx=0.5), 4),
          r(ops.trapezoid(signal[:5], x=np.array([0.0, 0.1, 0.3, 0.6, 1.0], "float32")), 4))

    waves = np.stack([np.sin(2 * np.pi * t * f / 32) + 0.2 * rng.normal(size=32) for f in (2, 6) * 12])
    waves = waves.astype("float32")
    labels = np.array([0, 1] * 12, "int32")
    keras.utils.set_random_seed(2705)
    inputs = keras.Input((32,))
    spectrum = WindowedSpectrum(name="spectrum")(inputs)
    pooled = layers.GlobalAveragePooling1D()(spectrum)
    outputs = layers.Dense(2)(pooled)
    model = keras.Model(inputs, outputs, name="spectral")
    print("spectrum shape", tuple(spectrum.shape))
    model.compile(optimizer=keras.optimizers.Adam(0.05),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(waves, labels, batch_size=8, epochs=3, verbose=0, shuffle=False)
    print("fit", r(history.history["loss"], 4), r(history.history["accuracy"], 4))
    model.save("spectral.keras")
    reloaded = keras.saving.load_model("spectral.keras")
    print("reloaded", type(reloaded.get_layer("spectrum")).__name__, reloaded.get_layer("spectrum").frame,
          r(reloaded.predict(waves[:3], verbose=0), 4) == r(model.predict(waves[:3], verbose=0), 4))


if __name__ == "__main__":
    main()
