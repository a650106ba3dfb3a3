"""softmin, softshrink, hardshrink, tanhshrink, threshold, celu, rrelu, alpha_dropout and rms_norm (functional
and modules) against PyTorch: forward values, input and weight gradients, second derivatives, gradcheck in
float64, the statistics of the random ones in training, errors, reprs, a PyTorch training program, and
ag.jit replays."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck
from tests.jit_replay import assert_replays_equal_eager
from tests.nn.users_torch_common import assert_same_log, namespaces, start_weights


def _last(x, n=1):
    return tuple(x.shape[x.ndim - n:])


#: (id, call(lib, *tensors) with lib `ag` or `torch`, extra inputs built from x, points where the gradient
#: has a kink (set exactly in the oracle tests, avoided by gradcheck), the least input rank)
CASES = [
    ("softmin", lambda lib, x: lib.nn.functional.softmin(x, -1), None, (), 0),
    ("softmin dtype", lambda lib, x: lib.nn.functional.softmin(x, 0, dtype=lib.float64), None, (), 0),
    ("softshrink", lambda lib, x: lib.nn.functional.softshrink(x), None, (-0.5, 0.5), 0),
    ("softshrink 1.25", lambda lib, x: lib.nn.functional.softshrink(x, 1.25), None, (-1.25, 1.25), 0),
    ("hardshrink", lambda lib, x: lib.nn.functional.hardshrink(x), None, (-0.5, 0.5), 0),
    ("hardshrink 0.25", lambda lib, x: lib.nn.functional.hardshrink(x, lambd=0.25), None, (-0.25, 0.25), 0),
    ("tanhshrink", lambda lib, x: lib.nn.functional.tanhshrink(x), None, (), 0),
    ("threshold", lambda lib, x: lib.nn.functional.threshold(x, 0.75, -2.0), None, (0.75,), 0),
    ("celu", lambda lib, x: lib.nn.functional.celu(x), None, (0.0,), 0),
    ("celu 0.7", lambda lib, x: lib.nn.functional.celu(x, 0.7), None, (0.0,), 0),
    ("celu 2.5", lambda lib, x: lib.nn.functional.celu(x, alpha=2.5), None, (0.0,), 0),
    ("rrelu eval", lambda lib, x: lib.nn.functional.rrelu(x), None, (0.0,), 0),
    ("rrelu eval bounds", lambda lib, x: lib.nn.functional.rrelu(x, 0.05, 0.6, False), None, (0.0,), 0),
    ("alpha_dropout eval", lambda lib, x: lib.nn.functional.alpha_dropout(x, 0.3), None, (), 0),
    ("rms_norm weight", lambda lib, x, w: lib.nn.functional.rms_norm(x, _last(x), w),
     lambda x, rng: [rng.uniform(0.5, 1.5, x.shape[-1:]).astype(x.dtype)], (), 1),
    ("rms_norm 2 dims eps", lambda lib, x: lib.nn.functional.rms_norm(x, _last(x, 2), eps=1e-3), None, (), 2),
    ("rms_norm default eps", lambda lib, x: lib.nn.functional.rms_norm(x, list(_last(x))), None, (), 1),
]
BY_ID = {c[0]: c for c in CASES}
#: PyTorch's float64 celu backward carries relative errors up to about 1e-8 (ours agrees with gradcheck and with
#: exp(x / alpha) to the last bits), so celu with alpha != 1 is compared more loosely in float64
LOOSE_FLOAT64 = {"celu 0.7": 1e-7, "celu 2.5": 1e-7}


def _arrays(name, shape, dtype, seed=0, with_kinks=True):
    """The inputs of case `name`: x uniform in (-3, 3) of `shape` (its first values the kinks), then extras."""
    _, _, extra, kinks, _ = BY_ID[name]
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, size=shape).astype(dtype)
    if with_kinks:
        k = min(len(kinks), x.size)
        x.flat[:k] = kinks[:k]
    return [x] + (extra(x, rng) if extra else [])


def _ours(name):
    call = BY_ID[name][1]
    return lambda *ts: call(ag, *ts)


def _theirs(torch, name):
    call = BY_ID[name][1]
    return lambda *ts: call(torch, *ts)


def _tol(name, dtype):
    if dtype == np.float32:
        return 2e-5
    return LOOSE_FLOAT64.get(name, 1e-10)


@pytest.mark.parametrize("name", BY_ID)
def test_gradcheck(device, name):
    x, *rest = _arrays(name, (3, 4), np.float64, seed=1, with_kinks=False)
    for kink in BY_ID[name][3]:
        x[np.abs(x - kink) < 0.05] = kink + 0.3
    check_gradcheck(_ours(name), [x] + rest, device=device)


@pytest.mark.parametrize("name", BY_ID)
def test_second_derivatives_by_gradcheck(name):
    """gradcheck of the recorded first derivative (create_graph=True): the second derivatives are right."""
    x, *rest = _arrays(name, (3, 4), np.float64, seed=2, with_kinks=False)
    for kink in BY_ID[name][3]:
        x[np.abs(x - kink) < 0.05] = kink + 0.3
    call = _ours(name)

    def first_derivatives(*ts):
        return ag.grad((call(*ts) ** 2).sum(), ts, create_graph=True)
    check_gradcheck(first_derivatives, [x] + rest)


@pytest.mark.parametrize("name", BY_ID)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_against_torch(device, name, dtype):
    torch = pytest.importorskip("torch")
    tol = _tol(name, dtype)
    check_against_torch(_ours(name), _theirs(torch, name), _arrays(name, (4, 5), dtype), device=device,
                        atol=tol, rtol=tol)


@pytest.mark.parametrize("shape", [(), (0, 3), (3, 0), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("name", BY_ID)
def test_shapes_against_torch(name, shape):
    """0-d (where PyTorch allows it) and empty inputs: PyTorch's shapes, dtypes, values and gradients."""
    torch = pytest.importorskip("torch")
    if len(shape) < BY_ID[name][4]:
        pytest.skip("PyTorch needs a normalized_shape of at least one dimension")
    tol = _tol(name, np.float64)
    check_against_torch(_ours(name), _theirs(torch, name), _arrays(name, shape, np.float64, seed=3),
                        atol=tol, rtol=tol)


@pytest.mark.parametrize("name", ["softmin", "tanhshrink", "celu 0.7", "rms_norm weight", "rms_norm 2 dims eps"])
def test_second_derivatives_against_torch(name):
    torch = pytest.importorskip("torch")
    arrays = _arrays(name, (3, 4), np.float64, seed=4, with_kinks=False)
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    g = ag.grad((_ours(name)(*ours) ** 2).sum(), ours, create_graph=True)
    tg = torch.autograd.grad((_theirs(torch, name)(*theirs) ** 2).sum(), theirs, create_graph=True)
    gg = ag.grad(sum((a * a).sum() for a in g), ours)
    tgg = torch.autograd.grad(sum((a * a).sum() for a in tg), theirs)
    tol = LOOSE_FLOAT64.get(name, 1e-10)
    for a, b in zip(gg, tgg):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=tol, rtol=tol)


def test_integer_inputs_as_torch():
    """threshold keeps an integer dtype (threshold and value truncated, as PyTorch), tanhshrink returns float,
    softmin takes one with a float dtype."""
    torch = pytest.importorskip("torch")
    data = np.array([-2, -1, 0, 1, 2, 3])
    for call in (lambda lib, x: lib.nn.functional.threshold(x, -0.5, 7.5),
                 lambda lib, x: lib.nn.functional.threshold(x, 1.5, -4),
                 lambda lib, x: lib.nn.functional.tanhshrink(x),
                 lambda lib, x: lib.nn.functional.softmin(x, 0, dtype=lib.float32)):
        check_against_torch(lambda t: call(ag, t), lambda t: call(torch, t), [data], atol=1e-6, rtol=1e-6)


def test_nan_propagates_as_in_torch():
    torch = pytest.importorskip("torch")
    x = np.array([np.nan, -np.inf, np.inf, -1.0, 0.0, 1.0])
    for name in ["softshrink", "hardshrink", "threshold", "celu", "celu 0.7", "rrelu eval"]:
        ours = _ours(name)(ag.tensor(x)).numpy()
        theirs = _theirs(torch, name)(torch.tensor(x)).numpy()
        np.testing.assert_array_equal(ours, theirs, err_msg=name)


def test_rms_norm_float16_computes_in_float32_as_torch():
    """float16 input: computed in float32 (eps None is float32's epsilon, as PyTorch), the weight applied in
    float32, the result rounded once to float16; the same values as PyTorch, bit for bit here."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x = rng.standard_normal((16, 8)).astype(np.float16)
    x[0] = 1e-4   # where eps matters: float16's epsilon would change the result
    w = rng.uniform(0.5, 1.5, 8).astype(np.float16)
    for weight in (None, w, w.astype(np.float32)):
        ours = F.rms_norm(ag.tensor(x), (8,), None if weight is None else ag.tensor(weight))
        with warnings.catch_warnings():   # PyTorch's note that mixed dtypes miss its fused kernel
            warnings.simplefilter("ignore")
            theirs = torch.nn.functional.rms_norm(torch.tensor(x), (8,),
                                                  None if weight is None else torch.tensor(weight))
        assert ours.dtype == np.float16
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_rms_norm_weight_of_another_dtype_as_torch():
    """PyTorch takes a weight of another float dtype and returns the input's dtype (a float32 layer on float64
    input included); the weight's gradient keeps the weight's dtype."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    for xd, wd in ((np.float32, np.float64), (np.float64, np.float32)):
        x, w = rng.standard_normal((3, 4)).astype(xd), rng.uniform(0.5, 1.5, 4).astype(wd)
        with warnings.catch_warnings():   # PyTorch's note that mixed dtypes miss its fused kernel
            warnings.simplefilter("ignore")
            check_against_torch(lambda a, b: F.rms_norm(a, (4,), b),
                                lambda a, b: torch.nn.functional.rms_norm(a, (4,), b), [x, w], atol=1e-5, rtol=1e-5)


def test_rms_norm_default_eps_is_the_dtype_epsilon():
    x = ag.tensor(np.full((1, 4), 1e-9))
    for dtype in (ag.float64, ag.float32):
        y = F.rms_norm(x.astype(dtype), (4,))
        expected = 1e-9 / np.sqrt(1e-18 + np.finfo(dtype).eps)
        np.testing.assert_allclose(y.numpy(), expected, rtol=1e-5)


# ---------------------------------------------------------------- random in training: rrelu, alpha_dropout

def test_rrelu_training_slopes_lie_in_bounds(device):
    lower, upper = 0.1, 0.4
    rng = np.random.default_rng(7)
    x = np.concatenate([-rng.uniform(0.5, 2.0, 20000), rng.uniform(0.5, 2.0, 1000), [0.0]])
    xt = ag.tensor(x, device=device, requires_grad=True)
    y = F.rrelu(xt, lower, upper, training=True)
    y.sum().backward()
    out, grad = y.numpy(), xt.grad.numpy()
    neg = x < 0
    np.testing.assert_array_equal(out[x > 0], x[x > 0])
    assert np.all(grad[x > 0] == 1.0)
    slopes = grad[x <= 0]   # PyTorch's rule: x <= 0 takes a random slope, so does its gradient at 0
    assert slopes.min() >= lower and slopes.max() <= upper
    np.testing.assert_allclose(out[neg], x[neg] * grad[neg], rtol=1e-15)
    assert abs(slopes.mean() - (lower + upper) / 2) < 0.005
    assert abs(slopes.std() - (upper - lower) / np.sqrt(12)) < 0.005
    assert len(np.unique(slopes)) > 19000   # one draw per element


def test_rrelu_training_draws_from_the_seeded_generator():
    x = ag.tensor(-np.linspace(0.1, 1, 50))
    ag.manual_seed(3)
    a = F.rrelu(x, training=True).numpy()
    b = F.rrelu(x, training=True).numpy()
    ag.manual_seed(3)
    np.testing.assert_array_equal(F.rrelu(x, training=True).numpy(), a)
    assert not np.array_equal(a, b)


def test_rrelu_training_statistics_match_torch():
    torch = pytest.importorskip("torch")
    x = -np.ones(50000, dtype=np.float32)
    ours = -F.rrelu(ag.tensor(x), 0.2, 0.3, training=True).numpy()
    theirs = -torch.nn.functional.rrelu(torch.tensor(x), 0.2, 0.3, training=True).numpy()
    for s in (ours, theirs):
        assert s.min() >= 0.2 - 1e-7 and s.max() <= 0.3 + 1e-7
    assert abs(ours.mean() - theirs.mean()) < 0.002 and abs(ours.std() - theirs.std()) < 0.002


ALPHA_SATURATION = 1.0507009873554804934193349852946 * 1.6732632423543772848170429916717


def _alpha_affine(p):
    a = 1.0 / np.sqrt((ALPHA_SATURATION ** 2 * p + 1.0) * (1.0 - p))
    return a, ALPHA_SATURATION * a * p, -ALPHA_SATURATION * a * (1.0 - p)   # slope, shift, dropped value


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_alpha_dropout_keeps_zero_mean_and_unit_variance(device, p):
    x = np.random.default_rng(8).standard_normal(200000)
    xt = ag.tensor(x, device=device, requires_grad=True)
    y = F.alpha_dropout(xt, p, training=True)
    (y * 1.0).sum().backward()
    out, grad = y.numpy(), xt.grad.numpy()
    assert abs(out.mean()) < 0.01 and abs(out.var() - 1.0) < 0.02
    a, b, dropped_value = _alpha_affine(p)
    dropped = grad == 0
    assert abs(dropped.mean() - p) < 0.005
    np.testing.assert_allclose(out[dropped], dropped_value, rtol=1e-12)
    np.testing.assert_allclose(out[~dropped], a * x[~dropped] + b, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad[~dropped], a, rtol=1e-12)


@pytest.mark.parametrize("p", [0.2, 0.5])
def test_alpha_dropout_training_matches_torch_invariants(p):
    """PyTorch's output is the same affine map of the kept values and the same constant at the dropped ones."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(9).standard_normal(100000)
    ours = F.alpha_dropout(ag.tensor(x), p, training=True).numpy()
    theirs = torch.nn.functional.alpha_dropout(torch.tensor(x), p, training=True).numpy()
    for out in (ours, theirs):
        values, counts = np.unique(out, return_counts=True)
        dropped_value = values[counts.argmax()]
        kept = out != dropped_value
        slope, shift = np.polyfit(x[kept], out[kept], 1)
        assert abs(kept.mean() - (1 - p)) < 0.01
        np.testing.assert_allclose([slope, shift, dropped_value], _alpha_affine(p), rtol=1e-9, atol=1e-12)
        assert abs(out.mean()) < 0.02 and abs(out.var() - 1.0) < 0.03


def test_alpha_dropout_edge_probabilities_as_torch():
    torch = pytest.importorskip("torch")
    x = np.array([-1.0, 0.0, 2.5, np.nan])
    for p, training in ((1.0, True), (0.0, True), (0.5, False)):
        ours = F.alpha_dropout(ag.tensor(x), p, training)
        theirs = torch.nn.functional.alpha_dropout(torch.tensor(x), p, training)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    empty = ag.zeros(0, 3)
    assert F.alpha_dropout(empty, 0.5, True) is empty
    x = ag.tensor([1.0, 2.0])
    assert F.alpha_dropout(x) is x and F.alpha_dropout(x, 0.0, True) is x


# ---------------------------------------------------------------- in-place forms

INPLACE = [
    ("threshold", lambda lib, x, inplace: lib.nn.functional.threshold(x, 0.3, -1.0, inplace),
     lambda lib: lib.nn.Threshold(0.3, -1.0, inplace=True)),
    ("celu", lambda lib, x, inplace: lib.nn.functional.celu(x, 0.6, inplace),
     lambda lib: lib.nn.CELU(0.6, inplace=True)),
    ("rrelu", lambda lib, x, inplace: lib.nn.functional.rrelu(x, 0.1, 0.2, False, inplace),
     lambda lib: lib.nn.RReLU(0.1, 0.2, inplace=True).eval()),
]


@pytest.mark.parametrize("name,call,module", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_writes_into_the_input_as_torch(name, call, module):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(10).uniform(-2, 2, (3, 4))
    ours, theirs = ag.tensor(x.copy()), torch.tensor(x.copy())
    assert call(ag, ours, True) is ours and call(torch, theirs, True) is theirs
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)
    assert repr(module(ag)) == repr(module(torch))
    y = ag.tensor(x.copy())
    assert module(ag)(y) is y
    with pytest.raises(Exception, match=f"{name}_"):
        call(ag, ag.tensor(x, requires_grad=True), True)


@pytest.mark.parametrize("name,call,module", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_inside_a_graph_keeps_gradients(name, call, module):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(11).uniform(-2, 2, (3, 4))
    ours, theirs = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    h, th = ours * 2.0, theirs * 2.0
    call(ag, h, True)
    call(torch, th, True)
    (h * h).sum().backward()
    (th * th).sum().backward()
    tol = 1e-7 if name == "celu" else 1e-12   # PyTorch's imprecise float64 celu backward (LOOSE_FLOAT64)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), atol=tol, rtol=tol)


def test_random_inplace_forms_write_into_the_input():
    x = ag.tensor(-np.ones(100))
    assert F.rrelu(x, 0.1, 0.2, training=True, inplace=True) is x
    assert x.numpy().min() >= -0.2 and x.numpy().max() <= -0.1
    z = ag.tensor(np.random.default_rng(12).standard_normal(100))
    before = z.numpy().copy()
    assert F.alpha_dropout(z, 0.5, True, True) is z and not np.array_equal(z.numpy(), before)


# ---------------------------------------------------------------- errors

ERRORS = [
    (lambda: F.softshrink(ag.tensor([1.0]), -1.0), ValueError, r"softshrink: lambda must be in range \[0, "),
    (lambda: F.celu(ag.tensor([1.0]), 0.0), ValueError, r"celu: alpha must not be 0.*non-zero alpha"),
    (lambda: F.rrelu(ag.tensor([1.0]), 0.5, 0.1), ValueError, r"rrelu: lower \(0.5\) must not exceed upper.*swap"),
    (lambda: F.rrelu(ag.tensor([1.0]), 0.5, 0.1, training=True), ValueError, r"rrelu: lower"),
    (lambda: F.alpha_dropout(ag.tensor([1.0]), 1.5), ValueError, r"alpha_dropout: p must be a probability"),
    (lambda: F.alpha_dropout(ag.tensor([1, 2]), 0.5, True), TypeError, r"alpha_dropout: .*int64.*\.float\(\)"),
    (lambda: nn.AlphaDropout(-0.1), ValueError, r"AlphaDropout: p must be a probability"),
    (lambda: F.threshold(ag.tensor([True]), 0.5, 0.0), TypeError, r"threshold: .*bool"),
    (lambda: F.softmin(ag.tensor([1.0]), 2), IndexError, r"softmin: dim 2 is out of range"),
    (lambda: F.rms_norm(ag.ones(2, 4), (3,)), ValueError,
     r"rms_norm: normalized_shape \(3,\) must equal the last dimensions of the input, got input shape \(2, 4\)"),
    (lambda: F.rms_norm(ag.ones(2, 3), (3,), ag.ones(4)), ValueError, r"rms_norm: weight has shape \(4,\)"),
    (lambda: F.rms_norm(ag.ones(2, 3), ()), ValueError, r"rms_norm: normalized_shape must name at least one"),
    (lambda: F.rms_norm(ag.tensor([[1, 2]]), (2,)), TypeError, r"rms_norm: .*int64.*\.float\(\)"),
    (lambda: F.rms_norm(ag.ones(2, 3), (3,), np.ones(3)), TypeError, r"rms_norm: weight must be a Tensor"),
] + [(lambda name=name: getattr(F, name)(ag.tensor([1, 2]), *([0] if name == "softmin" else [])), TypeError,
      rf"{name}: .*int64.*\.float\(\)") for name in ("softshrink", "hardshrink", "celu", "rrelu", "softmin")] + [
    (lambda name=name, args=args: getattr(F, name)([1.0, 2.0], *args), TypeError, rf"{name}: input must be a Tensor")
    for name, args in (("softmin", (0,)), ("softshrink", ()), ("hardshrink", ()), ("tanhshrink", ()),
                       ("threshold", (0.0, 0.0)), ("celu", ()), ("rrelu", ()), ("alpha_dropout", ()),
                       ("rms_norm", ((2,),)))]


@pytest.mark.parametrize("call,kind,match", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_bad_arguments_are_refused_with_the_fix(call, kind, match):
    with pytest.raises(kind, match=match):
        call()


def test_softmin_without_dim_warns_and_picks_torch_dim():
    torch = pytest.importorskip("torch")
    for shape in [(3,), (2, 3), (2, 3, 4), (2, 3, 4, 5)]:
        x = np.random.default_rng(13).standard_normal(shape)
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmin has been deprecated"):
            ours = F.softmin(ag.tensor(x))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = torch.nn.functional.softmin(torch.tensor(x))
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)


# ---------------------------------------------------------------- modules

MODULES = [  # (build(lib.nn), torch-free expected repr)
    (lambda n: n.Softmin(), "Softmin(dim=None)"),
    (lambda n: n.Softmin(1), "Softmin(dim=1)"),
    (lambda n: n.Softshrink(), "Softshrink(0.5)"),
    (lambda n: n.Softshrink(1.5), "Softshrink(1.5)"),
    (lambda n: n.Hardshrink(), "Hardshrink(0.5)"),
    (lambda n: n.Hardshrink(lambd=0.25), "Hardshrink(0.25)"),
    (lambda n: n.Tanhshrink(), "Tanhshrink()"),
    (lambda n: n.Threshold(0.1, 20), "Threshold(threshold=0.1, value=20)"),
    (lambda n: n.Threshold(0.1, 20.0, inplace=True), "Threshold(threshold=0.1, value=20.0, inplace=True)"),
    (lambda n: n.CELU(), "CELU(alpha=1.0)"),
    (lambda n: n.CELU(2.0, True), "CELU(alpha=2.0, inplace=True)"),
    (lambda n: n.RReLU(), "RReLU(lower=0.125, upper=0.3333333333333333)"),
    (lambda n: n.RReLU(0.1, 0.3, True), "RReLU(lower=0.1, upper=0.3, inplace=True)"),
    (lambda n: n.AlphaDropout(), "AlphaDropout(p=0.5, inplace=False)"),
    (lambda n: n.AlphaDropout(0.2, True), "AlphaDropout(p=0.2, inplace=True)"),
    (lambda n: n.RMSNorm(3), "RMSNorm((3,), eps=None, elementwise_affine=True)"),
    (lambda n: n.RMSNorm([2, 3], eps=1e-5, elementwise_affine=False),
     "RMSNorm((2, 3), eps=1e-05, elementwise_affine=False)"),
]


@pytest.mark.parametrize("build,expected", MODULES, ids=[m[1] for m in MODULES])
def test_module_reprs(build, expected):
    assert repr(build(nn)) == expected


@pytest.mark.parametrize("build,expected", MODULES, ids=[m[1] for m in MODULES])
def test_module_reprs_are_torch_reprs(build, expected):
    torch = pytest.importorskip("torch")
    assert repr(build(torch.nn)) == expected


def test_module_defaults():
    assert nn.Softmin().dim is None and nn.Softshrink().lambd == 0.5 and nn.Hardshrink().lambd == 0.5
    t = nn.Threshold(0.5, -1.0)
    assert (t.threshold, t.value, t.inplace) == (0.5, -1.0, False)
    assert (nn.CELU().alpha, nn.CELU().inplace) == (1.0, False)
    r = nn.RReLU()
    assert (r.lower, r.upper, r.inplace) == (1.0 / 8, 1.0 / 3, False)
    d = nn.AlphaDropout()
    assert (d.p, d.inplace) == (0.5, False)
    m = nn.RMSNorm(4)
    assert (m.normalized_shape, m.eps, m.elementwise_affine) == ((4,), None, True)
    assert isinstance(m.weight, nn.Parameter) and m.weight.requires_grad and m.weight.dtype == np.float32
    np.testing.assert_array_equal(m.weight.numpy(), np.ones(4, np.float32))
    for module in (nn.Softmin(1), nn.Softshrink(), nn.Hardshrink(), nn.Tanhshrink(), t, nn.CELU(), r, d):
        assert list(module.parameters()) == [] and list(module.state_dict()) == []


def test_rms_norm_state_dict_and_parameters():
    m = nn.RMSNorm([2, 3], eps=1e-6)
    assert list(m.state_dict()) == ["weight"] and [n for n, _ in m.named_parameters()] == ["weight"]
    assert m.weight.shape == (2, 3)
    bare = nn.RMSNorm(3, elementwise_affine=False)
    assert bare.weight is None and list(bare.state_dict()) == [] and list(bare.parameters()) == []
    assert nn.RMSNorm(3, dtype=ag.float64).weight.dtype == np.float64
    m.weight.data = m.weight * 3.0
    m.reset_parameters()
    np.testing.assert_array_equal(m.weight.numpy(), np.ones((2, 3), np.float32))


def test_rms_norm_module_loads_a_torch_state_dict_and_matches():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.RMSNorm((3, 4), eps=1e-4)
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 1.5)
    ours = nn.RMSNorm((3, 4), eps=1e-4)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = np.random.default_rng(14).standard_normal((2, 3, 4)).astype(np.float32)
    check_against_torch(ours, theirs, [x], atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), atol=1e-5, rtol=1e-5)
    sd = {k: torch.from_numpy(np.array(v.numpy())) for k, v in ours.state_dict().items()}
    theirs.load_state_dict(sd)


@pytest.mark.parametrize("build", [lambda n: n.Softmin(dim=1), lambda n: n.Softshrink(0.3), lambda n: n.Hardshrink(0.3),
                                   lambda n: n.Tanhshrink(), lambda n: n.Threshold(0.2, -0.7), lambda n: n.CELU(0.5),
                                   lambda n: n.RReLU(0.1, 0.5).eval(), lambda n: n.AlphaDropout(0.4).eval(),
                                   lambda n: n.RMSNorm(5, elementwise_affine=False)])
def test_modules_against_torch(device, build):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(15).uniform(-2, 2, (4, 5)).astype(np.float32)
    check_against_torch(build(nn).to(device), build(torch.nn), [x], device=device, atol=2e-6, rtol=2e-6)


def test_random_modules_follow_train_and_eval():
    x = ag.tensor(-np.ones(1000))
    rrelu = nn.RReLU(0.1, 0.3)
    slopes = -rrelu(x).numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and len(np.unique(slopes)) > 900
    np.testing.assert_allclose(rrelu.eval()(x).numpy(), -0.2)
    drop = nn.AlphaDropout(0.5, inplace=True)
    y = ag.tensor(np.random.default_rng(16).standard_normal(1000))
    out = drop(y)
    assert out is not y and not np.array_equal(out.numpy(), y.numpy())   # inplace ignored, as in PyTorch
    assert drop.eval()(y) is y


# ---------------------------------------------------------------- a PyTorch program

def mlp_program(torch, init, batches):
    """Five SGD steps of an MLP made of the new modules, written as a PyTorch user writes it (eval mode, so
    RReLU uses its mean slope and AlphaDropout passes through; both still backpropagate)."""
    nn = torch.nn
    model = nn.Sequential(
        nn.Linear(6, 16), nn.RMSNorm(16), nn.CELU(0.8),
        nn.Linear(16, 16), nn.Softshrink(0.05), nn.Tanhshrink(), nn.RMSNorm([16], eps=1e-4),
        nn.Linear(16, 16), nn.Hardshrink(0.02), nn.Threshold(-0.3, -0.3), nn.RReLU(0.1, 0.3), nn.AlphaDropout(0.2),
        nn.Linear(16, 3), nn.Softmin(dim=1))
    model = start_weights(torch, model, init)
    model.eval()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    log = []
    for x, y in batches:
        x, y = torch.from_numpy(x), torch.from_numpy(y)
        probs = model(x)
        loss = torch.nn.functional.nll_loss(torch.log(probs), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        log.append([loss.item(), model[1].weight.detach().numpy().copy()])
    return log


def test_mlp_with_the_new_modules_trains_as_torch():
    torch, ours = namespaces()
    rs = np.random.RandomState(17)
    batches = [(rs.randn(16, 6), rs.randint(0, 3, 16))] * 5   # one batch, five steps: the loss must fall
    torch.manual_seed(0)
    init = {}
    theirs = mlp_program(torch, init, batches)
    losses = [step[0] for step in theirs]
    assert losses[-1] < losses[0]   # it trains
    assert_same_log(mlp_program(ours, init, batches), theirs, rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------- ag.jit

@pytest.mark.parametrize("name", BY_ID)
def test_jit_replays_equal_eager(name):
    assert_replays_equal_eager(_ours(name), _arrays(name, (3, 4), np.float64, seed=18))


@pytest.mark.parametrize("name", ["softmin", "softshrink", "threshold", "celu 0.7", "rms_norm weight"])
def test_jit_replays_on_each_device(device, name):
    if device == "cpu":
        pytest.skip("every case replays on cpu in the test above")
    assert_replays_equal_eager(_ours(name), _arrays(name, (3, 4), np.float64, seed=19), device)


def _seeded(call):
    def fresh():
        ag.manual_seed(0)
        return call, None
    return fresh


@pytest.mark.parametrize("call", [lambda x: F.rrelu(x, 0.1, 0.4, training=True),
                                  lambda x: F.alpha_dropout(x, 0.3, training=True)], ids=["rrelu", "alpha_dropout"])
def test_jit_replays_draw_anew_as_eager(device, call):
    """In training, each replay draws new slopes or masks from the generator, the same as eager mode."""
    x = np.random.default_rng(20).standard_normal((3, 4))
    assert_replays_equal_eager(None, [x], device, fresh_state=_seeded(call))


def test_jit_replays_the_rms_norm_module_and_its_weight_gradient():
    def fresh():
        ag.manual_seed(0)
        module = nn.RMSNorm(4, eps=1e-5).to(ag.float64)
        module.weight.data = ag.tensor(np.linspace(0.5, 1.5, 4))

        def call(x):
            module.zero_grad()
            return module(x)
        return call, lambda: [module.weight.grad]
    assert_replays_equal_eager(None, [np.random.default_rng(21).standard_normal((3, 4))], fresh_state=fresh)
