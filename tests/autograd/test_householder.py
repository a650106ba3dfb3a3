"""linalg.householder_product (and orgqr) and geqrf against PyTorch: values, gradients in A and tau (first and
second order), batches, and the errors."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, require_torch, torch

SHAPES = [((5, 3), 3), ((4, 4), 4), ((4, 4), 2), ((2, 6, 4), 3), ((5, 2), 1)]


@pytest.mark.parametrize("shape, k", SHAPES)
def test_householder_product_matches_torch(device, shape, k):
    rng = np.random.default_rng(1)
    a, tau = rng.standard_normal(shape), rng.standard_normal(shape[:-2] + (k,))
    check_against_torch(ag.linalg.householder_product, torch.linalg.householder_product, [a, tau], device=device,
                        atol=1e-12, rtol=1e-10)


def test_orgqr_is_householder_product():
    rng = np.random.default_rng(2)
    a, tau = ag.tensor(rng.standard_normal((4, 3))), ag.tensor(rng.standard_normal(2))
    np.testing.assert_array_equal(ag.orgqr(a, tau).numpy(), ag.linalg.householder_product(a, tau).numpy())


@pytest.mark.parametrize("shape, k", [((4, 3), 3), ((2, 4, 4), 2)])
def test_householder_product_gradcheck(device, shape, k):
    rng = np.random.default_rng(3)
    check_gradcheck(ag.linalg.householder_product, [rng.standard_normal(shape), rng.standard_normal(shape[:-2] + (k,))],
                    device=device)


def test_householder_product_second_order_matches_torch():
    t = require_torch()
    rng = np.random.default_rng(4)
    a, tau, g = rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 2)), rng.standard_normal((2, 5, 3))

    def run(lib, hp, A, T):
        ga, gt = lib.autograd.grad((hp(A, T) * lib.tensor(g)).sum(), [A, T], create_graph=True)
        ((ga * ga).sum() + (gt * gt).sum()).backward()
        return A.grad.numpy(), T.grad.numpy()

    ours = run(ag, ag.linalg.householder_product, ag.tensor(a, requires_grad=True), ag.tensor(tau, requires_grad=True))
    theirs = run(t, t.linalg.householder_product, t.tensor(a, requires_grad=True), t.tensor(tau, requires_grad=True))
    for o, th in zip(ours, theirs):
        np.testing.assert_allclose(o, th, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 4, 3)])
def test_geqrf_matches_torch_and_rebuilds_q(device, shape):
    t = require_torch()
    a = np.random.default_rng(5).standard_normal(shape)
    h, tau = ag.geqrf(ag.tensor(a, device=device))
    th, ttau = t.geqrf(t.tensor(a))
    np.testing.assert_allclose(h.numpy(), th.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tau.numpy(), ttau.numpy(), rtol=1e-10, atol=1e-12)
    if shape[-2] >= shape[-1]:
        q = ag.linalg.householder_product(h, tau)
        r = ag.tensor(np.triu(h.numpy()[..., : shape[-1], :]), device=device)
        np.testing.assert_allclose((q @ r).numpy(), a, atol=1e-12)


def test_geqrf_has_no_derivative():
    a = ag.tensor(np.eye(3) + 0.1, requires_grad=True)
    h, _ = ag.geqrf(a)
    with pytest.raises(RuntimeError, match="geqrf.*not implemented.*linalg.qr"):
        h.sum().backward()


def test_householder_product_errors():
    hp = ag.linalg.householder_product
    with pytest.raises(RuntimeError, match=r"householder_product: input.shape\[-2\] must be greater"):
        hp(ag.ones(2, 3, dtype=ag.float64), ag.ones(2, dtype=ag.float64))
    with pytest.raises(RuntimeError, match=r"householder_product: input.shape\[-1\] must be greater"):
        hp(ag.ones(4, 2, dtype=ag.float64), ag.ones(3, dtype=ag.float64))
    with pytest.raises(RuntimeError, match="householder_product: tau must have shape"):
        hp(ag.ones(2, 4, 2, dtype=ag.float64), ag.ones(3, 2, dtype=ag.float64))
    with pytest.raises(TypeError, match="householder_product: tau dtype"):
        hp(ag.ones(4, 2, dtype=ag.float64), ag.ones(2, dtype=ag.float32))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        hp(ag.ones(4, dtype=ag.float64), ag.ones(2, dtype=ag.float64))
