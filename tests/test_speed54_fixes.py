"""Stop 54's speed fixes, checked for their results (never for their time): the scatter-add of an index array
between full slices (x[:, :, table]'s gradient, F.unfold's) now adds a block of rows per index row; its bits must
equal np.add.at's, and unfold's gradient PyTorch's."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from backends.numpy_kernels import scatter

from .helpers import check_against_torch, check_gradcheck, rand, torch


def _table(rng, rows, cols, size, negative=False):
    """`rows` rows of `cols` distinct positions in [0, size) (or their negative spellings)."""
    table = np.stack([rng.permutation(size)[:cols] for _ in range(rows)])
    return table - size if negative else table


@pytest.mark.parametrize("seed", range(6))
def test_distinct_rows_scatter_add_has_add_ats_bits(seed):
    rng = np.random.default_rng(seed)
    shape = (3, 5, 37, 2) if seed % 2 else (7, 41)
    axis = seed % (len(shape) - 1) + (1 if seed % 3 == 2 else 0)
    size = shape[axis]
    index = _table(rng, 5, min(size, 11), size, negative=seed % 4 == 1)
    if seed == 5:
        index = index[0]   # a 1-D index: one row
    parts = (slice(None),) * axis + (index,)
    target = np.zeros(shape)[parts].shape
    dtype = np.float32 if seed < 4 else np.float64
    src = (rng.standard_normal(target) * 10.0 ** rng.integers(-4, 5, target)).astype(dtype)
    base = rng.standard_normal(shape).astype(dtype)
    expected = base.copy()
    np.add.at(expected, parts, src)
    got = base.copy()
    assert scatter._add_distinct_rows(got, parts, src)   # the new path is the one taken
    np.testing.assert_array_equal(got.view(np.uint8), expected.view(np.uint8))
    # and through the public kernel, with many blocks of leading rows (odd sizes, a partial last block)
    got = base.copy()
    scatter.scatter_add(got, parts, src)
    np.testing.assert_array_equal(got.view(np.uint8), expected.view(np.uint8))


def test_repeated_positions_within_a_row_keep_np_add_at():
    rng = np.random.default_rng(9)
    out = np.zeros((4, 13), np.float32)
    index = np.array([[0, 3, 3], [1, 2, 12]])
    src = rng.standard_normal((4, 2, 3)).astype(np.float32)
    assert not scatter._add_distinct_rows(out.copy(), (slice(None), index), src)
    expected = out.copy()
    np.add.at(expected, (slice(None), index), src)
    scatter.scatter_add(out, (slice(None), index), src)
    np.testing.assert_array_equal(out, expected)


def test_small_blocks_of_leading_rows_change_nothing(monkeypatch):
    rng = np.random.default_rng(4)
    index = _table(rng, 9, 20, 31)
    src = rng.standard_normal((11, 3, 9, 20)).astype(np.float32)
    base = rng.standard_normal((11, 3, 31)).astype(np.float32)
    expected = base.copy()
    np.add.at(expected, (slice(None), slice(None), index), src)
    monkeypatch.setattr(scatter, "_BLOCK_ELEMENTS", 100)   # 3 leading rows a block: 11 blocks, the last partial
    got = base.copy()
    scatter.scatter_add(got, (slice(None), slice(None), index), src)
    np.testing.assert_array_equal(got, expected)


def test_out_of_range_positions_still_raise():
    out = np.zeros((2, 5), np.float32)
    with pytest.raises(IndexError):
        scatter.scatter_add(out, (slice(None), np.array([[0, 5]])), np.ones((2, 1, 2), np.float32))


@pytest.mark.parametrize("kwargs, shape", [
    (dict(kernel_size=3, padding=1), (3, 5, 17, 13)),
    (dict(kernel_size=(2, 5), dilation=(2, 1), padding=(1, 2), stride=(1, 2)), (2, 3, 11, 19)),
    (dict(kernel_size=4, stride=3), (1, 7, 23, 9)),
])
def test_unfold_gradient_matches_torch(kwargs, shape):
    check_against_torch(lambda x: F.unfold(x, **kwargs), lambda x: torch.nn.functional.unfold(x, **kwargs),
                        [rand(shape, np.float32, seed=3)], atol=1e-5, rtol=1e-5)


def test_unfold_gradient_float64_gradcheck():
    check_gradcheck(lambda x: F.unfold(x, kernel_size=3, padding=1, stride=(1, 2)), [rand((2, 2, 5, 7), seed=6)])


def test_getitem_between_slices_gradient_matches_torch():
    table = _table(np.random.default_rng(2), 6, 10, 29)
    check_against_torch(lambda x: x[:, :, ag.tensor(table)] * 2, lambda x: x[:, :, torch.tensor(table)] * 2,
                        [rand((4, 3, 29), np.float32, seed=8)], atol=1e-6)


@pytest.mark.parametrize("shape", [(3, 7, 5), (2, 3, 4, 5), (5,), (6, 5)])
def test_linear_gradient_through_a_permuted_output_matches_torch(shape):
    """Linear's backward copies a non-contiguous output gradient once and uses it for both products."""
    def ours(x, w, b):
        y = F.linear(x, w, b)
        return y.transpose(0, -1) * 3 if y.ndim > 1 else y * 3

    def theirs(x, w, b):
        y = torch.nn.functional.linear(x, w, b)
        return y.transpose(0, -1) * 3 if y.ndim > 1 else y * 3

    check_against_torch(ours, theirs, [rand(shape, np.float32, seed=1), rand((9, 5), np.float32, seed=2),
                                       rand((9,), np.float32, seed=3)], atol=1e-5, rtol=1e-5)
