"""Transformer encoder training step: 2 layers of nn.TransformerEncoderLayer(256, 4 heads, feed-forward 1024,
dropout 0.1, batch_first) on a (32, 128, 256) batch, MSE to a fixed target, one Adam step."""
import numpy as np

from ..case import OURS, Case, Goal
from ..sides import load_deepgrad, load_torch
from .classifier_step import training_side

WIDTH, HEADS, FEEDFORWARD, LAYERS, DROPOUT = 256, 4, 1024, 2, 0.1


def make_data(batch, seq):
    """A fixed random input batch (batch, seq, WIDTH) and regression target of the same shape, float32."""
    rng = np.random.default_rng(0)
    return tuple(rng.standard_normal((batch, seq, WIDTH)).astype(np.float32) for _ in range(2))


def encoder(nn):
    """The encoder from `nn` (deepgrad's nn or torch.nn), in training mode."""
    layer = nn.TransformerEncoderLayer(WIDTH, HEADS, FEEDFORWARD, DROPOUT, batch_first=True)
    return nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False).train()


def build_ours(device, batch, seq):
    """deepgrad: forward, backward and Adam step of the encoder."""
    ag, nn, F, sync = load_deepgrad(device)
    model = encoder(nn).to(device)
    x, y = (ag.tensor(a, device=device) for a in make_data(batch, seq))
    return training_side(nn.optim.Adam(model.parameters(), lr=1e-4), model, F.mse_loss, x, y, sync)


def build_torch(device, threads, batch, seq):
    """PyTorch: the same step."""
    torch, tdev, sync = load_torch(device, threads)
    model = encoder(torch.nn).to(tdev)
    x, y = (torch.from_numpy(a).to(tdev) for a in make_data(batch, seq))
    return training_side(torch.optim.Adam(model.parameters(), lr=1e-4), model, torch.nn.functional.mse_loss, x,
                         y, sync)


def cases(device, config):
    """The `transformer` case on `device` (batch 32, sequence 128; 8 x 32 with --quick), in ms per step."""
    batch, seq = (8, 32) if config.quick else (32, 128)
    return [Case("transformer", device, "ms/step",
                 {OURS: lambda: build_ours(device, batch, seq),
                  "torch": lambda: build_torch(device, config.threads, batch, seq)},
                 goal=Goal(1.5, best_cpu_only=True), note=f"batch {batch}, seq {seq}")]
