"""nn.distributed under mpiexec: each test starts `mpiexec -n 2 python -m mpi4py <worker>` (the workers in
distributed_workers/ assert on the ranks) and checks its exit, output and files. Skipped when mpi4py or
mpiexec is missing (pip install -e ".[distributed]")."""
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKERS = Path(__file__).resolve().parent / "distributed_workers"
THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


def _mpiexec():
    if importlib.util.find_spec("mpi4py") is None:
        return None
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else shutil.which("mpiexec")


MPIEXEC = _mpiexec()
needs_mpi = pytest.mark.skipif(MPIEXEC is None, reason='needs mpi4py and mpiexec: pip install -e ".[distributed]"')


def run_workers(script, *args, n=2, timeout=120, device="cpu"):
    """Run a worker (a file name in distributed_workers/, or an absolute path) on `n` processes; returns the
    CompletedProcess (stdout and stderr as text)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               DEEPGRAD_DEVICE=device, **{name: "1" for name in THREADS})
    command = [MPIEXEC, "-n", str(n), sys.executable, "-m", "mpi4py", str(WORKERS / script), *map(str, args)]
    # its own process group: on a timeout the ranks go too (killing mpiexec alone left a rank spinning in a
    # collective at 100% of a core for the rest of the session, slowing every later test)
    with subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)


def _explain(proc):
    return f"exit {proc.returncode}\nstdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"


def _host_devices():
    try:
        import backends
        return [d for d in ("cpu", "numba") if d in backends.available()]
    except Exception:
        return ["cpu"]


@needs_mpi
@pytest.mark.parametrize("device", _host_devices())
def test_collectives_ddp_steps_no_sync_and_buffers(device):
    """Collectives; 20 steps bit-identical across ranks and equal to one process on the global batch (with a
    parameter used twice, one used on one rank only, one never used, several buckets); no_sync
    accumulation equal to one big step; BatchNorm buffers from rank 0."""
    proc = run_workers("ddp_steps.py", device, device=device)
    assert proc.returncode == 0, _explain(proc)
    for name in ("collectives", "20 steps", "no_sync", "20 steps as bucket views", "no_sync as bucket views",
                 "batchnorm buffers"):
        assert f"OK {name}" in proc.stdout, _explain(proc)


@needs_mpi
def test_sync_batchnorm_normalises_over_every_rank():
    """SyncBatchNorm on two half batches: outputs, input gradients, summed parameter gradients and running
    statistics of one BatchNorm on the whole batch; a converted DDP model trains as one process."""
    proc = run_workers("sync_batchnorm.py")
    assert proc.returncode == 0, _explain(proc)
    for name in ("sync batchnorm equals one process", "converted DDP model trains as one process"):
        assert f"OK {name}" in proc.stdout, _explain(proc)


@needs_mpi
def test_fit_under_mpiexec(tmp_path):
    """fit unchanged: the same history and evaluate results on both ranks, the same weights, checkpoints
    and the CSV log written by rank 0 only, progress printed once."""
    proc = run_workers("fit_run.py", tmp_path)
    assert proc.returncode == 0, _explain(proc)
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]
    assert ranks[0]["history"] == ranks[1]["history"]
    assert ranks[0]["evaluate"] == ranks[1]["evaluate"]
    assert ranks[0]["weights"] == ranks[1]["weights"]
    assert len(ranks[0]["history"]["loss"]) == 3 and set(ranks[0]["history"]) >= {"val_loss", "val_f1"}
    assert ranks[0]["checkpoint"] is not None and ranks[1]["checkpoint"] is None
    written = sorted(p.name for p in tmp_path.glob("ckpt-*.safetensors"))
    assert written and Path(ranks[0]["checkpoint"]).name == written[-1]
    assert len((tmp_path / "log.csv").read_text().strip().splitlines()) == 4
    epochs = [line for line in proc.stdout.splitlines() if line.startswith("Epoch ")]
    assert [line.split(" - ")[0] for line in epochs] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"], _explain(proc)
    # 41 validation examples (205 * 0.2), each counted once across the ranks: accuracies are k/41
    assert all(abs(a * 41 - round(a * 41)) < 1e-9 for a in ranks[0]["history"]["val_accuracy"])


@needs_mpi
def test_the_example_loop_runs_under_mpiexec(tmp_path):
    proc = run_workers(ROOT / "examples" / "mnist_distributed.py", "--loop", "--epochs", "1", "--checkpoint",
                       tmp_path / "w.safetensors")
    assert proc.returncode == 0, _explain(proc)
    assert "2 process(es)" in proc.stdout and (tmp_path / "w.safetensors").exists()
    accuracy = float(proc.stdout.split("test accuracy ")[1].split(";")[0])
    assert accuracy > 0.7


@needs_mpi
def test_a_rank_that_raises_ends_the_job():
    started = time.perf_counter()
    proc = run_workers("failures.py", "raise", timeout=60)
    assert proc.returncode != 0
    assert time.perf_counter() - started < 60
    assert (proc.stdout + proc.stderr).count("ValueError: rank 1 failed on purpose") == 1, _explain(proc)


@needs_mpi
def test_mismatched_models_fail_at_wrap_naming_the_parameter():
    proc = run_workers("failures.py", "mismatch", timeout=60)
    assert proc.returncode != 0
    assert "parameter '2.weight' has shape (5, 8)" in proc.stderr and "(6, 8)" in proc.stderr, _explain(proc)


def _has_gpu():
    try:
        import backends
        return any(name.startswith("cuda") for name in backends.available())
    except Exception:
        return False


needs_gpu = pytest.mark.skipif(MPIEXEC is None or not _has_gpu(), reason="needs a CUDA GPU, CuPy and mpi4py")


@needs_gpu
def test_ddp_on_one_gpu_with_two_processes_over_mpi():
    """CuPy arrays through the MPI backend (host staging): 2 processes sharing the one GPU."""
    proc = run_workers("ddp_steps.py", "cuda", "mpi", device="cuda", timeout=300)
    assert proc.returncode == 0, _explain(proc)
    assert "OK no_sync" in proc.stdout


@needs_gpu
def test_nccl_with_world_size_one():
    proc = run_workers("nccl_single.py", n=1, device="cuda", timeout=300)
    assert proc.returncode == 0, _explain(proc)
    assert "OK nccl" in proc.stdout, _explain(proc)


def test_without_init_every_call_says_to_init():
    from nn import distributed as dist
    from nn.data import DistributedSampler
    assert not dist.is_initialized() and dist.is_main_process()
    import nn
    for call in (lambda: dist.all_reduce(np.ones(2)), lambda: dist.broadcast(np.ones(2)),
                 lambda: dist.all_gather(np.ones(2)), dist.barrier, dist.rank, dist.world_size,
                 lambda: dist.DistributedDataParallel(nn.Linear(2, 2)), lambda: DistributedSampler(list(range(4)))):
        with pytest.raises(RuntimeError, match=r"call nn\.distributed\.init\(\) first.*mpiexec"):
            call()


def test_init_refuses_unknown_and_misplaced_backends():
    from nn import distributed as dist
    with pytest.raises(ValueError, match="unknown backend 'gloo'"):
        dist.init("gloo")
    with pytest.raises(ValueError, match="backend 'nccl' works between GPUs"):
        dist.init("nccl")
    assert not dist.is_initialized()


def test_nccl_type_and_op_tables():
    """The NCCL backend's dtype and reduction tables (the GPU path itself needs CuPy and a GPU)."""
    from nn.distributed.nccl_backend import nccl_dtype, nccl_op

    class FakeNccl:
        NCCL_FLOAT16, NCCL_FLOAT32, NCCL_FLOAT64, NCCL_INT32, NCCL_INT64, NCCL_UINT8, NCCL_INT8 = range(7)
        NCCL_SUM, NCCL_MAX, NCCL_MIN = 10, 11, 12
    assert nccl_dtype(FakeNccl, np.float32) == FakeNccl.NCCL_FLOAT32
    assert nccl_dtype(FakeNccl, np.bool_) == FakeNccl.NCCL_UINT8
    assert nccl_op(FakeNccl, "mean") == FakeNccl.NCCL_SUM and nccl_op(FakeNccl, "max") == FakeNccl.NCCL_MAX
    with pytest.raises(TypeError, match="complex128 cannot be communicated"):
        nccl_dtype(FakeNccl, np.complex128)


def test_gradient_counts_follow_the_graph():
    """A parameter used twice waits for two gradients; one not in the graph for none."""
    import autograd as ag
    import nn
    from nn.distributed.reducer import count_edges
    shared, unused = nn.Linear(3, 3), nn.Linear(3, 3)
    x = ag.randn(2, 3)
    out = shared(shared(x)) * 2
    params = [shared.weight, shared.bias, unused.weight]
    assert count_edges(out, params) == [2, 2, 0]
    assert count_edges((out, {"raw": shared.weight}), params) == [3, 2, 0]


def test_buckets_go_last_parameter_first_and_respect_the_caps():
    import autograd as ag
    from nn.distributed.reducer import plan_buckets
    params = [ag.zeros(100), ag.zeros(100), ag.zeros(10), ag.zeros(10, dtype=ag.float64), ag.zeros(1000)]
    # float32: 400 bytes per 100 values; the first bucket closes at 100 bytes, the others at 800
    assert plan_buckets(params, 100, 800) == [[4], [3], [2, 1], [0]]
    assert plan_buckets(params, 10 ** 6, 10 ** 6) == [[4], [3], [2, 1, 0]]  # a dtype change closes a bucket
    assert plan_buckets(params[:3], 10, 10) == [[2], [1], [0]]


@needs_mpi
def test_a_pytorch_ddp_script_with_its_imports_changed_matches_pytorch(tmp_path):
    """PyTorch's names (init_process_group, get_rank, nn.parallel.DistributedDataParallel(model, device_ids,
    find_unused_parameters=...), all_reduce(op=, async_op=), destroy_process_group) under mpiexec; the
    2-process result equals PyTorch's one-process run on the same global batches of 16 (two accumulated
    halves of 8 per rank)."""
    torch = pytest.importorskip("torch")
    out = tmp_path / "params.npz"
    proc = run_workers("torch_port.py", out)
    assert proc.returncode == 0, _explain(proc)
    saved = np.load(out)
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.standard_normal((96, 5)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 3, 96))
    model = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    model.load_state_dict({k: torch.from_numpy(saved[f"init.{k}"]) for k in model.state_dict()})
    optimizer = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    for _ in range(2):
        for start in range(0, 96, 32):  # a step: two micro-batches per rank, ranks interleaved by the sampler
            for half in (slice(start, start + 16), slice(start + 16, start + 32)):
                (torch.nn.functional.cross_entropy(model(x[half]), y[half]) / 2).backward()
            optimizer.step()
            optimizer.zero_grad()
    for k, v in model.state_dict().items():
        np.testing.assert_allclose(saved[f"final.{k}"], v.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


@needs_mpi
def test_keras_fit_under_mpiexec_equals_one_process_on_the_global_batch():
    """keras.Model.fit after init(): data sharded, gradients averaged, every metric (accuracy, precision,
    per-output losses) combined over the ranks; it used to train each rank on all the data alone."""
    proc = run_workers("keras_fit.py")
    assert proc.returncode == 0, _explain(proc)
    assert "OK keras fit" in proc.stdout, _explain(proc)
