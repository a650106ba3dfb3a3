"""The gamma family (lgamma, digamma, polygamma, mvlgamma, zeta), the Bessel functions i0 / i0e / i1 / i1e,
erfcx, the normal CDF family (ndtr, ndtri, log_ndtr), entr, xlog1py and the `ag.special` namespace against
PyTorch: values and gradients on random inputs (0-d, empty, float32 and float64, integer input), gradcheck,
accuracy in float64 over wide ranges, PyTorch's values at 0, the poles, inf and nan, and higher derivatives."""
import numpy as np
import pytest

import autograd as ag
import autograd.special as S
from tests.helpers import check_against_torch, check_gradcheck, rand, require_torch, torch

SHAPES = [(), (2, 3), (0, 3)]
# torch's float32 kernels round in float32 throughout; its float64 trigamma is good to 5e-10
TOL = {np.float32: dict(atol=1e-5, rtol=1e-4), np.float64: dict(atol=1e-12, rtol=1e-9)}

# name, ours, torch's, input range (where the function is smooth)
UNARY = [
    ("lgamma", ag.lgamma, torch.lgamma, (0.1, 6)),
    ("lgamma negative", ag.lgamma, torch.lgamma, (-2.9, -2.1)),
    ("digamma", ag.digamma, torch.digamma, (0.1, 6)),
    ("digamma negative", ag.digamma, torch.digamma, (-0.9, -0.1)),
    ("polygamma 1", lambda t: ag.polygamma(1, t), lambda t: torch.polygamma(1, t), (0.2, 5)),
    ("polygamma 2", lambda t: ag.polygamma(2, t), lambda t: torch.polygamma(2, t), (-1.8, -1.2)),
    ("polygamma 3 method", lambda t: t.polygamma(3), lambda t: t.polygamma(3), (0.5, 4)),
    ("mvlgamma", lambda t: ag.mvlgamma(t, 3), lambda t: torch.mvlgamma(t, 3), (1.1, 4)),
    ("i0", ag.i0, torch.i0, (-12, 12)),         # (gradcheck's differences lose i0's precision beyond)
    ("i0e", S.i0e, torch.special.i0e, (-25, 25)),
    ("i1", S.i1, torch.special.i1, (-12, 12)),
    ("i1e", S.i1e, torch.special.i1e, (-25, 25)),
    ("erfcx", S.erfcx, torch.special.erfcx, (-3, 30)),
    ("ndtr", S.ndtr, torch.special.ndtr, (-4, 6)),   # torch's is 1 + erf: it loses precision below -4
    ("ndtri", S.ndtri, torch.special.ndtri, (0.01, 0.99)),
    ("log_ndtr", S.log_ndtr, torch.special.log_ndtr, (-30, 6)),
    ("entr", S.entr, torch.special.entr, (0.05, 3)),
    ("expit", S.expit, torch.special.expit, (-5, 5)),
    ("gammaln", S.gammaln, torch.special.gammaln, (0.1, 6)),
    ("psi", S.psi, torch.special.psi, (0.1, 6)),
    ("multigammaln", lambda t: S.multigammaln(t, 2), lambda t: torch.special.multigammaln(t, 2), (0.6, 4)),
    ("special polygamma", lambda t: S.polygamma(2, t), lambda t: torch.special.polygamma(2, t), (0.3, 4)),
    ("softmax", lambda t: S.softmax(t, -1), lambda t: torch.special.softmax(t, -1), (-3, 3)),
    ("log_softmax", lambda t: S.log_softmax(t, 0), lambda t: torch.special.log_softmax(t, 0), (-3, 3)),
    ("logsumexp", lambda t: S.logsumexp(t, -1), lambda t: torch.special.logsumexp(t, -1), (-3, 3)),
]
UNARY_IDS = [u[0] for u in UNARY]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name,ours,theirs,domain", UNARY, ids=UNARY_IDS)
def test_unary_matches_torch(device, name, ours, theirs, domain, dtype, shape):
    check_against_torch(ours, theirs, [rand(shape, dtype, *domain, seed=3)], device=device, **TOL[dtype])


@pytest.mark.parametrize("name,ours,theirs,domain", UNARY, ids=UNARY_IDS)
def test_unary_gradcheck(name, ours, theirs, domain):
    check_gradcheck(ours, [rand((2, 3), np.float64, *domain, seed=4)])


@pytest.mark.parametrize("name,ours,theirs,domain", [u for u in UNARY if "softmax" not in u[0]
                                                      and "logsumexp" not in u[0]],
                         ids=[u[0] for u in UNARY if "softmax" not in u[0] and "logsumexp" not in u[0]])
def test_integer_input_gives_the_default_float(device, name, ours, theirs, domain):
    low, high = int(np.ceil(domain[0])), int(np.floor(domain[1]))
    x = np.arange(low, max(high, low) + 1).astype(np.int64)
    if name == "ndtri":
        x = np.array([0, 1, 0])
    with np.errstate(all="ignore"):
        check_against_torch(ours, theirs, [x], device=device, **TOL[np.float32])


# ----- accuracy in float64 over wide ranges, and PyTorch's values at the edges -------------------------

R = np.random.default_rng(7)
POSITIVE = np.concatenate([10 ** R.uniform(-300, 300, 200), 10 ** R.uniform(-3, 3, 200), R.uniform(0, 15, 200),
                           [1.0, 2.0, 1 + 1e-9, 2 - 1e-9, 0.5, 1.5, 2.5, 12.0, 5e-324, 1e-310]])
NEGATIVE = -np.concatenate([R.uniform(0, 30, 200), 10 ** R.uniform(-300, 0, 50), 10 ** R.uniform(1, 10, 50) + 0.37])
SPECIAL = np.array([0.0, -0.0, -1.0, -2.0, -7.0, np.inf, -np.inf, np.nan, -5e-324, 2.6e305, -4503599627370495.5])
# digamma's zero near 1.4616: there only the absolute error is small, for torch as for us
WIDE = [
    ("lgamma", ag.lgamma, torch.lgamma, np.concatenate([POSITIVE, NEGATIVE, SPECIAL]), 1e-12, 0),
    ("digamma", ag.digamma, torch.digamma, np.concatenate([POSITIVE, NEGATIVE, SPECIAL]), 1e-12, 1e-15),
    ("i0", ag.i0, torch.i0, np.concatenate([R.uniform(-700, 700, 300), [0.0, np.inf, -np.inf, np.nan]]), 1e-13, 0),
    ("i0e", S.i0e, torch.special.i0e, np.concatenate([R.uniform(-1e4, 1e4, 300), [0.0, np.inf, -np.inf, np.nan]]),
     1e-13, 0),
    ("i1", S.i1, torch.special.i1, np.concatenate([R.uniform(-700, 700, 300), [0.0, -0.0, np.inf, -np.inf, np.nan]]),
     1e-13, 0),
    ("i1e", S.i1e, torch.special.i1e, np.concatenate([R.uniform(-1e4, 1e4, 300), [0.0, -0.0, np.inf, -np.inf]]),
     1e-13, 0),
    ("erfcx", S.erfcx, torch.special.erfcx, np.concatenate([R.uniform(-26, 40, 300), 10 ** R.uniform(1, 300, 50),
                                                            [0.0, np.inf, -np.inf, np.nan, -30.0]]), 1e-12, 0),
    # torch's ndtr is 1 + erf(x / sqrt 2), which cancels in the lower tail: its log_ndtr is the oracle there
    ("ndtr", S.ndtr, lambda t: torch.special.log_ndtr(t).exp(),
     np.concatenate([R.uniform(-38, 9, 300), [0.0, np.inf, -np.inf, np.nan]]), 1e-12, 1e-300),   # denormals
    ("ndtri", S.ndtri, torch.special.ndtri, np.concatenate([R.uniform(0, 1, 300), 10 ** R.uniform(-320, -1, 100),
                                                            1 - 10 ** R.uniform(-16, -1, 50),
                                                            [0.0, 1.0, 0.5, -0.5, 1.5, np.nan]]), 1e-13, 0),
    ("log_ndtr", S.log_ndtr, torch.special.log_ndtr, np.concatenate([R.uniform(-40, 36, 300),
                                                                     -10 ** R.uniform(1, 150, 50),
                                                                   [0.0, np.inf, -np.inf, np.nan]]), 1e-12, 0),
    ("entr", S.entr, torch.special.entr, np.concatenate([10 ** R.uniform(-300, 300, 200),
                                                         [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan]]), 1e-14, 0),
]


def _same(ours, theirs, rtol, atol=0.0):
    """Equal nan positions and infinities (with sign); finite values within the tolerances."""
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_array_equal(np.isposinf(ours), np.isposinf(theirs))
    np.testing.assert_array_equal(np.isneginf(ours), np.isneginf(theirs))
    finite = np.isfinite(theirs)
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=rtol, atol=atol)


@pytest.mark.parametrize("name,ours,theirs,x,rtol,atol", WIDE, ids=[w[0] for w in WIDE])
def test_float64_accuracy_and_edges_match_torch(name, ours, theirs, x, rtol, atol):
    require_torch()
    _same(ours(ag.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy(), rtol, atol)


@pytest.mark.parametrize("n", [1, 2, 3, 6, 11])
def test_polygamma_is_the_hurwitz_zeta_for_positive_input(n):
    """For x > 0, polygamma(n, x) = (-1)^(n+1) n! zeta(n + 1, x): torch's zeta is the accurate oracle (its
    trigamma is good to 5e-10 only)."""
    require_torch()
    x = np.concatenate([10 ** R.uniform(-5, 5, 300), R.uniform(0, 15, 200)])
    scale = (-1) ** (n + 1) * float(np.prod(np.arange(1, n + 1)))
    oracle = scale * torch.special.zeta(torch.tensor(float(n + 1), dtype=torch.float64), torch.tensor(x)).numpy()
    np.testing.assert_allclose(ag.polygamma(n, ag.tensor(x)).numpy(), oracle, rtol=5e-15)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_polygamma_negative_input_and_edges_match_torch(n):
    require_torch()
    x = np.concatenate([-R.uniform(0, 12, 200), [0.0, -0.0, -2.5, np.nan, 1e-300, 1.7e308]])
    x = np.concatenate([x, [-1.0, -3.0, np.inf, -np.inf]]) if n > 1 else x   # torch's trigamma: finite at -1
    _same(ag.polygamma(n, ag.tensor(x)).numpy(), torch.polygamma(n, torch.tensor(x)).numpy(),
          1e-9 if n == 1 else 1e-12, 1e-14)


def test_trigamma_at_the_poles_and_infinities():
    """+inf at every non-positive integer (PyTorch's trigamma gives inf at 0 but a large finite number at
    the negative integers, an artifact of sin(pi x) there); 0 at +inf and nan at -inf as PyTorch."""
    out = ag.polygamma(1, ag.tensor([0.0, -1.0, -2.0, np.inf, -np.inf])).numpy()
    np.testing.assert_array_equal(out, [np.inf, np.inf, np.inf, 0.0, np.nan])


def test_lgamma_keeps_relative_accuracy_at_its_zeros():
    """lgamma(1) = lgamma(2) = 0: near them the result is small and its relative error stays small."""
    require_torch()
    x = np.array([1 + 1e-12, 1 - 1e-12, 2 + 1e-10, 2 - 1e-15, 1.0, 2.0])
    np.testing.assert_allclose(ag.lgamma(ag.tensor(x)).numpy(), torch.lgamma(torch.tensor(x)).numpy(),
                               rtol=1e-13, atol=0)


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_low_precision_results_round_the_float64_values(dtype):
    x = np.array([0.3, 4.0, -2.5, 100.0, 0.0, -3.0], dtype=dtype)
    for ours in (ag.lgamma, ag.digamma, lambda t: ag.polygamma(2, t), ag.i0, S.i1e, S.erfcx, S.log_ndtr):
        out = ours(ag.tensor(x))
        assert out.dtype == dtype
        with np.errstate(all="ignore"):
            exact = ours(ag.tensor(x.astype(np.float64))).numpy().astype(dtype)
        np.testing.assert_array_equal(out.numpy(), exact)


# ----- gradients at the edges and of higher order ------------------------------------------------------

EDGE_GRADIENTS = [
    ("lgamma", ag.lgamma, torch.lgamma, [0.0, -0.0, -1.5, 1.0, 2.0, 1e-300]),
    ("digamma", ag.digamma, torch.digamma, [0.0, -0.0, -1.5, 1.0, 1e-100]),
    ("i0", ag.i0, torch.i0, [0.0, -1.0, 800.0, -800.0]),
    ("i0e", S.i0e, torch.special.i0e, [0.0, -0.0, -1.0, 800.0, -800.0]),
    ("i1", S.i1, torch.special.i1, [0.0, -0.0, 1.0, 800.0]),
    ("i1e", S.i1e, torch.special.i1e, [0.0, -0.0, 1.0, 800.0, -800.0]),
    ("erfcx", S.erfcx, torch.special.erfcx, [-40.0, 0.0, 10.0, 1e10]),
    ("ndtri", S.ndtri, torch.special.ndtri, [0.0, 1e-300, 0.5, 1.0, 2.0]),
    ("log_ndtr", S.log_ndtr, torch.special.log_ndtr, [-40.0, -1.0, 0.0, 10.0, 40.0]),
    ("entr", S.entr, torch.special.entr, [0.0, -1.0, 1.0, 2.0]),
]


@pytest.mark.parametrize("name,ours,theirs,values", EDGE_GRADIENTS, ids=[e[0] for e in EDGE_GRADIENTS])
def test_gradients_at_the_edges_match_torch(device, name, ours, theirs, values):
    with np.errstate(all="ignore"):
        check_against_torch(ours, theirs, [np.array(values)], device=device, rtol=1e-9, atol=1e-300)


def test_log_ndtr_gradient_far_in_the_lower_tail():
    """d/dx log ndtr(x) = -x / (1 - 1/x^2 + 3/x^4 - ...) as x -> -inf: from erfcx, not from a difference of
    two huge numbers (PyTorch's loses six digits at -1e5)."""
    x = ag.tensor(np.array([-1e5, -1e3]), requires_grad=True)
    S.log_ndtr(x).sum().backward()
    v = -x.detach().numpy()
    np.testing.assert_allclose(x.grad.numpy(), v / (1 - 1 / v ** 2 + 3 / v ** 4), rtol=1e-13)


HIGHER = [
    ("lgamma", ag.lgamma, torch.lgamma, [0.4, 1.5, -2.5, 7.0]),
    ("polygamma 2", lambda t: ag.polygamma(2, t), lambda t: torch.polygamma(2, t), [0.4, 1.5, -2.5, 7.0]),
    ("i0", ag.i0, torch.i0, [0.0, 0.4, -3.0, 25.0]),
    ("i1", S.i1, torch.special.i1, [0.4, -3.0, 25.0]),   # (torch's i0e / i1e take 2 s to start double backward)
    ("erfcx", S.erfcx, torch.special.erfcx, [-1.0, 0.4, 3.0]),
    ("log_ndtr", S.log_ndtr, torch.special.log_ndtr, [-3.0, 0.4, 3.0]),   # torch's 3rd: 3e-5 off at -30
    ("ndtri", S.ndtri, torch.special.ndtri, [0.1, 0.5, 0.97]),
    ("xlog1py", lambda t: S.xlog1py(t, t * 2), lambda t: torch.special.xlog1py(t, t * 2), [0.4, 1.5, 3.0]),
]


@pytest.mark.parametrize("name,ours,theirs,values", HIGHER, ids=[h[0] for h in HIGHER])
def test_third_derivatives_match_torch(device, name, ours, theirs, values):
    """Each derivative is itself an op of the family (lgamma''' = polygamma(2), ...), so create_graph works."""
    torch_ = require_torch()
    x = ag.tensor(np.array(values), device=device, requires_grad=True)
    xt = torch_.tensor(np.array(values), requires_grad=True)
    g, gt = ours(x), theirs(xt)
    for order in range(3):
        (g,) = ag.grad(g.sum(), x, create_graph=order < 2)
        (gt,) = torch_.autograd.grad(gt.sum(), xt, create_graph=order < 2)
        np.testing.assert_allclose(g.detach().numpy(), gt.detach().numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg=f"derivative {order + 1}")


SECOND = [("i0e", S.i0e, (-25, 25)), ("i1e", S.i1e, (-25, 25)), ("digamma", ag.digamma, (0.3, 4)),
          ("ndtr", S.ndtr, (-3, 3)), ("entr", S.entr, (0.2, 2)), ("erfcx", S.erfcx, (-2, 8))]


@pytest.mark.parametrize("name,ours,domain", SECOND, ids=[c[0] for c in SECOND])
def test_first_derivatives_pass_gradcheck(name, ours, domain):
    """The derivative, recorded with create_graph, has the right gradient itself (second derivatives)."""
    check_gradcheck(lambda t: ag.grad(ours(t).sum(), t, create_graph=True)[0],
                    [rand((5,), np.float64, *domain, seed=6)])


# ----- the two-argument functions: zeta, xlog1py, xlogy ------------------------------------------------

BINARY = [
    ("zeta", lambda m, s, q: m.special.zeta(s.detach() + 1.5, q), [rand((3, 1), low=0, high=4, seed=1),
                                                                    rand((4,), low=0.2, high=5, seed=2)]),
    ("zeta number s", lambda m, q: m.special.zeta(2.5, q), [rand((2, 3), low=0.2, high=5, seed=3)]),
    ("zeta number q", lambda m, s: m.special.zeta(s.detach() + 1.5, 0.75), [rand((4,), low=0, high=4, seed=4)]),
    ("xlog1py", lambda m, x, y: m.special.xlog1py(x, y), [rand((3, 1), seed=5), rand((4,), low=-0.9, high=3, seed=6)]),
    ("xlog1py number", lambda m, x: m.special.xlog1py(x, 2.5), [rand((3,), seed=7)]),
    ("xlogy zeros", lambda m, x, y: m.xlogy(x * 0, y), [rand((2, 3), seed=8), rand((3,), low=0.1, high=2, seed=9)]),
    ("xlog1py zeros", lambda m, x, y: m.special.xlog1py(x * 0, y), [rand((2, 3), seed=8), rand((3,), seed=9)]),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name,call,arrays", BINARY, ids=[b[0] for b in BINARY])
def test_binary_matches_torch(device, name, call, arrays, dtype):
    torch_ = require_torch()
    arrays = [a.astype(dtype) for a in arrays]
    check_against_torch(lambda *ts: call(ag, *ts), lambda *ts: call(torch_, *ts), arrays, device=device, **TOL[dtype])


GRADCHECKED = [b for b in BINARY if b[0] != "zeta number q"]   # zeta has no gradient in s


@pytest.mark.parametrize("name,call,arrays", GRADCHECKED, ids=[b[0] for b in GRADCHECKED])
def test_binary_gradcheck(name, call, arrays):
    check_gradcheck(lambda *ts: call(ag, *ts), arrays, requires_grad=[False, True] if name == "zeta" else None)


def test_zeta_edges_match_torch():
    require_torch()
    q = np.array([0.0, -1.0, -2.5, -0.3, np.inf, -np.inf, np.nan, 1.0, 2.0, 0.3, 5e-324, -1e-20, -1e6 + 0.25])
    for s in (2.0, 3.0, 1.0, 0.5, 2.5, 40.0, 1 + 1e-12, np.inf, -np.inf, np.nan):
        ours = S.zeta(ag.tensor(np.full_like(q, s)), ag.tensor(q)).numpy()
        theirs = torch.special.zeta(torch.tensor(np.full_like(q, s)), torch.tensor(q)).numpy()
        _same(ours, theirs, 1e-12)


def test_zeta_has_no_gradient_in_s_as_in_torch():
    s = ag.tensor([2.0, 3.0], requires_grad=True)
    out = S.zeta(s, ag.tensor([1.5, 2.5]))
    with pytest.raises(RuntimeError, match="zeta: PyTorch defines no derivative with respect to input"):
        out.sum().backward()


def test_xlog1py_and_xlogy_edges_match_torch(device):
    x = np.array([0.0, 0.0, 0.0, 0.0, 1.0, np.nan, 2.0])
    y = np.array([np.nan, -1.0, -2.0, 0.0, np.inf, 1.0, -1.0])
    for name in ("xlogy", "xlog1py"):
        with np.errstate(all="ignore"):
            check_against_torch(getattr(S, name), getattr(torch.special, name), [x, y], device=device,
                                rtol=1e-12, atol=0)


# ----- methods, in-place forms, the namespace, bad input -------------------------------------------------

IN_PLACE = [
    ("lgamma_", lambda t: t.lgamma_()), ("digamma_", lambda t: t.digamma_()),
    ("polygamma_", lambda t: t.polygamma_(2)), ("mvlgamma_", lambda t: t.mvlgamma_(2)), ("i0_", lambda t: t.i0_()),
]


@pytest.mark.parametrize("name,call", IN_PLACE, ids=[c[0] for c in IN_PLACE])
def test_methods_and_in_place_forms_match_torch(device, name, call):
    torch_ = require_torch()
    data = rand((2, 3), low=1.2, high=4, seed=11)
    ours, theirs = ag.tensor(data.copy(), device=device), torch_.tensor(data.copy())
    assert call(ours) is ours
    call(theirs)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    method = name.rstrip("_")
    args = {"polygamma_": (2,), "mvlgamma_": (2,)}.get(name, ())
    np.testing.assert_allclose(getattr(ag.tensor(data, device=device), method)(*args).numpy(),
                               getattr(torch_.tensor(data), method)(*args).numpy(), rtol=1e-12)


def test_the_special_namespace_mirrors_torch_special():
    torch_ = require_torch()
    import autograd
    assert ag.special is S and autograd.special.gammaln is S.gammaln
    for name in S.__all__:
        assert hasattr(torch_.special, name), name
        assert getattr(S, name).__doc__, name
    x = ag.tensor([0.3, 0.7, -0.4])
    assert S.round(ag.tensor([1.25]), decimals=1).item() == torch_.special.round(torch_.tensor([1.25]),
                                                                                decimals=1).item()
    for name in ("erf", "erfc", "erfinv", "exp2", "expm1", "log1p", "sinc", "logit", "xlogy"):
        args = (x.clip(-0.9, 0.9),) if name not in ("logit", "xlogy") else ((x.abs(),) if name == "logit" else (x, 2.0))
        targs = tuple(torch_.tensor(a.numpy()) if isinstance(a, ag.Tensor) else a for a in args)
        np.testing.assert_allclose(getattr(S, name)(*args).numpy(), getattr(torch_.special, name)(*targs).numpy(),
                                   rtol=1e-6, err_msg=name)


BAD_INPUT = [
    (lambda: ag.polygamma(-1, ag.ones(2)), ValueError, "polygamma: n must be non-negative"),
    (lambda: ag.polygamma(1.5, ag.ones(2)), TypeError, "polygamma: n must be an int"),
    (lambda: ag.mvlgamma(ag.ones(2), 0), ValueError, r"mvlgamma: p must be an int >= 1"),
    (lambda: S.zeta(2.0, 1.5), TypeError, "zeta: at least one of input and other must be a Tensor"),
    (lambda: ag.lgamma([1.0]), TypeError, "lgamma"),
    (lambda: S.i1e(np.ones(2)), TypeError, "i1e"),
]


@pytest.mark.parametrize("call,error,message", BAD_INPUT, ids=[m.split(":")[0] for _, _, m in BAD_INPUT])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
