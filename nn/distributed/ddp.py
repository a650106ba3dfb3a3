"""DistributedDataParallel: one model replica per process, gradients averaged across processes in backward."""
from contextlib import contextmanager

from autograd import arrays, is_grad_enabled, no_grad

from ..module import Module
from .reducer import Reducer
from .world import current

MB = 2 ** 20


class DistributedDataParallel(Module):
    """Wrap `module` so that every process trains the same model on its own share of the data.

    At wrap time the parameters and buffers of rank 0 are copied to every rank (after a check that every
    rank built the same model: a parameter whose name, shape or dtype differs is named in the error).
    During `loss.backward()` the gradients are averaged over the ranks in buckets of about
    `bucket_cap_mb` MB (the first one `first_bucket_mb`, so communication starts early), each sent
    without blocking as soon as its gradients are final, while backward continues; at the end of
    backward every bucket has arrived and `.grad` holds the average, so `optimizer.step()` needs no
    change. With `broadcast_buffers`, buffers (BatchNorm running statistics) are copied from rank 0 at
    each training forward, as PyTorch does. A parameter no rank gave a gradient keeps `.grad` None; one
    that only some ranks used is averaged with zeros from the others.

    The arguments are PyTorch's, in its order. `find_unused_parameters`, `static_graph` and
    `check_reduction` change nothing (unused parameters are always handled); `device_ids` and
    `output_device` may name at most the one device the module is on (init() chose it).

    Call it like the module; `ddp.module` is the wrapped model; as in PyTorch, the wrapper's state_dict names start with
    'module.', so save `ddp.module.state_dict()` to load it into an unwrapped model.
    With `gradient_as_bucket_view=True`, each `.grad` after a synchronised backward is a view of its
    bucket instead of a copy: one pass over the gradients fewer per step and no second copy of them in
    memory; such a `.grad` is overwritten by the next synchronised backward (as in PyTorch).
    `no_sync()` skips the averaging for gradient accumulation. `wait_time` counts the seconds backward
    spent blocked waiting for the all-reduces. Needs `nn.distributed.init()` first.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=25, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, *, first_bucket_mb=1):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel: expected an nn.Module, got {type(module).__name__}")
        _check_torch_options(device_ids, output_device, dim, process_group)
        world = current("DistributedDataParallel")
        self.module = module
        self.broadcast_buffers = bool(broadcast_buffers)
        self._backend, self._world_size = world.backend, world.size
        self._sync = True
        named = list(module.named_parameters())
        self._buffers_to_sync = [b for _, b in module.named_buffers() if b is not None]
        check_same_model(world.backend, named, list(module.named_buffers()))
        with no_grad():
            for _, t in named:
                self._broadcast(t)
            for b in self._buffers_to_sync:
                self._broadcast(b)
        trainable = [(n, p) for n, p in named if p.requires_grad]
        self._reducer = None
        if world.size > 1 and trainable:
            self._reducer = Reducer([p for _, p in trainable], [n for n, _ in trainable], world.backend,
                                    world.size, int(first_bucket_mb * MB), int(bucket_cap_mb * MB),
                                    as_view=bool(gradient_as_bucket_view))

    def _broadcast(self, t):
        if self._world_size > 1:
            a = arrays.array(t)
            if a.flags.c_contiguous:
                self._backend.broadcast(a, 0)
            else:
                arrays.assign_(t, self._backend.broadcast(a.copy(), 0))
            arrays.mark_changed(t)

    def forward(self, *args, **kwargs):
        """Run the module; when gradients are on and syncing, make the next backward average them."""
        reducer = self._reducer
        grad_on = is_grad_enabled()
        if (reducer is not None and self.broadcast_buffers and self._buffers_to_sync and grad_on
                and self.module.training):
            with no_grad():
                for b in self._buffers_to_sync:
                    self._broadcast(b)
        out = self.module(*args, **kwargs)
        if reducer is not None and grad_on:
            reducer.prepare(out if self._sync else None)
        return out

    @contextmanager
    def no_sync(self):
        """Inside this block, backward only accumulates local gradients; the first synchronised backward
        after it averages the accumulated sum (the forward of that step must run outside the block)."""
        previous, self._sync = self._sync, False
        try:
            yield
        finally:
            self._sync = previous

    @property
    def wait_time(self):
        """Seconds spent blocked waiting for gradient all-reduces since the wrap (0.0 in one process)."""
        return 0.0 if self._reducer is None else self._reducer.wait_time

    def remove_hooks(self):
        """Stop averaging: unhook the parameters (the wrapped module is left as it was before the wrap)."""
        if self._reducer is not None:
            self._reducer.remove()
            self._reducer = None


def _check_torch_options(device_ids, output_device, dim, process_group):
    who = "DistributedDataParallel"
    if device_ids is not None and (not isinstance(device_ids, (list, tuple)) or len(device_ids) > 1):
        raise ValueError(f"{who}: device_ids must be None or a list of one device (each process drives one "
                         f"device), got {device_ids!r}")
    if dim != 0:
        raise ValueError(f"{who}: dim={dim!r} is not supported: each process runs its whole batch on one device "
                         "(dim only matters for splitting a batch over several devices); leave dim out")
    if process_group is not None:
        raise ValueError(f"{who}: process subgroups are not supported (process_group={process_group!r}); leave "
                         "it out to use every process")


def check_same_model(backend, named_params, named_buffers):
    """Raise on every rank, naming the first parameter or buffer whose name, shape or dtype differs between
    this rank and rank 0 (or that one of them lacks)."""
    mine = [(f"parameter {n!r}", tuple(p.shape), str(p.dtype)) for n, p in named_params]
    mine += [(f"buffer {n!r}", tuple(b.shape), str(b.dtype)) for n, b in named_buffers if b is not None]
    everyone = backend.all_gather_object(mine)
    reference = everyone[0]
    for rank, theirs in enumerate(everyone[1:], start=1):
        for k in range(max(len(reference), len(theirs))):
            ref = reference[k] if k < len(reference) else None
            got = theirs[k] if k < len(theirs) else None
            if ref == got:
                continue
            if ref is None or got is None or ref[0] != got[0]:
                what0 = "nothing" if ref is None else ref[0]
                what = "nothing" if got is None else got[0]
                raise ValueError(f"DistributedDataParallel: the models differ between ranks: entry {k} is {what0} "
                                 f"on rank 0 but {what} on rank {rank}; every rank must build the same model")
            raise ValueError(f"DistributedDataParallel: {ref[0]} has shape {ref[1]} ({ref[2]}) on rank 0 but "
                             f"{got[1]} ({got[2]}) on rank {rank}; every rank must build the same model")
