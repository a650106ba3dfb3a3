"""Data-parallel training (DistributedDataParallel over MPI): samples/s with 1 and 2 processes, each on one
thread, the all-reduce bandwidth for the model's gradient size, and the share of step time spent waiting
on communication.

Each sample launches `mpiexec -n N python -m mpi4py -m benchmarks.workloads.ddp ...`; the processes train
LeNet-5 (compute-bound: little gradient per sample) or an MLP 784-1024-1024-10 (communication-heavy:
7.1 MB of gradients per 64 samples), a fixed batch of 64 per process, SGD; rank 0 prints one JSON line.
Throughput counts every process's samples (weak scaling: the global batch grows with N). The torch
column is PyTorch's DistributedDataParallel over gloo on the same 2 processes, launched the same way.
The "no exchange" side runs the same 2 processes without DDP (each trains alone): on a machine whose
cores share caches and memory bandwidth with other work, it is the most that 2 processes can give.
"""
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from ..case import OURS, Case, Goal, Side
from ..child import REPO_ROOT, child_env
from ..machine import THREAD_VARIABLES
from . import classifier_step
from .cnn import lenet5

SIZES = (784, 1024, 1024, 10)
BATCH = 64            # per process
BUCKET_MB = 2.0       # so that the MLP's two big weight gradients travel in separate buckets
AS_VIEW = True        # gradient_as_bucket_view, as a PyTorch user tuning DDP would set it
ONE = "1 process"
ALONE = "2 processes, no exchange"   # the machine's own scaling: the ceiling DDP can reach here


def mpiexec():
    """The mpiexec next to this Python (the mpich wheel puts it there), else the one on PATH."""
    beside = Path(sys.executable).parent / "mpiexec"
    found = str(beside) if beside.exists() else None
    if found is None:
        import shutil
        found = shutil.which("mpiexec")
    if found is None:
        raise RuntimeError('mpiexec not found; pip install -e ".[distributed]" (mpi4py and the MPICH wheel)')
    return found


def build_model(nn, name):
    """The model a ddp row trains and the shape of one sample: 'lenet' (LeNet-5 on 1x28x28) or 'mlp'."""
    if name == "lenet":
        return lenet5(nn), (1, 28, 28), 10
    layers = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1]), (SIZES[0],), SIZES[-1]


def _batch(rank, sample_shape, classes):
    """This rank's fixed batch as NumPy arrays: float32 samples and int64 labels."""
    rng = np.random.default_rng(rank)
    return (rng.standard_normal((BATCH,) + sample_shape).astype(np.float32),
            rng.integers(0, classes, BATCH).astype(np.int64))


def child_main(device, steps, model_name="mlp", as_view="0", exchange="1"):
    """Under mpiexec: time `steps` DDP training steps and an all-reduce of the gradient size; rank 0 prints
    {samples_per_s, step_ms, wait_share, allreduce_mb_per_s, gradient_mb, processes} as one JSON line.
    With exchange "0" the model is not wrapped: every process trains alone (the machine's own scaling)."""
    import autograd as ag
    import nn
    import nn.functional as F
    from nn import distributed as dist
    from mpi4py import MPI

    ag.set_default_device(device)
    dist.init("mpi")
    comm, world = MPI.COMM_WORLD, dist.world_size()
    model, sample_shape, classes = build_model(nn, model_name)
    ddp = model
    if exchange == "1":
        ddp = dist.DistributedDataParallel(model, bucket_cap_mb=BUCKET_MB, gradient_as_bucket_view=as_view == "1")
    opt = nn.optim.SGD(model.parameters(), lr=0.01)
    x, y = (ag.tensor(a) for a in _batch(dist.rank(), sample_shape, classes))
    step = classifier_step.training_step(opt, ddp, F.cross_entropy, x, y)

    def wait_time():
        return getattr(ddp, "wait_time", 0.0)

    for _ in range(3):
        step()
    comm.Barrier()
    waited, start = wait_time(), time.perf_counter()
    for _ in range(steps):
        step()
    elapsed = comm.allreduce(time.perf_counter() - start, op=MPI.MAX)
    wait_share = comm.allreduce((wait_time() - waited) / elapsed, op=MPI.SUM) / world

    grad = np.ones(sum(p.size for p in model.parameters()), np.float32)
    times = []
    for _ in range(5):
        comm.Barrier()
        t0 = time.perf_counter()
        comm.Allreduce(MPI.IN_PLACE, grad, op=MPI.SUM)
        times.append(comm.allreduce(time.perf_counter() - t0, op=MPI.MAX))
    if dist.rank() == 0:
        print(json.dumps({"samples_per_s": world * BATCH * steps / elapsed, "step_ms": 1e3 * elapsed / steps,
                          "wait_share": wait_share, "allreduce_mb_per_s": grad.nbytes / 2 ** 20 / np.median(times),
                          "gradient_mb": grad.nbytes / 2 ** 20, "processes": world}), flush=True)


def torch_child_main(steps, model_name):
    """Under mpiexec: the same training with PyTorch's DistributedDataParallel over gloo (its CPU backend),
    one thread per process; rank 0 prints {samples_per_s, step_ms} as one JSON line."""
    import os

    import torch
    import torch.distributed as tdist
    import torch.nn.functional as TF
    from torch import nn as tnn

    rank, world = int(os.environ.get("PMI_RANK", 0)), int(os.environ.get("PMI_SIZE", 1))
    torch.set_num_threads(1)
    tdist.init_process_group("gloo", rank=rank, world_size=world)
    model, sample_shape, classes = build_model(tnn, model_name)
    ddp = tnn.parallel.DistributedDataParallel(model, gradient_as_bucket_view=AS_VIEW) if world > 1 else model
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = (torch.from_numpy(a) for a in _batch(rank, sample_shape, classes))
    step = classifier_step.training_step(opt, ddp, TF.cross_entropy, x, y)

    for _ in range(3):
        step()
    tdist.barrier()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    elapsed = torch.tensor(time.perf_counter() - start, dtype=torch.float64)
    tdist.all_reduce(elapsed, op=tdist.ReduceOp.MAX)
    if rank == 0:
        print(json.dumps({"samples_per_s": world * BATCH * steps / elapsed.item(),
                          "step_ms": 1e3 * elapsed.item() / steps, "processes": world}), flush=True)
    tdist.barrier()   # no rank tears gloo down while another still talks to it
    tdist.destroy_process_group()


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(processes, device, steps, model="lenet", library="deepgrad", exchange=True):
    """Run child_main (or torch_child_main) on `processes` processes, one thread each; returns rank 0's
    JSON as a dict. A launch that fails is made once more (a job of short-lived processes now and then
    dies in its teardown); a second failure raises with both messages."""
    env = child_env(device)
    env.update({name: "1" for name in THREAD_VARIABLES})
    args = [str(device), str(steps), model, "1" if AS_VIEW else "0", "1" if exchange else "0"]
    if library == "torch":
        args = ["torch", str(steps), model]
    failures = []
    while len(failures) < 2:
        if library == "torch":
            env.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(_free_port()))
        command = [mpiexec(), "-n", str(processes), sys.executable, "-m", "mpi4py", "-m",
                   "benchmarks.workloads.ddp", *args]
        proc = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if proc.returncode == 0 and lines:
            return json.loads(lines[-1])
        err = proc.stderr.strip().splitlines()
        failures.append(f"exited with {proc.returncode}: {err[-1] if err else 'no output'}")
    raise RuntimeError(f"mpiexec -n {processes} failed twice: " + "; then ".join(failures))


def _side(processes, device, steps, model, runs, library="deepgrad", exchange=True):
    """A sampler: one launch per sample, samples/s returned, every run's figures kept in `runs`."""
    mpiexec()  # unavailable (with the install command) when MPI is missing
    from importlib.util import find_spec
    if processes > 1 and find_spec("mpi4py") is None:
        raise RuntimeError('mpi4py is not installed; pip install -e ".[distributed]"')
    if library == "torch" and find_spec("torch") is None:
        raise RuntimeError("PyTorch is not installed (pip install torch to compare against it)")
    side = Side()

    def sample():
        result = launch(processes, device, steps, model, library, exchange)
        runs.append(result)
        side.details.update(result)
        return result["samples_per_s"]
    side.sampler = sample
    return side


def _from_runs(runs, key, scale, device, steps, model):
    """A sampler reading `key` from the 2-process runs already made (else making one)."""
    used = []

    def sample():
        if len(used) < len(runs):
            result = runs[len(used)]
        else:
            result = launch(2, device, steps, model)
        used.append(result)
        return result[key] * scale
    return Side(sampler=sample)


MODELS = {  # row name -> (model, its description)
    "ddp": ("lenet", "LeNet-5 (0.24 MB of gradients)"),
    "ddp_mlp": ("mlp", f"MLP {'-'.join(map(str, SIZES))} (7.1 MB of gradients)"),
}


def cases(device, config):
    """The ddp rows on a host-memory device (none on cuda: one GPU cannot show NCCL scaling): the
    compute-bound LeNet-5 (the goal row) and the communication-heavy MLP, each with its all-reduce
    bandwidth and the share of the step spent waiting for gradients."""
    if str(device).startswith("cuda"):
        return []
    steps = 8 if config.quick else 60
    rounds = 1 if config.quick else 7   # a shared machine moves single launches by 1.3x
    rows = []
    for name, (model, described) in MODELS.items():
        if config.quick and name != "ddp":
            continue
        runs = []
        note = f"{described}, batch {BATCH}/process, 1 thread/process"
        rows += [
            Case(name, device, "samples/s",
                 {OURS: lambda model=model, runs=runs: _side(2, device, steps, model, runs),
                  ONE: lambda model=model: _side(1, device, steps, model, []),
                  ALONE: lambda model=model: _side(2, device, steps, model, [], exchange=False),
                  "torch": lambda model=model: _side(2, device, steps, model, [], "torch")},
                 higher_is_better=True, goal=Goal(1.8, ">=", against=ONE), rounds=rounds,
                 note=f"2 processes; {note}"),
            Case(f"{name}_allreduce", device, "MB/s",
                 {OURS: lambda model=model, runs=runs: _from_runs(runs, "allreduce_mb_per_s", 1.0, device, steps,
                                                                  model)},
                 higher_is_better=True, rounds=rounds, note="MPI all-reduce of the gradient size, 2 processes"),
            Case(f"{name}_wait", device, "%",
                 {OURS: lambda model=model, runs=runs: _from_runs(runs, "wait_share", 100.0, device, steps, model)},
                 rounds=rounds, note="share of step time blocked waiting for gradient all-reduces, 2 processes"),
        ]
    return rows


if __name__ == "__main__":
    if sys.argv[1] == "torch":
        torch_child_main(int(sys.argv[2]), sys.argv[3])
    else:
        child_main(sys.argv[1], int(sys.argv[2]), *sys.argv[3:])
