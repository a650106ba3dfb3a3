"""The fourth batch of PyTorch names (heaviside, frexp, ldexp, nextafter, clone, addcmul, addcdiv, fmax, fmin,
isin, isposinf, isneginf, gcd, lcm, inner, diag_embed, diagflat, kthvalue, fliplr, flipud, rsub and the
comparison aliases) against PyTorch: forward and gradients on random inputs, gradcheck in float64, float32,
exact equality for the integer and bool results, nan and inf, methods and in-place forms, and bad input."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand, require_torch
from tests.helpers import distinct_rand as _distinct, unit_rand as _unit


def _with_nans(shape, seed=4):
    x = _unit(shape, seed)
    x.flat[::3] = np.nan
    return x


# (name, call(module, *tensors), input arrays): the same call runs on autograd and on torch
DIFFERENTIABLE = [
    ("clone", lambda m, x: m.clone(x) * 2, [_unit((2, 3))]),
    ("clone 0-d", lambda m, x: m.clone(x), [np.array(0.5)]),
    ("addcmul", lambda m, x, a, b: m.addcmul(x, a, b, value=0.5), [_unit((3,)), _unit((2, 3), 2), _unit((2, 1), 3)]),
    ("addcmul method", lambda m, x, a, b: x.addcmul(a, b), [_unit((2, 3)), _unit((3,), 2), _unit((2, 3), 3)]),
    ("addcdiv", lambda m, x, a, b: m.addcdiv(x, a, b, value=-2),
     [_unit((2, 3)), _unit((3,), 2), _distinct((2, 3)) + 2]),
    ("addcdiv method", lambda m, x, a, b: x.addcdiv(a, b), [_unit((2, 1)), _unit((3,), 2), _distinct((3,)) + 2]),
    ("fmax", lambda m, x, y: m.fmax(x, y), [_unit((2, 3)), _unit((3,), 2)]),
    ("fmin method", lambda m, x, y: x.fmin(y), [_unit((2, 3)), _unit((2, 1), 2)]),
    ("fmax nans", lambda m, x, y: m.fmax(x, y), [_with_nans((4, 3)), _with_nans((4, 3), 5)]),
    ("fmin nans", lambda m, x, y: m.fmin(x, y), [_with_nans((4, 3)), _with_nans((3,), 5)]),
    ("fmax ties", lambda m, x, y: m.fmax(x, y), [np.array([1.0, 2.0, np.nan]), np.array([1.0, 3.0, np.nan])]),
    ("ldexp", lambda m, x, e: m.ldexp(x, e), [_unit((2, 3)), rand((3,), low=-3, high=3, seed=2)]),
    # (torch's gradient for a negative integer exponent is 0: it takes 2 ** other in integers)
    ("ldexp int exponent", lambda m, x: m.ldexp(x, x.new_tensor([3, 1, 0], dtype=m.int64)), [_unit((2, 3))]),
    ("frexp", lambda m, x: m.frexp(x * 100), [_unit((2, 3))]),
    ("frexp method", lambda m, x: x.frexp().mantissa, [_unit((4,))]),
    ("nextafter", lambda m, x, y: m.nextafter(x, y), [_unit((2, 3)), _unit((3,), 2)]),
    ("inner", lambda m, x, y: m.inner(x, y), [_unit((2, 4)), _unit((3, 4), 2)]),
    ("inner 3-D", lambda m, x, y: x.inner(y), [_unit((2, 1, 4)), _unit((4,), 2)]),
    ("inner 0-d", lambda m, x, y: m.inner(x, y), [np.array(1.5), _unit((2, 3), 2)]),
    ("diag_embed", lambda m, x: m.diag_embed(x), [_unit((2, 3))]),
    ("diag_embed offset dims", lambda m, x: m.diag_embed(x, offset=-2, dim1=0, dim2=2), [_unit((2, 3))]),
    ("diag_embed method", lambda m, x: x.diag_embed(1, -1, 0), [_unit((3, 2, 2))]),
    ("diagflat", lambda m, x: m.diagflat(x, 1), [_unit((2, 2))]),
    ("diagflat method 0-d", lambda m, x: x.diagflat(-1), [np.array(0.5)]),
    ("kthvalue", lambda m, x: m.kthvalue(x, 2), [_distinct((3, 4))]),
    ("kthvalue dim keepdim", lambda m, x: x.kthvalue(3, 0, keepdim=True), [_distinct((3, 4))]),
    ("kthvalue 0-d", lambda m, x: m.kthvalue(x, 1), [np.array(0.5)]),
    ("fliplr", lambda m, x: m.fliplr(x), [_unit((2, 3, 2))]),
    ("flipud method", lambda m, x: x.flipud(), [_unit((3,))]),
    ("rsub", lambda m, x, y: m.rsub(x, y, alpha=2), [_unit((2, 3)), _unit((3,), 2)]),
    ("rsub number", lambda m, x: m.rsub(x, 5.0), [_unit((2, 3))]),
]


@pytest.mark.parametrize("name,call,arrays", DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_forward_and_gradients_match_torch(device, name, call, arrays):
    torch = require_torch()
    check_against_torch(lambda *ts: call(ag, *ts), lambda *ts: call(torch, *ts), arrays, device=device,
                        atol=1e-12, rtol=1e-12)


@pytest.mark.parametrize("name,call,arrays", DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_float32_matches_torch(name, call, arrays):
    torch = require_torch()
    check_against_torch(lambda *ts: call(ag, *ts), lambda *ts: call(torch, *ts), [a.astype(np.float32) for a in arrays],
                        atol=1e-6, rtol=1e-6)


def _outputs(out):
    return tuple(out) if isinstance(out, tuple) else (out,)


def _scalar(out):
    return sum((o * (1.0 + ag.arange(o.numel(), dtype=o.dtype).reshape(o.shape))).sum()
               for o in _outputs(out) if o.dtype.kind == "f")


# finite differences cross the kinks of nan tests and the steps of nextafter / frexp
GRADCHECKED = [c for c in DIFFERENTIABLE if c[0] not in ("fmax nans", "fmin nans", "fmax ties", "nextafter")]


@pytest.mark.parametrize("name,call,arrays", GRADCHECKED, ids=[c[0] for c in GRADCHECKED])
def test_gradcheck_float64(name, call, arrays):
    check_gradcheck(lambda *ts: _scalar(call(ag, *ts)), arrays)


def test_empty_inputs_match_torch(device):
    torch = require_torch()
    for call in (lambda m, x: m.fmax(x, x), lambda m, x: m.frexp(x), lambda m, x: m.diag_embed(x),
                 lambda m, x: m.kthvalue(x, 1, 0), lambda m, x: m.inner(x, x), lambda m, x: m.fliplr(x),
                 lambda m, x: m.addcdiv(x, x, x + 1), lambda m, x: m.isposinf(x),
                 lambda m, x: m.tensordot(x, x, ([1], [1])), lambda m, x: m.tensordot(x.T, x.T, ([0], [0]))):
        x = np.zeros((3, 0))
        ours, theirs = call(ag, ag.tensor(x, device=device)), call(torch, torch.tensor(x))
        for o, t in zip(_outputs(ours), _outputs(theirs)):
            assert tuple(o.shape) == tuple(t.shape) and o.dtype == t.numpy().dtype


def _same(ours, theirs):
    ours, theirs = _outputs(ours), _outputs(theirs)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert o.dtype == t.numpy().dtype, (o.dtype, t.dtype)
        np.testing.assert_array_equal(o.numpy(), t.numpy())


INTS = np.array([[12, -8, 0, 7], [18, 6, 0, -21]], dtype=np.int64)
FLOATS = np.array([[0.0, -0.0, 1.5, -3.0, np.inf], [-np.inf, np.nan, 8.5, 1e-310, 2.0]])
NO_GRADIENT = [
    ("gcd", lambda m, x: m.gcd(x[0], x[1])),
    ("lcm method", lambda m, x: x[0].lcm(x[1])),
    ("gcd broadcast int32", lambda m, x: m.gcd(x.int(), x[:, :1])),
    ("isin", lambda m, x: m.isin(x, x.new_tensor([0, 7, -21]))),
    ("isin invert", lambda m, x: m.isin(x, x.new_tensor([0, 7]), invert=True)),
    ("isin number", lambda m, x: m.isin(x, 6)),
    ("isin number elements", lambda m, x: m.isin(12, x)),
    ("heaviside int", lambda m, x: m.heaviside(x, x.new_tensor([5]))),
    ("kthvalue int", lambda m, x: m.kthvalue(x, 2, 1)),
    ("inner int", lambda m, x: m.inner(x, x)),
    ("fmax int", lambda m, x: m.fmax(x, x.new_tensor([1]))),
    ("addcmul int", lambda m, x: m.addcmul(x, x, x, value=2)),
    ("rsub int", lambda m, x: m.rsub(x, 3)),
    ("diag_embed int", lambda m, x: m.diag_embed(x)),
    ("diagflat int", lambda m, x: m.diagflat(x)),
    ("fliplr int", lambda m, x: m.fliplr(x)),
    ("ldexp int", lambda m, x: m.ldexp(x, x.new_tensor([1, 0, 2, -1]))),
    ("isposinf int", lambda m, x: m.isposinf(x)),
    ("greater", lambda m, x: m.greater(x, 0)),
    ("greater_equal method", lambda m, x: x.greater_equal(x[0])),
    ("less", lambda m, x: m.less(x, x.flip(1))),
    ("less_equal method", lambda m, x: x.less_equal(6)),
    ("not_equal", lambda m, x: m.not_equal(x, 0)),
]


@pytest.mark.parametrize("name,call", NO_GRADIENT, ids=[c[0] for c in NO_GRADIENT])
def test_integer_and_bool_results_equal_torch(device, name, call):
    torch = require_torch()
    _same(call(ag, ag.tensor(INTS, device=device)), call(torch, torch.tensor(INTS)))


SPECIAL_VALUES = [
    ("frexp", lambda m, x: m.frexp(x)),
    ("ldexp", lambda m, x: m.ldexp(x, x.new_tensor([[1, 2, -1, 0, 3], [0, 5, 1, 1000, -2000]], dtype=m.int64))),
    ("nextafter", lambda m, x: m.nextafter(x, x.flip(1))),
    ("nextafter up", lambda m, x: m.nextafter(x, m.full_like(x, float("inf")))),
    ("ldexp huge", lambda m, x: m.ldexp(x * 0 + 1e-30, x.new_tensor([120, 1100, -1100, 0, 1], dtype=m.int64))),
    ("fmax", lambda m, x: m.fmax(x, x.flip(0))),
    ("fmin", lambda m, x: m.fmin(x, x.flip(1))),
    ("heaviside", lambda m, x: m.heaviside(x, x.new_tensor([0.5]))),
    ("isposinf", lambda m, x: m.isposinf(x)),
    ("isneginf method", lambda m, x: x.isneginf()),
    ("isin", lambda m, x: m.isin(x, x.new_tensor([np.nan, np.inf, 0.0]))),
    ("kthvalue nan last", lambda m, x: m.kthvalue(x, 5)),
    ("diag_embed inf", lambda m, x: m.diag_embed(x)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name,call", SPECIAL_VALUES, ids=[c[0] for c in SPECIAL_VALUES])
def test_nan_inf_and_signed_zero_match_torch(device, name, call, dtype):
    torch = require_torch()
    with np.errstate(all="ignore"):
        x = FLOATS.astype(dtype)
        ours, theirs = call(ag, ag.tensor(x, device=device)), call(torch, torch.tensor(x))
    _same(ours, theirs)
    for o, t in zip(_outputs(ours), _outputs(theirs)):
        if o.dtype.kind == "f":
            np.testing.assert_array_equal(np.signbit(o.numpy()), np.signbit(t.numpy()))


def test_heaviside_and_the_mantissa_have_torch_gradients(device):
    """frexp's mantissa has the gradient 2 ** -exponent; heaviside's backward is refused, as in PyTorch."""
    x = ag.tensor([3.0, -5.0, 0.1], device=device, requires_grad=True)
    mantissa, exponent = ag.frexp(x)
    assert exponent.dtype == np.int32 and not exponent.requires_grad and type(ag.frexp(x)).__name__ == "frexp"
    mantissa.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2.0 ** -exponent.numpy())
    step = ag.heaviside(x, ag.tensor([0.5], device=device))
    assert step.requires_grad
    with pytest.raises(RuntimeError, match="heaviside: PyTorch defines no derivative for the step function"):
        step.sum().backward()


def test_nextafter_gradient_is_torch_identity_and_zeros(device):
    x = ag.tensor([1.0, 2.0], device=device, requires_grad=True)
    y = ag.tensor([3.0, -3.0], device=device, requires_grad=True)
    ag.nextafter(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(y.grad.numpy(), [0.0, 0.0])


IN_PLACE = [
    ("heaviside_", lambda m, x: x.heaviside_(x.new_tensor([0.5]))),
    ("ldexp_", lambda m, x: x.ldexp_(x.new_tensor([2, -1, 0], dtype=m.int64))),
    ("nextafter_", lambda m, x: x.nextafter_(m.zeros_like(x))),
    ("addcmul_", lambda m, x: x.addcmul_(x, x, value=0.5)),
    ("addcdiv_", lambda m, x: x.addcdiv_(x, x + 2, value=3)),
]


@pytest.mark.parametrize("name,call", IN_PLACE, ids=[c[0] for c in IN_PLACE])
def test_in_place_forms_match_torch(device, name, call):
    torch = require_torch()
    data = _unit((2, 3))
    ours, theirs = ag.tensor(data.copy(), device=device), torch.tensor(data.copy())
    assert call(ag, ours) is ours
    call(torch, theirs)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-15, atol=0)


def test_in_place_integer_forms_match_torch(device):
    torch = require_torch()
    for call in (lambda m, x: x.gcd_(x.flip(1)), lambda m, x: x.lcm_(x.new_tensor([3]))):
        ours, theirs = ag.tensor(INTS.copy(), device=device), torch.tensor(INTS.copy())
        assert call(ag, ours) is ours
        call(torch, theirs)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_kthvalue_returns_torch_named_tuple(device):
    """(Which of several tied elements kthvalue reports is PyTorch's implementation detail: not compared.)"""
    torch = require_torch()
    data = _distinct((2, 5))
    ours, theirs = ag.kthvalue(ag.tensor(data, device=device), 3), torch.kthvalue(torch.tensor(data), 3)
    assert type(ours).__name__ == "kthvalue" and ours._fields == ("values", "indices")
    _same(ours, tuple(theirs))


BAD_INPUT = [
    (lambda: ag.heaviside(ag.ones(2), 0.5), TypeError, "heaviside: values must be a Tensor"),
    (lambda: ag.heaviside(ag.ones(2), ag.ones(1, dtype=ag.float64)), TypeError, "heaviside: input .* same dtype"),
    (lambda: ag.frexp(ag.tensor([1, 2])), TypeError, "frexp: expects a floating-point tensor"),
    (lambda: ag.nextafter(ag.tensor([1, 2]), ag.tensor([2, 3])), TypeError, "nextafter: not implemented for int64"),
    (lambda: ag.nextafter(ag.ones(2), 2.0), TypeError, "nextafter"),
    (lambda: ag.gcd(ag.ones(2), ag.ones(2)), TypeError, "gcd: expects integer tensors"),
    (lambda: ag.lcm(ag.tensor([True]), ag.tensor([False])), TypeError, "lcm: expects integer tensors"),
    (lambda: ag.addcdiv(ag.ones(2), ag.tensor([1, 2]), ag.tensor([2, 2])), TypeError, "addcdiv: integer division"),
    (lambda: ag.inner(ag.ones(2, 3), ag.ones(2)), ValueError, r"inner: the last dims of input Size\(\[2, 3\]\)"),
    (lambda: ag.diag_embed(ag.ones(2), dim1=1, dim2=-1), ValueError, "diag_embed: diagonal dimensions cannot be identical"),
    (lambda: ag.diag_embed(ag.tensor(1.0)), ValueError, "diag_embed: expects a tensor with at least 1 dim"),
    (lambda: ag.kthvalue(ag.ones(3), 4), IndexError, r"kthvalue: k=4 is out of range for dim -1 of length 3"),
    (lambda: ag.kthvalue(ag.ones(3), 0), IndexError, "kthvalue: k=0"),
    (lambda: ag.fliplr(ag.ones(3)), ValueError, "fliplr: expects a tensor with at least 2 dims"),
    (lambda: ag.flipud(ag.tensor(1.0)), ValueError, "flipud: expects a tensor with at least 1 dim"),
    (lambda: ag.isin([1], [1]), TypeError, "isin: at least one of elements and test_elements must be a Tensor"),
    (lambda: ag.rsub([1.0], ag.ones(2)), TypeError, "rsub"),
    (lambda: ag.clone(np.ones(2)), TypeError, "clone"),
]


@pytest.mark.parametrize("call,error,message", BAD_INPUT, ids=[m.split(":")[0] + str(i) for i, (_, _, m)
                                                              in enumerate(BAD_INPUT)])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
