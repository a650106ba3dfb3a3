"""--isolate: each side of a case is built and sampled in a child process of its own."""
import pytest

from benchmarks import isolated
from benchmarks.case import OURS, Config
from benchmarks.workloads import cases_for


def _case(name, device="cpu", config=Config(quick=True, rounds=2, target_s=0.01, warmup=1)):
    return next(c for c in cases_for("ops", device, config) if c.workload == name), config


def test_each_side_is_sampled_in_its_own_process():
    case, config = _case("ops")
    row = isolated.measure_isolated("ops", case, config)
    assert len(row.stats[OURS].samples) == 2 and 0.1 < row.stats[OURS].median < 1e4   # us/op, not seconds
    assert "torch" in row.stats or "torch" in row.errors


def test_a_side_that_cannot_be_built_is_reported_not_raised(monkeypatch):
    case, config = _case("ops")
    case.builders = {OURS: case.builders[OURS], "missing": None}
    row = isolated.measure_isolated("ops", case, config)
    assert OURS in row.stats
    assert row.errors["missing"].startswith("unavailable")


def test_the_side_process_names_the_failure(monkeypatch):
    with pytest.raises(RuntimeError, match="workload 'ops' has no case 'no_such_case' on cpu"):
        isolated.SideProcess("ops", "no_such_case", "cpu", OURS, Config(quick=True))
