"""LeNet-5 training step (batch of 1x28x28 images, SGD), deepgrad against PyTorch."""
import numpy as np

from ..case import OURS, Case, Goal, Side
from ..sides import load_deepgrad, load_torch

LR = 0.01


def lenet5(nn, dense):
    """LeNet-5 from the layers of `nn` (deepgrad's nn or torch.nn), with `dense` its fully connected layer."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        dense(400, 120), nn.ReLU(),
        dense(120, 84), nn.ReLU(),
        dense(84, 10))


def make_data(batch):
    """A fixed random batch of (batch, 1, 28, 28) float32 images and int64 labels."""
    rng = np.random.default_rng(0)
    return rng.standard_normal((batch, 1, 28, 28)).astype(np.float32), rng.integers(0, 10, batch).astype(np.int64)


def build_ours(device, batch):
    """A deepgrad training step of LeNet-5."""
    ag, nn, F, sync = load_deepgrad(device)
    model = lenet5(nn, nn.Dense).to(device)
    opt = nn.optim.SGD(model.parameters(), lr=LR)
    x, y = (ag.tensor(a, device=device) for a in make_data(batch))

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return Side(step=step, sync=sync)


def build_torch(device, threads, batch):
    """The same LeNet-5 training step in PyTorch."""
    torch, tdev, sync = load_torch(device, threads)
    model = lenet5(torch.nn, torch.nn.Linear).to(tdev)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    x, y = (torch.from_numpy(a).to(tdev) for a in make_data(batch))

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return Side(step=step, sync=sync)


def cases(device, config):
    """The `cnn` case on `device` (batch 64; 16 with --quick), in ms per step."""
    batch = 16 if config.quick else 64
    return [Case("cnn", device, "ms/step",
                 {OURS: lambda: build_ours(device, batch), "torch": lambda: build_torch(device, config.threads, batch)},
                 goal=Goal(1.0, best_cpu_only=True), note=f"batch {batch}")]
