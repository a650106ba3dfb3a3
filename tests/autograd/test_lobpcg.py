"""torch.lobpcg: the basic and ortho methods, largest and smallest, generalized (B), batched, with a given X and a
preconditioner, against torch.lobpcg and numpy.linalg.eigh (eigenvectors up to sign); gradients in A against
torch (and the exact ones from eigh), gradcheck, and the errors."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")


def _spd(m, seed=0, batch=()):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal(batch + (m, m)))
    w = np.linspace(1, 50, m) + rng.uniform(0, 0.5, batch + (m,))
    return (q * w[..., None, :]) @ q.swapaxes(-1, -2)


def _reference(a, b, k, largest):
    if b is not None:
        l_inv = np.linalg.inv(np.linalg.cholesky(b))
        w, y = np.linalg.eigh(l_inv @ a @ l_inv.swapaxes(-1, -2))
        v = l_inv.swapaxes(-1, -2) @ y
    else:
        w, v = np.linalg.eigh(a)
    if largest:
        w, v = w[..., ::-1], v[..., ::-1]
    return w[..., :k], v[..., :k]


def _check_pairs(E, X, a, b, k, largest, tol=1e-9):
    w, v = _reference(a, b, k, largest)
    np.testing.assert_allclose(E, w, rtol=tol)
    bv = v if b is None else b @ v
    overlap = np.abs(X.swapaxes(-1, -2) @ bv)          # |x_i^T B v_j| = delta_ij: equal up to sign
    np.testing.assert_allclose(overlap, np.broadcast_to(np.eye(k), overlap.shape), atol=1e-6)


@pytest.mark.parametrize("method", ["ortho", "basic"])
@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("generalized", [False, True])
def test_matches_torch_and_eigh(method, largest, generalized):
    a = _spd(30)
    b = _spd(30, seed=1) / 25 if generalized else None
    args = dict(k=3, largest=largest, method=method)
    E, X = ag.lobpcg(ag.tensor(a), B=None if b is None else ag.tensor(b), **args)
    tE, tX = torch.lobpcg(torch.tensor(a), B=None if b is None else torch.tensor(b), **args)
    assert E.shape == tuple(tE.shape) and X.shape == tuple(tX.shape) and E.dtype == np.float64
    if method == "ortho":   # torch's basic method with B can return a pair twice ([497.65, 199.58, 497.65])
        np.testing.assert_allclose(E.numpy(), tE.numpy(), rtol=1e-9)
    _check_pairs(E.numpy(), X.numpy(), a, b, 3, largest)


def test_batched_given_x_n_and_preconditioner():
    a = _spd(24, seed=2, batch=(2,))
    x0 = np.random.default_rng(3).standard_normal((2, 24, 4))
    E, X = ag.lobpcg(ag.tensor(a), k=2, X=ag.tensor(x0))
    tE, _ = torch.lobpcg(torch.tensor(a), k=2, X=torch.tensor(x0))
    np.testing.assert_allclose(E.numpy(), tE.numpy(), rtol=1e-9)
    _check_pairs(E.numpy(), X.numpy(), a, None, 2, True)
    ik = np.linalg.inv(a[0] + 5 * np.eye(24))            # a shifted-inverse preconditioner
    E, X = ag.lobpcg(ag.tensor(a[0]), k=2, n=3, iK=ag.tensor(ik), largest=False)
    _check_pairs(E.numpy(), X.numpy(), a[0], None, 2, False)
    E, X = ag.lobpcg(ag.tensor(a[0].astype(np.float32)), k=1)
    assert E.dtype == np.float32 and X.shape == (24, 1)
    np.testing.assert_allclose(E.numpy(), np.linalg.eigvalsh(a[0])[-1:], rtol=1e-4)


@pytest.mark.parametrize("largest", [True, False])
def test_gradient_matches_torch_and_eigh(largest):
    a = _spd(30, seed=4)
    rng = np.random.default_rng(5)
    g, ge = rng.standard_normal((30, 30)), rng.standard_normal(3)

    def grad(lib, fn):
        A = lib.tensor(a, requires_grad=True)
        E, X = fn(A)
        ((E * lib.tensor(ge)).sum() + ((X @ X.mT) * lib.tensor(g)).sum()).backward()    # sign-invariant loss
        return A.grad.numpy()

    def eigh_pairs(A):
        w, v = torch.linalg.eigh((A + A.mT) / 2)
        return (w.flip(-1)[:3], v.flip(-1)[:, :3]) if largest else (w[:3], v[:, :3])

    ours = grad(ag, lambda A: ag.lobpcg(A, k=3, largest=largest, tol=1e-13))
    np.testing.assert_allclose(ours, grad(torch, eigh_pairs), atol=1e-10)
    np.testing.assert_allclose(ours, grad(torch, lambda A: torch.lobpcg(A, k=3, largest=largest)), atol=1e-6)
    np.testing.assert_allclose(ours, ours.T, atol=1e-12)


def test_gradcheck():
    a = ag.tensor(_spd(9, seed=6), requires_grad=True)
    x0 = ag.tensor(np.random.default_rng(7).standard_normal((9, 2)))

    def f(A):
        E, X = ag.lobpcg(A, X=x0, tol=1e-14, niter=-1)
        return E, X @ X.mT

    assert ag.autograd.gradcheck(f, (a,), atol=1e-5)


def test_errors():
    a = ag.tensor(_spd(9))
    with pytest.raises(ValueError, match=r"lobpcg: A must be a square matrix.*\(9, 8\)"):
        ag.lobpcg(a[:, :8])
    with pytest.raises(ValueError, match=r"number of A rows \(=9\) is smaller than 3 x the number of requested "
                                         r"eigenpairs \(=4\)"):
        ag.lobpcg(a, k=4)
    with pytest.raises(ValueError, match=r"A and B must have same shape, got \(9, 9\) vs \(8, 8\)"):
        ag.lobpcg(a, B=ag.eye(8, dtype=ag.float64))
    with pytest.raises(ValueError, match=r"X must have shape \(9, 2\)"):
        ag.lobpcg(a, X=ag.ones(8, 2, dtype=ag.float64))
    with pytest.raises(ValueError, match="method must be 'ortho' or 'basic'"):
        ag.lobpcg(a, method="lanczos")
    A = ag.tensor(_spd(9), requires_grad=True)
    E, _ = ag.lobpcg(A, B=ag.tensor(np.eye(9), requires_grad=True))
    with pytest.raises(RuntimeError, match="lobpcg: backward does not support B != I"):
        E.sum().backward()
