"""Steps on a busy machine: the MLP, LeNet-5 and a 3x3 convolution layer timed while a second process
keeps one core busy (a plain Python loop, started when the case is built and stopped when it is
measured), deepgrad against PyTorch. Run beside `mlp`, `cnn` and `convs` for the quiet figures:

    python -m benchmarks --suite mlp,cnn,loaded

A BLAS thread that waits for a core another process holds spins for a whole scheduler tick, so
libraries that run small products on every core slow down many times over here; deepgrad runs
products of 2^20 to 2^22 multiply-adds on one thread and measures which thread count is faster for
larger ones (backends/thread_choice.py).
"""
import subprocess
import sys

from ..case import OURS, Case, Goal
from . import cnn, convs, mlp

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


def cases(device, config):
    """`mlp_loaded`, `cnn_loaded` (goal: at most 1.2x PyTorch's step) and `conv_loaded` on `device`."""
    batch = 16 if config.quick else 64
    layer = (8, 128, 128, 28, 3, 1, 1, 1)
    builders = {
        "mlp_loaded": (lambda: mlp.build_ours(device), lambda: mlp.build_torch(device, config.threads),
                       "MLP 784-256-256-10, batch 128"),
        "cnn_loaded": (lambda: cnn.build_ours(device, batch), lambda: cnn.build_torch(device, config.threads, batch),
                       f"LeNet-5, batch {batch}"),
        "conv_loaded": (lambda: convs._layer_ours(device, layer), lambda: convs._layer_torch(device, config.threads,
                                                                                           layer),
                        "conv b8 128->128 28x28 k3, forward + backward"),
    }
    rows = []
    for name, (ours, theirs, note) in builders.items():
        busy = BusyCore()
        rows.append(Case(name, device, "ms/step", {OURS: _under_load(busy, ours), "torch": _under_load(busy, theirs)},
                         goal=Goal(1.2) if name != "conv_loaded" else None,
                         note=f"{note}; one core kept busy by another process"))
    return rows
