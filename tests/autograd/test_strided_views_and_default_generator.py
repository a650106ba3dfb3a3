"""ag.default_generator (the global stream as a Generator), empty_strided / new_empty_strided, frombuffer and
as_strided (forward over the input's memory block, gradient scattered back and summed over overlapping
windows), each checked against PyTorch."""
import array
import warnings

import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, require_torch, torch


# ----- default_generator --------------------------------------------------------------------------------
def test_default_generator_is_the_global_stream():
    require_torch()
    g = ag.default_generator
    assert isinstance(g, ag.Generator) and isinstance(torch.default_generator, torch.Generator)
    assert ag.manual_seed(4) is g and torch.manual_seed(4) is torch.default_generator
    assert g.manual_seed(11) is g and g.initial_seed() == ag.initial_seed() == 11
    a = ag.rand(5)
    ag.manual_seed(11)
    np.testing.assert_array_equal(a.numpy(), ag.rand(5).numpy())   # seeding it is ag.manual_seed
    ag.manual_seed(2)
    b = ag.randn(4, generator=g)   # an op given it draws as with no generator
    ag.manual_seed(2)
    np.testing.assert_array_equal(b.numpy(), ag.randn(4).numpy())


def test_default_generator_state_round_trips_and_matches_get_rng_state():
    g = ag.default_generator
    g.manual_seed(3)
    ag.rand(2)
    state = g.get_state()
    assert state.dtype == np.uint8 and np.array_equal(state.numpy(), ag.get_rng_state().numpy())
    first = (ag.rand(3).numpy(), ag.randint(0, 100, (4,)).numpy())
    assert g.set_state(state) is g
    second = (ag.rand(3).numpy(), ag.randint(0, 100, (4,)).numpy())
    for u, v in zip(first, second):
        np.testing.assert_array_equal(u, v)
    ag.set_rng_state(state)
    np.testing.assert_array_equal(ag.rand(3).numpy(), first[0])
    with pytest.raises(ValueError, match="get_state"):
        g.set_state(ag.tensor([1, 2, 3], dtype=ag.uint8))
    with pytest.raises(TypeError, match="int"):
        g.manual_seed(1.5)
    fresh = g.seed()
    assert isinstance(fresh, int) and g.initial_seed() == fresh


def test_default_generator_feeds_code_that_reads_its_numpy_stream():
    from nn.data import random_split
    ag.manual_seed(9)
    a = [list(s.indices) for s in random_split(range(10), [5, 5], generator=ag.default_generator)]
    ag.manual_seed(9)
    b = [list(s.indices) for s in random_split(range(10), [5, 5], generator=ag.default_generator)]
    assert a == b and sorted(a[0] + a[1]) == list(range(10))


# ----- empty_strided ------------------------------------------------------------------------------------
@pytest.mark.parametrize("size, stride", [((2, 3), (1, 2)), ((2, 3), (3, 1)), ((2, 3), (0, 1)), ((2, 0), (5, 1)),
                                          ((), ()), ((4,), (2,))])
def test_empty_strided_has_torch_layout(size, stride):
    require_torch()
    e, te = ag.empty_strided(size, stride), torch.empty_strided(size, stride)
    assert e.shape == te.shape and e.stride() == te.stride() and e.dtype == np.float32
    assert e.is_contiguous() == te.is_contiguous()
    n = ag.ones(2, dtype=ag.float64).new_empty_strided(size, stride)
    assert n.dtype == np.float64 and n.stride() == te.stride()
    assert ag.empty_strided(size, stride, dtype=ag.int64, requires_grad=False).dtype == np.int64
    assert ag.empty_strided(size, stride, requires_grad=True).requires_grad


def test_empty_strided_errors():
    require_torch()
    with pytest.raises(RuntimeError):
        torch.empty_strided((2, 3), (1,))
    with pytest.raises(RuntimeError, match="differ in length"):
        ag.empty_strided((2, 3), (1,))
    with pytest.raises(RuntimeError, match="negative"):
        ag.empty_strided((2,), (-1,))


# ----- frombuffer ---------------------------------------------------------------------------------------
def test_frombuffer_shares_memory_and_matches_torch():
    require_torch()
    raw = np.arange(1, 7, dtype=np.int32).tobytes()
    ours_buf, theirs_buf = bytearray(raw), bytearray(raw)
    t, tt = ag.frombuffer(ours_buf, dtype=ag.int32), torch.frombuffer(theirs_buf, dtype=torch.int32)
    np.testing.assert_array_equal(t.numpy(), tt.numpy())
    t[0] = 9
    tt[0] = 9
    assert ours_buf == theirs_buf   # the write reached the buffer in both
    ours_buf[4] = theirs_buf[4] = 7
    assert t[1].item() == tt[1].item() == 7
    for kw in ({"count": 2, "offset": 4}, {"offset": 8}, {"count": -3}, {"count": 1}):
        np.testing.assert_array_equal(ag.frombuffer(ours_buf, dtype=ag.int32, **kw).numpy(),
                                      torch.frombuffer(theirs_buf, dtype=torch.int32, **kw).numpy())
    mem = memoryview(ours_buf)
    assert ag.frombuffer(mem, dtype=ag.float32).dtype == np.float32
    doubles = array.array("d", [1.5, 2.5])
    np.testing.assert_array_equal(ag.frombuffer(doubles, dtype=ag.float64).numpy(), [1.5, 2.5])
    assert ag.frombuffer(ours_buf, dtype=ag.float32, requires_grad=True).requires_grad


def test_frombuffer_of_bytes_warns_and_refuses_writes():
    with pytest.warns(UserWarning, match="not writable"):
        t = ag.frombuffer(b"abcd", dtype=ag.uint8)
    np.testing.assert_array_equal(t.numpy(), [97, 98, 99, 100])
    with pytest.raises(RuntimeError, match="read-only"):
        t.add_(1)


@pytest.mark.parametrize("kwargs, message", [({"count": 5}, "do not fit"), ({"offset": 12}, "offset"),
                                             ({"offset": 2}, "multiple"), ({"count": 0}, "must not be 0")])
def test_frombuffer_errors_match_torch(kwargs, message):
    require_torch()
    buf = bytearray(12)
    with pytest.raises(ValueError):
        torch.frombuffer(buf, dtype=torch.int32, **kwargs)
    with pytest.raises(ValueError, match=message):
        ag.frombuffer(buf, dtype=ag.int32, **kwargs)
    with pytest.raises(ValueError):
        ag.frombuffer(bytearray(), dtype=ag.float32)
    with pytest.raises(TypeError):
        ag.frombuffer(buf)
    with pytest.raises(TypeError, match="buffer protocol"):
        ag.frombuffer([1, 2], dtype=ag.int32)


# ----- as_strided ---------------------------------------------------------------------------------------
LAYOUTS = [((2, 2), (1, 2), None), ((2, 2), (1, 2), 0), ((3, 3), (1, 1), 2), ((5,), (0,), None), ((), (), 3),
           ((4, 3), (2, 1), 1), ((2, 0), (1, 1), None), ((3, 2), (4, 1), None)]


@pytest.mark.parametrize("size, stride, offset", LAYOUTS)
@pytest.mark.parametrize("source", ["whole", "slice", "transposed"])
def test_as_strided_matches_torch_forward_and_gradient(size, stride, offset, source):
    require_torch()
    data = np.random.default_rng(0).standard_normal((4, 5))
    pick = {"whole": lambda t: t * 1.0, "slice": lambda t: (t * 1.0)[1:], "transposed": lambda t: (t * 1.0).t()}[
        source]
    args = (size, stride) if offset is None else (size, stride, offset)
    check_against_torch(lambda x: ag.as_strided(pick(x), *args), lambda x: torch.as_strided(pick(x), *args), [data])
    check_against_torch(lambda x: pick(x).as_strided(*args) * 2.0, lambda x: pick(x).as_strided(*args) * 2.0, [data])
    if not (source == "slice" and offset is not None and offset < 5):
        # a window that reaches before the slice reads memory outside the input: PyTorch's gradient (and so
        # ours, compared above) ignores those elements, which finite differences see
        check_gradcheck(lambda x: ag.as_strided(pick(x), *args), [data])


def test_as_strided_of_a_leaf_shares_memory_and_names_torch_node():
    require_torch()
    x = ag.arange(12.0).reshape(3, 4)
    y = ag.as_strided(x, (2, 2), (4, 1), 1)
    y.mul_(-1)
    np.testing.assert_array_equal(x.numpy()[:2, 1:3], -np.array([[1, 2], [5, 6]]))
    leaf = ag.ones(6, requires_grad=True, dtype=ag.float64)
    out = leaf.as_strided((3,), (2,))
    assert out.grad_fn.name() == torch.ones(6, requires_grad=True).as_strided((3,), (2,)).grad_fn.name()


def test_as_strided_gradient_of_an_expanded_input_matches_torch():
    require_torch()
    data = np.random.default_rng(1).standard_normal((1, 3))
    check_against_torch(lambda x: ag.as_strided(x.expand(4, 3), (2, 2), (1, 1)),
                        lambda x: torch.as_strided(x.expand(4, 3), (2, 2), (1, 1)), [data])


def test_as_strided_overlapping_windows_sum_their_gradients():
    require_torch()
    data = np.arange(6.0)
    check_against_torch(lambda x: ag.as_strided(x * 1.0, (4, 3), (1, 1)), lambda x: torch.as_strided(x * 1.0, (4, 3),
                                                                                                      (1, 1)), [data])
    with pytest.raises(RuntimeError):
        torch.as_strided(torch.zeros(4), (2, 2), (0, 1)).add_(1)
    with pytest.raises(RuntimeError, match="share one memory location"):
        ag.as_strided(ag.zeros(4), (2, 2), (0, 1)).add_(1)


def test_as_strided_errors():
    require_torch()
    x, tx = ag.zeros(3, 4), torch.zeros(3, 4)
    for args in (((5, 5), (3, 3)), ((2,), (-1,)), ((2, 2), (1,))):
        with pytest.raises(RuntimeError):
            torch.as_strided(tx, *args)
        with pytest.raises(RuntimeError, match="as_strided"):
            ag.as_strided(x, *args)
    with pytest.raises(RuntimeError, match="memory block of 12"):
        ag.as_strided(x, (2,), (1,), 11)
    with pytest.raises(TypeError, match="as_strided"):
        ag.as_strided(np.zeros(3), (1,), (1,))


@pytest.mark.parametrize("size, order", [((2, 3, 4, 5), (0, 2, 3, 1)), ((2, 3), (1, 0)), ((2, 0, 3), (2, 1, 0)),
                                         ((), ())])
def test_empty_permuted_has_torch_strides(size, order):
    require_torch()
    e, te = ag.empty_permuted(size, order), torch.empty_permuted(size, order)
    assert e.shape == te.shape and e.stride() == te.stride() and e.dtype == np.float32
    assert ag.empty_permuted(size, order, dtype=ag.float64).dtype == np.float64


def test_empty_permuted_refuses_a_layout_that_is_not_a_permutation():
    require_torch()
    with pytest.raises(RuntimeError):
        torch.empty_permuted((2, 3), (0, 0))
    with pytest.raises(RuntimeError, match="exactly once"):
        ag.empty_permuted((2, 3), (0, 0))


def test_top_level_as_strided_inplace_matches_torch():
    require_torch()
    x, tx = ag.arange(8.0), torch.arange(8.0)
    assert ag.as_strided_(x, (2, 2), (2, 1), 3) is x
    torch.as_strided_(tx, (2, 2), (2, 1), 3)
    np.testing.assert_array_equal(x.numpy(), tx.numpy())
