"""Tensor.set_ / is_set_to / resize_ / resize_as_ against PyTorch: shared memory after set_, windows of a memory
block, resize_ in memory order (shrinking keeps the leading elements, non-contiguous tensors included, growing
zero-fills), the version counter, and PyTorch's errors."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")


def test_set_shares_memory_like_torch():
    for lib in (ag, torch):
        a = lib.arange(6.0)
        b = lib.zeros(2)
        v = b._version
        assert b.set_(a) is b
        assert b.is_set_to(a) and a.is_set_to(b) and b._version == v + 1
        b.add_(1)
        b[0] = 100.0
        assert a.tolist() == [100.0, 2.0, 3.0, 4.0, 5.0, 6.0] and tuple(b.shape) == (6,)
        assert not lib.arange(6.0).is_set_to(a)


@pytest.mark.parametrize("offset, size, stride", [(2, (2, 2), (1, 2)), (1, (3,), None), (0, (2, 3), None),
                                                  (5, (1,), None), (3, (0,), None)])
def test_set_window_matches_torch(offset, size, stride):
    a, ta = ag.arange(6.0), torch.arange(6.0)
    c, tc = ag.zeros(1), torch.zeros(1)
    c.set_(a, offset, size, stride)
    tc.set_(ta, offset, size, stride)
    np.testing.assert_array_equal(c.numpy(), tc.numpy())
    assert c.shape == tuple(tc.shape) and c.stride() == tc.stride() and c.storage_offset() == tc.storage_offset()
    assert c.is_set_to(a) == tc.is_set_to(ta)
    if c.numel():
        c.fill_(-1.0)
        tc.fill_(-1.0)
        np.testing.assert_array_equal(a.numpy(), ta.numpy())      # written through to the source


def test_set_empty_and_of_a_view():
    d, td = ag.ones(3), torch.ones(3)
    d.set_()
    td.set_()
    assert d.shape == tuple(td.shape) == (0,) and d._version == td._version == 1
    base = ag.arange(8.0)
    e = ag.zeros(1).set_(base[2:6])
    assert e.storage_offset() == 2 and e.tolist() == [2.0, 3.0, 4.0, 5.0]
    with ag.no_grad():    # PyTorch allows set_ on a leaf that requires grad outside grad mode
        p = ag.zeros(2, requires_grad=True)
        p.set_(ag.ones(3))
    assert p.requires_grad and p.shape == (3,)


@pytest.mark.parametrize("make", [
    lambda lib: lib.arange(6.0).reshape(2, 3),
    lambda lib: lib.arange(6.0)[::2],
    lambda lib: lib.arange(6.0).reshape(2, 3).t(),
    lambda lib: lib.arange(8.0)[2:],
])
@pytest.mark.parametrize("shape", [(2, 2), (2,), (3, 2), (2, 3), (0,), (6,)])
def test_resize_shrinks_in_memory_order_like_torch(make, shape):
    ours, theirs = make(ag), make(torch)
    if int(np.prod(shape)) + theirs.storage_offset() > theirs.untyped_storage().nbytes() // 4:
        pytest.skip("grows past the storage: torch's new elements are uninitialised (see the next test)")
    ours.resize_(*shape)
    theirs.resize_(*shape)
    assert ours.shape == tuple(theirs.shape) and ours.stride() == theirs.stride()
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_resize_grows_with_zeros_and_keeps_sharing_when_it_fits():
    x = ag.arange(6.0)
    v = x._version
    x.resize_(2, 5)
    assert x._version == v + 1
    np.testing.assert_array_equal(x.numpy().ravel(), [0, 1, 2, 3, 4, 5, 0, 0, 0, 0])
    base = ag.arange(4.0)
    view = base[1:]
    view.resize_(2)                 # fits in base's memory: still a window of it
    view.fill_(9.0)
    assert base.tolist() == [0.0, 9.0, 9.0, 3.0]
    y = ag.zeros(2, 2)
    assert y.resize_as_(ag.ones(3)).shape == (3,) and ag.resize_as_(y, ag.ones(1, 3)).shape == (1, 3)


def test_errors_match_torch():
    with pytest.raises(RuntimeError, match="resize_: cannot resize variables that require grad"):
        ag.zeros(1, requires_grad=True).resize_(3)
    with ag.no_grad(), pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
        ag.zeros(1, requires_grad=True).resize_(3)
    with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
        (ag.zeros(1, requires_grad=True) * 2).resize_(3)
    with pytest.raises(RuntimeError, match=r"resize_: sizes must be >= 0, got \(-1,\)"):
        ag.zeros(3).resize_(-1)
    with pytest.raises(TypeError, match="resize_as_: argument 'the_template' must be Tensor, not int"):
        ag.zeros(2).resize_as_(3)
    a = ag.arange(6.0)
    with pytest.raises(RuntimeError, match="set_: Could not set tensor of type float64 to a tensor of type float32"):
        ag.zeros(1, dtype=ag.float64).set_(a.float())
    with pytest.raises(RuntimeError, match="set_: a leaf Variable that requires grad is being used in an in-place"):
        ag.zeros(1, requires_grad=True).set_(a)
    with pytest.raises(RuntimeError, match=r"reach beyond the memory block of 6 elements"):
        ag.zeros(1).set_(a, 5, (3,))
    with pytest.raises(TypeError, match="set_: source must be a Tensor"):
        ag.zeros(1).set_([1.0, 2.0])
    with pytest.raises(TypeError, match="give both storage_offset and size"):
        ag.zeros(1).set_(a, 1)
