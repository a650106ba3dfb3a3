"""Creating tensors: ag.tensor's dtype rules, filled tensors, ranges, eye, random tensors."""
import numpy as np
import pytest

import autograd as ag

# data, expected dtype
TENSOR_DTYPES = [
    (1.5, np.float32), ([1.0, 2.0], np.float32), ([[1, 2], [3, 4]], np.int64), (3, np.int64), (True, np.bool_),
    ([True, False], np.bool_), ([1, 2.5], np.float32), (np.float64(2.0), np.float64),
    (np.zeros(2, np.float64), np.float64), (np.zeros(2, np.float16), np.float16), (np.zeros(2, np.int32), np.int32),
    (np.zeros(2, np.uint8), np.uint8), (np.zeros((2, 0), np.float32), np.float32),
]


@pytest.mark.parametrize("data,dtype", TENSOR_DTYPES, ids=[f"{type(d).__name__}-{t.__name__}" for d, t in
                                                           TENSOR_DTYPES])
def test_tensor_infers_dtype(device, data, dtype):
    t = ag.tensor(data, device=device)
    assert t.dtype == dtype
    assert t.shape == np.shape(data)
    assert t.device == ag.device(device)
    np.testing.assert_array_equal(t.numpy(), np.asarray(data, dtype=dtype))


def test_tensor_with_explicit_dtype_and_requires_grad(device):
    t = ag.tensor([1, 2], dtype=ag.float64, device=device, requires_grad=True)
    assert t.dtype == np.float64 and t.requires_grad and t.is_leaf and t.grad is None
    assert ag.tensor(np.arange(3), dtype=ag.float32, device=device).dtype == np.float32


def test_tensor_from_a_tensor_copies_nothing_on_the_same_host_device(device):
    t = ag.tensor([1.0, 2.0], device=device)
    u = ag.tensor(t, device=device)
    np.testing.assert_array_equal(u.numpy(), [1.0, 2.0])
    assert not u.requires_grad


def test_tensor_attributes(device):
    t = ag.tensor(np.arange(6.0).reshape(2, 3), device=device)
    assert (t.shape, t.ndim, t.size, len(t)) == ((2, 3), 2, 6, 2)
    assert t.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert t[1, 2].item() == 5.0 and float(t[0, 1]) == 1.0 and int(t[1, 1]) == 4
    assert [row.tolist() for row in t] == t.tolist()
    with pytest.raises(ValueError, match="item.*6 elements"):
        t.item()
    with pytest.raises(ValueError, match="ambiguous"):
        bool(t)
    assert "tensor(" in repr(t)


# factory, arguments, expected NumPy array
FILLED = [
    ("zeros", lambda d: ag.zeros(2, 3, device=d), np.zeros((2, 3), np.float32)),
    ("zeros_tuple", lambda d: ag.zeros((2, 3), device=d), np.zeros((2, 3), np.float32)),
    ("zeros_0d", lambda d: ag.zeros((), device=d), np.zeros((), np.float32)),
    ("zeros_empty", lambda d: ag.zeros(0, 4, device=d), np.zeros((0, 4), np.float32)),
    ("ones", lambda d: ag.ones(3, device=d), np.ones(3, np.float32)),
    ("ones_int", lambda d: ag.ones(2, dtype=ag.int64, device=d), np.ones(2, np.int64)),
    ("full_float", lambda d: ag.full((2, 2), 1.5, device=d), np.full((2, 2), 1.5, np.float32)),
    ("full_int", lambda d: ag.full((3,), 7, device=d), np.full(3, 7)),
    ("full_dtype", lambda d: ag.full((2,), 2, dtype=ag.float64, device=d), np.full(2, 2.0)),
    ("arange_int", lambda d: ag.arange(5, device=d), np.arange(5)),
    ("arange_start_step", lambda d: ag.arange(2, 11, 3, device=d), np.arange(2, 11, 3)),
    ("arange_float", lambda d: ag.arange(0, 1, 0.25, device=d), np.arange(0, 1, 0.25).astype(np.float32)),
    ("arange_dtype", lambda d: ag.arange(4, dtype=ag.float64, device=d), np.arange(4.0)),
    ("linspace", lambda d: ag.linspace(0, 1, 5, device=d), np.linspace(0, 1, 5).astype(np.float32)),
    ("eye", lambda d: ag.eye(3, device=d), np.eye(3, dtype=np.float32)),
    ("eye_rect", lambda d: ag.eye(2, 4, dtype=ag.float64, device=d), np.eye(2, 4)),
]


@pytest.mark.parametrize("name,make,expected", FILLED, ids=[f[0] for f in FILLED])
def test_filled_tensors(device, name, make, expected):
    t = make(device)
    assert t.dtype == expected.dtype and t.shape == expected.shape and t.device == ag.device(device)
    np.testing.assert_array_equal(t.numpy(), expected)
    assert not t.requires_grad


@pytest.mark.parametrize("name", ["zeros_like", "ones_like"])
def test_like_factories_copy_shape_dtype_and_device(device, name):
    src = ag.tensor(np.arange(6.0).reshape(2, 3), device=device)
    t = getattr(ag, name)(src)
    assert (t.shape, t.dtype, t.device) == (src.shape, src.dtype, src.device)
    assert getattr(ag, name)(src, dtype=ag.float32).dtype == np.float32
    f = ag.full_like(src, 4)
    np.testing.assert_array_equal(f.numpy(), np.full((2, 3), 4.0))


def test_empty_has_the_shape_and_dtype(device):
    t = ag.empty(2, 3, device=device, dtype=ag.float64)
    assert t.shape == (2, 3) and t.dtype == np.float64


@pytest.mark.parametrize("name", ["zeros", "ones", "rand", "randn"])
def test_factory_with_requires_grad_makes_a_leaf(device, name):
    t = getattr(ag, name)(2, 2, device=device, requires_grad=True)
    assert t.requires_grad and t.is_leaf
    (t * t).sum().backward()
    assert t.grad.shape == (2, 2)


def test_random_tensors_have_the_right_distribution(device):
    u = ag.rand(10_000, device=device)
    n = ag.randn(100, 100, device=device, dtype=ag.float64)
    assert u.dtype == np.float32 and n.dtype == np.float64
    assert 0.0 <= u.numpy().min() and u.numpy().max() < 1.0
    assert abs(u.numpy().mean() - 0.5) < 0.02
    assert abs(n.numpy().mean()) < 0.05 and abs(n.numpy().std() - 1.0) < 0.05


def test_randint_range_shape_and_dtype(device):
    r = ag.randint(3, 7, size=(50,), device=device)
    assert r.dtype == np.int64 and r.shape == (50,)
    assert set(np.unique(r.numpy())) == {3, 4, 5, 6}
    r0 = ag.randint(4, size=(200,), dtype=ag.int32, device=device)
    assert r0.dtype == np.int32 and r0.numpy().min() >= 0 and r0.numpy().max() <= 3


def test_default_device_is_used_when_none_is_given():
    t = ag.zeros(2)
    assert t.device == ag.get_default_device()


def test_tensor_copies_its_data_as_torch_tensor_does(device):
    """ag.tensor never shares memory with what it was given (in-place changes on either side stay apart);
    as_tensor and from_numpy share a NumPy array's memory on host devices."""
    array = np.zeros(3, np.float32)
    t = ag.tensor(array, device=device)
    t.add_(1.0)
    array[0] = 5.0
    np.testing.assert_array_equal(array, [5.0, 0.0, 0.0])
    np.testing.assert_array_equal(t.numpy(), [1.0, 1.0, 1.0])
    source = ag.ones(2, device=device)
    copy = ag.tensor(source)
    copy.add_(1.0)
    np.testing.assert_array_equal(source.numpy(), [1.0, 1.0])
    weights = np.ones((2, 2), np.float32)
    w = ag.tensor(weights, device=device, requires_grad=True)
    with ag.no_grad():
        w.sub_(0.5)                      # an optimiser's in-place step
    np.testing.assert_array_equal(weights, np.ones((2, 2)))
    view = np.arange(6.0).reshape(2, 3)[:, 1]
    np.testing.assert_array_equal(ag.tensor(view, device=device).numpy(), [1.0, 4.0])
    if ag.device(device).host_memory:
        shared = np.zeros(2, np.float32)
        ag.as_tensor(shared, device=device).add_(1.0)
        ag.from_numpy(shared).add_(1.0)
        np.testing.assert_array_equal(shared, [2.0, 2.0])
