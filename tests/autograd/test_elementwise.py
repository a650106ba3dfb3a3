"""Elementwise ops: values and gradients against PyTorch, float64 gradcheck, broadcasting, kinks and ties."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand, torch


SHAPES = [(), (4,), (2, 3), (0, 3)]
TOL = {np.float32: dict(atol=1e-5, rtol=1e-4), np.float64: dict(atol=1e-10, rtol=1e-8)}

# name, ours, torch's, input range (chosen inside the op's domain)
UNARY = [
    ("exp", ag.exp, torch.exp, (-1, 1)),
    ("log", ag.log, torch.log, (0.2, 2)),
    ("log1p", ag.log1p, torch.log1p, (-0.5, 1)),
    ("sqrt", ag.sqrt, torch.sqrt, (0.2, 2)),
    ("abs", ag.abs, torch.abs, (-1, 1)),
    ("sin", ag.sin, torch.sin, (-3, 3)),
    ("cos", ag.cos, torch.cos, (-3, 3)),
    ("tanh", ag.tanh, torch.tanh, (-2, 2)),
    ("sigmoid", ag.sigmoid, torch.sigmoid, (-4, 4)),
    ("relu", ag.relu, torch.relu, (-1, 1)),
    ("sign", ag.sign, torch.sign, (-1, 1)),
    ("neg", lambda t: -t, lambda t: -t, (-1, 1)),
    ("clip", lambda t: ag.clip(t, -0.5, 0.5), lambda t: torch.clamp(t, -0.5, 0.5), (-1, 1)),
    ("clip_low_only", lambda t: ag.clip(t, -0.5, None), lambda t: torch.clamp(t, min=-0.5), (-1, 1)),
    ("clip_high_only", lambda t: ag.clip(t, None, 0.5), lambda t: torch.clamp(t, max=0.5), (-1, 1)),
]
UNARY_IDS = [u[0] for u in UNARY]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name,ours,theirs,domain", UNARY, ids=UNARY_IDS)
def test_unary_matches_torch(device, name, ours, theirs, domain, dtype, shape):
    x = rand(shape, dtype, *domain, seed=3)
    check_against_torch(ours, theirs, [x], device=device, **TOL[dtype])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name,ours,theirs,domain", UNARY, ids=UNARY_IDS)
def test_unary_gradcheck(device, name, ours, theirs, domain, shape):
    check_gradcheck(ours, [rand(shape, np.float64, *domain, seed=4)], device=device)


@pytest.mark.parametrize("name,ours,theirs,domain", UNARY, ids=UNARY_IDS)
def test_unary_keeps_float32(device, name, ours, theirs, domain):
    x = ag.tensor(rand((3,), np.float32, *domain), device=device, requires_grad=True)
    y = ours(x)
    assert y.dtype == np.float32 and y.device == x.device
    y.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.shape == (3,)


@pytest.mark.parametrize("name", ["exp", "log", "log1p", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu",
                                  "sign"])
def test_method_form_equals_function(device, name):
    x = ag.tensor(rand((2, 3), np.float64, 0.1, 1), device=device)
    np.testing.assert_array_equal(getattr(x, name)().numpy(), getattr(ag, name)(x).numpy())


# values at the kinks, where the gradient convention must match PyTorch's
KINKS = [
    ("abs", ag.abs, torch.abs, [-1.0, 0.0, 2.0]),
    ("relu", ag.relu, torch.relu, [-1.0, 0.0, 2.0]),
    ("sign", ag.sign, torch.sign, [-1.0, 0.0, 2.0]),
    ("clip_at_bounds", lambda t: ag.clip(t, -0.5, 0.5), lambda t: torch.clamp(t, -0.5, 0.5), [-0.5, 0.0, 0.5, 0.7]),
    ("maximum_ties", lambda t: ag.maximum(t, ag.tensor([1.0, 0.0, 3.0, 5.0], dtype=t.dtype, device=t.device)),
     lambda t: torch.maximum(t, torch.tensor([1.0, 0.0, 3.0, 5.0], dtype=t.dtype)), [1.0, 2.0, 3.0, 4.0]),
    ("minimum_ties", lambda t: ag.minimum(t, ag.tensor([1.0, 0.0, 3.0, 5.0], dtype=t.dtype, device=t.device)),
     lambda t: torch.minimum(t, torch.tensor([1.0, 0.0, 3.0, 5.0], dtype=t.dtype)), [1.0, 2.0, 3.0, 4.0]),
]


@pytest.mark.parametrize("name,ours,theirs,values", KINKS, ids=[k[0] for k in KINKS])
def test_gradient_at_kinks_and_ties_matches_torch(device, name, ours, theirs, values):
    check_against_torch(ours, theirs, [np.array(values)], device=device)


def test_maximum_tie_splits_gradient_between_both_inputs(device):
    a = ag.tensor([2.0, 1.0], device=device, requires_grad=True)
    b = ag.tensor([2.0, 3.0], device=device, requires_grad=True)
    ag.maximum(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [0.5, 0.0])
    np.testing.assert_allclose(b.grad.numpy(), [0.5, 1.0])


def test_sigmoid_is_stable_at_extreme_inputs(device):
    x = ag.tensor([-1000.0, -50.0, 0.0, 50.0, 1000.0], device=device, requires_grad=True)
    with np.errstate(over="raise", invalid="raise"):
        y = ag.sigmoid(x)
    np.testing.assert_allclose(y.numpy(), [0.0, 1.9287e-22, 0.5, 1.0, 1.0], rtol=1e-3)
    y.sum().backward()
    assert np.isfinite(x.grad.numpy()).all()


# binary ops: name, ours, torch's, range of a, range of b
BINARY = [
    ("add", lambda a, b: a + b, lambda a, b: a + b, (-1, 1), (-1, 1)),
    ("sub", lambda a, b: a - b, lambda a, b: a - b, (-1, 1), (-1, 1)),
    ("mul", lambda a, b: a * b, lambda a, b: a * b, (-1, 1), (-1, 1)),
    ("div", lambda a, b: a / b, lambda a, b: a / b, (-1, 1), (0.5, 2)),
    ("pow", lambda a, b: a ** b, lambda a, b: a ** b, (0.5, 2), (-1.5, 1.5)),
    ("maximum", ag.maximum, torch.maximum, (-1, 1), (-1, 1)),
    ("minimum", ag.minimum, torch.minimum, (-1, 1), (-1, 1)),
    ("add_fn", ag.add, torch.add, (-1, 1), (-1, 1)),
    ("sub_fn", ag.sub, torch.sub, (-1, 1), (-1, 1)),
    ("mul_fn", ag.mul, torch.mul, (-1, 1), (-1, 1)),
    ("div_fn", ag.div, torch.div, (-1, 1), (0.5, 2)),
    ("pow_fn", ag.pow, torch.pow, (0.5, 2), (-1.5, 1.5)),
    ("logaddexp2", ag.logaddexp2, torch.logaddexp2, (-3, 3), (-3, 3)),
    ("float_power", ag.float_power, torch.float_power, (0.3, 2), (-1.5, 1.5)),
    ("clamp_min tensor", ag.clamp_min, torch.clamp_min, (-1, 1), (-1, 1)),
    ("clamp_max tensor", ag.clamp_max, torch.clamp_max, (-1, 1), (-1, 1)),
    ("logaddexp2 method", lambda a, b: a.logaddexp2(b), lambda a, b: a.logaddexp2(b), (-30, 30), (-3, 3)),
    ("float_power method", lambda a, b: a.float_power(b), lambda a, b: a.float_power(b), (0.3, 2), (-1.5, 1.5)),
    ("clamp_min method", lambda a, b: a.clamp_min(b), lambda a, b: a.clamp_min(b), (-1, 1), (-1, 1)),
    ("clamp_max method", lambda a, b: a.clamp_max(b), lambda a, b: a.clamp_max(b), (-1, 1), (-1, 1)),
]
BINARY_IDS = [b[0] for b in BINARY]
PAIRS = [((), ()), ((3,), ()), ((), (3,)), ((2, 3), (3,)), ((3,), (2, 3)), ((2, 1), (1, 3)), ((4, 1, 3), (2, 1)),
         ((2, 3), (2, 3)), ((0, 3), (1, 3)), ((2, 0), (0,))]


@pytest.mark.parametrize("shapes", PAIRS, ids=str)
@pytest.mark.parametrize("name,ours,theirs,dom_a,dom_b", BINARY, ids=BINARY_IDS)
def test_binary_matches_torch_with_broadcasting(device, name, ours, theirs, dom_a, dom_b, shapes):
    a = rand(shapes[0], np.float64, *dom_a, seed=5)
    b = rand(shapes[1], np.float64, *dom_b, seed=6)
    check_against_torch(ours, theirs, [a, b], device=device)


@pytest.mark.parametrize("shapes", PAIRS, ids=str)
@pytest.mark.parametrize("name,ours,theirs,dom_a,dom_b", BINARY, ids=BINARY_IDS)
def test_binary_gradcheck_with_broadcasting(device, name, ours, theirs, dom_a, dom_b, shapes):
    a = rand(shapes[0], np.float64, *dom_a, seed=7)
    b = rand(shapes[1], np.float64, *dom_b, seed=8)
    check_gradcheck(ours, [a, b], device=device)


@pytest.mark.parametrize("name,ours,theirs,dom_a,dom_b", BINARY, ids=BINARY_IDS)
def test_binary_gradient_only_for_the_input_that_requires_it(device, name, ours, theirs, dom_a, dom_b):
    a = rand((2, 3), np.float64, *dom_a)
    b = rand((3,), np.float64, *dom_b)
    check_against_torch(ours, theirs, [a, b], device=device, requires_grad=[True, False])
    check_against_torch(ours, theirs, [a, b], device=device, requires_grad=[False, True])


# an operand that is a Python number, on either side
SCALAR_OPS = [
    ("x+2", lambda x: x + 2, lambda x: x + 2),
    ("2+x", lambda x: 2 + x, lambda x: 2 + x),
    ("x-2.5", lambda x: x - 2.5, lambda x: x - 2.5),
    ("2.5-x", lambda x: 2.5 - x, lambda x: 2.5 - x),
    ("x*3", lambda x: x * 3, lambda x: x * 3),
    ("3*x", lambda x: 3 * x, lambda x: 3 * x),
    ("x/3", lambda x: x / 3, lambda x: x / 3),
    ("3/x", lambda x: 3 / x, lambda x: 3 / x),
    ("x**2", lambda x: x ** 2, lambda x: x ** 2),
    ("x**3", lambda x: x ** 3, lambda x: x ** 3),
    ("x**0.5", lambda x: (x * x + 1) ** 0.5, lambda x: (x * x + 1) ** 0.5),
    ("x**-1", lambda x: (x + 2) ** -1, lambda x: (x + 2) ** -1),
    ("2**x", lambda x: 2 ** x, lambda x: 2 ** x),
    ("maximum(x,0.2)", lambda x: ag.maximum(x, 0.2), lambda x: torch.clamp(x, min=0.2)),
    ("minimum(0.2,x)", lambda x: ag.minimum(0.2, x), lambda x: torch.clamp(x, max=0.2)),
]


@pytest.mark.parametrize("shape", [(), (2, 3)], ids=str)
@pytest.mark.parametrize("name,ours,theirs", SCALAR_OPS, ids=[s[0] for s in SCALAR_OPS])
def test_python_scalar_operand(device, name, ours, theirs, shape):
    x = rand(shape, np.float64, 0.3, 1.5, seed=9)
    check_against_torch(ours, theirs, [x], device=device)
    check_gradcheck(ours, [x], device=device)


# where(cond, a, b): shapes of cond, a and b, broadcasting
WHERE_SHAPES = [((2, 3), (2, 3), (2, 3)), ((2, 3), (2, 3), (3,)), ((3,), (2, 1), ()), ((), (2,), (2,)),
                ((0, 2), (2,), (1, 2))]


@pytest.mark.parametrize("shapes", WHERE_SHAPES, ids=str)
def test_where_matches_torch(device, shapes):
    cond = rand(shapes[0], seed=10) > 0
    a, b = rand(shapes[1], seed=11), rand(shapes[2], seed=12)
    check_against_torch(lambda x, y: ag.where(ag.tensor(cond, device=x.device), x, y),
                        lambda x, y: torch.where(torch.tensor(cond), x, y), [a, b], device=device)
    check_gradcheck(lambda x, y: ag.where(cond, x, y), [a, b], device=device)


def test_where_with_a_python_number_branch(device):
    cond = np.array([True, False, True])
    x = rand((3,))
    check_against_torch(lambda t: ag.where(cond, t, 0.0), lambda t: torch.where(torch.tensor(cond), t, 0.0),
                        [x], device=device)
    check_gradcheck(lambda t: ag.where(cond, t, 0.0), [x], device=device)
    assert ag.where(cond, ag.tensor(x.astype(np.float32), device=device), 0.0).dtype == np.float32


COMPARISONS = [("<", lambda a, b: a < b, np.less), ("<=", lambda a, b: a <= b, np.less_equal),
               (">", lambda a, b: a > b, np.greater), (">=", lambda a, b: a >= b, np.greater_equal),
               ("==", lambda a, b: a == b, np.equal), ("!=", lambda a, b: a != b, np.not_equal)]


@pytest.mark.parametrize("name,ours,reference", COMPARISONS, ids=[c[0] for c in COMPARISONS])
def test_comparisons_give_bool_tensors_without_gradient(device, name, ours, reference):
    a = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    b = np.array([2.0, 2.0, 2.0])
    x = ag.tensor(a, device=device, requires_grad=True)
    out = ours(x, ag.tensor(b, device=device))
    assert out.dtype == np.bool_ and not out.requires_grad
    np.testing.assert_array_equal(out.numpy(), reference(a, b))
    np.testing.assert_array_equal(ours(x, 2.0).numpy(), reference(a, 2.0))


def test_subtracting_a_bool_tensor_is_refused_as_in_pytorch():
    torch = pytest.importorskip("torch")
    for make in (lambda m: m.tensor([True, False]) - 1, lambda m: 1 - m.tensor([True, False]),
                 lambda m: m.tensor([1.0, 2.0]) - m.tensor([True, False])):
        with pytest.raises(RuntimeError):
            make(torch)
        with pytest.raises(RuntimeError, match="logical_not"):
            make(ag)
    assert (ag.tensor([True, False]) + 1).tolist() == (torch.tensor([True, False]) + 1).tolist()
