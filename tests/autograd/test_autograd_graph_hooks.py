"""torch.autograd's graph hooks and legacy names against PyTorch: graph.saved_tensors_hooks / save_on_cpu
(pack when saved, unpack at backward, nesting, retain_graph, the freed graph), disable_saved_tensors_hooks,
register_multi_grad_hook ("all" and "any"), Variable, set_detect_anomaly, and forward_ad (dual_level,
make_dual, unpack_dual) with tangents checked against PyTorch's forward AD and finite differences."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
import autograd.autograd.forward_ad as fwAD
from autograd.autograd.graph import (disable_saved_tensors_hooks, register_multi_grad_hook, save_on_cpu,
                                     saved_tensors_hooks)
from tests.helpers import check_gradcheck, rand, require_torch


def _f(lib, a, b):
    return ((a @ b.T).exp() @ b).tanh().sum() + (a.sin() / (1 + a * a)).mean()


def _pair(seed=0):
    return rand((2, 3), np.float64, 0.5, 1.5, seed), rand((4, 3), np.float64, 0.5, 1.5, seed + 1)


def test_saved_tensors_hooks_pack_at_save_unpack_at_backward_same_grads_as_torch():
    torch = require_torch()
    a, b = _pair()
    events = []

    def pack(t):
        events.append("pack")
        return ("boxed", t.numpy().copy(), t.device)   # anything: here a host copy

    def unpack(box):
        events.append("unpack")
        return ag.tensor(box[1], device=box[2])

    ta, tb = ag.tensor(a, requires_grad=True), ag.tensor(b, requires_grad=True)
    with saved_tensors_hooks(pack, unpack):
        out = _f(ag, ta, tb)
    packs = events.count("pack")
    assert packs > 0 and "unpack" not in events   # nothing unpacked before backward
    out.backward()
    assert events.count("unpack") == packs
    Ta, Tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    _f(torch, Ta, Tb).backward()
    np.testing.assert_allclose(ta.grad.numpy(), Ta.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(tb.grad.numpy(), Tb.grad.numpy(), rtol=1e-12)
    events.clear()
    _f(ag, ta, tb).backward()   # outside the context: no hooks
    assert events == []


def test_saved_tensors_hooks_see_saved_values_and_unpack_result_is_used():
    torch = require_torch()
    x = rand((3,), np.float64, 0.5, 2, seed=3)
    seen = []
    t = ag.tensor(x, requires_grad=True)
    with saved_tensors_hooks(lambda s: seen.append(s.numpy().copy()) or s, lambda s: s * 2):
        y = (t * t).sum()   # mul saves both operands
    y.backward()
    T = torch.tensor(x, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(lambda s: s, lambda s: s * 2):
        (T * T).sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), T.grad.numpy(), rtol=1e-12)   # 2 * (2x) twice: both use unpack
    assert len(seen) == 2 and all(np.array_equal(s, x) for s in seen)


def test_saved_tensors_hooks_innermost_wins_and_retain_graph():
    outer, inner = [], []
    t = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    with saved_tensors_hooks(lambda s: outer.append(1) or s, lambda s: s):
        with saved_tensors_hooks(lambda s: inner.append("p") or s, lambda s: inner.append("u") or s):
            y = t.exp().sum()
        z = t.sin().sum()
    assert inner == ["p"] and outer == [1]
    y.backward(retain_graph=True)
    y.backward()
    assert inner == ["p", "u", "u"]
    np.testing.assert_allclose(t.grad.numpy(), 2 * np.exp([1.0, 2.0]) + 0, rtol=1e-12)
    with pytest.raises(Exception, match="second time"):
        y.backward()
    z.backward()


def test_save_on_cpu_and_disable_and_bad_unpack():
    torch = require_torch()
    a, b = _pair(4)
    ta, tb = ag.tensor(a, requires_grad=True), ag.tensor(b, requires_grad=True)
    with save_on_cpu(pin_memory=True):
        out = _f(ag, ta, tb)
    out.backward()
    Ta, Tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    with torch.autograd.graph.save_on_cpu():
        _f(torch, Ta, Tb).backward()
    np.testing.assert_allclose(ta.grad.numpy(), Ta.grad.numpy(), rtol=1e-12)
    with disable_saved_tensors_hooks("no hooks in this region"):
        with pytest.raises(RuntimeError, match="no hooks in this region"):
            with saved_tensors_hooks(lambda s: s, lambda s: s):
                pass
    with saved_tensors_hooks(lambda s: s, lambda s: 3.0):
        y = ta.exp().sum()
    with pytest.raises(TypeError, match="unpack_hook must return a Tensor"):
        y.backward()


def test_saved_tensors_hooks_gradcheck_and_double_backward():
    def fn(x):
        with saved_tensors_hooks(lambda s: s, lambda s: s):
            return (x * x.sin()).exp()
    check_gradcheck(fn, [rand((2, 3), np.float64, seed=5)])
    x = ag.tensor([0.3, 0.7], dtype=ag.float64, requires_grad=True)
    with saved_tensors_hooks(lambda s: s, lambda s: s):
        y = (x ** 3).sum()
    (g,) = ag.grad(y, x, create_graph=True)
    (h,) = ag.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), 6 * np.array([0.3, 0.7]), rtol=1e-12)


def _multi(lib, mode, inputs=None):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([3.0, 4.0], requires_grad=True)
    c, d = a * b, a * b
    log = []
    fn = (lambda gs: log.append([None if g is None else g.tolist() for g in gs])) if mode == "all" else \
        (lambda g: log.append(g.tolist()))
    handle = (ag.autograd.graph if lib is ag else lib.autograd.graph).register_multi_grad_hook((a, b, c, d), fn,
                                                                                              mode=mode)
    c.sum().backward(retain_graph=True)
    (c * 2).sum().backward(retain_graph=True)
    handle.remove()
    c.sum().backward()
    return log


@pytest.mark.parametrize("mode", ["all", "any"])
def test_register_multi_grad_hook_matches_torch(mode):
    torch = require_torch()
    assert _multi(ag, mode) == _multi(torch, mode)
    with pytest.raises(ValueError, match="mode"):
        register_multi_grad_hook([ag.ones(1, requires_grad=True)], print, mode="some")


def test_variable_and_set_detect_anomaly():
    torch = require_torch()
    Variable = ag.autograd.Variable
    t = ag.ones(3)
    v = Variable(t, requires_grad=True)
    V = torch.autograd.Variable(torch.ones(3), requires_grad=True)
    assert type(v) is ag.Tensor and v is not t and v.requires_grad == V.requires_grad and v.is_leaf
    assert isinstance(t, Variable) and not isinstance(3, Variable) and isinstance(V, torch.autograd.Variable)
    v.data[0] = 5.0   # shares t's values, as PyTorch's
    assert t[0].item() == 5.0
    nonleaf = ag.ones(2, requires_grad=True) * 2
    assert not Variable(nonleaf).requires_grad and Variable(nonleaf).is_leaf
    with pytest.raises(TypeError, match="Variable data has to be a tensor"):
        Variable([1, 2])
    assert not ag.is_anomaly_enabled()
    with ag.autograd.set_detect_anomaly(True):
        assert ag.is_anomaly_enabled()
        with pytest.raises(Exception, match="log"):
            ag.log(ag.tensor([-1.0]))
    assert not ag.is_anomaly_enabled()
    ag.autograd.set_detect_anomaly(True)
    assert ag.is_anomaly_enabled() and ag.is_anomaly_check_nan_enabled()
    ag.autograd.set_detect_anomaly(False)
    assert not ag.is_anomaly_enabled()


FORWARD = [("sin-mul", lambda l, x, w: (x * x).sin() + x),
           ("matmul-tanh", lambda l, x, w: (x @ w).tanh()),
           ("softmax-exp", lambda l, x, w: l.softmax(x.exp(), dim=-1) * 3),
           ("broadcast-div", lambda l, x, w: x / (1 + w.sum(0)) - x.mean())]


@pytest.mark.parametrize("name, fn", FORWARD)
def test_forward_ad_matches_torch(name, fn):
    torch = require_torch()
    x, tx = rand((2, 3), np.float64, seed=6), rand((2, 3), np.float64, seed=7)
    w, tw = rand((3, 3), np.float64, seed=8), rand((3, 3), np.float64, seed=9)
    with fwAD.dual_level():
        dx = fwAD.make_dual(ag.tensor(x), ag.tensor(tx))
        dw = fwAD.make_dual(ag.tensor(w), ag.tensor(tw))
        out = fwAD.unpack_dual(fn(ag, dx, dw))
    import torch.autograd.forward_ad as tfw
    with tfw.dual_level():
        ref = tfw.unpack_dual(fn(torch, tfw.make_dual(torch.tensor(x), torch.tensor(tx)),
                                 tfw.make_dual(torch.tensor(w), torch.tensor(tw))))
    assert type(out).__name__ == "UnpackedDualTensor" and out._fields == ("primal", "tangent")
    np.testing.assert_allclose(out.primal.numpy(), ref.primal.numpy(), rtol=1e-12)
    np.testing.assert_allclose(out.tangent.numpy(), ref.tangent.numpy(), rtol=1e-10, atol=1e-12)
    # and against central differences along the tangent
    eps = 1e-6
    up = fn(ag, ag.tensor(x + eps * tx), ag.tensor(w + eps * tw)).numpy()
    down = fn(ag, ag.tensor(x - eps * tx), ag.tensor(w - eps * tw)).numpy()
    np.testing.assert_allclose(out.tangent.numpy(), (up - down) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_forward_ad_levels_errors_and_plain_tensors():
    torch = require_torch()
    with pytest.raises(RuntimeError, match="no level exists"):
        fwAD.make_dual(ag.ones(2), ag.ones(2))
    with fwAD.dual_level() as level:
        assert level == 0
        with pytest.raises(RuntimeError, match="different size"):
            fwAD.make_dual(ag.ones(3), ag.ones(2))
        with pytest.raises(RuntimeError, match="Nested forward mode AD"):
            with fwAD.dual_level():
                pass
        p = ag.ones(3)
        d = fwAD.make_dual(p, ag.arange(3.0))
        assert fwAD.unpack_dual(d).tangent.tolist() == [0.0, 1.0, 2.0]
        assert fwAD.unpack_dual(p).tangent is None and fwAD.unpack_dual(ag.ones(3) * 2).tangent is None
        y = d * 2
        assert fwAD.unpack_dual(ag.logcumsumexp(d, 0)).tangent.tolist() == [0.0, 0.5, 1.0]   # PyTorch's
        log_probs = fwAD.make_dual(ag.zeros(5, 1, 3), ag.ones(5, 1, 3)).log_softmax(2)
        with pytest.raises(RuntimeError, match="ctc_loss"):   # PyTorch has no such derivative either
            fwAD.unpack_dual(F.ctc_loss(log_probs, ag.tensor([[1, 2]]), [5], [2]))
    assert fwAD.unpack_dual(y).tangent is None   # the level is gone
    with torch.autograd.forward_ad.dual_level():
        D = torch.autograd.forward_ad.make_dual(torch.ones(3), torch.arange(3.0))
        assert torch.autograd.forward_ad.unpack_dual(D * 2).tangent.tolist() == [0.0, 2.0, 4.0]


def test_forward_ad_with_primal_requiring_grad_keeps_reverse_graph():
    x = ag.tensor([0.5, 1.0], dtype=ag.float64, requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(x, ag.tensor([1.0, 0.0], dtype=ag.float64))
        y = (d ** 2).sum()
        primal, tangent = fwAD.unpack_dual(y)
        assert tangent.item() == pytest.approx(1.0)
    primal.backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 2.0])


def test_saved_tensors_hooks_skip_ops_that_record_no_graph():
    packed = []
    t = ag.tensor([1.0, 2.0], requires_grad=True)
    with saved_tensors_hooks(lambda s: packed.append(1) or s, lambda s: s):
        with ag.no_grad():
            t.exp()
        ag.tensor([1.0]).exp()
    assert packed == []
    assert ag.autograd.Variable().shape == (0,)


def test_saved_tensors_hooks_see_custom_function_saves_like_torch():
    torch = require_torch()

    def run(lib):
        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return 3 * x * x * g

        log = []
        x = lib.tensor([1.0, 3.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: log.append("pack") or t,
                                                    lambda t: log.append("unpack") or t):
            y = Cube.apply(x).sum()
        y.backward()
        return log, x.grad.tolist()
    assert run(ag) == run(torch)


def test_copying_hooks_keep_higher_order_gradients_like_torch():
    torch = require_torch()
    x0 = rand((2, 3), np.float64, 0.2, 1.0, seed=11)

    def second(lib, x, hooks):
        w = x * 2   # a non-leaf input to the ops below, besides the leaf x
        with hooks:
            y = ((w ** 3) * x.exp()).sum() + (x * x.sin()).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (h,) = lib.autograd.grad((g * g).sum(), x)
        return h

    x = ag.tensor(x0, requires_grad=True)
    ours = second(ag, x, saved_tensors_hooks(lambda s: s.numpy().copy(), lambda s: ag.tensor(s)))
    X = torch.tensor(x0, requires_grad=True)
    theirs = second(torch, X, torch.autograd.graph.saved_tensors_hooks(lambda s: s.detach().numpy().copy(),
                                                                       lambda s: torch.tensor(s)))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-11)


def test_unpack_dual_twice_and_a_backward_after_it_as_pytorch():
    # the tangent pass walks back into the forward graph; it must leave it usable (a regression: the second
    # unpack_dual of a softmax output found the softmax's saved values freed)
    torch = require_torch()
    x0, v0, w0 = rand((3, 4), seed=0), rand((3, 4), seed=1), rand((4, 2), seed=2)
    results = []
    for lib, nnf, fw in ((ag, __import__("nn.functional").functional, fwAD),
                         (torch, torch.nn.functional, torch.autograd.forward_ad)):
        w = lib.tensor(w0, requires_grad=True)
        with fw.dual_level():
            d = fw.make_dual(lib.tensor(x0), lib.tensor(v0))
            y = nnf.softmax(lib.tanh(d @ w).sum(1, keepdim=True) * d, dim=1)
            first = fw.unpack_dual(y).tangent.detach().numpy().copy()
            second = fw.unpack_dual(y).tangent.detach().numpy().copy()
            (y * y).sum().backward()
        results.append((first, second, w.grad.numpy().copy()))
    for ours, theirs in zip(results[0], results[1]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(results[0][0], results[0][1])
