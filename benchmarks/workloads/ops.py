"""Per-op overhead: a chain of tiny elementwise ops on a (16,) float32 tensor, forward and backward."""
import numpy as np

from ..case import OURS, Case, Goal, Side
from ..sides import load_deepgrad, load_torch

#: ops per step: 19 elementwise ops in `chain` plus the final sum
OPS_PER_STEP = 20


def chain(x, exp, tanh, sigmoid, relu):
    """The 20-op chain, written once for any library whose tensors support + - * /."""
    t = x * 0.5
    t = t + 0.1
    t = tanh(t)
    t = t * x
    t = sigmoid(t)
    t = exp(t)
    t = t - 1.0
    t = t * t
    t = t + x
    t = relu(t)
    t = t / 2.0
    t = tanh(t)
    t = t - x
    t = sigmoid(t)
    t = t * 3.0
    t = exp(t)
    t = t + t
    t = tanh(t)
    t = t * x
    return t.sum()


def _data():
    return np.random.default_rng(0).standard_normal(16).astype(np.float32)


def build_ours(device):
    """Forward + backward of the chain with deepgrad."""
    ag, _, _, sync = load_deepgrad(device)
    x = ag.tensor(_data(), device=device, requires_grad=True)

    def step():
        x.grad = None
        chain(x, ag.exp, ag.tanh, ag.sigmoid, ag.relu).backward()
    return Side(step=step, sync=sync)


def build_torch(device, threads):
    """Forward + backward of the chain with PyTorch."""
    torch, tdev, sync = load_torch(device, threads)
    x = torch.tensor(_data(), device=tdev, requires_grad=True)

    def step():
        x.grad = None
        chain(x, torch.exp, torch.tanh, torch.sigmoid, torch.relu).backward()
    return Side(step=step, sync=sync)


def cases(device, config):
    """The `ops` case on `device`, reported in microseconds per op."""
    return [Case("ops", device, "us/op",
                 {OURS: lambda: build_ours(device), "torch": lambda: build_torch(device, config.threads)},
                 convert=lambda seconds: seconds * 1e6 / OPS_PER_STEP, goal=Goal(0.8))]
