"""MLP training step (784-256-256-10, ReLU, softmax cross-entropy, SGD lr 0.01).

Two deepgrad variants: `mlp` with nn.Linear layers, and `mlp_autograd` written with autograd ops
only (matmul, bias add, relu, log-softmax), both against the same PyTorch model.
"""
import numpy as np

from ..case import OURS, Case, Goal, Side
from ..floor import mlp_flops, with_floor
from ..sides import load_deepgrad
from . import classifier_step

SIZES = (784, 256, 256, 10)
BATCH = 128
LR = 0.01


def make_data(batch=BATCH, sizes=SIZES):
    """A fixed random batch: float32 inputs (batch, sizes[0]) and int64 class labels (batch,)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], batch).astype(np.int64)
    return x, y


def mlp(nn, sizes=SIZES):
    """Linear-ReLU layers of `sizes` from `nn` (deepgrad's nn, or torch.nn)."""
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def build_ours(device, batch=BATCH, sizes=SIZES):
    """A deepgrad training step of the MLP made of nn.Linear layers."""
    return classifier_step.ours(device, lambda nn: mlp(nn, sizes), make_data(batch, sizes), LR)


def build_ours_autograd(device, batch=BATCH, sizes=SIZES):
    """A deepgrad training step of the same MLP written with autograd ops only."""
    ag, nn, _, sync = load_deepgrad(device)
    rng = np.random.default_rng(1)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        w = rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32)
        b = rng.uniform(-bound, bound, fan_out).astype(np.float32)
        params += [ag.tensor(w, device=device, requires_grad=True), ag.tensor(b, device=device, requires_grad=True)]
    opt = nn.optim.SGD(params, lr=LR)
    x_np, y_np = make_data(batch, sizes)
    x = ag.tensor(x_np, device=device)
    onehot = ag.tensor(np.eye(sizes[-1], dtype=np.float32)[y_np], device=device)

    def step():
        opt.zero_grad()
        h = x
        for i in range(0, len(params), 2):
            h = ag.matmul(h, params[i]) + params[i + 1]
            if i + 2 < len(params):
                h = ag.relu(h)
        logp = h - ag.logsumexp(h, axis=1, keepdims=True)
        loss = -(logp * onehot).sum() / batch
        loss.backward()
        opt.step()
    return Side(step=step, sync=sync)


def build_torch(device, threads, batch=BATCH, sizes=SIZES):
    """The same training step in idiomatic PyTorch (nn.Linear, F.cross_entropy, optim.SGD)."""
    return classifier_step.torch(device, threads, lambda nn: mlp(nn, sizes), make_data(batch, sizes), LR)


def cases(device, config):
    """`mlp` (nn layers) and `mlp_autograd` (autograd ops) on `device`, in ms per step."""
    torch_side = lambda: build_torch(device, config.threads)
    return [Case("mlp", device, "ms/step", with_floor({OURS: lambda: build_ours(device), "torch": torch_side},
                                                       device, config.threads, mlp_flops(BATCH, SIZES)),
                 goal=Goal(1.0)),
            Case("mlp_autograd", device, "ms/step", {OURS: lambda: build_ours_autograd(device), "torch": torch_side},
                 goal=Goal(1.0))]
