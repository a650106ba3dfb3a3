"""A Keras program, written for Keras 3: the linear algebra of `keras.ops.linalg` as a user prints it while
checking a least-squares fit: `qr` in both modes, `svd` (values only and full), `eigh` of a covariance, `cholesky`,
`inv`, `det` (of one matrix and of a batch), `solve`, `solve_triangular`, `lu_factor`, `lstsq`, `norm` with every
matrix and vector `ord` and with axes, and a Dense layer (named "fit", which must not hide `model.fit`) whose
kernel is set from the closed-form solution, then fine-tuned with `fit`. Values are printed rounded, as sign-free invariants where a
decomposition's signs are not unique."""
import numpy as np

import keras
from keras import ops


def r(value, digits=4):
    return (np.round(ops.convert_to_numpy(value).astype("float64"), digits) + 0.0).tolist()


def main():
    rng = np.random.default_rng(2501)
    a = rng.normal(size=(5, 3)).astype("float32")
    sq = (a.T @ a + 0.5 * np.eye(3)).astype("float32")
    b = rng.normal(size=(3, 2)).astype("float32")

    q, rr = ops.linalg.qr(a, mode="reduced")
    print("qr reduced shapes", tuple(q.shape), tuple(rr.shape))
    print("qr |diag r|", r(ops.abs(ops.diagonal(rr))))
    print("qr q^T q", r(ops.matmul(ops.transpose(q), q), 3))
    print("qr rebuilt", r(ops.matmul(q, rr) - a, 3))
    q2, r2 = ops.linalg.qr(a, mode="complete")
    print("qr complete shapes", tuple(q2.shape), tuple(r2.shape))

    s = ops.linalg.svd(a, compute_uv=False)
    print("svd values", r(s))
    u, s2, vt = ops.linalg.svd(a, full_matrices=False)
    print("svd shapes", tuple(u.shape), tuple(s2.shape), tuple(vt.shape))
    print("svd rebuilt", r(ops.matmul(u * s2, vt) - a, 3))

    w, v = ops.linalg.eigh(sq)
    print("eigh values", r(w))
    print("eigh |v| first column sum", r(ops.sum(ops.abs(v), axis=0)))
    print("eigvalsh", r(ops.linalg.eigh(sq)[0] - ops.sort(ops.linalg.svd(sq, compute_uv=False))))

    chol = ops.linalg.cholesky(sq)
    print("cholesky", r(chol))
    print("inv", r(ops.linalg.inv(sq)))
    print("det", r(ops.linalg.det(sq)))
    batch = np.stack([sq, 2 * sq, sq + np.eye(3, dtype="float32")])
    print("batched det", r(ops.linalg.det(batch), 3))
    print("solve", r(ops.linalg.solve(sq, b)))
    print("solve_triangular lower", r(ops.linalg.solve_triangular(chol, b, lower=True)))
    print("solve_triangular upper", r(ops.linalg.solve_triangular(ops.transpose(chol), b, lower=False)))
    lu, piv = ops.linalg.lu_factor(sq)
    print("lu_factor", r(lu), ops.convert_to_numpy(piv).tolist(), str(ops.convert_to_numpy(piv).dtype))
    print("lstsq", r(ops.linalg.lstsq(a, a @ b[:, :1] + 0.01)))

    for ord_ in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        print("matrix norm", ord_, r(ops.linalg.norm(sq, ord=ord_, axis=(0, 1))))
    vec = rng.normal(size=(4, 3)).astype("float32")
    for ord_ in (None, 0, 1, 2, 3.5, np.inf, -np.inf):
        print("vector norm", ord_, r(ops.linalg.norm(vec, ord=ord_, axis=1)))
    print("norm keepdims", r(ops.linalg.norm(vec, axis=0, keepdims=True)))
    print("norm whole", r(ops.linalg.norm(vec)))

    # least squares, then a Dense layer started at the closed-form answer and fine-tuned
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x @ np.array([[1.5], [-2.0], [0.5]], "float32") + 0.3
         + 0.05 * rng.normal(size=(64, 1))).astype("float32")
    design = np.concatenate([x, np.ones((64, 1), "float32")], axis=1)
    gram = ops.matmul(ops.transpose(design), design)
    coef = ops.linalg.solve(gram, ops.matmul(ops.transpose(design), y))
    print("closed form", r(coef))
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, name="fit")])
    model.set_weights([ops.convert_to_numpy(coef[:3]) + 0.2, ops.convert_to_numpy(coef[3]) - 0.1])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False)
    print("losses", r(history.history["loss"], 5))
    print("mae", r(history.history["mae"], 5))
    print("fine-tuned", r(model.get_weights()[0].ravel()), r(model.get_weights()[1]))
    print("evaluate", r(model.evaluate(x, y, verbose=0), 5))


if __name__ == "__main__":
    main()
