"""A Keras program, written for Keras 3: keras.ops numerics a user reaches for — einsum in its common spellings
(batched matmul, traces, outer products, ellipses), top_k sorted and unsorted, segment_sum / segment_max with
num_segments and unsorted ids, logsumexp over axes with keepdims, cumsum / cumprod with an axis and dtype,
argsort / sort along axes (stable on ties), nn.moments with keepdims and nn.normalize, and ops.linalg (solve,
inv, det, slogdet-free log det through cholesky, qr in both modes, svd values, eigh, norm with ord, lstsq,
solve_triangular, lu_factor). Fixed NumPy inputs, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import ops


def r(value, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits).tolist()


def main():
    rng = np.random.default_rng(1414)
    a = rng.standard_normal((2, 3, 4)).astype("float32")
    b = rng.standard_normal((2, 4, 2)).astype("float32")
    sq = rng.standard_normal((3, 3)).astype("float32")
    print("bmm", r(ops.einsum("bij,bjk->bik", a, b)[1]))
    print("trace/diag", r(ops.einsum("ii", sq)), r(ops.einsum("ii->i", sq)))
    print("outer", r(ops.einsum("i,j->ij", sq[0], sq[1])[0]), "ellipsis", r(ops.einsum("...ij->...ji", a).shape))
    print("sum over", r(ops.einsum("bij->j", a)), r(ops.einsum("bij,bij->b", a, a)))

    scores = np.array([[0.3, 0.9, 0.1, 0.9, 0.5], [2.0, -1.0, 2.5, 0.0, 1.5]], "float32")
    values, indices = ops.top_k(scores, k=3)
    print("top_k", r(values), r(indices))
    values, indices = ops.top_k(scores, k=2, sorted=False)
    print("top_k unsorted", sorted(r(values)[0]), sorted(r(indices)[0]))
    print("in_top_k", r(ops.in_top_k(np.array([1, 3]), scores, 1)))

    data = np.arange(12, dtype="float32").reshape(6, 2)
    ids = np.array([2, 0, 2, 1, 0, 3])
    print("segment_sum", r(ops.segment_sum(data, ids, num_segments=5)))
    print("segment_max", r(ops.segment_max(data, ids, num_segments=4)))
    print("sorted ids", r(ops.segment_sum(data[:, 0], np.array([0, 0, 1, 1, 1, 2]), sorted=True)))

    x = np.array([[1.0, 2.0, 3.0], [-1.0, 100.0, -50.0]], "float32")
    print("logsumexp", r(ops.logsumexp(x)), r(ops.logsumexp(x, axis=1)), r(ops.logsumexp(x, axis=0, keepdims=True)))
    print("cumsum", r(ops.cumsum(a[0], axis=1)[:, -1]), r(ops.cumsum(np.arange(5), dtype="float32")),
          "cumprod", r(ops.cumprod(np.array([[1.0, 2.0], [3.0, 0.5]]), axis=0)))
    ties = np.array([[3, 1, 2, 1, 3], [0, 0, 5, -1, 0]], "int32")
    print("argsort", r(ops.argsort(ties)), r(ops.argsort(ties, axis=0)), r(ops.argsort(ties[0], axis=-1)))
    print("sort", r(ops.sort(scores, axis=0)), r(ops.sort(ties, axis=-1)))

    mean, variance = ops.moments(a, axes=[0, 1])
    print("moments", r(mean), r(variance))
    mean, variance = ops.moments(a, axes=[2], keepdims=True)
    print("moments keepdims", r(mean.shape), r(variance[0, :, 0]))
    print("normalize", r(ops.normalize(sq, axis=-1)[0]), r(ops.normalize(sq, axis=0, order=1)[:, 0]))

    spd = (sq @ sq.T + 3 * np.eye(3)).astype("float32")
    rhs = np.array([[1.0, 0.0], [2.0, 1.0], [0.0, -1.0]], "float32")
    print("solve", r(ops.linalg.solve(spd, rhs)))
    print("inv det", r(ops.linalg.inv(spd)[0]), r(ops.linalg.det(spd)))
    chol = ops.linalg.cholesky(spd)
    print("cholesky", r(chol), "logdet", r(2 * ops.sum(ops.log(ops.diagonal(chol)))))
    q, rr = ops.linalg.qr(a[0].T)
    print("qr reduced", r(q.shape), r(rr.shape), r(ops.abs(ops.diagonal(rr))))
    q, rr = ops.linalg.qr(a[0].T, mode="complete")
    print("qr complete", r(q.shape), r(rr.shape))
    u, s, vh = ops.linalg.svd(a[0], full_matrices=False)
    print("svd", r(s), r(u.shape), r(vh.shape), r(ops.linalg.svd(a[0], compute_uv=False)))
    w, v = ops.linalg.eigh(spd)
    print("eigh", r(w), r(ops.abs(v[:, 0])))
    print("norms", r(ops.linalg.norm(sq)), r(ops.linalg.norm(sq, ord=1)), r(ops.linalg.norm(sq, ord="nuc")),
          r(ops.linalg.norm(sq, ord=np.inf, axis=1)), r(ops.linalg.norm(a, axis=(1, 2))))
    print("lstsq", r(ops.linalg.lstsq(a[0].T, rhs[:, :1].repeat(4, 0)[:4])))
    print("triangular", r(ops.linalg.solve_triangular(chol, rhs, lower=True)))
    lu, pivots = ops.linalg.lu_factor(spd)
    print("lu", r(lu), r(pivots))
