"""torch.distributed.optim's ZeroRedundancyOptimizer over nn.distributed: each rank keeps the optimiser state of
its own shard of the parameters, updates that shard, and broadcasts it to the others.

    opt = ZeroRedundancyOptimizer(model.parameters(), optimizer_class=nn.optim.AdamW, lr=1e-3)
    ...
    opt.step()                       # the local step, then every shard broadcast from its owner
    opt.consolidate_state_dict(to=0)
    if dist.rank() == 0:
        nn.save(opt.state_dict(), ...)

The shards are PyTorch's: each param group's parameters, largest first, go to the rank holding the fewest
elements so far; so one process (a world of one) steps exactly as `optimizer_class` would. State moves between
ranks as arrays and a JSON header, never pickled.
"""
import json

import numpy as np

from autograd import Tensor, no_grad
from autograd import arrays

from ..optim.optimizer import Optimizer
from . import collectives, world

_WHO = "ZeroRedundancyOptimizer"


class NotInitializedError(RuntimeError, ValueError):
    """No process group yet: a ValueError, as PyTorch raises, and the RuntimeError nn.distributed raises."""


class ZeroRedundancyOptimizer(Optimizer):
    """PyTorch's ZeroRedundancyOptimizer(params, optimizer_class, process_group=None,
    parameters_as_bucket_view=False, overlap_with_ddp=False, **defaults): `optimizer_class(**defaults)` runs on this
    rank's shard (`self.optim`); `param_groups` lists every parameter, with the local optimiser's options.
    `parameters_as_bucket_view` is accepted (a shard is broadcast parameter by parameter either way: the values
    are the same); `overlap_with_ddp=True` (a step inside DDP's communication hook) is refused."""

    def __init__(self, params, optimizer_class, process_group=None, parameters_as_bucket_view=False,
                 overlap_with_ddp=False, **defaults):
        if process_group is not None:
            raise ValueError(f"{_WHO}: process_group must be None (the world mpiexec started); nn.distributed has "
                             "no sub-groups")
        if overlap_with_ddp:
            raise NotImplementedError(f"{_WHO}: overlap_with_ddp=True (the step run inside DDP's gradient hook) is "
                                      "not supported by nn.distributed; leave it False and call step() after "
                                      "backward")
        if not (isinstance(optimizer_class, type) and issubclass(optimizer_class, Optimizer)):
            raise TypeError(f"{_WHO}: optimizer_class must be an optimizer class such as nn.optim.AdamW, got "
                            f"{optimizer_class!r}")
        self.initialized = False
        self._shards = None
        Optimizer.__init__(self, params, defaults)
        if not world.is_initialized():
            raise NotInitializedError(f"{_WHO}: Default process group has not been initialized, please make sure to "
                                      "call init_process_group (nn.distributed.init(); one process is a world of "
                                      "one, several are launched with mpiexec -n N python -m mpi4py script.py)")
        self.world_size, self.rank = world.world_size(), world.rank()
        self.global_rank = self.rank
        self.process_group = None
        self.parameters_as_bucket_view = bool(parameters_as_bucket_view)
        self._optim_defaults = defaults
        self._all_state_dicts = []
        self.optim = optimizer_class(self._partition_parameters()[self.rank], **defaults)
        self._sync_param_groups(self.optim.param_groups, self.param_groups)
        self.initialized = True

    # ----- the shards ---------------------------------------------------------------------------------------------
    def _check_group(self, group):
        """Options are the local optimiser's to check."""

    def _partition_parameters(self):
        """Per rank, its param groups (each group's options, its share of the parameters), as PyTorch partitions
        them: per group, largest parameters first, each to the rank with the fewest elements so far."""
        if self._shards is None:
            shards = [[] for _ in range(self.world_size)]
            sizes = [0] * self.world_size
            for group in self.param_groups:
                per_rank = [[] for _ in range(self.world_size)]
                for p in sorted(group["params"], key=lambda t: t.numel(), reverse=True):
                    owner = sizes.index(min(sizes))
                    per_rank[owner].append(p)
                    sizes[owner] += p.numel()
                for owner, params in enumerate(per_rank):
                    shards[owner].append(dict(group, params=params))
            self._shards = shards
        return self._shards

    @property
    def _owners(self):
        """Each parameter's owning rank, by id."""
        return {id(p): owner for owner, groups in enumerate(self._partition_parameters())
                for group in groups for p in group["params"]}

    @staticmethod
    def _sync_param_groups(source, target):
        """Copy every option but 'params' from the groups `source` into `target`, group by group."""
        for src, dst in zip(source, target):
            for key, value in src.items():
                if key != "params":
                    dst[key] = value

    def add_param_group(self, param_group):
        """Add a param group (to every rank's view); this rank's share of it joins the local optimiser."""
        super().add_param_group(param_group)
        if self.initialized:
            self._shards = None
            mine = self._partition_parameters()[self.rank]
            if len(mine) == len(self.optim.param_groups) + 1:
                self.optim.add_param_group(mine[-1])
            self._sync_param_groups(self.optim.param_groups, self.param_groups)

    # ----- stepping -----------------------------------------------------------------------------------------------
    def step(self, closure=None, **kwargs):
        """The local optimiser's step on this rank's shard (options changed on `param_groups`, by a scheduler,
        apply), then each shard broadcast from its owner so that every rank holds every updated parameter.
        Returns the closure's loss."""
        self._sync_param_groups(self.param_groups, self.optim.param_groups)
        loss = self.optim.step(**kwargs) if closure is None else self.optim.step(closure=closure, **kwargs)
        self._sync_param_groups(self.optim.param_groups, self.param_groups)
        if self.world_size > 1:
            owners = self._owners
            with no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        collectives.broadcast(arrays.array(p), src=owners[id(p)])
                        arrays.mark_changed(p)
        return loss

    # ----- checkpoints --------------------------------------------------------------------------------------------
    def consolidate_state_dict(self, to=0):
        """Gather every rank's optimiser state on rank `to` (every rank must call it), for state_dict() there."""
        self._sync_param_groups(self.param_groups, self.optim.param_groups)
        local = self.optim.state_dict()
        if self.world_size == 1:
            self._all_state_dicts = [_copied(local)]
            return
        gathered = []
        for owner in range(self.world_size):
            received = _broadcast_state(local if owner == self.rank else None, owner)
            if self.rank == to:
                gathered.append(received)
        self._all_state_dicts = gathered

    def state_dict(self):
        """PyTorch's global optimiser state dict (every parameter's state, under its global index); needs
        consolidate_state_dict(to=this rank) first, as PyTorch's."""
        if not self._all_state_dicts:
            raise RuntimeError(f"Optimizer state has not been consolidated on this rank. Please call "
                               f"`consolidate_state_dict(to={self.rank})` on all ranks beforehand if you meant to "
                               "save the global state.")
        state_dict = super().state_dict()
        index = {id(p): k for k, p in enumerate(p for g in self.param_groups for p in g["params"])}
        for rank, local in enumerate(self._all_state_dicts):
            for local_group, global_group in zip(local["param_groups"], self._partition_parameters()[rank]):
                for local_index, p in zip(local_group["params"], global_group["params"]):
                    if local_index in local["state"]:
                        state_dict["state"][index[id(p)]] = local["state"][local_index]
        state_dict["state"] = dict(sorted(state_dict["state"].items()))
        return state_dict

    def load_state_dict(self, state_dict):
        """Load a global state dict (from state_dict()): each rank keeps the state of its own shard."""
        params = [p for g in self.param_groups for p in g["params"]]
        owners = self._owners
        mine = {}
        for k, value in state_dict["state"].items():
            p = params[int(k)]
            if owners[id(p)] == self.rank:
                mine[p] = value
        super().load_state_dict({"state": {}, "param_groups": state_dict["param_groups"]})
        local = self.optim.state_dict()
        local_index = {id(p): i for i, p in enumerate(p for g in self.optim.param_groups for p in g["params"])}
        local["state"] = {local_index[id(p)]: value for p, value in mine.items()}
        local["param_groups"] = [dict(g, **{k: v for k, v in self.param_groups[n].items() if k != "params"})
                                 for n, g in enumerate(local["param_groups"])]
        self.optim.load_state_dict(local)
        self._sync_param_groups(self.optim.param_groups, self.param_groups)


def _copied(state_dict):
    """A copy of an optimiser state dict whose tensors do not follow later steps (what PyTorch's consolidation
    keeps: copies on the host)."""
    return {"state": {k: {name: v.detach().clone() if isinstance(v, Tensor) else v for name, v in s.items()}
                      for k, s in state_dict["state"].items()},
            "param_groups": [dict(g) for g in state_dict["param_groups"]]}


def _broadcast_state(state_dict, src):
    """Rank `src`'s optimiser state dict on every rank: a JSON header (options, indices, the buffers' dtypes and
    shapes, numbers) broadcast as bytes, then each buffer as an array."""
    header = None
    if state_dict is not None:
        buffers = []
        state = {}
        for k, entries in state_dict["state"].items():
            state[str(k)] = {}
            for name, v in entries.items():
                if isinstance(v, Tensor):
                    state[str(k)][name] = ["tensor", len(buffers), str(v.dtype), list(v.shape)]
                    buffers.append(np.ascontiguousarray(v.detach().numpy()))
                else:
                    state[str(k)][name] = ["value", v]
        header = json.dumps({"state": state, "param_groups": state_dict["param_groups"]}).encode()
    length = np.array([0 if header is None else len(header)], np.int64)
    collectives.broadcast(length, src=src)
    text = np.frombuffer(header, np.uint8).copy() if header is not None else np.zeros(int(length[0]), np.uint8)
    collectives.broadcast(text, src=src)
    meta = json.loads(text.tobytes().decode())
    result = {"state": {}, "param_groups": [dict(g, betas=tuple(g["betas"])) if "betas" in g else g
                                            for g in meta["param_groups"]]}
    for k, entries in meta["state"].items():
        restored = {}
        for name, spec in entries.items():
            if spec[0] == "tensor":
                array = buffers[spec[1]] if state_dict is not None else np.zeros(spec[3], np.dtype(spec[2]))
                collectives.broadcast(array, src=src)
                restored[name] = Tensor(array.copy())
            else:
                restored[name] = spec[1]
        result["state"][int(k)] = restored
    return result
