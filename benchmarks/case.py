"""What a workload hands the runner (Case, Side, Goal) and what the runner hands the report (Row)."""
from dataclasses import dataclass, field
from typing import Callable, Optional

from .timing import Stats, no_sync

#: the library under test; every other side is a point of comparison
OURS = "deepgrad"


@dataclass
class Config:
    """Run-wide settings every workload sees."""

    quick: bool = False
    threads: int = 1
    rounds: int = 7          # samples per side, taken in turns
    target_s: float = 0.2    # length of one timed sample
    warmup: int = 2          # untimed calls before calibration
    isolate: bool = False    # each side in a process of its own (benchmarks/isolated.py)


@dataclass
class Side:
    """One prepared side of a case: a timed `step` (with its device's `sync`), or a `sampler`.

    A sampler returns one sample per call, already in the case's unit; it may record extra
    numbers (memory at checkpoints, ...) in `details`, which end up in the JSON report.
    `close`, when given, runs once the case is measured (to stop what the builder started).
    """

    step: Optional[Callable[[], object]] = None
    sync: Callable[[], object] = no_sync
    sampler: Optional[Callable[[], float]] = None
    details: dict = field(default_factory=dict)
    close: Optional[Callable[[], object]] = None


@dataclass
class Goal:
    """A target on the ratio ours/`against` of medians: `ratio <= limit` or `ratio >= limit`."""

    limit: float
    op: str = "<="
    against: str = "torch"
    best_cpu_only: bool = False   # judged only on the fastest CPU device of the run

    def ratio(self, row):
        """The ratio this goal judges, or None when a side is missing."""
        return row.ratio_to(self.against)

    def judge(self, row):
        """(text for the goal column, True/False/None when it cannot be judged)."""
        text = f"{self.op} {self.limit:g}" + ("" if self.against == "torch" else f" x {self.against}")
        if self.best_cpu_only and not row.device.startswith("cuda"):   # a GPU row is judged on its own
            text += " (best CPU)"
            if not row.judged:
                return text, None
        ratio = self.ratio(row)
        if ratio is None:
            return text, None
        if self.against != "torch":
            text += f" ({ratio:.2f})"
        met = ratio <= self.limit if self.op == "<=" else ratio >= self.limit
        return text, met


@dataclass
class Case:
    """One row of the report to be measured: named sides, each built lazily by a no-argument function.

    `builders` maps side names (OURS, "torch", "numpy", ...) to functions returning a Side; a
    builder that raises (a missing package, an API that differs) makes that side "unavailable".
    `convert` maps a timed sample in seconds per call to the reported unit.
    """

    workload: str
    device: str
    unit: str
    builders: dict
    convert: Callable[[float], float] = lambda seconds: seconds * 1e3
    higher_is_better: bool = False
    goal: Optional[Goal] = None
    rounds: Optional[int] = None   # overrides Config.rounds (for slow samplers)
    note: str = ""
    #: side name -> key; a side whose key was measured earlier in the run reuses that measurement
    reuse: dict = field(default_factory=dict)


@dataclass
class Row:
    """A measured case: per-side Stats in the case's unit, and per-side errors for the sides that failed."""

    workload: str
    device: str
    unit: str
    stats: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    higher_is_better: bool = False
    goal: Optional[Goal] = None
    judged: bool = True
    note: str = ""

    def ratio_to(self, side):
        """Median of ours divided by the median of `side`, or None if either is missing."""
        ours, other = self.stats.get(OURS), self.stats.get(side)
        if ours is None or other is None or other.median == 0:
            return None
        return ours.median / other.median

    @property
    def ratio(self):
        """ours/torch of medians (None when either side is missing)."""
        return self.ratio_to("torch")

    def judge(self):
        """(goal text, met) where met is True, False or None (not judged)."""
        if self.goal is None:
            return "", None
        return self.goal.judge(self)

    def to_dict(self):
        """This row as plain JSON-ready data."""
        goal_text, met = self.judge()
        return {
            "workload": self.workload, "device": self.device, "unit": self.unit,
            "higher_is_better": self.higher_is_better,
            "sides": {name: stats.to_dict() for name, stats in self.stats.items()},
            "errors": dict(self.errors), "details": dict(self.details),
            "ratio": self.ratio, "goal": goal_text or None,
            "goal_ratio": self.goal.ratio(self) if self.goal else None, "met": met, "note": self.note,
        }
