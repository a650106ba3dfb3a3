"""Time to first step: a fresh `python -c` process that imports the library and runs one MLP training step.

The clock starts in the parent just before the process is launched and stops when the child has
finished its first step, so interpreter start, imports, device set-up and any compilation count.
"""
import json
import time

from ..case import OURS, Case, Side
from ..child import run_child
from ..sides import torch_device_for
from . import mlp


def child_main(side, device, threads, launched_at):
    """In a fresh process: one MLP step of `side`, then print the seconds since `launched_at` (time.time())."""
    built = mlp.build_ours(device) if side == OURS else mlp.build_torch(device, int(threads))
    built.step()
    built.sync()
    print(json.dumps({"seconds": time.time() - float(launched_at)}))


_CHILD = "import sys; from benchmarks.workloads.startup import child_main; child_main(*sys.argv[1:])"


def build_side(side, device, config):
    """A sampler launching one fresh process per sample; returns its time to first step in seconds."""
    return Side(sampler=lambda: run_child(_CHILD, [side, device, config.threads, repr(time.time())], device)["seconds"])


def cases(device, config):
    """The `startup` case on `device`, in seconds (3 samples per side; with --quick 1, and PyTorch once
    per PyTorch device)."""
    reuse = {"torch": ("startup", torch_device_for(device))} if config.quick else {}
    return [Case("startup", device, "s",
                 {name: (lambda name=name: build_side(name, device, config)) for name in (OURS, "torch")},
                 rounds=1 if config.quick else 3, note="import + first MLP step", reuse=reuse)]
