"""Second derivatives the gradient sweep (`python -m tests.sweep grads`) found wrong or failing, each checked by
gradgradcheck in float64 where the function is smooth at the point, and against PyTorch's second derivatives."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch


def _second(lib, fn, arrays):
    """fn's value, its gradients, and the gradient of half the squared gradients (second derivatives)."""
    inputs = [lib.tensor(a, requires_grad=True) for a in arrays]
    out = fn(lib, *inputs)
    grads = lib.autograd.grad(out.real.sum() if out.is_complex() else out.sum(), inputs, create_graph=True)
    total = sum(((g * g.conj()).real * 0.5).sum() for g in grads)
    seconds = lib.autograd.grad(total, inputs, allow_unused=True) if total.requires_grad else [None] * len(inputs)
    seconds = [lib.zeros_like(x) if s is None else s for x, s in zip(inputs, seconds)]
    return [np.asarray(t.detach().numpy()) for t in (out, *grads, *seconds)]


def _functional(lib):
    return nn.functional if lib is ag else lib.nn.functional


CASES = {
    # a gradient built from a value saved inside forward lost that value's dependence on the input
    "sgn_complex": (lambda lib, z: lib.sgn(z) * z.conj(), [np.array([1 + 2j, -0.5 + 0.25j, 3 - 1j])]),
    "bce_target": (lambda lib, p, t: _functional(lib).binary_cross_entropy(p.sigmoid(), t.sigmoid()),
                   [np.array([0.3, -1.2, 2.0]), np.array([-0.4, 0.9, 0.1])]),
    # a tie: logaddexp's curvature there is 1/4, which max(a, b) + log1p(exp(-|a - b|)) loses at the kink
    "logaddexp_tie": (lambda lib, a, b: lib.logaddexp(a, b), [np.array([2.0, 0.5, -1.0]), np.array([2.0, 1.5, -1.0])]),
    "logaddexp2_tie": (lambda lib, a, b: lib.logaddexp2(a, b), [np.array([2.0, 0.5]), np.array([2.0, 1.5])]),
    "logcumsumexp_ties": (lambda lib, a: lib.logcumsumexp(a, 0), [np.array([[0.5, 1.0], [0.5, -2.0], [1.5, 1.0]])]),
    # celu at 0: PyTorch's second derivative there is 0 (its double backward masks x < 0)
    "celu_at_zero": (lambda lib, x: _functional(lib).celu(x, 0.5), [np.array([-1.5, 0.0, 0.4, -0.2])]),
    # raised AttributeError: the zero gradient of the sign source was made with the graph namespace
    "copysign_other_grad": (lambda lib, a, b: lib.copysign(a, b), [np.array([1.0, -2.0, 0.5]), np.array([-1.0, 3.0, 2.0])]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_second_derivatives_match_pytorch(name):
    torch = require_torch()
    fn, arrays = CASES[name]
    ours, theirs = _second(ag, fn, arrays), _second(torch, fn, arrays)
    assert len(ours) == len(theirs)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=f"{name}: result {k}")


@pytest.mark.parametrize("name", ["sgn_complex", "bce_target", "logaddexp_tie", "logaddexp2_tie",
                                  "logcumsumexp_ties"])
def test_second_derivatives_pass_gradgradcheck(name):
    fn, arrays = CASES[name]
    inputs = [ag.tensor(a, requires_grad=True) for a in arrays]
    assert ag.autograd.gradgradcheck(lambda *xs: fn(ag, *xs), inputs)


@pytest.mark.parametrize("eps", [None, 0.1])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_logit_gradient_outside_the_domain_as_pytorch(eps, dtype):
    torch = require_torch()
    values = np.array([-1.0, 0.0, 0.05, 0.5, 0.97, 1.0, 2.0])
    results = []
    for lib in (ag, torch):
        x = lib.tensor(values).to(getattr(lib, dtype)).requires_grad_()
        y = lib.logit(x, eps)
        y.sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy(), y.grad_fn.name()))
    (y, g, name), (ty, tg, tname) = results
    np.testing.assert_allclose(y, ty, rtol=1e-6, equal_nan=True)
    np.testing.assert_allclose(g, tg, rtol=1e-6, equal_nan=True)   # nan outside [0, 1] without eps
    assert name == tname


def test_logit_passes_gradcheck_and_gradgradcheck_inside_the_domain():
    x = ag.tensor(np.array([0.2, 0.5, 0.7]), requires_grad=True)
    assert ag.gradcheck(lambda t: ag.logit(t), [x])
    assert ag.autograd.gradgradcheck(lambda t: ag.logit(t, 0.1), [x])


def test_celu_matches_pytorch_in_every_float_dtype():
    torch = require_torch()
    values = np.array([-100.0, -1.5, -0.3, 0.0, 0.4, 2.0])
    for dtype in ("float64", "float32", "float16", "bfloat16"):
        results = []
        for lib in (ag, torch):
            x = lib.tensor(values).to(getattr(lib, dtype)).requires_grad_()
            y = _functional(lib).celu(x, 0.5)
            (y * y).sum().backward()
            results.append((y.detach().float().numpy(), x.grad.float().numpy(), str(y.dtype).split(".")[-1]))
        np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-6, err_msg=dtype)
        np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6, err_msg=dtype)
        assert results[0][2] == results[1][2]


def test_cdist_p0_gradient_under_create_graph_is_pytorchs_zero():
    torch = require_torch()
    a, b = np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [3.0, 1.0]])
    x, y = ag.tensor(a, requires_grad=True), ag.tensor(b, requires_grad=True)
    gx, gy = ag.autograd.grad(ag.cdist(x, y, p=0).sum(), (x, y), create_graph=True)   # raised AttributeError
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    tgx, tgy = torch.autograd.grad(torch.cdist(tx, ty, p=0).sum(), (tx, ty))
    np.testing.assert_array_equal(gx.detach().numpy(), tgx.numpy())
    np.testing.assert_array_equal(gy.detach().numpy(), tgy.numpy())
