"""Memory of MLP training: peak growth over a run of steps, and whether it stays flat.

Each side runs in a fresh process (`child_main`) so that one side's caches never count for the
other. Memory is counted from just before the first step, so one-off costs of the first step
(Numba loading or compiling kernels) count: the resident set (RSS) on CPU devices, the allocator's
bytes on GPUs (for CuPy the pool's reserved bytes stand for the peak). deepgrad on host memory
also runs a second pass under tracemalloc, which sees every NumPy allocation exactly and so
decides flatness.
"""
import json
import resource
import sys

from ..case import OURS, Case, Side
from ..child import run_child
from ..sides import load_backend, load_torch, torch_device_for
from . import mlp

MB = 2 ** 20


def _rss_bytes():
    """Current resident set size (Linux /proc), else the peak (the only number getrusage gives)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize()
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def _rss_peak_bytes():
    """Peak RSS since _reset_rss_peak (VmHWM in /proc/self/status)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmHWM in /proc/self/status")


def _reset_rss_peak():
    """Reset the kernel's peak-RSS mark (Linux 4.0+); returns False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        _rss_peak_bytes()
        return True
    except OSError:
        return False


def _probes(side, device):
    """(method, current bytes, peak bytes since the reset or None, reset) for one side's device.

    Without a resettable peak, the peak is the largest `current` seen between steps.
    """
    if str(device).startswith("cuda"):
        if side == OURS:
            pool = load_backend(device).xp.get_default_memory_pool()
            return "cupy memory pool", pool.used_bytes, pool.total_bytes, lambda: True
        torch = load_torch(device)[0]
        return ("torch.cuda allocator", torch.cuda.memory_allocated, torch.cuda.max_memory_allocated,
                lambda: torch.cuda.reset_peak_memory_stats() or True)
    return "RSS", _rss_bytes, _rss_peak_bytes, _reset_rss_peak


def _measure(step, sync, steps, check, current):
    """Run `steps` steps -> memory (bytes, from `current`) after step `check`, after the last one, and the
    largest seen after any step."""
    at_check, largest = None, 0
    for i in range(1, steps + 1):
        step()
        sync()
        largest = max(largest, current())
        if i == check:
            at_check = current()
    return at_check, current(), largest


def child_main(side, device, threads, steps, check):
    """In a fresh process: build one side's MLP step, run it, print the memory figures as one JSON line."""
    steps, check, threads = int(steps), int(check), int(threads)
    built = mlp.build_ours(device) if side == OURS else mlp.build_torch(device, threads)
    method, current, peak, reset = _probes(side, device)
    built.sync()
    base = current()
    resettable = reset()
    at_check, at_end, largest = _measure(built.step, built.sync, steps, check, current)
    top = max(largest, peak()) if resettable else largest
    out = {"method": method, "peak_mb": max(top - base, 0) / MB,
           "at_check_mb": (at_check - base) / MB, "at_end_mb": (at_end - base) / MB}
    out["growth_mb"] = out["at_end_mb"] - out["at_check_mb"]
    if side == OURS and load_backend(device).host_memory:
        import tracemalloc
        tracemalloc.start()
        at_check, at_end, _ = _measure(built.step, built.sync, steps, check,
                                       lambda: tracemalloc.get_traced_memory()[0])
        out.update(method="RSS; flatness by tracemalloc", traced_peak_mb=tracemalloc.get_traced_memory()[1] / MB,
                   traced_growth_mb=(at_end - at_check) / MB)
        tracemalloc.stop()
    print(json.dumps(out))


_CHILD = "import sys; from benchmarks.workloads.memory import child_main; child_main(*sys.argv[1:])"


def build_side(side, device, config, steps, check):
    """A sampler running one side in a fresh process; returns its peak growth in MB and keeps the rest."""
    built = Side()

    def sample():
        result = run_child(_CHILD, [side, device, config.threads, steps, check], device)
        built.details.update(result)
        return result["peak_mb"]
    built.sampler = sample
    return built


class FlatGoal:
    """Met when deepgrad's memory after the check step and after the last step differ by little."""

    def __init__(self, check, steps):
        self.check, self.steps = check, steps

    def ratio(self, row):
        """Peak growth ours/torch (no limit applies to it)."""
        return row.ratio

    def judge(self, row):
        """('flat ...' text, met) judged on the traced growth where there is one, else the measured growth."""
        text = f"flat {self.check}->{self.steps}"
        details = row.details.get(OURS)
        if not details:
            return text, None
        growth = details.get("traced_growth_mb", details["growth_mb"])
        peak = details.get("traced_peak_mb", details["peak_mb"])
        return f"{text} ({round(growth, 2) + 0.0:+.2f} MB)", growth <= max(1.0, 0.05 * peak)


def cases(device, config):
    """The `memory` case on `device`: peak growth in MB over 200 steps (80 with --quick).

    With --quick, PyTorch runs once per PyTorch device (cpu serves both 'cpu' and 'numba').
    """
    steps, check = (80, 20) if config.quick else (200, 50)
    reuse = {"torch": ("memory", torch_device_for(device))} if config.quick else {}
    return [Case("memory", device, "MB",
                 {name: (lambda name=name: build_side(name, device, config, steps, check)) for name in (OURS, "torch")},
                 goal=FlatGoal(check, steps), rounds=1, note=f"MLP, {steps} steps, peak growth", reuse=reuse)]
