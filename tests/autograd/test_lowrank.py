"""torch.svd_lowrank / pca_lowrank: exact on matrices of low rank (against torch and numpy's SVD), batched, wide and
tall, with M and centring, differentiable (against torch where the result does not depend on the random draw,
gradcheck with a fixed seed otherwise), and the errors."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")


def _low_rank(shape, rank, seed=0):
    rng = np.random.default_rng(seed)
    *batch, m, n = shape
    return rng.standard_normal((*batch, m, rank)) @ rng.standard_normal((*batch, rank, n))


@pytest.mark.parametrize("shape, rank, q", [((8, 5), 2, 4), ((5, 9), 3, 6), ((3, 7, 6), 2, 3), ((6, 6), 6, 6)])
def test_svd_lowrank_reconstructs_low_rank(shape, rank, q):
    a = _low_rank(shape, rank)
    ag.manual_seed(0)
    U, S, V = ag.svd_lowrank(ag.tensor(a), q=q)
    tU, tS, tV = torch.svd_lowrank(torch.tensor(a), q=q)
    assert U.shape == tuple(tU.shape) and S.shape == tuple(tS.shape) and V.shape == tuple(tV.shape)
    assert U.dtype == np.float64
    rebuilt = (U * S[..., None, :]) @ V.mT
    np.testing.assert_allclose(rebuilt.numpy(), a, atol=1e-10)
    np.testing.assert_allclose(S.numpy()[..., :rank], np.linalg.svd(a, compute_uv=False)[..., :rank], rtol=1e-10)
    np.testing.assert_allclose(S.numpy()[..., :rank], tS.numpy()[..., :rank], rtol=1e-10)
    eye = np.eye(U.shape[-1])
    np.testing.assert_allclose((U.mT @ U).numpy(), np.broadcast_to(eye, U.shape[:-2] + eye.shape), atol=1e-10)


def test_svd_lowrank_with_mean_and_q_beyond_size():
    a = _low_rank((7, 5), 2, seed=1)
    mean = np.random.default_rng(2).standard_normal((1, 5))
    U, S, V = ag.svd_lowrank(ag.tensor(a + mean), q=3, M=ag.tensor(mean))
    np.testing.assert_allclose(((U * S) @ V.mT).numpy(), a, atol=1e-10)
    U, S, V = ag.svd_lowrank(ag.tensor(a), q=10)          # q > min(m, n): shapes as torch's
    tU, tS, tV = torch.svd_lowrank(torch.tensor(a), q=10)
    assert (U.shape, S.shape, V.shape) == (tuple(tU.shape), tuple(tS.shape), tuple(tV.shape))
    np.testing.assert_allclose(S.numpy(), tS.numpy(), atol=1e-10)


@pytest.mark.parametrize("shape, center", [((10, 4), True), ((10, 4), False), ((2, 9, 5), True), ((4, 8), True)])
def test_pca_lowrank_matches_torch(shape, center):
    rng = np.random.default_rng(3)
    a = rng.standard_normal(shape)
    q = min(shape[-2:])
    U, S, V = ag.pca_lowrank(ag.tensor(a), q=q, center=center)
    tU, tS, tV = torch.pca_lowrank(torch.tensor(a), q=q, center=center)
    np.testing.assert_allclose(S.numpy(), tS.numpy(), rtol=1e-9, atol=1e-10)
    centred = a - a.mean(axis=-2, keepdims=True) if center else a
    np.testing.assert_allclose(((U * S[..., None, :]) @ V.mT).numpy(), centred, atol=1e-10)
    r = np.linalg.matrix_rank(centred).min()        # beyond the rank the directions are arbitrary
    np.testing.assert_allclose(np.abs((V.mT @ ag.tensor(tV.numpy())).numpy())[..., :r, :r],   # equal up to sign
                               np.broadcast_to(np.eye(r), V.shape[:-2] + (r, r)), atol=1e-8)
    assert ag.pca_lowrank(ag.tensor(a))[1].shape[-1] == min(6, *shape[-2:])


def test_full_rank_gradients_match_torch():
    rng = np.random.default_rng(4)
    a, g = rng.standard_normal((6, 4)), rng.standard_normal((6, 4))

    def grads(lib, fn):
        A = lib.tensor(a, requires_grad=True)
        U, S, V = fn(A, q=4)
        ((U * S) @ V.mT * lib.tensor(g)).sum().backward()
        first = A.grad.numpy().copy()
        A.grad = None
        fn(A, q=4)[1].sum().backward()
        return first, A.grad.numpy()

    for ours, theirs in zip(grads(ag, ag.svd_lowrank), grads(torch, torch.svd_lowrank)):
        np.testing.assert_allclose(ours, theirs, atol=1e-9)
    np.testing.assert_allclose(grads(ag, ag.pca_lowrank)[1], grads(torch, torch.pca_lowrank)[1], atol=1e-9)


@pytest.mark.parametrize("fn", ["svd_lowrank", "pca_lowrank"])
def test_gradcheck_with_fixed_draw(fn):
    rng = np.random.default_rng(5)
    a = ag.tensor(rng.standard_normal((2, 6, 5)), requires_grad=True)

    def f(A):
        ag.manual_seed(7)
        U, S, V = getattr(ag, fn)(A, q=3)
        return (U * S[..., None, :]) @ V.mT, S

    assert ag.autograd.gradcheck(f, (a,))


def test_errors_name_the_op():
    with pytest.raises(ValueError, match=r"svd_lowrank: A must be a matrix.*\(5,\)"):
        ag.svd_lowrank(ag.ones(5, dtype=ag.float64))
    with pytest.raises(TypeError, match="svd_lowrank: A must be a floating-point"):
        ag.svd_lowrank(ag.ones(3, 3, dtype=ag.int64))
    with pytest.raises(ValueError, match=r"pca_lowrank: q\(=5\) must be non-negative integer and not greater than "
                                         r"min\(m, n\)=3"):
        ag.pca_lowrank(ag.ones(4, 3), q=5)
    with pytest.raises(ValueError, match=r"pca_lowrank: niter\(=-1\)"):
        ag.pca_lowrank(ag.ones(4, 3), niter=-1)
    with pytest.raises(ValueError, match=r"svd_lowrank: M of shape \(2, 2\) does not broadcast"):
        ag.svd_lowrank(ag.ones(4, 3), M=ag.ones(2, 2))
