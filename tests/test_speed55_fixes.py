"""Stop 55's speed fixes, checked for their results (never for their time): exact GELU on large float32 arrays
evaluates erf in float32 (backends/numpy_kernels/gelu_float32.py) instead of SciPy's scalar double loop, and
LayerNorm's row means divide in the input's dtype (the same bits as np.mean)."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from backends.array_kernels import layer_norm as layer_norm_reference
from backends.numpy_kernels import activation, gelu_float32, layer_norm

from .helpers import check_against_torch, rand, torch

try:
    from scipy import special
except ImportError:   # the accuracy checks against SciPy's erf skip; the oracle checks still run
    special = None


def _gelu_inputs(rng, size):
    """Odd-sized float32 inputs over GELU's whole range, with signed zeros, huge and NaN values."""
    x = (rng.standard_normal(size) * 3.0).astype(np.float32)
    x[:9] = [0.0, -0.0, 1e-30, -1e-30, 5.5, -5.5, 40.0, -40.0, np.nan]
    return x


@pytest.fixture
def fast_gelu_everywhere(monkeypatch):
    """Every float32 GELU takes the float32 path, in blocks of 37 elements (a partial last block)."""
    monkeypatch.setattr(activation, "_FAST_GELU_MIN", 1)
    monkeypatch.setattr(gelu_float32, "BLOCK", 37)


@pytest.mark.skipif(special is None, reason="SciPy is not installed")
def test_float32_erf_is_within_three_ulps_of_the_rounded_erf():
    z = np.concatenate([np.linspace(-6, 6, 400_001), np.geomspace(1e-30, 6, 20_001)]).astype(np.float32)
    x = (z.astype(np.float64) / np.sqrt(0.5)).astype(np.float32)   # erf_of_scaled takes x = z * sqrt(2)
    z = x * np.float32(np.sqrt(0.5))
    got = gelu_float32.erf_of_scaled(x, np.empty_like(x), np.empty_like(x))
    exact = special.erf(z.astype(np.float64))
    ulps = np.abs(got - exact) / np.spacing(np.abs(exact).astype(np.float32))
    assert ulps.max() <= 3.0
    assert np.array_equal(np.signbit(got), np.signbit(z))   # erf(-0) = -0


@pytest.mark.skipif(special is None, reason="SciPy is not installed")
@pytest.mark.parametrize("size", [1, 37, 38, 1001])
def test_float32_gelu_agrees_with_the_scipy_path(size, fast_gelu_everywhere, monkeypatch):
    rng = np.random.default_rng(size)
    x = _gelu_inputs(rng, max(size, 9))[:size]
    gy = rng.standard_normal(size).astype(np.float32)
    fast_y = activation.act_forward("gelu", x)
    fast_g = activation.act_backward("gelu", x, fast_y, gy)
    monkeypatch.setattr(activation, "_FAST_GELU_MIN", 1 << 62)
    y = activation.act_forward("gelu", x)
    g = activation.act_backward("gelu", x, y, gy)
    for new, old in ((fast_y, y), (fast_g, g)):
        assert new.dtype == np.float32 and new.shape == x.shape
        np.testing.assert_array_equal(np.isnan(new), np.isnan(old))
        np.testing.assert_allclose(new, old, rtol=4e-7, atol=5e-7)
    if size > 1:
        np.testing.assert_array_equal(np.signbit(fast_y[:2]), [False, True])   # gelu(-0) = -0, as before


@pytest.mark.parametrize("shape", [(3, 5, 7, 11), (1013,), (2, 3)])
def test_float32_gelu_matches_torch(shape, fast_gelu_everywhere):
    x = rand(shape, np.float32, -6.0, 6.0, seed=sum(shape))
    check_against_torch(F.gelu, torch.nn.functional.gelu, [x], atol=2e-6, rtol=1e-5)


def test_float32_gelu_of_a_transposed_input_and_a_broadcast_gradient(fast_gelu_everywhere):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((41, 29)) * 2).astype(np.float32).T   # not C-contiguous
    gy = np.broadcast_to(rng.standard_normal(41).astype(np.float32), x.shape)
    y = activation.act_forward("gelu", x)
    g = activation.act_backward("gelu", x, y, gy)
    expected_y = activation.act_forward("gelu", np.ascontiguousarray(x))
    expected_g = activation.act_backward("gelu", np.ascontiguousarray(x), expected_y, np.ascontiguousarray(gy))
    np.testing.assert_array_equal(y, expected_y)
    np.testing.assert_array_equal(g, expected_g)
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.gelu(tx)
    ty.backward(torch.tensor(np.ascontiguousarray(gy)))
    np.testing.assert_allclose(y, ty.detach().numpy(), atol=2e-6, rtol=1e-5)
    np.testing.assert_allclose(g, tx.grad.numpy(), atol=2e-6, rtol=1e-5)


def test_large_gelu_takes_the_float32_path_and_matches_torch():
    # the default threshold, several default-sized blocks and a partial one; channels-last layout kept
    x = rand((4, 16, 33, 35), np.float32, -5.0, 5.0, seed=7)
    assert x.size >= activation._FAST_GELU_MIN and x.size > gelu_float32.BLOCK
    check_against_torch(F.gelu, torch.nn.functional.gelu, [x], atol=2e-6, rtol=1e-5)
    t = ag.tensor(x).contiguous(memory_format=ag.channels_last)
    assert F.gelu(t).is_contiguous(memory_format=ag.channels_last)


def test_float64_and_float16_gelu_keep_their_paths(fast_gelu_everywhere):
    x = rand((5, 7), np.float64, -4.0, 4.0, seed=2)
    check_against_torch(F.gelu, torch.nn.functional.gelu, [x], atol=1e-12, rtol=1e-12)
    y = activation.act_forward("gelu", x.astype(np.float16))
    assert y.dtype == np.float16
    expected = torch.nn.functional.gelu(torch.tensor(x.astype(np.float16)).float()).half().numpy()
    np.testing.assert_allclose(y, expected, atol=1e-3, rtol=1e-3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_means_have_np_means_bits(dtype, monkeypatch):
    rng = np.random.default_rng(5)
    for width in [1, 2, 3, 7, 31, 32, 33, 100, 768, 1000, 3073]:
        a = (rng.standard_normal((9, width)) * 10.0 ** rng.integers(-15, 15, (9, 1))).astype(dtype)
        np.testing.assert_array_equal(layer_norm._row_means(a), a.mean(axis=1))
    # counts the dtype cannot hold exactly divide in float64, as np.mean does
    monkeypatch.setattr(layer_norm, "_EXACT_COUNT", {"f": 2, "d": 2})
    a = rng.standard_normal((4, 77)).astype(dtype)
    np.testing.assert_array_equal(layer_norm._row_means(a), a.mean(axis=1))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(8, 32), (3, 1), (5, 97)])
def test_layer_norm_backward_with_row_means_has_the_old_bits(dtype, shape):
    rng = np.random.default_rng(shape[1])
    x, gy = (rng.standard_normal(shape).astype(dtype) for _ in range(2))
    weight = rng.standard_normal(shape[1]).astype(dtype)
    _, mean, invstd = layer_norm.forward(x, weight, None, 1e-5)
    got = layer_norm.backward(gy, x, mean, invstd, weight, True, True, True)
    expected = layer_norm_reference.backward(np, gy, x, mean, invstd, weight, True, True, True)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)


def test_small_layer_norm_matches_torch():
    x = rand((6, 5, 24), np.float32, seed=4)
    w, b = rand((24,), np.float32, seed=5), rand((24,), np.float32, seed=6)
    check_against_torch(lambda t, u, v: F.layer_norm(t, (24,), u, v),
                        lambda t, u, v: torch.nn.functional.layer_norm(t, (24,), u, v), [x, w, b])


# ---- erfinv / ndtri: each element runs only its own Newton branch (stop 55, found through timm's trunc_normal_) ----

def _erfc_inverse_both_branches(size, q):
    """The Newton refinement as it was before the split: both branches evaluated on every element, then chosen."""
    from backends.array_kernels import special as sp
    xp = np
    with np.errstate(all="ignore"):
        s = -xp.log(q * (1.0 + size))
        central = sp._horner(xp, sp._ERFINV_CENTRAL, s - 2.5)
        tail = sp._horner(xp, sp._ERFINV_TAIL, xp.sqrt(xp.clip(s, 5.0, sp._GILES_UP_TO)) - 3.0)
        t = xp.maximum(-xp.log(q), 1.0)
        asymptotic = xp.sqrt(t - 0.5 * xp.log(t) - np.log(np.sqrt(np.pi)))
        r = xp.where(s < 5.0, central * size, xp.where(s < sp._GILES_UP_TO, tail * size, asymptotic))
        far = size > 0.5
        log_q = xp.log(xp.where(far, q, 1.0))
        for _ in range(3):
            slope = sp._TWO_OVER_SQRT_PI * xp.exp(-r * r)
            scaled = sp.erfcx(xp, r)
            step_far = (xp.log(scaled) - r * r - log_q) * scaled / sp._TWO_OVER_SQRT_PI
            r = xp.where(far, r + step_far, r - (sp.erf(xp, r) - size) / slope)
    return r


@pytest.mark.parametrize("n", [1, 2, 37, 1001])
def test_erfinv_newton_split_is_bit_identical_to_both_branches(n):
    from backends.array_kernels import special as sp
    rng = np.random.default_rng(n)
    size = np.concatenate([rng.random(n), 1 - 10.0 ** -rng.uniform(0, 16, n), 10.0 ** -rng.uniform(0, 300, n),
                           [0.0, 0.5, 0.4999999999, 0.5000000001, 0.9953, 0.99533, 1 - 2 ** -53]])
    expected = _erfc_inverse_both_branches(size, 1.0 - size)
    got = sp._erfc_inverse(np, size, 1.0 - size)
    assert got.view(np.uint64).tolist() == expected.view(np.uint64).tolist()
    only_near, only_far = size[size <= 0.5], size[size > 0.5]   # a branch with no elements at all
    for part in (only_near, only_far, size[:0]):
        assert sp._erfc_inverse(np, part, 1.0 - part).view(np.uint64).tolist() == \
            _erfc_inverse_both_branches(part, 1.0 - part).view(np.uint64).tolist()


def test_erfinv_and_ndtri_keep_shapes_and_match_pytorch():
    torch = pytest.importorskip("torch")
    from backends.array_kernels import special as sp
    y = np.array([[0.1, 0.7], [0.99, -0.6]])
    for value in (y, np.array(0.3), np.array(-0.9, np.float32), np.zeros((0, 3))):
        got = sp.erfinv(np, value)
        assert got.shape == value.shape and got.dtype == value.dtype
        np.testing.assert_allclose(got, torch.erfinv(torch.from_numpy(np.asarray(value))).numpy(), rtol=2e-7 if
                                   value.dtype == np.float32 else 1e-14, atol=0)
    p = np.array([1e-300, 0.025, 0.5, 0.975, 1 - 1e-12])
    np.testing.assert_allclose(sp.ndtri(np, p), torch.special.ndtri(torch.from_numpy(p)).numpy(), rtol=1e-13)
