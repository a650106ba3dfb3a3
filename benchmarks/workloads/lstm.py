"""LSTM forward + backward: nn.LSTM(32, 128) over (seq 50, batch 32, 32) inputs, gradient of output.sum()."""
import numpy as np

from ..case import OURS, Case, Goal, Side
from ..floor import lstm_flops, with_floor
from ..sides import load_deepgrad, load_torch

INPUT, HIDDEN, BATCH = 32, 128, 32


def make_input(seq):
    """A fixed random (seq, BATCH, INPUT) float32 sequence."""
    return np.random.default_rng(0).standard_normal((seq, BATCH, INPUT)).astype(np.float32)


def build_ours(device, seq):
    """deepgrad: forward of nn.LSTM and backward of output.sum()."""
    ag, nn, _, sync = load_deepgrad(device)
    model = nn.LSTM(INPUT, HIDDEN).to(device)
    x = ag.tensor(make_input(seq), device=device)

    def step():
        model.zero_grad()
        output, _ = model(x)
        output.sum().backward()
    return Side(step=step, sync=sync)


def build_torch(device, threads, seq):
    """PyTorch: the same LSTM step."""
    torch, tdev, sync = load_torch(device, threads)
    model = torch.nn.LSTM(INPUT, HIDDEN).to(tdev)
    x = torch.from_numpy(make_input(seq)).to(tdev)

    def step():
        model.zero_grad()
        output, _ = model(x)
        output.sum().backward()
    return Side(step=step, sync=sync)


def cases(device, config):
    """The `lstm` case on `device` (seq 50; 20 with --quick), in ms per step."""
    seq = 20 if config.quick else 50
    return [Case("lstm", device, "ms/step",
                 with_floor({OURS: lambda: build_ours(device, seq),
                             "torch": lambda: build_torch(device, config.threads, seq)},
                            device, config.threads, lstm_flops(seq, BATCH, INPUT, HIDDEN)),
                 goal=Goal(1.0), note=f"seq {seq}")]
