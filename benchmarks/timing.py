"""Timing: warm-up, calibrated repeated runs, interleaving of several sides, and summary statistics.

Every measurement is a *sample*: one number (seconds per call for timed steps, or any value a
sampler returns, such as a subprocess's startup time). Sides are sampled in turns, A B A B ...,
so that noise from other processes hits every side alike.
"""
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Stats:
    """Median and range of a list of samples (all in one unit)."""

    samples: list = field(default_factory=list)

    @property
    def median(self):
        return statistics.median(self.samples)

    @property
    def min(self):
        return min(self.samples)

    @property
    def max(self):
        return max(self.samples)

    @property
    def spread(self):
        """max/min: 1 for perfectly repeatable samples (inf when the minimum is not positive)."""
        return self.max / self.min if self.min > 0 else float("inf")

    def convert(self, fn):
        """These samples mapped through `fn` (e.g. seconds -> GFLOP/s); min and max follow the values."""
        return Stats([fn(s) for s in self.samples])

    def to_dict(self):
        """Median, min, max and the samples, for JSON."""
        return {"median": self.median, "min": self.min, "max": self.max, "samples": list(self.samples)}


def no_sync():
    """A synchronize function for devices that run synchronously."""


def time_per_call(step, sync=no_sync, number=1, clock=time.perf_counter):
    """Seconds per call of `step`, averaged over `number` calls, with the device synchronized at both ends."""
    sync()
    start = clock()
    for _ in range(number):
        step()
    sync()
    return (clock() - start) / number


def calibrate(step, sync=no_sync, target_s=0.1, warmup=1, max_number=100_000, clock=time.perf_counter):
    """How many calls of `step` make one sample of about `target_s` seconds, after `warmup` untimed calls.

    The first call may compile or allocate (numba, cuDNN autotuning, caches), so it is never timed.
    """
    for _ in range(max(warmup, 1)):
        step()
    sync()
    number = 1
    while True:
        elapsed = time_per_call(step, sync, number, clock) * number
        if elapsed >= target_s / 4 or number >= max_number:
            break
        number = min(max_number, number * 10 if elapsed == 0 else max(number * 2, int(number * target_s / 4 / elapsed)))
    per_call = elapsed / number
    if per_call <= 0:
        return max_number
    return max(1, min(max_number, round(target_s / per_call)))


def timed_sampler(step, sync=no_sync, number=1, clock=time.perf_counter):
    """A sampler (no-argument callable returning one sample) that times `number` calls of `step`."""
    return lambda: time_per_call(step, sync, number, clock)


def interleave(samplers, rounds):
    """Sample every side in turn for `rounds` rounds, the order rotating by one side each round
    -> (name -> Stats, name -> error text).

    `samplers` maps a side's name to a no-argument callable returning one sample. A side whose
    sampler raises is dropped from later rounds and its error kept; the other sides go on.
    """
    samples = {name: [] for name in samplers}
    errors = {}
    names = list(samplers)
    for round_number in range(rounds):
        # each round starts one side later, so that every side follows every other equally often: a side
        # sampled right after PyTorch runs while PyTorch's OpenMP threads are still spinning
        shift = round_number % len(names) if names else 0
        for name in names[shift:] + names[:shift]:
            sampler = samplers[name]
            if name in errors:
                continue
            try:
                samples[name].append(float(sampler()))
            except Exception as exc:  # a broken side must not stop the others
                errors[name] = f"failed: {describe_error(exc)}"
    stats = {name: Stats(values) for name, values in samples.items() if values and name not in errors}
    return stats, errors


def describe_error(exc):
    """One line naming an exception's type and message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")
