"""What Keras-style fit and evaluate do differently once nn.distributed runs more than one process.

fit asks `fit_run(model)` for a run object and goes through it at a few points: the shared shuffling seed,
each rank's share of the batches, the model that averages gradients, which callbacks run on this rank,
the epoch's metrics combined over the ranks, and a stop that every rank agrees on. In one process the
run object changes nothing. Evaluation shards its data and combines its results through
`evaluation_loader` and `combine_ranks`.
"""
import numpy as np

from ..data.loader import DataLoader
from ..data.sampler import DistributedSampler
from .ddp import DistributedDataParallel
from .world import current, parallel


class LocalRun:
    """fit in one process: every hook leaves things as they are."""

    is_main = True

    def __init__(self, model):
        self.model = model

    def same_seed(self, seed):
        """The shuffling seed every rank uses."""
        return seed

    def shard(self, loader, seed):
        """This rank's share of the training batches."""
        return loader

    def callbacks(self, callbacks):
        """The callbacks this rank runs."""
        return callbacks

    def set_epoch(self, epoch):
        """Tell the sampler which epoch's order to use."""

    def combine(self, *metrics):
        """Make every metric hold its value over all ranks' batches."""

    def any(self, flag):
        """True when `flag` is true on any rank (so every rank stops together)."""
        return bool(flag)

    def close(self):
        """Undo what the run set up on the model."""


class ParallelRun(LocalRun):
    """fit under mpiexec: data sharded per rank, gradients averaged, metrics combined, rank 0 reports."""

    def __init__(self, model):
        super().__init__(model)
        self.world = current("fit")
        self.is_main = self.world.rank == 0
        self.wrapped = isinstance(model, DistributedDataParallel)
        self.model = model if self.wrapped else DistributedDataParallel(model)
        self.sampler = None

    def same_seed(self, seed):
        return self.world.backend.broadcast_object(seed, 0)

    def shard(self, loader, seed):
        if isinstance(loader.sampler, DistributedSampler):
            self.sampler = loader.sampler
        elif loader.sampler is None:
            self.sampler = DistributedSampler(loader.dataset, self.world.size, self.world.rank,
                                              shuffle=loader.shuffle, seed=seed)
            loader = rebuilt(loader, self.sampler)
        batches = self.world.backend.all_gather_object(len(loader))
        if len(set(batches)) > 1:
            raise ValueError(f"fit: the ranks have different numbers of batches per epoch ({batches}); give every "
                             "rank the same data, or a DataLoader with a DistributedSampler")
        return loader

    def callbacks(self, callbacks):
        if self.is_main:
            return callbacks
        return [cb for cb in callbacks if not getattr(cb, "main_process_only", False)]

    def set_epoch(self, epoch):
        if self.sampler is not None:
            self.sampler.set_epoch(epoch)

    def combine(self, *metrics):
        combine_metrics(self.world.backend, metrics)

    def any(self, flag):
        return bool(self.world.backend.all_gather_object(bool(flag)).count(True))

    def close(self):
        if not self.wrapped:
            self.model.remove_hooks()


def fit_run(model):
    """The run object fit goes through: ParallelRun under more than one process, else LocalRun."""
    return ParallelRun(model) if parallel() else LocalRun(model)


def rebuilt(loader, sampler):
    """`loader` with the same settings, visiting the indices `sampler` gives."""
    return DataLoader(loader.dataset, batch_size=loader.batch_size, drop_last=loader.drop_last, seed=loader.seed,
                      collate_fn=loader.collate_fn, prefetch=loader.prefetch, transform=loader.transform,
                      device=loader.device, sampler=sampler)


def evaluation_loader(loader):
    """This rank's share of an evaluation: every world_size()-th example (no padding, so the combined
    results count each example once). The loader itself in one process or when it already has a sampler."""
    if not parallel() or loader.sampler is not None:
        return loader
    world = current("evaluate")
    return rebuilt(loader, range(world.rank, len(loader.dataset), world.size))


def combine_ranks(*metrics):
    """Under more than one process, combine the metrics over the ranks (see combine_metrics)."""
    if parallel():
        combine_metrics(current("evaluate").backend, metrics)


def combine_metrics(backend, metrics):
    """Sum each metric's running state over the ranks, so that `result()` is the same on every rank.

    A metric's state is its private numeric attributes (running totals, counts, per-class counts), which
    add up across ranks (that covers every metric in nn.training.metrics and the loss's Mean), or what its
    `additive_state()` names (Keras metrics, whose totals are public attributes)."""
    states = [m.additive_state() if hasattr(m, "additive_state") else _additive_state(m) for m in metrics]
    everyone = backend.all_gather_object(states)
    for metric, per_rank in zip(metrics, zip(*everyone)):
        for key in per_rank[0]:
            setattr(metric, key, _sum([state[key] for state in per_rank]))


def _additive_state(metric):
    return {k: v for k, v in vars(metric).items()
            if k.startswith("_") and not isinstance(v, bool)
            and (isinstance(v, (int, float, np.number)) or (isinstance(v, np.ndarray) and v.dtype.kind in "iuf"))}


def _sum(values):
    if not isinstance(values[0], np.ndarray):
        return sum(values)
    if values[0].ndim == 1:  # per-class counts: ranks that saw fewer classes have shorter arrays
        longest = max(len(v) for v in values)
        values = [np.pad(v, (0, longest - len(v))) for v in values]
    return np.sum(values, axis=0)
