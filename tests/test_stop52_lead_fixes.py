"""Regressions for the lead's own fixes in stop 52, compared with PyTorch where it is installed."""
import importlib

import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_gradcheck


def _no_input_requires_grad(lib, check):
    x = lib.ones(3, dtype=lib.float64)
    try:
        check(lambda v: v * v, (x,), raise_exception=False)
    except ValueError as e:
        return "ValueError", str(e).split(". ")[0]
    return "returned", None


@pytest.mark.parametrize("name", ["gradcheck", "gradgradcheck"])
def test_a_check_with_no_input_requiring_grad_raises_pytorchs_value_error(name):
    got = _no_input_requires_grad(ag, getattr(ag.autograd, name))
    assert got == ("ValueError", f"{name} expects at least one input tensor to require gradient, but none of them "
                                 "have requires_grad=True") or got[1].startswith("gradcheck expects")
    torch = pytest.importorskip("torch")
    assert _no_input_requires_grad(torch, getattr(torch.autograd, name))[0] == got[0]


def test_check_gradcheck_differentiates_complex_inputs_and_catches_a_wrong_gradient():
    class WrongConjugate(ag.autograd.Function):
        @staticmethod
        def forward(ctx, z):
            ctx.save_for_backward(z)
            return z * z

        @staticmethod
        def backward(ctx, g):
            (z,) = ctx.saved_tensors
            return g * 2 * z   # PyTorch's convention wants the conjugate: g * 2 * z.conj()

    z = np.array([1 + 2j, -0.5 + 0.3j])
    check_gradcheck(lambda t: t * t, [z])
    with pytest.raises(importlib.import_module("autograd.autograd.gradcheck").GradcheckError):
        check_gradcheck(WrongConjugate.apply, [z])


ALIASED = {
    "mul": lambda lib, y: y * y.detach(),
    "div": lambda lib, y: y / y.detach(),
    "pow": lambda lib, y: y ** y.detach(),
    "atan2": lambda lib, y: lib.atan2(y, y.detach()),
    "where": lambda lib, y: lib.where(y > 0, y, y.detach() * 2),
    "addcmul": lambda lib, y: lib.addcmul(y, y, y.detach()),
    "leaf": lambda lib, y: y * 1.0,
}


def _second_derivatives(lib, name):
    x = lib.tensor([0.5, -1.5, 2.0], dtype=lib.float64, requires_grad=True)
    y = x * 3
    z = (x * x.detach() if name == "leaf" else ALIASED[name](lib, y)).sum()
    (g,) = lib.autograd.grad(z, x, create_graph=True)
    h = lib.autograd.grad(g.sum(), x, allow_unused=True)[0] if g.requires_grad else None
    return g.detach().numpy(), g.requires_grad, None if h is None else h.numpy()


@pytest.mark.parametrize("name", sorted(ALIASED))
def test_a_detached_alias_of_a_graph_tensor_stays_constant_under_create_graph(name):
    """`y * y.detach()` shares y's array: the saved constant was taken for y, so the second derivative
    counted it (9 instead of 0 for mul)."""
    g, requires, h = _second_derivatives(ag, name)
    torch = pytest.importorskip("torch")
    tg, trequires, th = _second_derivatives(torch, name)
    np.testing.assert_allclose(g, tg, rtol=1e-12)
    assert requires == trequires
    assert (h is None) == (th is None)
    if h is not None:
        np.testing.assert_allclose(h, th, rtol=1e-12)


@pytest.mark.parametrize("half", ["bfloat16", "float16"])
@pytest.mark.parametrize("op", ["mul", "div"])
@pytest.mark.parametrize("scalar", [(0.1, "float32"), (0.1, "float64"), (5001, "int64"), (257, "int32")],
                         ids=["f32", "f64", "int64", "int32"])
def test_a_half_tensor_times_a_0d_tensor_uses_its_unrounded_value_as_pytorch(half, op, scalar):
    """x_bf16 * torch.tensor(0.1) multiplies by 0.1 in float32, not by 0.1 rounded to bfloat16 first."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal(600).astype(np.float32)
    value, dtype = scalar

    def run(lib):
        a = lib.tensor(x).to(getattr(lib, half)).requires_grad_()
        out = getattr(lib, op)(a, lib.tensor(value, dtype=getattr(lib, dtype)))
        out.float().sum().backward()
        return out, a.grad

    out, grad = run(ag)
    tout, tgrad = run(torch)
    assert out.dtype == getattr(ag, half)
    np.testing.assert_array_equal(out.float().detach().numpy(), tout.float().detach().numpy())
    np.testing.assert_array_equal(grad.float().numpy(), tgrad.float().numpy())
