"""torch.ormqr / Tensor.ormqr against PyTorch: left and right, transposed or not, tall and wide reflector matrices,
batches, complex; gradients in input, tau and other (gradcheck too), and the errors. geqrf already exists
(test_householder.py); its output feeds ormqr here."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch

torch = pytest.importorskip("torch")

CASES = [  # (input shape, tau length, other shape, left)
    ((5, 3), 3, (5, 2), True), ((5, 3), 3, (2, 5), False), ((3, 5), 3, (3, 4), True), ((4, 4), 4, (4, 4), True),
    ((2, 6, 4), 4, (2, 6, 3), True), ((2, 6, 4), 4, (2, 5, 6), False), ((3, 3), 3, (3, 0), True),
]


@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("shape, t, other, left", CASES)
def test_matches_torch(shape, t, other, left, transpose):
    rng = np.random.default_rng(0)
    a, tau, c = rng.standard_normal(shape), rng.standard_normal(shape[:-2] + (t,)), rng.standard_normal(other)
    check_against_torch(lambda A, T, C: ag.ormqr(A, T, C, left, transpose),
                        lambda A, T, C: torch.ormqr(A, T, C, left, transpose), [a, tau, c], atol=1e-12, rtol=1e-10)


def test_geqrf_then_ormqr_gives_q_and_method():
    rng = np.random.default_rng(1)
    A = ag.tensor(rng.standard_normal((6, 4)))
    a, tau = ag.geqrf(A)
    eye = ag.eye(6, dtype=ag.float64)
    q = a.ormqr(tau, eye)
    np.testing.assert_allclose((q.mT @ q).numpy(), np.eye(6), atol=1e-12)
    np.testing.assert_allclose(q.numpy()[:, :4], ag.linalg.qr(A).Q.numpy(), atol=1e-12)
    np.testing.assert_allclose(ag.ormqr(a, tau, A, transpose=True).numpy()[:4], ag.linalg.qr(A).R.numpy(),
                               atol=1e-12)


def test_complex_matches_torch():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((5, 3)) + 1j * rng.standard_normal((5, 3))
    tau = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    c = rng.standard_normal((5, 2)) + 1j * rng.standard_normal((5, 2))
    for left, transpose, other in ((True, False, c), (True, True, c), (False, True, c.T.copy())):
        ours = ag.ormqr(ag.tensor(a), ag.tensor(tau), ag.tensor(other), left, transpose).numpy()
        theirs = torch.ormqr(torch.tensor(a), torch.tensor(tau), torch.tensor(other), left, transpose).numpy()
        np.testing.assert_allclose(ours, theirs, atol=1e-12)


@pytest.mark.parametrize("left, transpose", [(True, False), (False, True)])
def test_gradcheck(left, transpose):
    rng = np.random.default_rng(3)
    a = ag.tensor(rng.standard_normal((2, 4, 3)), requires_grad=True)
    tau = ag.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    c = ag.tensor(rng.standard_normal((2, 4, 2) if left else (2, 2, 4)), requires_grad=True)
    assert ag.autograd.gradcheck(lambda A, T, C: ag.ormqr(A, T, C, left, transpose), (a, tau, c))


def test_errors_match_torch():
    a, tau = ag.ones(5, 3, dtype=ag.float64), ag.ones(3, dtype=ag.float64)
    with pytest.raises(RuntimeError, match=r"ormqr: other.shape\[-2\] must be equal to input.shape\[-2\], got 4"):
        ag.ormqr(a, tau, ag.ones(4, 2, dtype=ag.float64))
    with pytest.raises(RuntimeError, match=r"other.shape\[-1\] must be equal to input.shape\[-2\]"):
        ag.ormqr(a, tau, ag.ones(2, 4, dtype=ag.float64), left=False)
    with pytest.raises(RuntimeError, match=r"tau.shape\[-1\] must be equal to min\(other.shape\[-2\], "
                                           r"input.shape\[-1\]\) = 3, got tau of shape \(2,\)"):
        ag.ormqr(a, tau[:2], ag.ones(5, 2, dtype=ag.float64))
    with pytest.raises(RuntimeError, match="Expected input and other to have the same dtype, but input has dtype "
                                           "float64 and other has dtype float32"):
        ag.ormqr(a, tau, ag.ones(5, 2))
    with pytest.raises(RuntimeError, match="Expected other to have the same number of dimensions as input"):
        ag.ormqr(a, tau, ag.ones(2, 5, 2, dtype=ag.float64))
    with pytest.raises(RuntimeError, match=r"ormqr: other must have at least 2 dimensions, got shape \(5,\)"):
        ag.ormqr(a, tau, ag.ones(5, dtype=ag.float64))
