"""torch.segment_reduce against PyTorch: every reduction, with and without `initial`, lengths and offsets, 1-D and
multi-dim lengths over an inner axis, empty segments, ties, zeros and NaN; gradients (torch's, except its ties
under a negative gradient, see test_ties_split_the_gradient), gradcheck, and the errors."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")

REDUCTIONS = ["sum", "mean", "max", "min", "prod", "amax", "amin"]
CASES = [  # (data, lengths, axis)
    (np.array([2.0, 2.5, 1.0, 3.0, 0.0, 3.5, -1.0, 5.0, 0.0, 7.0]), [3, 3, 0, 2, 2], 0),
    (np.random.default_rng(0).standard_normal((2, 5, 3)), [[1, 4, 0], [3, 0, 2]], 1),
    (np.random.default_rng(1).standard_normal((4, 2)), [0, 1, 3], 0),
    (np.zeros((0, 3)), [0, 0], 0),
]


def _run(lib, data, lengths, axis, reduce, initial, offsets, g_seed=2):
    x = lib.tensor(data, requires_grad=True)
    lengths = np.asarray(lengths, dtype=np.int64)
    if offsets:
        start = np.zeros(lengths.shape[:-1] + (1,), dtype=np.int64)
        kw = {"offsets": lib.tensor(np.concatenate([start, np.cumsum(lengths, axis=-1)], axis=-1))}
    else:
        kw = {"lengths": lib.tensor(lengths)}
    y = lib.segment_reduce(x, reduce, axis=axis, initial=initial, **kw)
    g = np.abs(np.random.default_rng(g_seed).standard_normal(tuple(y.shape))) + 0.1   # > 0: see the ties test
    (y * lib.tensor(g)).sum().backward()
    return y.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("reduce", REDUCTIONS)
@pytest.mark.parametrize("initial", [None, 0.5])
@pytest.mark.parametrize("offsets", [False, True])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_matches_torch(reduce, initial, offsets, case):
    data, lengths, axis = CASES[case]
    (y, gx), (ty, tgx) = (_run(lib, data, lengths, axis, reduce, initial, offsets) for lib in (ag, torch))
    assert y.shape == ty.shape and y.dtype == ty.dtype
    np.testing.assert_allclose(y, ty, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(gx, tgx, rtol=1e-12, equal_nan=True)


def test_ties_split_the_gradient():
    data = np.array([2.0, 2.0, 1.0, 3.0, 3.0, 3.0])
    x = ag.tensor(data, requires_grad=True)
    ag.segment_reduce(x, "max", lengths=ag.tensor([3, 3])).backward(ag.tensor([1.0, -1.0], dtype=ag.float64))
    # the tied maxima share the gradient as amax's does; torch 2.13 gives each of [3, 3, 3] all of a negative
    # gradient (-1, -1, -1: 3x too much) while it splits a positive one
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 0.5, 0, -1 / 3, -1 / 3, -1 / 3])
    t = torch.tensor(data, requires_grad=True)
    torch.segment_reduce(t, "max", lengths=torch.tensor([3, 3])).backward(torch.tensor([1.0, 2.0],
                                                                                       dtype=torch.float64))
    x.grad = None
    ag.segment_reduce(x, "max", lengths=ag.tensor([3, 3])).backward(ag.tensor([1.0, 2.0], dtype=ag.float64))
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy())


def test_nan_and_zeros_in_prod_and_max():
    data = np.array([2.0, np.nan, 1.0, 5.0, 0.0, 3.0, 0.0, 0.0, 4.0])
    for reduce in ("prod", "max", "min", "mean"):
        (y, gx), (ty, tgx) = (_run(lib, data, [3, 3, 3], 0, reduce, None, False) for lib in (ag, torch))
        np.testing.assert_allclose(y, ty, equal_nan=True)
        np.testing.assert_allclose(gx[3:], tgx[3:], equal_nan=True)


@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min", "prod"])
def test_gradcheck(reduce):
    x = ag.tensor(np.random.default_rng(3).standard_normal((2, 6, 2)), requires_grad=True)
    lengths = ag.tensor([[2, 0, 4], [1, 3, 2]])
    assert ag.autograd.gradcheck(lambda v: ag.segment_reduce(v, reduce, lengths=lengths, axis=1, initial=0.3), (x,))


def test_unsafe_and_float32():
    y = ag.segment_reduce(ag.tensor([1.0, 2.0, 3.0]), "sum", lengths=ag.tensor([1, 1]), unsafe=True)
    np.testing.assert_array_equal(y.numpy(), [1.0, 2.0])
    y = ag.segment_reduce(ag.tensor(np.float32([1, 2, 4])), "mean", lengths=ag.tensor(np.int32([1, 2])))
    assert y.dtype == np.float32 and y.tolist() == [1.0, 3.0]


def test_errors():
    x = ag.tensor(np.arange(6.0))
    with pytest.raises(RuntimeError, match="reduce argument must be either sum, prod, mean, amax or amin"):
        ag.segment_reduce(x, "foo", lengths=ag.tensor([6]))
    with pytest.raises(RuntimeError, match="Either lengths or offsets must be defined"):
        ag.segment_reduce(x, "sum")
    with pytest.raises(RuntimeError, match=r"sum to data.size\(axis\) = 6 when !unsafe, got sums \[4\]"):
        ag.segment_reduce(x, "sum", lengths=ag.tensor([2, 2]))
    with pytest.raises(RuntimeError, match="lengths contains negative value"):
        ag.segment_reduce(x, "sum", lengths=ag.tensor([7, -1]))
    with pytest.raises(RuntimeError, match="lengths must be an integer tensor"):
        ag.segment_reduce(x, "sum", lengths=ag.tensor([6.0]))
    with pytest.raises(TypeError, match="argument 'lengths' must be Tensor, not list"):
        ag.segment_reduce(x, "sum", lengths=[6])
    with pytest.raises(TypeError, match="data must be a floating-point tensor, got int64"):
        ag.segment_reduce(ag.arange(6), "sum", lengths=ag.tensor([6]))
    with pytest.raises(RuntimeError, match="Expected axis to be the last dimension of lengths but got 1"):
        ag.segment_reduce(x.reshape(2, 3), "sum", lengths=ag.tensor([1, 1]), axis=1)
    with pytest.raises(RuntimeError, match="indices based reduction is not supported"):
        ag.segment_reduce(x, "sum", indices=ag.tensor([0, 0]))
    with pytest.raises(RuntimeError, match=r"offsets must be non-decreasing and within \[0, 6\]"):
        ag.segment_reduce(x, "sum", offsets=ag.tensor([0, 4, 2, 6]))
