"""The process group: which processes take part, this one's rank, and the communication backend they share."""
import os
import sys
import time

import autograd as ag

INSTALL = ('pip install -e ".[distributed]"  (mpi4py and the MPICH wheel; no system MPI needed), then launch '
           "with: mpiexec -n 2 python -m mpi4py your_script.py")
BACKENDS = ("mpi", "nccl")


class _World:
    """What init() settled: the MPI communicator, the backend object that moves arrays, and its name."""

    def __init__(self, comm, backend):
        self.comm, self.backend = comm, backend
        self.rank, self.size = comm.Get_rank(), comm.Get_size()


_world = None


def init(backend=None):
    """Join the processes started by `mpiexec -n N python -m mpi4py script.py` into one group.

    `backend`: "mpi" (MPI through mpi4py; any device, arrays on a GPU go through host memory) or
    "nccl" (NCCL between GPUs through CuPy; the NCCL unique id travels over MPI). Default: "nccl" when
    the default device is a CUDA device, else "mpi". With "nccl" and a default device of plain "cuda",
    each process takes the GPU `local rank % GPUs on its machine` as its default device.
    Started without mpiexec, the group is this process alone (world size 1). Calling init again with the
    same backend does nothing. Under more than one process, an uncaught exception on any rank prints
    its traceback there and ends every rank (MPI_Abort), as `python -m mpi4py` does, and unless
    OMP_NUM_THREADS is set, each process's BLAS and Numba get an equal share of the machine's cores
    (BLAS through threadpoolctl, when installed).
    """
    global _world
    name = _backend_name(backend)
    if _world is not None:
        if _world.backend.name != name:
            raise RuntimeError(f"nn.distributed.init: already initialised with backend {_world.backend.name!r}; "
                               f"cannot switch to {name!r} in the same run")
        return
    try:
        from mpi4py import MPI
    except ImportError:
        raise ImportError(f"nn.distributed.init needs mpi4py, which is not installed: {INSTALL}") from None
    comm = MPI.COMM_WORLD
    if name == "nccl":
        from .nccl_backend import NCCLBackend
        device = _gpu_for_this_process(comm)
        engine = NCCLBackend(comm, device)
    else:
        from .mpi_backend import MPIBackend
        engine = MPIBackend(comm)
    _world = _World(comm, engine)
    if _world.size > 1:
        _abort_all_on_uncaught_exception(comm)
        _share_cores(comm)


def _backend_name(backend):
    if backend is None:
        return "nccl" if str(ag.get_default_device()).startswith("cuda") else "mpi"
    name = str(backend).lower()
    if name not in BACKENDS:
        raise ValueError(f"nn.distributed.init: unknown backend {backend!r}; choose 'mpi' (any device) or 'nccl' "
                         "(CUDA devices), or leave it out to choose from the default device")
    if name == "nccl" and not str(ag.get_default_device()).startswith("cuda"):
        raise ValueError(f"nn.distributed.init: backend 'nccl' works between GPUs, but the default device is "
                         f"{ag.get_default_device()}; set DEEPGRAD_DEVICE=cuda, or use backend 'mpi'")
    return name


def _gpu_for_this_process(comm):
    """The CUDA device this rank uses: the default one when it names an index, else local rank % GPU count."""
    default = str(ag.get_default_device())
    if ":" in default:
        return ag.get_default_device()
    from mpi4py import MPI
    local = comm.Split_type(MPI.COMM_TYPE_SHARED)
    index = local.Get_rank() % max(ag.cuda.device_count(), 1)
    local.Free()
    ag.set_default_device(f"cuda:{index}")
    return ag.get_default_device()


def _share_cores(comm):
    """Unless OMP_NUM_THREADS says otherwise, give each process on a machine an equal share of its cores for
    BLAS and Numba (as torchrun does): processes that each start a thread per core slow each other down
    many times over."""
    if "OMP_NUM_THREADS" in os.environ:
        return
    from mpi4py import MPI
    local = comm.Split_type(MPI.COMM_TYPE_SHARED)
    share = max(1, (os.cpu_count() or 1) // local.Get_size())
    local.Free()
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(share)
    except ImportError:
        pass
    numba = sys.modules.get("numba")
    if numba is not None:
        numba.set_num_threads(min(share, numba.config.NUMBA_NUM_THREADS))


def _abort_all_on_uncaught_exception(comm):
    """Make an uncaught exception end every rank (MPI_Abort) instead of leaving them waiting forever."""
    previous = sys.excepthook

    def abort(kind, value, trace):
        previous(kind, value, trace)
        sys.stderr.flush()
        time.sleep(0.5)   # let mpiexec relay the traceback before the abort tears its output pipes down
        comm.Abort(1)
    sys.excepthook = abort


def current(who):
    """The initialised world; a clear error naming `who` when init() has not run."""
    if _world is None:
        raise RuntimeError(f"{who}: nn.distributed is not initialised; call nn.distributed.init() first, in a "
                           f"script launched with mpiexec -n N python -m mpi4py script.py (install: {INSTALL})")
    return _world


def reset():
    """Forget the group init() made (destroy_process_group); a later init() joins the same processes again."""
    global _world
    _world = None


def is_initialized():
    """True once init() has run in this process."""
    return _world is not None


def rank():
    """This process's number in the group, 0 .. world_size() - 1."""
    return current("nn.distributed.rank").rank


def world_size():
    """The number of processes in the group."""
    return current("nn.distributed.world_size").size


def get_backend():
    """The name of the backend in use: 'mpi' or 'nccl'."""
    return current("nn.distributed.get_backend").backend.name


def barrier():
    """Wait until every process has reached this call."""
    current("nn.distributed.barrier").backend.barrier()


def is_main_process():
    """True on rank 0, and in a process that never called init() (it is alone, so it is the main one)."""
    return _world is None or _world.rank == 0


def parallel():
    """True when init() has run and more than one process takes part."""
    return _world is not None and _world.size > 1

