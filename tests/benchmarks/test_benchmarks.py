"""The benchmark suite: timing and statistics on fake callables, the runner, the report, and a CLI smoke run."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import machine, report
from benchmarks.__main__ import _threads_in, parse_args
from benchmarks.case import OURS, Case, Config, Goal, Row, Side
from benchmarks.runner import mark_best_cpu, measure
from benchmarks.timing import Stats, calibrate, describe_error, interleave, time_per_call, timed_sampler
from benchmarks.workloads import WORKLOADS, resolve
from benchmarks.workloads.memory import FlatGoal

REPO = Path(__file__).resolve().parents[2]


class FakeClock:
    """A clock that only moves when a fake step says so."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def costly_step(clock, seconds, calls):
    """A step that 'takes' `seconds` on `clock` and counts its calls."""
    def step():
        calls.append(1)
        clock.now += seconds
    return step


# ----- timing ---------------------------------------------------------------------------------
def test_stats_median_min_max_and_conversion():
    s = Stats([3.0, 1.0, 2.0, 10.0])
    assert (s.median, s.min, s.max) == (2.5, 1.0, 10.0)
    gflops = s.convert(lambda seconds: 10.0 / seconds)   # a time -> throughput map reverses the order
    assert (gflops.min, gflops.max) == (1.0, 10.0)
    assert gflops.median == pytest.approx((10 / 2 + 10 / 3) / 2)
    assert s.to_dict() == {"median": 2.5, "min": 1.0, "max": 10.0, "samples": [3.0, 1.0, 2.0, 10.0]}


def test_time_per_call_averages_and_synchronizes_before_reading_the_clock():
    clock, events = FakeClock(), []

    def step():
        events.append("step")
        clock.now += 0.5

    def sync():
        events.append("sync")
        clock.now += 1.0   # pending device work finishing: must be inside the timed span at the end only
    assert time_per_call(step, sync, number=4, clock=clock) == pytest.approx((4 * 0.5 + 1.0) / 4)
    assert events == ["sync"] + ["step"] * 4 + ["sync"]


def test_calibrate_picks_a_number_of_calls_that_fills_the_target():
    clock, calls = FakeClock(), []
    number = calibrate(costly_step(clock, 0.001, calls), target_s=0.2, warmup=3, clock=clock)
    assert number == 200
    assert len(calls) >= 3 + 50   # the warm-up calls, then at least a quarter of the target timed


def test_calibrate_never_returns_less_than_one_call():
    clock = FakeClock()
    assert calibrate(costly_step(clock, 5.0, []), target_s=0.1, clock=clock) == 1


def test_interleave_rotates_the_sides_and_keeps_going_when_one_fails():
    order = []

    def side(name, value):
        def sample():
            order.append(name)
            return value
        return sample

    def broken():
        order.append("C")
        raise ValueError("shapes (2,) and (3,) do not match")
    stats, errors = interleave({"A": side("A", 1.0), "B": side("B", 2.0), "C": broken}, rounds=3)
    assert order == ["A", "B", "C", "B", "A", "A", "B"]   # rounds start at A, B, C (C dropped after failing)
    assert stats["A"].samples == [1.0] * 3 and stats["B"].samples == [2.0] * 3
    assert "C" not in stats
    assert errors == {"C": "failed: ValueError: shapes (2,) and (3,) do not match"}


def test_timed_sampler_returns_seconds_per_call():
    clock, calls = FakeClock(), []
    sample = timed_sampler(costly_step(clock, 0.25, calls), number=8, clock=clock)
    assert sample() == pytest.approx(0.25)
    assert len(calls) == 8


def test_describe_error_is_one_line():
    assert describe_error(ImportError("No module named 'autograd'\nmore")) == "ImportError: No module named 'autograd'"
    assert describe_error(RuntimeError()) == "RuntimeError"


# ----- goals and rows -------------------------------------------------------------------------
def row_with(ours, torch=None, goal=None, **sides):
    stats = {OURS: Stats([ours])}
    if torch is not None:
        stats["torch"] = Stats([torch])
    stats.update({name: Stats([v]) for name, v in sides.items()})
    return Row("w", "cpu", "ms/step", stats=stats, goal=goal)


def test_goal_judges_the_ratio_in_its_direction():
    assert row_with(8.0, 10.0).ratio == pytest.approx(0.8)
    assert row_with(8.0, 10.0, Goal(0.8)).judge() == ("<= 0.8", True)
    assert row_with(9.0, 10.0, Goal(0.8)).judge() == ("<= 0.8", False)
    text, met = row_with(95.0, 50.0, Goal(0.9, op=">=", against="numpy"), numpy=100.0).judge()
    assert met is True and text == ">= 0.9 x numpy (0.95)"
    assert row_with(80.0, 50.0, Goal(0.9, op=">=", against="numpy"), numpy=100.0).judge()[1] is False
    assert row_with(8.0, None, Goal(0.8)).judge() == ("<= 0.8", None)   # nothing to compare with


def test_best_cpu_goal_is_judged_on_the_fastest_cpu_device_only():
    goal = Goal(1.0, best_cpu_only=True)
    rows = [Row("cnn", dev, "ms/step", stats={OURS: Stats([ours]), "torch": Stats([10.0])}, goal=goal)
            for dev, ours in (("cpu", 30.0), ("numba", 9.0), ("cuda:0", 50.0))]
    mark_best_cpu(rows)
    assert [r.judged for r in rows] == [False, True, True]
    assert [r.judge()[1] for r in rows] == [None, True, False]
    assert [r.judge()[0] for r in rows] == ["<= 1 (best CPU)", "<= 1 (best CPU)", "<= 1"]


def test_flat_goal_uses_traced_growth_when_present():
    goal = FlatGoal(50, 200)
    row = Row("memory", "cpu", "MB", stats={OURS: Stats([5.0])}, goal=goal,
              details={OURS: {"growth_mb": 3.0, "peak_mb": 5.0, "traced_growth_mb": 0.01, "traced_peak_mb": 4.0}})
    assert row.judge() == ("flat 50->200 (+0.01 MB)", True)
    row.details[OURS]["traced_growth_mb"] = -0.001
    assert row.judge() == ("flat 50->200 (+0.00 MB)", True)
    row.details[OURS] = {"growth_mb": 30.0, "peak_mb": 40.0}
    assert row.judge() == ("flat 50->200 (+30.00 MB)", False)


# ----- runner ---------------------------------------------------------------------------------
def test_measure_reports_unavailable_and_failed_sides_and_converts_units():
    def broken_import():
        raise ModuleNotFoundError("No module named 'autograd'")

    def crashes():
        raise RuntimeError("kernel exploded")
    case = Case("toy", "cpu", "us/op",
                {OURS: broken_import, "torch": lambda: Side(step=lambda: sum(range(50))),
                 "crashy": lambda: Side(step=crashes), "sampled": lambda: Side(sampler=lambda: 42.0)},
                convert=lambda seconds: seconds * 1e6, goal=Goal(0.8))
    row = measure(case, Config(rounds=3, target_s=0.002, warmup=1))
    assert row.errors[OURS] == "unavailable: ModuleNotFoundError: No module named 'autograd'"
    assert row.errors["crashy"] == "failed: RuntimeError: kernel exploded"
    assert len(row.stats["torch"].samples) == 3 and 0 < row.stats["torch"].median < 1e5   # microseconds
    assert row.stats["sampled"].samples == [42.0] * 3   # samplers are already in the unit
    assert row.judge() == ("<= 0.8", None)


def test_measure_reuses_a_side_measured_earlier_in_the_run():
    counter = []
    case = lambda dev: Case("startup", dev, "s", {OURS: lambda: Side(sampler=lambda: 1.0),
                                                  "torch": lambda: Side(sampler=lambda: counter.append(1) or 2.0)},
                            rounds=2, reuse={"torch": ("startup", "cpu")})
    reused = {}
    first, second = measure(case("cpu"), Config(), reused), measure(case("numba"), Config(), reused)
    assert len(counter) == 2   # the second device did not run torch again
    assert second.stats["torch"].samples == first.stats["torch"].samples == [2.0, 2.0]


# ----- report ---------------------------------------------------------------------------------
def sample_rows():
    ok = Row("ops", "cpu", "us/op", stats={OURS: Stats([8.0, 7.5, 9.0]), "torch": Stats([10.0, 11.0, 9.5])},
             goal=Goal(0.8))
    missing = Row("mlp", "numba", "ms/step", stats={"torch": Stats([2.0])},
                  errors={OURS: "unavailable: ModuleNotFoundError: No module named 'nn'"}, goal=Goal(1.0))
    again = Row("cnn", "numba", "ms/step", stats={"torch": Stats([20.0])},
                errors={OURS: "unavailable: ModuleNotFoundError: No module named 'nn'"}, goal=Goal(1.0))
    matmul = Row("matmul", "cpu", "GFLOP/s", stats={OURS: Stats([90.0]), "torch": Stats([60.0]),
                                                    "numpy": Stats([100.0])},
                 higher_is_better=True, goal=Goal(0.9, op=">=", against="numpy"), note="1024x1024")
    return [ok, missing, again, matmul]


def test_table_shows_medians_ranges_ratios_goals_and_reasons():
    text = report.format_table(sample_rows(), ["CPU: test"])
    lines = text.splitlines()
    assert lines[0] == "CPU: test"
    ops = next(l for l in lines if l.startswith("ops"))
    assert "8.00 [7.50-9.00]" in ops and "10.0 [9.50-11.0]" in ops and "0.80" in ops and "yes" in ops
    mlp = next(l for l in lines if l.startswith("mlp"))
    assert "unavailable [1]" in mlp and "2.00" in mlp
    assert "unavailable [1]" in next(l for l in lines if l.startswith("cnn"))   # one footnote per reason
    assert text.count("No module named 'nn'") == 1
    mm = next(l for l in lines if l.startswith("matmul"))
    assert ">= 0.9 x numpy (0.90)" in mm and "yes" in mm and "numpy 100" in mm and "1.50" in mm


def test_rows_with_widely_spread_samples_are_flagged_noisy():
    calm, busy = sample_rows()[0], Row("lstm", "cpu", "ms/step", stats={OURS: Stats([5.0, 5.1]),
                                                                        "torch": Stats([4.0, 40.0, 5.0])})
    text = report.format_table([calm, busy])
    assert "NOISY max/min torch x10.0" in next(l for l in text.splitlines() if l.startswith("lstm"))
    assert "NOISY max" not in next(l for l in text.splitlines() if l.startswith("ops"))
    assert "NOISY:" in text and "NOISY" not in report.format_table([calm])


def test_markdown_json_and_plot_outputs(tmp_path):
    rows = sample_rows()
    md = report.format_markdown(rows, ["CPU: a|b"])
    assert "| ops | cpu | us/op | 8.00 [7.50-9.00] |" in md and "CPU: a\\|b" in md
    report.write_json(tmp_path / "r.json", rows, {"cpu": "x"}, {"quick": True})
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["machine"] == {"cpu": "x"} and data["config"] == {"quick": True}
    ops = data["rows"][0]
    assert ops["sides"][OURS]["median"] == 8.0 and ops["ratio"] == pytest.approx(0.8) and ops["met"] is True
    assert data["rows"][1]["errors"][OURS].startswith("unavailable")
    pytest.importorskip("matplotlib")
    report.write_plot(tmp_path / "r.png", rows)
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"


def test_fmt_keeps_three_significant_digits():
    assert [report.fmt(v) for v in (1234.5, 12.34, 1.234, 0.1234, 0.001234, None)] == \
        ["1234", "12.3", "1.23", "0.123", "1.23e-03", "-"]


# ----- command line, workloads, machine -------------------------------------------------------
def test_suite_names_and_devices_parse():
    args = parse_args(["--device", "cpu,numba", "--device", "cuda:1", "--suite", "mlp_autograd,ops", "--quick"])
    assert args.device == ["cpu", "numba", "cuda:1"]
    assert args.modules == ["ops", "mlp"] and args.cases == {"mlp_autograd", "ops"}
    assert resolve(["mlp"])[1] == {"mlp", "mlp_autograd"}
    assert parse_args([]).modules == list(WORKLOADS)
    with pytest.raises(ValueError, match="unknown workload.*mpl.*choose from"):
        resolve(["mpl"])
    assert _threads_in(["--quick", "--threads", "3"]) == "3" and _threads_in(["--threads=2"]) == "2"
    assert _threads_in(["--quick"]) is None


def test_large_workload_runs_on_cuda_only():
    from benchmarks.workloads import cases_for
    assert cases_for("large", "cpu", Config()) == []
    assert [c.workload for c in cases_for("large", "cuda:0", Config())] == ["large_mlp", "large_conv"]


def test_machine_description_names_cpu_cores_and_versions():
    info = machine.describe()
    assert info["logical_cores"] >= 1 and info["versions"]["numpy"]
    json.dumps(info)
    lines = machine.summary_lines(info)
    assert lines[0].startswith("CPU: ") and any(l.startswith("versions: ") for l in lines)


def test_torch_sides_of_the_small_workloads_run():
    pytest.importorskip("torch")
    from benchmarks.workloads import mlp, ops
    for side in (ops.build_torch("cpu", 1), mlp.build_torch("cpu", 1, batch=8)):
        side.step()
        side.sync()


def test_memory_child_reports_flat_torch_training(capsys):
    pytest.importorskip("torch")
    from benchmarks.workloads.memory import child_main
    child_main("torch", "cpu", 1, 12, 4)
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["method"] == "RSS" and 0 <= result["peak_mb"] < 200
    assert result["growth_mb"] == pytest.approx(result["at_end_mb"] - result["at_check_mb"])


def test_cli_quick_ops_measures_deepgrad_and_exits_0(tmp_path):
    out = tmp_path / "ops.json"
    env = {k: v for k, v in os.environ.items() if k != "DEEPGRAD_DEVICE"}
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--suite", "ops", "--device", "cpu",
                           "--json", str(out)], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    row = json.loads(out.read_text())["rows"][0]
    assert row["workload"] == "ops" and row["device"] == "cpu"
    assert row["sides"][OURS]["median"] > 0, row["errors"]
    assert "ops " in proc.stdout and "us/op" in proc.stdout


def test_convs_grid_rows_and_quick_subset():
    from benchmarks.workloads import cases_for, convs
    full = [c.workload for c in cases_for("convs", "cpu", Config())]
    assert full == list(WORKLOADS["convs"])
    quick = [c.workload for c in cases_for("convs", "cpu", Config(quick=True))]
    assert quick == [n for n in full if n in convs.QUICK_LAYERS + convs.QUICK_NORMS + convs.QUICK_NETS]
    assert convs.conv_flop(1, 1, 1, 3, 3, 1, 1, 1) == 3 * 2.0 * 9 * 9   # 3x3 output, 9 taps each
    assert convs.conv_flop(1, 1, 1, 5, 3, 1, 2, 1, 2) == 3 * 2.0 * 25 * 9   # dilation 2, padding 2: 5x5 output


def test_convs_layer_side_records_extra_memory():
    pytest.importorskip("torch")
    from benchmarks.workloads import convs
    side = convs._layer_ours("cpu", (2, 4, 4, 8, 3, 1, 1, 1))
    assert side.details["peak_extra_bytes"] > 0


def test_convs_batchnorm_sides_run_the_same_step():
    pytest.importorskip("torch")
    from benchmarks.workloads import convs
    ours, theirs = convs._norm_ours("cpu", 2, 3, 4), convs._norm_torch("cpu", 1, 2, 3, 4)
    ours.step()
    theirs.step()
    assert ours.details["peak_extra_bytes"] > 0


def test_layer_ops_rows_and_both_sides_run():
    pytest.importorskip("torch")
    from benchmarks.workloads import layer_ops
    rows = layer_ops.cases("cpu", Config())
    assert tuple(r.workload for r in rows) == WORKLOADS["layer_ops"]
    for row in rows:
        sides = [layer_ops.build_ours("cpu", row.workload), layer_ops.build_torch("cpu", 1, row.workload)]
        for side in sides:
            side.step()
