"""The shortcuts small tensors take (stop 53's per-op cost work) give what the general paths give: the cpu
layer_norm's row means bit for bit with np.mean (float32/float64) and np.mean itself where it would cast or warn
(float16, no columns); view skipping the memory check only for C-contiguous tensors (a non-contiguous one is still
checked and refused); split's cut points for int and list sizes, NumPy integers included."""
import warnings

import numpy as np
import pytest

import autograd as ag
from backends.array_kernels import layer_norm as reference
from backends.numpy_kernels import layer_norm as cpu_kernel


def _bits(a):
    return np.ascontiguousarray(a).reshape(-1).view(np.uint8)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 1), (1, 64), (32, 64), (5, 1000), (0, 8)])
def test_layer_norm_row_means_are_np_means_bit_for_bit(dtype, shape):
    rng = np.random.default_rng(shape[1])
    x = (rng.standard_normal(shape) * (10 if dtype == np.float16 else 1e3) + 7).astype(dtype)
    w, b = (rng.standard_normal(shape[1]).astype(dtype) for _ in range(2))
    ours = cpu_kernel.forward(x, w, b, 1e-5)
    mean = x.mean(axis=1)   # the general path: np.mean, its float64 division and float16's float32 sum
    xhat = x - mean[:, None]
    invstd = 1.0 / np.sqrt(np.mean(xhat * xhat, axis=1) + 1e-5)
    expected = ((xhat * invstd[:, None]) * w + b, mean, invstd)
    for got, want in zip(ours, expected):
        assert got.dtype == want.dtype and got.shape == want.shape
        assert np.array_equal(_bits(got), _bits(want))


def test_layer_norm_of_rows_without_columns_warns_as_np_mean():
    x = np.zeros((3, 0), np.float32)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y, mean, _ = cpu_kernel.forward(x, None, None, 1e-5)
    assert y.shape == (3, 0) and np.isnan(mean).all()
    assert any("Mean of empty slice" in str(w.message) for w in caught)
    with warnings.catch_warnings(record=True) as caught_ref:
        warnings.simplefilter("always")
        reference.forward(np, x, None, None, 1e-5)
    assert [str(w.message) for w in caught] == [str(w.message) for w in caught_ref]


def test_view_of_contiguous_and_strided_tensors():
    x = ag.arange(24, dtype=ag.float32).reshape(2, 3, 4).requires_grad_()
    v = x.view(2, 12)   # C-contiguous: no memory check, still a view named as PyTorch's
    assert np.shares_memory(v.numpy(), x.numpy()) and v.grad_fn.name() == "ViewBackward0"
    t = x.transpose(1, 2)
    with pytest.raises(RuntimeError, match="cannot be viewed as"):
        t.view(2, 12)   # not contiguous, and no view of it has that shape
    w = t.view(2, 4, 3, 1)   # not contiguous, but only a unit dim added: a view
    assert np.shares_memory(w.numpy(), x.numpy()) and w.grad_fn.name() == "ViewBackward0"
    w.sum().backward()
    assert np.array_equal(x.grad.numpy(), np.ones((2, 3, 4), np.float32))


@pytest.mark.parametrize("sizes, expected", [(2, [2, 2, 1]), (np.int64(3), [3, 2]), ([1, 0, 4], [1, 0, 4]),
                                             ([5], [5]), ((np.int32(2), 3), [2, 3]), (7, [5])])
def test_split_cut_points(sizes, expected):
    x = ag.arange(10, dtype=ag.float32).reshape(2, 5)
    pieces = x.split(sizes, dim=1)
    assert [p.shape[1] for p in pieces] == expected
    assert np.array_equal(np.concatenate([p.numpy() for p in pieces], axis=1), x.numpy())
