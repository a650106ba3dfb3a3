"""A Keras program, written for Keras 3: layers whose `call` goes through `keras.ops.linalg` and are trained
with `fit`, so the gradients of the decompositions matter: an orthogonal projection built from `qr` of a weight
(sign-fixed), a whitening layer through `cholesky` and `solve_triangular`, a log-determinant penalty added with
`add_loss` from `det` of a small SPD weight, a spectral-norm scaling through `svd` values, and `inv`/`solve` in a
closed-form ridge read-out; gradients are also printed from `keras.ops` directly for `det`, `inv`, `solve`,
`norm(ord='fro')`, `norm(ord='nuc')` and `eigh` values."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


class OrthogonalProjection(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.raw = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="raw")

    def call(self, x):
        q, rr = ops.linalg.qr(self.raw, mode="reduced")
        signs = ops.sign(ops.diagonal(rr))
        return ops.matmul(x, q * signs)


class LogDetPenalty(layers.Layer):
    def build(self, input_shape):
        self.factor = self.add_weight(shape=(input_shape[-1], input_shape[-1]), initializer="identity",
                                      name="factor")

    def call(self, x):
        spd = ops.matmul(self.factor, ops.transpose(self.factor)) + 0.1 * ops.eye(ops.shape(self.factor)[0])
        self.add_loss(0.01 * ops.square(ops.log(ops.linalg.det(spd))))
        chol = ops.linalg.cholesky(spd)
        return ops.transpose(ops.linalg.solve_triangular(chol, ops.transpose(x), lower=True))


class SpectralScale(layers.Layer):
    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], 2), initializer="glorot_uniform", name="kernel")

    def call(self, x):
        top = ops.linalg.svd(self.kernel, compute_uv=False)[0]
        return ops.matmul(x, self.kernel / top)


def main():
    rng = np.random.default_rng(2509)
    a = (rng.normal(size=(3, 3)) + 3 * np.eye(3)).astype("float32")
    b = rng.normal(size=(3, 2)).astype("float32")
    import_grads = []
    for name, fn in [
        ("det", lambda m: ops.linalg.det(m)),
        ("inv", lambda m: ops.sum(ops.multiply(ops.linalg.inv(m), b[:, :1]))),
        ("solve", lambda m: ops.sum(ops.square(ops.linalg.solve(m, b)))),
        ("fro", lambda m: ops.linalg.norm(m, ord="fro")),
        ("nuc", lambda m: ops.linalg.norm(m, ord="nuc")),
        ("two", lambda m: ops.linalg.norm(m, ord=2)),
        ("eigh", lambda m: ops.sum(ops.linalg.eigh(m + ops.transpose(m))[0] * ops.arange(3, dtype="float32"))),
        ("cholesky", lambda m: ops.sum(ops.linalg.cholesky(ops.matmul(m, ops.transpose(m)))))
    ]:
        variable = keras.Variable(a, name=f"m_{name}")
        import_grads.append((name, variable, fn))
    for name, variable, fn in import_grads:
        value = fn(variable.value)
        value.backward()
        print("grad", name, r(value), r(variable.value.grad))

    x = rng.normal(size=(96, 5)).astype("float32")
    y = (np.tanh(x[:, :2].sum(axis=1, keepdims=True)) - 0.5 * x[:, 4:5]).astype("float32")
    inputs = keras.Input((5,))
    h = OrthogonalProjection(3, name="project")(inputs)
    h = LogDetPenalty(name="whiten")(h)
    h = SpectralScale(name="spectral")(h)
    outputs = layers.Dense(1, name="readout")(h)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(8)
    model.set_weights([init.uniform(-0.6, 0.6, w.shape).astype("float32") + (np.eye(*w.shape, dtype="float32")
                       if w.ndim == 2 and w.shape[0] == w.shape[1] else 0) for w in model.get_weights()])
    print("weights", [(w.path, tuple(w.shape)) for w in model.weights])
    print("losses", r(ops.stack(model.losses)) if model.losses else [])
    model(x[:4])
    print("penalty", r(model.losses[0], 6))
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, batch_size=24, epochs=4, verbose=0, shuffle=False)
    print("fit loss", r(history.history["loss"], 5))
    q = ops.linalg.qr(model.get_layer("project").raw)[0]
    print("projection orthonormal", r(ops.matmul(ops.transpose(q), q), 3))
    print("spectral top", r(ops.linalg.svd(model.get_layer("spectral").kernel, compute_uv=False)))
    print("factor", r(model.get_layer("whiten").factor))
    print("evaluate", round(model.evaluate(x, y, verbose=0), 5))

    # closed-form ridge read-out on the trained features
    features = keras.Model(inputs, model.get_layer("spectral").output)(x)
    gram = ops.matmul(ops.transpose(features), features) + 0.5 * ops.eye(2)
    ridge = ops.matmul(ops.linalg.inv(gram), ops.matmul(ops.transpose(features), y))
    print("ridge", r(ridge), "via solve", r(ops.linalg.solve(gram, ops.matmul(ops.transpose(features), y))))
    print("ridge mse", round(float(ops.mean(ops.square(ops.subtract(ops.matmul(features, ridge), y)))), 5))


if __name__ == "__main__":
    main()
