"""DistributedSampler: each process's share of a dataset's indices, for DataLoader(sampler=...)."""
import math
import numbers

import numpy as np

from .samplers import (BatchSampler, RandomSampler, Sampler, SequentialSampler,  # noqa: F401 (torch.utils.data.sampler's names)
                       SubsetRandomSampler, WeightedRandomSampler)


class DistributedSampler:
    """The indices rank `rank` of `num_replicas` processes visits in an epoch (PyTorch's semantics).

    The order is a permutation drawn from `seed + epoch` when `shuffle` (the same on every rank, so the
    shares never overlap), else 0, 1, 2, ...; rank r takes positions r, r + num_replicas, ... Every rank
    gets the same number of indices: without `drop_last` the order is padded by repeating its start
    until it divides evenly, with `drop_last` its tail is left out. Call `set_epoch(epoch)` before each
    epoch to get a new order. `num_replicas` and `rank` default to `nn.distributed.world_size()` and
    `rank()` (init() must have run).
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            from .. import distributed
            num_replicas = distributed.world_size() if num_replicas is None else num_replicas
            rank = distributed.rank() if rank is None else rank
        if isinstance(num_replicas, bool) or not isinstance(num_replicas, numbers.Integral) or num_replicas < 1:
            raise ValueError(f"DistributedSampler: num_replicas must be a positive integer, got {num_replicas!r}")
        if isinstance(rank, bool) or not isinstance(rank, numbers.Integral) or not 0 <= rank < num_replicas:
            raise ValueError(f"DistributedSampler: rank must be between 0 and num_replicas - 1 = "
                             f"{num_replicas - 1}, got {rank!r}")
        self.dataset = dataset
        self.num_replicas, self.rank = int(num_replicas), int(rank)
        self.shuffle, self.seed, self.drop_last = bool(shuffle), int(seed), bool(drop_last)
        self.epoch = 0
        n = len(dataset)
        if self.drop_last and n % self.num_replicas:
            self.num_samples = max(math.ceil((n - self.num_replicas) / self.num_replicas), 0)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas

    def set_epoch(self, epoch):
        """Use epoch `epoch`'s order from the next iteration on (every rank must set the same epoch)."""
        self.epoch = int(epoch)

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            order = np.random.default_rng(self.seed + self.epoch).permutation(n)
        else:
            order = np.arange(n)
        if self.total_size > n:
            order = np.resize(order, self.total_size)  # repeats the order from its start
        else:
            order = order[:self.total_size]
        return iter(order[self.rank:self.total_size:self.num_replicas].tolist())

    def __len__(self):
        return self.num_samples

    def __repr__(self):
        return (f"DistributedSampler({len(self.dataset)} examples, rank {self.rank} of {self.num_replicas}, "
                f"shuffle={self.shuffle}, seed={self.seed}, drop_last={self.drop_last}, epoch={self.epoch})")
