"""The sixth batch of PyTorch names: the constants, torch.testing, torch.random, the older op spellings (msort,
fix, sum_to_size, put, split_with_sizes, unravel_index, cholesky_solve, cholesky_inverse, triangular_solve),
the tensor-description methods (itemsize, nbytes, data_ptr, storage_offset, get_device, ...), the real-tensor
forms of the complex functions, and the torch.* spellings of nn.functional: against PyTorch (values and
gradients), gradcheck in float64, and bad input."""
import math

import numpy as np
import pytest

import autograd as ag
import nn  # noqa: F401  (installs torch.conv2d, torch.embedding, ... onto autograd)
from tests.helpers import check_against_torch, check_gradcheck, require_torch
from tests.helpers import unit_rand as _unit

pytestmark = pytest.mark.filterwarnings("ignore:torch.triangular_solve is deprecated")


def _spd(n, seed=0):
    a = np.random.default_rng(seed).standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def _lower(n, seed=0):
    return np.linalg.cholesky(_spd(n, seed))


DIFFERENTIABLE = [
    ("msort", lambda m, x: m.msort(x), [_unit((4, 3))]),
    ("msort method", lambda m, x: x.msort(), [_unit((5,))]),
    ("fix", lambda m, x: m.fix(x * 3), [_unit((3, 4))]),
    ("sum_to_size", lambda m, x: x.sum_to_size(1, 4), [_unit((3, 4))]),
    ("sum_to_size lead", lambda m, x: x.sum_to_size((3, 1)), [_unit((2, 3, 4))]),
    ("sum_to_size same", lambda m, x: x.sum_to_size(3, 4), [_unit((3, 4))]),
    ("put", lambda m, x, s: x.put(m.tensor([0, 4, -1]), s), [_unit((2, 3)), _unit((3,), 2)]),
    ("put accumulate", lambda m, x, s: m.put(x, m.tensor([[1, 1], [4, 0]]), s, accumulate=True),
     [_unit((2, 3)), _unit((2, 2), 2)]),
    ("split_with_sizes", lambda m, x: m.split_with_sizes(x, [1, 3], 1), [_unit((2, 4))]),
    ("cholesky_solve", lambda m, b, l: m.cholesky_solve(b, l), [_unit((4, 2)), _lower(4)]),
    ("cholesky_solve upper", lambda m, b, u: m.cholesky_solve(b, u, upper=True),
     [_unit((3, 4, 2)), _lower(4, 1).T.copy()]),
    ("cholesky_inverse", lambda m, l: m.cholesky_inverse(l), [_lower(3)]),
    ("cholesky_inverse upper", lambda m, u: u.cholesky_inverse(upper=True), [_lower(3, 2).T.copy()]),
    ("triangular_solve", lambda m, b, a: m.triangular_solve(b, a), [_unit((3, 2)), np.triu(_spd(3))]),
    ("triangular_solve lower transpose", lambda m, b, a: b.triangular_solve(a, upper=False, transpose=True),
     [_unit((3, 2)), np.tril(_spd(3, 4))]),
    ("triangular_solve unitriangular", lambda m, b, a: m.triangular_solve(b, a, unitriangular=True),
     [_unit((3, 3)), np.triu(_spd(3, 5))]),
    ("H", lambda m, x: x.H, [_unit((2, 3))]),
    ("mH", lambda m, x: x.mH, [_unit((4, 2, 3))]),
    ("adjoint", lambda m, x: m.adjoint(x), [_unit((2, 3))]),
    ("real", lambda m, x: m.real(x) * 2, [_unit((2, 3))]),
    ("conj", lambda m, x: m.conj(x) * 2, [_unit((2, 3))]),
    ("conv2d", lambda m, x, w: m.conv2d(x, w, None, 1, 1), [_unit((2, 3, 5, 5)), _unit((4, 3, 3, 3), 2)]),
    ("conv_transpose1d", lambda m, x, w: m.conv_transpose1d(x, w, stride=2), [_unit((2, 3, 5)),
                                                                             _unit((3, 2, 3), 2)]),
    ("max_pool2d", lambda m, x: m.max_pool2d(x, 2), [_unit((1, 2, 4, 4))]),
    ("avg_pool1d", lambda m, x: m.avg_pool1d(x, 2, 2, 1, False, False), [_unit((1, 2, 5))]),
    ("adaptive_max_pool1d", lambda m, x: m.adaptive_max_pool1d(x, 3), [_unit((2, 2, 7))]),
    ("layer_norm", lambda m, x, w, b: m.layer_norm(x, (4,), w, b, 1e-5), [_unit((3, 4)), _unit((4,), 2),
                                                                         _unit((4,), 3)]),
    ("group_norm", lambda m, x: m.group_norm(x, 2), [_unit((2, 4, 3))]),
    ("embedding", lambda m, w: m.embedding(w, m.tensor([[1, 0], [3, 1]])), [_unit((4, 3))]),
    ("pixel_shuffle", lambda m, x: m.pixel_shuffle(x, 2), [_unit((1, 4, 2, 3))]),
    ("bilinear", lambda m, a, b, w: m.bilinear(a, b, w), [_unit((2, 3)), _unit((2, 4), 2), _unit((5, 3, 4), 3)]),
    ("alpha_dropout eval", lambda m, x: m.alpha_dropout(x, 0.5, False), [_unit((2, 3))]),
]


#: PyTorch's gradient for a Cholesky factor fills its unused triangle too (its formula treats the factor as
#: full); deepgrad's is the derivative of what the op reads, zero there: compared on the used triangle below
FACTOR_GRADIENTS = {"cholesky_solve": 1, "cholesky_solve upper": 1, "cholesky_inverse": 0,
                    "cholesky_inverse upper": 0}


@pytest.mark.parametrize("name,call,arrays", DIFFERENTIABLE, ids=[case[0] for case in DIFFERENTIABLE])
def test_against_torch(name, call, arrays):
    torch = require_torch()
    requires_grad = [k != FACTOR_GRADIENTS.get(name) for k in range(len(arrays))]
    check_against_torch(lambda *t: call(ag, *t), lambda *t: call(torch, *t), arrays, requires_grad=requires_grad,
                        atol=1e-10, rtol=1e-8)


@pytest.mark.parametrize("name", sorted(FACTOR_GRADIENTS))
def test_factor_gradient_is_torchs_on_the_used_triangle(name):
    torch = require_torch()
    _, call, arrays = next(case for case in DIFFERENTIABLE if case[0] == name)
    k = FACTOR_GRADIENTS[name]
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    call(ag, *ours).sum().backward()
    call(torch, *theirs).sum().backward()
    keep = np.triu if "upper" in name else np.tril
    np.testing.assert_allclose(ours[k].grad.numpy(), keep(theirs[k].grad.numpy()), atol=1e-10)


GRADCHECKED = [case for case in DIFFERENTIABLE if case[0] in {
    "msort", "sum_to_size", "sum_to_size lead", "put", "put accumulate", "split_with_sizes", "cholesky_solve",
    "cholesky_solve upper", "cholesky_inverse", "cholesky_inverse upper", "triangular_solve",
    "triangular_solve lower transpose", "mH", "conv2d", "embedding"}]


@pytest.mark.parametrize("name,call,arrays", GRADCHECKED, ids=[case[0] for case in GRADCHECKED])
def test_gradcheck(name, call, arrays):
    def fn(*tensors):
        out = call(ag, *tensors)
        return out.solution if name.startswith("triangular_solve") else out
    check_gradcheck(fn, arrays)


def test_constants_and_newaxis():
    assert (ag.inf, ag.pi, ag.e) == (math.inf, math.pi, math.e)
    assert math.isnan(ag.nan)
    assert ag.randn(2, 3)[:, ag.newaxis].shape == (2, 1, 3)
    assert ag.tensor([ag.inf, -ag.inf]).isinf().all()


def test_description_methods_match_torch():
    torch = require_torch()
    for dtype, tdtype in ((ag.float32, torch.float32), (ag.float64, torch.float64), (ag.int64, torch.int64),
                          (ag.uint8, torch.uint8), (ag.bool, torch.bool)):
        ours, theirs = ag.zeros(3, 4, dtype=dtype), torch.zeros(3, 4, dtype=tdtype)
        assert (ours.itemsize, ours.nbytes, ours.is_signed(), ours.get_device()) == \
            (theirs.itemsize, theirs.nbytes, theirs.is_signed(), theirs.get_device())
        assert ag.is_signed(ours) == torch.is_signed(theirs)
    base = ag.arange(12.0).reshape(3, 4)
    assert base.storage_offset() == 0 and base[1:, 2:].storage_offset() == 6 and base[2].storage_offset() == 8
    assert base[1].data_ptr() == base.data_ptr() + 4 * base.itemsize
    assert base.is_same_size(ag.zeros(3, 4)) and not ag.is_same_size(base, ag.zeros(4, 3))
    assert not base.is_pinned()
    with pytest.warns(UserWarning, match="not place tensors in shared memory"):
        assert base.share_memory_() is base
    assert not base.is_conj() and not base.is_neg() and base.resolve_conj() is base


def test_complex_functions_on_real_tensors():
    x = ag.randn(2, 3)
    assert ag.isreal(x).all() and ag.isreal(x).dtype == ag.bool
    assert x.real is x and ag.real(x) is x
    with pytest.raises(RuntimeError, match="non-complex"):
        x.imag
    with pytest.raises(RuntimeError, match="mH"):   # PyTorch: RuntimeError for a vector's mH
        ag.randn(3).mH
    with pytest.raises(RuntimeError, match="only matrices"):   # as PyTorch: .H is for 2-D tensors
        ag.randn(2, 2, 2).H


def test_unravel_index_matches_torch():
    torch = require_torch()
    for indices, shape in (([5, 7, 0], (3, 4)), ([[1, 23], [-1, 6]], (2, 3, 4)), (9, 10)):
        ours = ag.unravel_index(ag.tensor(indices), shape)
        theirs = torch.unravel_index(torch.tensor(indices), shape)
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            assert o.dtype == ag.int64
            np.testing.assert_array_equal(o.numpy(), t.numpy())
    with pytest.raises(IndexError, match="out of range"):
        ag.unravel_index(ag.tensor([12]), (3, 4))


def test_scalar_tensor_range_typename():
    torch = require_torch()
    assert ag.scalar_tensor(3).dtype == ag.float32 and ag.scalar_tensor(3).shape == ()
    assert ag.scalar_tensor(2, dtype=ag.int64).item() == 2
    with pytest.warns(UserWarning, match="deprecated"):
        ours = ag.range(1, 2, 0.25)
    with pytest.warns(UserWarning):
        theirs = torch.range(1, 2, 0.25)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert ours.dtype == ag.float32
    assert ag.typename(ag.zeros(2, dtype=ag.int64)) == torch.typename(torch.zeros(2, dtype=torch.int64))
    assert ag.typename(3) == "int" and ag.typename(np.zeros(1)) == "numpy.ndarray"


def test_switches():
    assert not ag.is_anomaly_enabled()
    ag.set_anomaly_enabled(True)
    try:
        assert ag.is_anomaly_enabled() and ag.is_anomaly_check_nan_enabled()
        x = ag.tensor([-1.0], requires_grad=True)
        with pytest.raises(Exception, match="sqrt|nan|NaN"):
            ag.sqrt(x).sum().backward()
    finally:
        ag.set_anomaly_enabled(False)
    assert not ag.is_anomaly_enabled()
    assert ag.set_flush_denormal(True) is False
    previous = ag.get_num_interop_threads()
    ag.set_num_interop_threads(3)
    assert ag.get_num_interop_threads() == 3
    ag.set_num_interop_threads(previous)
    with pytest.raises(ValueError, match="positive integer"):
        ag.set_num_interop_threads(0)


def test_fork_rng_restores_the_generator():
    import autograd.random as random
    random.manual_seed(5)
    with ag.random.fork_rng():
        inside = ag.randn(4)
    after = ag.randn(4)
    np.testing.assert_array_equal(inside.numpy(), after.numpy())
    assert random.initial_seed() == 5


def test_put_in_place_and_bad_input():
    x = ag.zeros(2, 3)
    assert x.put_(ag.tensor([0, 5]), ag.tensor([1.0, 2.0])) is x
    np.testing.assert_array_equal(x.numpy(), [[1, 0, 0], [0, 0, 2]])
    with pytest.raises(IndexError, match="out of range"):
        x.put(ag.tensor([6]), ag.tensor([1.0]))
    with pytest.raises(ValueError, match="one source element per index"):
        x.put(ag.tensor([0, 1]), ag.tensor([1.0]))
    with pytest.raises(TypeError, match="int64"):
        x.put(ag.tensor([0.0]), ag.tensor([1.0]))
    with pytest.raises(ValueError, match="add up to"):
        ag.split_with_sizes(ag.zeros(5), [2, 2])
    with pytest.raises(ValueError, match="not expandable"):
        ag.zeros(3, 4).sum_to_size(2, 4)


# ----- torch.testing -------------------------------------------------------------------------------------------
def test_assert_close_passes_within_default_tolerances():
    ag.testing.assert_close(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 2.0 + 1e-6]))
    ag.testing.assert_close(ag.tensor([1.0], dtype=ag.float64), ag.tensor([1.0 + 1e-8], dtype=ag.float64))
    ag.testing.assert_close(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    ag.testing.assert_close(1.0, 1.0 + 1e-9)
    ag.testing.assert_close({"a": [ag.ones(2)], "b": 3}, {"a": [ag.ones(2)], "b": 3})
    ag.testing.assert_close(ag.tensor([math.nan]), ag.tensor([math.nan]), equal_nan=True)
    ag.testing.assert_close(ag.tensor([1.0]), ag.tensor([1.05]), rtol=0.1, atol=0.0)
    ag.testing.assert_close(ag.tensor([1.0]), ag.tensor([1.0], dtype=ag.float64), check_dtype=False)


def test_assert_close_failures_say_what_differs():
    torch = require_torch()
    failing = [
        ((ag.tensor([1.0, 2.0, 3.0]), ag.tensor([1.0, 2.5, 3.0])),
         (torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.5, 3.0]))),
        ((ag.tensor([1, 2]), ag.tensor([1, 3])), (torch.tensor([1, 2]), torch.tensor([1, 3]))),
        ((ag.tensor([math.nan]), ag.tensor([math.nan])), (torch.tensor([math.nan]), torch.tensor([math.nan]))),
        ((1.0, 1.1), (1.0, 1.1)),
        (([ag.tensor(1.0)], [ag.tensor(2.0)]), ([torch.tensor(1.0)], [torch.tensor(2.0)])),
    ]
    for ours, theirs in failing:
        with pytest.raises(AssertionError) as our_error:
            ag.testing.assert_close(*ours)
        with pytest.raises(AssertionError) as their_error:
            torch.testing.assert_close(*theirs)
        assert str(our_error.value).split("\n")[0] == str(their_error.value).split("\n")[0]
        for line in ("Mismatched elements", "at index", "The failure occurred for item [0]"):
            assert (line in str(our_error.value)) == (line in str(their_error.value)), line
    with pytest.raises(AssertionError, match="Mismatched elements: 1 / 3"):
        ag.testing.assert_close(ag.tensor([1.0, 2.0, 3.0]), ag.tensor([1.0, 2.5, 3.0]))
    with pytest.raises(AssertionError, match="dtypes do not match"):
        ag.testing.assert_close(ag.tensor([1.0]), ag.tensor([1.0], dtype=ag.float64))
    with pytest.raises(AssertionError, match="shapes do not match"):
        ag.testing.assert_close(ag.zeros(2), ag.zeros(3))
    with pytest.raises(TypeError, match="cannot compare Tensor with float"):
        ag.testing.assert_close(ag.tensor(1.0), 1.0)
    with pytest.raises(ValueError, match="both rtol and atol"):
        ag.testing.assert_close(ag.zeros(1), ag.zeros(1), rtol=0.1)
    with pytest.raises(AssertionError, match="^custom$"):
        ag.testing.assert_close(ag.zeros(1), ag.ones(1), msg="custom")


def test_make_tensor():
    x = ag.testing.make_tensor((3, 4), dtype=ag.float64, low=-1, high=1, requires_grad=True)
    assert x.shape == (3, 4) and x.dtype == ag.float64 and x.requires_grad
    assert float(x.abs().max()) <= 1.0
    ints = ag.testing.make_tensor(50, dtype=ag.int64, low=0, high=3, exclude_zero=True)
    assert set(np.unique(ints.numpy())) <= {1, 2}
    assert not ag.testing.make_tensor(4, 3, dtype=ag.float32, noncontiguous=True).is_contiguous()
