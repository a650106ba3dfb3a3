"""A Keras program, written for Keras 3: the rarer keras.ops NumPy functions a feature-engineering script
reaches for — histogram with bins and a range, digitize with rising edges, searchsorted on both sides,
correlate in its three modes, vander, trace with offsets and axes, diagflat with k, tri with k, kron,
nan_to_num with its replacement values, cumsum / cumprod with axis None, rot90 with k and axes, select with a
default, slogdet, isclose with equal_nan, logaddexp2, and a few neighbours (heaviside, signbit, ldexp, gcd/lcm,
trapezoid, bincount with weights and minlength, unravel_index, argpartition). Fixed NumPy inputs, so real Keras
and deepgrad print the same."""
import numpy as np

import keras
from keras import ops


def r(value, digits=4):
    array = np.asarray(ops.convert_to_numpy(value))
    if array.dtype.kind in "fc":
        return np.round(array.astype("float64"), digits).tolist()
    return array.tolist()


def dt(value):
    return str(ops.convert_to_numpy(value).dtype)


def main():
    rng = np.random.default_rng(1717)
    samples = rng.normal(0.0, 1.0, 40).astype("float32")
    counts, edges = ops.histogram(samples, bins=5, range=(-2.0, 2.0))
    print("histogram", r(counts), r(edges), dt(counts))
    counts, edges = ops.histogram(samples, bins=4)
    print("histogram auto range", r(counts), r(edges))

    edges = np.array([-1.0, 0.0, 0.5, 2.0], "float32")
    values = np.array([-3.0, -1.0, 0.0, 0.25, 0.5, 1.9, 2.0, 7.0], "float32")
    print("digitize", r(ops.digitize(values, edges)), dt(ops.digitize(values, edges)))
    sorted_seq = np.array([1.0, 2.0, 2.0, 2.0, 5.0], "float32")
    queries = np.array([0.0, 2.0, 3.0, 5.0, 6.0], "float32")
    print("searchsorted left", r(ops.searchsorted(sorted_seq, queries)),
          "right", r(ops.searchsorted(sorted_seq, queries, side="right")))

    a = np.array([1.0, 2.0, 3.0, 0.5], "float32")
    v = np.array([0.0, 1.0, 0.5], "float32")
    for mode in ("valid", "same", "full"):
        print("correlate", mode, r(ops.correlate(a, v, mode=mode)))

    print("vander", r(ops.vander(np.array([1.0, 2.0, 3.0], "float32"))))
    print("vander N=2", r(ops.vander(np.array([2.0, -1.0], "float32"), N=2)))

    cube = np.arange(24, dtype="float32").reshape(2, 3, 4)
    square = np.arange(16, dtype="float32").reshape(4, 4)
    print("trace", r(ops.trace(square)), r(ops.trace(square, offset=1)), r(ops.trace(square, offset=-2)))
    print("trace axes", r(ops.trace(cube, axis1=1, axis2=2)), r(ops.trace(cube, offset=1, axis1=0, axis2=2)))
    print("diagflat", r(ops.diagflat(np.array([[1.0, 2.0], [3.0, 4.0]], "float32"))))
    print("diagflat k", r(ops.diagflat(np.array([5.0, 6.0], "float32"), k=1)),
          r(ops.diagflat(np.array([7.0], "float32"), k=-1)))
    print("tri", r(ops.tri(3)), r(ops.tri(2, 4, k=1)), r(ops.tri(3, k=-1)), dt(ops.tri(2)))
    print("kron", r(ops.kron(np.array([[1.0, 2.0]], "float32"), np.array([[1.0], [10.0]], "float32"))))

    messy = np.array([np.nan, np.inf, -np.inf, 1.5], "float32")
    print("nan_to_num", r(ops.nan_to_num(messy)[:1]), r(ops.nan_to_num(messy, nan=-1.0, posinf=9.0,
                                                                         neginf=-9.0)))
    grid = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "float32")
    print("cumsum None", r(ops.cumsum(grid)), "cumprod None", r(ops.cumprod(grid)))
    print("cumsum axis 0", r(ops.cumsum(grid, axis=0)), "cumprod axis -1", r(ops.cumprod(grid, axis=-1)))
    print("rot90", r(ops.rot90(grid)), r(ops.rot90(grid, k=2)), r(ops.rot90(grid, k=-1)))
    print("rot90 axes", r(ops.rot90(cube, k=1, axes=(1, 2))[0]), r(ops.rot90(cube, axes=(0, 2)).shape))

    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0], "float32")
    chosen = ops.select([x < -1.0, x > 1.0, x == 0.0], [x * 10.0, x * 100.0, x + 42.0], default=-7.0)
    print("select", r(chosen))
    print("select first wins", r(ops.select([x < 1.0, x < 0.0], [ops.ones_like(x), ops.zeros_like(x)])))

    mats = np.array([[[2.0, 1.0], [1.0, 3.0]], [[0.0, 1.0], [2.0, 0.0]], [[1.0, 2.0], [2.0, 4.0]]], "float32")
    sign, logabs = ops.slogdet(mats)
    print("slogdet", r(sign), r(logabs[:2]))
    p = np.array([1.0, np.nan, 1e-9, 100.0], "float32")
    q = np.array([1.0 + 1e-7, np.nan, 0.0, 100.001], "float32")
    print("isclose", r(ops.isclose(p, q)), r(ops.isclose(p, q, equal_nan=True)),
          r(ops.isclose(p, q, rtol=0.0, atol=1e-8)))
    print("logaddexp2", r(ops.logaddexp2(np.array([1.0, 10.0, -3.0], "float32"), np.array([1.0, 0.0, -3.0],
                                                                                         "float32"))))
    print("heaviside", r(ops.heaviside(x, np.float32(0.5))), "signbit", r(ops.signbit(np.array([-0.0, 0.0, -1.0]))))
    print("ldexp", r(ops.ldexp(np.array([1.0, 3.0], "float32"), np.array([3, -1], "int32"))))
    print("gcd lcm", r(ops.gcd(np.array([12, 18, 7]), np.array([8, 24, 0]))),
          r(ops.lcm(np.array([4, 6, 5]), np.array([6, 4, 0]))))
    print("trapezoid", r(ops.trapezoid(np.array([1.0, 2.0, 4.0], "float32"))),
          r(ops.trapezoid(np.array([1.0, 2.0, 4.0], "float32"), dx=0.5)),
          r(ops.trapezoid(grid, x=np.array([0.0, 1.0, 3.0], "float32"), axis=-1)))
    ids = np.array([0, 3, 3, 1, 0, 3], "int32")
    print("bincount", r(ops.bincount(ids)), r(ops.bincount(ids, minlength=6)),
          r(ops.bincount(ids, weights=np.array([0.5, 1.0, 1.0, 2.0, 0.25, -1.0], "float32"))))
    print("unravel_index", r(ops.unravel_index(np.array([0, 5, 11]), (3, 4))))
    ints = np.array([[1, 2], [3, 4]], "int32")
    small = np.array([1, 2, 3], "int8")
    print("int dtypes", dt(ops.trace(ints)), dt(ops.cumsum(small)), dt(ops.cumprod(np.array([True, False]))),
          dt(ops.vander(small)), dt(ops.kron(ints, ints)), dt(ops.nan_to_num(ints)), dt(ops.logaddexp2(ints, ints)),
          dt(ops.correlate(small, small)), dt(ops.diagflat(small)), dt(ops.rot90(ints)), dt(ops.tri(2, dtype="int32")),
          dt(ops.trapezoid(small)), dt(ops.heaviside(ints, ints)), dt(ops.ldexp(ints, ints)))
    print("int values", r(ops.trace(ints, offset=1)), r(ops.cumsum(small)), r(ops.vander(small, N=2)),
          r(ops.correlate(small, small, mode="full")), r(ops.trapezoid(small)), r(ops.logaddexp2(ints, ints)))
    part = ops.argpartition(np.array([5.0, 1.0, 4.0, 2.0, 3.0], "float32"), 2)
    print("argpartition kth", r(part)[2], sorted(r(part)[:2]))


if __name__ == "__main__":
    main()
