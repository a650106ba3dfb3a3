"""nn.data's samplers against torch.utils.data's where the behaviour is deterministic (orders of
SequentialSampler/BatchSampler, lengths, coverage, repetition counts, drop_last, the DataLoader's batch sizes),
plus the generator semantics (seeded streams repeat, epochs differ) and weighted frequencies statistically."""
import collections

import numpy as np
import pytest

import autograd as ag
from nn import data as ours
from nn.data import sampler as sampler_module


def _torch_data():
    pytest.importorskip("torch")
    from torch.utils import data
    return data


def test_sequential_and_batch_samplers_match_torch():
    theirs = _torch_data()
    for D in (theirs, ours):
        assert list(D.SequentialSampler(range(7))) == list(range(7))
    for size in (1, 3, 4, 7, 9):
        for drop_last in (False, True):
            mine = ours.BatchSampler(ours.SequentialSampler(range(10)), size, drop_last)
            reference = theirs.BatchSampler(theirs.SequentialSampler(range(10)), size, drop_last)
            assert list(mine) == list(reference)
            assert len(mine) == len(reference)
    assert list(ours.BatchSampler([5, 4, 3, 2, 1], 2, False)) == [[5, 4], [3, 2], [1]]


@pytest.mark.parametrize("num_samples", [None, 4, 10, 25])
def test_random_sampler_without_replacement_repeats_whole_permutations_as_torch(num_samples):
    theirs = _torch_data()
    mine = list(ours.RandomSampler(range(10), num_samples=num_samples))
    reference = list(theirs.RandomSampler(range(10), num_samples=num_samples))
    assert len(mine) == len(reference) == len(ours.RandomSampler(range(10), num_samples=num_samples))
    counts = collections.Counter(mine)
    assert sorted(counts.values()) == sorted(collections.Counter(reference).values())
    if num_samples is not None and num_samples >= 10:
        assert sorted(mine[:10]) == list(range(10))     # the first pass is a permutation


def test_random_sampler_with_replacement_draws_num_samples_in_range():
    draws = list(ours.RandomSampler(range(5), replacement=True, num_samples=400))
    assert len(draws) == 400 and set(draws) == set(range(5))


def test_samplers_follow_their_generator():
    def order(seed, kind):
        g = ag.Generator().manual_seed(seed)
        return list(kind(g))
    for kind in (lambda g: ours.RandomSampler(range(20), generator=g),
                 lambda g: ours.SubsetRandomSampler(list(range(5, 25)), generator=g),
                 lambda g: ours.WeightedRandomSampler(np.arange(1.0, 21.0), 20, generator=g)):
        assert order(0, kind) == order(0, kind)
        assert order(0, kind) != order(1, kind)
    sampler = ours.RandomSampler(range(20), generator=ag.Generator().manual_seed(3))
    assert list(sampler) != list(sampler)               # each epoch draws afresh from the stream
    ag.manual_seed(5)
    first = list(ours.RandomSampler(range(20)))
    ag.manual_seed(5)
    assert list(ours.RandomSampler(range(20))) == first  # without a generator: the global seed repeats it
    assert list(ours.RandomSampler(range(20), generator=7)) == list(ours.RandomSampler(range(20), generator=7))


def test_subset_random_sampler_permutes_the_given_indices():
    theirs = _torch_data()
    indices = [3, 5, 7, 9, 11]
    assert sorted(ours.SubsetRandomSampler(indices)) == sorted(theirs.SubsetRandomSampler(indices)) == indices
    assert len(ours.SubsetRandomSampler(indices)) == 5


def test_weighted_random_sampler_frequencies_and_zero_weights():
    weights = [1.0, 3.0, 0.0, 6.0]
    draws = list(ours.WeightedRandomSampler(weights, 20000, generator=ag.Generator().manual_seed(0)))
    frequencies = np.bincount(draws, minlength=4) / len(draws)
    np.testing.assert_allclose(frequencies, [0.1, 0.3, 0.0, 0.6], atol=0.015)
    for _ in range(20):
        assert sorted(ours.WeightedRandomSampler(weights, 3, replacement=False)) == [0, 1, 3]
    everything = list(ours.WeightedRandomSampler(weights, 4, replacement=False))
    assert sorted(everything) == [0, 1, 2, 3] and everything[-1] == 2   # weight 0 comes last, as in torch
    assert len(list(ours.WeightedRandomSampler(ag.tensor([1.0, 2.0]), 5))) == 5


def test_dataloader_takes_the_samplers():
    theirs = _torch_data()
    import torch
    for D, lib in ((theirs, torch), (ours, ag)):
        x = lib.arange(10).float().reshape(10, 1)
        dataset = D.TensorDataset(x, lib.arange(10))
        sizes = [len(b[0]) for b in D.DataLoader(dataset, batch_size=4, sampler=D.RandomSampler(dataset))]
        batched = [len(b[0]) for b in D.DataLoader(dataset, batch_sampler=D.BatchSampler(D.RandomSampler(dataset),
                                                                                          4, True))]
        subset = sorted(int(i) for b in D.DataLoader(dataset, batch_size=3, sampler=D.SubsetRandomSampler(range(2, 8)))
                        for i in b[1])
        weighted = len(D.DataLoader(dataset, batch_size=4, sampler=D.WeightedRandomSampler(lib.ones(10), 13)))
        assert (sizes, batched, subset, weighted) == ([4, 4, 2], [4, 4], [2, 3, 4, 5, 6, 7], 4)


def test_dataloader_and_random_split_advance_an_ag_generator():
    dataset = ours.TensorDataset(np.arange(10.0)[:, None], np.arange(10))
    g = ag.Generator().manual_seed(0)
    loader = ours.DataLoader(dataset, batch_size=10, shuffle=True, generator=g)
    first, second = [next(iter(loader))[1].tolist() for _ in range(2)]
    assert first != second and sorted(first) == list(range(10))
    split = [s.indices for s in ours.random_split(dataset, [0.5, 0.5], generator=ag.Generator().manual_seed(42))]
    again = [s.indices for s in ours.random_split(dataset, [0.5, 0.5], generator=ag.Generator().manual_seed(42))]
    assert split == again


def test_torch_utils_data_sampler_module_names():
    assert sampler_module.WeightedRandomSampler is ours.WeightedRandomSampler
    assert sampler_module.SubsetRandomSampler is ours.SubsetRandomSampler


@pytest.mark.parametrize("make,error,words", [
    (lambda: ours.BatchSampler(range(3), 0, False), ValueError, "BatchSampler: batch_size must be a positive integer, got 0"),
    (lambda: ours.BatchSampler(range(3), 2, 1), ValueError, "BatchSampler: drop_last must be True or False, got 1"),
    (lambda: ours.RandomSampler(range(3), num_samples=0), ValueError, "RandomSampler: num_samples must be a positive"),
    (lambda: ours.RandomSampler(range(3), replacement=1), TypeError, "RandomSampler: replacement must be True or False"),
    (lambda: ours.WeightedRandomSampler([[1.0, 2.0]], 3), ValueError, r"1-D sequence .* got shape \(1, 2\)"),
    (lambda: ours.WeightedRandomSampler([1.0, -2.0], 3), ValueError, "finite and non-negative"),
    (lambda: ours.WeightedRandomSampler([1.0, 2.0], 3, replacement=False), ValueError,
     r"num_samples \(3\) cannot exceed the number of weights \(2\)"),
    (lambda: list(ours.RandomSampler([])), ValueError, "RandomSampler: the dataset is empty"),
    (lambda: ours.RandomSampler(range(3), generator="seed"), TypeError, "RandomSampler: generator must be"),
])
def test_bad_sampler_arguments_name_the_sampler_and_the_value(make, error, words):
    with pytest.raises(error, match=words):
        make()
