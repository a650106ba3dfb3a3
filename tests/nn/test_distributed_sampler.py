"""DistributedSampler (PyTorch's semantics) and DataLoader(sampler=...), in one process with explicit ranks."""
import numpy as np
import pytest

from nn.data import DataLoader, DistributedSampler, TensorDataset


def shares(n, replicas, **options):
    return [list(DistributedSampler(range(n), replicas, r, **options)) for r in range(replicas)]


@pytest.mark.parametrize("n, replicas", [(12, 2), (12, 3), (7, 7), (32, 4)])
def test_every_example_exactly_once_per_epoch_when_it_divides(n, replicas):
    for shuffle in (False, True):
        parts = shares(n, replicas, shuffle=shuffle, seed=3)
        assert sorted(i for part in parts for i in part) == list(range(n))
        assert len({len(part) for part in parts}) == 1


def test_unshuffled_order_is_strided():
    assert shares(6, 2, shuffle=False) == [[0, 2, 4], [1, 3, 5]]


@pytest.mark.parametrize("n, replicas", [(10, 3), (5, 4), (2, 3)])
def test_padding_repeats_the_start_and_drop_last_cuts_the_tail(n, replicas):
    padded = shares(n, replicas, shuffle=False)
    every = [i for part in padded for i in part]
    assert set(every) == set(range(n)) and len(every) == -(-n // replicas) * replicas
    assert len({len(p) for p in padded}) == 1
    dropped = shares(n, replicas, shuffle=False, drop_last=True)
    taken = [i for part in dropped for i in part]
    assert len(taken) == len(set(taken)) == (n // replicas) * replicas
    assert len(DistributedSampler(range(n), replicas, 0, drop_last=True)) == n // replicas


def test_set_epoch_reshuffles_the_same_way_on_every_rank():
    samplers = [DistributedSampler(range(40), 2, r, seed=5) for r in range(2)]
    first = [list(s) for s in samplers]
    assert list(samplers[0]) == first[0]  # the same epoch gives the same order
    for s in samplers:
        s.set_epoch(1)
    second = [list(s) for s in samplers]
    assert second[0] != first[0]
    assert sorted(second[0] + second[1]) == list(range(40))
    other_seed = DistributedSampler(range(40), 2, 0, seed=6)
    assert list(other_seed) != first[0]


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="rank must be between 0 and num_replicas - 1 = 1, got 2"):
        DistributedSampler(range(4), 2, 2)
    with pytest.raises(ValueError, match="num_replicas must be a positive integer"):
        DistributedSampler(range(4), 0, 0)


def test_dataloader_visits_the_sampler_indices():
    x = np.arange(10, dtype=np.float32)[:, None]
    sampler = DistributedSampler(TensorDataset(x), 2, 1, shuffle=True, seed=0)
    loader = DataLoader(TensorDataset(x, np.arange(10)), batch_size=2, sampler=sampler)
    assert len(loader) == 3
    seen = [int(i) for (_, idx) in loader for i in idx.tolist()]
    assert seen == list(sampler)
    sampler.set_epoch(3)
    assert [int(i) for (_, idx) in loader for i in idx.tolist()] == list(sampler)
    plain = DataLoader(TensorDataset(x), batch_size=4, sampler=range(1, 10, 3), drop_last=True)
    assert [b[0].numpy().ravel().tolist() for b in plain] == []  # 3 indices, drop_last with batch 4
    assert [b[0].numpy().ravel().tolist() for b in DataLoader(TensorDataset(x), batch_size=2, sampler=[9, 0, 4])] \
        == [[9.0, 0.0], [4.0]]


def test_dataloader_sampler_and_shuffle_exclude_each_other():
    with pytest.raises(ValueError, match="either shuffle=True or a sampler"):
        DataLoader(TensorDataset(np.zeros(3)), sampler=range(3), shuffle=True)
    with pytest.raises(TypeError, match="sampler must be an iterable of indices with a length"):
        DataLoader(TensorDataset(np.zeros(3)), sampler=iter(range(3)))
