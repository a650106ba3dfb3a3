"""torch.nested's jagged nested tensors (autograd.nested): construction, what they report (shape with the ragged
j<n> symbol, repr, offsets, lengths), the ops that keep the structure, gradients to the components and to a nested
leaf, all against PyTorch; gradcheck in float64 through the differentiable paths; and a ported program (Linear +
LayerNorm + SDPA + pooling over variable-length sequences, trained 3 steps) that prints what PyTorch prints."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from tests.helpers import require_torch
from tests.test_pytorch_programs_round9 import check_float64_program
from tests.test_pytorch_programs_round24 import ROUND24_IMPORTS

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")   # PyTorch: nested tensors are a prototype

LENGTHS = (2, 5, 3)


def _components(seed=0, width=4):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(n, width)) for n in LENGTHS]


def _both(arrays):
    """(deepgrad components, torch components), float64, requiring grad."""
    torch = require_torch()
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    return ours, theirs


def _torch_nested(torch, parts):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.nested.as_nested_tensor(parts, layout=torch.jagged)


def _close(ours, theirs, atol=1e-10):
    np.testing.assert_allclose(np.asarray(ours.detach().numpy()), theirs.detach().numpy(), rtol=1e-9, atol=atol)


def test_construction_reports_what_pytorch_reports():
    torch = require_torch()
    ours, theirs = _both(_components())
    nt, tnt = ag.nested.as_nested_tensor(ours, layout=ag.jagged), _torch_nested(torch, theirs)
    assert nt.is_nested and repr(nt.layout) == repr(tnt.layout) == "torch.jagged"
    assert str(nt.shape) == "Size([3, " + str(nt.shape[1]) + ", 4])" and str(nt.shape[1]).startswith("j")
    assert nt.dim() == tnt.dim() == 3 and nt.size(0) == 3 and nt.size(-1) == 4 and nt.shape[1] == nt.size(1)
    assert nt.offsets().tolist() == tnt.offsets().tolist() == [0, 2, 7, 10] and nt.lengths() is None
    assert nt.requires_grad and not nt.is_leaf and nt.dtype == ag.float64
    _close(nt.values(), tnt.values())
    for a, b in zip(nt.unbind(), tnt.unbind()):
        _close(a, b)
    leaf = ag.nested.nested_tensor([a.detach() for a in ours], layout=ag.jagged, requires_grad=True)
    j = str(leaf.shape[1])
    assert repr(leaf) == (f"NestedTensor(size=(3, {j}, 4), offsets=tensor([ 0,  2,  7, 10]), requires_grad=True, "
                          "contiguous=True)")
    assert leaf.is_leaf and j != str(nt.shape[1])
    # the symbol follows the offsets: ops keep it, a view on the same offsets shares it, new offsets get the next
    assert leaf.sin().shape[1] == leaf.shape[1]
    same = ag.nested.nested_tensor_from_jagged(leaf.values().detach(), leaf.offsets())
    assert same.shape[1] == leaf.shape[1]
    fresh = ag.nested.nested_tensor_from_jagged(leaf.values().detach(), lengths=ag.tensor([2, 5, 3]))
    assert str(fresh.shape[1]) == f"j{int(j[1:]) + 1}" and fresh.offsets().tolist() == [0, 2, 7, 10]


def test_padded_narrow_and_lengths_as_pytorch():
    torch = require_torch()
    dense = np.arange(24.0).reshape(3, 4, 2)
    starts, lengths = [0, 1, 2], [2, 3, 1]
    nt = ag.nested.narrow(ag.tensor(dense), 1, ag.tensor(starts), ag.tensor(lengths), layout=ag.jagged)
    tnt = torch.nested.narrow(torch.tensor(dense), 1, torch.tensor(starts), torch.tensor(lengths),
                              layout=torch.jagged)
    assert nt.offsets().tolist() == tnt.offsets().tolist() and nt.lengths().tolist() == tnt.lengths().tolist()
    assert not nt.is_contiguous() and "contiguous=False" in repr(nt)
    for a, b in zip(nt.unbind(), tnt.unbind()):
        _close(a, b)
    for padded in (lambda: ag.nested.to_padded_tensor(nt, -1.0), lambda: torch.nested.to_padded_tensor(tnt, -1.0)):
        with pytest.raises(RuntimeError, match="holes"):
            padded()
    full, tfull = (ag.nested.as_nested_tensor(list(nt.unbind()), layout=ag.jagged),
                   _torch_nested(torch, list(tnt.unbind())))
    _close(ag.nested.to_padded_tensor(full, -1.0), torch.nested.to_padded_tensor(tfull, -1.0))
    _close(full.to_padded_tensor(0.5, output_size=(3, 4, 3)), tfull.to_padded_tensor(0.5, output_size=(3, 4, 3)))


def _pipeline(lib, F_, nested, parts, w, b, gamma, beta):
    """A chain of the supported ops, ending in a scalar."""
    nt = nested.as_nested_tensor(parts, layout=lib.jagged)
    h = F_.layer_norm(F_.linear(nt, w, b), (3,), gamma, beta)
    h = F_.gelu(h) * 1.5 + F_.silu(h).exp() - 0.25 * h.sin() / 2.0
    h = F_.softmax(h, dim=-1) + F_.softmax(h * 0.5, dim=-1) + (h @ w[:, :3].T) * 0.3
    h = h + lib.ones(3, dtype=h.dtype) * 0.5
    pooled = h.to_padded_tensor(0.0).sum(dim=1)   # PyTorch has no backward for sum over the ragged dim
    return (pooled ** 2).sum() + h.mean(dim=-1).to_padded_tensor(0.0).sum() + h.to_padded_tensor(0.0).sum()


def test_ops_and_gradients_equal_pytorchs():
    torch = require_torch()
    import torch.nn.functional as TF
    arrays = _components(1, 4)
    rng = np.random.default_rng(2)
    params = [rng.normal(size=s) for s in ((3, 4), (3,), (3,), (3,))]
    ours, theirs = _both(arrays)
    ours_p = [ag.tensor(p, requires_grad=True) for p in params]
    theirs_p = [torch.tensor(p, requires_grad=True) for p in params]
    expected = _pipeline(torch, TF, torch.nested, theirs, *theirs_p)
    expected.backward()
    got = _pipeline(ag, F, ag.nested, ours, *ours_p)
    got.backward()
    _close(got, expected, atol=1e-9)
    for a, b in zip(ours + ours_p, theirs + theirs_p):
        _close(a.grad, b.grad, atol=1e-9)


def test_forward_of_ragged_reductions_and_transpose_equal_pytorchs():
    torch = require_torch()
    ours, theirs = _both([np.random.default_rng(3).normal(size=(n, 2, 3)) for n in LENGTHS])
    nt, tnt = ag.nested.as_nested_tensor(ours, layout=ag.jagged), _torch_nested(torch, theirs)
    _close(nt.sum(dim=1), tnt.sum(dim=1))
    _close(nt.mean(dim=1, keepdim=True), tnt.mean(dim=1, keepdim=True))
    _close(nt.sum(), tnt.sum())
    _close(nt.softmax(1).values(), tnt.softmax(1).values())
    t, tt = nt.transpose(1, 2), tnt.transpose(1, 2)
    assert tuple(map(str, t.shape))[2:] == tuple(map(str, t.shape))[2:] and t.shape[3] == 3 and t.shape[1] == 2
    assert t.is_contiguous() == tt.is_contiguous() and t.transpose(1, 2).is_contiguous()
    for a, b in zip(t.unbind(), tt.unbind()):
        _close(a, b)
    out, tout = F.scaled_dot_product_attention(t, t, t), TF_sdpa(torch)(tt, tt, tt)
    for a, b in zip(out.unbind(), tout.unbind()):
        _close(a, b)


def _heads_attention(lib, F_, parts):
    """PyTorch's nested-tensor transformer pattern: split heads, attend per sequence, merge heads."""
    nt = lib.nested.as_nested_tensor(parts, layout=lib.jagged)
    q = nt.unflatten(-1, [2, 4]).transpose(1, 2)
    out = F_.scaled_dot_product_attention(q, q * 0.5, q).transpose(1, 2).flatten(-2)
    return out, lib.nested.to_padded_tensor(out * out, 0.0).sum()


def test_unflatten_heads_attention_and_flatten_equal_pytorchs():
    torch = require_torch()
    import torch.nn.functional as TF
    ours, theirs = _both(_components(8, 8))
    (out, loss), (tout, tloss) = _heads_attention(ag, F, ours), _heads_attention(torch, TF, theirs)
    assert (out.dim(), out.shape[0], out.shape[2]) == (tout.dim(), tout.shape[0], tout.shape[2]) == (3, 3, 8)
    _close(out.values(), tout.values())
    loss.backward()
    tloss.backward()
    for a, b in zip(ours, theirs):
        _close(a.grad, b.grad)


def TF_sdpa(torch):
    import torch.nn.functional as TF
    return TF.scaled_dot_product_attention


def test_gradcheck_through_the_nested_ops():
    rng = np.random.default_rng(4)
    parts = [ag.tensor(rng.normal(size=(n, 3)), requires_grad=True) for n in (2, 4)]
    w = ag.tensor(rng.normal(size=(3, 3)), requires_grad=True)

    def fn(a, b, w):
        nt = ag.nested.as_nested_tensor([a, b], layout=ag.jagged)
        h = F.layer_norm(F.linear(nt, w), (3,))
        q = h.unsqueeze(2).transpose(1, 2)
        att = F.scaled_dot_product_attention(q, q, q).transpose(1, 2)
        return F.softmax(h, dim=1).to_padded_tensor(0.0).sum(dim=1) * att.to_padded_tensor(0.0).sum()

    assert ag.gradcheck(fn, (*parts, w))


def test_module_level_functions_and_dropout_equal_pytorchs():
    torch = require_torch()
    import torch.nn.functional as TF
    ours, theirs = _both(_components(6, 3))
    nt, tnt = ag.nested.as_nested_tensor(ours, layout=ag.jagged), _torch_nested(torch, theirs)
    for name in ("sin", "cos", "exp", "tanh", "sigmoid", "abs"):
        _close(getattr(ag, name)(nt).values(), getattr(torch, name)(tnt).values())
    _close(F.relu(nt).values(), TF.relu(tnt).values())
    _close(ag.softmax(nt, -1).values(), torch.softmax(tnt, -1).values())
    ag.manual_seed(7)
    torch.manual_seed(7)
    _close(F.dropout(nt, 0.4).values(), TF.dropout(tnt, 0.4).values())
    _close(F.dropout(nt, 0.4, training=False).values(), tnt.values())


def test_nested_leaf_grad_is_a_nested_tensor():
    rng = np.random.default_rng(5)
    leaf = ag.nested.nested_tensor([rng.normal(size=(n, 2)) for n in LENGTHS], layout=ag.jagged,
                                   dtype=ag.float64, requires_grad=True)
    (leaf * leaf).sum().backward()
    assert leaf.grad.is_nested and leaf.grad.shape[1] == leaf.shape[1]
    _close(leaf.grad.values(), 2 * leaf.values())


def test_bad_input_raises_as_pytorch():
    a = ag.nested.nested_tensor([np.ones((2, 3)), np.ones((4, 3))], layout=ag.jagged)
    b = ag.nested.nested_tensor([np.ones((2, 3)), np.ones((4, 3))], layout=ag.jagged)
    with pytest.raises(RuntimeError, match="binary pointwise"):
        a + b
    with pytest.raises(RuntimeError, match="binary pointwise"):
        a + ag.ones(2, 3)
    with pytest.raises(RuntimeError, match="batch dimension"):
        a.sum(dim=0)
    with pytest.raises(RuntimeError, match="broadcast"):   # a dense left operand broadcasts as PyTorch's
        ag.ones(2) + a   # (ag.ones(3) + a is a nested tensor: tests/test_nested_tensors2.py)
    with pytest.raises(RuntimeError, match="ragged dimension"):
        a.log_softmax(1)
    q = a.unsqueeze(2).transpose(1, 2)
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(q, q, q, is_causal=True)
    with pytest.raises(RuntimeError, match="cannot view shape"):
        a.reshape(6, 3)
    with pytest.raises(RuntimeError, match="cannot view shape"):
        a.view(-1)
    with pytest.raises(NotImplementedError, match="cumsum"):
        ag.cumsum(a, 1)
    with pytest.raises(NotImplementedError, match="nested"):
        a.norm()   # (argmax PyTorch runs on jagged tensors: tests/test_nested_tensors2.py)
    with pytest.raises(RuntimeError, match="differ only in their first"):
        ag.nested.nested_tensor([np.ones((2, 3)), np.ones((4, 2))], layout=ag.jagged)
    with pytest.raises(NotImplementedError, match="layout=torch.jagged"):
        ag.nested.nested_tensor([np.ones((2, 3))], layout=ag.sparse_coo)
    assert (a + a.offsets().new_zeros(()).float() + 1).values().sum().item() == 36


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_jagged_attention_program_prints_what_pytorch_prints(capsys):
    check_float64_program("torch_nested_jagged_attention_pool", capsys, ROUND24_IMPORTS)
