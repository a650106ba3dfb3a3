"""ag.linalg on complex matrices, and linalg.eig / eigvals, against PyTorch: values, dtypes and gradients of the
real loss Re(sum(conj(W) * out)) for random complex W (PyTorch's convention, dL/dx + i dL/dy) on batched
complex128 inputs and a few complex64 ones; complex128 gradcheck; the phase checks of eig, eigh and svd; and
the errors for singular and indefinite matrices.

Eigenvectors and singular vectors are defined only up to a phase per column, so they enter losses through
phase-invariant quantities (|V|, U Vh, V diag(L) V^-1); eig's eigenvalues are compared as sorted sets.
"""
import re
import types

import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch

RNG = np.random.default_rng(2026)


@pytest.fixture(autouse=True)
def _inputs_per_test():
    """The same random inputs for a test however many ran before it."""
    global RNG
    RNG = np.random.default_rng(2026)


def crandn(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


def unitary(n, batch=()):
    q, r = np.linalg.qr(crandn(*batch, n, n))
    d = np.diagonal(r, axis1=-2, axis2=-1)
    return q * (d / np.abs(d))[..., None, :]


def hpd(n, batch=()):
    """A Hermitian positive-definite matrix with eigenvalues spread over [1, 3]."""
    q = unitary(n, batch)
    return (q * np.linspace(1.0, 3.0, n)[..., None, :]) @ np.conj(np.swapaxes(q, -1, -2))


def general(m, n, batch=()):
    """A well-conditioned complex m x n matrix (singular values spread over [1, 3])."""
    k = min(m, n)
    u, v = unitary(m, batch)[..., :, :k], unitary(n, batch)[..., :k, :]
    return (u * np.linspace(1.0, 3.0, k)[..., None, :]) @ v


def const(m, like, array):
    """A constant tensor of module m on the device of tensor `like`."""
    return ag.tensor(array, device=like.device) if m is ag else m.tensor(array)


def _invariant_svd(m, out):
    u, s, vh = out
    k = s.shape[-1]
    return s, u[..., :, :k].abs() ** 2, u[..., :, :k] @ vh[..., :k, :]


def _lu_solve(m, a, b, left, adjoint):
    lu, piv = m.linalg.lu_factor(a)
    return m.linalg.lu_solve(lu, piv, b, left=left, adjoint=adjoint)


#: name -> (f(module, *tensors), inputs): outputs of f are compared with torch's, and so are the gradients
CASES = {
    "det": (lambda m, a: m.linalg.det(a), lambda: [general(4, 4, (2,))]),
    "slogdet": (lambda m, a: tuple(m.linalg.slogdet(a)), lambda: [general(4, 4, (2,))]),
    "inv": (lambda m, a: m.linalg.inv(a), lambda: [general(4, 4, (2,))]),
    "inv_ex": (lambda m, a: m.linalg.inv_ex(a)[0], lambda: [general(3, 3, (2,))]),
    "solve": (lambda m, a, b: m.linalg.solve(a, b), lambda: [general(4, 4, (2,)), crandn(3, 1, 4, 2)]),
    "solve_vector_right": (lambda m, a, b: (m.linalg.solve(a, b[0]), m.linalg.solve_ex(a, b)[0],
                                            m.linalg.solve(a, b[..., None, :], left=False)),
                           lambda: [general(3, 3, (2,)), crandn(2, 3)]),
    "solve_triangular": (lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True)
                         + m.linalg.solve_triangular(a, b.mT, upper=False, left=False, unitriangular=True).mT,
                         lambda: [general(3, 3, (2,)) + 3 * np.eye(3), crandn(2, 3, 3)]),
    "cholesky": (lambda m, a: m.linalg.cholesky(a), lambda: [hpd(4, (2,))]),
    "cholesky_upper_ex": (lambda m, a: m.linalg.cholesky_ex(a, upper=True)[0], lambda: [hpd(3, (2,))]),
    "qr_tall": (lambda m, a: tuple(m.linalg.qr(a)), lambda: [general(5, 3, (2,))]),
    "qr_wide": (lambda m, a: tuple(m.linalg.qr(a)), lambda: [general(3, 5, (2,))]),
    "qr_complete_wide": (lambda m, a: tuple(m.linalg.qr(a, mode="complete")), lambda: [general(3, 4)]),
    "eigh": (lambda m, a: (m.linalg.eigh(a)[0], m.linalg.eigh(a)[1].abs() ** 2), lambda: [hpd(4, (2,))]),
    "eigh_upper": (lambda m, a: (m.linalg.eigh(a, UPLO="U")[0], m.linalg.eigvalsh(a, UPLO="U")),
                   lambda: [hpd(3, (2,))]),
    "svd_tall": (lambda m, a: _invariant_svd(m, m.linalg.svd(a)), lambda: [general(5, 3, (2,))]),
    "svd_wide": (lambda m, a: _invariant_svd(m, m.linalg.svd(a, full_matrices=False)), lambda: [general(3, 5, (2,))]),
    "svdvals": (lambda m, a: m.linalg.svdvals(a), lambda: [general(4, 3, (2,))]),
    "pinv": (lambda m, a: m.linalg.pinv(a), lambda: [general(5, 3, (2,))]),
    "pinv_hermitian": (lambda m, a: m.linalg.pinv(a, hermitian=True), lambda: [hpd(3, (2,)) - 1.5 * np.eye(3)]),
    "matrix_norms": (lambda m, a: m.stack([m.linalg.matrix_norm(a, o) for o in ("fro", "nuc", 2, -2, 1, -1,
                                                                                np.inf, -np.inf)]),
                     lambda: [general(4, 3, (2,))]),
    "norm": (lambda m, a: (m.linalg.norm(a), m.linalg.norm(a, "nuc"), m.linalg.norm(a, dim=-1)),
             lambda: [crandn(3, 4)]),
    "lstsq": (lambda m, a, b: m.linalg.lstsq(a, b).solution, lambda: [general(5, 3, (2,)), crandn(2, 5, 2)]),
    "lu_factor": (lambda m, a: tuple(m.linalg.lu_factor(a)), lambda: [crandn(2, 4, 4)]),
    "lu_pivots_by_re_plus_im": (lambda m, a: tuple(m.linalg.lu_factor(a)),
                                lambda: [np.array([[3, 1], [2 + 2j, 5]], dtype=np.complex128)]),
    "lu": (lambda m, a: tuple(m.linalg.lu(a)), lambda: [crandn(2, 4, 3)]),
    "lu_solve": (lambda m, a, b: _lu_solve(m, a, b, True, False) + _lu_solve(m, a, b, True, True)
                 + _lu_solve(m, a, b, False, False) + _lu_solve(m, a, b, False, True),
                 lambda: [general(3, 3, (2,)), crandn(2, 3, 3)]),
    "matrix_exp": (lambda m, a: m.linalg.matrix_exp(a), lambda: [0.7 * crandn(2, 3, 3)]),
    "matrix_power": (lambda m, a: (m.linalg.matrix_power(a, 3), m.linalg.matrix_power(a, -2)),
                     lambda: [general(3, 3, (2,))]),
    "multi_dot": (lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), lambda: [crandn(4), crandn(4, 5), crandn(5, 2)]),
    "vecdot": (lambda m, x, y: m.linalg.vecdot(x, y), lambda: [crandn(3, 4), crandn(2, 3, 4)]),
    "cross": (lambda m, x, y: m.linalg.cross(x, y), lambda: [crandn(2, 3), crandn(2, 3)]),
    "householder_product": (lambda m, a, t: (m.linalg.householder_product(a, t), m.orgqr(a, t[..., :2])),
                            lambda: [crandn(2, 4, 3), crandn(2, 3)]),
    "det_real_times_complex": (lambda m, a, r: m.linalg.det(a * r), lambda: [general(3, 3, (2,)),
                                                                               RNG.standard_normal((3, 3)) + 2]),
    "torch_top_level_names": (lambda m, a: (m.logdet(a), (lambda u, _, v: u @ v.mH)(*m.svd(a)), m.det(a), m.inverse(a),
                                            m.pinverse(a), m.slogdet(a)[1]), lambda: [general(3, 3, (2,))]),
    "cond_rank_tensorsolve": (lambda m, a, b: (m.linalg.cond(a), m.linalg.matrix_rank(a),
                                               m.linalg.tensorsolve(a, b), m.linalg.tensorinv(a, 1)),
                              lambda: [general(3, 3), crandn(3)]),
    "eigvals": (lambda m, a: m.linalg.eigvals(a).abs(), lambda: [crandn(2, 4, 4)]),
    "eigvals_real_input": (lambda m, a: m.linalg.eigvals(a).abs(), lambda: [RNG.standard_normal((2, 4, 4))]),
}


def compare(fn, arrays, device, atol=1e-9, dtype=None, grad=True):
    """Run fn on ag and torch; check dtypes and values, then the input gradients of Re(sum(conj(W) * out));
    returns the largest error (values, gradients)."""
    torch = require_torch()
    if dtype is not None:
        arrays = [a.astype(dtype) for a in arrays]
    ts = [ag.tensor(a, device=device, requires_grad=grad) for a in arrays]
    tt = [torch.tensor(a, requires_grad=grad) for a in arrays]
    ours, theirs = fn(ag, *ts), fn(torch, *tt)
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    rng = np.random.default_rng(5)
    worst = [0.0, 0.0]
    loss_o = loss_t = 0
    for o, t in zip(ours, theirs):
        expected = t.detach().resolve_conj().numpy()
        assert o.dtype == expected.dtype and tuple(o.shape) == expected.shape
        np.testing.assert_allclose(o.numpy(), expected, atol=atol, rtol=atol)
        worst[0] = max(worst[0], float(np.abs(o.numpy() - expected).max(initial=0)))
        if grad and t.requires_grad:
            assert o.requires_grad
            w = rng.standard_normal(o.shape) + (1j * rng.standard_normal(o.shape) if o.dtype.kind == "c" else 0)
            w = np.conj(w).astype(o.dtype)
            loss_o = loss_o + (ag.tensor(w, device=device) * o).real.sum()
            loss_t = loss_t + (torch.tensor(w) * t).real.sum()
    if grad:
        loss_o.backward()
        loss_t.backward()
        for a, b in zip(ts, tt):
            expected = b.grad.resolve_conj().numpy()
            assert a.grad.dtype == expected.dtype
            np.testing.assert_allclose(a.grad.numpy(), expected, atol=atol, rtol=atol)
            worst[1] = max(worst[1], float(np.abs(a.grad.numpy() - expected).max()))
    return worst


@pytest.mark.parametrize("name", sorted(CASES))
def test_against_torch_complex128(name, device):
    fn, make = CASES[name]
    compare(fn, make(), device)


@pytest.mark.parametrize("name", ["inv", "solve", "cholesky", "qr_tall", "eigh", "svd_tall", "pinv", "det",
                                  "matrix_exp", "eigvals"])
def test_against_torch_complex64(name, device):
    fn, make = CASES[name]
    compare(fn, make(), device, atol=2e-4, dtype=np.complex64)


#: complex128 gradcheck: name -> (f(*tensors), inputs), each f phase-invariant where vectors enter
GRADCHECK = {
    "det_slogdet": (lambda a: ag.linalg.det(a) + ag.linalg.slogdet(a)[0] * ag.linalg.slogdet(a)[1],
                    lambda: [general(3, 3)]),
    "inv_solve": (lambda a, b: ag.linalg.inv(a) @ b + ag.linalg.solve(a, b), lambda: [general(3, 3), crandn(3, 2)]),
    "cholesky": (lambda a: ag.linalg.cholesky(a @ a.mH + a.new_tensor(3 * np.eye(3))), lambda: [crandn(3, 3)]),
    "qr": (lambda a: ag.linalg.qr(a)[0] + ag.linalg.qr(a.mH)[1].mH[:, :3], lambda: [general(4, 3)]),
    "eigh": (lambda a: (lambda w, v: (w, v.abs(), v @ v.mH))(*ag.linalg.eigh(a @ a.mH + a.new_tensor(
        np.diag([1.0, 2.0, 3.0])))), lambda: [0.3 * crandn(3, 3)]),
    "svd": (lambda a: _invariant_svd(ag, ag.linalg.svd(a)), lambda: [general(4, 3)]),
    "pinv_lstsq": (lambda a, b: (ag.linalg.pinv(a), ag.linalg.lstsq(a, b).solution),
                   lambda: [general(4, 3), crandn(4, 2)]),
    "lu": (lambda a: tuple(ag.linalg.lu(a))[1:], lambda: [crandn(3, 3)]),
    "matrix_exp": (lambda a: ag.linalg.matrix_exp(a), lambda: [0.5 * crandn(3, 3)]),
    "householder_product": (lambda a, t: ag.linalg.householder_product(a, t), lambda: [crandn(4, 3), crandn(2)]),
    "eig": (lambda a: (lambda w, v: (w, v.abs(), (v * w[None, :]) @ ag.linalg.inv(v)))(*ag.linalg.eig(a)),
            lambda: [crandn(3, 3)]),
    "eig_real_input": (lambda a: (lambda w, v: (w, v.abs()))(*ag.linalg.eig(a)), lambda: [RNG.standard_normal((3, 3))]),
    "eigvals": (lambda a: ag.linalg.eigvals(a), lambda: [crandn(3, 3)]),
}


@pytest.mark.parametrize("name", sorted(GRADCHECK))
def test_gradcheck(name, device):
    fn, make = GRADCHECK[name]
    inputs = [ag.tensor(a, device=device, requires_grad=True) for a in make()]
    assert ag.gradcheck(fn, inputs, raise_exception=True)


#: second derivatives: name -> (input, phase-invariant loss(module, a, W) with W a real weight matrix)
SECOND_ORDER = {
    "eig": (lambda: crandn(2, 3, 3), lambda m, a, w: (m.linalg.eig(a)[1].abs() ** 2 * w).sum()
            + (m.linalg.eig(a)[0] ** 2).real.sum()),
    "eig_real_input": (lambda: RNG.standard_normal((2, 3, 3)),
                       lambda m, a, w: (m.linalg.eig(a)[1].abs() ** 2 * w).sum()),
    "eigvals": (lambda: crandn(2, 3, 3), lambda m, a, w: (m.linalg.eigvals(a) ** 2).real.sum()),
    "eigh": (lambda: hpd(3, (2,)), lambda m, a, w: (m.linalg.eigh(a)[1].abs() ** 2 * w).sum()),
    "svd": (lambda: general(3, 3, (2,)), lambda m, a, w: (m.linalg.svd(a)[0].abs() ** 2 * w).sum()
            + (m.linalg.svd(a)[2].abs() ** 3 * w).sum()),
    "qr": (lambda: general(3, 3, (2,)), lambda m, a, w: (m.linalg.qr(a)[0] * w).real.sum()),
    "cholesky": (lambda: hpd(3, (2,)), lambda m, a, w: (m.linalg.cholesky(a) * w).imag.sum()),
    "det_slogdet": (lambda: general(3, 3, (2,)), lambda m, a, w: (m.linalg.det(a) ** 2).real.sum()
                    + m.linalg.slogdet(a)[1].sum()),
    "pinv_inv": (lambda: general(3, 3, (2,)), lambda m, a, w: (m.linalg.pinv(a) * w).imag.sum()
                 + (m.linalg.inv(a) * w).real.sum()),
}


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
def test_second_derivatives_against_torch(name, device):
    torch = require_torch()
    make, loss = SECOND_ORDER[name]
    x, w = make(), RNG.standard_normal((3, 3))
    a = ag.tensor(x, device=device, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    (g,) = ag.grad(loss(ag, a, ag.tensor(w, device=device)), [a], create_graph=True)
    (gt,) = torch.autograd.grad(loss(torch, t, torch.tensor(w)), [t], create_graph=True)
    (g2,) = ag.grad((g * g.conj()).real.sum(), [a])
    (g2t,) = torch.autograd.grad((gt * gt.conj()).real.sum(), [t])
    np.testing.assert_allclose(g2.numpy(), g2t.resolve_conj().numpy(), atol=1e-9, rtol=1e-9)


@pytest.mark.parametrize("real", [True, False])
def test_eig_against_torch(real, device):
    torch = require_torch()
    a = RNG.standard_normal((3, 5, 5)) if real else crandn(3, 5, 5)
    w, v = ag.linalg.eig(ag.tensor(a, device=device))
    tw, tv = (t.numpy() for t in torch.linalg.eig(torch.tensor(a)))
    assert w.dtype == tw.dtype == np.complex128 and v.dtype == tv.dtype
    np.testing.assert_allclose(np.sort_complex(w.numpy()), np.sort_complex(tw), atol=1e-10)
    w, v = w.numpy(), v.numpy()
    np.testing.assert_allclose((v * w[..., None, :]) @ np.linalg.inv(v), a, atol=1e-10)
    # LAPACK's normalisation, as PyTorch's: unit columns whose largest component is real; the same columns as
    # PyTorch's up to a sign (LAPACK builds may pick either)
    np.testing.assert_allclose(np.linalg.norm(v, axis=-2), 1, atol=1e-12)
    top = np.take_along_axis(v, np.abs(v).argmax(axis=-2)[..., None, :], axis=-2)
    np.testing.assert_allclose(top.imag, 0, atol=1e-12)
    overlap = np.abs(np.einsum("...ij,...ij->...j", np.conj(v), tv))
    np.testing.assert_allclose(overlap, 1, atol=1e-10)


@pytest.mark.parametrize("real", [True, False])
def test_eig_gradients_of_invariant_losses(real, device):
    a = RNG.standard_normal((2, 4, 4)) if real else crandn(2, 4, 4)
    weights = RNG.standard_normal((4, 4))
    wl = crandn(2, 4)
    compare(lambda m, x: (m.linalg.eig(x)[0] * const(m, x, wl)).real.sum()
            + (m.linalg.eig(x)[1].abs() ** 2 * const(m, x, weights)).sum(), [a], device)
    compare(lambda m, x: (lambda w, v: (v * w[..., None, :]) @ m.linalg.inv(v))(*m.linalg.eig(x)), [a], device,
            atol=1e-8)
    compare(lambda m, x: m.linalg.eig(x)[0], [a.astype(np.float32) if real else a.astype(np.complex64)], device,
            atol=2e-4)


def test_phase_dependent_losses_raise_as_in_torch(device):
    torch = require_torch()
    a, h = crandn(3, 3), hpd(3)
    losses = [("eig", a, lambda m, x: m.linalg.eig(x)[1].real.sum()),
              ("eigh", h, lambda m, x: m.linalg.eigh(x)[1].real.sum()),
              ("svd", a, lambda m, x: m.linalg.svd(x)[0].real.sum())]
    for name, x, loss in losses:
        with pytest.raises(RuntimeError, match="e\\^\\{i phi\\}"):
            loss(torch, torch.tensor(x, requires_grad=True)).backward()
        with pytest.raises(RuntimeError, match=rf"linalg\.{name}: the loss depends on the phase.*e\^\{{i phi\}}"):
            loss(ag, ag.tensor(x, device=device, requires_grad=True)).backward()


def test_det_of_singular_matrices_has_the_adjugate_gradient(device):
    # as for real matrices, the true derivative (PyTorch gives 0 where its LU finds an exact zero pivot)
    a = crandn(2, 3, 3)
    a[:, :, 2] = a[:, :, 0] + 2j * a[:, :, 1]
    x = ag.tensor(a, device=device, requires_grad=True)
    assert ag.linalg.det(x).abs().max().item() < 1e-12
    assert ag.gradcheck(ag.linalg.det, [x], raise_exception=True)
    a[:, 2, 2] += 1e-9     # nearly singular: PyTorch's gradient is the adjugate there too
    compare(lambda m, y: m.linalg.det(y), [a], device, atol=1e-6)


def test_slogdet_sign_carries_gradient(device):
    w = crandn(2)
    compare(lambda m, x: (m.linalg.slogdet(x)[0] * const(m, x, w)).real.sum() + m.linalg.slogdet(x)[1].sum(),
            [general(3, 3, (2,))], device)


def test_cholesky_reads_only_the_lower_triangle(device):
    a = hpd(3, (2,)) + np.triu(crandn(3, 3), 1)
    compare(lambda m, x: m.linalg.cholesky(x), [a], device)


def test_geqrf_then_householder_product_is_qr(device):
    torch = require_torch()
    a = crandn(2, 5, 3)
    h, tau = ag.geqrf(ag.tensor(a, device=device))
    th, ttau = torch.geqrf(torch.tensor(a))
    assert h.dtype == tau.dtype == np.complex128
    np.testing.assert_allclose(h.numpy(), th.numpy(), atol=1e-12)
    np.testing.assert_allclose(tau.numpy(), ttau.numpy(), atol=1e-12)
    q = ag.linalg.householder_product(h, tau).numpy()
    np.testing.assert_allclose(q @ np.triu(h.numpy()[..., :3, :]), a, atol=1e-12)


def test_eigh_reads_one_triangle(device):
    a = hpd(3, (2,)) + np.triu(crandn(3, 3), 1)
    compare(lambda m, x: (m.linalg.eigh(x)[0], m.linalg.eigh(x)[1].abs(), m.linalg.eigvalsh(x)), [a], device)
    compare(lambda m, x: m.linalg.eigvalsh(x, UPLO="U"), [np.conj(np.swapaxes(a, -1, -2))], device)
    compare(lambda m, x: (m.linalg.eigvalsh(x), m.linalg.svdvals(x), m.linalg.matrix_rank(x)), [a], device, grad=False)


def test_cholesky_solve_and_inverse_use_the_conjugate_transpose(device):
    torch = require_torch()
    low = np.linalg.cholesky(hpd(3, (2,)))
    b = crandn(2, 3, 2)
    for upper in (False, True):
        factor = np.conj(np.swapaxes(low, -1, -2)) if upper else low
        ours = [ag.tensor(x, device=device, requires_grad=True) for x in (b, factor)]
        theirs = [torch.tensor(x, requires_grad=True) for x in (b, factor)]
        out = ag.cholesky_solve(*ours, upper=upper) + ag.cholesky_inverse(ours[1], upper=upper)[..., :2]
        expected = torch.cholesky_solve(*theirs, upper=upper) + torch.cholesky_inverse(theirs[1], upper=upper)[..., :2]
        np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), atol=1e-12)
        out.abs().sum().backward()
        expected.abs().sum().backward()
        np.testing.assert_allclose(ours[0].grad.numpy(), theirs[0].grad.numpy(), atol=1e-12)
        # the factor's gradient: on the triangle it is read from (PyTorch also fills the other one)
        keep = np.triu(np.ones((3, 3), bool)) if upper else np.tril(np.ones((3, 3), bool))
        np.testing.assert_allclose(ours[1].grad.numpy() * keep, theirs[1].grad.resolve_conj().numpy() * keep,
                                   atol=1e-12)


def test_cond_in_every_norm(device):
    # values only: torch 2.13's backward of cond for p other than 2 / -2 / None fails (an in-place update of a
    # tensor it saved), so there is no gradient to compare with
    a = general(3, 3, (2,))
    compare(lambda m, x: tuple(m.linalg.cond(x, p) for p in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf)),
            [a], device, grad=False)


def test_lstsq_drivers_dtypes(device):
    torch = require_torch()
    a, b = general(5, 3), crandn(5, 2)
    for driver in ("gels", "gelsy", "gelsd", "gelss"):
        ours = ag.linalg.lstsq(ag.tensor(a, device=device), ag.tensor(b, device=device), driver=driver)
        theirs = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver=driver)
        for o, t in zip(ours, theirs):
            assert o.dtype == t.numpy().dtype and tuple(o.shape) == tuple(t.shape), driver
            np.testing.assert_allclose(o.numpy(), t.numpy(), atol=1e-10)


def test_errors_as_in_torch(device):
    torch = require_torch()
    singular = np.ones((2, 3, 3), dtype=np.complex128)
    calls = [("inv", lambda m, x: m.linalg.inv(x), "The diagonal element 2 is zero"),
             ("solve", lambda m, x: m.linalg.solve(x, x), "The solver failed because the input matrix is singular"),
             ("cholesky", lambda m, x: m.linalg.cholesky(x), "The factorization could not be completed because the "
              "input is not positive-definite (the leading minor of order 2 is not positive-definite)")]
    for name, call, message in calls:
        with pytest.raises(RuntimeError, match=rf"\(Batch element 0\): {re.escape(message)}"):
            call(torch, torch.tensor(singular))
        with pytest.raises(ag.linalg.LinAlgError, match=rf"linalg\.{name}: \(Batch element 0\): {re.escape(message)}"):
            call(ag, ag.tensor(singular, device=device))
    info = ag.linalg.cholesky_ex(ag.tensor(singular, device=device)).info
    assert info.tolist() == torch.linalg.cholesky_ex(torch.tensor(singular)).info.tolist()


def test_qr_refuses_the_gradients_pytorch_refuses(device):
    a = ag.tensor(crandn(4, 3), device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"mode='r'"):
        ag.linalg.qr(a, mode="r")[1].abs().sum().backward()
    with pytest.raises(RuntimeError, match=r"not differentiable when mode='complete' and nrows > ncols"):
        ag.linalg.qr(a, mode="complete")[1].abs().sum().backward()


def test_eig_refuses_cupy_arrays_naming_the_fix():
    from autograd.ops.linalg_complex import _host_only
    fake = types.SimpleNamespace(device=types.SimpleNamespace(xp=object(), __str__=lambda self: "cuda:0"))
    with pytest.raises(TypeError, match=r"linalg\.eig: not available on .*CuPy has no eigensolver.*A\.cpu\(\)"):
        _host_only("linalg.eig", fake)
