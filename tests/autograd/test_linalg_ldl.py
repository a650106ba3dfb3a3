"""linalg.ldl_factor, ldl_factor_ex and ldl_solve against PyTorch: LAPACK's compact LD and 1-based pivots
(negative for 2x2 blocks) on symmetric, indefinite, singular and complex (Hermitian or symmetric) matrices,
batched, through SciPy's LAPACK and through the NumPy Bunch-Kaufman fallback; no gradient, as in PyTorch."""
import numpy as np
import pytest

import autograd as ag
from autograd.ops import linalg_ldl
from tests.helpers import require_torch, torch

REAL = [np.float32, np.float64]
COMPLEX = [(np.complex64, False), (np.complex128, False), (np.complex64, True), (np.complex128, True)]


def _symmetric(rng, shape, dtype, hermitian=False, kind="indefinite"):
    a = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    a = a + (np.conj(np.swapaxes(a, -1, -2)) if hermitian else np.swapaxes(a, -1, -2))
    n = shape[-1]
    if kind == "zero_diagonal":   # forces 2x2 pivots
        a[..., np.arange(n), np.arange(n)] = 0
    elif kind == "positive":
        a = a @ np.conj(np.swapaxes(a, -1, -2)) + n * np.eye(n)
    return a.astype(dtype)


@pytest.fixture(params=["scipy", "numpy"])
def engine(request, monkeypatch):
    """Which factorisation runs: SciPy's LAPACK (skipped without SciPy) or the NumPy fallback."""
    if request.param == "scipy":
        pytest.importorskip("scipy")
    else:
        monkeypatch.setattr(linalg_ldl, "_scipy_lapack", lambda: None)
    return request.param


def _tolerance(dtype):
    return 1e-4 if np.dtype(dtype) in (np.dtype(np.float32), np.dtype(np.complex64)) else 1e-10


def _check(a, hermitian=False, device="cpu"):
    """ldl_factor_ex and ldl_solve of `a` equal PyTorch's: the same pivots and info, LD and X to rounding."""
    require_torch()
    ours = ag.linalg.ldl_factor_ex(ag.tensor(a, device=device), hermitian=hermitian)
    theirs = torch.linalg.ldl_factor_ex(torch.tensor(a), hermitian=hermitian)
    tol = _tolerance(a.dtype)
    assert ours.LD.dtype == a.dtype and ours.pivots.dtype == np.int32 and ours.info.dtype == np.int32
    np.testing.assert_array_equal(ours.pivots.numpy(), theirs.pivots.numpy())
    np.testing.assert_array_equal(ours.info.numpy(), theirs.info.numpy())
    np.testing.assert_allclose(ours.LD.numpy(), theirs.LD.numpy(), rtol=10 * tol, atol=tol)
    if theirs.info.any():
        return
    b = np.random.default_rng(9).standard_normal(a.shape[:-1] + (2,)).astype(a.dtype)
    x = ag.linalg.ldl_solve(ours.LD, ours.pivots, ag.tensor(b, device=device), hermitian=hermitian)
    xt = torch.linalg.ldl_solve(theirs.LD, theirs.pivots, torch.tensor(b), hermitian=hermitian)
    assert x.dtype == a.dtype and tuple(x.shape) == tuple(xt.shape)
    np.testing.assert_allclose(x.numpy(), xt.numpy(), rtol=1e3 * tol, atol=1e3 * tol)


@pytest.mark.parametrize("dtype", REAL)
@pytest.mark.parametrize("kind", ["indefinite", "zero_diagonal", "positive"])
def test_real_factor_and_solve_match_torch(engine, device, dtype, kind):
    rng = np.random.default_rng(1)
    for n in (1, 2, 3, 6, 13):
        _check(_symmetric(rng, (n, n), dtype, kind=kind), device=device)
    _check(_symmetric(rng, (2, 3, 5, 5), dtype, kind=kind), device=device)   # batched


@pytest.mark.parametrize("dtype, hermitian", COMPLEX)
@pytest.mark.parametrize("kind", ["indefinite", "zero_diagonal"])
def test_complex_symmetric_and_hermitian_match_torch(engine, dtype, hermitian, kind):
    rng = np.random.default_rng(2)
    for n in (2, 5, 9):
        _check(_symmetric(rng, (n, n), dtype, hermitian, kind), hermitian)
    _check(_symmetric(rng, (3, 4, 4), dtype, hermitian, kind), hermitian)


def test_large_matrix_matches_torch(engine):
    _check(_symmetric(np.random.default_rng(3), (80, 80), np.float64))   # past LAPACK's block size


def test_singular_matrices_report_info_as_torch(engine):
    rng = np.random.default_rng(4)
    a = _symmetric(rng, (2, 3, 4, 4), np.float64)
    a[1, 2] = 0
    a[0, 1, :, 0] = a[0, 1, 0, :] = 0
    _check(a)
    with pytest.raises(ag.linalg.LinAlgError, match=r"\(Batch element 1\).*singular"):
        ag.linalg.ldl_factor(ag.tensor(a))
    with pytest.raises(RuntimeError, match="singular"):
        ag.linalg.ldl_factor_ex(ag.tensor(a), check_errors=True)


def test_solve_broadcasts_batches_and_reads_only_the_lower_triangle():
    require_torch()
    rng = np.random.default_rng(5)
    a = _symmetric(rng, (4, 4), np.float64)
    ld, piv = ag.linalg.ldl_factor(ag.tensor(np.tril(a) + np.triu(np.full((4, 4), 7.0), 1)))   # upper ignored
    b = rng.standard_normal((3, 4, 2))
    x = ag.linalg.ldl_solve(ld, piv, ag.tensor(b))
    np.testing.assert_allclose(x.numpy(), np.linalg.solve(a, b), rtol=1e-9, atol=1e-9)
    xt = torch.linalg.ldl_solve(*torch.linalg.ldl_factor(torch.tensor(a)), torch.tensor(b))
    np.testing.assert_allclose(x.numpy(), xt.numpy(), rtol=1e-12, atol=1e-12)
    assert ag.linalg.ldl_factor(ag.zeros(2, 0, 0)).pivots.shape == (2, 0)
    assert ag.linalg.ldl_factor(ag.zeros(0, 0)).LD.shape == (0, 0)


def test_no_gradient_as_in_torch():
    a = ag.tensor(_symmetric(np.random.default_rng(6), (3, 3), np.float64), requires_grad=True)
    ld, piv = ag.linalg.ldl_factor(a)
    assert ld.requires_grad and not piv.requires_grad and ld.grad_fn.name() == "torch::autograd::NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for linalg_ldl_factor_ex is not implemented"):
        ld.sum().backward()
    b = ag.ones(3, 1, dtype=ag.float64, requires_grad=True)
    x = ag.linalg.ldl_solve(ld.detach(), piv, b)
    assert x.requires_grad
    with pytest.raises(RuntimeError, match="derivative for linalg_ldl_solve is not implemented"):
        x.sum().backward()


@pytest.mark.parametrize("call, kind, match", [
    (lambda: ag.linalg.ldl_factor(ag.zeros(3, 4)), ValueError, "square"),
    (lambda: ag.linalg.ldl_factor(ag.zeros(3)), ValueError, "at least 2 dimensions"),
    (lambda: ag.linalg.ldl_factor(ag.zeros(3, 3, dtype=ag.int64)), TypeError, "floating point"),
    (lambda: ag.linalg.ldl_factor(ag.zeros(3, 3, dtype=ag.float16)), TypeError, "low precision"),
    (lambda: ag.linalg.ldl_factor(np.eye(3)), TypeError, "Tensor"),
    (lambda: ag.linalg.ldl_solve(ag.eye(3), ag.tensor([1, 2, 3], dtype=ag.int32), ag.ones(3, 1, dtype=ag.float64)),
     TypeError, "same dtype"),
    (lambda: ag.linalg.ldl_solve(ag.eye(3), ag.tensor([1, 2, 3], dtype=ag.int32), ag.ones(4, 1)),
     RuntimeError, "Incompatible matrix sizes"),
    (lambda: ag.linalg.ldl_solve(ag.eye(3), ag.tensor([1, 2], dtype=ag.int32), ag.ones(3, 1)),
     RuntimeError, "pivots.shape to be the same"),
    (lambda: ag.linalg.ldl_solve(ag.eye(3), ag.tensor([1.0, 2.0, 3.0]), ag.ones(3, 1)), TypeError, "integer"),
    (lambda: ag.linalg.ldl_solve(ag.eye(3), ag.tensor([1, 2, 9], dtype=ag.int32), ag.ones(3, 1)),
     RuntimeError, r"\[1, 3\]"),
    (lambda: ag.linalg.ldl_solve(ag.eye(3), ag.tensor([1, 2, 3], dtype=ag.int32), ag.ones(3)), ValueError,
     "at least 2 dimensions"),
])
def test_bad_input_errors(call, kind, match):
    with pytest.raises(kind, match=match):
        call()
