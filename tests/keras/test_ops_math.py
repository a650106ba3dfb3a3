"""The NumPy-style keras.ops (math, NaN reductions, quantiles, windows, creation, shapes, products, searching,
bitwise and indexing) against real Keras 3's keras.ops on the torch backend: same values, shapes and dtype kinds,
and the same gradients for the differentiable ones."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(7)
A = RNG.standard_normal((3, 4)).astype(np.float32)
C = RNG.standard_normal((3, 4)).astype(np.float32)
U = (RNG.uniform(-0.9, 0.9, (3, 4))).astype(np.float32)          # inside (-1, 1)
P = np.abs(A) + 1.5                                               # > 1
T3 = RNG.standard_normal((2, 3, 4)).astype(np.float32)
V = np.array([3.0, 1.0, 2.0, 5.0], np.float32)
I = np.array([[1, 4, 2], [3, 0, 6]], np.int32)
J = np.array([[2, 3, 7], [5, 2, 4]], np.int32)
N = np.array([[0.5, np.nan, 2.0, -1.0], [3.0, 0.1, np.nan, -0.7], [np.nan, np.nan, np.nan, np.nan]], np.float32)
N2 = N[:2]
SPECIAL = np.array([1.0, -0.0, 0.0, -2.5, np.inf, -np.inf, np.nan], np.float32)
EMPTY = np.zeros((0, 3), np.float32)
S = np.float32(0.75)
IDX = np.array([[0, 1], [1, 2], [0, 1]])

CASES = {
    # elementwise math
    "arccos": lambda o: o.arccos(U), "arcsin": lambda o: o.arcsin(U), "arctan": lambda o: o.arctan(A),
    "arccosh": lambda o: o.arccosh(P), "arcsinh": lambda o: o.arcsinh(A), "arctanh": lambda o: o.arctanh(U),
    "cosh": lambda o: o.cosh(A), "sinh": lambda o: o.sinh(A), "tan": lambda o: o.tan(U), "tan_ints": lambda o: o.tan(I),
    "cbrt": lambda o: o.cbrt(A * 8), "deg2rad": lambda o: o.deg2rad(I), "rad2deg": lambda o: o.rad2deg(A),
    "erfc": lambda o: o.erfc(A), "erfinv": lambda o: o.erfinv(U), "exp2": lambda o: o.exp2(A),
    "log2": lambda o: o.log2(P), "log10": lambda o: o.log10(I + 1), "fabs": lambda o: o.fabs(I - 3),
    "i0": lambda o: o.i0(A), "i0_scalar": lambda o: o.i0(S),
    "sinc": lambda o: o.sinc(np.array([0.0, 0.5, -1.5], np.float32)),
    "trunc": lambda o: o.trunc(A * 3), "trunc_ints": lambda o: o.trunc(I),
    "signbit": lambda o: o.signbit(SPECIAL[:4]), "isposinf": lambda o: o.isposinf(SPECIAL),
    "isneginf": lambda o: o.isneginf(SPECIAL), "isneginf_ints": lambda o: o.isneginf(I),
    "real": lambda o: o.real(A), "conj": lambda o: o.conj(I), "conjugate": lambda o: o.conjugate(A),
    "angle": lambda o: o.angle(np.array([-1.0, 0.0, 2.0], np.float32)), "angle_ints": lambda o: o.angle(I - 2),
    "isreal": lambda o: o.isreal(A),
    "arctan2": lambda o: o.arctan2(A, C), "arctan2_ints": lambda o: o.arctan2(I, J),
    "hypot": lambda o: o.hypot(A, C), "logaddexp": lambda o: o.logaddexp(A * 30, C),
    "logaddexp2": lambda o: o.logaddexp2(A, I[:1, :1]), "true_divide": lambda o: o.true_divide(I, J),
    "true_divide_scalar": lambda o: o.true_divide(A, 2.0),
    "heaviside": lambda o: o.heaviside(np.array([-1.0, 0.0, 2.0], np.float32), 0.5),
    "nextafter": lambda o: o.nextafter(V, np.flip(V).copy()),
    "ldexp": lambda o: o.ldexp(V, np.array([3, -1, 0, 2], np.int32)),
    "fmax": lambda o: o.fmax(N2, np.nan_to_num(N2, nan=1.0) - 0.5), "fmin": lambda o: o.fmin(A, C),
    "fmax_ints": lambda o: o.fmax(I, J), "fmod": lambda o: o.fmod(A * 3, P), "fmod_ints": lambda o: o.fmod(I - 3, J),
    "isclose": lambda o: o.isclose(A, A + 1e-6), "isclose_nan": lambda o: o.isclose(N2, N2, equal_nan=True),
    "allclose": lambda o: o.allclose(A, A + 1e-7), "allclose_not": lambda o: o.allclose(A, C),
    "logical_xor": lambda o: o.logical_xor(I, J - 2),
    # bitwise and integer
    "bitwise_and": lambda o: o.bitwise_and(I, J), "bitwise_or": lambda o: o.bitwise_or(I, J),
    "bitwise_xor": lambda o: o.bitwise_xor(I, J), "bitwise_not": lambda o: o.bitwise_not(I),
    "bitwise_invert": lambda o: o.bitwise_invert(I > 2), "bitwise_and_bool": lambda o: o.bitwise_and(I > 1, J > 3),
    "left_shift": lambda o: o.left_shift(I, 2), "right_shift": lambda o: o.right_shift(J * 8 - 20, J % 3),
    "bitwise_left_shift": lambda o: o.bitwise_left_shift(I, J % 4),
    "bitwise_right_shift": lambda o: o.bitwise_right_shift(J * 9, 1),
    "gcd": lambda o: o.gcd(I * 6, J * 4), "lcm": lambda o: o.lcm(I, J),
    # reductions
    "amax": lambda o: o.amax(A, axis=1), "amin": lambda o: o.amin(T3, axis=(0, 2), keepdims=True),
    "amax_ints": lambda o: o.amax(I), "amax_0d": lambda o: o.amax(S), "amax_nan": lambda o: o.amax(N, axis=1),
    "ptp": lambda o: o.ptp(A, axis=0), "ptp_ints": lambda o: o.ptp(I),
    "nanmax": lambda o: o.nanmax(N, axis=1), "nanmin": lambda o: o.nanmin(N2),
    "nanmin_ints": lambda o: o.nanmin(I, axis=0),
    "nanargmax": lambda o: o.nanargmax(N, axis=1), "nanargmin": lambda o: o.nanargmin(N2),
    "nanargmax_plain": lambda o: o.nanargmax(A, axis=0),
    "nansum": lambda o: o.nansum(N, axis=0), "nansum_ints": lambda o: o.nansum(I),
    "nansum_empty": lambda o: o.nansum(EMPTY),
    "nanprod": lambda o: o.nanprod(N2, axis=1, keepdims=True), "nanprod_ints": lambda o: o.nanprod(J),
    "nanmean": lambda o: o.nanmean(N, axis=1), "nanmean_ints": lambda o: o.nanmean(I),
    "nanvar": lambda o: o.nanvar(N2, axis=1), "nanstd": lambda o: o.nanstd(N2), "nanvar_ints": lambda o: o.nanvar(I),
    "nancumsum": lambda o: o.nancumsum(N2, axis=1), "nancumsum_flat": lambda o: o.nancumsum(N2),
    "nancumprod": lambda o: o.nancumprod(N2, axis=0), "nancumsum_ints": lambda o: o.nancumsum(I, axis=1),
    # quantiles
    "median": lambda o: o.median(A), "median_axis": lambda o: o.median(T3, axis=1),
    "median_axes_keepdims": lambda o: o.median(T3, axis=(0, 2), keepdims=True), "median_ints": lambda o: o.median(I),
    "median_nan": lambda o: o.median(N, axis=1), "nanmedian": lambda o: o.nanmedian(N2, axis=1),
    "nanmedian_all": lambda o: o.nanmedian(N2),
    "quantile": lambda o: o.quantile(A, 0.3), "quantile_vector": lambda o: o.quantile(T3, np.array([0.1, 0.9]), axis=2),
    "quantile_keepdims": lambda o: o.quantile(A, np.array([0.25, 0.5]), axis=0, keepdims=True),
    "percentile": lambda o: o.percentile(A, 40, axis=1), "nanquantile": lambda o: o.nanquantile(N2, 0.25, axis=1),
    "nanpercentile": lambda o: o.nanpercentile(N2, np.array([10.0, 90.0]), axis=1),
    **{f"quantile_{m}": (lambda m: lambda o: o.quantile(A, 0.4, axis=1, method=m))(m)
       for m in ("lower", "higher", "midpoint", "nearest")},
    # windows and creation
    **{f"{w}_{n}": (lambda w, n: lambda o: getattr(o, w)(n))(w, n)
       for w in ("bartlett", "blackman", "hamming", "hanning") for n in (0, 1, 6, 7)},
    "kaiser": lambda o: o.kaiser(7, 4.0), "kaiser_1": lambda o: o.kaiser(1, 2.0),
    "tri": lambda o: o.tri(3), "tri_rect": lambda o: o.tri(3, 5, k=1, dtype="int32"),
    "vander": lambda o: o.vander(V),
    "vander_ints": lambda o: o.vander(np.array([1, 2, 3], np.int32), N=4, increasing=True),
    "geomspace": lambda o: o.geomspace(1, 1000, 4),
    "geomspace_open": lambda o: o.geomspace(2.0, 32.0, 4, endpoint=False),
    "logspace": lambda o: o.logspace(0, 3, 4), "logspace_base": lambda o: o.logspace(0, 4, 5, base=2, dtype="int32"),
    "meshgrid": lambda o: o.meshgrid(V, V[:3]), "meshgrid_ij": lambda o: o.meshgrid(V, V[:3], V[:2], indexing="ij"),
    "empty_shape": lambda o: o.zeros_like(o.empty((2, 3))), "empty_like": lambda o: o.zeros_like(o.empty_like(I)),
    "array": lambda o: o.array([1, 2]), "array_floats": lambda o: o.array([1.0, 2.5]),
    "array_dtype": lambda o: o.array(V, dtype="float16"), "copy": lambda o: o.copy(A),
    # shapes
    "append": lambda o: o.append(A, C), "append_axis": lambda o: o.append(A, I[:, :1].repeat(4, 1)[:1], axis=0),
    "array_split": lambda o: o.array_split(np.arange(7, dtype=np.float32), 3),
    "array_split_axis": lambda o: o.array_split(T3, 3, axis=2),
    "hsplit": lambda o: o.hsplit(A, 2), "hsplit_indices": lambda o: o.hsplit(A, [1]),
    "hsplit_1d": lambda o: o.hsplit(V, 2),
    "vsplit": lambda o: o.vsplit(T3, 2), "dsplit": lambda o: o.dsplit(T3, 2), "dstack": lambda o: o.dstack([V, V]),
    "dstack_2d": lambda o: o.dstack([A, C]), "fliplr": lambda o: o.fliplr(T3), "flipud": lambda o: o.flipud(V),
    "rot90": lambda o: o.rot90(A), "rot90_k": lambda o: o.rot90(T3, k=-1, axes=(1, 2)),
    "rot90_2": lambda o: o.rot90(A, 2),
    "ravel": lambda o: o.ravel(T3), "ravel_0d": lambda o: o.ravel(S), "diagflat": lambda o: o.diagflat(I, k=1),
    "diff": lambda o: o.diff(A), "diff_2": lambda o: o.diff(T3, n=2, axis=1), "diff_0": lambda o: o.diff(A, n=0),
    "diff_ints": lambda o: o.diff(I, axis=0),
    "view": lambda o: o.view(A, "int32"), "view_same": lambda o: o.view(A), "view_bytes": lambda o: o.view(V, "uint8"),
    # products
    "kron": lambda o: o.kron(A[:2, :2], C[:2, :3]), "kron_ints": lambda o: o.kron(I, J[:1]),
    "inner": lambda o: o.inner(A, C), "inner_1d": lambda o: o.inner(V, V), "inner_0d": lambda o: o.inner(2.0, V),
    "vdot": lambda o: o.vdot(V, V), "tensordot": lambda o: o.tensordot(T3, A, axes=2),
    "tensordot_pairs": lambda o: o.tensordot(T3, A, axes=([1, 2], [0, 1])),
    "tensordot_0": lambda o: o.tensordot(V, V[:2], axes=0),
    "tensordot_1": lambda o: o.tensordot(A, A.T, axes=1),
    "cross": lambda o: o.cross(A[:2, :3], C[:2, :3]), "cross_axis": lambda o: o.cross(A[:3, :2], C[:3, :2], axis=0),
    "correlate": lambda o: o.correlate(V, V[:2]), "correlate_same": lambda o: o.correlate(V, V[:3], mode="same"),
    "correlate_full": lambda o: o.correlate(V, V[:3], mode="full"),
    "correlate_ints": lambda o: o.correlate(I[0], J[0, :2]),
    "corrcoef": lambda o: o.corrcoef(A), "corrcoef_ints": lambda o: o.corrcoef(I),
    "corrcoef_1d": lambda o: o.corrcoef(V),
    "trapezoid": lambda o: o.trapezoid(A),
    "trapezoid_x": lambda o: o.trapezoid(A, x=np.array([0.0, 1.0, 3.0, 3.5], np.float32)),
    "trapezoid_dx": lambda o: o.trapezoid(I, dx=2.0, axis=0),
    # searching and counting
    "searchsorted": lambda o: o.searchsorted(np.sort(V), A),
    "searchsorted_right": lambda o: o.searchsorted(np.sort(V), V, side="right"),
    "digitize": lambda o: o.digitize(A, np.array([-1.0, 0.0, 0.5], np.float32)),
    "digitize_ints": lambda o: o.digitize(I, np.array([1, 3])),
    "bincount": lambda o: o.bincount(np.array([0, 1, 1, 3])),
    "bincount_weights": lambda o: o.bincount(np.array([0, 1, 1, 3]), weights=V, minlength=6),
    "bincount_empty": lambda o: o.bincount(np.array([], np.int32), minlength=3),
    "bincount_int_weights": lambda o: o.bincount(np.array([0, 1, 1, 3]), weights=np.array([1, 2, 3, 4])),
    "histogram": lambda o: o.histogram(V, bins=3),
    "histogram_range": lambda o: o.histogram(A[0], bins=4, range=(-1, 1)),
    "isin": lambda o: o.isin(I, np.array([1, 6])), "isin_invert": lambda o: o.isin(I, np.array([1, 6]), invert=True),
    "isin_floats": lambda o: o.isin(V, np.array([1.0, 5.0], np.float32)),
    "unique": lambda o: o.unique(np.array([3, 1, 1, 2, 7])),
    "unique_returns": lambda o: o.unique(np.array([3, 1, 1, 2], np.int32), return_index=True, return_inverse=True,
                                         return_counts=True),
    "unique_2d_inverse": lambda o: o.unique(np.array([[3, 1], [1, 2]]), return_inverse=True),
    "unique_axis": lambda o: o.unique(np.array([[1, 2], [1, 2], [0, 5]]), axis=0, return_counts=True),
    "unique_size": lambda o: o.unique(np.array([3, 1, 1, 2, 7]), size=6, return_counts=True),
    "unique_size_short": lambda o: o.unique(np.array([3, 1, 1, 2, 7]), size=2),
    "unravel_index": lambda o: o.unravel_index(np.array([1, 5, 7, -1]), (2, 4)),
    "unravel_index_0d": lambda o: o.unravel_index(5, (2, 4)),
    # indexing and choosing
    "get_item": lambda o: o.get_item(o.convert_to_tensor(A), (slice(None), 1)),
    "get_item_int": lambda o: o.get_item(o.convert_to_tensor(T3), 1),
    "slice": lambda o: o.slice(A, (1, 1), (2, 3)), "slice_empty": lambda o: o.slice(A, (1, 0), (0, 2)),
    "slice_update": lambda o: o.slice_update(A, (1, 2), np.ones((2, 2), np.float32)),
    "scatter": lambda o: o.scatter(IDX, V[:3], (2, 3)),
    "scatter_rows": lambda o: o.scatter(np.array([[1]]), V[None, :3], (2, 3)),
    "scatter_ints": lambda o: o.scatter(np.array([[0, 1]]), np.array([4]), (2, 3)),
    "scatter_update": lambda o: o.scatter_update(A[:2, :3], IDX, V[:3]),
    **{f"scatter_update_{r}": (lambda r: lambda o: o.scatter_update(A[:2, :3], IDX, V[:3], reduction=r))(r)
       for r in ("add", "mul", "max", "min")},
    "select": lambda o: o.select([A > 1, A < 0], [A, C * 10], default=-1.0),
    "select_ints": lambda o: o.select([I > 3], [I], default=0),
    "switch": lambda o: o.switch(1, [lambda x: x + 1, lambda x: x * 2], o.convert_to_tensor(A)),
    "switch_clamped": lambda o: o.switch(5, [lambda x: x + 1, lambda x: x * 2], o.convert_to_tensor(A)),
    "switch_negative": lambda o: o.switch(-3, [lambda x: x + 1, lambda x: x * 2], o.convert_to_tensor(A)),
    "saturate_cast_uint8": lambda o: o.saturate_cast(np.array([-1.0, 300.0, 5.7, np.nan], np.float32), "uint8"),
    "saturate_cast_int8": lambda o: o.saturate_cast(np.array([-1000, 300, 5]), "int8"),
    "saturate_cast_float16": lambda o: o.saturate_cast(np.array([1e6, -1e6, 1.5], np.float32), "float16"),
    "saturate_cast_int32": lambda o: o.saturate_cast(np.array([2.7, -2.7, 1e5], np.float32), "int32"),
    "saturate_cast_bool": lambda o: o.saturate_cast(np.array([-300.5, -0.3, 0.0, 0.7, np.nan], np.float32), "bool"),
    # empty and 0-d inputs
    "cbrt_empty": lambda o: o.cbrt(EMPTY), "hypot_0d": lambda o: o.hypot(S, S),
    "append_empty": lambda o: o.append(EMPTY, A[:1, :3], axis=0), "ptp_0d": lambda o: o.ptp(S),
    "nancumsum_empty": lambda o: o.nancumsum(EMPTY), "isin_empty": lambda o: o.isin(EMPTY, V),
    "diff_empty": lambda o: o.diff(EMPTY, axis=0), "searchsorted_0d": lambda o: o.searchsorted(np.sort(V), S),
    "logaddexp_empty": lambda o: o.logaddexp(EMPTY, EMPTY), "median_0d": lambda o: o.median(S),
}


def _arrays(value):
    """A result as a list of NumPy arrays (tuples and lists of tensors flattened in order)."""
    import torch
    if isinstance(value, (tuple, list)):
        return [a for v in value for a in _arrays(v)]
    if isinstance(value, ag.Tensor):
        return [value.numpy()]
    return [value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_matches_keras_ops(name):
    keras = real_keras()
    theirs, mine = _arrays(CASES[name](keras.ops)), _arrays(CASES[name](ours.ops))
    assert len(mine) == len(theirs), (name, len(mine), len(theirs))
    for k, (m, t) in enumerate(zip(mine, theirs)):
        assert m.shape == t.shape, (name, k, m.shape, t.shape)
        assert m.dtype.kind == t.dtype.kind, (name, k, m.dtype, t.dtype)
        np.testing.assert_allclose(m.astype(np.float64), t.astype(np.float64), rtol=2e-5, atol=1e-6,
                                   equal_nan=True, err_msg=f"{name} [{k}]")


# ----- gradients ---------------------------------------------------------------------------------------------------
GRADS = {
    "arccos": (lambda o, x: o.arccos(x), [U]), "arcsin": (lambda o, x: o.arcsin(x), [U]),
    "arctan": (lambda o, x: o.arctan(x), [A]), "arccosh": (lambda o, x: o.arccosh(x), [P]),
    "arcsinh": (lambda o, x: o.arcsinh(x), [A]), "arctanh": (lambda o, x: o.arctanh(x), [U]),
    "cosh_sinh_tan": (lambda o, x: o.cosh(x) + o.sinh(x) + o.tan(x), [U]),
    "cbrt": (lambda o, x: o.cbrt(x), [P]), "deg_rad": (lambda o, x: o.deg2rad(x) * o.rad2deg(x), [A]),
    "erfc_erfinv": (lambda o, x: o.erfc(x) + o.erfinv(x), [U]),
    "exp2_logs": (lambda o, x: o.exp2(x) + o.log2(x) + o.log10(x), [P]),
    "fabs": (lambda o, x: o.fabs(x), [A]), "i0": (lambda o, x: o.i0(x), [A]), "sinc": (lambda o, x: o.sinc(x), [A]),
    "trunc_real_conj": (lambda o, x: o.trunc(x) + o.real(x) * o.conj(x), [A]),
    "arctan2": (lambda o, x, y: o.arctan2(x, y), [A, C]), "hypot": (lambda o, x, y: o.hypot(x, y), [A, C]),
    "logaddexp": (lambda o, x, y: o.logaddexp(x, y), [A, C]),
    "logaddexp2": (lambda o, x, y: o.logaddexp2(x, y), [A, C]),
    "true_divide": (lambda o, x, y: o.true_divide(x, y), [A, P]),
    "fmax_fmin": (lambda o, x, y: o.fmax(x, y) * o.fmin(x, y), [A, C]),
    "fmod": (lambda o, x, y: o.fmod(x, y), [A * 3, P]),
    "ldexp": (lambda o, x: o.ldexp(x, np.array([1, 2, 0, 3], np.int32)), [A]),
    "amax_amin_ptp": (lambda o, x: o.amax(x, axis=1) + o.amin(x, axis=0)[:3] + o.ptp(x), [A]),
    "nan_extremes": (lambda o, x: o.nanmax(x, axis=1) + o.nanmin(x, axis=1), [N2]),
    "nansum_nanprod": (lambda o, x: o.nansum(x, axis=0) + o.nanprod(x, axis=0), [N2]),
    "nanmean_nanvar_nanstd": (lambda o, x: o.nanmean(x, axis=1) + o.nanvar(x, axis=1) + o.nanstd(x), [N2]),
    "nancumsum_nancumprod": (lambda o, x: o.nancumsum(x, axis=1) + o.nancumprod(x, axis=1), [N2]),
    "median_quantile": (lambda o, x: o.median(x, axis=1) + o.quantile(x, 0.3, axis=1) + o.percentile(x, 70, axis=1),
                        [A]),
    "nanmedian_nanquantile": (lambda o, x: o.nanmedian(x, axis=1) + o.nanquantile(x, 0.8, axis=1), [N2]),
    "copy": (lambda o, x: o.copy(x) * x, [V]),
    "meshgrid": (lambda o, x, y: o.meshgrid(x, y)[0] * o.meshgrid(x, y)[1], [V, V[:3] * 2]),
    "append_splits": (lambda o, x, y: o.concatenate(o.array_split(o.append(x, y), 3)), [A, C]),
    "hvd_splits": (lambda o, x: o.hsplit(x, [1])[1] * o.vsplit(x, [1])[1][:, :2].sum() + o.dsplit(x, 2)[0].sum(), [T3]),
    "stack_flip_rot": (lambda o, x: o.dstack([o.fliplr(x), o.flipud(x)]) * 2
                       + o.rot90(o.ravel(x)[None], k=2)[:1, :1], [A]),
    "diagflat_diff": (lambda o, x: o.diff(o.diagflat(x), n=2), [V]),
    "kron_inner_vdot": (lambda o, x, y: o.kron(x, y)[:2] * o.inner(x, y)[0, 0] + o.vdot(o.ravel(x), o.ravel(y)),
                        [A, C]),
    "tensordot": (lambda o, x, y: o.tensordot(x, y, axes=([1, 2], [0, 1])), [T3, A]),
    "cross": (lambda o, x, y: o.cross(x, y), [A[:2, :3], C[:2, :3]]),
    "correlate": (lambda o, x, y: o.correlate(x, y, mode="full"), [V, V[:3] * 0.5]),
    "corrcoef": (lambda o, x: o.corrcoef(x), [A]), "trapezoid": (lambda o, x: o.trapezoid(x, dx=0.5), [A]),
    "get_item_slice": (lambda o, x: o.get_item(x, (slice(None), 1)) + o.slice(x, (0, 1), (3, 1))[:, 0], [A]),
    "slice_update": (lambda o, x, u: o.slice_update(x, (1, 2), u), [A, C[:2, :2]]),
    "scatter": (lambda o, v: o.scatter(IDX, v, (2, 3)), [V[:3]]),
    "scatter_update": (lambda o, x, u: o.scatter_update(x, IDX[:2], u), [A[:2, :3], V[:2]]),
    "select": (lambda o, x, y: o.select([x > 0.5, y < 0], [x, y * 3], default=-1.0), [A, C]),
    "switch": (lambda o, x: o.switch(0, [lambda v: v * v, lambda v: v], x), [A]),
    "saturate_cast": (lambda o, x: o.saturate_cast(x * 1e5, "float16"), [A]),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients_match_keras(name):
    keras = real_keras()
    import torch
    fn, inputs = GRADS[name]
    theirs_in = [torch.tensor(np.ascontiguousarray(x), requires_grad=True) for x in inputs]
    out = fn(keras.ops, *theirs_in)
    cotangent = RNG.standard_normal(tuple(out.shape)).astype(np.float32)
    grads = torch.autograd.grad((out * torch.tensor(cotangent)).nansum(), theirs_in, allow_unused=True)
    mine_in = [ag.tensor(np.ascontiguousarray(x), requires_grad=True) for x in inputs]
    mine = fn(ours.ops, *mine_in)
    assert tuple(mine.shape) == tuple(out.shape), name
    ours.ops.nansum(mine * ag.tensor(cotangent)).backward()
    for k, (t, g) in enumerate(zip(mine_in, grads)):
        expected = np.zeros(t.shape, np.float32) if g is None else g.numpy()
        got = np.zeros(t.shape, np.float32) if t.grad is None else t.grad.numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5, err_msg=f"{name} input {k}")


def test_dtype_and_is_tensor_match_keras():
    keras = real_keras()
    for o in (keras.ops, ours.ops):
        assert o.dtype(o.convert_to_tensor(A)) == "float32"
        assert o.dtype(o.convert_to_tensor(I)) == "int32"
        assert o.dtype(o.convert_to_tensor(I > 1)) == "bool"
        assert o.is_tensor(o.convert_to_tensor(A)) and not o.is_tensor(A) and not o.is_tensor(1.0)


def test_nonzero_gives_numpys_tuple_of_int32_indices():
    # Keras's torch backend stacks them into one (ndim, n) tensor; NumPy, JAX and our x[nonzero(x)] want a tuple
    keras = real_keras()
    mine = ours.ops.nonzero(I)
    assert isinstance(mine, tuple) and all(t.dtype == np.int32 for t in mine)
    np.testing.assert_array_equal(np.stack([t.numpy() for t in mine]), keras.ops.nonzero(I).numpy())
    np.testing.assert_array_equal(ours.ops.get_item(I, mine).numpy(), I[np.nonzero(I)])
    assert [t.shape for t in ours.ops.nonzero(np.zeros((0, 2)))] == [(0,), (0,)]


@pytest.mark.parametrize("kth", [0, 2, -1])
def test_argpartition_partitions_around_kth(kth):
    x = np.array([[3.0, 1.0, 2.0, 5.0, 0.5], [9.0, -1.0, 4.0, 4.0, 2.0]], np.float32)
    index = ours.ops.argpartition(x, kth).numpy()
    assert index.dtype == np.int32
    parted = np.take_along_axis(x, index, axis=-1)
    pivot = np.sort(x, axis=-1)[:, kth]
    k = kth % x.shape[-1]
    np.testing.assert_array_equal(parted[:, k], pivot)
    assert (parted[:, :k] <= pivot[:, None]).all() and (parted[:, k + 1:] >= pivot[:, None]).all()


def test_where_keras_torch_departs_from_numpy_we_follow_numpy():
    # Keras's torch backend refuses or miscomputes these (2-vector and axisc crosses, N-D vdot, decreasing bins,
    # saturating casts near int32's limits or from int32 to float32, keepdims over every axis, correlate when x2
    # is at least as long as x1); NumPy, which Keras documents, gives these values
    np.testing.assert_allclose(ours.ops.cross(A[:2, :2], C[:2, :2]).numpy(), np.cross(A[:2, :2], C[:2, :2]), rtol=1e-5)
    np.testing.assert_allclose(ours.ops.cross(A[:2, :2], C[:2, :3]).numpy(), np.cross(A[:2, :2], C[:2, :3]), rtol=1e-5)
    np.testing.assert_allclose(ours.ops.cross(A[:2, :3], C[:2, :3], axisc=0).numpy(),
                               np.cross(A[:2, :3], C[:2, :3], axisc=0), rtol=1e-5)
    np.testing.assert_allclose(ours.ops.vdot(A, C).numpy(), np.vdot(A, C), rtol=1e-5)
    bins = np.array([3.0, 2.0, 1.0], np.float32)
    x = np.array([0.0, 1.5, 2.0, 3.0, 4.0], np.float32)
    np.testing.assert_array_equal(ours.ops.digitize(x, bins).numpy(), np.digitize(x, bins))
    big = np.array([3e9, -3e9, np.nan, np.inf], np.float32)
    np.testing.assert_array_equal(ours.ops.saturate_cast(big, "int32").numpy(),
                                  [2147483647, -2147483648, 0, 2147483647])
    ints = np.array([-400, 0, 16777216, 2147483647], np.int32)
    np.testing.assert_array_equal(ours.ops.saturate_cast(ints, "float32").numpy(), ints.astype(np.float32))
    np.testing.assert_array_equal(ours.ops.amax(A, keepdims=True).numpy(), np.amax(A, keepdims=True))
    for m, n in ((1, 1), (2, 3), (2, 5), (4, 4)):
        for mode in ("valid", "same"):
            np.testing.assert_allclose(ours.ops.correlate(V[:m], T3.ravel()[:n], mode=mode).numpy(),
                                       np.correlate(V[:m], T3.ravel()[:n], mode), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(ours.ops.bincount(np.array([[0, 1], [1, 3]])).numpy(), [[1, 1, 0, 0], [0, 1, 0, 1]])
    parts = ours.ops.array_split(np.arange(7), [2, 5])
    assert [p.numpy().tolist() for p in parts] == [[0, 1], [2, 3, 4], [5, 6]]
    np.testing.assert_allclose(ours.ops.correlate(V[:2], V).numpy(), np.correlate(V[:2], V), rtol=1e-6)
    np.testing.assert_allclose(ours.ops.correlate(V[:3], V, mode="same").numpy(), np.correlate(V[:3], V, "same"))


def test_gradients_where_keras_torch_gives_none_or_wrong_ones():
    # torch has no derivative for bincount and vander fails in backward; ldexp's torch gradient is 0 for negative
    # exponents (an integer power of 2); scatter_update(add) modifies a saved tensor in place. Ours are exact.
    w = ag.tensor(V, requires_grad=True)
    counts = ours.ops.bincount(np.array([0, 1, 1, 3]), weights=w)
    (counts * ag.tensor(np.array([1.0, 2.0, 3.0, 4.0], np.float32))).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [1.0, 2.0, 2.0, 4.0])
    x = ag.tensor(V, requires_grad=True)
    ours.ops.ldexp(x, np.array([1, -1, -2, 0])).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 0.5, 0.25, 1.0])
    x = ag.tensor(V[:3], requires_grad=True)
    ours.ops.vander(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * V[:3] + 1, rtol=1e-6)
    x, u = ag.tensor(A[:2, :3], requires_grad=True), ag.tensor(V[:3], requires_grad=True)
    ours.ops.scatter_update(x, IDX, u, reduction="add").sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.ones((2, 3)))
    np.testing.assert_allclose(u.grad.numpy(), np.ones(3))


def test_complex_functions_on_real_inputs():
    np.testing.assert_array_equal(ours.ops.real(I).numpy(), I)
    with pytest.raises(TypeError, match="imag.*not a complex dtype"):
        ours.ops.imag(A)


@pytest.mark.parametrize("name", ["real", "imag", "conj", "angle", "isreal", "abs"])
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_functions_match_keras(name, dtype):
    keras = real_keras()
    z = (np.array([[1 + 2j, -3 - 0.5j], [0.25j, 2.0]])).astype(dtype)
    ours_out = ours.ops.convert_to_numpy(getattr(ours.ops, name)(z))
    theirs = keras.ops.convert_to_numpy(getattr(keras.ops, name)(z))
    assert ours_out.dtype == theirs.dtype
    np.testing.assert_allclose(ours_out, theirs, rtol=1e-6)


@pytest.mark.parametrize("call, error, words", [
    (lambda o: o.bitwise_and(A, I[:, :1]), TypeError, "bitwise_and: needs integer"),
    (lambda o: o.left_shift(I, 1.5), TypeError, "left_shift: needs integer"),
    (lambda o: o.gcd(A, A), TypeError, "gcd: needs integer"),
    (lambda o: o.ldexp(V, V), TypeError, "ldexp: the exponent x2 must have an integer dtype"),
    (lambda o: o.fmod(I, I * 0), ZeroDivisionError, "fmod: integer division by zero"),
    (lambda o: o.quantile(A, 0.5, method="cubic"), ValueError, "quantile: method='cubic'"),
    (lambda o: o.percentile(A, 150), ValueError, r"percentile: q must lie in \[0, 1\]"),
    (lambda o: o.fliplr(V), ValueError, "fliplr: needs a tensor of at least 2"),
    (lambda o: o.vsplit(V, 2), ValueError, "vsplit: needs a tensor of at least 2"),
    (lambda o: o.hsplit(A, 3), ValueError, "does not divide into 3 equal parts"),
    (lambda o: o.rot90(A, axes=(1, 1)), ValueError, "rot90: needs two distinct axes"),
    (lambda o: o.searchsorted(A, V), ValueError, "searchsorted: sorted_sequence must be 1-D"),
    (lambda o: o.bincount(np.array([1, -2])), ValueError, "bincount: x must hold non-negative"),
    (lambda o: o.bincount(V), TypeError, "bincount: x must hold integers"),
    (lambda o: o.slice(A, (0, 0), (-1, 2)), ValueError, "slice: the box"),   # past the end is clipped, as Keras
    (lambda o: o.scatter_update(A, IDX, V[:3], reduction="mean"), ValueError, "scatter_update: reduction"),
    (lambda o: o.scatter(np.array([[5, 0]]), V[:1], (2, 3)), IndexError, "scatter: indices out of range"),
    (lambda o: o.correlate(V, V, mode="wide"), ValueError, "correlate: mode"),
    (lambda o: o.correlate(A, V), ValueError, "correlate: needs two non-empty 1-D"),
    (lambda o: o.view(V[:3], "float64"), ValueError, "view: shape"),
    (lambda o: o.hamming(2.5), TypeError, "hamming: the window length must be an integer"),
    (lambda o: o.vander(A), ValueError, "vander: x must be 1-D"),
    (lambda o: o.cross(A, C), ValueError, "cross: axis -1 of x1"),
    (lambda o: o.select([A > 0], [A, C]), ValueError, "select: condlist and choicelist"),
    (lambda o: o.unravel_index(np.array([8]), (2, 4)), ValueError, "unravel_index: indices must lie"),
    (lambda o: o.meshgrid(V, indexing="xyz"), ValueError, "meshgrid: indexing"),
])
def test_bad_input_names_the_op_and_the_fix(call, error, words):
    with pytest.raises(error, match=words):
        call(ours.ops)
