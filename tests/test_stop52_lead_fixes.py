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
