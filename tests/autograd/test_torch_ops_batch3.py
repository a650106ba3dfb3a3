"""The third batch of PyTorch names (special functions, rearranging, products, order statistics, index
updates, searching, sampling) against PyTorch: forward and gradients on random inputs, gradcheck in float64,
exact equality for the integer and bool results, and the errors bad input gets."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand

R = np.random.default_rng(0)


def _unit(shape):
    return rand(shape, low=-0.9, high=0.9, seed=1)


def _pos(shape):
    return rand(shape, low=0.2, high=2.0, seed=2)


def _distinct(shape, seed=3):
    """Values without ties (sorting and extremes pick unambiguous positions)."""
    n = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(n).reshape(shape) / n - 0.5).astype(np.float64)


I5 = np.array([0, 2, 2, 4], dtype=np.int64)
I5_UNIQUE = np.array([4, 0, 3], dtype=np.int64)

# (name, call(module, *tensors), input arrays): the same call runs on autograd and on torch
DIFFERENTIABLE = [
    ("erf", lambda m, x: m.erf(x * 3), [_unit((3, 4))]),
    ("erf 0-d", lambda m, x: m.erf(x), [np.array(0.3)]),
    ("erfc", lambda m, x: m.erfc(x * 4), [_unit((3, 4))]),
    ("erfinv", lambda m, x: m.erfinv(x), [_unit((3, 4))]),
    ("expm1", lambda m, x: m.expm1(x), [_unit((5,))]),
    ("exp2", lambda m, x: m.exp2(x), [_unit((2, 3))]),
    ("logit", lambda m, x: m.logit(x.abs() * 0.9 + 0.05), [_unit((4,))]),
    ("logit eps", lambda m, x: m.logit(x.abs(), eps=0.2), [_unit((6,))]),
    ("xlogy", lambda m, x, y: m.xlogy(x, y), [_unit((3, 1)), _pos((1, 4))]),
    ("xlogy number", lambda m, x: m.xlogy(x, 2.5), [_unit((3,))]),
    ("atan2", lambda m, x, y: m.atan2(x, y), [_unit((3, 4)), _unit((4,))]),
    ("arctan2 method", lambda m, x, y: x.arctan2(y), [_unit((3,)), _pos((3,))]),
    ("hypot", lambda m, x, y: m.hypot(x, y), [_pos((2, 3)), _unit((3,))]),
    ("lerp number", lambda m, x, y: m.lerp(x, y, 0.3), [_unit((2, 3)), _unit((3,))]),
    ("lerp tensor", lambda m, x, y, w: m.lerp(x, y, w), [_unit((2, 3)), _unit((2, 3)), _unit((3,))]),
    ("logaddexp", lambda m, x, y: m.logaddexp(x * 30, y), [_unit((3, 4)), _unit((4,))]),
    ("copysign", lambda m, x, y: m.copysign(x, y.detach()), [_unit((3, 4)), _unit((4,))]),
    ("sgn", lambda m, x: m.sgn(x) * x, [_unit((5,))]),
    ("frac", lambda m, x: m.frac(x * 5), [_unit((2, 5))]),
    ("remainder", lambda m, x, y: m.remainder(x * 5, y), [_unit((3, 4)), _pos((4,))]),
    ("remainder number", lambda m, x: m.remainder(x * 5, -1.5), [_unit((3, 4))]),
    ("fmod", lambda m, x, y: m.fmod(x * 5, y), [_unit((3, 4)), _pos((4,))]),
    ("nan_to_num", lambda m, x: m.nan_to_num(m.log(x), nan=2.0, neginf=-3.0), [_unit((3, 4))]),
    ("softmax method", lambda m, x: x.softmax(0) + x.log_softmax(-1), [_unit((3, 4))]),
    ("roll", lambda m, x: m.roll(x, (1, -3), (0, 1)), [_unit((3, 4))]),
    ("roll flat", lambda m, x: m.roll(x, 5), [_unit((3, 4))]),
    ("rot90", lambda m, x: m.rot90(x, 1, (1, 2)) + m.rot90(x, 3, (1, 2)).flip(1, 2), [_unit((2, 3, 3))]),
    ("rot90 k=2", lambda m, x: m.rot90(x, -2), [_unit((2, 3))]),
    ("tile", lambda m, x: m.tile(x, (2, 1, 3)), [_unit((2, 3))]),
    ("ravel", lambda m, x: x.ravel() * 2, [_unit((2, 3))]),
    ("diag vector", lambda m, x: m.diag(x, 2) + m.diag(x, -2), [_unit((3,))]),
    ("diag matrix", lambda m, x: m.diag(x, -1), [_unit((3, 4))]),
    ("diagonal", lambda m, x: m.diagonal(x, 1, 0, 2), [_unit((3, 2, 4))]),
    ("trace", lambda m, x: m.trace(x), [_unit((3, 4))]),
    ("diff", lambda m, x: m.diff(x, 2, 0), [_unit((5, 3))]),
    ("diff prepend", lambda m, x, y: m.diff(x, dim=1, prepend=y, append=y), [_unit((2, 3)), _unit((2, 2))]),
    ("kron", lambda m, x, y: m.kron(x, y), [_unit((2, 3)), _unit((3, 1, 2))]),
    ("hstack", lambda m, x, y: m.hstack([x, y]), [_unit((2, 3)), _unit((2, 1))]),
    ("vstack", lambda m, x, y: m.vstack((x, y)), [_unit((3,)), _unit((2, 3))]),
    ("dstack", lambda m, x, y: m.dstack([x, y]), [_unit((2, 3)), _unit((2, 3, 2))]),
    ("column_stack", lambda m, x, y: m.column_stack([x, y]), [_unit((3,)), _unit((3, 2))]),
    ("atleast_3d", lambda m, x, y: m.atleast_3d(x, y), [_unit((3,)), np.array(0.5)]),
    ("atleast_2d", lambda m, x: m.atleast_2d(x), [np.array(0.5)]),
    ("meshgrid ij", lambda m, x, y: m.meshgrid(x, y, indexing="ij"), [_unit((3,)), _unit((2,))]),
    ("meshgrid xy", lambda m, x, y, z: m.meshgrid(x, y, z, indexing="xy"), [_unit((3,)), _unit((2,)), _unit((4,))]),
    ("broadcast_tensors", lambda m, x, y: m.broadcast_tensors(x, y), [_unit((3, 1)), _unit((4,))]),
    ("block_diag", lambda m, x, y, z: m.block_diag(x, y, z), [_unit((2, 3)), _unit((2,)), np.array(0.5)]),
    ("cartesian_prod", lambda m, x, y: m.cartesian_prod(x, y), [_unit((3,)), _unit((2,))]),
    ("take_along_dim", lambda m, x: m.take_along_dim(x, m.tensor([[0, 2], [1, 1]]), 1), [_unit((1, 3))]),
    ("take_along_dim flat", lambda m, x: m.take_along_dim(x, m.tensor([5, 0, 5])), [_unit((2, 3))]),
    ("tensordot int", lambda m, x, y: m.tensordot(x, y, 2), [_unit((2, 3, 4)), _unit((3, 4, 5))]),
    ("tensordot lists", lambda m, x, y: m.tensordot(x, y, ([0, 2], [2, 0])), [_unit((2, 3, 4)), _unit((4, 5, 2))]),
    ("addmm", lambda m, x, a, b: m.addmm(x, a, b, beta=0.5, alpha=2.0), [_unit((3,)), _unit((2, 4)), _unit((4, 3))]),
    ("addmv", lambda m, x, a, b: m.addmv(x, a, b, alpha=-1), [_unit((2,)), _unit((2, 4)), _unit((4,))]),
    ("baddbmm", lambda m, x, a, b: x.baddbmm(a, b, beta=2), [_unit((2, 1, 3)), _unit((2, 2, 4)), _unit((2, 4, 3))]),
    ("cross", lambda m, x, y: m.cross(x, y, dim=1), [_unit((4, 3)), _unit((1, 3))]),
    ("cdist", lambda m, x, y: m.cdist(x, y), [_unit((2, 4, 3)), _distinct((2, 5, 3))]),
    ("cdist mm", lambda m, x, y: m.cdist(x, y), [_unit((30, 3)), _distinct((5, 3))]),
    ("cdist p=1", lambda m, x, y: m.cdist(x, y, p=1.0), [_unit((4, 3)), _distinct((5, 3))]),
    ("median", lambda m, x: m.median(x), [_distinct((3, 4))]),
    ("median dim", lambda m, x: m.median(x, 1, keepdim=True), [_distinct((3, 4))]),
    ("quantile", lambda m, x: m.quantile(x, 0.3), [_distinct((3, 4))]),
    ("quantile dim", lambda m, x: m.quantile(x, m.tensor([0.25, 0.5, 1.0], dtype=m.float64), dim=0, keepdim=True),
     [_distinct((3, 4))]),
    ("quantile nearest", lambda m, x: m.quantile(x, 0.5, dim=1, interpolation="nearest"), [_distinct((3, 4))]),
    ("quantile midpoint", lambda m, x: m.quantile(x, 0.4, interpolation="midpoint"), [_distinct((3, 4))]),
    ("cummax", lambda m, x: m.cummax(x, 1), [_distinct((3, 4))]),
    ("cummin", lambda m, x: x.cummin(0), [_distinct((3, 4))]),
    ("logcumsumexp", lambda m, x: m.logcumsumexp(x * 40, 1), [_unit((3, 5))]),
    ("aminmax", lambda m, x: m.aminmax(x, dim=0), [_distinct((3, 4))]),
    ("nansum", lambda m, x: m.nansum(m.where(x > 0.5, float("nan"), x), 1), [_unit((3, 4))]),
    ("nanmean", lambda m, x: m.nanmean(m.where(x > 0.5, float("nan"), x)), [_unit((3, 4))]),
    ("std_mean", lambda m, x: m.std_mean(x, 1), [_unit((3, 4))]),
    ("var_mean", lambda m, x: m.var_mean(x, 0, keepdim=True), [_unit((3, 4))]),
    ("index_add", lambda m, x, s: m.index_add(x, 1, m.tensor(I5), s, alpha=2.0), [_unit((3, 5)), _unit((3, 4))]),
    ("index_copy", lambda m, x, s: x.index_copy(0, m.tensor(I5_UNIQUE), s), [_unit((5, 2)), _unit((3, 2))]),
    ("index_fill", lambda m, x: m.index_fill(x, 1, m.tensor(I5), -1.5), [_unit((3, 5))]),
    ("masked_select", lambda m, x, y: m.masked_select(x, y > 0), [_unit((3, 4)), _unit((4,))]),
]


@pytest.mark.parametrize("name,call,arrays", DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_forward_and_gradients_match_torch(device, name, call, arrays):
    torch = pytest.importorskip("torch")
    check_against_torch(lambda *ts: call(ag, *ts), lambda *ts: call(torch, *ts), arrays, device=device,
                        atol=1e-9, rtol=1e-7)


@pytest.mark.parametrize("name,call,arrays", DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_float32_matches_torch(name, call, arrays):
    torch = pytest.importorskip("torch")
    arrays = [a.astype(np.float32) for a in arrays]
    fix = (lambda m, *ts: call(m, *ts)) if "quantile dim" not in name else \
        (lambda m, x: m.quantile(x, m.tensor([0.25, 0.5, 1.0]), dim=0, keepdim=True))
    check_against_torch(lambda *ts: fix(ag, *ts), lambda *ts: fix(torch, *ts), arrays, atol=2e-5, rtol=2e-5)


def _scalar(out):
    outs = out if isinstance(out, tuple) else (out,)
    return sum((o * (1.0 + ag.arange(o.numel(), dtype=o.dtype).reshape(o.shape))).sum()
               for o in outs if o.dtype.kind == "f")


# gradcheck skips the ops whose gradient is piecewise (finite differences cross the kinks of nan/inf tests)
GRADCHECKED = [c for c in DIFFERENTIABLE if c[0] not in ("nan_to_num", "frac", "remainder", "remainder number",
                                                           "fmod", "sgn")]


@pytest.mark.parametrize("name,call,arrays", GRADCHECKED, ids=[c[0] for c in GRADCHECKED])
def test_gradcheck_float64(name, call, arrays):
    check_gradcheck(lambda *ts: _scalar(call(ag, *ts)), arrays)


def test_special_functions_agree_with_torch_over_their_range():
    torch = pytest.importorskip("torch")
    x = np.concatenate([np.linspace(-30, 30, 6001), [0.0, -0.0, np.inf, -np.inf, np.nan]])
    for name in ("erf", "erfc"):
        ours, theirs = getattr(ag, name)(ag.tensor(x)).numpy(), getattr(torch, name)(torch.tensor(x)).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-300, err_msg=name)
    y = np.concatenate([np.linspace(-1, 1, 4001), [1 - 1e-12, -1 + 1e-9, 1.5, -2.0, np.nan]])
    np.testing.assert_allclose(ag.erfinv(ag.tensor(y)).numpy(), torch.erfinv(torch.tensor(y)).numpy(), rtol=1e-11)
    x32 = x.astype(np.float32)
    np.testing.assert_allclose(ag.erf(ag.tensor(x32)).numpy(), torch.erf(torch.tensor(x32)).numpy(), atol=1.2e-7)
    assert ag.erf(ag.tensor(x32)).dtype == np.float32 and ag.erf(ag.tensor([1, 2])).dtype == np.float32


def _same(ours, theirs):
    ours = tuple(ours) if isinstance(ours, tuple) else (ours,)
    theirs = tuple(theirs) if isinstance(theirs, tuple) else (theirs,)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert o.dtype == t.numpy().dtype, (o.dtype, t.dtype)
        np.testing.assert_array_equal(o.numpy(), t.numpy())


INTS = np.array([[7, -3, 0, 5], [-8, 2, 9, -1]], dtype=np.int64)
SORTED = np.sort(R.integers(-5, 5, (2, 6)), axis=1)
NO_GRADIENT = [
    ("signbit", lambda m, x: m.signbit(x.double() - 0.5 * (x == 0).double() * 0)),
    ("remainder int", lambda m, x: m.remainder(x, 3)),
    ("fmod int", lambda m, x: m.fmod(x, -3)),
    ("floor_divide", lambda m, x: m.floor_divide(x, 4)),
    ("floor_divide method", lambda m, x: x.floor_divide(-3)),
    ("roll int", lambda m, x: m.roll(x, 3)),
    ("trace int", lambda m, x: m.trace(x)),
    ("diff int", lambda m, x: m.diff(x)),
    ("diff bool", lambda m, x: m.diff(x > 0)),
    ("median int", lambda m, x: m.median(x, 1)),
    ("cummax int", lambda m, x: m.cummax(x, 1)),
    ("aminmax all", lambda m, x: m.aminmax(x)),
    ("nan_to_num int", lambda m, x: m.nan_to_num(x)),
    ("index_fill int", lambda m, x: m.index_fill(x, 1, x.new_tensor([0, 3]), 4)),
    ("masked_select int", lambda m, x: m.masked_select(x, x > 0)),
    ("bucketize", lambda m, x: m.bucketize(x, x.new_tensor([-3, 0, 5]))),
    ("bucketize right int32", lambda m, x: m.bucketize(x, x.new_tensor([-3, 0, 5]), right=True, out_int32=True)),
    ("searchsorted 1-D", lambda m, x: m.searchsorted(x.new_tensor([-8, -1, 2, 7]), x, side="right")),
    ("searchsorted N-D", lambda m, x: m.searchsorted(x.new_tensor(SORTED), x[:, :3])),
    ("kron int", lambda m, x: m.kron(x, x[:1, :2])),
    ("block_diag int", lambda m, x: m.block_diag(x, x[0])),
    ("cartesian_prod int", lambda m, x: m.cartesian_prod(x[0], x[1, :2], x[0, :1])),
]


@pytest.mark.parametrize("name,call", NO_GRADIENT, ids=[c[0] for c in NO_GRADIENT])
def test_integer_and_bool_results_equal_torch(device, name, call):
    torch = pytest.importorskip("torch")
    _same(call(ag, ag.tensor(INTS, device=device)), call(torch, torch.tensor(INTS)))


def test_index_and_searching_helpers_equal_torch():
    torch = pytest.importorskip("torch")
    for row, col, offset in ((3, 4, 0), (4, 3, -1), (3, 3, 2), (0, 2, 0)):
        _same(ag.tril_indices(row, col, offset), torch.tril_indices(row, col, offset))
        _same(ag.triu_indices(row, col, offset), torch.triu_indices(row, col, offset))
    x = ag.tensor([1.0, -2.0])
    assert ag.is_tensor(x) and not ag.is_tensor(np.zeros(2)) and ag.is_floating_point(x)
    assert not ag.is_floating_point(ag.tensor([1])) and ag.numel(ag.zeros(2, 3)) == 6
    assert ag.arctan2 is ag.atan2


def test_nan_handling_matches_torch():
    torch = pytest.importorskip("torch")
    data = np.array([[1.0, np.nan, 3.0, 0.5], [2.0, 1.0, -1.0, 4.0]])
    for call in (lambda m, x: m.median(x), lambda m, x: m.median(x, 1), lambda m, x: m.quantile(x, 0.5, dim=1),
                 lambda m, x: m.nansum(x), lambda m, x: m.nanmean(x, 1), lambda m, x: m.cummax(x, 1),
                 lambda m, x: m.nan_to_num(x / 0.0), lambda m, x: m.xlogy(x * 0, x)):
        ours, theirs = call(ag, ag.tensor(data)), call(torch, torch.tensor(data))
        ours = tuple(ours) if isinstance(ours, tuple) else (ours,)
        theirs = tuple(theirs) if isinstance(theirs, tuple) else (theirs,)
        for o, t in zip(ours, theirs):
            np.testing.assert_array_equal(o.numpy(), t.numpy())


def test_in_place_forms_match_torch():
    torch = pytest.importorskip("torch")
    data, src = _unit((3, 5)), _unit((3, 4))
    for call in (lambda m, x: x.index_add_(1, m.tensor(I5), m.tensor(src)),
                 lambda m, x: x.index_copy_(1, m.tensor([4, 0, 1, 2]), m.tensor(src)),
                 lambda m, x: x.index_fill_(0, m.tensor([2]), 7.0),
                 lambda m, x: x.erf_(), lambda m, x: x.lerp_(m.ones_like(x), 0.25), lambda m, x: x.hypot_(x),
                 lambda m, x: x.remainder_(0.3), lambda m, x: x.nan_to_num_(), lambda m, x: x.expm1_()):
        ours, theirs = ag.tensor(data.copy()), torch.tensor(data.copy())
        assert call(ag, ours) is ours
        call(torch, theirs)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12)


def test_in_place_index_add_inside_a_graph_matches_torch():
    torch = pytest.importorskip("torch")
    data, src = _unit((3, 5)), _unit((3, 4))
    x, s = ag.tensor(data, requires_grad=True), ag.tensor(src, requires_grad=True)
    tx, ts = torch.tensor(data, requires_grad=True), torch.tensor(src, requires_grad=True)
    y = x * 2
    y.index_add_(1, ag.tensor(I5), s)
    ty = tx * 2
    ty.index_add_(1, torch.tensor(I5), ts)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(s.grad.numpy(), ts.grad.numpy(), rtol=1e-12)


def test_bernoulli_follows_the_seed_and_the_probabilities(device):
    p = ag.tensor(np.linspace(0, 1, 4000).reshape(40, 100), device=device)
    ag.manual_seed(5)
    a = ag.bernoulli(p)
    ag.manual_seed(5)
    b = p.bernoulli()
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a.dtype == p.dtype and set(np.unique(a.numpy())) <= {0.0, 1.0}
    assert a.numpy()[:10].sum() < 250 and a.numpy()[-10:].sum() > 750   # p below / above 1/4, 3/4
    assert abs(a.numpy().mean() - 0.5) < 0.05
    gen = ag.Generator().manual_seed(3)
    c = ag.bernoulli(p, generator=gen)
    d = ag.bernoulli(p, generator=ag.Generator().manual_seed(3))
    np.testing.assert_array_equal(c.numpy(), d.numpy())
    x = ag.zeros(10000, device=device)
    assert x.bernoulli_(0.25) is x and abs(x.numpy().mean() - 0.25) < 0.03
    x.bernoulli_(ag.tensor([0.0, 1.0], device=device).repeat(5000))
    np.testing.assert_array_equal(x.numpy(), np.tile([0.0, 1.0], 5000))


def test_bernoulli_draws_afresh_in_every_jit_replay():
    p = ag.full((64,), 0.5)

    @ag.jit
    def draw(probs):
        return ag.bernoulli(probs) * 1.0

    draws = [draw(p).numpy().copy() for _ in range(4)]
    assert len({d.tobytes() for d in draws}) == 4


BAD_INPUT = [
    (lambda: ag.diagonal(ag.ones(3)), ValueError, "diagonal: expects a tensor with at least 2 dims"),
    (lambda: ag.trace(ag.ones(2, 2, 2)), ValueError, r"trace: expects a 2-D tensor, got shape Size\(\[2, 2, 2\]\)"),
    (lambda: ag.roll(ag.ones(2, 3), (1, 2)), ValueError, "roll: without dims"),
    (lambda: ag.roll(ag.ones(2, 3), (1, 2), (0,)), ValueError, "roll: shifts .* and dims"),
    (lambda: ag.cross(ag.ones(2, 4), ag.ones(2, 4)), ValueError, r"cross: no dim of length 3 in shape \(2, 4\)"),
    (lambda: ag.cross(ag.ones(2, 3), ag.ones(4, 3)), ValueError, r"cross: shapes \(2, 3\), \(4, 3\) cannot be broadcast"),
    (lambda: ag.addmm(ag.ones(5), ag.ones(2, 3), ag.ones(3, 4)), ValueError, r"addmm: input of shape Size\(\[5\]\)"),
    (lambda: ag.addmm(ag.ones(4), ag.ones(2, 3), ag.ones(2, 4)), ValueError, "matmul: shapes"),
    (lambda: ag.tensordot(ag.ones(2, 3), ag.ones(2, 3), 1), ValueError, "tensordot: contracted dimensions need to match"),
    (lambda: ag.cdist(ag.ones(2, 3), ag.ones(2, 4)), ValueError, r"cdist: expects x1 \(..., P, M\)"),
    (lambda: ag.index_add(ag.ones(3, 5), 1, ag.tensor([0, 1]), ag.ones(3, 3)), ValueError,
     r"index_add: source of shape Size\(\[3, 3\]\) must have input's shape Size\(\[3, 5\]\)"),
    (lambda: ag.index_copy(ag.ones(3, 5), 1, ag.tensor([0, 7]), ag.ones(3, 2)), IndexError,
     "index_copy: an index is out of range for dim 1 of length 5"),
    (lambda: ag.index_fill(ag.ones(3), 0, ag.tensor([0.5]), 1.0), TypeError, "index_fill: index must be an integer"),
    (lambda: ag.masked_select(ag.ones(3), ag.ones(3)), TypeError, "masked_select: mask must be a bool tensor"),
    (lambda: ag.masked_select(ag.ones(3), ag.ones(2) > 0), ValueError, "masked_select: shapes"),
    (lambda: ag.quantile(ag.ones(3), 1.5), ValueError, r"quantile: q values must be in \[0, 1\]"),
    (lambda: ag.quantile(ag.ones(3, dtype=ag.int64), 0.5), TypeError, "quantile: expects a float tensor"),
    (lambda: ag.meshgrid(ag.ones(2, 2), ag.ones(3)), ValueError, "meshgrid: expects 0-d or 1-D tensors"),
    (lambda: ag.meshgrid(ag.ones(2), indexing="ji"), ValueError, "meshgrid: indexing must be 'ij' or 'xy'"),
    (lambda: ag.broadcast_tensors(ag.ones(2), ag.ones(3)), ValueError, r"broadcast_tensors: shapes \(2,\), \(3,\)"),
    (lambda: ag.take_along_dim(ag.ones(2, 3), ag.ones(2, 3), 1), TypeError, "take_along_dim: indices must be an integer"),
    (lambda: ag.searchsorted(ag.ones(2, 3), ag.ones(3, 1)), ValueError, "searchsorted: an N-D sorted_sequence"),
    (lambda: ag.bucketize(ag.ones(3), ag.ones(2, 2)), ValueError, "bucketize: boundaries must be 1-D"),
    (lambda: ag.bernoulli(ag.tensor([0.5, 1.5])), ValueError, r"bernoulli: probabilities must be in \[0, 1\]"),
    (lambda: ag.remainder(ag.tensor([3]), ag.tensor([0])), ZeroDivisionError, "remainder: integer division by zero"),
    (lambda: ag.rot90(ag.ones(3), 1), ValueError, "rot90: needs two dims"),
    (lambda: ag.median(ag.ones(0, dtype=ag.int64)), ValueError, "median: the int64 input of shape"),
    (lambda: ag.logit(ag.ones(2), eps=0.7), ValueError, r"logit: eps must be in \[0, 0.5\]"),
    (lambda: ag.atan2(1.0, 2.0), TypeError, "atan2: at least one of input and other must be a Tensor"),
    (lambda: ag.block_diag(ag.ones(2, 2, 2)), ValueError, "block_diag: expects tensors with at most 2 dims"),
    (lambda: ag.tril_indices(-1, 3), ValueError, "tril_indices: row must be a non-negative int"),
    (lambda: ag.erf([1.0]), TypeError, "erf"),
]


@pytest.mark.parametrize("call,error,message", BAD_INPUT, ids=[m.split(":")[0] + str(i) for i, (_, _, m)
                                                              in enumerate(BAD_INPUT)])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
