"""A Keras program, written for Keras 3: rarely printed NumPy-style `keras.ops` (`histogram`, `digitize`,
`searchsorted` both sides, `correlate` in every mode, `diff` with `n=2`, `nan_to_num` with bounds, `slogdet`,
`linalg.lstsq` and `linalg.norm(ord=)`, `fft2`/`ifft2`, `rfft`/`irfft`, `cumprod`, `kron`, `trace` with offsets,
`vander` products) on seeded data; then a layer computing
features from `ops.sort`, `ops.top_k`, `ops.logsumexp` and `ops.einsum` trained in a model and saved."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


@keras.saving.register_keras_serializable(package="r28")
class OrderFeatures(layers.Layer):
    """Sorted values, the top two, a log-sum-exp and a learned bilinear form of each row."""

    def build(self, input_shape):
        self.form = self.add_weight(shape=(input_shape[-1], input_shape[-1]), initializer="glorot_uniform",
                                    name="form")

    def call(self, x):
        ordered = ops.sort(x, axis=-1)
        top, _ = ops.top_k(x, 2)
        spread = ops.logsumexp(x, axis=-1, keepdims=True)
        bilinear = ops.einsum("bi,ij,bj->b", x, self.form, x)[:, None]
        return ops.concatenate([ordered, top, spread, bilinear], axis=-1)


def main():
    rng = np.random.default_rng(2809)
    values = rng.normal(size=40).astype("float32")
    counts, edges = ops.histogram(values, bins=5, range=(-2.0, 2.0))
    print("histogram", r(counts), r(edges))
    bins = np.array([-1.0, 0.0, 0.5, 1.5], "float32")
    print("digitize", r(ops.digitize(values[:8], bins)))
    ordered = np.sort(values[:10])
    print("searchsorted", r(ops.searchsorted(ordered, np.array([-0.5, 0.0, 0.7], "float32"), side="left")),
          r(ops.searchsorted(ordered, ordered[[2, 5]], side="right")))
    a = np.array([1.0, 2.0, 3.0, 0.5], "float32")
    v = np.array([0.0, 1.0, 0.5], "float32")
    for mode in ["valid", "same", "full"]:
        print("correlate", mode, r(ops.correlate(a, v, mode=mode)))
    print("diff", r(ops.diff(values[:6], n=2)), r(ops.diff(values[:6].reshape(2, 3), axis=0)))
    dirty = np.array([np.nan, np.inf, -np.inf, 1.5], "float32")
    print("nan_to_num", r(ops.nan_to_num(dirty, nan=-1.0, posinf=9.0, neginf=-9.0)))
    square = rng.normal(size=(2, 3, 3)).astype("float32")
    sign, logdet = ops.slogdet(square)
    print("slogdet", r(sign), r(logdet))
    tall = rng.normal(size=(6, 3)).astype("float32")
    rhs = rng.normal(size=(6, 2)).astype("float32")
    print("lstsq", r(ops.linalg.lstsq(tall, rhs), 3))
    print("norms", r(ops.linalg.norm(square[0], ord="fro")), r(ops.linalg.norm(square[0], ord=1)),
          r(ops.linalg.norm(values[:5], ord=np.inf)))
    real, imag = ops.fft2((square, np.zeros_like(square)))
    print("fft2", r(real[0, 0]), r(imag[0, 1]))
    back, _ = ops.ifft2((real, imag))
    print("ifft2 round trip", bool(np.allclose(ops.convert_to_numpy(back), square, atol=1e-5)))
    spectrum = ops.rfft(values[:8])
    print("rfft", r(spectrum[0]), "irfft", r(ops.irfft(spectrum)))
    print("cumprod", r(ops.cumprod(a)), "kron", r(ops.kron(a[:2], v[1:])))
    print("trace", r(ops.trace(square[0])), r(ops.trace(square, offset=1, axis1=1, axis2=2)))
    print("vander", r(ops.vander(np.array([1.0, 2.0, 0.5], "float32"), 3) @ np.array([1.0, -2.0, 0.5], "float32")))

    keras.utils.set_random_seed(2809)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = (np.max(x, axis=1) - np.min(x, axis=1))[:, None].astype("float32")
    model = keras.Sequential([keras.Input((4,)), OrderFeatures(name="order"), layers.Dense(1, name="out")],
                             name="order_net")
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=4, verbose=0, shuffle=False)
    print("losses", [round(v, 4) for v in history.history["loss"]])
    print("features", r(model.get_layer("order")(x[:2])))
    model.save("order.keras")
    again = keras.saving.load_model("order.keras")
    print("reloaded", r(again.predict(x[:3], verbose=0)[:, 0]), r(model.predict(x[:3], verbose=0)[:, 0]))


if __name__ == "__main__":
    main()
