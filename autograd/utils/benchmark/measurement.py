"""What a benchmark Timer measured: the task it ran (`TaskSpec`) and the `Measurement` of its times, with
torch.utils.benchmark's statistics and printed layout."""
import dataclasses
import math
import textwrap

import numpy as np

_MAX_SIGNIFICANT_FIGURES = 4
_MIN_CONFIDENCE_INTERVAL = 25e-9   # 25 ns: no measurement is trusted finer than this
_IQR_WARN_THRESHOLD = 0.1
_IQR_GROSS_WARN_THRESHOLD = 0.25
_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
_ENGLISH = {"ns": "nanosecond", "us": "microsecond", "ms": "millisecond", "s": "second"}


def log10_f32(value):
    """log10 of a float32 value, rounded to float32 (as PyTorch's benchmark tables take it)."""
    # PyTorch takes these logarithms of float32 tensors; rounding the same way keeps unit and digit choices
    # identical at powers of ten (NumPy's own float32 log10 is an ulp off there, so round a float64 log instead)
    value = float(np.float32(value))
    if value <= 0:
        return -math.inf if value == 0 else math.nan
    return float(np.float32(math.log10(value)))


def select_unit(t):
    """(unit, seconds per unit) that shows time `t` (in seconds) with a leading part of order 1."""
    unit = {-3: "ns", -2: "us", -1: "ms"}.get(int(log10_f32(t) // 3) if math.isfinite(log10_f32(t)) else 0, "s")
    return unit, _UNITS[unit]


def unit_to_english(unit):
    """The English name of a time unit ('us' -> 'microsecond')."""
    return _ENGLISH[unit]


def trim_sigfig(x, n):
    """`x` rounded to `n` significant figures (3.14159, 2 -> 3.1)."""
    if n != int(n):
        raise ValueError(f"trim_sigfig: the number of significant figures must be an integer, got {n!r}")
    magnitude = int(math.ceil(log10_f32(abs(x))))
    scale = 10 ** (magnitude - n)
    return float(np.round(np.float32(x / scale)) * np.float32(scale))


@dataclasses.dataclass(frozen=True)
class TaskSpec:
    """What a Timer runs and how it is labelled (everything but its globals)."""
    stmt: str
    setup: str
    global_setup: str = ""
    label: str = None
    sub_label: str = None
    description: str = None
    env: str = None
    num_threads: int = 1

    __repr__ = object.__repr__

    @property
    def title(self):
        """The measurement's heading: label (or the one-line stmt), with the sub_label after a colon."""
        suffix = f": {self.sub_label}" if self.sub_label else ""
        if self.label is not None:
            return self.label + suffix
        if "\n" not in self.stmt:
            return self.stmt + suffix
        return f"stmt:{f' ({self.sub_label})' if self.sub_label else ''}\n{textwrap.indent(self.stmt, '  ')}"

    def setup_str(self):
        """The setup line(s) of the printed summary ('' for no setup)."""
        if self.setup in ("pass", ""):
            return ""
        return f"setup:\n{textwrap.indent(self.setup, '  ')}" if "\n" in self.setup else f"setup: {self.setup}"

    def summarize(self):
        """The task's part of a Measurement's repr: title, description, setup."""
        parts = [p for p in (self.title, self.description or "", self.setup_str()) if p]
        return "\n".join(f"{p}\n" if "\n" in p else p for p in parts)


_TASK_FIELDS = tuple(f.name for f in dataclasses.fields(TaskSpec))


@dataclasses.dataclass(repr=False)
class Measurement:
    """The times of one or more runs of `number_per_run` executions of a statement, with their statistics."""
    number_per_run: int
    raw_times: list
    task_spec: TaskSpec
    metadata: dict = None

    def __post_init__(self):
        self._sorted_times = ()
        self._warnings = ()
        self._median = self._mean = self._p25 = self._p75 = -1.0

    def __getattr__(self, name):
        # the task's fields (stmt, label, sub_label, description, num_threads, ...) read through, as PyTorch's
        if name in _TASK_FIELDS:
            return getattr(self.task_spec, name)
        raise AttributeError(f"'Measurement' object has no attribute {name!r}")

    @property
    def times(self):
        """Seconds per execution of the statement, one per run."""
        return [t / self.number_per_run for t in self.raw_times]

    @property
    def median(self):
        """The median of `times`."""
        self._statistics()
        return self._median

    @property
    def mean(self):
        """The mean of `times`."""
        self._statistics()
        return self._mean

    @property
    def iqr(self):
        """The interquartile range (75th minus 25th percentile) of `times`."""
        self._statistics()
        return self._p75 - self._p25

    @property
    def significant_figures(self):
        """How many figures of the median its spread supports (1 to 4), from the interquartile times."""
        self._statistics()
        n = len(self._sorted_times)
        middle = self._sorted_times[n // 4:int(math.ceil(3 * n / 4))]
        std = float(np.std(np.asarray(middle, dtype=np.float32)))
        interval = max(1.645 * std / math.sqrt(len(middle)), _MIN_CONFIDENCE_INTERVAL)
        figures = int(math.floor(log10_f32(self._median / interval)))
        return min(max(figures, 1), _MAX_SIGNIFICANT_FIGURES)

    @property
    def has_warnings(self):
        """Whether the spread of the times is large enough to warn about."""
        self._statistics()
        return bool(self._warnings)

    def meets_confidence(self, threshold=_IQR_WARN_THRESHOLD):
        """Whether iqr / median is below `threshold`."""
        return self.iqr / self.median < threshold

    @property
    def title(self):
        """The task's title."""
        return self.task_spec.title

    @property
    def env(self):
        """The task's env label (None when unset)."""
        return self.task_spec.env

    @property
    def as_row_name(self):
        """The row this measurement takes in a Compare table: sub_label, else stmt."""
        return self.sub_label or self.stmt or "[Unknown]"

    def _statistics(self):
        if not self.raw_times or self._sorted_times:
            return
        self._sorted_times = tuple(sorted(self.times))
        values = np.asarray(self._sorted_times, dtype=np.float64)
        self._median, self._p25, self._p75 = (float(q) for q in np.quantile(values, (0.5, 0.25, 0.75)))
        self._mean = float(values.mean())
        if not self.meets_confidence(_IQR_GROSS_WARN_THRESHOLD):
            self._warn("This suggests significant environmental influence.")
        elif not self.meets_confidence(_IQR_WARN_THRESHOLD):
            self._warn("This could indicate system fluctuation.")

    def _warn(self, why):
        spread = self.iqr / self.median * 100
        self._warnings += (f"  WARNING: Interquartile range is {spread:.1f}% of the median measurement.\n"
                           f"           {why}",)

    def __repr__(self):
        self._statistics()
        n = len(self._sorted_times)
        unit, scale = select_unit(self._median)
        threads = f"{self.num_threads} thread{'s' if self.num_threads > 1 else ''}"
        lines = [object.__repr__(self), self.task_spec.summarize(),
                 f"  {'Median: ' if n > 1 else ''}{self._median / scale:.2f} {unit}"]
        if n >= 4:
            lines.append(f"  IQR:    {self.iqr / scale:.2f} {unit} ({self._p25 / scale:.2f} to "
                         f"{self._p75 / scale:.2f})")
        lines.append(f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs "
                     f"{'per measurement,' if n > 1 else ','} {threads}")
        lines.extend(self._warnings)
        return "\n".join(lines).strip()

    @staticmethod
    def merge(measurements):
        """One Measurement per distinct task, pooling the per-execution times of its replicates."""
        pooled = {}
        for m in measurements:
            pooled.setdefault(m.task_spec, []).extend(m.times)
        return [Measurement(number_per_run=1, raw_times=times, task_spec=spec) for spec, times in pooled.items()]
