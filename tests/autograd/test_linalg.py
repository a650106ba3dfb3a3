"""ag.linalg (torch.linalg) and torch's top-level linear algebra against PyTorch: values and gradients of every
function on small random batched inputs (broadcast batch dims, vectors, float32 with tolerances from the dtype),
float64 gradcheck of every differentiable one, and second derivatives through create_graph.

Inputs are well conditioned by construction (Q diag(s) Q^T with s in [1, 3]). Eigenvectors and singular
vectors are defined up to sign, so they are compared through sign-invariant quantities (V * V, U diag(S^2) Vh).
"""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, require_torch, tolerance, torch

RNG = np.random.default_rng(1234)


def orthogonal(n, batch=()):
    q, r = np.linalg.qr(RNG.standard_normal(batch + (n, n)))
    return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]


def spd(n, batch=(), low=1.0, high=3.0):
    """A symmetric positive-definite matrix with eigenvalues in [low, high], spread apart."""
    q = orthogonal(n, batch)
    s = np.broadcast_to(np.linspace(low, high, n), batch + (n,))
    return (q * s[..., None, :]) @ np.swapaxes(q, -1, -2)


def general(n, batch=()):
    """A well-conditioned non-symmetric matrix: singular values in [1, 3]."""
    s = np.broadcast_to(np.linspace(1.0, 3.0, n), batch + (n,))
    return (orthogonal(n, batch) * s[..., None, :]) @ orthogonal(n, batch)


def randn(*shape):
    return RNG.standard_normal(shape)


def _eigh_invariants(m, a, uplo="L"):
    w, v = m.linalg.eigh(a, UPLO=uplo)
    return w, v * v


def _svd_invariants(m, a, full):
    u, s, vh = m.linalg.svd(a, full_matrices=full)
    k = s.shape[-1]
    u, vh = u[..., :, :k], vh[..., :k, :]
    return s, u * u, (u * (s * s)[..., None, :]) @ vh


# name, call(module, *tensors) run with ag and with torch, input arrays
CASES = [
    ("inv", lambda m, a: m.linalg.inv(a), [general(3, (2,))]),
    ("inv 1x1", lambda m, a: m.linalg.inv(a), [np.array([[2.5]])]),
    ("inv_ex", lambda m, a: m.linalg.inv_ex(a).inverse, [general(3)]),
    ("inverse", lambda m, a: m.inverse(a), [general(2, (3,))]),
    ("det", lambda m, a: m.linalg.det(a), [general(3, (2,))]),
    ("det method", lambda m, a: a.det(), [general(4)]),
    ("slogdet", lambda m, a: tuple(m.linalg.slogdet(a)), [general(3, (2,))]),
    ("logdet", lambda m, a: m.logdet(a), [spd(3, (2,))]),
    ("solve matrix", lambda m, a, b: m.linalg.solve(a, b), [general(3, (2,)), randn(2, 3, 2)]),
    ("solve vector", lambda m, a, b: m.linalg.solve(a, b), [general(3), randn(3)]),
    ("solve batch of vectors", lambda m, a, b: m.linalg.solve(a, b), [general(3, (2,)), randn(2, 3)]),
    ("solve broadcast", lambda m, a, b: m.linalg.solve(a, b), [general(3, (2, 1)), randn(4, 3, 2)]),
    ("solve left=False", lambda m, a, b: m.linalg.solve(a, b, left=False), [general(3, (2,)), randn(4, 3)]),
    ("solve_ex", lambda m, a, b: m.linalg.solve_ex(a, b).result, [general(3), randn(3, 2)]),
    ("solve_triangular", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True), [randn(3, 3) + 3 * np.eye(3),
                                                                                       randn(2, 3, 2)]),
    ("solve_triangular unit right", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False, left=False,
                                                                              unitriangular=True),
     [randn(2, 1, 3, 3), randn(4, 2, 3)]),
    ("cholesky", lambda m, a: m.linalg.cholesky(a), [spd(3, (2,))]),
    ("cholesky upper", lambda m, a: m.linalg.cholesky(a, upper=True), [spd(3, (2,))]),
    ("cholesky_ex", lambda m, a: m.linalg.cholesky_ex(a).L, [spd(3)]),
    ("qr tall", lambda m, a: tuple(m.linalg.qr(a)), [randn(2, 4, 3)]),
    ("qr wide", lambda m, a: tuple(m.linalg.qr(a)), [randn(3, 5)]),
    ("qr complete wide", lambda m, a: tuple(m.linalg.qr(a, mode="complete")), [randn(2, 3, 4)]),
    ("eigh", lambda m, a: _eigh_invariants(m, a), [spd(4, (2,))]),
    ("eigh upper", lambda m, a: _eigh_invariants(m, a, "U"), [spd(3) + np.triu(np.ones((3, 3)), 1)]),
    ("eigvalsh", lambda m, a: m.linalg.eigvalsh(a), [spd(3, (2,))]),
    ("svd tall", lambda m, a: _svd_invariants(m, a, False), [randn(2, 4, 3)]),
    ("svd wide full", lambda m, a: _svd_invariants(m, a, True), [randn(3, 5)]),
    ("svd square", lambda m, a: _svd_invariants(m, a, True), [general(3, (2,))]),
    ("svdvals", lambda m, a: m.linalg.svdvals(a), [randn(2, 3, 4)]),
    ("pinv tall", lambda m, a: m.linalg.pinv(a), [randn(2, 4, 3)]),
    ("pinv wide", lambda m, a: m.linalg.pinv(a), [randn(3, 5)]),
    ("pinv hermitian", lambda m, a: m.linalg.pinv(a, hermitian=True), [spd(3) - 2 * np.eye(3)]),
    ("pinverse", lambda m, a: m.pinverse(a), [randn(4, 2)]),
    ("lstsq tall", lambda m, a, b: m.linalg.lstsq(a, b).solution, [randn(2, 5, 3), randn(2, 5, 2)]),
    ("lstsq wide vector", lambda m, a, b: m.linalg.lstsq(a, b).solution, [randn(3, 5), randn(3)]),
    ("lstsq gelsd", lambda m, a, b: tuple(m.linalg.lstsq(a, b, driver="gelsd")[:2]), [randn(5, 3), randn(5, 2)]),
    ("matrix_power 3", lambda m, a: m.linalg.matrix_power(a, 3), [general(3, (2,))]),
    ("matrix_power 0", lambda m, a: m.linalg.matrix_power(a, 0), [general(3)]),
    ("matrix_power -2", lambda m, a: m.linalg.matrix_power(a, -2), [general(3)]),
    ("matrix_exp", lambda m, a: m.linalg.matrix_exp(a), [randn(2, 3, 3)]),
    ("matrix_exp scaled", lambda m, a: m.matrix_exp(a), [6 * randn(4, 4)]),
    ("matrix_norm", lambda m, a: tuple(m.linalg.matrix_norm(a, o) for o in ("fro", "nuc", 2, -2)), [randn(2, 3, 4)]),
    ("matrix_norm sums", lambda m, a: tuple(m.linalg.matrix_norm(a, o) for o in (1, -1, np.inf, -np.inf)),
     [randn(2, 3, 4)]),
    ("matrix_norm dim keepdim", lambda m, a: m.linalg.matrix_norm(a, 1, dim=(2, 0), keepdim=True), [randn(3, 2, 4)]),
    ("vector_norm", lambda m, a: tuple(m.linalg.vector_norm(a, o, dim=-1) for o in (2, 1, 3, 0.5, -1, 0)),
     [randn(3, 4)]),
    ("vector_norm inf dims", lambda m, a: tuple(m.linalg.vector_norm(a, o, dim=(0, 2), keepdim=True)
                                                for o in (np.inf, -np.inf)), [randn(2, 3, 4)]),
    ("norm", lambda m, a: (m.linalg.norm(a), m.linalg.norm(a, dim=1), m.linalg.norm(a, 2, dim=(0, 1))),
     [randn(3, 4, 2)]),
    ("norm matrix ord", lambda m, a: m.linalg.norm(a, "nuc"), [randn(3, 4)]),
    ("cond", lambda m, a: (m.linalg.cond(a), m.linalg.cond(a, -2)), [randn(2, 3, 4)]),
    # values only: PyTorch 2.13's backward of cond for these orders fails (an in-place change of a saved tensor)
    ("cond fro", lambda m, a: (m.linalg.cond(a, "fro").detach(), m.linalg.cond(a, 1).detach()), [general(3, (2,))]),
    ("multi_dot", lambda m, a, b, c, d: m.linalg.multi_dot([a, b, c, d]),
     [randn(3), randn(3, 5), randn(5, 2), randn(2)]),
    ("cross", lambda m, a, b: m.linalg.cross(a, b), [randn(2, 3), randn(1, 3)]),
    ("vecdot", lambda m, a, b: m.linalg.vecdot(a, b, dim=0), [randn(3, 2), randn(3, 1)]),
    ("diagonal", lambda m, a: m.linalg.diagonal(a, offset=1), [randn(2, 3, 4)]),
    ("tensorinv", lambda m, a: m.linalg.tensorinv(a, ind=1), [general(6).reshape(6, 2, 3)]),
    ("tensorsolve", lambda m, a, b: m.linalg.tensorsolve(a, b), [general(6).reshape(2, 3, 6), randn(2, 3)]),
    ("matmul", lambda m, a, b: m.linalg.matmul(a, b), [randn(2, 3, 4), randn(4, 2)]),
    ("empty batch", lambda m, a: (m.linalg.inv(a), m.linalg.det(a), m.linalg.matrix_exp(a)), [np.zeros((0, 3, 3))]),
]

# the old top-level spellings and Tensor methods, which differ from torch.linalg (torch warns they are deprecated)
LEGACY = [
    ("svd some", lambda m, a: (lambda u, s, v: (s, u * u, (u * s[..., None, :]) @ v.mT))(*m.svd(a)), [randn(2, 4, 3)]),
    ("svd method", lambda m, a: (lambda u, s, v: (s, v * v))(*a.svd()), [randn(3, 4)]),
    ("svd compute_uv=False", lambda m, a: tuple(m.svd(a, compute_uv=False)), [randn(4, 3)]),
    ("qr some=False", lambda m, a: tuple(m.qr(a, some=False)), [randn(3, 4)]),
    ("qr method", lambda m, a: tuple(a.qr()), [randn(4, 3)]),
    ("cholesky upper", lambda m, a: m.cholesky(a, upper=True), [spd(3)]),
    ("methods", lambda m, a: (a.inverse(), a.logdet(), *a.slogdet(), a.pinverse(), a.matrix_power(2),
                              a.matrix_exp(), a.cholesky()), [spd(3)]),
]


def _run(call, arrays, device, **tol):
    check_against_torch(lambda *t: call(ag, *t), lambda *t: call(torch, *t), arrays, device, **tol)


@pytest.mark.parametrize("name,call,arrays", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, call, arrays, device):
    _run(call, arrays, device, atol=1e-10, rtol=1e-8)


@pytest.mark.filterwarnings("ignore:torch.(svd|qr|cholesky) is deprecated")
@pytest.mark.parametrize("name,call,arrays", LEGACY, ids=[c[0] for c in LEGACY])
def test_legacy_spellings_match_torch(name, call, arrays, device):
    _run(call, arrays, device, atol=1e-10, rtol=1e-8)


FLOAT32 = ["inv", "det", "solve broadcast", "cholesky", "qr tall", "eigh", "svd tall", "pinv tall", "matrix_exp",
           "matrix_norm", "lstsq tall"]


@pytest.mark.parametrize("name", FLOAT32)
def test_float32_matches_torch(name, device):
    _, call, arrays = next(c for c in CASES if c[0] == name)
    # a few dozen dependent roundings of values of order one, amplified by condition numbers of at most 3
    _run(call, [a.astype(np.float32) for a in arrays], device, **tolerance(np.float32, ops=64))


def _symmetric(fn):
    """fn of the symmetric part of its input: gradcheck perturbs every entry, and the symmetric-input ops read
    only one triangle while reporting PyTorch's symmetric gradient."""
    return lambda a, *rest: fn((a + a.mT) * 0.5, *rest)


def _sum_invariants(outputs):
    """One scalar from sign-invariant outputs."""
    return sum((o * o).sum() if o.ndim else o for o in outputs)


GRADCHECK = [
    ("inv", ag.linalg.inv, [general(3, (2,))]),
    ("det", ag.linalg.det, [general(3, (2,))]),
    ("det singular", ag.linalg.det, [np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])]),
    ("slogdet", lambda a: ag.linalg.slogdet(a).logabsdet, [general(3)]),
    ("solve", ag.linalg.solve, [general(3, (2, 1)), randn(3, 3, 2)]),
    ("solve_triangular", lambda a, b: ag.linalg.solve_triangular(a, b, upper=False), [general(3) + 3 * np.eye(3),
                                                                                    randn(2, 3, 2)]),
    ("solve_triangular unit right", lambda a, b: ag.linalg.solve_triangular(a, b, upper=True, left=False,
                                                                            unitriangular=True),
     [randn(3, 3), randn(2, 3)]),
    ("cholesky", _symmetric(ag.linalg.cholesky), [spd(3, (2,))]),
    ("cholesky upper", _symmetric(lambda a: ag.linalg.cholesky(a, upper=True)), [spd(3)]),
    ("qr tall", lambda a: tuple(ag.linalg.qr(a)), [randn(4, 3)]),
    ("qr wide", lambda a: tuple(ag.linalg.qr(a)), [randn(2, 3, 4)]),
    ("eigh", _symmetric(lambda a: _sum_invariants(_eigh_invariants(ag, a))), [spd(3, (2,))]),
    ("eigvalsh", _symmetric(ag.linalg.eigvalsh), [spd(3)]),
    ("svd", lambda a: _sum_invariants(_svd_invariants(ag, a, True)), [randn(4, 3)]),
    ("svd wide", lambda a: _sum_invariants(_svd_invariants(ag, a, False)), [randn(2, 3, 4)]),
    ("svdvals", ag.linalg.svdvals, [randn(3, 4)]),
    ("pinv", ag.linalg.pinv, [randn(2, 4, 3)]),
    ("lstsq", lambda a, b: ag.linalg.lstsq(a, b).solution, [randn(5, 3), randn(5, 2)]),
    ("matrix_exp", ag.linalg.matrix_exp, [2 * randn(2, 3, 3)]),
    ("matrix_power -3", lambda a: ag.linalg.matrix_power(a, -3), [general(3)]),
    ("matrix_norm nuc 2", lambda a: (ag.linalg.matrix_norm(a, "nuc"), ag.linalg.matrix_norm(a, 2)), [randn(3, 4)]),
    ("vector_norm", lambda a: (ag.linalg.vector_norm(a, 3, dim=0), ag.linalg.vector_norm(a)), [randn(3, 4)]),
    ("cond", ag.linalg.cond, [randn(3, 4)]),
    ("cond fro inf", lambda a: (ag.linalg.cond(a, "fro"), ag.linalg.cond(a, np.inf)), [general(3)]),
]


@pytest.mark.parametrize("name,fn,arrays", GRADCHECK, ids=[c[0] for c in GRADCHECK])
def test_gradcheck(name, fn, arrays, device):
    check_gradcheck(fn, arrays, device)


SECOND_ORDER = [
    ("inv", ag.linalg.inv, [general(3)]),
    ("det", ag.linalg.det, [general(3)]),
    ("solve", ag.linalg.solve, [general(3), randn(3, 2)]),
    ("cholesky", _symmetric(ag.linalg.cholesky), [spd(3)]),
    ("qr", lambda a: tuple(ag.linalg.qr(a)), [randn(4, 3)]),
    ("eigh", _symmetric(lambda a: _sum_invariants(_eigh_invariants(ag, a))), [spd(3)]),
    ("svd", lambda a: _sum_invariants(_svd_invariants(ag, a, False)), [randn(4, 3)]),
    ("pinv", ag.linalg.pinv, [randn(3, 4)]),
    ("matrix_exp", ag.linalg.matrix_exp, [randn(3, 3)]),
]


@pytest.mark.parametrize("name,fn,arrays", SECOND_ORDER, ids=[c[0] for c in SECOND_ORDER])
def test_second_derivatives_by_gradcheck(name, fn, arrays):
    """The gradient (taken with create_graph) is itself differentiable: gradcheck of x -> d<fn(x), c>/dx."""
    cot = None

    def gradient(*xs):
        nonlocal cot
        out = fn(*xs)
        out = out if isinstance(out, tuple) else (out,)
        if cot is None:
            rng = np.random.default_rng(0)
            cot = [ag.tensor(rng.standard_normal(o.shape)) for o in out]
        loss = sum((o * c).sum() for o, c in zip(out, cot))
        return ag.grad(loss, xs, create_graph=True)
    check_gradcheck(gradient, arrays)


def test_second_derivatives_match_torch():
    """Hessian-vector products of a few ops against PyTorch's double backward."""
    real_torch = require_torch()
    rng = np.random.default_rng(3)
    a, v = general(3, (2,)), rng.standard_normal((2, 3, 3))
    calls = (lambda m, x: m.linalg.inv(x), lambda m, x: m.linalg.det(x), lambda m, x: m.linalg.svdvals(x),
             lambda m, x: m.linalg.matrix_exp(x), lambda m, x: m.linalg.cholesky(x @ x.mT),
             lambda m, x: m.linalg.eigvalsh(x + x.mT))
    for call in calls:
        hessian_products = []
        for m, grad in ((ag, ag.grad), (real_torch, real_torch.autograd.grad)):
            x = m.tensor(a, requires_grad=True)
            out = call(m, x)
            cot = np.random.default_rng(4).standard_normal(tuple(out.shape))
            (g,) = grad((out * m.tensor(cot)).sum(), [x], create_graph=True)
            (h,) = grad((g * m.tensor(v)).sum(), [x])
            hessian_products.append(h.detach().numpy())
        np.testing.assert_allclose(*hessian_products, atol=1e-10, rtol=1e-8)
