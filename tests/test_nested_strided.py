"""torch.nested's default (strided) nested tensors (autograd.nested.strided): components that differ in every dim,
what they report (repr, size, layout), the ops PyTorch runs on them component by component, gradients to the
components and to a nested leaf, and PyTorch's refusals, all against PyTorch; gradcheck in float64."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import require_torch

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")   # PyTorch: nested tensors are a prototype

SHAPES = ((2, 3), (4, 5))   # images of different heights and widths


def _arrays(seed=0, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=s) for s in shapes]


def _both(arrays, requires_grad=True):
    """(deepgrad components, torch components), float64."""
    torch = require_torch()
    return ([ag.tensor(a, requires_grad=requires_grad) for a in arrays],
            [torch.tensor(a, requires_grad=requires_grad) for a in arrays])


def _torch_nested(torch, parts, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.nested.as_nested_tensor(parts, **kwargs)


def _same(ours, theirs):
    """Two nested tensors (or dense tensors) hold the same values."""
    ours_parts = ours.unbind() if ours.is_nested else [ours]
    their_parts = theirs.unbind() if theirs.is_nested else [theirs]
    assert len(ours_parts) == len(their_parts)
    for a, b in zip(ours_parts, their_parts):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-10)


def _torch_repr(t):
    """PyTorch's repr with dtypes named as deepgrad names them (float64, not torch.float64)."""
    return repr(t).replace("dtype=torch.", "dtype=")


def test_construction_and_what_it_reports_as_pytorch():
    torch = require_torch()
    a, b = np.arange(6.0).reshape(2, 3), np.arange(8.0).reshape(2, 4)
    nt = ag.nested.nested_tensor([ag.tensor(a, dtype=ag.float32), ag.tensor(b, dtype=ag.float32)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tnt = torch.nested.nested_tensor([torch.tensor(a, dtype=torch.float32), torch.tensor(b, dtype=torch.float32)])
    assert repr(nt) == repr(tnt) and str(nt) == str(tnt)
    assert repr(nt.layout) == repr(tnt.layout) == "torch.strided" and nt.is_nested
    assert nt.dim() == tnt.dim() == 3 and nt.size(0) == tnt.size(0) == 2 and nt.size(1) == tnt.size(1) == 2
    assert nt.numel() == tnt.numel() == 14 and nt.is_leaf and not nt.requires_grad
    for call in (lambda x: x.shape, lambda x: x.size(), lambda x: len(x)):
        with pytest.raises(RuntimeError, match="doesn't support sizes"):
            call(nt)
        with pytest.raises(RuntimeError, match="doesn't support sizes"):
            call(tnt)
    for dim in (2, -1):
        for x in (nt, tnt):
            with pytest.raises(RuntimeError, match=f"Given dimension {dim} is irregular"):
                x.size(dim)
    _same(nt, tnt)
    assert nt[1].tolist() == tnt[1].tolist()
    # leaves and the differentiable copy print as PyTorch prints them
    leaf = ag.nested.nested_tensor([a, b], dtype=ag.float32, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tleaf = torch.nested.nested_tensor([torch.tensor(a), torch.tensor(b)], dtype=torch.float32,
                                           requires_grad=True)
    assert repr(leaf) == repr(tleaf) and leaf.is_leaf and leaf.requires_grad
    assert repr(leaf.sin()) == repr(tleaf.sin())
    ours, theirs = _both(_arrays())
    copy, tcopy = ag.nested.as_nested_tensor(ours), _torch_nested(torch, theirs)
    assert repr(copy) == _torch_repr(tcopy) and not copy.is_leaf and repr(copy.layout) == "torch.strided"
    dense, tdense = ag.nested.as_nested_tensor(ag.ones(2, 3, 4)), _torch_nested(torch, torch.ones(2, 3, 4))
    assert repr(dense) == _torch_repr(tdense)
    one_d = ag.nested.nested_tensor([ag.ones(2, dtype=ag.int64), ag.ones(3, dtype=ag.int64)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert repr(one_d) == repr(torch.nested.nested_tensor([torch.ones(2, dtype=torch.int64),
                                                               torch.ones(3, dtype=torch.int64)]))


def test_reprs_name_the_nodes_pytorch_names():
    torch = require_torch()
    arrays = [np.ones((2, 3)), np.ones((4, 3))]
    ours = ag.nested.nested_tensor(arrays, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.nested.nested_tensor([torch.tensor(a) for a in arrays], requires_grad=True)
    calls = [lambda lib, x: x.relu(), lambda lib, x: x * 2, lambda lib, x: x + x, lambda lib, x: x.softmax(-1),
             lambda lib, x: x.transpose(1, 2), lambda lib, x: x @ x.transpose(1, 2),
             lambda lib, x: x.bmm(x.transpose(1, 2)), lambda lib, x: x.reshape(2, -1, 3),
             lambda lib, x: x.view(2, -1, 3, 1), lambda lib, x: x.sum(-1, keepdim=True),
             lambda lib, x: lib.nn.functional.linear(x, lib.ones(2, 3, dtype=lib.float64)),
             lambda lib, x: lib.nn.functional.layer_norm(x, (3,), lib.ones(3, dtype=lib.float64),
                                                         lib.zeros(3, dtype=lib.float64)),
             lambda lib, x: x.unsqueeze(1), lambda lib, x: -x, lambda lib, x: x.clone()]
    for call in calls:
        assert repr(call(_Lib(ag, nn), ours)) == _torch_repr(call(_Lib(torch, torch.nn), theirs))


def test_to_padded_tensor_pads_every_dim_as_pytorch():
    torch = require_torch()
    ours, theirs = _both(_arrays())
    nt, tnt = ag.nested.as_nested_tensor(ours), _torch_nested(torch, theirs)
    _same(nt.to_padded_tensor(-1.0), tnt.to_padded_tensor(-1.0))
    _same(ag.nested.to_padded_tensor(nt, 0.5, (2, 5, 7)), torch.nested.to_padded_tensor(tnt, 0.5, (2, 5, 7)))
    for size in ((2, 3, 5), (2, 5)):
        for x in (nt, tnt):
            with pytest.raises(RuntimeError, match="output_size"):
                x.to_padded_tensor(0.0, output_size=size)
    # the padded tensor is differentiable: its gradient reaches the components
    weight = np.random.default_rng(3).normal(size=(2, 5, 7))
    (nt.to_padded_tensor(0.0, (2, 5, 7)) * ag.tensor(weight)).sum().backward()
    (tnt.to_padded_tensor(0.0, (2, 5, 7)) * torch.tensor(weight)).sum().backward()
    for a, b in zip(ours, theirs):
        _same(a.grad, b.grad)


def test_ops_values_and_gradients_as_pytorch():
    torch = require_torch()
    arrays = _arrays(1)
    others = _arrays(2)
    square = _arrays(4, ((2, 4, 3), (2, 5, 4)))   # batched matrices for matmul / bmm
    right = _arrays(5, ((2, 3, 2), (2, 4, 6)))
    rows = _arrays(6, ((2, 3), (5, 3)))           # a shared last dim for linear / layer_norm
    weight, bias = np.random.default_rng(7).normal(size=(4, 3)), np.random.default_rng(8).normal(size=4)
    cases = [
        ("sin", lambda lib, x, y: x.sin(), arrays, others),
        ("neg abs sqrt", lambda lib, x, y: (-x).abs().sqrt(), arrays, others),
        ("cos tanh relu", lambda lib, x, y: lib.tanh(x.cos()).relu(), arrays, others),
        ("gelu silu", lambda lib, x, y: lib.nn.functional.silu(lib.nn.functional.gelu(x)), arrays, others),
        ("binary", lambda lib, x, y: (x + y) * y - x / (y * y + 1.0) + 2 * x - 1, arrays, others),
        ("add alpha", lambda lib, x, y: x.add(y, alpha=3.0).mul(0.5), arrays, others),
        ("softmax", lambda lib, x, y: x.softmax(-1) + lib.nn.functional.softmax(y, 1), arrays, others),
        ("transpose", lambda lib, x, y: x.transpose(1, 2) * y.transpose(-1, -2), arrays, others),
        ("reshape view", lambda lib, x, y: x.reshape(2, -1, 3, 1).view(2, -1, 3) * y, rows, rows),
        ("unsqueeze", lambda lib, x, y: x.unsqueeze(1) * y.unsqueeze(-3), arrays, others),
        ("sum", lambda lib, x, y: x.sum(-1, keepdim=True) * y.sum(2, keepdim=True), arrays, others),
        ("matmul", lambda lib, x, y: x @ y, square, right),
        ("bmm", lambda lib, x, y: (x * 1.0).transpose(1, 2).transpose(1, 2).matmul(y), square, right),
        ("linear", lambda lib, x, y: lib.nn.functional.linear(x * y, lib.tensor(weight), lib.tensor(bias)),
         rows, rows),
        ("layer_norm", lambda lib, x, y: lib.nn.functional.layer_norm(x + y, (3,), lib.tensor(weight[0]),
                                                                      lib.tensor(bias[:3])), rows, rows),
        ("attention", lambda lib, x, y: lib.nn.functional.scaled_dot_product_attention(x, y, y * 0.5, scale=0.7),
         square, _arrays(14, ((2, 6, 3), (2, 2, 4)))),
        ("dropout off", lambda lib, x, y: lib.nn.functional.dropout(x, 0.5, training=False) * y, arrays, others),
    ]
    for name, fn, xs, ys in cases:
        ox, tx = _both(xs)
        oy, ty = _both(ys)
        ours = fn(_Lib(ag, nn), ag.nested.as_nested_tensor(ox), ag.nested.as_nested_tensor(oy))
        try:
            theirs = fn(_Lib(torch, torch.nn), _torch_nested(torch, tx), _torch_nested(torch, ty))
        except Exception as e:
            raise AssertionError(name) from e
        _same(ours, theirs)
        upstream = [np.random.default_rng(9).normal(size=tuple(p.shape)) for p in theirs.unbind()]
        ours.backward(ag.nested.nested_tensor(upstream))
        try:
            theirs.backward(_torch_nested(torch, [torch.tensor(u) for u in upstream]))
        except (NotImplementedError, RuntimeError):   # PyTorch lacks some strided nested backward kernels
            assert name in ("cos tanh relu", "transpose"), name   # ours: checked by gradcheck below
            continue
        for a, b in zip(ox + oy, tx + ty):
            assert (a.grad is None) == (b.grad is None), name
            if a.grad is not None:
                _same(a.grad, b.grad)


class _Lib:
    """torch-like names over a library: lib.tanh, lib.tensor, lib.nn.functional."""

    def __init__(self, base, nn_module):
        self.tanh, self.tensor, self.ones, self.zeros, self.float64 = (base.tanh, base.tensor, base.ones, base.zeros,
                                                                       base.float64)
        self.nn = nn_module


def test_nested_leaf_grad_and_modules_as_pytorch():
    torch = require_torch()
    arrays = _arrays(10, ((2, 3), (4, 3)))
    leaf = ag.nested.nested_tensor(arrays, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tleaf = torch.nested.nested_tensor([torch.tensor(a) for a in arrays], requires_grad=True)
    linear, norm = nn.Linear(3, 2).double(), nn.LayerNorm(2).double()
    tlinear, tnorm = torch.nn.Linear(3, 2).double(), torch.nn.LayerNorm(2).double()
    with torch.no_grad():
        tlinear.weight.copy_(torch.tensor(linear.weight.detach().numpy()))
        tlinear.bias.copy_(torch.tensor(linear.bias.detach().numpy()))
    out, tout = norm(F.gelu(linear(leaf))), tnorm(torch.nn.functional.gelu(tlinear(tleaf)))
    _same(out, tout)
    upstream = [np.full((n, 2), 0.5) + np.arange(2.0) for n in (2, 4)]
    out.backward(ag.nested.nested_tensor(upstream))
    tout.backward(_torch_nested(torch, [torch.tensor(u) for u in upstream]))
    assert leaf.grad.is_nested and repr(leaf.grad.layout) == repr(tleaf.grad.layout) == "torch.strided"
    _same(leaf.grad, tleaf.grad)
    _same(linear.weight.grad, tlinear.weight.grad)
    _same(norm.bias.grad, tnorm.bias.grad)
    # requires_grad set on a nested leaf reaches its components
    flagged = ag.nested.nested_tensor([[1.0, 2.0], [3.0]])
    flagged.requires_grad = True
    flagged.relu().backward(ag.nested.nested_tensor([[1.0, -1.0], [2.0]]))
    assert [g.tolist() for g in flagged.grad.unbind()] == [[1.0, -1.0], [2.0]]
    # dropout in training keeps the structure, zeroes some entries and scales the rest by 1 / (1 - p)
    dropped = F.dropout(ag.nested.nested_tensor([np.ones((3, 4)), np.ones((5, 2))]), 0.5)
    for part in dropped.unbind():
        assert set(np.unique(part.numpy())) <= {0.0, 2.0}


def test_gradcheck_through_the_strided_ops():
    rng = np.random.default_rng(11)
    parts = [ag.tensor(rng.normal(size=s), requires_grad=True) for s in ((2, 3), (3, 3))]
    w = ag.tensor(rng.normal(size=(2, 3)), requires_grad=True)
    gamma = ag.tensor(rng.normal(size=2), requires_grad=True)

    def fn(a, b, w, gamma):
        nt = ag.nested.as_nested_tensor([a, b])
        h = F.layer_norm(F.linear(nt.sin() * nt, w), (2,), gamma, gamma * 0.5)
        return h.softmax(-1).to_padded_tensor(0.0, (2, 3, 4))

    assert ag.gradcheck(fn, (*parts, w, gamma))

    def products(a, b):
        x = ag.nested.as_nested_tensor([a, b])
        return (x @ x.transpose(1, 2)).unsqueeze(1).sum(-1, keepdim=True).to_padded_tensor(1.0)

    assert ag.gradcheck(products, tuple(parts))


def test_refusals_as_pytorch():
    torch = require_torch()
    arrays = _arrays(12)
    nt = ag.nested.nested_tensor(arrays, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tnt = torch.nested.nested_tensor([torch.tensor(a) for a in arrays], requires_grad=True)
    other = ag.nested.nested_tensor(_arrays(13, ((2, 3), (4, 4))))
    tother = _torch_nested(torch, [torch.tensor(a) for a in _arrays(13, ((2, 3), (4, 4)))])
    refusals = [
        (NotImplementedError, "exp", lambda lib, x, y: x.exp()),
        (NotImplementedError, "sigmoid", lambda lib, x, y: lib.sigmoid(x)),
        (NotImplementedError, "mean", lambda lib, x, y: x.mean()),
        (NotImplementedError, "sum", lambda lib, x, y: x.sum()),
        (NotImplementedError, "log_softmax", lambda lib, x, y: x.log_softmax(-1)),
        (NotImplementedError, "pow", lambda lib, x, y: x ** 2),
        (NotImplementedError, "rsub", lambda lib, x, y: 1 - x),
        (NotImplementedError, "cumsum", lambda lib, x, y: x.cumsum(1)),
        (RuntimeError, "keepdim=True", lambda lib, x, y: x.sum(-1)),
        (RuntimeError, "last dimension", lambda lib, x, y: x.sum(1, keepdim=True)),
        (RuntimeError, "nested dimension 0", lambda lib, x, y: x.softmax(0)),
        (RuntimeError, "dimension 0 cannot be transposed", lambda lib, x, y: x.transpose(0, 1)),
        (RuntimeError, "is invalid for input of size", lambda lib, x, y: x.reshape(2, -1)),
        (RuntimeError, "is invalid for input of size", lambda lib, x, y: x.view(2, -1, 2)),
        (RuntimeError, "implicit batch dimension", lambda lib, x, y: x.reshape(-1, 2, -1)),
        (RuntimeError, "unsqueezing dimension 0", lambda lib, x, y: x.unsqueeze(0)),
        (RuntimeError, "does not support broadcasting", lambda lib, x, y: x * y),
        (RuntimeError, "Expected both self and other to be nested", lambda lib, x, y: x + lib.ones(3)),
        (RuntimeError, "Expected both to be nested", lambda lib, x, y: x @ lib.ones(3, 2)),
        (RuntimeError, "cannot be matrix multiplied", lambda lib, x, y: x @ y),
        (RuntimeError, "batch1 must be a 3D tensor", lambda lib, x, y: x.unsqueeze(1).bmm(y.unsqueeze(1))),
        (RuntimeError, "same trailing dimension", lambda lib, x, y: lib.nn.functional.linear(x, lib.ones(2, 3))),
        (RuntimeError, "is_causal=True",
         lambda lib, x, y: lib.nn.functional.scaled_dot_product_attention(x, x, x, is_causal=True)),
        (RuntimeError, "explicit attn_mask",
         lambda lib, x, y: lib.nn.functional.scaled_dot_product_attention(x, x, x, attn_mask=lib.ones(2, 2))),
        (ValueError, "requires weight and bias", lambda lib, x, y: lib.nn.functional.layer_norm(x, (3,))),
        (RuntimeError, "irregular dimensions",
         lambda lib, x, y: lib.nn.functional.layer_norm(x, (3,), lib.ones(3), lib.ones(3))),
        (RuntimeError, "implicitly created only for scalar outputs", lambda lib, x, y: (x * y[0].sum()).backward()),
        (RuntimeError, "same dimension",
         lambda lib, x, y: lib.nested.nested_tensor([lib.ones(2), lib.ones(2, 2)])),
    ]
    for error, message, call in refusals:
        for lib, x, y in ((ag, nt, other), (torch, tnt, tother)):
            with pytest.raises(error, match=message if lib is ag else None):
                call(_Refusing(lib), x, y)


class _Refusing:
    """The library's names the refusals use, its nn.functional under nn.functional."""

    def __init__(self, lib):
        self.sigmoid, self.ones, self.nested = lib.sigmoid, lib.ones, lib.nested
        self.nn = nn if lib is ag else lib.nn
