"""Large float32 matmul throughput: deepgrad, PyTorch, and the raw array module (the BLAS peak) in one run."""
import numpy as np

from ..case import OURS, Case, Goal, Side
from ..sides import load_deepgrad, load_torch


def make_operands(n):
    """Two fixed random (n, n) float32 matrices."""
    rng = np.random.default_rng(0)
    return rng.standard_normal((n, n)).astype(np.float32), rng.standard_normal((n, n)).astype(np.float32)


def build_ours(device, n):
    """deepgrad: a @ b without gradient tracking."""
    ag, _, _, sync = load_deepgrad(device)
    a, b = (ag.tensor(m, device=device) for m in make_operands(n))

    def step():
        with ag.no_grad():
            a @ b
    return Side(step=step, sync=sync)


def build_raw(device, n):
    """The bare array library (NumPy, or CuPy on cuda) multiplying the same matrices: the peak to reach."""
    if not str(device).startswith("cuda"):
        a, b = make_operands(n)
        return Side(step=lambda: np.matmul(a, b))
    import cupy
    gpu = cupy.cuda.Device(int(str(device).partition(":")[2] or 0))
    with gpu:
        a, b = (cupy.asarray(m) for m in make_operands(n))

    def step():
        with gpu:
            cupy.matmul(a, b)
    return Side(step=step, sync=gpu.synchronize)


def build_torch(device, threads, n):
    """PyTorch: a @ b."""
    torch, tdev, sync = load_torch(device, threads)
    a, b = (torch.from_numpy(m).to(tdev) for m in make_operands(n))

    def step():
        with torch.no_grad():
            a @ b
    return Side(step=step, sync=sync)


def cases(device, config):
    """The `matmul` case on `device` (2048x2048; 1024 with --quick), in GFLOP/s; the goal is a share of the
    bare library's speed: 90% of NumPy's on the CPU, 80% of cupy.matmul's on a GPU."""
    n = 1024 if config.quick else 2048
    flop = 2.0 * n ** 3
    gpu = str(device).startswith("cuda")
    raw = "cupy" if gpu else "numpy"
    return [Case("matmul", device, "GFLOP/s",
                 {OURS: lambda: build_ours(device, n), "torch": lambda: build_torch(device, config.threads, n),
                  raw: lambda: build_raw(device, n)},
                 convert=lambda seconds: flop / seconds / 1e9, higher_is_better=True,
                 goal=Goal(0.8 if gpu else 0.9, op=">=", against=raw), note=f"{n}x{n}")]
