"""The `loaded` workload: a background process keeps a core busy while both sides are measured, and stops after."""
from benchmarks.case import OURS, Case, Config, Side
from benchmarks.runner import measure
from benchmarks.workloads import loaded, resolve


def test_busy_core_runs_only_while_the_case_is_measured():
    busy = loaded.BusyCore()
    seen = []

    def build():
        return Side(step=lambda: seen.append(busy._process is not None and busy._process.poll() is None))
    case = Case("x", "cpu", "ms", {OURS: loaded._under_load(busy, build), "torch": loaded._under_load(busy, build)})
    row = measure(case, Config(rounds=2, target_s=0.001, warmup=1))
    assert set(row.stats) == {OURS, "torch"}
    assert seen and all(seen)                 # every timed call ran beside the spinning process
    assert busy._process is None              # stopped once measured


def test_busy_core_stops_when_a_side_cannot_be_built():
    busy = loaded.BusyCore()

    def broken():
        raise ImportError("no torch here")
    row = measure(Case("x", "cpu", "ms", {"torch": loaded._under_load(busy, broken)}), Config(rounds=1))
    assert "unavailable" in row.errors["torch"] and busy._process is None


def test_loaded_rows_are_selectable():
    modules, cases = resolve(["loaded"])
    assert modules == ["loaded"] and cases == {"mlp_loaded", "cnn_loaded", "lstm_loaded", "conv_loaded",
                                               "resnet_loaded", "generate_loaded"}
    names = [c.workload for c in loaded.cases("cpu", Config(quick=True))]
    assert names == ["mlp_loaded", "cnn_loaded", "lstm_loaded", "conv_loaded", "resnet_loaded", "generate_loaded"]
