"""Sparse CSR matrices against PyTorch: made with torch.sparse_csr_tensor, to_sparse_csr and
to_sparse(layout=torch.sparse_csr), printed, their crow/col indices and values, products with dense tensors,
the elementwise ops that keep them CSR, conversions, and the gradients of their values; a CSR leaf's gradient
(PyTorch's full dense one) is refused, naming the fix; a CSR transpose is a CSC matrix (tests/test_pytorch_gaps5.py)."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")


def _printout(lib):
    lines = []
    show = lambda *xs: lines.append(" ".join(str(x) for x in xs))   # noqa: E731
    d = lib.tensor([[0.0, 1.0, 2.0], [3.0, 0.0, 0.0]])
    c = d.to_sparse_csr()
    show(c)
    show(repr(c.double()))
    show(c.is_sparse, c.is_sparse_csr, c.layout, c._nnz(), c.sparse_dim(), c.dense_dim())
    show(c.crow_indices(), c.col_indices(), c.values())
    show(c @ lib.ones(3, 2), lib.mm(c, lib.ones(3, 2)), lib.sparse.mm(c, lib.ones(3, 2)), c @ lib.ones(3))
    show(c * 2, -c, c.sum(), c.relu(), c + c, c.abs())
    show(c.to_sparse(), c.to_dense(), d.to_sparse().to_sparse_csr(), d.to_sparse(layout=lib.sparse_csr))
    show(tuple(lib.sparse_csr_tensor(lib.tensor([0, 2, 3]), lib.tensor([1, 2, 0]), lib.tensor([1.0, 2.0, 3.0])).shape))
    show(lib.addmm(lib.ones(2, 2), c, lib.ones(3, 2)), c.to(lib.float64))
    v = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = lib.arange(6.0).reshape(3, 2).requires_grad_()
    csr = lib.sparse_csr_tensor(lib.tensor([0, 2, 3]), lib.tensor([1, 2, 0]), v, (2, 3))
    ((csr @ x) ** 2).sum().backward()
    show(v.grad, x.grad)
    return "\n".join(lines).replace("torch.float64", "float64")


def test_csr_matrices_print_and_compute_as_pytorchs():
    assert _printout(ag) == _printout(torch)


def test_bad_input_and_what_is_not_built_are_named():
    crow, col, values = ag.tensor([0, 2, 3]), ag.tensor([1, 2, 0]), ag.tensor([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="crow_indices must start at 0, never decrease and end at"):
        ag.sparse_csr_tensor(ag.tensor([0, 2, 5]), col, values, (2, 3))
    with pytest.raises(ValueError, match="increasing, without repeats"):
        ag.sparse_csr_tensor(crow, ag.tensor([2, 1, 0]), values, (2, 3))
    with pytest.raises(IndexError, match="out of range"):
        ag.sparse_csr_tensor(crow, col, values, (2, 2))
    csr = ag.sparse_csr_tensor(crow, col, values, (2, 3))
    assert csr.t().layout == ag.sparse_csc   # the transpose is a CSC matrix, as in PyTorch
    with pytest.raises(TypeError, match="SparseCsr layout tensor to numpy"):
        csr.numpy()
    with pytest.raises(RuntimeError, match="expected sparse row compressed tensor layout.*to_sparse_csr"):
        ag.tensor([[1.0]]).to_sparse().crow_indices()
    leaf = ag.sparse_csr_tensor(crow, col, values, (2, 3), requires_grad=True)
    with pytest.raises(RuntimeError, match="CSR leaf.*full dense gradient.*values.requires_grad_"):
        (leaf @ ag.ones(3, 2)).sum().backward()


def test_csr_values_pass_gradcheck():
    from autograd.gradcheck import gradcheck
    x = ag.tensor(np.random.default_rng(0).standard_normal((3, 2)), requires_grad=True)

    def fn(v, x):
        csr = ag.sparse_csr_tensor(ag.tensor([0, 2, 3]), ag.tensor([1, 2, 0]), v, (2, 3))
        return (csr * 3) @ x + csr.to_dense().sum()
    assert gradcheck(fn, (ag.tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True), x))
