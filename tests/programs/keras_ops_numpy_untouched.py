"""A Keras program, written for Keras 3: keras.ops functions earlier scripts never reached — nancumsum /
nancumprod / nanquantile, percentile with each interpolation method, ptp, the bitwise family and shifts on
signed integers, fmod / mod / floor_divide with negative operands, trunc, i0, sinc, hypot, cbrt, exp2, expm1,
log10, deg2rad / rad2deg, the inverse trigonometric and hyperbolic functions, arctan2 quadrants, the stack and
split helpers (hstack, vstack, dstack, hsplit, vsplit, dsplit), fliplr / flipud, broadcast_to, swapaxes,
amax / amin with axes, isinf / isneginf / isposinf, logical_or / logical_xor / logical_not, complex numbers
(real, imag, conj, angle, isreal, view_as_real / view_as_complex), linalg.eig, pinv, matrix_rank and
cholesky_inverse, and dtypes of the integer results. Fixed NumPy inputs, so real Keras and deepgrad print the
same."""
import numpy as np

import keras
from keras import ops


def r(value, digits=4):
    array = np.asarray(ops.convert_to_numpy(value))
    if array.dtype.kind == "c":
        return [np.round(array.real.astype("float64"), digits).tolist(), np.round(array.imag.astype("float64"),
                                                                                  digits).tolist()]
    if array.dtype.kind == "f":
        return np.round(array.astype("float64"), digits).tolist()
    return array.tolist()


def dt(value):
    return str(ops.convert_to_numpy(value).dtype)


def main():
    rng = np.random.default_rng(1705)
    holes = np.array([[1.0, np.nan, 2.0], [np.nan, 3.0, 0.5]], "float32")
    print("nancumsum", r(ops.nancumsum(holes)), r(ops.nancumsum(holes, axis=1)), r(ops.nancumprod(holes, axis=0)))
    print("nanquantile", r(ops.nanquantile(holes, 0.5)), r(ops.nanquantile(holes, [0.25, 0.75], axis=1)))
    data = np.array([1.0, 7.0, 3.0, 4.0, 10.0, 2.0], "float32")
    for method in ("linear", "lower", "higher", "midpoint", "nearest"):
        print("percentile", method, r(ops.percentile(data, [10.0, 50.0, 90.0], method=method)),
              r(ops.quantile(data, 0.3, method=method)))
    grid = rng.normal(size=(3, 4)).astype("float32")
    print("ptp", r(ops.ptp(grid)), r(ops.ptp(grid, axis=0)), r(ops.ptp(grid, axis=1, keepdims=True)))

    a = np.array([12, -7, 5, 0, -1], "int32")
    b = np.array([10, 3, -3, 7, 2], "int32")
    print("bitwise", r(ops.bitwise_and(a, b)), r(ops.bitwise_or(a, b)), r(ops.bitwise_xor(a, b)),
          r(ops.bitwise_not(a)), r(ops.bitwise_invert(a)))
    print("shifts", r(ops.left_shift(a, 2)), r(ops.right_shift(a, 1)), r(ops.bitwise_left_shift(a, b % 4)),
          r(ops.bitwise_right_shift(a, np.array([1, 1, 0, 2, 3], "int32"))), dt(ops.left_shift(a, 2)))
    print("fmod", r(ops.fmod(a, b)), "mod", r(ops.mod(a, b)), "floor_divide", r(ops.floor_divide(a, b)),
          dt(ops.floor_divide(a, b)))
    x = np.array([-2.7, -0.5, 0.0, 0.5, 2.7], "float32")
    print("float mod", r(ops.mod(x, 1.5)), r(ops.fmod(x, np.float32(-1.5))), r(ops.floor_divide(x, 0.7)),
          r(ops.true_divide(x, 2)))
    print("trunc", r(ops.trunc(x)), "i0", r(ops.i0(x)), "sinc", r(ops.sinc(x)))
    print("hypot", r(ops.hypot(x, 2.0)), "cbrt", r(ops.cbrt(np.array([-8.0, 27.0, 2.0], "float32"))),
          "exp2", r(ops.exp2(x)), "expm1", r(ops.expm1(x * 1e-3), 8), "log10", r(ops.log10(np.abs(x) + 1)))
    print("angles", r(ops.deg2rad(np.array([0.0, 90.0, -180.0], "float32"))), r(ops.rad2deg(x)))
    unit = np.array([-0.9, -0.3, 0.0, 0.4, 0.99], "float32")
    print("inverse trig", r(ops.arcsin(unit)), r(ops.arctan(x)), r(ops.arcsinh(x)), r(ops.arctanh(unit)),
          r(ops.arccosh(np.array([1.0, 2.0, 10.0], "float32"))))
    print("hyperbolic", r(ops.sinh(x)), r(ops.tan(unit)))
    ys = np.array([1.0, 1.0, -1.0, -1.0, 0.0, 0.0], "float32")
    xs = np.array([1.0, -1.0, -1.0, 1.0, -1.0, 1.0], "float32")
    print("arctan2", r(ops.arctan2(ys, xs)), dt(ops.arctan2(np.array([1], "int32"), np.array([2], "int32"))))

    m = np.arange(8, dtype="float32").reshape(2, 4)
    print("hstack", r(ops.hstack([m, m[:, :1]])), "vstack", s(ops.vstack([m, m])), "dstack", s(ops.dstack([m, m])))
    print("hsplit", [s(p) for p in ops.hsplit(m, 2)], "vsplit", [r(p) for p in ops.vsplit(m, 2)],
          "dsplit", [s(p) for p in ops.dsplit(ops.dstack([m, m, m]), 3)])
    print("hsplit indices", [r(p) for p in ops.hsplit(m, [1, 3])])
    print("fliplr", r(ops.fliplr(m)), "flipud", r(ops.flipud(m)))
    print("broadcast_to", s(ops.broadcast_to(m[:1], (3, 4))), r(ops.broadcast_to(np.float32(2.5), (2,))),
          "swapaxes", s(ops.swapaxes(np.zeros((2, 3, 4)), 0, 2)))
    print("amax", r(ops.amax(grid)), r(ops.amax(grid, axis=0)), "amin", r(ops.amin(grid, axis=(0, 1))),
          r(ops.amin(grid, axis=1, keepdims=True)))
    inf = np.array([np.inf, -np.inf, 1.0, np.nan], "float32")
    print("isinf", r(ops.isinf(inf)), r(ops.isneginf(inf)), r(ops.isposinf(inf)), r(ops.isinf(a)))
    p = np.array([True, False, True, False])
    q = np.array([True, True, False, False])
    print("logical", r(ops.logical_or(p, q)), r(ops.logical_xor(p, q)), r(ops.logical_not(p)),
          r(ops.logical_xor(np.array([0.0, 2.0]), np.array([1.0, 3.0]))))

    z = ops.view_as_complex(np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, -1.0]], "float32"))
    print("complex", dt(z), r(ops.real(z)), r(ops.imag(z)), r(ops.conj(z)), r(ops.conjugate(z)))
    print("angle", r(ops.angle(z)), "isreal", r(ops.isreal(z)), r(ops.isreal(np.array([1.0, 2.0]))),
          "view_as_real", r(ops.view_as_real(z * 2)), dt(ops.view_as_real(z)))
    print("real of reals", r(ops.real(np.array([1.5, -2.0], "float32"))))

    sym = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]], "float32")
    values, vectors = ops.eig(sym)
    order = np.argsort(ops.convert_to_numpy(ops.real(values)))
    print("eig", dt(values), r(ops.real(values))[order[0]], r(np.sort(ops.convert_to_numpy(ops.real(values)))))
    rect = rng.normal(size=(4, 3)).astype("float32")
    print("pinv", s(ops.pinv(rect)), r(ops.matmul(ops.pinv(rect), rect)), r(ops.linalg.pinv(rect, rcond=0.5)[0]))
    low = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], "float32")
    print("matrix_rank", r(ops.matrix_rank(low)), r(ops.matrix_rank(sym)), r(ops.matrix_rank(np.stack([low, sym]))),
          r(ops.linalg.matrix_rank(low, tol=10.0)))
    chol = np.linalg.cholesky(sym).astype("float32")
    print("cholesky_inverse", r(ops.cholesky_inverse(chol)), r(ops.cholesky_inverse(chol.T, upper=True)[0]))
    print("logdet", r(ops.logdet(sym)), dt(ops.logdet(sym)))


def s(value):
    return tuple(ops.shape(value))


if __name__ == "__main__":
    main()
