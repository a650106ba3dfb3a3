"""A Keras program, written for Keras 3: keras.ops.linalg used for small numerical jobs: QR in reduced and
complete modes, SVD with and without full matrices and singular values only, eigh on a symmetric matrix, eig's
eigenvalues, solve_triangular lower and upper, cholesky and cholesky-based solves, lstsq with rcond, inv, det,
slogdet and logdet, and norm with every ord for vectors and matrices, over batched inputs; decompositions are
checked by reconstruction and printed up to sign. The inputs are fixed NumPy arrays, so real Keras and deepgrad
print the same numbers."""
import numpy as np

import keras
from keras import ops


def fmt(a, digits=5):
    return np.round(ops.convert_to_numpy(a).astype("float64"), digits).tolist()


def main():
    rng = np.random.default_rng(31)
    a = rng.normal(size=(2, 4, 3)).astype("float32")
    q, r = ops.linalg.qr(a)
    print("qr reduced", tuple(q.shape), tuple(r.shape), np.allclose(ops.convert_to_numpy(ops.matmul(q, r)), a,
                                                                     atol=1e-5))
    print("qr r diag abs", fmt(ops.abs(ops.diagonal(r, axis1=-2, axis2=-1))))
    qc, rc = ops.linalg.qr(a, mode="complete")
    print("qr complete", tuple(qc.shape), tuple(rc.shape), fmt(ops.abs(rc[0, 3])))
    orth = ops.matmul(ops.transpose(qc, (0, 2, 1)), qc)
    print("q orthonormal", np.allclose(ops.convert_to_numpy(orth), np.eye(4), atol=1e-5))

    u, s, vt = ops.linalg.svd(a, full_matrices=False)
    print("svd reduced", tuple(u.shape), tuple(s.shape), tuple(vt.shape), fmt(s))
    back = ops.matmul(u * s[:, None, :], vt)
    print("svd rebuilt", np.allclose(ops.convert_to_numpy(back), a, atol=1e-5))
    uf, sf, vtf = ops.linalg.svd(a)
    print("svd full", tuple(uf.shape), tuple(vtf.shape), "values only", fmt(ops.linalg.svd(a, compute_uv=False)))

    m = rng.normal(size=(3, 3)).astype("float32")
    sym = (m + m.T) / 2 + 3 * np.eye(3, dtype="float32")
    w, v = ops.linalg.eigh(sym)
    print("eigh values", fmt(w), "vector abs", fmt(ops.abs(v[:, 0]), 4))
    ew, _ = ops.linalg.eig(np.array([[2.0, 1.0], [0.0, 3.0]], "float32"))
    print("eig values", sorted(np.round(np.real(ops.convert_to_numpy(ew)), 5).tolist()))

    lower = np.tril(rng.normal(size=(3, 3))).astype("float32") + 2 * np.eye(3, dtype="float32")
    rhs = rng.normal(size=(3, 2)).astype("float32")
    print("solve lower", fmt(ops.linalg.solve_triangular(lower, rhs, lower=True)))
    print("solve upper", fmt(ops.linalg.solve_triangular(lower.T, rhs, lower=False)))
    spd = sym @ sym.T
    chol = ops.linalg.cholesky(spd)
    print("cholesky", fmt(chol, 4))
    y = ops.linalg.solve_triangular(chol, rhs, lower=True)
    x = ops.linalg.solve_triangular(ops.transpose(chol), y, lower=False)
    print("cholesky solve", np.allclose(ops.convert_to_numpy(x), np.linalg.solve(spd, rhs), atol=1e-4),
          fmt(ops.linalg.solve(spd, rhs), 4))

    design = np.stack([np.ones(6), np.arange(6), np.arange(6) ** 2], axis=1).astype("float32")
    target = (1.0 + 0.5 * np.arange(6) - 0.1 * np.arange(6) ** 2 + 0.01 * rng.normal(size=6)).astype("float32")
    print("lstsq", fmt(ops.linalg.lstsq(design, target), 4))
    print("lstsq matrix rhs", tuple(ops.linalg.lstsq(design, np.stack([target, 2 * target], 1)).shape))

    print("inv", fmt(ops.linalg.inv(lower), 4))
    print("det", fmt(ops.linalg.det(a[:, :3, :3]), 4), "logdet", fmt(ops.logdet(spd), 4))
    sign, logabs = ops.slogdet(np.stack([m, -m, lower]))
    print("slogdet", fmt(sign), fmt(logabs, 4))

    vec = np.array([3.0, -4.0, 0.0, 1.0], "float32")
    for order in [None, 1, 2, np.inf, -np.inf, 0, 3]:
        print("vector norm", order, fmt(ops.linalg.norm(vec, ord=order), 4))
    mat = a[0, :3, :3]
    for order in [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]:
        print("matrix norm", order, fmt(ops.linalg.norm(mat, ord=order), 4))
    print("batched norms", fmt(ops.linalg.norm(a, axis=(-2, -1)), 4), fmt(ops.linalg.norm(a, axis=-1, keepdims=True)
                                                                         [0, :, 0], 4))


if __name__ == "__main__":
    main()
