"""DataLoader and TensorDataset: coverage of every example, order, determinism, prefetch thread, errors."""
import itertools
import threading

import numpy as np
import pytest

import autograd as ag
from nn.data import Dataset, DataLoader, TensorDataset, default_collate, load_mnist_sample
from nn.data.datasets import ArrayDataset


class Squares(Dataset):
    """A dataset indexed one example at a time (no fast path)."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.array([i, i * i], dtype=np.float32), i


def _ids(loader):
    return [batch[-1].numpy().tolist() for batch in loader]


@pytest.mark.parametrize("shuffle,drop_last,prefetch", list(itertools.product([False, True], repeat=3)))
def test_every_example_exactly_once_per_epoch(shuffle, drop_last, prefetch, device):
    n, bs = 23, 5
    ids = np.arange(n)
    loader = DataLoader(TensorDataset(np.arange(n * 2, dtype=np.float32).reshape(n, 2), ids), batch_size=bs,
                        shuffle=shuffle, drop_last=drop_last, prefetch=prefetch, seed=3, device=device)
    for _ in range(2):
        batches = _ids(loader)
        assert len(batches) == len(loader) == (n // bs if drop_last else -(-n // bs))
        assert all(len(b) == bs for b in batches[:n // bs])
        seen = sorted(itertools.chain.from_iterable(batches))
        if drop_last:
            assert len(seen) == (n // bs) * bs and len(set(seen)) == len(seen) and set(seen) <= set(ids.tolist())
        else:
            assert seen == ids.tolist()
        if not shuffle:
            assert list(itertools.chain.from_iterable(batches)) == ids[:len(seen)].tolist()


def test_batches_are_tensors_on_the_device_with_matching_rows(device):
    x = np.random.rand(10, 3).astype(np.float32)
    y = np.arange(10)
    xb, yb = next(iter(DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, seed=0, device=device)))
    assert isinstance(xb, ag.Tensor) and isinstance(yb, ag.Tensor)
    assert xb.device == ag.device(device) and xb.dtype == np.float32 and yb.dtype == np.int64
    np.testing.assert_array_equal(xb.numpy(), x[yb.numpy()])


def test_shuffle_is_seeded_and_new_each_epoch():
    ds = TensorDataset(np.arange(50))
    a, b = DataLoader(ds, 10, shuffle=True, seed=7), DataLoader(ds, 10, shuffle=True, seed=7)
    first, second = _ids(a), _ids(a)
    assert first == _ids(b) and second == _ids(b)
    assert first != second
    assert _ids(DataLoader(ds, 10, shuffle=True, seed=8)) != first


def test_prefetch_keeps_order_of_plain_loop():
    ds = TensorDataset(np.arange(100))
    with_thread = _ids(DataLoader(ds, 7, shuffle=True, seed=1, prefetch=True))
    without = _ids(DataLoader(ds, 7, shuffle=True, seed=1, prefetch=False))
    assert with_thread == without


def test_fast_path_matches_example_by_example_path():
    x, y = load_mnist_sample()
    x, y = x[:300], y[:300]
    fast = DataLoader(TensorDataset(x, y), 32, shuffle=True, seed=0)
    slow = DataLoader(ArrayDataset(x, y, transform=lambda im: im), 32, shuffle=True, seed=0)
    for (xa, ya), (xb, yb) in zip(fast, slow):
        np.testing.assert_array_equal(xa.numpy(), xb.numpy())
        np.testing.assert_array_equal(ya.numpy(), yb.numpy())


def test_generic_dataset_and_collate_fn():
    xb, yb = next(iter(DataLoader(Squares(6), batch_size=4)))
    np.testing.assert_array_equal(xb.numpy(), [[0, 0], [1, 1], [2, 4], [3, 9]])
    assert yb.numpy().tolist() == [0, 1, 2, 3]
    summed = list(DataLoader(Squares(6), batch_size=3, collate_fn=lambda ex: np.array([sum(i for _, i in ex)])))
    assert [t.numpy().tolist() for t in summed] == [[3], [12]]


def test_batch_transform_applies_to_inputs_only():
    x = np.full((8, 2, 2), 255, dtype=np.uint8)
    xb, yb = next(iter(DataLoader(TensorDataset(x, np.arange(8)), 8, transform=lambda b: b.astype(np.float32) / 255)))
    assert xb.dtype == np.float32 and np.all(xb.numpy() == 1.0) and yb.dtype == np.int64


def test_tensor_dataset_accepts_tensors_and_checks_lengths(device):
    ds = TensorDataset(ag.tensor(np.ones((4, 2), np.float32), device=device), [0, 1, 2, 3])
    assert len(ds) == 4 and ds[2][1] == 2
    with pytest.raises(ValueError, match=r"different numbers of rows.*\(4, 2\).*\(3,\)"):
        TensorDataset(np.ones((4, 2)), np.ones(3))
    with pytest.raises(ValueError, match="at least one array"):
        TensorDataset()


def test_early_break_stops_the_prefetch_thread():
    before = threading.active_count()
    loader = DataLoader(TensorDataset(np.arange(10_000)), batch_size=10, prefetch=True)
    for _ in range(3):
        for k, _batch in enumerate(loader):
            if k == 2:
                break
    assert threading.active_count() == before
    it = iter(loader)
    next(it)
    it.close()
    assert threading.active_count() == before


def test_errors_in_the_worker_reach_the_caller():
    class Broken(Squares):
        def __getitem__(self, i):
            if i == 5:
                raise KeyError("example 5 is damaged")
            return super().__getitem__(i)

    before = threading.active_count()
    with pytest.raises(KeyError, match="damaged"):
        list(DataLoader(Broken(10), batch_size=2, prefetch=True))
    assert threading.active_count() == before


def test_bad_arguments():
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        DataLoader(TensorDataset(np.arange(3)), batch_size=0)
    with pytest.raises(TypeError, match="__len__ and __getitem__"):
        DataLoader(object())
    with pytest.raises(ValueError, match="different shapes"):
        default_collate([np.zeros(2), np.zeros(3)])
