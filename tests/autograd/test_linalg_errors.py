"""ag.linalg's errors and edge cases, without PyTorch: singular and indefinite matrices raise LinAlgError (a
RuntimeError, as torch.linalg.LinAlgError) with PyTorch's message naming the op, the pivot or minor and the
batch element; the *_ex functions report per-matrix info instead; wrong shapes and dtypes name the op; 0-size
batches, 0 x 0 and 1 x 1 matrices work; eig gives complex results; the namespace and methods are in place."""
import math

import numpy as np
import pytest

import autograd as ag
import autograd.linalg as linalg_module

SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])   # row 2 = 2 * row 1


def test_singular_inverse_names_the_op_the_pivot_and_the_batch_element(device):
    with pytest.raises(ag.linalg.LinAlgError, match=r"^linalg\.inv: The diagonal element 3 is zero, the inversion "
                                                    r"could not be completed because the input matrix is singular"):
        ag.linalg.inv(ag.tensor(SINGULAR, device=device))
    batch = ag.tensor(np.stack([np.eye(3), np.eye(3), SINGULAR]), device=device)
    with pytest.raises(RuntimeError, match=r"linalg\.inv: \(Batch element 2\): The diagonal element 3 is zero"):
        ag.linalg.inv(batch)
    with pytest.raises(ag.linalg.LinAlgError, match=r"diagonal element 1 is zero"):
        ag.inverse(ag.zeros(2, 2, device=device))


def test_inv_ex_reports_info_per_matrix(device):
    inverse, info = ag.linalg.inv_ex(ag.tensor(np.stack([2 * np.eye(3), SINGULAR]), device=device))
    assert info.dtype == np.int32 and info.tolist() == [0, 3]
    np.testing.assert_allclose(inverse.numpy()[0], np.eye(3) / 2)
    assert np.isnan(inverse.numpy()[1]).all()
    with pytest.raises(ag.linalg.LinAlgError, match=r"Batch element 1"):
        ag.linalg.inv_ex(ag.tensor(np.stack([np.eye(3), SINGULAR]), device=device), check_errors=True)


def test_singular_solve_raises_and_solve_ex_reports(device):
    with pytest.raises(ag.linalg.LinAlgError, match=r"linalg\.solve: \(Batch element 1\): The solver failed because "
                                                    r"the input matrix is singular"):
        ag.linalg.solve(ag.tensor(np.stack([np.eye(3), SINGULAR]), device=device), ag.ones(3, dtype=ag.float64,
                                                                                         device=device))
    result, info = ag.linalg.solve_ex(ag.tensor(SINGULAR, device=device), ag.ones(3, dtype=ag.float64, device=device))
    assert info.shape == () and int(info) == 3 and np.isnan(result.numpy()).all()


def test_cholesky_of_an_indefinite_matrix_names_the_minor(device):
    with pytest.raises(ag.linalg.LinAlgError, match=r"linalg\.cholesky: \(Batch element 1\): The factorization could "
                                                    r"not be completed because the input is not positive-definite "
                                                    r"\(the leading minor of order 1 is not positive-definite\)"):
        ag.linalg.cholesky(ag.tensor(np.stack([np.eye(3), -np.eye(3)]), device=device))
    indefinite = ag.tensor([[1.0, 2.0], [2.0, 1.0]], device=device)
    with pytest.raises(ag.linalg.LinAlgError, match=r"leading minor of order 2"):
        ag.linalg.cholesky(indefinite)
    factor, info = ag.linalg.cholesky_ex(indefinite)
    assert int(info) == 2 and np.isnan(factor.numpy()).all()
    # upper=True reads the upper triangle: here it holds the 100 that makes the matrix indefinite
    lopsided = ag.tensor([[4.0, 100.0], [2.0, 3.0]], device=device)
    np.testing.assert_allclose(ag.linalg.cholesky(lopsided).numpy(), [[2.0, 0.0], [1.0, math.sqrt(2.0)]])
    with pytest.raises(ag.linalg.LinAlgError):
        ag.linalg.cholesky(lopsided, upper=True)


@pytest.mark.parametrize("call, match, kind", [
    (lambda: ag.linalg.inv(ag.zeros(2, 3)), r"linalg\.inv: A must be batches of square matrices, but they are 2 by 3",
     ValueError),
    (lambda: ag.linalg.det(ag.zeros(3)), r"linalg\.det: the input tensor A must have at least 2 dimensions",
     ValueError),
    (lambda: ag.linalg.inv(ag.zeros(3, 3, dtype=ag.int64)), r"linalg\.inv: expects a floating point or complex tensor.*int64",
     TypeError),
    (lambda: ag.linalg.cholesky(ag.zeros(3, 3, dtype=ag.float16)), r"linalg\.cholesky: low precision", TypeError),
    (lambda: ag.linalg.inv([[1.0]]), r"linalg\.inv: A must be a Tensor", TypeError),
    (lambda: ag.linalg.solve(ag.eye(3), ag.ones(4)), r"Incompatible shapes of A and B for the equation AX = B "
                                                     r"\(3x3 and 4x1\)", ValueError),
    (lambda: ag.linalg.solve(ag.eye(3), ag.ones(3, dtype=ag.float64)), r"same dtype", TypeError),
    (lambda: ag.linalg.solve(ag.eye(3).expand(2, 3, 3), ag.ones(4, 3, 1)), r"batch dimensions .* do not broadcast",
     ValueError),
    (lambda: ag.linalg.solve_triangular(ag.eye(3), ag.ones(3), upper=True), r"B must have at least 2 dimensions",
     ValueError),
    (lambda: ag.linalg.qr(ag.zeros(3, 2), mode="full"), r"mode must be one of", ValueError),
    (lambda: ag.linalg.eigh(ag.eye(2), UPLO="X"), r"UPLO must be 'L' or 'U'", ValueError),
    (lambda: ag.linalg.matrix_norm(ag.ones(3, 4), ord=3), r"linalg\.matrix_norm: Order 3 not supported", ValueError),
    (lambda: ag.linalg.norm(ag.ones(2, 3, 4), ord=2), r"If dim is not specified but ord is, the input must be 1D or "
                                                      r"2D\. Got 3D", ValueError),
    (lambda: ag.linalg.vector_norm(ag.ones(3, dtype=ag.int64)), r"Expected a floating point tensor", TypeError),
    (lambda: ag.linalg.vector_norm(ag.ones(3), "fro"), r"ord must be a number", TypeError),
    (lambda: ag.linalg.vector_norm(ag.zeros(0), math.inf), r"inf norm .* empty", ValueError),
    (lambda: ag.linalg.cond(ag.ones(3, 4), 1), r"linalg\.cond: A must be batches of square matrices", ValueError),
    (lambda: ag.linalg.multi_dot([ag.ones(3, 3)]), r"expected at least 2 tensors but got 1", ValueError),
    (lambda: ag.linalg.multi_dot([ag.ones(2, 3, 3), ag.ones(3, 3)]), r"first tensor must be 1D or 2D but got 3D",
     ValueError),
    (lambda: ag.linalg.cross(ag.ones(3, 4), ag.ones(3, 4)), r"dimension -1 must have length 3\. Got 4 and 4",
     ValueError),
    (lambda: ag.linalg.matrix_power(ag.ones(3, 4), 2), r"square matrices", ValueError),
    (lambda: ag.linalg.tensorinv(ag.ones(2, 3, 4), 1), r"prod\(A\.shape\[:ind\]\) == prod\(A\.shape\[ind:\]\)",
     ValueError),
    (lambda: ag.linalg.lstsq(ag.ones(4, 3), ag.ones(5, 2)), r"B must have 4 rows", ValueError),
    (lambda: ag.linalg.lstsq(ag.ones(4, 3), ag.ones(4, 2), driver="gelsx"), r"driver must be one of", ValueError),
])
def test_bad_arguments_name_the_op(call, match, kind):
    with pytest.raises(kind, match=match):
        call()


def test_eig_gives_complex_results():
    w, v = ag.linalg.eig(ag.eye(3))
    assert w.dtype == v.dtype == ag.complex64 and ag.linalg.eigvals(ag.eye(3)).dtype == ag.complex64


def test_qr_gradients_that_pytorch_refuses():
    a = ag.tensor(np.random.default_rng(0).standard_normal((4, 3)), requires_grad=True)
    q, r = ag.linalg.qr(a, mode="r")
    assert q.shape == (0,) and r.shape == (3, 3)
    with pytest.raises(RuntimeError, match=r"mode='r'"):
        r.sum().backward()
    with pytest.raises(RuntimeError, match=r"not differentiable when mode='complete' and nrows > ncols"):
        ag.linalg.qr(a, mode="complete").R.sum().backward()


def test_zero_sized_and_tiny_matrices(device):
    empty = ag.zeros(0, 3, 3, dtype=ag.float64, device=device, requires_grad=True)
    for fn in (ag.linalg.inv, ag.linalg.cholesky, ag.linalg.matrix_exp, ag.linalg.pinv):
        assert fn(empty).shape == (0, 3, 3)
    assert ag.linalg.det(empty).shape == (0,)
    assert ag.linalg.eigh(empty).eigenvalues.shape == (0, 3)
    assert [t.shape for t in ag.linalg.svd(ag.zeros(2, 0, 3))] == [(2, 0, 0), (2, 0), (2, 3, 3)]
    ag.linalg.det(empty).sum().backward()
    assert empty.grad.shape == (0, 3, 3)
    assert float(ag.linalg.det(ag.zeros(0, 0))) == 1.0
    one = ag.tensor([[4.0]], dtype=ag.float64, device=device, requires_grad=True)
    assert float(ag.linalg.inv(one)) == 0.25 and float(ag.linalg.cholesky(one)) == 2.0
    assert float(ag.linalg.eigh(one).eigenvalues[0]) == 4.0 and float(ag.linalg.det(one)) == 4.0
    ag.linalg.matrix_exp(one).sum().backward()
    np.testing.assert_allclose(one.grad.numpy(), [[math.exp(4.0)]])


def test_determinants_of_singular_matrices(device):
    a = ag.tensor(SINGULAR, device=device, requires_grad=True)
    assert float(ag.linalg.det(a)) == 0.0
    ag.linalg.det(a).backward()    # the adjugate (transposed), though A has no inverse
    adjugate_t = np.array([[4.0, 4.0, -4.0], [-2.0, -2.0, 2.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(a.grad.numpy(), adjugate_t, atol=1e-12)
    sign, logabsdet = ag.linalg.slogdet(ag.tensor(SINGULAR, device=device))
    assert float(sign) == 0.0 and float(logabsdet) == -math.inf
    assert math.isnan(float(ag.logdet(-ag.eye(3)))) and float(ag.logdet(ag.zeros(3, 3))) == -math.inf


def test_triangular_solve_with_a_zero_pivot_gives_inf_and_nan(device):
    x = ag.linalg.solve_triangular(ag.zeros(3, 3, device=device), ag.ones(3, 1, device=device), upper=True)
    assert np.isinf(x.numpy()[2, 0]) and np.isnan(x.numpy()[:2]).all()


def test_eigenvalues_alone_have_finite_gradients_at_repeated_eigenvalues(device):
    a = ag.eye(3, dtype=ag.float64, device=device, requires_grad=True)
    ag.linalg.eigvalsh(a).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.eye(3), atol=1e-12)
    b = ag.eye(3, dtype=ag.float64, device=device, requires_grad=True)
    ag.linalg.svdvals(b).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), np.eye(3), atol=1e-12)


def test_lstsq_outputs_follow_the_driver():
    rng = np.random.default_rng(0)
    a, b = ag.tensor(rng.standard_normal((5, 3))), ag.tensor(rng.standard_normal((5, 2)))
    solution, residuals, rank, singular_values = ag.linalg.lstsq(a, b)
    assert solution.shape == (3, 2) and residuals.shape == (0,) and singular_values.shape == (0,)
    assert rank.dtype == np.int64 and int(rank) == 3
    solution, residuals, rank, singular_values = ag.linalg.lstsq(a, b, driver="gelsd")
    np.testing.assert_allclose(residuals.numpy(), (((a @ solution) - b).numpy() ** 2).sum(0))
    np.testing.assert_allclose(singular_values.numpy(), np.linalg.svd(a.numpy(), compute_uv=False))
    deficient = ag.tensor(np.outer(rng.standard_normal(5), rng.standard_normal(3)))
    assert int(ag.linalg.lstsq(deficient, b, driver="gelsd").rank) == 1
    assert ag.linalg.lstsq(deficient, b, driver="gelsd").residuals.shape == (0,)   # not full rank: none


def test_matrix_rank_and_tolerances():
    a = ag.tensor(np.diag([3.0, 1e-3, 1e-17]))
    assert int(ag.linalg.matrix_rank(a)) == 2
    assert int(ag.linalg.matrix_rank(a, atol=1e-2)) == 1 and int(ag.linalg.matrix_rank(a, tol=1e-2)) == 1
    assert int(ag.linalg.matrix_rank(a, rtol=0.5)) == 1
    assert int(ag.linalg.matrix_rank(a, hermitian=True)) == 2
    np.testing.assert_allclose(ag.linalg.pinv(a, atol=1e-2).numpy(), np.diag([1 / 3.0, 0.0, 0.0]))
    np.testing.assert_allclose(ag.pinverse(a, rcond=1e-2).numpy(), np.diag([1 / 3.0, 0.0, 0.0]))


def test_namespace_return_types_and_methods():
    assert linalg_module is ag.linalg and issubclass(ag.linalg.LinAlgError, RuntimeError)
    for name in ag.linalg.__all__:
        assert callable(getattr(ag.linalg, name)), name
    a = ag.tensor(np.diag([1.0, 2.0]))
    assert type(ag.linalg.slogdet(a)).__name__ == "linalg_slogdet" and ag.linalg.slogdet(a).sign.item() == 1.0
    assert ag.linalg.eigh(a).eigenvectors.shape == (2, 2) and ag.linalg.svd(a).Vh.shape == (2, 2)
    assert ag.linalg.qr(a).R.shape == (2, 2) and ag.linalg.cholesky_ex(a).info.item() == 0
    assert ag.svd(a).V.shape == (2, 2) and ag.qr(a, some=False).Q.shape == (2, 2)
    assert ag.linalg.det(a).grad_fn is None
    b = a.requires_grad_()
    assert ag.linalg.inv(b).grad_fn.name() == "LinalgInvExBackward0"
    for name in ("det", "logdet", "slogdet", "inverse", "pinverse", "matrix_exp", "cholesky", "svd", "qr"):
        getattr(b, name)()
    assert b.matrix_power(2).shape == (2, 2)
