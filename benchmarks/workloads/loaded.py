"""Steps on a busy machine: the MLP, LeNet-5, an LSTM, a 3x3 convolution layer and a CIFAR ResNet-8
step timed while a second process
keeps one core busy (a plain Python loop, started when the case is built and stopped when it is
measured), deepgrad against PyTorch, each side in a process of its own. Run beside `mlp`, `cnn` and
`convs` for the quiet figures:

    python -m benchmarks --suite mlp,cnn,loaded

A BLAS thread that waits for a core another process holds spins for a whole scheduler tick, so
libraries that run small products on every core slow down many times over here; deepgrad runs
products of 2^18 to 2^22 multiply-adds on one thread and measures which thread count is faster for
larger ones and for whole recurrences (backends/thread_choice.py).
"""
import subprocess
import sys
import time

import numpy as np

from ..case import OURS, Case, Goal, Side
from ..child import run_child
from . import classifier_step, cnn, conv_nets, convs, generation, lstm, mlp

#: the background load: one interpreter spinning until it is stopped
SPIN = "while True:\n    pass\n"


class BusyCore:
    """A second process that keeps one core busy; start() and stop() may be called more than once."""

    def __init__(self):
        self._process = None

    def start(self):
        """Start the spinning process unless it runs already."""
        if self._process is None:
            self._process = subprocess.Popen([sys.executable, "-c", SPIN], stdin=subprocess.DEVNULL)

    def stop(self):
        """Stop the spinning process if it runs."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


def _under_load(busy, build):
    """A builder that starts the load, builds the side, and stops the load when the side closes."""
    def builder():
        busy.start()
        try:
            side = build()
        except BaseException:
            busy.stop()
            raise
        side.close = busy.stop
        return side
    return builder


#: each side runs in its own process: in one process, the idle threads of one library (PyTorch's
#: OpenMP threads spin after each op) would take the one free core from the other's next step
_CHILD = "import json, sys; from benchmarks.workloads import loaded; print(json.dumps(loaded.child_main(*sys.argv[1:])))"
LAYER = (8, 128, 128, 28, 3, 1, 1, 1)


def _build(name, side, device, threads, batch):
    if name == "mlp_loaded":
        return mlp.build_ours(device) if side == OURS else mlp.build_torch(device, threads)
    if name == "cnn_loaded":
        return cnn.build_ours(device, batch) if side == OURS else cnn.build_torch(device, threads, batch)
    if name == "lstm_loaded":
        seq = 20 if batch < 64 else 50
        return lstm.build_ours(device, seq) if side == OURS else lstm.build_torch(device, threads, seq)
    if name == "generate_loaded":
        return generation.build_ours(device) if side == OURS else generation.build_torch(device, threads)
    if name == "resnet_loaded":
        build, data = (lambda nn: conv_nets.cifar_resnet(nn, 8)), convs._net_data(batch)
        return (classifier_step.ours(device, build, data, convs.LR) if side == OURS
                else classifier_step.torch(device, threads, build, data, convs.LR))
    return convs._layer_ours(device, LAYER) if side == OURS else convs._layer_torch(device, threads, LAYER)


def child_main(name, side, device, threads, batch, seconds):
    """In a child process: time steps of case `name` for one side (about `seconds` after a warm-up);
    returns {"seconds": the median seconds per step}."""
    built = _build(name, side, device, int(threads), int(batch))
    for _ in range(3):
        built.step()
    built.sync()
    times, end = [], time.perf_counter() + float(seconds)
    while time.perf_counter() < end or len(times) < 5:
        start = time.perf_counter()
        built.step()
        built.sync()
        times.append(time.perf_counter() - start)
    return {"seconds": float(np.median(times))}


def _side_in_child(name, side, device, threads, batch, seconds):
    return Side(sampler=lambda: 1e3 * run_child(_CHILD, [name, side, device, threads, batch, seconds],
                                                  device)["seconds"])


def cases(device, config):
    """`mlp_loaded`, `cnn_loaded` (goal: at most 1.2x PyTorch's step), `lstm_loaded`, `conv_loaded` and
    `resnet_loaded`, `generate_loaded` on
    `device`, each side timed in its own process (one sample per launch) while the busy process runs."""
    batch = 16 if config.quick else 64
    seconds = 0.3 if config.quick else 1.0
    notes = {"mlp_loaded": "MLP 784-256-256-10, batch 128", "cnn_loaded": f"LeNet-5, batch {batch}",
             "lstm_loaded": f"LSTM 32->128, batch 32, seq {20 if config.quick else 50}, forward + backward",
             "conv_loaded": "conv b8 128->128 28x28 k3, forward + backward",
             "resnet_loaded": f"CIFAR ResNet-8 training step, batch {batch}",
             "generate_loaded": f"a small GPT's greedy generation of {generation.NEW_TOKENS} tokens (workload `generate`)"}
    rows = []
    for name, note in notes.items():
        busy = BusyCore()
        sides = {side: _under_load(busy, lambda side=side, name=name: _side_in_child(
                     name, side, device, config.threads, batch, seconds)) for side in (OURS, "torch")}
        rows.append(Case(name, device, "ms/step", sides, goal=Goal(1.2) if name in ("mlp_loaded", "cnn_loaded") else None,
                         note=f"{note}; one core kept busy by another process; each side in its own process"))
    return rows
