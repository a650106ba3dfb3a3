"""A Keras program, written for Keras 3: Gaussian-process regression written with keras.ops.linalg, as a
probabilistic-modelling tutorial does it — an RBF kernel matrix, cholesky, solve_triangular (lower and upper),
the log marginal likelihood through the Cholesky diagonal and through ops.slogdet, predictive mean and variance, then
the same numbers from solve, inv, lstsq, svd, qr, eigh, lu_factor and det, and kernel hyper-parameters fitted by a
keras.Model whose train_step-free compile/fit minimises the negative log likelihood through add_loss. Real Keras and
deepgrad print the same."""
import numpy as np

import keras
from keras import ops


def rbf(a, b, length, amplitude):
    distance = ops.sum(ops.square(a[:, None, :] - b[None, :, :]), axis=-1)
    return amplitude * ops.exp(-0.5 * distance / ops.square(length))


def show(name, value, digits=4):
    value = np.asarray(ops.convert_to_numpy(value), "float64")
    print(name, value.shape, np.round(value.ravel()[:4], digits).tolist())


class GaussianProcess(keras.layers.Layer):
    """Learns log length-scale, log amplitude and log noise by maximising the marginal likelihood."""

    def __init__(self, x, y, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y = ops.convert_to_tensor(x), ops.convert_to_tensor(y)
        self.log_length = self.add_weight(shape=(), initializer=keras.initializers.Constant(0.5), name="log_length")
        self.log_amp = self.add_weight(shape=(), initializer="zeros", name="log_amp")
        self.log_noise = self.add_weight(shape=(), initializer=keras.initializers.Constant(-1.0), name="log_noise")

    def call(self, dummy):
        n = self.x.shape[0]
        k = rbf(self.x, self.x, ops.exp(self.log_length), ops.exp(self.log_amp))
        k = k + (ops.exp(self.log_noise) + 1e-4) * ops.eye(n)
        chol = ops.linalg.cholesky(k)
        alpha = ops.linalg.solve_triangular(chol, self.y[:, None], lower=True)
        nll = 0.5 * ops.sum(ops.square(alpha)) + ops.sum(ops.log(ops.diagonal(chol)))
        self.add_loss(nll / n)
        return dummy


def main():
    rng = np.random.default_rng(8)
    x = np.sort(rng.uniform(-3, 3, (20, 1)), axis=0).astype("float32")
    y = (np.sin(2 * x[:, 0]) + 0.1 * rng.standard_normal(20)).astype("float32")
    grid = np.linspace(-3, 3, 7).astype("float32")[:, None]

    k = rbf(x, x, 0.8, 1.0) + 0.1 * ops.eye(20)
    chol = ops.linalg.cholesky(k)
    show("cholesky", ops.diagonal(chol))
    lower = ops.linalg.solve_triangular(chol, y[:, None], lower=True)
    alpha = ops.linalg.solve_triangular(ops.transpose(chol), lower, lower=False)
    show("alpha", alpha)
    sign, logdet = ops.slogdet(k)
    print("logdet", round(float(sign), 1), round(float(logdet), 3),
          round(float(2 * ops.sum(ops.log(ops.diagonal(chol)))), 3))
    nll = 0.5 * ops.sum(ops.multiply(y[:, None], alpha)) + 0.5 * logdet + 10 * np.log(2 * np.pi)
    print("nll", round(float(nll), 4))
    cross = rbf(grid, x, 0.8, 1.0)
    mean = ops.matmul(cross, alpha)
    v = ops.linalg.solve_triangular(chol, ops.transpose(cross), lower=True)
    var = 1.0 - ops.sum(ops.square(v), axis=0)
    show("mean", mean[:, 0])
    show("var", var, 5)
    show("solve", ops.linalg.solve(k, y[:, None]))
    show("inv", ops.matmul(ops.linalg.inv(k), y[:, None]))
    show("lstsq", ops.linalg.lstsq(k, y[:, None]))
    u, s, vt = ops.linalg.svd(k)
    show("svd s", s)
    rebuilt = ops.convert_to_numpy(ops.matmul(u * s, vt))
    print("svd rebuild", bool(np.allclose(rebuilt, ops.convert_to_numpy(k), atol=1e-4)))
    q, r = ops.linalg.qr(k)
    show("qr |diag r|", ops.abs(ops.diagonal(r)))
    gram = ops.convert_to_numpy(ops.matmul(ops.transpose(q), q))
    print("q orthogonal", bool(np.allclose(gram, np.eye(20), atol=1e-4)))
    w, _ = ops.linalg.eigh(k)
    show("eigh", w[-4:])
    lu, pivots = ops.linalg.lu_factor(k[:4, :4])
    show("lu", lu)
    print("pivots", ops.convert_to_numpy(pivots).tolist())
    print("det", round(float(ops.linalg.det(k[:3, :3] * 4.0)), 5))
    show("norms", ops.stack([ops.linalg.norm(k), ops.linalg.norm(k, ord=2), ops.linalg.norm(k, ord=1),
                             ops.linalg.norm(y, ord=np.inf)]))

    inputs = keras.Input((1,))
    gp = GaussianProcess(x, y, name="gp")
    model = keras.Model(inputs, gp(inputs))
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    history = model.fit(np.zeros((4, 1), "float32"), epochs=6, batch_size=4, verbose=0)
    print("gp loss", np.round(history.history["loss"], 5).tolist())
    print("gp params", [round(float(ops.convert_to_numpy(w)), 5) for w in gp.weights])
    print("weight paths", [w.path for w in model.weights])
