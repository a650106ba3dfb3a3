"""tan, the inverse and hyperbolic functions (with their arc- aliases), deg2rad, rad2deg, sinc, positive,
clamp_min, clamp_max, logaddexp2 and float_power: values and gradients against PyTorch (random inputs, 0-d
and empty shapes, broadcasting, integer inputs), float64 gradcheck inside each domain, PyTorch's values and
gradients at the edges, second derivatives, and the Tensor methods with their in-place forms."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand, require_torch, torch

SHAPES = [(), (4,), (2, 3), (0, 3)]
TOL = {np.float32: dict(atol=1e-5, rtol=1e-4), np.float64: dict(atol=1e-10, rtol=1e-8)}

# name, ours, torch's, input range (inside the op's domain, away from its kinks)
UNARY = [
    ("tan", ag.tan, torch.tan, (-1.2, 1.2)),
    ("asin", ag.asin, torch.asin, (-0.9, 0.9)),
    ("acos", ag.acos, torch.acos, (-0.9, 0.9)),
    ("atan", ag.atan, torch.atan, (-3, 3)),
    ("sinh", ag.sinh, torch.sinh, (-2, 2)),
    ("cosh", ag.cosh, torch.cosh, (-2, 2)),
    ("asinh", ag.asinh, torch.asinh, (-3, 3)),
    ("acosh", ag.acosh, torch.acosh, (1.1, 4)),
    ("atanh", ag.atanh, torch.atanh, (-0.9, 0.9)),
    ("arcsin", ag.arcsin, torch.arcsin, (-0.9, 0.9)),
    ("arccos", ag.arccos, torch.arccos, (-0.9, 0.9)),
    ("arctan", ag.arctan, torch.arctan, (-3, 3)),
    ("arcsinh", ag.arcsinh, torch.arcsinh, (-3, 3)),
    ("arccosh", ag.arccosh, torch.arccosh, (1.1, 4)),
    ("arctanh", ag.arctanh, torch.arctanh, (-0.9, 0.9)),
    ("deg2rad", ag.deg2rad, torch.deg2rad, (-360, 360)),
    ("rad2deg", ag.rad2deg, torch.rad2deg, (-4, 4)),
    ("sinc", ag.sinc, torch.sinc, (-3, 3)),
    ("positive", ag.positive, torch.positive, (-1, 1)),
    ("clamp_min", lambda t: ag.clamp_min(t, 0.2), lambda t: torch.clamp_min(t, 0.2), (-1, 1)),
    ("clamp_max", lambda t: ag.clamp_max(t, -0.3), lambda t: torch.clamp_max(t, -0.3), (-1, 1)),
    ("float_power number", lambda t: ag.float_power(t, 2.5), lambda t: torch.float_power(t, 2.5), (0.2, 2)),
    ("float_power base number", lambda t: ag.float_power(1.7, t), lambda t: torch.float_power(1.7, t), (-2, 2)),
]
UNARY_IDS = [u[0] for u in UNARY]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name,ours,theirs,domain", UNARY, ids=UNARY_IDS)
def test_unary_matches_torch(device, name, ours, theirs, domain, dtype, shape):
    x = rand(shape, dtype, *domain, seed=3)
    tol = dict(TOL[dtype], atol=TOL[dtype]["atol"] * 100) if name in ("deg2rad", "rad2deg") else TOL[dtype]
    check_against_torch(ours, theirs, [x], device=device, **tol)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name,ours,theirs,domain", UNARY, ids=UNARY_IDS)
def test_unary_gradcheck(device, name, ours, theirs, domain, shape):
    check_gradcheck(ours, [rand(shape, np.float64, *domain, seed=4)], device=device)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name,ours,theirs,domain", UNARY, ids=UNARY_IDS)
def test_integer_and_bool_inputs_match_torch(device, name, ours, theirs, domain, dtype):
    """Integer and bool inputs: the default float dtype for the float-valued ops, the input's own dtype
    where PyTorch keeps it (positive, clamp with an integer bound)."""
    if name == "positive" and dtype is np.bool_:
        pytest.skip("refused, as PyTorch refuses it: tested below")
    low, high = (0, 2) if dtype is np.bool_ else (int(np.floor(domain[0])), int(np.ceil(domain[1])) + 1)
    x = np.random.default_rng(5).integers(low, high, (2, 3)).astype(dtype)
    with np.errstate(all="ignore"):   # integers may fall outside a domain: NaN there, as PyTorch gives
        check_against_torch(ours, theirs, [x], device=device)


@pytest.mark.parametrize("name", ["clamp_min", "clamp_max"])
def test_clamp_with_an_integer_bound_keeps_an_integer_dtype(device, name):
    x = np.array([[-3, 0, 2], [5, 1, -1]], dtype=np.int32)
    check_against_torch(lambda t: getattr(ag, name)(t, 1), lambda t: getattr(torch, name)(t, 1), [x], device=device)
    # a bool input with an int bound: int64, as PyTorch
    check_against_torch(lambda t: getattr(ag, name)(t, 1), lambda t: getattr(torch, name)(t, 1),
                        [x.astype(bool)], device=device)


# binary ops: name, ours, torch's, range of the first input, range of the second
@pytest.mark.parametrize("other", [np.float32, np.int64, "0-d float64"], ids=str)
@pytest.mark.parametrize("name", ["float_power", "clamp_min", "clamp_max"])
def test_mixed_dtypes_promote_as_torch(device, name, other):
    """A float32 input beside a float32, int64 or 0-d float64 operand: PyTorch's result dtype, and each
    input's gradient in its own dtype (float_power's computed in float64)."""
    a = rand((2, 3), np.float32, 0.3, 2, seed=9)
    if other == "0-d float64":
        b = np.array(1.1)
    else:
        b = (rand((3,), np.float64, 0.5, 2, seed=10) * (3 if other is np.int64 else 1)).astype(other)
    check_against_torch(getattr(ag, name), getattr(torch, name), [a, b], device=device, atol=1e-5, rtol=1e-5)


def test_logaddexp2_integer_inputs_give_the_default_float(device):
    """PyTorch refuses integers here; like ag.logaddexp, they are taken as floats of the default dtype."""
    out = ag.logaddexp2(ag.tensor([1, 2, 3], device=device), ag.tensor([3, 2, 1], device=device))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), np.logaddexp2([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]), rtol=1e-6)


# ----- edges: PyTorch's values and gradients, NaN and inf included ------------------------------------

EDGES = [
    ("asin outside", ag.asin, torch.asin, [-2.0, -1.0, -0.5, 0.0, 1.0, 1.5]),
    ("acos outside", ag.acos, torch.acos, [-2.0, -1.0, -0.5, 0.0, 1.0, 1.5]),
    ("acosh outside", ag.acosh, torch.acosh, [-2.0, -1.0, 0.0, 0.5, 1.0, 3.0]),
    ("atanh outside", ag.atanh, torch.atanh, [-2.0, -1.0, 0.0, 0.5, 1.0, 3.0]),
    ("tan at pi/2", ag.tan, torch.tan, [np.pi / 2, -np.pi / 2, 0.0]),
    # each alone: their sum at -20 cancels to within an ulp of 2.4e8, which is 16 or 0 by host's libm
    ("sinh large", ag.sinh, torch.sinh, [-800.0, -20.0, 20.0, 800.0]),
    ("cosh large", ag.cosh, torch.cosh, [-800.0, -20.0, 20.0, 800.0]),
    ("sinc at 0 and integers", ag.sinc, torch.sinc, [0.0, -0.0, 1.0, -2.0, 1e-8, 0.5]),
    ("sinc inf nan", ag.sinc, torch.sinc, [np.inf, -np.inf, np.nan, 0.0]),
    ("clamp_min ties nan", lambda t: ag.clamp_min(t, 0.5), lambda t: torch.clamp_min(t, 0.5), [0.5, np.nan, 0.2, 0.7]),
    ("clamp_max ties nan", lambda t: ag.clamp_max(t, 0.5), lambda t: torch.clamp_max(t, 0.5), [0.5, np.nan, 0.2, 0.7]),
    ("clamp_min nan bound", lambda t: ag.clamp_min(t, float("nan")), lambda t: torch.clamp_min(t, float("nan")),
     [0.5, 1.0]),
    ("float_power at 0", lambda t: ag.float_power(t, 2.0), lambda t: torch.float_power(t, 2.0), [0.0, -1.5, 2.0]),
    ("float_power exponent 0", lambda t: ag.float_power(t, 0), lambda t: torch.float_power(t, 0), [0.0, -1.5, 2.0]),
    ("float_power negative base", lambda t: ag.float_power(t, 0.5), lambda t: torch.float_power(t, 0.5), [-1.0, 4.0]),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name,ours,theirs,values", EDGES, ids=[e[0] for e in EDGES])
def test_edges_match_torch(device, name, ours, theirs, values, dtype):
    with np.errstate(all="ignore"):
        check_against_torch(ours, theirs, [np.array(values, dtype=dtype)], device=device, **TOL[dtype])


BINARY_EDGES = [
    ("logaddexp2 infinities", ag.logaddexp2, torch.logaddexp2,
     [np.inf, -np.inf, np.inf, 1000.0, -1000.0, np.nan, 3.0], [np.inf, -np.inf, 2.0, -1000.0, -1000.0, 1.0, 3.0]),
    ("clamp_min tensor ties nan", ag.clamp_min, torch.clamp_min,
     [0.5, np.nan, 0.2, 0.7, 1.0], [0.5, 0.1, np.nan, 0.1, 2.0]),
    ("clamp_max tensor ties nan", ag.clamp_max, torch.clamp_max,
     [0.5, np.nan, 0.2, 0.7, 1.0], [0.5, 0.1, np.nan, 0.1, 2.0]),
    ("float_power zero base", ag.float_power, torch.float_power, [0.0, 0.0, 2.0, -2.0], [2.0, 0.0, 0.0, 3.0]),
]


@pytest.mark.parametrize("name,ours,theirs,a,b", BINARY_EDGES, ids=[e[0] for e in BINARY_EDGES])
def test_binary_edges_match_torch(device, name, ours, theirs, a, b):
    with np.errstate(all="ignore"):
        check_against_torch(ours, theirs, [np.array(a), np.array(b)], device=device, **TOL[np.float64])


def test_sinc_is_one_with_zero_gradient_at_zero_in_every_float_dtype(device):
    for dtype in (np.float16, np.float32, np.float64):
        x = ag.tensor(np.zeros(3, dtype), device=device, requires_grad=True)
        y = ag.sinc(x)
        y.sum().backward()
        assert y.dtype == dtype and x.grad.dtype == dtype
        np.testing.assert_array_equal(y.numpy(), 1)
        np.testing.assert_array_equal(x.grad.numpy(), 0)


def test_float_power_gradient_is_computed_in_float64(device):
    """The float32 input's gradient is the float64 gradient rounded once, not one computed in float32."""
    x = np.array([1.0001, 3.3, 0.7], dtype=np.float32)
    t = ag.tensor(x, device=device, requires_grad=True)
    y = ag.float_power(t, 7.3)
    assert y.dtype == np.float64
    y.sum().backward()
    assert t.grad.dtype == np.float32
    exact = 7.3 * x.astype(np.float64) ** 6.3
    np.testing.assert_array_equal(t.grad.numpy(), exact.astype(np.float32))


def test_float_power_needs_a_tensor():
    with pytest.raises(TypeError, match="float_power"):
        ag.float_power(2.0, 3.0)


def test_positive_returns_the_input_and_refuses_bool(device):
    x = ag.tensor([1.0, -2.0], device=device, requires_grad=True)
    assert ag.positive(x) is x and x.positive() is x
    with pytest.raises(TypeError, match="positive"):
        ag.positive(ag.tensor([True, False], device=device))


@pytest.mark.parametrize("name", ["tan", "asin", "atanh", "sinh", "cosh", "asinh", "acosh", "sinc", "atan"])
def test_second_derivative_matches_torch(device, name):
    """create_graph through each op's backward (its formula records a graph). (At 0, sinc's second
    derivative here is 0, where PyTorch's masked formula gives NaN: 0 is left out for it.)"""
    torch_ = require_torch()
    values = np.array({"acosh": [1.2, 1.8, 2.3, 1.5], "sinc": [0.3, -0.6, 0.8, 1.0]}.get(name, [0.3, -0.6, 0.8, 0.0]))
    xt = torch_.tensor(values, requires_grad=True)
    x = ag.tensor(values, device=device, requires_grad=True)
    (gt,) = torch_.autograd.grad(getattr(torch_, name)(xt).sum(), xt, create_graph=True)
    (g,) = ag.grad(getattr(ag, name)(x).sum(), x, create_graph=True)
    (ggt,) = torch_.autograd.grad((gt * gt).sum(), xt)
    (gg,) = ag.grad((g * g).sum(), x)
    np.testing.assert_allclose(g.detach().numpy(), gt.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gg.numpy(), ggt.numpy(), rtol=1e-10, atol=1e-12)


# ----- methods and in-place forms -----------------------------------------------------------------

METHODS = ["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan",
           "arcsinh", "arccosh", "arctanh", "deg2rad", "rad2deg", "sinc"]
DOMAIN = {"acosh": (1.1, 3), "arccosh": (1.1, 3)}


@pytest.mark.parametrize("name", METHODS)
def test_method_and_inplace_forms_match_torch(device, name):
    torch_ = require_torch()
    x = rand((2, 3), np.float64, *DOMAIN.get(name, (-0.9, 0.9)), seed=11)
    expected = getattr(torch_.tensor(x), name + "_")()
    t = ag.tensor(x.copy(), device=device)
    np.testing.assert_array_equal(getattr(t, name)().numpy(), getattr(ag, name)(t).numpy())
    assert getattr(t, name + "_")() is t
    np.testing.assert_allclose(t.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,args", [("clamp_min_", (0.1,)), ("clamp_max_", (0.1,)), ("float_power_", (2.5,)),
                                       ("clamp_min_", ("tensor",)), ("float_power_", ("tensor",))], ids=str)
def test_inplace_inside_a_graph_matches_torch(device, name, args):
    """On a non-leaf tensor inside a graph: values and the leaf's gradient as PyTorch's."""
    torch_ = require_torch()
    x = rand((2, 3), np.float64, 0.05, 1, seed=12)
    other = rand((3,), np.float64, 0.05, 1, seed=13)

    def run(module, make):
        leaf = make(x, requires_grad=True)
        arg = tuple(make(other) if a == "tensor" else a for a in args)
        y = leaf * 2
        getattr(y, name)(*arg)
        (y * make(np.arange(6.0).reshape(2, 3))).sum().backward()
        return y.detach().numpy(), leaf.grad.numpy()

    ours = run(ag, lambda a, requires_grad=False: ag.tensor(a, device=device, requires_grad=requires_grad))
    theirs = run(torch_, lambda a, requires_grad=False: torch_.tensor(a, requires_grad=requires_grad))
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,args", [("tan_", ()), ("sinc_", ()), ("deg2rad_", ()), ("clamp_min_", (0.5,)),
                                       ("float_power_", (2,))], ids=str)
def test_inplace_refuses_a_result_the_dtype_cannot_hold(device, name, args):
    """A float result into an integer tensor (and float_power_'s float64 into a float32 one), as PyTorch."""
    with pytest.raises(TypeError, match=name):
        getattr(ag.tensor([1, 2], device=device), name)(*args)
    if name == "float_power_":
        with pytest.raises(TypeError, match="float64"):
            ag.tensor([1.0, 2.0], device=device).float_power_(2)

