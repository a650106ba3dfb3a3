"""The ops, mlp, cnn and lstm steps compiled with `ag.jit`, beside the same steps eager and PyTorch eager.

Each `<workload>_jit` row has three sides: deepgrad with jit (the one judged), deepgrad eager and
PyTorch eager, all measured in the same run. `jit_capture` times the capturing call of the MLP step
against one eager step (first-time Numba compilation is not in it: a jit step's first call runs
eagerly, and the capture itself compiles nothing).
"""
import time

from ..case import OURS, Case, Goal, Side
from ..floor import lstm_flops, mlp_flops, with_floor
from . import cnn, lstm, mlp, ops

EAGER = "deepgrad eager"


def compiled(side):
    """The Side with its step wrapped in ag.jit and already captured (two calls: eager, then capture)."""
    import autograd as ag
    step = ag.jit(side.step)
    step()
    step()
    return Side(step=step, sync=side.sync)


def _timed(call, sync):
    sync()
    t0 = time.perf_counter()
    call()
    sync()
    return time.perf_counter() - t0


def capture_seconds(device):
    """One sample: the time of the capturing call of a fresh jit MLP step on `device` (after its eager call)."""
    import autograd as ag
    side = mlp.build_ours(device)
    step = ag.jit(side.step)
    step()               # a jit step's first call runs eagerly (and compiles any Numba kernel for the first time)
    return _timed(step, side.sync)


def eager_seconds(device):
    """One sample: the time of one eager step of a fresh MLP (after one warm-up step)."""
    side = mlp.build_ours(device)
    side.step()
    return _timed(side.step, side.sync)


def cases(device, config):
    """`ops_jit`, `mlp_jit`, `cnn_jit`, `lstm_jit` and `jit_capture` on `device`."""
    seq = 20 if config.quick else 50
    batch = 16 if config.quick else 64
    threads = config.threads
    numba = device == "numba"
    rows = [
        ("ops_jit", "us/op", lambda: ops.build_ours(device), lambda: ops.build_torch(device, threads),
         Goal(0.5 if device.startswith("cuda") else 0.4), lambda s: s * 1e6 / ops.OPS_PER_STEP, ""),
        ("mlp_jit", "ms/step", lambda: mlp.build_ours(device), lambda: mlp.build_torch(device, threads),
         Goal(1.0 if device.startswith("cuda") else 0.6), None, ""),
        ("cnn_jit", "ms/step", lambda: cnn.build_ours(device, batch), lambda: cnn.build_torch(device, threads, batch),
         Goal(1.0) if device.startswith("cuda") else Goal(1.0, against=EAGER), None, f"batch {batch}"),
        ("lstm_jit", "ms/step", lambda: lstm.build_ours(device, seq), lambda: lstm.build_torch(device, threads, seq),
         Goal(1.5 if device.startswith("cuda") else 0.7 if numba else 1.0), None, f"seq {seq}"),
    ]
    out = []
    for name, unit, ours, torch_side, goal, convert, note in rows:
        builders = {OURS: (lambda ours=ours: compiled(ours())), EAGER: ours, "torch": torch_side}
        if name == "mlp_jit":
            builders = with_floor(builders, device, threads, mlp_flops(mlp.BATCH, mlp.SIZES))
        elif name == "lstm_jit":
            builders = with_floor(builders, device, threads, lstm_flops(seq, lstm.BATCH, lstm.INPUT, lstm.HIDDEN))
        extra = {"convert": convert} if convert else {}
        out.append(Case(name, device, unit, builders, goal=goal, note=note, **extra))
    out.append(Case("jit_capture", device, "ms", {OURS: lambda: Side(sampler=lambda: capture_seconds(device) * 1e3),
                                                 EAGER: lambda: Side(sampler=lambda: eager_seconds(device) * 1e3)},
                    goal=Goal(3.0, against=EAGER), note="mlp: the capturing call vs one eager step", rounds=7))
    return out
