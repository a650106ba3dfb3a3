"""The LU family (linalg.lu_factor, lu_factor_ex, lu, lu_solve; torch.lu, torch.lu_unpack, torch.lu_solve and the
Tensor methods) against PyTorch: the packed factors, pivots and info, P L U, solutions in the four modes of
lu_solve, and gradients (square, wide and tall matrices, batches); float64 gradcheck and second derivatives;
singular matrices and bad input."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, require_torch

RNG = np.random.default_rng(7)
SHAPES = [(4, 4), (2, 3, 3), (3, 5), (5, 3), (2, 4, 2), (1, 1), (2, 1, 3)]


def _lu_parts(m, a):
    return tuple(m.linalg.lu(a))


def _packed(m, a):
    return m.linalg.lu_factor(a).LU


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_packed_factors_and_pivots_match_torch(shape):
    torch = require_torch()
    a = RNG.standard_normal(shape)
    ours = ag.linalg.lu_factor_ex(ag.tensor(a))
    theirs = torch.linalg.lu_factor_ex(torch.tensor(a))
    np.testing.assert_allclose(ours.LU.numpy(), theirs.LU.numpy(), atol=1e-13)
    assert ours.pivots.dtype == ag.int32 and ours.info.dtype == ag.int32
    np.testing.assert_array_equal(ours.pivots.numpy(), theirs.pivots.numpy())
    np.testing.assert_array_equal(ours.info.numpy(), theirs.info.numpy())
    for o, t in zip(ag.lu_unpack(ours.LU, ours.pivots), torch.lu_unpack(theirs.LU, theirs.pivots)):
        np.testing.assert_allclose(o.numpy(), t.numpy(), atol=1e-13)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("fn", [_packed, _lu_parts], ids=["lu_factor", "lu"])
def test_values_and_gradients_match_torch(shape, fn):
    torch = require_torch()
    check_against_torch(lambda a: fn(ag, a), lambda a: fn(torch, a), [RNG.standard_normal(shape)], atol=1e-11,
                        rtol=1e-9)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 2), (2, 2, 3)], ids=str)
def test_gradcheck_and_second_derivatives(shape):
    a = RNG.standard_normal(shape)
    check_gradcheck(lambda x: _packed(ag, x), [a])
    check_gradcheck(lambda x: ag.linalg.lu(x).U.sum() + ag.linalg.lu(x).L.pow(2).sum(), [a])
    cot = ag.tensor(RNG.standard_normal(shape))

    def first_derivative(x):
        (g,) = ag.grad((_packed(ag, x) * cot).sum(), [x], create_graph=True)
        return g
    check_gradcheck(first_derivative, [a])


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [False, True])
def test_lu_solve_matches_torch(left, adjoint):
    torch = require_torch()
    a = RNG.standard_normal((2, 4, 4)) + 4 * np.eye(4)
    b = RNG.standard_normal((2, 4, 3) if left else (2, 3, 4))

    def solve(m, a, b):
        lu, pivots = m.linalg.lu_factor(a)
        return m.linalg.lu_solve(lu, pivots, b, left=left, adjoint=adjoint)
    check_against_torch(lambda a, b: solve(ag, a, b), lambda a, b: solve(torch, a, b), [a, b], atol=1e-11)
    check_gradcheck(lambda a, b: solve(ag, a, b), [a[0], b[0]])


def test_lu_solve_broadcasts_and_the_older_spellings():
    torch = require_torch()
    a = RNG.standard_normal((3, 3)) + 3 * np.eye(3)
    b = RNG.standard_normal((2, 3, 2))
    lu, pivots = ag.lu(ag.tensor(a))
    x = ag.tensor(b).lu_solve(lu, pivots)
    np.testing.assert_allclose((ag.tensor(a) @ x).numpy(), b, atol=1e-12)
    tlu, tpivots = torch.linalg.lu_factor(torch.tensor(a))
    np.testing.assert_allclose(ag.lu_solve(ag.tensor(b), lu, pivots).numpy(),
                               torch.linalg.lu_solve(tlu, tpivots, torch.tensor(b)).numpy(), atol=1e-12)
    packed, piv, infos = ag.tensor(a).lu(get_infos=True)
    assert int(infos) == 0 and packed.shape == (3, 3)


def test_singular_matrices():
    torch = require_torch()
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    ours = ag.linalg.lu_factor_ex(ag.tensor(singular))
    theirs = torch.linalg.lu_factor_ex(torch.tensor(singular))
    np.testing.assert_allclose(ours.LU.numpy(), theirs.LU.numpy())
    assert int(ours.info) == int(theirs.info) == 2
    zeros = ag.linalg.lu_factor_ex(ag.zeros(2, 2))
    assert int(zeros.info) == 1 and zeros.pivots.tolist() == [1, 2]
    with pytest.raises(ag.linalg.LinAlgError, match=r"U\[1,1\] is zero"):
        ag.linalg.lu_factor(ag.tensor(singular))
    with pytest.raises(ag.linalg.LinAlgError, match=r"batch element 1"):
        ag.linalg.lu_factor(ag.tensor(np.stack([np.eye(2), singular])))
    with pytest.raises(ag.linalg.LinAlgError):
        ag.linalg.lu_factor_ex(ag.tensor(singular), check_errors=True)
    p, low, up = ag.linalg.lu(ag.tensor(singular))     # lu itself does not refuse
    np.testing.assert_allclose((p @ low @ up).numpy(), singular)


def test_without_pivoting():
    a = RNG.standard_normal((3, 3)) + 3 * np.eye(3)
    packed, pivots = ag.linalg.lu_factor(ag.tensor(a), pivot=False)
    assert pivots.tolist() == [1, 2, 3]
    p, low, up = ag.lu_unpack(packed, pivots)
    np.testing.assert_allclose((low @ up).numpy(), a, atol=1e-12)
    np.testing.assert_array_equal(p.numpy(), np.eye(3))


def test_bad_input():
    with pytest.raises(TypeError, match="floating point"):
        ag.linalg.lu_factor(ag.ones(2, 2, dtype=ag.int64))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        ag.linalg.lu(ag.ones(3))
    lu, pivots = ag.linalg.lu_factor(ag.eye(3))
    with pytest.raises(ValueError, match="rows must number 3"):
        ag.linalg.lu_solve(lu, pivots, ag.ones(2, 1))
    with pytest.raises(TypeError, match="int32"):
        ag.linalg.lu_solve(lu, pivots.long(), ag.ones(3, 1))
    with pytest.raises(TypeError, match="same dtype"):
        ag.linalg.lu_solve(lu, pivots, ag.ones(3, 1, dtype=ag.float64))
    with pytest.raises(ValueError, match="do not fit"):
        ag.lu_unpack(lu, ag.tensor([1, 2], dtype=ag.int32))
