"""GPU-sized training steps (cuda devices only): a 4096-wide MLP and a 64-256 channel conv net."""
import numpy as np

from ..case import OURS, Case, Goal
from . import classifier_step, mlp

MLP_SIZES = (4096, 4096, 4096, 10)
LR = 0.01
#: the goal for GPU-sized work: at most 1.25x PyTorch CUDA
LARGE_GOAL = 1.25


def convnet(nn, channels=(3, 64, 128, 256)):
    """Conv(3x3)-ReLU-MaxPool blocks widening 64 -> 128 -> 256 channels, then a linear classifier (32x32 input)."""
    layers = []
    for c_in, c_out in zip(channels[:-1], channels[1:]):
        layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
    side = 32 // 2 ** (len(channels) - 1)
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(channels[-1] * side * side, 10))


def make_images(batch):
    """A fixed random batch of (batch, 3, 32, 32) float32 images and int64 labels."""
    rng = np.random.default_rng(0)
    return rng.standard_normal((batch, 3, 32, 32)).astype(np.float32), rng.integers(0, 10, batch).astype(np.int64)


def build_conv_ours(device, batch):
    """deepgrad: one SGD training step of `convnet`."""
    return classifier_step.ours(device, convnet, make_images(batch), LR)


def build_conv_torch(device, threads, batch):
    """PyTorch: the same step."""
    return classifier_step.torch(device, threads, convnet, make_images(batch), LR)


def cases(device, config):
    """`large_mlp` and `large_conv` on a cuda device (batch 256; 64 with --quick); nothing elsewhere."""
    if not str(device).startswith("cuda"):
        return []
    batch = 64 if config.quick else 256
    return [
        Case("large_mlp", device, "ms/step",
             {OURS: lambda: mlp.build_ours(device, batch, MLP_SIZES),
              "torch": lambda: mlp.build_torch(device, config.threads, batch, MLP_SIZES)},
             goal=Goal(LARGE_GOAL), note=f"batch {batch}, 4096-4096-4096-10"),
        Case("large_conv", device, "ms/step",
             {OURS: lambda: build_conv_ours(device, batch), "torch": lambda: build_conv_torch(device, config.threads, batch)},
             goal=Goal(LARGE_GOAL), note=f"batch {batch}, 3x32x32, 64-128-256 channels"),
    ]
