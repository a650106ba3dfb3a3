"""The numba device's kernels agree with the NumPy kernels they replace; its cache-folder fallback works.

Only kernels the numba device actually overrides are compared (the others are the NumPy ones).
Grids stay small: each dtype is one Numba compilation per kernel (cached on disk afterwards).
"""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import pytest

numba = pytest.importorskip("numba")

from backends.numba_backend import NumbaBackend  # noqa: E402
from backends.numba_kernels import cache_dir, vecmath  # noqa: E402
from backends.numpy_backend import NumpyBackend  # noqa: E402

NB, NP = NumbaBackend(), NumpyBackend()
DTYPES = [np.float32, np.float64]
RTOL = {np.float32: 1e-5, np.float64: 1e-12}


def overridden(method):
    return method in NumbaBackend.__dict__


def needs(method):
    return pytest.mark.skipif(not overridden(method), reason=f"numba device keeps the NumPy {method}")


def randn(rng, shape, dtype, scale=1.0):
    return (scale * rng.standard_normal(shape)).astype(dtype)


def assert_same(ours, reference, dtype, scale=1.0):
    """Equal dtype and shape, values within float rounding (absolute part scaled to the values' size)."""
    ours, reference = np.asarray(ours), np.asarray(reference)
    assert ours.dtype == reference.dtype == np.dtype(dtype)
    assert ours.shape == reference.shape
    np.testing.assert_allclose(ours, reference, rtol=RTOL[dtype], atol=RTOL[dtype] * scale)


# ----- pooling ---------------------------------------------------------------------------------------
# (H, W, kernel, stride, padding, dilation, ceil_mode): overlapping windows accumulate
POOL_CASES = [
    ((8, 8), (2, 2), (2, 2), (0, 0), (1, 1), False),
    ((7, 9), (3, 3), (2, 2), (1, 1), (1, 1), True),
    ((9, 6), (3, 2), (1, 1), (1, 0), (2, 1), False),
]


@needs("max_pool2d_grad")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", POOL_CASES)
def test_max_pool_grad_matches_numpy(case, dtype):
    size, k, s, p, d, ceil = case
    rng = np.random.default_rng(3)
    x = randn(rng, (2, 3) + size, dtype)
    y, argmax = NP.max_pool2d(x, k, s, p, d, ceil)
    gy = randn(rng, y.shape, dtype)
    assert_same(NB.max_pool2d_grad(gy, argmax, x.shape), NP.max_pool2d_grad(gy, argmax, x.shape), dtype)


@needs("max_pool2d")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size", [(10, 10), (11, 10), (28, 28), (10, 11), (6, 40)])
def test_max_pool_2x2_matches_numpy_with_ties_and_nans(size, dtype):
    """Both 2x2 kernels (rows under SHORT_ROW windows and the rest; odd sizes drop their last row or
    column) give NumPy's values and argmax: ties keep the first element, a NaN wins, the last NaN most."""
    rng = np.random.default_rng(4)
    x = np.round(randn(rng, (2, 3) + size, dtype))        # rounded: many ties inside windows
    x[0, 0, 0, 1] = x[1, 2, 3, 3] = x[1, 2, 3, 2] = x[0, 1, 5, 5] = x[0, 1, 4, 4] = np.nan
    ours, reference = NB.max_pool2d(x, (2, 2), (2, 2), (0, 0), (1, 1), False), NP.max_pool2d(x, (2, 2), (2, 2),
                                                                                         (0, 0), (1, 1), False)
    np.testing.assert_array_equal(ours[0], reference[0])
    np.testing.assert_array_equal(ours[1], reference[1])


@needs("max_pool2d_grad")
def test_max_pool_grad_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="max_pool2d_grad"):
        NB.max_pool2d_grad(np.zeros((1, 2, 3, 3), np.float32), np.zeros((1, 2, 3, 2), np.int64), (1, 2, 6, 6))


# ----- scatter ---------------------------------------------------------------------------------------
@needs("index_add")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(7,), (6, 40), (5, 3, 2)])
def test_index_add_and_scatter_add_accumulate_repeats_like_numpy(shape, dtype):
    rng = np.random.default_rng(5)
    index = np.array([0, 3, 3, -1, shape[0] - 1, 0, 2, 3])
    src = randn(rng, index.shape + shape[1:], dtype)
    for method in ("index_add", "scatter_add"):
        out, ref = randn(rng, shape, dtype), None
        ref = out.copy()
        getattr(NB, method)(out, index, src)
        getattr(NP, method)(ref, index, src)
        assert_same(out, ref, dtype)


@needs("index_add")
def test_index_add_rejects_out_of_range_and_scatter_add_falls_back_for_other_indices():
    out = np.zeros((4, 3), np.float32)
    with pytest.raises(IndexError, match=r"index 4 .*size 4"):
        NB.index_add(out, np.array([1, 4]), np.ones((2, 3), np.float32))
    for index, src in (((np.array([0, 0, 2]), np.array([1, 1, 0])), np.ones(3, np.float32)),   # a tuple
                       (np.array([True, False, True, False]), np.ones((2, 3), np.float32)),     # a mask
                       (np.array([1, 1]), np.float32(2.0))):                          # a broadcast src
        ours, ref = np.zeros((4, 3), np.float32), np.zeros((4, 3), np.float32)
        NB.scatter_add(ours, index, src)
        NP.scatter_add(ref, index, src)
        np.testing.assert_array_equal(ours, ref)


# ----- activations -----------------------------------------------------------------------------------
@needs("act_forward")
@pytest.mark.parametrize("dtype", DTYPES)
def test_activations_forward_and_backward_match_numpy(dtype):
    from backends.base import ACTIVATIONS
    rng = np.random.default_rng(6)
    special = [0.0, -0.0, 1e-6, -1e-6, 2.0, -2.0, 5.9, 6.1, 25.0, -25.0, 90.0, -90.0, np.nan]
    x = np.concatenate([randn(rng, 56, dtype, 3.0), np.array(special, dtype)]).reshape(3, 23)
    gy = randn(rng, x.shape, dtype)
    for name in ACTIVATIONS:
        with np.errstate(invalid="ignore"):     # NumPy warns about the NaN input; Numba does not
            y_ref = NP.act_forward(name, x)
        y = NB.act_forward(name, x)
        assert_same(y, y_ref, dtype, scale=4)
        for given_y in (y, None):    # None: the kernel recomputes what it needs
            with np.errstate(invalid="ignore"):
                ref = NP.act_backward(name, x, given_y, gy)
            assert_same(NB.act_backward(name, x, given_y, gy), ref, dtype, scale=4)


@numba.njit
def _vecmath_apply(x, out):
    for k in range(x.size):
        out[0, k] = vecmath.vexp(x[k])
        out[1, k] = vecmath.vtanh(x[k])
        out[2, k] = vecmath.vsigmoid(x[k])


@pytest.mark.parametrize("dtype", DTYPES)
def test_vectorised_exp_tanh_sigmoid_are_within_a_few_ulp(dtype):
    rng = np.random.default_rng(7)
    lowest = {np.float32: -103.0, np.float64: -745.0}[dtype]
    x = np.concatenate([rng.standard_normal(2000) * s for s in (1e-9, 1e-3, 0.3, 2.0, 20.0, 300.0)]
                       + [np.linspace(lowest, 88.0, 2000)]).astype(dtype)
    out = np.empty((3, x.size), dtype)
    _vecmath_apply(x, out)
    exact = x.astype(np.float64)   # float64 references, rounded once to dtype
    with np.errstate(over="ignore"):
        expected = [np.exp(exact), np.tanh(exact), 1.0 / (1.0 + np.exp(-exact))]
    for got, want, ulps in zip(out, expected, (2, 3, 3)):
        with np.errstate(over="ignore"):
            want = want.astype(dtype)
        spacing = np.spacing(np.maximum(np.abs(want), np.finfo(dtype).tiny))
        normal = np.abs(want) >= np.finfo(dtype).tiny    # subnormal results may flush differently
        with np.errstate(invalid="ignore"):                # inf - inf where both overflowed
            assert np.all((got == want) | (np.abs(got - want) <= ulps * spacing) | ~normal)
    special = np.array([np.nan, np.inf, -np.inf, 1000.0, -1000.0, -0.0, 0.0], dtype)
    out = np.empty((3, special.size), dtype)
    _vecmath_apply(special, out)
    np.testing.assert_array_equal(out[0], [np.nan, np.inf, 0.0, np.inf, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(out[1], [np.nan, 1.0, -1.0, 1.0, -1.0, -0.0, 0.0])
    assert np.signbit(out[1, 5]) and not np.signbit(out[1, 6])
    np.testing.assert_array_equal(out[2], [np.nan, 1.0, 0.0, 1.0, 0.0, 0.5, 0.5])


@numba.njit
def _expm1_apply(x, out):
    for k in range(x.size):
        out[k] = vecmath.vexpm1(x[k])


def test_vectorised_expm1_is_accurate_near_zero():
    x = np.concatenate([np.geomspace(1e-300, 700.0, 3000), -np.geomspace(1e-300, 700.0, 3000)])
    out = np.empty_like(x)
    _expm1_apply(x, out)
    want = np.expm1(x)
    assert np.all(np.abs(out - want) <= 2 * np.spacing(np.abs(want)))


# ----- softmax family --------------------------------------------------------------------------------
@needs("softmax")
@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_and_log_softmax_match_numpy(dtype):
    rng = np.random.default_rng(8)
    x = randn(rng, (3, 4, 7), dtype, 5.0)
    x[0, 0] = [1000.0, -1000.0, 0.0, 999.0, 3.0, -3.0, 1000.0]   # extreme logits stay finite
    gy = randn(rng, x.shape, dtype)
    for axis in (-1, 2, 1):   # axis 1 goes to the NumPy kernel
        y = NB.softmax(x, axis)
        assert_same(y, NP.softmax(x, axis), dtype)
        assert_same(NB.softmax_grad(y, gy, axis), NP.softmax_grad(y, gy, axis), dtype)
        ly = NB.log_softmax(x, axis)
        assert_same(ly, NP.log_softmax(x, axis), dtype, scale=2000)
        assert_same(NB.log_softmax_grad(ly, gy, axis), NP.log_softmax_grad(ly, gy, axis), dtype)


@needs("cross_entropy")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_and_grad_match_numpy(smoothing, dtype):
    rng = np.random.default_rng(9)
    logits = randn(rng, (9, 5), dtype, 3.0)
    logits[1] = [500.0, -500.0, 0.0, 1.0, 2.0]
    target = rng.integers(0, 5, 9)
    target[2] = -100
    loss, logp = NB.cross_entropy(logits, target, -100, smoothing)
    loss_ref, logp_ref = NP.cross_entropy(logits, target, -100, smoothing)
    assert_same(loss, loss_ref, dtype, scale=500)
    assert_same(logp, logp_ref, dtype, scale=1000)
    assert loss[2] == 0
    gloss = randn(rng, 9, dtype)
    assert_same(NB.cross_entropy_grad(logp, target, gloss, -100, smoothing),
                NP.cross_entropy_grad(logp_ref, target, gloss, -100, smoothing), dtype)


@needs("cross_entropy")
def test_cross_entropy_and_grad_reject_targets_out_of_range():
    with pytest.raises(IndexError, match=r"cross_entropy: target class 3 .*\[0, 3\)"):
        NB.cross_entropy(np.zeros((2, 3), np.float32), np.array([1, 3]), -100, 0.0)
    with pytest.raises(IndexError, match=r"cross_entropy_grad: target class -2 "):
        NB.cross_entropy_grad(np.zeros((2, 3), np.float32), np.array([-2, 0]), np.ones(2, np.float32),
                              -100, 0.0)
    with pytest.raises(ValueError, match=r"cross_entropy: target must be an integer array of shape \(2,\)"):
        NB.cross_entropy(np.zeros((2, 3), np.float32), np.array([1, 2, 0]), -100, 0.0)


# ----- recurrent cells -------------------------------------------------------------------------------
@needs("lstm_cell")
@pytest.mark.parametrize("dtype", DTYPES)
def test_lstm_cell_and_grad_match_numpy(dtype):
    rng = np.random.default_rng(10)
    batch, hidden = 3, 7
    gates, c_prev = randn(rng, (batch, 4 * hidden), dtype, 2.0), randn(rng, (batch, hidden), dtype)
    gh, gc = randn(rng, (batch, hidden), dtype), randn(rng, (batch, hidden), dtype)
    h, c, cache = NB.lstm_cell(gates, c_prev)
    h_ref, c_ref, cache_ref = NP.lstm_cell(gates, c_prev)
    assert_same(h, h_ref, dtype)
    assert_same(c, c_ref, dtype)
    for gh_, gc_ in ((gh, gc), (None, gc), (gh, None)):      # None: no gradient reaches that output
        ours = NB.lstm_cell_grad(cache, c_prev, gh_, gc_)
        for a, b in zip(ours, NP.lstm_cell_grad(cache_ref, c_prev, gh_, gc_)):
            assert_same(a, b, dtype)


@needs("gru_cell")
@pytest.mark.parametrize("dtype", DTYPES)
def test_gru_cell_and_grad_match_numpy(dtype):
    rng = np.random.default_rng(11)
    batch, hidden = 3, 7
    gi, gh = randn(rng, (batch, 3 * hidden), dtype, 2.0), randn(rng, (batch, 3 * hidden), dtype, 2.0)
    h_prev, gout = randn(rng, (batch, hidden), dtype), randn(rng, (batch, hidden), dtype)
    h, cache = NB.gru_cell(gi, gh, h_prev)
    h_ref, cache_ref = NP.gru_cell(gi, gh, h_prev)
    assert_same(h, h_ref, dtype)
    for ours, ref in zip(NB.gru_cell_grad(cache, h_prev, gout), NP.gru_cell_grad(cache_ref, h_prev, gout)):
        assert_same(ours, ref, dtype)


# (the fused optimiser updates are compared with nn.optim's formulas in tests/nn/test_optim_updates.py)


# ----- cache folder ----------------------------------------------------------------------------------
def test_cache_dir_stays_default_when_kernel_folder_writable_or_user_chose(tmp_path):
    assert cache_dir.choose_cache_dir(str(tmp_path), {}) is None
    assert (tmp_path / "__pycache__").is_dir()
    blocked = tmp_path / "a_file"
    blocked.write_text("")
    assert cache_dir.choose_cache_dir(str(blocked / "pkg"), {"NUMBA_CACHE_DIR": "/mine"}) is None


def test_cache_dir_falls_back_to_user_cache_when_kernel_folder_read_only(tmp_path):
    blocked = tmp_path / "a_file"
    blocked.write_text("")           # nothing can be created below a regular file, even as root
    environ = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    folder = cache_dir.configure_cache_dir(str(blocked / "pkg"), environ)
    assert folder == environ["NUMBA_CACHE_DIR"] == cache_dir.user_cache_dir(environ)
    if sys.platform.startswith("linux"):
        assert folder == str(tmp_path / "xdg" / "deepgrad" / "numba")
    environ = {"XDG_CACHE_HOME": str(blocked / "xdg")}   # user cache read-only too: the temp folder
    folder = cache_dir.choose_cache_dir(str(blocked / "pkg"), environ)
    assert folder is not None and folder.startswith(tempfile.gettempdir())
    assert cache_dir.is_writable(folder)


def test_numba_backend_caches_in_user_folder_when_installed_read_only(tmp_path):
    """End to end: a copy of `backends` whose kernel folder cannot hold __pycache__ caches into
    XDG_CACHE_HOME."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    shutil.copytree(os.path.join(root, "backends"), tmp_path / "site" / "backends",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "site" / "backends" / "numba_kernels" / "__pycache__").write_text("")   # blocks the folder
    code = ("import numpy as np, os; from backends.numba_backend import NumbaBackend; "
            "NumbaBackend().act_forward('relu', np.ones(3)); print(os.environ['NUMBA_CACHE_DIR'])")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"), PYTHONPATH=str(tmp_path / "site"),
               PYTHONDONTWRITEBYTECODE="1")
    env.pop("NUMBA_CACHE_DIR", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "xdg" / "deepgrad" / "numba"
    assert result.stdout.strip() == str(folder)
    assert any(name.endswith(".nbi") for _, _, files in os.walk(folder) for name in files)
