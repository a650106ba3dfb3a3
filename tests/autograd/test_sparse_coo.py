"""Sparse COO tensors against PyTorch: making them (torch.sparse_coo_tensor, to_sparse), their indices, values,
coalescing and printing, products with dense tensors (torch.sparse.mm, @, addmm, spmm), sums, softmaxes, the
elementwise ops PyTorch keeps sparse, transposes, and the gradients of all of these for the values, the dense
operands and sparse leaves (a leaf's .grad is sparse and coalesced, as PyTorch's), plus a two-layer GCN trained
with only its imports changed. float64, random graphs with repeated entries (uncoalesced)."""
import numpy as np
import pytest

import autograd as ag
from autograd.gradcheck import gradcheck

torch = pytest.importorskip("torch")


def _graph(seed=0, n=5, nnz=9):
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, n, (2, nnz))
    indices[:, -1] = indices[:, 0]   # a repeated position: the tensor is uncoalesced
    return indices, rng.standard_normal(nnz)


def _both(fn, indices, values, shape, device="cpu", **dense):
    """fn(lib, sparse, **dense tensors) in both libraries, values (and dense tensors) requiring grad."""
    results = []
    for lib in (ag, torch):
        kw = {"device": device} if lib is ag else {}
        v = lib.tensor(values, requires_grad=True, **kw)
        d = {k: lib.tensor(a, requires_grad=True, **kw) for k, a in dense.items()}
        s = lib.sparse_coo_tensor(lib.tensor(indices, **kw), v, shape)
        results.append((fn(lib, s, **d), v, d))
    return results


def _dense_of(t):
    return (t.to_dense() if t.is_sparse else t).detach().cpu().numpy() if hasattr(t, "cpu") else t


def _assert_same(mine, theirs):
    assert mine.is_sparse == theirs.is_sparse
    if mine.is_sparse:
        assert tuple(mine.shape) == tuple(theirs.shape)
        a, b = mine.coalesce(), theirs.coalesce()
        np.testing.assert_array_equal(a.indices().numpy(), b.indices().numpy())
        np.testing.assert_allclose(a.values().detach().numpy(), b.values().detach().numpy(), rtol=1e-12, atol=1e-12)
    else:
        np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-12)


def _loss(lib, out):
    dense = out.to_dense() if out.is_sparse else out
    weights = lib.tensor(np.arange(dense.numel(), dtype=np.float64).reshape(tuple(dense.shape)) % 7 - 3)
    return (dense * dense * weights).sum()


OPS = {
    "to_dense": ((5, 5), {}, lambda L, s: s.to_dense()),
    "coalesce": ((5, 5), {}, lambda L, s: s.coalesce()),
    "values_of_coalesced": ((5, 5), {}, lambda L, s: s.coalesce().values() * 2),
    "sparse_mm": ((5, 5), {"x": (5, 3)}, lambda L, s, x: L.sparse.mm(s, x)),
    "matmul_operator": ((5, 4), {"x": (4, 3)}, lambda L, s, x: s @ x),
    "matmul_vector": ((5, 4), {"x": (4,)}, lambda L, s, x: s @ x),
    "dense_at_sparse": ((5, 4), {"x": (3, 5)}, lambda L, s, x: L.mm(x, s)),
    "spmm": ((5, 5), {"x": (5, 2)}, lambda L, s, x: L.spmm(s, x)),
    "addmm": ((5, 5), {"b": (5, 2), "x": (5, 2)}, lambda L, s, b, x: L.addmm(b, s, x, beta=0.5, alpha=2.0)),
    "sparse_addmm": ((5, 5), {"b": (5, 2), "x": (5, 2)}, lambda L, s, b, x: L.sparse.addmm(b, s, x)),
    "sparse_at_sparse": ((5, 5), {}, lambda L, s: L.sparse.mm(s, s.t().coalesce())),
    "sum_all": ((5, 5), {}, lambda L, s: s.sum()),
    "sparse_sum_dim1": ((5, 5), {}, lambda L, s: L.sparse.sum(s, 1)),
    "sparse_sum_dim0": ((5, 5), {}, lambda L, s: L.sparse.sum(s, dim=0)),
    "sparse_sum_both": ((5, 5), {}, lambda L, s: L.sparse.sum(s, (0, 1))),
    "method_sum_dim": ((5, 5), {}, lambda L, s: s.sum(1)),
    "softmax": ((5, 5), {}, lambda L, s: L.sparse.softmax(s, 1)),
    "softmax_dim0": ((5, 5), {}, lambda L, s: L.sparse.softmax(s, 0)),
    "log_softmax": ((5, 5), {}, lambda L, s: L.sparse.log_softmax(s, 1)),
    "mul_number": ((5, 5), {}, lambda L, s: s * 2.5),
    "number_mul": ((5, 5), {}, lambda L, s: 3 * s),
    "div_number": ((5, 5), {}, lambda L, s: s / 4),
    "mul_dense": ((5, 5), {"x": (5, 5)}, lambda L, s, x: s * x),
    "dense_mul": ((5, 5), {"x": (5,)}, lambda L, s, x: x * s),
    "add_sparse": ((5, 5), {}, lambda L, s: s + s * 2),
    "sub_sparse": ((5, 5), {}, lambda L, s: s - s.t()),
    "dense_add_sparse": ((5, 5), {"x": (5, 5)}, lambda L, s, x: x + s),
    "neg": ((5, 5), {}, lambda L, s: -s),
    "abs": ((5, 5), {}, lambda L, s: s.abs()),
    "sqrt_of_square": ((5, 5), {}, lambda L, s: (s * s).sqrt()),
    "relu": ((5, 5), {}, lambda L, s: s.relu()),
    "pow": ((5, 5), {}, lambda L, s: s.pow(3)),
    "transpose": ((5, 4), {}, lambda L, s: s.t()),
    "transpose_dims": ((5, 4), {}, lambda L, s: s.transpose(0, 1)),
    "to_float32_and_back": ((5, 5), {}, lambda L, s: s.float().double()),
    "detach_clone": ((5, 5), {}, lambda L, s: s.clone() * 1.0),
    "dense_to_sparse": ((5, 5), {}, lambda L, s: (s.to_dense() * 2).to_sparse()),
    "gcn_step": ((5, 5), {"x": (5, 3), "w": (3, 2)}, lambda L, s, x, w: L.sparse.mm(s, x @ w).relu()),
}


#: PyTorch 2.13 raises in these backwards ("expand is unsupported for Sparse tensors", sparse division)
NO_TORCH_BACKWARD = {"mul_dense", "dense_mul", "method_sum_dim", "sqrt_of_square"}


@pytest.mark.parametrize("device", ["cpu", "numba"])
@pytest.mark.parametrize("name", sorted(OPS))
def test_op_and_its_gradients_equal_pytorchs(name, device):
    shape, dense_shapes, fn = OPS[name]
    indices, values = _graph(sorted(OPS).index(name))
    indices = indices % np.array(shape)[:, None]
    rng = np.random.default_rng(1)
    dense = {k: rng.standard_normal(s) for k, s in dense_shapes.items()}
    (mine, mv, md), (theirs, tv, td) = _both(lambda L, s, **d: fn(L, s, **d), indices, values, shape, device,
                                             **dense)
    _assert_same(mine.cpu() if device != "cpu" else mine, theirs)
    if name in NO_TORCH_BACKWARD:   # PyTorch has no backward here: finite differences check ours
        def loss(v, *ds):
            s = ag.sparse_coo_tensor(ag.tensor(indices, device=device), v, shape)
            return _loss(ag, fn(ag, s, **dict(zip(dense, ds))))
        assert gradcheck(loss, (mv,) + tuple(md.values()))
        return
    _loss(ag, mine).backward()
    _loss(torch, theirs).backward()
    np.testing.assert_allclose(mv.grad.numpy(), tv.grad.numpy(), rtol=1e-10, atol=1e-12)
    for k in md:
        np.testing.assert_allclose(md[k].grad.numpy(), td[k].grad.numpy(), rtol=1e-10, atol=1e-12)


def test_a_sparse_leaf_gets_a_coalesced_sparse_gradient_as_in_pytorch():
    indices, values = _graph(3)
    x0 = np.random.default_rng(2).standard_normal((5, 2))
    grads = []
    for lib in (ag, torch):
        leaf = lib.sparse_coo_tensor(lib.tensor(indices), lib.tensor(values), (5, 5), requires_grad=True)
        for _ in range(2):   # a second backward adds to .grad
            _loss(lib, lib.sparse.mm(leaf, lib.tensor(x0))).backward()
        assert leaf.grad.is_sparse
        grads.append(leaf.grad)
    _assert_same(*grads)


def test_values_gradients_pass_gradcheck():
    indices, values = _graph(4)
    x = ag.tensor(np.random.default_rng(5).standard_normal((5, 3)), requires_grad=True)

    def fn(v, x):
        s = ag.sparse_coo_tensor(ag.tensor(indices), v, (5, 5))
        return ag.sparse.softmax(s, 1).to_dense() @ x + ag.sparse.mm(s * s, x)
    assert gradcheck(fn, (ag.tensor(values, requires_grad=True), x))


def test_second_derivatives_through_a_sparse_product_equal_pytorchs():
    indices, values = _graph(6)
    found = []
    for lib in (ag, torch):
        v = lib.tensor(values, requires_grad=True)
        x = lib.tensor(np.linspace(-1, 1, 10).reshape(5, 2), requires_grad=True)
        out = lib.sparse.mm(lib.sparse_coo_tensor(lib.tensor(indices), v, (5, 5)), x)
        g, = lib.autograd.grad((out ** 3).sum(), x, create_graph=True)
        (g * g).sum().backward()
        found.append([g.detach().numpy(), v.grad.numpy(), x.grad.numpy()])
    for mine, theirs in zip(*found):
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)


def test_making_printing_and_properties_follow_pytorch():
    indices, values = _graph(7)
    mine = ag.sparse_coo_tensor(ag.tensor(indices), ag.tensor(values), (5, 5))
    theirs = torch.sparse_coo_tensor(torch.tensor(indices), torch.tensor(values), (5, 5))
    assert repr(mine) == repr(theirs).replace("torch.float64", "float64")
    for attr in ("sparse_dim", "dense_dim", "_nnz", "is_coalesced", "dim", "numel"):
        assert getattr(mine, attr)() == getattr(theirs, attr)()
    assert mine.is_sparse and str(mine.layout) == str(theirs.layout) == "torch.sparse_coo"
    assert not ag.ones(2).is_sparse and ag.ones(2).layout == ag.strided
    assert tuple(ag.sparse_coo_tensor(ag.tensor(indices), ag.tensor(values)).shape) == tuple(
        torch.sparse_coo_tensor(torch.tensor(indices), torch.tensor(values)).shape)   # the smallest size
    hybrid = ag.sparse_coo_tensor(ag.tensor([[0, 2]]), ag.ones(2, 3), (4, 3))
    assert (hybrid.sparse_dim(), hybrid.dense_dim()) == (1, 1)
    np.testing.assert_array_equal(hybrid.to_dense().numpy(), [[1, 1, 1], [0, 0, 0], [1, 1, 1], [0, 0, 0]])
    half = ag.tensor([[0.0, 1.0], [0.0, 0.0], [2.0, 3.0]]).to_sparse(1)
    assert half.indices().tolist() == [[0, 2]] and half.values().tolist() == [[0.0, 1.0], [2.0, 3.0]]


def test_bad_input_gets_clear_errors():
    s = ag.sparse_coo_tensor(ag.tensor([[0, 1], [1, 0]]), ag.tensor([1.0, 2.0]), (2, 2))
    with pytest.raises(TypeError, match="Sparse layout tensor to numpy.*to_dense"):
        s.numpy()
    with pytest.raises(TypeError, match="exp: not supported for sparse COO tensors.*to_dense"):
        s.exp()
    with pytest.raises(TypeError, match="reshape: not supported for sparse COO tensors"):
        s.reshape(4)
    with pytest.raises(IndexError, match="index 1 in sparse dim 0 is out of range for size"):
        ag.sparse_coo_tensor(ag.tensor([[0, 1], [1, 0]]), ag.tensor([1.0, 2.0]), (1, 2))
    with pytest.raises(IndexError, match="non-negative"):
        ag.sparse_coo_tensor(ag.tensor([[0, -1], [1, 0]]), ag.tensor([1.0, 2.0]), (2, 2))
    with pytest.raises(ValueError, match="same nnz"):
        ag.sparse_coo_tensor(ag.tensor([[0, 1], [1, 0]]), ag.tensor([1.0, 2.0, 3.0]), (2, 2))
    with pytest.raises(ValueError, match=r"sparse \(2, 2\) @ dense \(3, 1\)"):
        ag.sparse.mm(s, ag.ones(3, 1))
    with pytest.raises(TypeError, match="same dtype"):
        s @ ag.ones(2, 1, dtype=ag.float64)
    with pytest.raises(RuntimeError, match="uncoalesced.*coalesce"):
        ag.sparse_coo_tensor(ag.tensor([[0, 0], [1, 1]]), ag.tensor([1.0, 2.0]), (2, 2)).values()
    with pytest.raises(RuntimeError, match="expected a sparse COO tensor"):
        ag.ones(2).indices()


GCN = """
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(0)
n, features, classes = 30, 8, 3
edges = rng.integers(0, n, (2, 80))
edges = np.concatenate([edges, edges[::-1], np.stack([np.arange(n)] * 2)], axis=1)
adj = torch.sparse_coo_tensor(torch.tensor(edges), torch.ones(edges.shape[1], dtype=torch.float64), (n, n))
adj = adj.coalesce()
degree = torch.sparse.sum(adj, dim=1).to_dense()
scale = degree.pow(-0.5)
rows, cols = adj.indices()
adj = torch.sparse_coo_tensor(adj.indices(), adj.values() * scale[rows] * scale[cols], (n, n))
x = torch.tensor(rng.standard_normal((n, features)))
labels = torch.tensor(rng.integers(0, classes, n))


class GCN(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.Linear(features, 16, dtype=torch.float64)
        self.second = nn.Linear(16, classes, dtype=torch.float64)

    def forward(self, adj, x):
        h = F.relu(torch.sparse.mm(adj, self.first(x)))
        return adj @ self.second(h)


model = GCN()
for name, p in model.named_parameters():
    p.data = torch.tensor(rng.standard_normal(tuple(p.shape)) * 0.3)
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
for step in range(6):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(adj, x), labels)
    loss.backward()
    optimizer.step()
    print(step, round(loss.item(), 10), round(model.first.weight.grad.abs().sum().item(), 10))
"""


def test_a_gcn_written_for_pytorch_trains_the_same_with_only_imports_changed(capsys):
    pytest.importorskip("nn")
    exec(compile(GCN, "gcn_torch", "exec"), {})
    theirs = capsys.readouterr().out
    ours_source = GCN.replace("import torch\n", "import autograd as torch\n").replace(
        "import torch.nn as nn", "import nn").replace("import torch.nn.functional as F", "import nn.functional as F")
    ours_source = ours_source.replace("torch.optim.Adam", "nn.optim.Adam")
    exec(compile(ours_source, "gcn_ours", "exec"), {})
    ours = capsys.readouterr().out
    assert len(theirs.splitlines()) == len(ours.splitlines()) == 6
    for a, b in zip(ours.splitlines(), theirs.splitlines()):
        np.testing.assert_allclose([float(t) for t in a.split()], [float(t) for t in b.split()], rtol=1e-8)


def test_a_jit_step_with_sparse_tensors_runs_eagerly_with_each_calls_entries():
    """The entries of a sparse tensor are data a capture would freeze: such a step is never replayed."""
    import nn
    rng = np.random.default_rng(9)
    layer = nn.Linear(3, 2).double()

    @ag.jit
    def from_argument(adj, x):
        return ag.sparse.mm(adj, layer(x)).sum()

    @ag.jit
    def made_inside(indices, values, x):
        return ag.sparse.mm(ag.sparse_coo_tensor(indices, values, (6, 6)), layer(x)).sum()

    x = ag.tensor(rng.standard_normal((6, 3)))
    for _ in range(4):
        indices, values = ag.tensor(rng.integers(0, 6, (2, 8))), ag.tensor(rng.random(8))
        expected = (ag.sparse_coo_tensor(indices, values, (6, 6)).to_dense() @ layer(x)).sum().item()
        with ag.no_grad():
            assert from_argument(ag.sparse_coo_tensor(indices, values, (6, 6)), x).item() == pytest.approx(expected)
            assert made_inside(indices, values, x).item() == pytest.approx(expected)
    assert (from_argument.replays, made_inside.replays) == (0, 0)
    assert (from_argument.eager_calls, made_inside.eager_calls) == (4, 4)


def test_in_place_ops_replace_a_sparse_tensors_entries_as_pytorchs():
    results = []
    for lib in (ag, torch):
        s = lib.sparse_coo_tensor(lib.tensor([[0, 1, 1], [1, 0, 0]]), lib.tensor([1.0, 2.0, 3.0]), (2, 2))
        other = lib.sparse_coo_tensor(lib.tensor([[0], [0]]), lib.tensor([5.0]), (2, 2))
        found = [s.clone().mul_(2), s.clone().div_(4), s.clone().neg_(), s.clone().add_(other)]
        zeroed = s.clone().zero_()
        assert zeroed.is_sparse and zeroed._nnz() == 0
        results.append([t.to_dense().numpy() for t in found])
    for mine, theirs in zip(*results):
        np.testing.assert_array_equal(mine, theirs)
    s = ag.sparse_coo_tensor(ag.tensor([[0], [1]]), ag.tensor([1.0]), (2, 2))
    with pytest.raises(TypeError, match="add_: the result is dense.*s = s \\+ d"):
        s.add_(ag.ones(2, 2))


def test_sparse_mask_picks_values_at_the_masks_entries_as_pytorchs():
    found = []
    for lib in (ag, torch):
        x = lib.arange(6.0, dtype=lib.float64).reshape(2, 3).requires_grad_()
        mask = lib.sparse_coo_tensor(lib.tensor([[0, 1, 0], [2, 0, 2]]), lib.ones(3, dtype=lib.float64), (2, 3))
        picked = x.sparse_mask(mask)
        other = lib.sparse_coo_tensor(lib.tensor([[0, 1], [2, 1]]), lib.tensor([7.0, 8.0], dtype=lib.float64), (2, 3))
        from_sparse = other.sparse_mask(mask.coalesce())
        (picked.to_dense() * lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)).sum().backward()
        found.append([picked._indices().numpy(), picked._values().detach().numpy(), from_sparse.to_dense().numpy(),
                      x.grad.numpy()])
    for mine, theirs in zip(*found):
        np.testing.assert_array_equal(mine, theirs)
