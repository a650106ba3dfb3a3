"""PyTorch's names for the process group (torch.distributed's init_process_group, get_rank, ...), so a ported
script keeps its calls; the world always comes from mpiexec."""
import os

from . import world

# torch.distributed backend names -> ours ("gloo" and "mpi" both mean MPI on the CPU devices)
_BACKENDS = {"gloo": "mpi", "mpi": "mpi", "nccl": "nccl"}


def is_available():
    """True: nn.distributed is always there (init() tells you when mpi4py is missing)."""
    return True


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """PyTorch's name for init(): joins the processes mpiexec started. `backend` "gloo" or "mpi" means MPI,
    "nccl" NCCL, None (or a "cpu:gloo,cuda:nccl" list) the default device's choice. `world_size` and
    `rank`, when given, must be what mpiexec started (they are checked, not used); `init_method`, `store`
    and MASTER_ADDR/MASTER_PORT are not needed (MPI finds the processes)."""
    who = "nn.distributed.init_process_group"
    name = None
    if backend is not None and "," not in str(backend) and ":" not in str(backend):
        name = _BACKENDS.get(str(backend).lower())
        if name is None:
            raise ValueError(f"{who}: unknown backend {backend!r}; use 'gloo' or 'mpi' (MPI on the CPU devices), "
                             "'nccl' (between GPUs), or leave it out")
    world.init(name)
    size, me = world.world_size(), world.rank()
    launched = os.environ.get("WORLD_SIZE")
    if size == 1 and launched is not None and launched.isdigit() and int(launched) > 1:
        raise RuntimeError(f"{who}: WORLD_SIZE={launched} (a torchrun launch?) but MPI started this process "
                           f"alone; launch with: mpiexec -n {launched} python -m mpi4py your_script.py")
    for what, given, actual in (("world_size", world_size, size), ("rank", rank, me)):
        if given is not None and int(given) != -1 and int(given) != actual:
            raise ValueError(f"{who}: {what}={given} but mpiexec started this process with {what} {actual}; "
                             f"launch with mpiexec -n {given if what == 'world_size' else 'N'} python -m mpi4py "
                             f"your_script.py, or leave {what} out (the launch decides it)")


def get_rank(group=None):
    """PyTorch's name for rank()."""
    _no_group(group, "nn.distributed.get_rank")
    return world.rank()


def get_world_size(group=None):
    """PyTorch's name for world_size()."""
    _no_group(group, "nn.distributed.get_world_size")
    return world.world_size()


def destroy_process_group(group=None):
    """Leave the group: is_initialized() is False afterwards (MPI itself closes when the process exits)."""
    _no_group(group, "nn.distributed.destroy_process_group")
    world.current("nn.distributed.destroy_process_group")
    world.reset()


def _no_group(group, who):
    if group is not None:
        raise ValueError(f"{who}: process subgroups are not supported (group={group!r}); every call uses the "
                         "whole world, so leave group out")
