"""PyTorch leftovers of earlier stops (leftovers 10), each checked against torch 2.13: forward-mode tangents on the
reverse graph (forward-over-reverse) and their dtypes, the graphs composite losses and nn.Linear show, BatchNorm's
buffer versions, the in-place check of saved results, and the scale-first overloads' deprecation warning."""
import numpy as np
import pytest

import autograd as ag
from autograd.autograd import forward_ad as fwAD


def _torch():
    return pytest.importorskip("torch")


def _fw(lib):
    """The forward_ad module of `lib` (torch or autograd)."""
    return lib.autograd.forward_ad


# ----- 1. a tangent computed from tensors that require grad is on the reverse graph --------------------------------
_OPS = {
    "mul": lambda lib, d, c, w: d * d,
    "mul_const": lambda lib, d, c, w: d * c,
    "div_const": lambda lib, d, c, w: d / c,
    "sin": lambda lib, d, c, w: lib.sin(d),
    "exp_add": lambda lib, d, c, w: lib.exp(d) + d,
    "matmul": lambda lib, d, c, w: d @ w,
    "mm": lambda lib, d, c, w: lib.mm(d, w),
    "sum": lambda lib, d, c, w: d.sum(),
    "sum_dim": lambda lib, d, c, w: d.sum(1),
    "mean": lambda lib, d, c, w: d.mean(),
    "view": lambda lib, d, c, w: d.view(3, 2),
    "t": lambda lib, d, c, w: d.t(),
    "index": lambda lib, d, c, w: d[1:, ::2],
    "add_const": lambda lib, d, c, w: d + c,
    "cat": lambda lib, d, c, w: lib.cat([d, c]),
    "mul_then_sum": lambda lib, d, c, w: (d * c).sum(),
    "sum_then_mul": lambda lib, d, c, w: d.sum() * c,
    "abs": lambda lib, d, c, w: d.abs(),
}
#: the ops whose tangent's own node PyTorch shows under the same name as deepgrad (others: see the report)
_SAME_TOP_NODE = {"mul", "sin", "exp_add", "view", "t", "index", "add_const"}


def _tangent_case(lib, op, primal_rg, tangent_rg):
    """Run `op` on a dual tensor at a fresh level: (primal, tangent, unpacked tangent)."""
    rng = np.random.default_rng(3)
    p = lib.tensor(rng.uniform(0.5, 1.5, (2, 3)), requires_grad=primal_rg)
    t = lib.tensor(rng.uniform(-1, 1, (2, 3)), requires_grad=tangent_rg)
    c = lib.tensor(rng.uniform(0.5, 1.5, (2, 3)))
    w = lib.tensor(rng.uniform(-1, 1, (3, 2)))
    fw = _fw(lib)
    with fw.dual_level():
        out = _OPS[op](lib, fw.make_dual(p, t), c, w)
        tangent = fw.unpack_dual(out).tangent
    return p, t, tangent


@pytest.mark.parametrize("needs", ["primal", "tangent", "both"])
@pytest.mark.parametrize("op", sorted(_OPS))
def test_tangent_requires_grad_and_its_gradient_match_torch(op, needs):
    torch = _torch()
    flags = (needs in ("primal", "both"), needs in ("tangent", "both"))
    ours = _tangent_case(ag, op, *flags)
    theirs = _tangent_case(torch, op, *flags)
    np.testing.assert_allclose(ours[2].detach().numpy(), theirs[2].detach().numpy(), rtol=1e-12)
    assert ours[2].requires_grad == theirs[2].requires_grad
    assert (ours[2].grad_fn is None) == (theirs[2].grad_fn is None)
    if op in _SAME_TOP_NODE and theirs[2].grad_fn is not None:
        assert ours[2].grad_fn.name() == theirs[2].grad_fn.name()
    if not theirs[2].requires_grad:
        return
    wanted = [k for k in (0, 1) if flags[k]]
    weights = np.linspace(-1, 2, int(np.prod(theirs[2].shape))).reshape(tuple(theirs[2].shape))
    g_ours = ag.autograd.grad((ours[2] * ag.tensor(weights)).sum(), [ours[k] for k in wanted], allow_unused=True)
    g_theirs = torch.autograd.grad((theirs[2] * torch.tensor(weights)).sum(), [theirs[k] for k in wanted],
                                   allow_unused=True)
    for a, b in zip(g_ours, g_theirs):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a.numpy(), b.numpy(force=True), rtol=1e-12, atol=1e-15)


def test_a_tangent_through_a_product_with_a_constant_backwards_to_a_zero_gradient():
    p = ag.tensor(np.ones((2, 3)), requires_grad=True)
    with fwAD.dual_level():
        tangent = fwAD.unpack_dual(fwAD.make_dual(p, ag.ones(2, 3, dtype=ag.float64)) @ ag.ones(3, 2, dtype=ag.float64)).tangent
    assert tangent.requires_grad and tangent.grad_fn.name() == "AddBackward0"
    tangent.sum().backward()
    np.testing.assert_array_equal(p.grad.numpy(), np.zeros((2, 3)))


def test_hessian_vector_product_by_reverse_over_forward_matches_torch():
    torch = _torch()
    rng = np.random.default_rng(5)
    x0, v0 = rng.uniform(-1, 1, (4,)), rng.uniform(-1, 1, (4,))
    a0 = rng.uniform(-1, 1, (4, 4))
    results = []
    for lib in (ag, torch):
        x = lib.tensor(x0, requires_grad=True)
        a = lib.tensor(a0)
        fw = _fw(lib)
        with fw.dual_level():
            d = fw.make_dual(x, lib.tensor(v0))
            y = (lib.tanh(a @ d) * d).sum() + (d * d * d).sum()
            jvp = fw.unpack_dual(y).tangent
        (hvp,) = lib.autograd.grad(jvp, [x])
        results.append(hvp.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


@pytest.mark.parametrize("op", ["mul", "sin", "matmul", "sum", "view", "exp_add", "mul_const"])
def test_the_tangent_as_a_function_of_primal_and_tangent_passes_gradcheck(op):
    rng = np.random.default_rng(7)
    c = ag.tensor(rng.uniform(0.5, 1.5, (2, 3)))
    w = ag.tensor(rng.uniform(-1, 1, (3, 2)))

    def tangent_of(p, t):
        with fwAD.dual_level():
            return fwAD.unpack_dual(_OPS[op](ag, fwAD.make_dual(p, t), c, w)).tangent

    p = ag.tensor(rng.uniform(0.5, 1.5, (2, 3)), requires_grad=True)
    t = ag.tensor(rng.uniform(-1, 1, (2, 3)), requires_grad=True)
    assert ag.gradcheck(tangent_of, (p, t))


# ----- 2. a tangent of another floating dtype than its primal's ---------------------------------------------------
_DTYPE_OPS = ["sum", "view", "mean", "t", "index", "mul", "sin", "mul_const", "exp_add", "mul_then_sum"]


@pytest.mark.parametrize("dtypes", [("float64", "float32"), ("float32", "float64")])
@pytest.mark.parametrize("op", _DTYPE_OPS)
def test_the_tangent_dtype_follows_torch(op, dtypes):
    torch = _torch()
    got = []
    for lib in (ag, torch):
        p = lib.tensor(np.arange(6.0).reshape(2, 3) / 7, dtype=getattr(lib, dtypes[0]))
        t = lib.tensor(np.full((2, 3), 1 / 3), dtype=getattr(lib, dtypes[1]))
        c = lib.tensor(np.full((2, 3), 2.0), dtype=getattr(lib, dtypes[0]))
        fw = _fw(lib)
        with fw.dual_level():
            tangent = fw.unpack_dual(_OPS[op](lib, fw.make_dual(p, t), c, None)).tangent
        got.append((str(tangent.dtype).replace("torch.", ""), tangent.detach().numpy().astype(np.float64)))
    assert got[0][0] == got[1][0]
    np.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-6)
