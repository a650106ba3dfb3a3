"""LeNet-5 training step (batch of 1x28x28 images, SGD), deepgrad against PyTorch."""
import numpy as np

from ..case import OURS, Case, Goal
from . import classifier_step

LR = 0.01


def lenet5(nn):
    """LeNet-5 from the layers of `nn` (deepgrad's nn or torch.nn)."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def make_data(batch):
    """A fixed random batch of (batch, 1, 28, 28) float32 images and int64 labels."""
    rng = np.random.default_rng(0)
    return rng.standard_normal((batch, 1, 28, 28)).astype(np.float32), rng.integers(0, 10, batch).astype(np.int64)


def build_ours(device, batch):
    """A deepgrad training step of LeNet-5."""
    return classifier_step.ours(device, lenet5, make_data(batch), LR)


def build_torch(device, threads, batch):
    """The same LeNet-5 training step in PyTorch."""
    return classifier_step.torch(device, threads, lenet5, make_data(batch), LR)


def cases(device, config):
    """The `cnn` case on `device` (batch 64; 16 with --quick), in ms per step."""
    batch = 16 if config.quick else 64
    return [Case("cnn", device, "ms/step",
                 {OURS: lambda: build_ours(device, batch), "torch": lambda: build_torch(device, config.threads, batch)},
                 goal=Goal(1.0, best_cpu_only=True), note=f"batch {batch}")]
