"""The fifth batch of PyTorch names (distances, histograms, integration, nan-aware order statistics, mode,
cov / corrcoef, scatter_reduce / index_reduce, the scatter-into-a-slice ops, more products, splits, type
promotion, logspace, poisson and the top-level activation spellings) against PyTorch: forward and gradients on
random inputs (broadcasting, 0-d and empty shapes), gradcheck in float64, exact equality for integer results,
Tensor methods and in-place forms, ag.jit replays, and bad input."""
import math
import warnings

import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand, require_torch
from tests.helpers import distinct_rand as _distinct, unit_rand as _unit
from tests.jit_replay import assert_replays_equal_eager


def _with_nans(shape, seed=4):
    x = _distinct(shape, seed)
    x.flat[::3] = np.nan
    return x


def _ints(shape, high=4, seed=5):
    return np.random.default_rng(seed).integers(0, high, shape).astype(np.float64)


INDEX = np.array([[0, 4, 2, 4], [1, 1, 1, 3], [2, 0, 0, 2]])
SRC = _unit((3, 4), 7)
SRC[0, 1] = SRC[1, 2] = 0.0          # zero factors, for prod's gradient
TIED = np.array([3.0, 1.0, 3.0, 2.0])  # ties with each other and with the input, for amax's shared gradient

# (name, call(module, *tensors), input arrays): the same call runs on autograd and on torch
DIFFERENTIABLE = [
    ("cosine_similarity", lambda m, a, b: m.cosine_similarity(a, b), [_unit((3, 4)), _unit((4,), 2)]),
    ("cosine_similarity dim", lambda m, a, b: m.cosine_similarity(a, b, dim=0, eps=1e-3),
     [_unit((3, 4)), _unit((3, 1), 2)]),
    ("pairwise_distance", lambda m, a, b: m.pairwise_distance(a, b, 3.0, keepdim=True),
     [_unit((3, 4)), _unit((4,), 2)]),
    ("dist", lambda m, a, b: m.dist(a, b), [_unit((3, 4)), _unit((4,), 2)]),
    ("dist p", lambda m, a, b: a.dist(b, 1.5), [_unit((2, 3)), _unit((2, 3), 2)]),
    ("dist inf", lambda m, a, b: m.dist(a, b, math.inf), [_distinct((2, 3)), _unit((2, 3), 2)]),
    ("dist -inf", lambda m, a, b: m.dist(a, b, -math.inf), [_distinct((2, 3)), _unit((2, 3), 2)]),
    ("dist -2", lambda m, a, b: m.dist(a, b, -2), [_unit((2, 3)), _unit((2, 3), 2)]),
    ("renorm", lambda m, x: m.renorm(x * 3, 2, 0, 1.5), [_unit((3, 4))]),
    ("renorm dim p", lambda m, x: x.renorm(1, -1, 1.0), [_unit((2, 3, 2))]),
    ("renorm inf", lambda m, x: m.renorm(x * 3, math.inf, 1, 1.0), [_distinct((3, 4))]),
    ("trapezoid", lambda m, y: m.trapezoid(y), [_unit((3, 5))]),
    ("trapezoid dx dim", lambda m, y: m.trapezoid(y, dx=0.5, dim=0), [_unit((3, 5))]),
    ("trapezoid x", lambda m, y, x: m.trapezoid(y, x), [_unit((3, 5)), _unit((5,), 2)]),
    ("trapezoid x broadcast", lambda m, y, x: m.trapezoid(y, x, dim=1), [_unit((3, 5)), _unit((1, 5), 2)]),
    ("trapezoid one sample", lambda m, y: m.trapezoid(y), [_unit((3, 1))]),
    ("trapz x", lambda m, y, x: m.trapz(y, x, dim=0), [_unit((3, 2)), _unit((3, 2), 2)]),
    ("trapz dx", lambda m, y: m.trapz(y, dx=2.0), [_unit((4,))]),
    ("cumulative_trapezoid", lambda m, y: m.cumulative_trapezoid(y), [_unit((3, 5))]),
    ("cumulative_trapezoid x", lambda m, y, x: m.cumulative_trapezoid(y, x, dim=0), [_unit((3, 2)), _unit((3,), 2)]),
    ("cumulative_trapezoid dx", lambda m, y: m.cumulative_trapezoid(y, dx=-1.5), [_unit((2, 4))]),
    ("nanmedian", lambda m, x: m.nanmedian(x), [_with_nans((3, 4))]),
    ("nanmedian dim", lambda m, x: m.nanmedian(x, 1), [_with_nans((3, 4))]),
    ("nanmedian keepdim", lambda m, x: x.nanmedian(0, keepdim=True), [_with_nans((5, 2))]),
    ("nanmedian 0-d", lambda m, x: m.nanmedian(x, 0), [np.array(0.5)]),
    ("nanquantile", lambda m, x: m.nanquantile(x, 0.3), [_with_nans((3, 4))]),
    ("nanquantile dim", lambda m, x: m.nanquantile(x, 0.7, dim=1, keepdim=True), [_with_nans((4, 5))]),
    ("nanquantile q tensor", lambda m, x: x.nanquantile(x.new_tensor([0.1, 0.5, 1.0]), 1), [_with_nans((5, 3))]),
    ("nanquantile all-nan slice", lambda m, x: m.nanquantile(x, 0.6, 0), [_with_nans((5, 3))]),
    ("nanquantile lower", lambda m, x: m.nanquantile(x, 0.4, 1, interpolation="lower"), [_with_nans((3, 5))]),
    ("nanquantile higher", lambda m, x: m.nanquantile(x, 0.4, 1, interpolation="higher"), [_with_nans((3, 5))]),
    ("nanquantile midpoint", lambda m, x: m.nanquantile(x, 0.4, 1, interpolation="midpoint"), [_with_nans((3, 5))]),
    ("nanquantile nearest", lambda m, x: m.nanquantile(x, 0.5, 1, interpolation="nearest"), [_with_nans((3, 5))]),
    ("nanquantile no nans", lambda m, x: m.nanquantile(x, 0.25, 0), [_unit((6, 2))]),
    ("mode", lambda m, x: m.mode(x), [_ints((3, 7))]),
    ("mode dim keepdim", lambda m, x: x.mode(0, keepdim=True), [_ints((6, 3))]),
    ("mode 0-d", lambda m, x: m.mode(x), [np.array(0.5)]),
    ("cov", lambda m, x: m.cov(x), [_unit((3, 5))]),
    ("cov 1-D", lambda m, x: m.cov(x, correction=0), [_unit((5,))]),
    ("cov weights", lambda m, x, a: m.cov(x, fweights=x.new_tensor([1, 2, 0, 3, 1], dtype=m.int64), aweights=a),
     [_unit((2, 5)), rand((5,), low=0.1, high=1, seed=3)]),
    ("cov fweights", lambda m, x: m.cov(x, correction=2, fweights=x.new_tensor([1, 2, 0, 3, 1], dtype=m.int64)),
     [_unit((2, 5))]),
    ("cov aweights", lambda m, x, a: x.cov(aweights=a), [_unit((2, 5)), rand((5,), low=0.1, high=1, seed=3)]),
    ("corrcoef", lambda m, x: m.corrcoef(x), [_unit((3, 6))]),
    ("corrcoef method", lambda m, x: x.corrcoef(), [_unit((2, 4))]),
    ("scatter_reduce sum", lambda m, x, s: m.scatter_reduce(x, 1, m.tensor(INDEX), s, "sum"), [_unit((3, 5)), SRC]),
    ("scatter_reduce sum alone", lambda m, x, s: x.scatter_reduce(1, m.tensor(INDEX), s, "sum", include_self=False),
     [_unit((3, 5)), SRC]),
    ("scatter_reduce prod", lambda m, x, s: m.scatter_reduce(x, 1, m.tensor(INDEX), s, "prod"), [_unit((3, 5)), SRC]),
    ("scatter_reduce prod alone", lambda m, x, s: m.scatter_reduce(x, 1, m.tensor(INDEX), s, "prod",
                                                                   include_self=False), [_unit((3, 5)), SRC]),
    ("scatter_reduce mean", lambda m, x, s: m.scatter_reduce(x, 1, m.tensor(INDEX), s, "mean"), [_unit((3, 5)), SRC]),
    ("scatter_reduce mean alone", lambda m, x, s: m.scatter_reduce(x, 1, m.tensor(INDEX), s, "mean",
                                                                   include_self=False), [_unit((3, 5)), SRC]),
    ("scatter_reduce amax", lambda m, x, s: m.scatter_reduce(x, 1, m.tensor(INDEX), s, "amax"), [_unit((3, 5)), SRC]),
    ("scatter_reduce amin alone", lambda m, x, s: m.scatter_reduce(x, 1, m.tensor(INDEX), s, "amin",
                                                                   include_self=False), [_unit((3, 5)), SRC]),
    ("scatter_reduce amax ties", lambda m, x, s: m.scatter_reduce(x, 0, m.tensor([2, 0, 2, 1]), s, "amax"),
     [np.array([1.0, 2.0, 3.0]), TIED]),
    ("scatter_reduce amax ties alone", lambda m, x, s: m.scatter_reduce(x, 0, m.tensor([2, 0, 2, 1]), s, "amax",
                                                                        include_self=False),
     [np.array([1.0, 2.0, 3.0]), TIED]),
    ("index_reduce prod", lambda m, x, s: m.index_reduce(x, 0, m.tensor([0, 2, 0, 1]), s, "prod"),
     [_unit((3, 4)), _unit((4, 4), 2)]),
    ("index_reduce mean alone", lambda m, x, s: x.index_reduce(1, m.tensor([3, 3, 0]), s, "mean", include_self=False),
     [_unit((2, 4)), _unit((2, 3), 2)]),
    ("index_reduce amax", lambda m, x, s: m.index_reduce(x, 0, m.tensor([1, 1]), s, "amax"),
     [_unit((3, 2)), _unit((2, 2), 2)]),
    ("index_reduce amin alone", lambda m, x, s: m.index_reduce(x, 0, m.tensor([1, 0, 1]), s, "amin",
                                                               include_self=False), [_unit((2, 3)), _unit((3, 3), 2)]),
    ("take", lambda m, x: m.take(x, m.tensor([[0, 11, -1], [3, 3, 7]])), [_unit((3, 4))]),
    ("take 0-d", lambda m, x: x.take(m.tensor([0, 0, -1])), [np.array(2.5)]),
    ("select", lambda m, x: m.select(x, 1, -1), [_unit((2, 3, 4))]),
    ("narrow_copy", lambda m, x: x.narrow_copy(2, 1, 2), [_unit((2, 3, 4))]),
    ("slice_scatter", lambda m, x, s: m.slice_scatter(x, s, 1, 1, None, 2), [_unit((3, 5)), _unit((3, 2), 2)]),
    ("slice_scatter default", lambda m, x, s: x.slice_scatter(s), [_unit((3, 2)), _unit((3, 2), 2)]),
    ("slice_scatter negative", lambda m, x, s: m.slice_scatter(x, s, -1, -3, -1), [_unit((2, 5)), _unit((2, 2), 2)]),
    ("select_scatter", lambda m, x, s: m.select_scatter(x, s, 1, -2), [_unit((3, 4, 2)), _unit((3, 2), 2)]),
    ("diagonal_scatter", lambda m, x, s: m.diagonal_scatter(x, s), [_unit((3, 4)), _unit((3,), 2)]),
    ("diagonal_scatter offset dims", lambda m, x, s: x.diagonal_scatter(s, 1, 2, 0),
     [_unit((3, 2, 4)), _unit((2, 2), 2)]),
    ("diagonal_scatter below", lambda m, x, s: m.diagonal_scatter(x, s, -2), [_unit((4, 3)), _unit((2,), 2)]),
    ("combinations", lambda m, x: m.combinations(x), [_unit((4,))]),
    ("combinations r", lambda m, x: m.combinations(x, 3, with_replacement=True), [_unit((3,))]),
    ("hsplit", lambda m, x: m.hsplit(x, 2), [_unit((3, 4))]),
    ("vsplit indices", lambda m, x: x.vsplit([1, 2]), [_unit((4, 2))]),
    ("dsplit", lambda m, x: m.dsplit(x, [1]), [_unit((2, 2, 3))]),
    ("hsplit 1-D", lambda m, x: x.hsplit(3), [_unit((6,))]),
    ("hsplit method indices", lambda m, x: x.hsplit(1, 3), [_unit((2, 6))]),
    ("row_stack", lambda m, a, b: m.row_stack((a, b)), [_unit((3,)), _unit((2, 3), 2)]),
    ("chain_matmul", lambda m, a, b, c: m.chain_matmul(a, b, c), [_unit((2, 3)), _unit((3, 4), 2), _unit((4, 2), 3)]),
    ("addbmm", lambda m, i, a, b: m.addbmm(i, a, b, beta=0.5, alpha=-2), [_unit((1, 2)), _unit((3, 4, 5), 2),
                                                                          _unit((3, 5, 2), 3)]),
    ("addbmm method", lambda m, i, a, b: i.addbmm(a, b), [_unit((4, 2)), _unit((2, 4, 3), 2), _unit((2, 3, 2), 3)]),
    ("addr", lambda m, i, a, b: m.addr(i, a, b, beta=2, alpha=0.5), [_unit((3,)), _unit((2,), 2), _unit((3,), 3)]),
    ("addr method", lambda m, i, a, b: i.addr(a, b), [_unit((2, 3)), _unit((2,), 2), _unit((3,), 3)]),
    ("ger", lambda m, a, b: a.ger(b), [_unit((4,)), _unit((2,), 2)]),
    ("vdot", lambda m, a, b: m.vdot(a, b), [_unit((4,)), _unit((4,), 2)]),
    ("selu", lambda m, x: m.selu(x * 3), [_unit((2, 3))]),
    # (an alpha whose inverse float32 holds exactly: PyTorch's backward rounds 1 / alpha to float32)
    ("celu", lambda m, x: m.celu(x * 3, 0.5), [_unit((2, 3))]),
    ("celu alpha 1", lambda m, x: m.celu(x * 3), [_unit((2, 3))]),
    ("prelu", lambda m, x, w: m.prelu(x, w), [_unit((2, 3, 2)), _unit((3,), 2)]),
    ("prelu method", lambda m, x, w: x.prelu(w), [_unit((4,)), _unit((1,), 2)]),
    ("rrelu eval", lambda m, x: m.rrelu(x, 0.1, 0.3), [_unit((2, 3))]),
    ("hardshrink", lambda m, x: m.hardshrink(x, 0.3), [_unit((2, 3))]),
    ("hardshrink method", lambda m, x: x.hardshrink(), [_unit((2, 3))]),
    ("threshold", lambda m, x: m.threshold(x, 0.1, -2.0), [_unit((2, 3))]),
    ("dropout eval", lambda m, x: m.dropout(x, 0.5, False), [_unit((2, 3))]),
]


def _outputs(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


@pytest.mark.parametrize("name,call,arrays", DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_forward_and_gradients_match_torch(device, name, call, arrays):
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # chain_matmul and index_reduce warn in PyTorch
        check_against_torch(lambda *ts: call(ag, *ts), lambda *ts: call(torch, *ts), arrays, device=device,
                            atol=1e-12, rtol=1e-12)


FLOAT32 = [c for c in DIFFERENTIABLE if c[0] in (
    "cosine_similarity", "dist", "renorm", "trapezoid x", "cumulative_trapezoid", "nanquantile dim", "cov weights",
    "corrcoef", "scatter_reduce mean", "scatter_reduce prod", "addbmm", "selu", "celu")]


@pytest.mark.parametrize("name,call,arrays", FLOAT32, ids=[c[0] for c in FLOAT32])
def test_float32_matches_torch(name, call, arrays):
    torch = require_torch()
    check_against_torch(lambda *ts: call(ag, *ts), lambda *ts: call(torch, *ts), [a.astype(np.float32) for a in arrays],
                        atol=2e-6, rtol=2e-5)


def _scalar(out):
    return sum((o * (1.0 + ag.arange(o.numel(), dtype=o.dtype).reshape(o.shape))).sum()
               for o in _outputs(out) if o.dtype.kind == "f" and o.requires_grad)


# finite differences would cross the kinks (max, sorting, thresholds) or make the norm-0 count jump
SKIP_GRADCHECK = {"dist inf", "dist -inf", "renorm inf", "mode", "mode dim keepdim", "mode 0-d",
                  "scatter_reduce amax ties", "scatter_reduce amax ties alone", "hardshrink", "hardshrink method",
                  "threshold", "nanquantile lower", "nanquantile higher", "nanquantile nearest", "rrelu eval",
                  "nanquantile all-nan slice"}
GRADCHECKED = [c for c in DIFFERENTIABLE if c[0] not in SKIP_GRADCHECK]


@pytest.mark.parametrize("name,call,arrays", GRADCHECKED, ids=[c[0] for c in GRADCHECKED])
def test_gradcheck_float64(name, call, arrays):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_gradcheck(lambda *ts: _scalar(call(ag, *ts)), arrays)


def test_vander_matches_torch_and_gradcheck(device):
    """(PyTorch's own vander gradient fails with an in-place error, so ours is checked by gradcheck alone.)"""
    torch = require_torch()
    x = _unit((4,))
    for n, increasing in [(None, False), (0, False), (1, True), (3, True), (6, False)]:
        ours = ag.vander(ag.tensor(x, device=device), n, increasing)
        theirs = torch.vander(torch.tensor(x), n, increasing)
        assert ours.dtype == theirs.numpy().dtype
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-14, atol=0)
    for data in (np.array([2, -1, 3], np.int32), np.array([True, False])):
        ours, theirs = ag.vander(ag.tensor(data, device=device)), torch.vander(torch.tensor(data))
        assert ours.dtype == np.int64 and np.array_equal(ours.numpy(), theirs.numpy())
    check_gradcheck(lambda t: _scalar(ag.vander(t, 4)), [x])


def _same(ours, theirs):
    ours, theirs = _outputs(ours), _outputs(theirs)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        t = t.detach().numpy()
        assert tuple(o.shape) == t.shape and o.dtype == t.dtype, (o.shape, t.shape, o.dtype, t.dtype)
        np.testing.assert_array_equal(o.numpy(), t)


INTS = np.array([[1, 1, 2, 2, 3, 1], [0, 0, 0, 5, 5, 5], [4, 2, 2, 2, 4, 4]], dtype=np.int64)
SAMPLES = rand((50,), low=-2, high=2, seed=8)
EXACT = [
    ("mode int", lambda m, x: m.mode(x, 1), INTS),
    ("mode int dim 0", lambda m, x: x.mode(0, keepdim=True), INTS),
    ("mode bool", lambda m, x: m.mode(x > 1, 1), INTS),
    ("nanmedian int", lambda m, x: m.nanmedian(x, 1), INTS),
    ("nanmedian int all", lambda m, x: m.nanmedian(x), INTS),
    ("unique_consecutive", lambda m, x: m.unique_consecutive(x), INTS),
    ("unique_consecutive all", lambda m, x: m.unique_consecutive(x, return_inverse=True, return_counts=True), INTS),
    ("unique_consecutive dim", lambda m, x: x.unique_consecutive(return_inverse=True, return_counts=True, dim=1),
     INTS[:, [0, 0, 1, 1, 2]]),
    ("unique_consecutive 0-d", lambda m, x: m.unique_consecutive(x[0, 0], return_inverse=True, return_counts=True),
     INTS),
    ("unique_consecutive empty", lambda m, x: m.unique_consecutive(x[:0, 0], return_inverse=True, return_counts=True),
     INTS),
    ("scatter_reduce int mean", lambda m, x: m.scatter_reduce(x, 1, m.tensor(INDEX[:, :3]), x[:, :3] - 3, "mean"),
     INTS),
    ("scatter_reduce int amin", lambda m, x: x.scatter_reduce(1, m.tensor(INDEX[:, :3]), x[:, 1:4] * 2, "amin",
                                                              include_self=False), INTS),
    ("scatter_reduce int prod", lambda m, x: m.scatter_reduce(x, 1, m.tensor(INDEX[:, :3]), x[:, :3], "prod"), INTS),
    ("index_reduce int mean", lambda m, x: m.index_reduce(x, 0, m.tensor([2, 2]), x[:2] - 1, "mean"), INTS),
    ("addr int", lambda m, x: m.addr(x[:2, :3], x[0, :2], x[1, :3], beta=2, alpha=3), INTS),
    ("addr bool", lambda m, x: m.addr(x[:2, :3] > 1, x[0, :2] > 1, x[1, :3] > 0), INTS),
    ("addr bool beta", lambda m, x: m.addr(x[:2, :3] > 1, x[0, :2] > 1, x[1, :3] > 0, beta=False), INTS),
    ("dist 0", lambda m, x: m.dist(x.double(), x.flip(1).double(), 0), INTS),   # (torch's backward for p=0 fails)
    ("trapezoid int", lambda m, x: m.trapezoid(x), INTS),
    ("trapezoid int dx", lambda m, x: m.trapezoid(x, dx=2, dim=0), INTS),
    ("trapezoid int x", lambda m, x: m.trapezoid(x, x[0]), INTS),
    ("trapezoid empty", lambda m, x: m.trapezoid(x[:, :0]), INTS),
    ("cumulative_trapezoid int", lambda m, x: m.cumulative_trapezoid(x), INTS),
    ("cumulative_trapezoid one", lambda m, x: m.cumulative_trapezoid(x[:, :1]), INTS),
    ("vdot int", lambda m, x: m.vdot(x[0], x[1]), INTS),
    ("take int", lambda m, x: x.take(m.tensor([17, 0])), INTS),
    ("select_scatter int", lambda m, x: m.select_scatter(x, x[1] * 0, 0, 0), INTS),
    ("threshold int", lambda m, x: m.threshold(x, 2.5, 9.7), INTS),
    ("combinations none", lambda m, x: m.combinations(x[0], 7), INTS),
    ("combinations r=0", lambda m, x: m.combinations(x[0], 0), INTS),
    ("histc", lambda m, x: m.histc(x, 7), SAMPLES),
    ("histc range", lambda m, x: x.histc(5, -1, 1.5), SAMPLES),
    ("histc single value", lambda m, x: m.histc(x * 0 + 2, 3), SAMPLES),
    ("histc empty", lambda m, x: m.histc(x[:0], 4), SAMPLES),
]


@pytest.mark.parametrize("name,call,data", EXACT, ids=[c[0] for c in EXACT])
def test_exact_results_equal_torch(device, name, call, data):
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same(call(ag, ag.tensor(data, device=device)), call(torch, torch.tensor(data)))


def test_cov_of_integers_is_float32_within_rounding(device):
    """Integer variables give a float32 covariance; its matrix product rounds by the host's BLAS kernels
    (OpenBLAS's and PyTorch's differ in the last bit on some CPUs), so it is compared to a rounding."""
    torch = require_torch()
    ours, theirs = ag.cov(ag.tensor(INTS, device=device)), torch.cov(torch.tensor(INTS))
    assert ours.dtype == ag.float32 and theirs.dtype == torch.float32
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=3e-7, atol=0)


HISTOGRAMS = [
    ("histogram", lambda m, x: m.histogram(x, 6)),
    ("histogram range weight", lambda m, x: m.histogram(x, 4, range=(-1.0, 1.0), weight=x * x)),
    ("histogram edges", lambda m, x: x.histogram(x.new_tensor([-3.0, -0.5, 0.0, 0.25, 1.0]))),
    ("histogram density", lambda m, x: m.histogram(x, 5, density=True)),
    ("histogram single value", lambda m, x: m.histogram(x * 0 + 2, 3)),
    ("histogram empty", lambda m, x: m.histogram(x[:0], 3)),
]


@pytest.mark.parametrize("name,call", HISTOGRAMS, ids=[c[0] for c in HISTOGRAMS])
def test_histogram_matches_torch(device, name, call):
    """The counts exactly; the edges to the last bit or two (PyTorch's linspace rounds its vectorised lanes in
    its own way)."""
    torch = require_torch()
    hist, edges = call(ag, ag.tensor(SAMPLES, device=device))
    t_hist, t_edges = call(torch, torch.tensor(SAMPLES))
    assert hist.dtype == edges.dtype == np.float64 and hist.shape == tuple(t_hist.shape)
    np.testing.assert_allclose(hist.numpy(), t_hist.numpy(), rtol=1e-15, atol=0)
    np.testing.assert_allclose(edges.numpy(), t_edges.numpy(), rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
def test_histograms_in_float32_and_float64(dtype):
    torch = require_torch()
    x = rand((300,), dtype, -3, 3, seed=9)
    for call in (lambda m, t: m.histc(t, 10), lambda m, t: m.histc(t, 13, -1, 2), lambda m, t: m.histogram(t, 5),
                 lambda m, t: m.histogram(t, 6, density=True), lambda m, t: m.histogram(t, 3, weight=t * t)):
        ours, theirs = _outputs(call(ag, ag.tensor(x))), _outputs(call(torch, torch.tensor(x)))
        for o, t in zip(ours, theirs):
            assert o.dtype == t.numpy().dtype
            np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=2e-6, atol=1e-6)


def test_nan_aware_statistics_of_all_nan_slices_match_torch():
    """A slice of nans only: nanmedian and nanquantile give nan (PyTorch's index for it is its implementation's
    choice, so only values are compared), an empty input's nanmedian is nan."""
    torch = require_torch()
    x = _with_nans((3, 4))
    x[1] = np.nan
    a, t = ag.tensor(x), torch.tensor(x)
    np.testing.assert_array_equal(ag.nanmedian(a, 1).values.numpy(), torch.nanmedian(t, 1).values.numpy())
    np.testing.assert_array_equal(ag.nanquantile(a, 0.3, 1).numpy(), torch.nanquantile(t, 0.3, 1).numpy())
    assert np.isnan(ag.nanmedian(ag.tensor(np.zeros(0))).item()) and ag.nanmedian(ag.tensor(np.zeros(0))).ndim == 0


def test_cov_of_one_observation_and_degrees_of_freedom_match_torch():
    """No degrees of freedom left: PyTorch's warning, and its inf / nan; one observation under one kind of
    weight: exactly 0 / 0."""
    torch = require_torch()
    x = _unit((2, 1))
    cases = [({}, {}), ({"correction": 0}, {"correction": 0}),
             ({"aweights": ag.tensor(np.array([0.5]))}, {"aweights": torch.tensor([0.5], dtype=torch.float64)})]
    def warned(call):
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
            warnings.simplefilter("always")
            out = call()
        return out, ["degrees of freedom is <= 0" in str(w.message) for w in caught].count(True)
    for ours_kwargs, their_kwargs in cases:
        ours, our_warnings = warned(lambda: ag.cov(ag.tensor(x), **ours_kwargs))
        theirs, their_warnings = warned(lambda: torch.cov(torch.tensor(x), **their_kwargs))
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert our_warnings == their_warnings
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(ag.corrcoef(ag.tensor(np.ones(3))).numpy(), torch.corrcoef(torch.ones(3)).numpy())


def test_type_promotion_matches_torch_for_every_pair():
    torch = require_torch()
    dtypes = [np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16, np.float32, np.float64]

    def theirs(d):
        return getattr(torch, np.dtype(d).name)

    def name(t):
        return np.dtype(str(t).replace("torch.", ""))
    for a in dtypes:
        for b in dtypes:
            assert ag.promote_types(a, b) == name(torch.promote_types(theirs(a), theirs(b))), (a, b)
            assert ag.can_cast(a, b) == torch.can_cast(theirs(a), theirs(b)), (a, b)
            for sa, sb in [((), ()), ((), (2,)), ((2,), ()), ((2,), (2,))]:
                x, y = np.zeros(sa, a), np.zeros(sb, b)
                expected = name(torch.result_type(torch.tensor(x), torch.tensor(y)))
                assert ag.result_type(ag.tensor(x), ag.tensor(y)) == expected, (a, b, sa, sb)
        for number in (True, 3, 2.5):
            for shape in ((), (2,)):
                x = np.zeros(shape, a)
                assert ag.result_type(ag.tensor(x), number) == name(torch.result_type(torch.tensor(x), number))
                assert ag.result_type(number, ag.tensor(x)) == name(torch.result_type(number, torch.tensor(x)))
    assert ag.result_type(1, 2.5) == np.float32 and ag.result_type(True, 2) == np.int64


def test_predicates_and_broadcast_shapes_match_torch():
    torch = require_torch()
    for value in (np.array([0.0]), np.array(0.5), np.array([False]), np.array([[3]])):
        assert ag.is_nonzero(ag.tensor(value)) == torch.is_nonzero(torch.tensor(value))
        assert ag.tensor(value).is_nonzero() == torch.tensor(value).is_nonzero()
    assert ag.is_complex(ag.ones(2)) is False and ag.ones(2).is_complex() is False
    for shapes in [((2, 1), (3,)), (), ((5,),), (5, (1,)), ((0, 1), (1, 4)), ((1, 3, 1), (2, 1, 4), ())]:
        ours = ag.broadcast_shapes(*shapes)
        assert isinstance(ours, ag.Size) and ours == torch.broadcast_shapes(*shapes)


def test_logspace_matches_torch():
    torch = require_torch()
    for args, kwargs in [((0, 3, 4), {}), ((-1, 2, 5), {"dtype": np.float64}), ((-2.3, 4.1, 7), {"base": 3.0}),
                         ((0.5, 3, 4), {"base": 2, "dtype": np.int64}), ((1, 3, 3), {"base": 2, "dtype": np.int32}),
                         ((0, 1, 1), {}), ((0, 1, 0), {}), ((0, 4, 5), {"base": -2.0, "dtype": np.float64})]:
        ours = ag.logspace(*args, **kwargs)
        theirs = torch.logspace(*args, **{k: getattr(torch, np.dtype(v).name) if k == "dtype" else v
                                          for k, v in kwargs.items()}).numpy()
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        np.testing.assert_allclose(ours.numpy(), theirs, rtol=2e-7, equal_nan=True)
    assert ag.logspace(0, 1, 3, requires_grad=True).requires_grad


def test_poisson_samples_have_the_rates_and_follow_the_seed(device):
    rates = ag.tensor(np.array([0.0, 0.5, 4.0, 40.0]), device=device, requires_grad=True)
    ag.manual_seed(3)
    draws = np.stack([ag.poisson(rates).numpy() for _ in range(400)])
    assert draws.dtype == np.float64 and not ag.poisson(rates).requires_grad
    assert (draws[:, 0] == 0).all() and (draws == np.round(draws)).all()
    np.testing.assert_allclose(draws.mean(0)[1:], [0.5, 4.0, 40.0], rtol=0.1)
    ag.manual_seed(5)
    first = ag.poisson(rates).numpy()
    ag.manual_seed(5)
    np.testing.assert_array_equal(ag.poisson(rates).numpy(), first)
    g = ag.Generator().manual_seed(7)
    first = ag.poisson(rates, generator=g).numpy()
    g.manual_seed(7)
    np.testing.assert_array_equal(ag.poisson(rates, generator=g).numpy(), first)


def test_top_level_activations_in_training_and_in_place(device):
    x = ag.tensor(np.linspace(-2, 2, 12).reshape(3, 4), device=device)
    ag.manual_seed(0)
    dropped = ag.dropout(x, 0.5, True)
    kept = dropped.numpy() != 0
    np.testing.assert_allclose(dropped.numpy()[kept], 2 * x.numpy()[kept])
    assert ag.dropout(x, 0.5, False) is x and ag.dropout(x, 0.0, True) is x
    slopes = (ag.rrelu(x, 0.1, 0.3, training=True) / x).numpy()[x.numpy() < 0]
    assert ((slopes >= 0.1) & (slopes < 0.3)).all() and len(set(slopes.round(12))) > 1
    g = ag.Generator().manual_seed(1)
    first = ag.rrelu(x, 0.1, 0.3, True, g).numpy()
    g.manual_seed(1)
    np.testing.assert_array_equal(ag.rrelu(x, 0.1, 0.3, True, g).numpy(), first)
    for fn, inplace, args in [(ag.selu, ag.selu_, ()), (ag.celu, ag.celu_, (0.5,)), (ag.relu, ag.relu_, ()),
                              (ag.threshold, ag.threshold_, (0.5, -1.0)), (ag.rrelu, ag.rrelu_, ())]:
        t = x.clone()
        version = t._version
        assert inplace(t, *args) is t and t._version > version
        np.testing.assert_array_equal(t.numpy(), fn(x, *args).numpy())
    t = x.clone()
    ag.manual_seed(2)
    assert ag.dropout_(t, 0.5, True) is t and (t.numpy() == 0).any()


IN_PLACE = [
    ("renorm_", lambda m, x: x.renorm_(2, 0, 0.5)),
    ("scatter_reduce_", lambda m, x: x.scatter_reduce_(1, m.tensor([[0, 0], [2, 1]]), x[:, :2] * 2, "amax")),
    ("index_reduce_", lambda m, x: x.index_reduce_(0, m.tensor([1, 1]), x * 3, "prod", include_self=False)),
    ("addbmm_", lambda m, x: x.addbmm_(x.reshape(1, 2, 3).expand(2, 2, 3), x.t().reshape(1, 3, 2).expand(2, 3, 2))
     if x.shape == (2, 2) else x),
    ("addr_", lambda m, x: x.addr_(x[0].clone(), x[1].clone(), alpha=2)),
]


@pytest.mark.parametrize("name,call", IN_PLACE, ids=[c[0] for c in IN_PLACE])
def test_in_place_methods_match_torch(device, name, call):
    torch = require_torch()
    data = _unit((2, 3)) if name != "addr_" else _unit((3, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = ag.tensor(data.copy(), device=device), torch.tensor(data.copy())
        version = ours._version
        assert call(ag, ours) is ours and (ours._version > version or name == "addbmm_")
        call(torch, theirs)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-14, atol=1e-15)


def test_in_place_of_a_saved_tensor_is_refused_at_backward():
    """The version counter ticks, so a graph that saved the tensor refuses to go on, naming the change."""
    w = ag.tensor(_unit((3, 3)), requires_grad=True)
    for change in (lambda a: a.renorm_(2, 0, 0.1), lambda a: ag.selu_(a), lambda a: a.addr_(a[0].clone(), a[1]),
                   lambda a: a.scatter_reduce_(0, ag.tensor([[0, 0, 0]]), a[:1].clone(), "sum")):
        a = ag.tensor(_unit((3, 3), 4))
        loss = (a * w).sum()    # saves a
        change(a)
        with pytest.raises(Exception, match="modified|in-place|version"):
            loss.backward()


def test_results_are_named_tuples_as_torch():
    x = ag.tensor(_ints((3, 4)))
    assert type(ag.mode(x)).__name__ == "mode" and ag.mode(x)._fields == ("values", "indices")
    assert type(ag.nanmedian(x, 0)).__name__ == "nanmedian"
    hist = ag.histogram(x, 3)
    assert type(hist).__name__ == "histogram" and hist._fields == ("hist", "bin_edges")
    assert isinstance(ag.hsplit(x, 2), tuple)


# ops whose capture replays on new values (an op that reads values on the host refuses the capture instead)
JIT = [c for c in DIFFERENTIABLE if c[0] in (
    "nanmedian dim", "nanquantile dim", "mode", "scatter_reduce prod", "scatter_reduce amax", "index_reduce mean alone",
    "trapezoid x", "cumulative_trapezoid", "renorm", "dist", "slice_scatter", "diagonal_scatter", "addbmm", "selu",
    "combinations", "corrcoef")]


@pytest.mark.parametrize("name,call,arrays", JIT, ids=[c[0] for c in JIT])
def test_jit_replays_equal_eager(name, call, arrays):
    assert_replays_equal_eager(lambda *ts: call(ag, *ts), arrays, "cpu", True)


def test_jit_replays_draw_afresh_and_read_new_values():
    for call, data in [(lambda t: ag.unique_consecutive(t, return_counts=True), INTS),
                       (lambda t: ag.histogram(t, 4, range=(-2.0, 2.0)), SAMPLES),
                       (lambda t: ag.mode(t, 1), INTS)]:
        assert_replays_equal_eager(call, [data], "cpu", False)
    step = ag.jit(lambda t: ag.poisson(t))
    rates = ag.tensor(np.full(50, 3.0))
    draws = [step(rates).numpy() for _ in range(4)]
    assert not all(np.array_equal(draws[0], d) for d in draws[1:])


BAD_INPUT = [
    (lambda: ag.dist(ag.ones(2, 3), ag.ones(4)), ValueError, r"dist: input \(2, 3\) and other \(4,\) do not broadcast"),
    (lambda: ag.dist(ag.tensor([1, 2]), ag.tensor([1, 2])), TypeError, "dist: expects float tensors"),
    (lambda: ag.renorm(ag.ones(3), 2, 0, 1.0), ValueError, "renorm: input needs at least 2 dimensions"),
    (lambda: ag.renorm(ag.ones(3, 2), -1, 0, 1.0), ValueError, "renorm: p must be > 0"),
    (lambda: ag.renorm(ag.ones(3, 2), 2, 0, -1.0), ValueError, "renorm: maxnorm must be >= 0"),
    (lambda: ag.histc(ag.tensor([1, 2]), 3), TypeError, "histc: expects a floating-point tensor"),
    (lambda: ag.histc(ag.ones(3), 0), ValueError, "histc: bins must be a positive int"),
    (lambda: ag.histc(ag.ones(3), 3, 2.0, 1.0), ValueError, "histc: max must be larger than min"),
    (lambda: ag.histogram(ag.ones(3), 3, range=(0.0, float("inf"))), ValueError, "histogram: the range .* not finite"),
    (lambda: ag.histogram(ag.ones(3), ag.ones(2, 2)), ValueError, "histogram: a bins tensor must be 1-D"),
    (lambda: ag.histogram(ag.ones(3), 3, weight=ag.ones(2)), ValueError, r"histogram: weight of shape \(2,\)"),
    (lambda: ag.trapezoid(ag.ones(2, 3), ag.ones(2)), ValueError, "trapezoid: there must be one x value for each"),
    (lambda: ag.trapezoid(ag.tensor(1.0)), IndexError, "trapezoid: y is 0-d"),
    (lambda: ag.trapezoid(ag.ones(3), ag.ones(3), dx=1.0), TypeError, "trapezoid: pass either x .* or dx"),
    (lambda: ag.cumulative_trapezoid(ag.tensor([True, False])), TypeError, "cumulative_trapezoid: .*bool"),
    (lambda: ag.nanquantile(ag.tensor([1, 2]), 0.5), TypeError, "nanquantile: expects a float tensor"),
    (lambda: ag.nanquantile(ag.ones(3), 1.5), ValueError, r"nanquantile: q values must be in the range \[0, 1\]"),
    (lambda: ag.nanquantile(ag.ones(2, 0), 0.5, 1), RuntimeError, "nanquantile: .* quantile\\(\\) input tensor must be non-empty"),
    (lambda: ag.nanmedian(ag.ones(2, 0), 1), IndexError, "nanmedian: dim 1 of shape"),
    (lambda: ag.mode(ag.ones(2, 0)), IndexError, r"mode: dim -1 of shape \(2, 0\) is empty"),
    (lambda: ag.cov(ag.ones(2, 2, 2)), ValueError, "cov: expected input to have two or fewer dimensions"),
    (lambda: ag.cov(ag.ones(2, 3), fweights=ag.ones(3)), TypeError, "cov: expected fweights to have an integral"),
    (lambda: ag.cov(ag.ones(2, 3), aweights=ag.ones(2)), ValueError, r"cov: expected aweights to have one element"),
    (lambda: ag.cov(ag.ones(2, 3), fweights=ag.tensor([1, -1, 1])), ValueError, "cov: fweights cannot be negative"),
    (lambda: ag.vander(ag.ones(2, 2)), ValueError, "vander: x must be a one-dimensional tensor"),
    (lambda: ag.vander(ag.ones(2), -1), ValueError, "vander: N must be a non-negative int"),
    (lambda: ag.take(ag.ones(2, 3), ag.tensor([6])), IndexError, "take: an index is out of range .* 6 elements"),
    (lambda: ag.take(ag.ones(2, 3), ag.tensor(np.array([1], np.int32))), TypeError, "take: expected an int64"),
    (lambda: ag.scatter_reduce(ag.ones(3), 0, ag.tensor([0]), ag.ones(1), "max"), ValueError,
     "scatter_reduce: reduce must be one of sum, prod, mean, amax, amin"),
    (lambda: ag.scatter_reduce(ag.ones(3), 0, ag.tensor([0]), ag.tensor([1]), "sum"), TypeError,
     r"scatter_reduce: src \(int64\) must have input's dtype"),
    (lambda: ag.scatter_reduce(ag.ones(3), 0, ag.tensor([3]), ag.ones(1), "sum"), IndexError,
     "scatter_reduce: an index is out of range"),
    (lambda: ag.index_reduce(ag.ones(3), 0, ag.tensor([0]), ag.ones(1), "sum"), ValueError,
     "index_reduce: reduce must be one of prod, mean, amax, amin"),
    (lambda: ag.index_reduce(ag.ones(3, 2), 0, ag.tensor([0, 1]), ag.ones(3, 2), "prod"), ValueError,
     "index_reduce: source of shape"),
    (lambda: ag.unique_consecutive(ag.ones(2, 0), dim=0), ValueError, "unique_consecutive: input of shape"),
    (lambda: ag.chain_matmul(), ValueError, "chain_matmul: expected one or more matrices"),
    (lambda: ag.chain_matmul(ag.ones(2, 3), ag.ones(2, 3)), ValueError, "chain_matmul: matrices.0. ends in 3"),
    (lambda: ag.chain_matmul(ag.ones(3)), ValueError, r"chain_matmul: matrices\[0\] has 1 dims"),
    (lambda: ag.addbmm(ag.ones(2, 2), ag.ones(2, 2), ag.ones(2, 2, 2)), ValueError, "addbmm: batch1 and batch2 must"),
    (lambda: ag.addbmm(ag.ones(3, 3), ag.ones(2, 2, 2), ag.ones(2, 2, 2)), ValueError, r"addbmm: input of shape"),
    (lambda: ag.addr(ag.ones(2, 3), ag.ones(2, 1), ag.ones(3)), ValueError, "addr: expected a 1-D vec1"),
    (lambda: ag.vdot(ag.ones(2), ag.tensor([1, 2])), TypeError, "vdot: expected both vectors to have the same dtype"),
    (lambda: ag.vdot(ag.ones(2, 2), ag.ones(2, 2)), ValueError, "vdot: expects two 1-D tensors"),
    (lambda: ag.select(ag.ones(3, 4), 0, 3), IndexError, r"select: index 3 is out of range for dim 0 of size 3"),
    (lambda: ag.select(ag.tensor(1.0), 0, 0), IndexError, "select: cannot be applied to a 0-d tensor"),
    (lambda: ag.slice_scatter(ag.ones(3, 4), ag.ones(3, 3), 1, 1, 3), ValueError,
     r"slice_scatter: expected src to have the size .* \(3, 2\), got \(3, 3\)"),
    (lambda: ag.slice_scatter(ag.ones(3, 4), ag.ones(3, 2), 1, step=0), ValueError, "slice_scatter: step must be"),
    (lambda: ag.select_scatter(ag.ones(3, 4), ag.ones(3), 0, 0), ValueError, "select_scatter: expected src"),
    (lambda: ag.diagonal_scatter(ag.ones(3, 4), ag.ones(2)), ValueError, r"diagonal_scatter: .* \(3,\), got \(2,\)"),
    (lambda: ag.hsplit(ag.ones(3, 4), 3), ValueError, "hsplit: attempted to split along dimension 1, but its size 4"),
    (lambda: ag.hsplit(ag.tensor(1.0), 1), ValueError, "hsplit: requires a tensor with at least 1 dimension"),
    (lambda: ag.vsplit(ag.ones(3), 1), ValueError, "vsplit: requires a tensor with at least 2 dimensions"),
    (lambda: ag.dsplit(ag.ones(3, 4), 1), ValueError, "dsplit: requires a tensor with at least 3 dimensions"),
    (lambda: ag.combinations(ag.ones(2, 2)), ValueError, "combinations: expects a 1-D tensor"),
    (lambda: ag.combinations(ag.ones(2), -1), ValueError, "combinations: r must be a non-negative int"),
    (lambda: ag.broadcast_shapes((2,), (3,)), ValueError, r"broadcast_shapes: shapes \(2,\), \(3,\) cannot be"),
    (lambda: ag.promote_types(1, ag.float32), TypeError, "promote_types: type1 must be a dtype"),
    (lambda: ag.is_nonzero(ag.ones(2)), RuntimeError, "is_nonzero: the truth of a tensor with 2 values"),
    (lambda: ag.is_nonzero(ag.ones(0)), RuntimeError, "is_nonzero: the truth of a tensor with no values"),
    (lambda: ag.logspace(0, 1, -1), ValueError, "logspace: steps must be a non-negative int"),
    (lambda: ag.poisson(ag.tensor([1, 2])), TypeError, "poisson: the rates must be a floating-point tensor"),
    (lambda: ag.poisson(ag.tensor([-1.0])), ValueError, "poisson: invalid rate"),
    (lambda: ag.selu(ag.tensor([1, 2])), TypeError, "selu: expects a floating-point tensor"),
    (lambda: ag.celu(ag.ones(2), 0.0), ValueError, "celu: alpha must not be 0"),
    (lambda: ag.rrelu(ag.ones(2), 0.5, 0.1), ValueError, r"rrelu: lower \(0.5\) must not exceed upper"),
    (lambda: ag.prelu(ag.ones(2, 3), ag.ones(2)), ValueError, "prelu: weight must be 1-D with 1 element or one per"),
    (lambda: ag.threshold(ag.tensor([True]), 0, 1), TypeError, "threshold: expects a numeric tensor, got bool"),
    (lambda: ag.dropout(ag.ones(2), 1.5, True), ValueError, r"dropout: p must be a probability in \[0, 1\]"),
    (lambda: ag.dropout(ag.tensor([1, 2]), 0.5, True), TypeError, "dropout: input must be a float tensor"),
    (lambda: ag.cosine_similarity(ag.ones(2, 3), ag.ones(2, 3), dim=2), ValueError, "cosine_similarity: dim 2"),
]


@pytest.mark.parametrize("call,error,message", BAD_INPUT,
                         ids=[m.split(":")[0] + str(i) for i, (_, _, m) in enumerate(BAD_INPUT)])
def test_bad_input_gets_a_clear_error(call, error, message):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=message):
            call()


def test_chain_matmul_warns_as_deprecated():
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        ag.chain_matmul(ag.ones(2, 2))
