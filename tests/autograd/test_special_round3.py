"""torch.special's Bessel family, airy_ai, spherical_bessel_j0, the orthogonal polynomials and gammainc /
gammaincc against PyTorch (through SciPy and through our own kernels, as without SciPy), mpmath and SciPy:
values in float32/float64 with broadcasting, scalar and tensor degrees, negative,
fractional, large and non-finite degrees, nan/inf inputs, and PyTorch's autograd behaviour (no gradient for
the Bessel functions and polynomials; gammainc/gammaincc differentiable in `other` only)."""
import numpy as np
import pytest

import autograd as ag
import autograd.special as S
from tests.helpers import check_gradcheck, rand, require_torch

TOL = {np.float32: dict(rtol=2e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-13)}
UNARY = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
         "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
         "spherical_bessel_j0", "airy_ai"]
POLYNOMIALS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
               "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
               "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "hermite_polynomial_h",
               "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p"]
# PyTorch's float64 J0/J1/Y0/Y1 are off by up to 4e-7 (absolute) for 5 < |x| < 25 and its Ai by 2e-7 for x < 0
# (SciPy's Cephes, which we use, agrees with mpmath to 1e-14 there: test_accuracy_against_mpmath), so those
# compare more loosely
LOOSE = {"bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "airy_ai"}
EDGES = [np.nan, np.inf, -np.inf, 0.0, -0.0, -1.0, 1e-30, 0.3, 0.49, 0.51, 2.5, 50.0, 800.0, -7.5]


def _close(ours, theirs, dtype, loose=False):
    assert ours.dtype == theirs.numpy().dtype, (ours.dtype, theirs.dtype)
    tol = dict(rtol=2e-5, atol=1e-6) if loose else TOL[dtype]
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), equal_nan=True, **tol)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary_matches_torch(name, dtype):
    torch = require_torch()
    x = np.concatenate([rand((40,), dtype, -20, 20, seed=3), np.array(EDGES, dtype)]).reshape(6, 9)
    _close(getattr(S, name)(ag.tensor(x)), getattr(torch.special, name)(torch.tensor(x)), dtype, name in LOOSE)
    empty = getattr(S, name)(ag.tensor(np.zeros((0, 2), dtype)))
    assert empty.shape == (0, 2) and empty.dtype == dtype
    zero_d = getattr(S, name)(ag.tensor(np.array(1.5, dtype)))
    _close(zero_d, getattr(torch.special, name)(torch.tensor(np.array(1.5, dtype))), dtype)


@pytest.mark.parametrize("name", sorted(LOOSE))
def test_accuracy_against_mpmath(name):
    mpmath = pytest.importorskip("mpmath")
    x = rand((30,), np.float64, 0.5, 30, seed=12) * (-1 if name == "airy_ai" else 1)
    exact = {"bessel_j0": lambda v: mpmath.besselj(0, v), "bessel_j1": lambda v: mpmath.besselj(1, v),
             "bessel_y0": lambda v: mpmath.bessely(0, v), "bessel_y1": lambda v: mpmath.bessely(1, v),
             "airy_ai": mpmath.airyai}[name]
    want = np.array([float(exact(v)) for v in x])
    np.testing.assert_allclose(getattr(S, name)(ag.tensor(x)).numpy(), want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", UNARY)
def test_unary_integer_input_and_no_gradient(name):
    torch = require_torch()
    ours = getattr(S, name)(ag.tensor(np.array([1, 2, 3])))
    _close(ours, getattr(torch.special, name)(torch.tensor([1, 2, 3])), np.float32)
    x = ag.tensor([0.5, 1.5], dtype=ag.float64, requires_grad=True)
    out = getattr(S, name)(x)
    assert not out.requires_grad and getattr(torch.special, name)(
        torch.tensor([0.5], dtype=torch.float64, requires_grad=True)).requires_grad is False
    with pytest.raises(RuntimeError):
        out.sum().backward()


@pytest.mark.parametrize("name", POLYNOMIALS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_polynomial_matches_torch_with_broadcasting(name, dtype):
    torch = require_torch()
    x = np.concatenate([rand((17,), dtype, -1.2, 1.2, seed=5), np.array([-1, 1, 0, 0.5, -2.5, 3.0, 1e-3], dtype)])
    n = np.array([-3, -1, 0, 1, 2, 3, 5, 7, 8, 9, 12, 30, 2.7, -0.5, 100, 600, 1e20, np.nan, np.inf, -np.inf], dtype)
    xs, ns = x.reshape(-1, 1), n.reshape(1, -1)
    ours = getattr(S, name)(ag.tensor(xs), ag.tensor(ns))
    theirs = getattr(torch.special, name)(torch.tensor(xs), torch.tensor(ns))
    finite = np.isfinite(theirs.numpy())
    assert (np.isfinite(ours.numpy()) == finite).all()
    np.testing.assert_array_equal(np.isnan(ours.numpy()), np.isnan(theirs.numpy()))
    # a degree-n value amplifies one rounding of x (or of acos(x)) about n-fold (more near the ends of [-1, 1]),
    # so the tolerance grows with n
    eps = 16 * np.finfo(dtype).eps * np.clip(np.nan_to_num(np.abs(ns)), 1, 1000)
    with np.errstate(invalid="ignore"):
        err = np.abs(ours.numpy() - theirs.numpy()) / (1 + np.abs(theirs.numpy()))
    assert (err[finite] <= np.broadcast_to(eps, err.shape)[finite]).all(), err[finite].max()


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomial_scalar_operands_dtypes_and_no_gradient(name):
    torch = require_torch()
    ours_fn, torch_fn = getattr(S, name), getattr(torch.special, name)
    x = rand((3, 4), np.float64, -1, 1, seed=7)
    for ours, theirs in [(ours_fn(ag.tensor(x), 4), torch_fn(torch.tensor(x), 4)),
                         (ours_fn(0.3, ag.tensor([0.0, 2.0, 5.0])), torch_fn(0.3, torch.tensor([0.0, 2.0, 5.0]))),
                         (ours_fn(ag.tensor([1, 2]), ag.tensor([3, 2])), torch_fn(torch.tensor([1, 2]),
                                                                                  torch.tensor([3, 2]))),
                         (ours_fn(ag.tensor(x), ag.tensor(np.float32(3))),
                          torch_fn(torch.tensor(x), torch.tensor(np.float32(3))))]:
        assert ours.shape == tuple(theirs.shape)
        _close(ours, theirs, np.float64 if ours.dtype == np.float64 else np.float32)
    t = ag.tensor(x, requires_grad=True)
    out = ours_fn(t, ag.tensor(3.0, dtype=ag.float64, requires_grad=True))
    assert not out.requires_grad and not torch_fn(torch.tensor(x, requires_grad=True), 3).requires_grad
    with pytest.raises(TypeError, match=name):
        ours_fn(ag.tensor(x), "3")


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_incomplete_gamma_values_and_gradient(name, dtype):
    torch = require_torch()
    a = rand((4, 1), dtype, 0.2, 6, seed=1)
    x = rand((1, 5), dtype, 0.05, 8, seed=2)
    ta, tx = ag.tensor(a), ag.tensor(x, requires_grad=True)
    Ta, Tx = torch.tensor(a), torch.tensor(x, requires_grad=True)
    out, ref = getattr(S, name)(ta, tx), getattr(torch.special, name)(Ta, Tx)
    _close(out.detach(), ref.detach(), dtype)
    g = rand((4, 5), dtype, -1, 1, seed=4)
    out.backward(ag.tensor(g))
    ref.backward(torch.tensor(g))
    np.testing.assert_allclose(tx.grad.numpy(), Tx.grad.numpy(), **TOL[dtype])


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_incomplete_gamma_edges_gradcheck_and_input_gradient_refused(name):
    torch = require_torch()
    a = np.array([0.0, -1.0, 1.0, np.inf, 2.0, np.nan, 1.0, 1.0, 0.0, 3.0])
    x = np.array([1.0, 1.0, 0.0, 1.0, np.inf, 1.0, -1.0, np.nan, 0.0, 1e-300])
    _close(getattr(S, name)(ag.tensor(a), ag.tensor(x)),
           getattr(torch.special, name)(torch.tensor(a), torch.tensor(x)), np.float64)
    fn = getattr(S, name)
    a0 = ag.tensor(rand((3,), np.float64, 0.5, 4, seed=8))
    check_gradcheck(lambda t: fn(a0, t), [rand((2, 3), np.float64, 0.2, 5, seed=9)])
    check_gradcheck(lambda t: fn(a0, t), [rand((2, 3), np.float64, 0.2, 5, seed=9)], eps=1e-6)
    ta = ag.tensor([1.5, 2.0], dtype=ag.float64, requires_grad=True)
    out = fn(ta, ag.tensor([1.0, 3.0], dtype=ag.float64))
    assert out.requires_grad
    with pytest.raises(RuntimeError, match=f"{name}: .*no derivative with respect to input"):
        out.sum().backward()
    with pytest.raises(TypeError, match=name):
        fn(ag.tensor([1, 2]), ag.tensor([1, 2]))


def test_incomplete_gamma_second_derivative_matches_torch():
    torch = require_torch()
    a, x = np.array([0.7, 2.5]), np.array([1.3, 0.4])
    tx = ag.tensor(x, requires_grad=True)
    (g,) = ag.grad(S.gammainc(ag.tensor(a), tx).sum(), tx, create_graph=True)
    (h,) = ag.grad(g.sum(), tx)
    Tx = torch.tensor(x, requires_grad=True)
    (G,) = torch.autograd.grad(torch.special.gammainc(torch.tensor(a), Tx).sum(), Tx, create_graph=True)
    (H,) = torch.autograd.grad(G.sum(), Tx)
    np.testing.assert_allclose(h.numpy(), H.numpy(), rtol=1e-10)


@pytest.mark.parametrize("name", [n for n in UNARY if n != "spherical_bessel_j0"] + ["gammainc", "gammaincc"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_own_kernels_without_scipy_match_torch_and_scipy(name, dtype, monkeypatch):
    """Without SciPy (and on CuPy where cupyx lacks a function) our own kernels compute these."""
    torch = require_torch()
    special = pytest.importorskip("scipy.special")
    from backends.array_kernels import scipy_special
    monkeypatch.setattr(scipy_special, "_scipy_special", lambda: None)
    rng = np.random.default_rng(4)
    if name.startswith("gammainc"):
        a = np.concatenate([rng.uniform(0, 12, 300), np.geomspace(1e-3, 1e4, 40), [0, -1, 1, np.inf, 2, np.nan, 1, 0]])
        x = np.concatenate([rng.uniform(0, 25, 300), np.geomspace(1e-3, 1e4, 40) * rng.uniform(0.7, 1.3, 40),
                            [1, 1, 0, 1, np.inf, 1, -1, 0]])
        args = (a.astype(dtype), x.astype(dtype))
        want_scipy = getattr(special, name)(a, x)
    else:
        x = np.concatenate([rng.uniform(-45, 45, 400), np.geomspace(1e-30, 1e30, 61), -np.geomspace(1e-3, 1e3, 30),
                            np.array(EDGES)])
        if dtype == np.float32:   # PyTorch's float32 phases (x - pi/4, or 2/3 |x|^1.5 for Ai) lose digits far out
            x = x[~(np.abs(x) > (20 if name == "airy_ai" else 1e3))]
        args = (x.astype(dtype),)
        ref = special.airy if name == "airy_ai" else getattr(special, scipy_special.FUNCTIONS[name][0])
        want_scipy = ref(x)[0] if name == "airy_ai" else ref(x)
    ours = getattr(S, name)(*[ag.tensor(v) for v in args])
    theirs = getattr(torch.special, name)(*[torch.tensor(v) for v in args])
    if name.startswith("gammainc") and dtype == np.float64:
        # PyTorch's float64 P(a, x) is off by up to 4e-10 for a in 20..100 (P(20.309, 20.897): ours and SciPy
        # agree with mpmath's 0.580426837587189 to 1e-16, PyTorch gives 0.5804268371828)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-8, atol=1e-12, equal_nan=True)
    else:
        _close(ours, theirs, dtype, name in LOOSE)
    empty = getattr(S, name)(*[ag.tensor(np.zeros((0, 2), dtype)) for _ in args])
    assert empty.shape == (0, 2) and empty.dtype == dtype
    if dtype == np.float64:
        keep = np.abs(x) < 1e7 if name == "airy_ai" else slice(None)   # SciPy's Ai is nan beyond 1e7
        np.testing.assert_allclose(ours.numpy()[keep], want_scipy[keep], rtol=1e-11, atol=1e-10 if name == "airy_ai"
                                   else 1e-13, equal_nan=True)


def test_values_scipy_gives_up_on_come_from_our_kernels():
    torch = require_torch()
    x = np.array([1e8, 1e12, 1e300, 200.0])
    _close(S.airy_ai(ag.tensor(x)), torch.special.airy_ai(torch.tensor(x)), np.float64)


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomial_at_nan_is_nan(name):
    # PyTorch 2.13 returns an uninitialised value for some of these (chebyshev_polynomial_u(nan, 3) gave 8e-322,
    # legendre_polynomial_p(nan, 3) 4.7e-310): its recurrence stops at the NaN before setting its result
    out = getattr(S, name)(ag.tensor([np.nan, np.nan]), ag.tensor([3.0, 10.0]))
    assert np.isnan(out.numpy()).all()


def test_numba_device_where_available():
    from backends import available
    if "numba" not in available():
        pytest.skip("numba is not installed")
    x = ag.tensor([0.5, 1.5], dtype=ag.float64, device="numba")
    for name in ["bessel_j0", "spherical_bessel_j0"]:
        out = getattr(S, name)(x)
        assert out.device.type == "numba"
        np.testing.assert_allclose(out.numpy(), getattr(S, name)(ag.tensor(x.numpy())).numpy())
    assert S.legendre_polynomial_p(x, 4).device.type == "numba"
    a = ag.tensor([0.5, 1.5], dtype=ag.float64, device="numba", requires_grad=True)
    S.gammaincc(ag.tensor([1.0, 2.0], dtype=ag.float64, device="numba"), a).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), -np.exp(-np.array([0.5, 1.5])) * np.array([1.0, 1.5]), rtol=1e-12)
