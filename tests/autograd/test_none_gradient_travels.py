"""A gradient that a backward does not give (None) still travels down the graph, as in PyTorch's engine: the nodes
below are visited, their hooks see None, a custom Function's backward runs on zeros (or on None with
set_materialize_grads(False)), a leaf's hooks and post-accumulate hooks run with `.grad` left as it is, and module
backward hooks see what PyTorch's show. Each scenario runs with PyTorch and with deepgrad and compares the logs.
Before, the pass stopped at the first None: none of these hooks ran, and a custom Function below left None where
PyTorch leaves zeros."""
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch


def _shown(t):
    return None if t is None else t.tolist()


def _functions(lib):
    """DropSecond gives no gradient for its second input; Ident and IdentAsIs pass theirs on and log it."""
    Function = lib.autograd.Function

    class DropSecond(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * 2 + b

        @staticmethod
        def backward(ctx, g):
            return g * 2, None

    class Ident(Function):
        log = []

        @staticmethod
        def forward(ctx, a):
            return a.clone()

        @staticmethod
        def backward(ctx, g):
            Ident.log.append(("ident", _shown(g)))
            return g

    class IdentAsIs(Function):
        log = Ident.log

        @staticmethod
        def forward(ctx, a):
            ctx.set_materialize_grads(False)
            return a.clone()

        @staticmethod
        def backward(ctx, g):
            IdentAsIs.log.append(("as is", _shown(g)))
            return g

    return DropSecond, Ident, IdentAsIs


def _hooks_below(lib, log):
    drop, _, _ = _functions(lib)
    x, w = lib.ones(3, requires_grad=True), lib.ones(3, requires_grad=True)
    b = w * 3
    b.register_hook(lambda g: log.append(("b", _shown(g))))
    w.register_post_accumulate_grad_hook(lambda p: log.append(("post", _shown(p.grad))))
    w.register_hook(lambda g: log.append(("w", _shown(g))))
    b.grad_fn.register_prehook(lambda go: log.append(("pre", [_shown(g) for g in go])))
    b.grad_fn.register_hook(lambda gi, go: log.append(("node", [_shown(g) for g in gi], [_shown(g) for g in go])))
    drop.apply(x, b).sum().backward()
    log.append((_shown(x.grad), _shown(w.grad)))


def _custom_functions_below(lib, log):
    drop, ident, as_is = _functions(lib)
    x = lib.ones(3, requires_grad=True)
    for fn in (ident, as_is):
        w = lib.ones(3, requires_grad=True)
        drop.apply(x, fn.apply(w * 3)).sum().backward()
        log.append(_shown(w.grad))
    log.extend(ident.log)


def _hook_may_not_replace_none(lib, log):
    drop, _, _ = _functions(lib)
    w = lib.ones(3, requires_grad=True)
    w.register_hook(lambda g: lib.zeros(3))
    with pytest.raises(RuntimeError):
        drop.apply(lib.ones(3, requires_grad=True), w * 2).sum().backward()
    log.append(_shown(w.grad))


def _module_hooks(lib, log):
    drop, _, _ = _functions(lib)
    lib.manual_seed(0)
    lin = lib.nn.Linear(3, 3)
    lin.register_full_backward_hook(lambda m, gi, go: log.append(([_shown(g) for g in gi], [_shown(g) for g in go])))
    lin.register_full_backward_pre_hook(lambda m, go: log.append(("pre", [_shown(g) for g in go])))
    xin = lib.ones(2, 3, requires_grad=True)
    drop.apply(lib.ones(2, 3, requires_grad=True), lin(xin)).sum().backward()
    log.append((_shown(xin.grad), _shown(lin.weight.grad)))


def _accumulator_and_retained(lib, log):
    drop, _, _ = _functions(lib)
    x = lib.ones(3, requires_grad=True)
    w = lib.ones(3, requires_grad=True)
    acc = (w * 1).grad_fn.next_functions[0][0]
    acc.register_prehook(lambda g: log.append(("acc pre", [_shown(t) for t in g])))
    acc.register_hook(lambda gi, go: log.append(("acc", gi, [_shown(t) for t in go])))
    r = w * 2
    r.retain_grad()
    drop.apply(x, r).sum().backward()
    log.append((_shown(r.grad), _shown(w.grad)))
    (w * 5).sum().backward()   # an earlier gradient stays, and the post-accumulate hook sees it
    w.register_post_accumulate_grad_hook(lambda p: log.append(("post", _shown(p.grad))))
    drop.apply(x, w * 2).sum().backward()
    log.append(_shown(w.grad))


def _mixed_paths_and_grad(lib, log):
    drop, ident, _ = _functions(lib)
    x = lib.ones(3, requires_grad=True)
    w = lib.ones(3, requires_grad=True)
    w.register_hook(lambda g: log.append(("w", _shown(g))))
    (drop.apply(x, w * 2) + w).sum().backward()
    log.append(_shown(w.grad))
    v = lib.ones(3, requires_grad=True)
    log.append([_shown(g) for g in lib.autograd.grad(drop.apply(x, v * 2).sum(), [v, x], allow_unused=True)])
    u = lib.ones(3, requires_grad=True)
    y = drop.apply(x * x, ident.apply(u * u)).sum()
    gx, gu = lib.autograd.grad(y, [x, u], create_graph=True, allow_unused=True)
    log.append((_shown(gx), _shown(gu), gx.requires_grad))
    z = lib.arange(6., requires_grad=True)
    a, c = (z * 1).split(3)
    c2 = c * 5
    c2.register_hook(lambda g: log.append(("c2", _shown(g))))
    (a.sum() + drop.apply(lib.ones(3), c2).sum()).backward()
    log.append(_shown(z.grad))
    log.extend(ident.log)


class _Lib:
    """autograd with nn as its .nn attribute, so one scenario builds the same model with either library."""

    def __init__(self, autograd, nn_package):
        self._ag, self.nn = autograd, nn_package

    def __getattr__(self, name):
        return getattr(self._ag, name)


@pytest.mark.parametrize("scenario", [_hooks_below, _custom_functions_below, _hook_may_not_replace_none,
                                      _module_hooks, _accumulator_and_retained, _mixed_paths_and_grad],
                         ids=lambda f: f.__name__.strip("_"))
def test_none_travels_down_as_in_pytorch(scenario):
    torch = require_torch()
    logs = []
    for lib in (torch, _Lib(ag, nn)):
        log = []
        scenario(lib, log)
        logs.append(log)
    assert logs[1] == logs[0]
