"""Writes at positions and the in-place forms PyTorch code reaches for (index_put_, masked_scatter_,
fill_diagonal_, unfold, tril_, eq_, unsqueeze_, ...): forward and gradients against PyTorch, gradcheck, jit
replays, and the errors bad input gets."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand
from tests.jit_replay import assert_replays_equal_eager

ROWS = np.array([0, -1, 3, 3], dtype=np.int64)
COLS = np.array([1, 2, 0, 0], dtype=np.int64)
MASK = np.array([True, False, True, True])

# (name, call(module, *tensors), input arrays): the same call runs on autograd and on torch
DIFFERENTIABLE = [
    ("index_put", lambda m, x, v: m.index_put(x, (m.tensor(ROWS[:3]), m.tensor(COLS[:3])), v),
     [rand((4, 3), seed=1), rand((3,), seed=2)]),
    ("index_put accumulate", lambda m, x, v: m.index_put(x, (m.tensor(ROWS), m.tensor(COLS)), v, accumulate=True),
     [rand((4, 3), seed=1), rand((4,), seed=2)]),
    ("index_put broadcast rows", lambda m, x, v: x.index_put((m.tensor([[0], [2]]), m.tensor([1, 2])), v, True),
     [rand((4, 3, 2), seed=3), rand((2,), seed=4)]),
    ("index_put mask", lambda m, x, v: x.index_put((m.tensor(MASK),), v, accumulate=True),
     [rand((4, 2), seed=5), rand((3, 2), seed=6)]),
    ("masked_scatter", lambda m, x, s: x.masked_scatter(m.tensor(MASK[:3]), s), [rand((2, 3), seed=7),
                                                                                  rand((2, 4), seed=8)]),
    ("fill_diagonal_", lambda m, x: (x * 1).fill_diagonal_(-2.0), [rand((3, 3), seed=9)]),
    ("fill_diagonal_ wrap", lambda m, x: (x * 1).fill_diagonal_(0.5, wrap=True), [rand((7, 3), seed=10)]),
    ("unfold", lambda m, x: x.unfold(1, 3, 2), [rand((2, 7, 3), seed=11)]),
    ("unfold overlapping", lambda m, x: x.unfold(-1, 2, 1), [rand((5,), seed=12)]),
    ("in-place forms", lambda m, x: (x * 1).tril_(-1) + (x * 1).triu_() + (x * 1).unsqueeze_(0).squeeze_(0)
     + (x * 1).t_().t_() + (x * 1).cumsum_(1) + (x.abs() + 1).log2_(), [rand((3, 3), seed=13)]),
]


@pytest.mark.parametrize("name,call,arrays", DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_forward_and_gradients_match_torch(device, name, call, arrays):
    torch = pytest.importorskip("torch")
    check_against_torch(lambda *ts: call(ag, *ts), lambda *ts: call(torch, *ts), arrays, device=device,
                        atol=1e-12, rtol=1e-12)


@pytest.mark.parametrize("name,call,arrays", DIFFERENTIABLE[:-1], ids=[c[0] for c in DIFFERENTIABLE[:-1]])
def test_gradcheck(name, call, arrays):
    check_gradcheck(lambda *ts: call(ag, *ts), arrays)


@pytest.mark.parametrize("name,call,arrays", DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_jit_replays_equal_eager(name, call, arrays):
    assert_replays_equal_eager(lambda *ts: call(ag, *ts), arrays, "cpu", True)


def test_indices_and_masks_computed_in_a_compiled_step_are_read_afresh_in_each_replay():
    def call(x, v, rows, mask):
        return x.index_put((rows,), v, accumulate=True) + x.masked_scatter(mask > 0, v.repeat(2))
    arrays = [rand((4, 2), seed=1), rand((2,), seed=2), np.array([3, 0, 3, 1]), np.array([1, 0, 1, 1, 0, 0, 1, 0])
              .reshape(4, 2)]
    assert_replays_equal_eager(call, arrays, "cpu", True)


def test_in_place_forms_change_the_tensor_as_torchs_do(device):
    torch = pytest.importorskip("torch")
    data = rand((4, 4), seed=3)
    for call in (lambda m, x: x.index_put_((m.tensor(ROWS), m.tensor(COLS)), m.tensor(1.5, dtype=x.dtype), True),
                 lambda m, x: x.masked_scatter_(x > 0, m.arange(16, dtype=x.dtype, device=x.device)),
                 lambda m, x: x.fill_diagonal_(3.0), lambda m, x: x.ge_(x.t().clone()), lambda m, x: x.lt_(0.25),
                 lambda m, x: x.clamp_min_(0), lambda m, x: x.transpose_(0, 1), lambda m, x: x.unsqueeze_(1),
                 lambda m, x: x.divide_(2).multiply_(3).subtract_(1).negative_().absolute_()):
        ours, theirs = ag.tensor(data.copy(), device=device), torch.tensor(data.copy())
        assert call(ag, ours) is ours
        call(torch, theirs)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    flags = ag.tensor([True, False, True], device=device)
    assert flags.logical_not_() is flags and flags.tolist() == [False, True, False]
    ints = ag.tensor([[1, 2], [3, 4]], device=device)
    assert ints.bitwise_and_(ag.tensor([1, 6], device=device)).tolist() == [[1, 2], [1, 4]]


def test_in_place_changes_of_a_leaf_that_requires_grad_are_refused_as_in_torch():
    w = ag.zeros(2, 3, requires_grad=True)
    for change in (lambda: w.unsqueeze_(0), lambda: w.fill_diagonal_(1.0), lambda: w.index_put_(
            (ag.tensor([0]),), ag.tensor(1.0))):
        with pytest.raises(ag.GraphError, match="in-place change of a leaf tensor that requires grad"):
            change()
    y = w * 2
    y.unsqueeze_(0)
    y.sum().backward()
    assert y.shape == (1, 2, 3) and w.grad.tolist() == [[2.0] * 3] * 2


def test_strides_and_device_flags_are_torchs():
    torch = pytest.importorskip("torch")
    for make in (lambda m: m.zeros(2, 3, 4), lambda m: m.zeros(2, 3, 4).transpose(0, 2),
                 lambda m: m.zeros(4, 6)[:, ::2], lambda m: m.zeros(()).reshape(1, 1)):
        assert make(ag).stride() == make(torch).stride() and make(ag).stride(-1) == make(torch).stride(-1)
    x = ag.zeros(2)
    assert x.is_cpu and not x.is_cuda


BAD_INPUT = [
    (lambda: ag.index_put(ag.zeros(3), (ag.tensor([1]),), ag.tensor([1])), TypeError,
     "index_put: values is int64 and input is float32; they must match"),
    (lambda: ag.index_put(ag.zeros(3), ag.tensor([1]), ag.tensor(1.0)), TypeError,
     r"index_put: indices must be a tuple of tensors"),
    (lambda: ag.index_put(ag.zeros(3), (ag.tensor([3]),), ag.tensor(1.0), accumulate=True), IndexError,
     r"index_put: an index is out of range for dim 0 of length 3"),
    (lambda: ag.masked_scatter(ag.zeros(3), ag.ones(3) > 0, ag.zeros(2)), ValueError,
     r"masked_scatter: the mask of shape Size\(\[3\]\) has 3 True elements but source of shape Size\(\[2\]\)"),
    (lambda: ag.masked_scatter(ag.zeros(3), ag.ones(3), ag.zeros(3)), TypeError,
     "masked_scatter: mask must be a bool tensor"),
    (lambda: ag.zeros(2, 3, 4).fill_diagonal_(1.0), ValueError,
     r"fill_diagonal_: the tensor must be 2-D or have every dim of one length, got shape Size\(\[2, 3, 4\]\)"),
    (lambda: ag.zeros(2, 3).unfold(1, 4, 1), ValueError,
     r"unfold: windows of size 4 with step 1 along dim 1 of size 3 \(shape Size\(\[2, 3\]\)\)"),
]


@pytest.mark.parametrize("call,error,message", BAD_INPUT, ids=[m.split(":")[0] + str(i) for i, (_, _, m)
                                                              in enumerate(BAD_INPUT)])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
