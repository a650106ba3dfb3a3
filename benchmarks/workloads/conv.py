"""Large 2-D convolution forward throughput (3x3, padding 1), deepgrad against PyTorch."""
import numpy as np

from ..case import OURS, Case, Side
from ..sides import load_deepgrad, load_torch

CHANNELS, KERNEL = 64, 3


def make_operands(batch, size):
    """Fixed random float32 input (batch, 64, size, size) and weight (64, 64, 3, 3)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, CHANNELS, size, size)).astype(np.float32)
    w = (rng.standard_normal((CHANNELS, CHANNELS, KERNEL, KERNEL)) * 0.05).astype(np.float32)
    return x, w


def build_ours(device, batch, size):
    """deepgrad: F.conv2d(x, w, padding=1) without gradient tracking."""
    ag, _, F, sync = load_deepgrad(device)
    x, w = (ag.tensor(a, device=device) for a in make_operands(batch, size))

    def step():
        with ag.no_grad():
            F.conv2d(x, w, padding=1)
    return Side(step=step, sync=sync)


def build_torch(device, threads, batch, size):
    """PyTorch: the same convolution."""
    torch, tdev, sync = load_torch(device, threads)
    x, w = (torch.from_numpy(a).to(tdev) for a in make_operands(batch, size))

    def step():
        with torch.no_grad():
            torch.nn.functional.conv2d(x, w, padding=1)
    return Side(step=step, sync=sync)


def cases(device, config):
    """The `conv` case on `device` (batch 32 at 56x56; 8 at 28x28 with --quick), in GFLOP/s."""
    batch, size = (8, 28) if config.quick else (32, 56)
    flop = 2.0 * batch * CHANNELS * size * size * CHANNELS * KERNEL * KERNEL
    return [Case("conv", device, "GFLOP/s",
                 {OURS: lambda: build_ours(device, batch, size),
                  "torch": lambda: build_torch(device, config.threads, batch, size)},
                 convert=lambda seconds: flop / seconds / 1e9, higher_is_better=True,
                 note=f"batch {batch}, 64->64, {size}x{size}")]
