"""torch.profiler as ag.profiler (and torch.autograd.profiler as ag.autograd.profiler): events, nesting, tables,
schedules and Chrome traces, checked against PyTorch's profiler where its behaviour is the contract."""
import json
import os
import re
import time
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import profile_state
from autograd.function import Function
from autograd.profiler import (ProfilerAction, ProfilerActivity, profile, record_function, schedule,
                               tensorboard_trace_handler)


def _program(x, steps=3):
    """A known program: per step one mul, one add, one exp and one sum forward, and their backward."""
    for _ in range(steps):
        y = (x * 2.0 + 1.0).exp().sum()
        y.backward()


def _counts(events):
    return {avg.key: avg.count for avg in events.key_averages()}


def test_counts_per_op_forward_and_backward():
    x = ag.tensor(np.arange(6.0).reshape(2, 3) / 10, requires_grad=True)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        _program(x, steps=3)
    counts = _counts(prof.events())
    for name in ("mul", "add", "exp", "sum", "MulBackward0", "AddBackward0", "ExpBackward0", "SumBackward0",
                 "autograd::engine::evaluate_function: ExpBackward0", "torch::autograd::AccumulateGrad"):
        assert counts[name] == 3, (name, counts)
    assert sum(counts.values()) == 3 * 14
    # the inner node range sits inside its evaluate_function range, as in PyTorch
    for e in prof.events():
        if e.name == "ExpBackward0":
            assert e.cpu_parent.name == "autograd::engine::evaluate_function: ExpBackward0"


def test_nesting_self_and_total_times():
    x = ag.randn(64, 64, requires_grad=True)
    start = time.perf_counter_ns()
    with profile() as prof:
        with record_function("outer"):
            with record_function("inner"):
                y = (x @ x).tanh().mean()
            y.backward()
    wall_us = (time.perf_counter_ns() - start) / 1e3
    events = prof.events()
    for e in events:
        assert e.self_cpu_time_total <= e.cpu_time_total + 1e-9
        assert e.self_cpu_time_total >= -1e-6
        for c in e.cpu_children:
            assert c.cpu_parent is e
            assert e.start_ns <= c.start_ns and c.end_ns <= e.end_ns
    top = [e for e in events if e.cpu_parent is None]
    assert [e.name for e in top] == ["outer"]
    self_sum = sum(e.self_cpu_time_total for e in events)
    assert self_sum == pytest.approx(top[0].cpu_time_total, rel=1e-9)
    assert self_sum <= wall_us
    inner = next(e for e in events if e.name == "inner")
    assert [c.name for c in inner.cpu_children] == ["matmul", "tanh", "mean"]
    avg = prof.key_averages()
    assert avg.self_cpu_time_total == pytest.approx(self_sum)


def test_record_function_context_and_decorator():
    @record_function("decorated")
    def f(t):
        return t * 3.0

    x = ag.ones(4)
    with record_function("ignored when not profiling"):   # no profiler: does nothing, raises nothing
        f(x)
    with ag.autograd.profiler.profile() as prof:
        with ag.autograd.profiler.record_function("block"):
            f(x)
        f(x)
    names = [e.name for e in prof.function_events]
    assert names == ["block", "decorated", "mul", "decorated", "mul"]
    block = prof.function_events[0]
    assert block.is_user_annotation and [c.name for c in block.cpu_children] == ["decorated"]
    assert "ignored" not in " ".join(names)


def test_record_shapes_and_memory_and_table():
    x = ag.ones((10, 10), dtype=ag.float64)
    with profile(record_shapes=True, profile_memory=True) as prof:
        y = x * 2.0
        z = y.sum()
        v = y[:5]          # a view allocates nothing
    assert v.shape == (5, 10) and z.item() == 200.0
    by_name = {e.name: e for e in prof.events()}
    assert by_name["mul"].input_shapes == [[10, 10], []]
    assert by_name["mul"].self_cpu_memory_usage == 800
    assert by_name["sum"].self_cpu_memory_usage == 8
    grouped = prof.key_averages(group_by_input_shape=True)
    table = grouped.table(sort_by="cpu_time_total", row_limit=2)
    lines = table.splitlines()
    assert re.split(r"\s{2,}", lines[1].strip()) == [
        "Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "CPU Mem", "Self CPU Mem",
        "# of Calls", "Input Shapes"]
    assert lines[0] == lines[2] == lines[-2] and set(lines[0]) == {"-", " "}
    assert len(lines) == 3 + 2 + 2      # rules and header, row_limit rows, rule and total
    assert lines[-1].startswith("Self CPU time total: ")
    plain = prof.key_averages().table()
    assert "Input Shapes" not in plain and "mul" in plain


def test_table_header_matches_pytorch():
    torch = pytest.importorskip("torch")
    from torch.profiler import profile as tprofile

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tprofile(record_shapes=True) as tprof:
            torch.ones(3) * 2
    ours_x = ag.ones(3)
    with profile(record_shapes=True) as prof:
        ours_x * 2
    for group in (False, True):
        theirs = tprof.key_averages(group_by_input_shape=group).table(row_limit=5).splitlines()
        ours = prof.key_averages(group_by_input_shape=group).table(row_limit=5).splitlines()
        assert re.split(r"\s{2,}", theirs[1].strip()) == re.split(r"\s{2,}", ours[1].strip())
        # the fixed columns have PyTorch's width (the name and shapes columns fit their contents)
        fixed = slice(1, -1 if group else None)
        assert [len(c) for c in theirs[0].split()][fixed] == [len(c) for c in ours[0].split()][fixed]


def test_chrome_trace_is_json_with_the_events(tmp_path):
    x = ag.randn(3, 3, requires_grad=True)
    with profile(record_shapes=True) as prof:
        with record_function("step"):
            (x * x).sum().backward()
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    assert os.listdir(tmp_path) == ["trace.json"]      # written through a temporary file, nothing left over
    doc = json.loads(path.read_text())
    spans = [e for e in doc["traceEvents"] if e["ph"] == "X"]
    assert {"step", "mul", "sum", "MulBackward0", "SumBackward0"} <= {e["name"] for e in spans}
    for e in spans:
        assert e["dur"] >= 0 and isinstance(e["ts"], float) and e["pid"] == os.getpid()
    mul = next(e for e in spans if e["name"] == "mul")
    assert mul["args"]["Input Dims"] == [[3, 3], [3, 3]] and mul["cat"] == "cpu_op"
    assert next(e for e in spans if e["name"] == "step")["cat"] == "user_annotation"


@pytest.mark.parametrize("kw", [dict(wait=1, warmup=1, active=2, repeat=2), dict(wait=0, warmup=0, active=1),
                                dict(wait=2, warmup=1, active=3, repeat=1, skip_first=1),
                                dict(wait=1, warmup=1, active=2, skip_first=3, skip_first_wait=1),
                                dict(wait=1, warmup=1, active=20)])
def test_schedule_matches_pytorch(kw):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs_fn = torch.profiler.schedule(**kw)
        ours_fn = schedule(**kw)
    assert [ours_fn(s).name for s in range(30)] == [theirs_fn(s).name for s in range(30)]

    def run(lib, prof_cls, sched):
        log = []

        def ready(p):
            muls = sum(1 for e in p.events() if e.name in ("aten::mul", "mul"))
            steps = sorted({getattr(e, "trace_name", None) or e.name for e in p.events()
                            if e.name.startswith("ProfilerStep")})
            log.append((p.step_num, muls, len(steps)))
        x = lib.ones(3)
        with prof_cls(schedule=sched, on_trace_ready=ready) as p:
            for _ in range(10):
                x * 2
                p.step()
        return log
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = run(torch, torch.profiler.profile, theirs_fn)
    ours = run(ag, profile, ours_fn)
    assert [(s, m) for s, m, _ in ours] == [(s, m) for s, m, _ in theirs]


def test_schedule_actions_and_bad_arguments():
    s = schedule(wait=1, warmup=1, active=2, repeat=1)
    assert [s(i) for i in range(5)] == [ProfilerAction.NONE, ProfilerAction.WARMUP, ProfilerAction.RECORD,
                                        ProfilerAction.RECORD_AND_SAVE, ProfilerAction.NONE]
    with pytest.raises(AssertionError, match="active"):
        schedule(wait=0, warmup=1, active=0)
    with pytest.warns(UserWarning, match="warmup"):
        schedule(wait=0, warmup=0, active=1)


def test_step_ranges_named_as_pytorch(tmp_path):
    with profile(schedule=schedule(wait=0, warmup=1, active=2, repeat=1)) as prof:
        for _ in range(4):
            ag.ones(2) + 1
            prof.step()
    events = prof.events()
    assert {e.name for e in events if e.name.startswith("Profiler")} == {"ProfilerStep*"}
    assert sorted(e.trace_name for e in events if e.name == "ProfilerStep*") == ["ProfilerStep#1", "ProfilerStep#2"]
    prof.export_chrome_trace(str(tmp_path / "t.json"))
    names = {e["name"] for e in json.loads((tmp_path / "t.json").read_text())["traceEvents"]}
    assert {"ProfilerStep#1", "ProfilerStep#2"} <= names


def test_tensorboard_trace_handler_writes_traces(tmp_path):
    with profile(schedule=schedule(wait=0, warmup=1, active=1, repeat=2),
                 on_trace_ready=tensorboard_trace_handler(str(tmp_path / "tb"), worker_name="w0")) as prof:
        for _ in range(5):
            ag.ones(2) * 3
            prof.step()
    files = sorted(os.listdir(tmp_path / "tb"))
    assert len(files) == 2 and all(f.startswith("w0.") and f.endswith(".pt.trace.json") for f in files)
    for f in files:
        json.loads((tmp_path / "tb" / f).read_text())


def test_optimizer_steps_and_user_functions_are_named_as_pytorch():
    class Double(ag.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            return t * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    model = nn.Linear(3, 2)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    adam = nn.optim.Adam(model.parameters())
    with profile() as prof:
        Double.apply(model(ag.ones(4, 3))).sum().backward()
        opt.step()
        adam.step()
        opt.zero_grad()
    names = [e.name for e in prof.events()]
    for name in ("Double", "Optimizer.step#SGD.step", "Optimizer.step#Adam.step",
                 "Optimizer.zero_grad#SGD.zero_grad", "DoubleBackward"):
        assert name in names, (name, names)
    assert names.count("Optimizer.step#SGD.step") == 1


def test_nothing_left_behind_after_exit():
    apply_before = Function.__dict__["apply"]
    x = ag.ones(3, requires_grad=True)
    with pytest.raises(ZeroDivisionError):
        with profile():
            with record_function("r"):
                (x * 2).sum().backward()
                1 / 0
    assert profile_state.active is False and profile_state.recorder is None
    assert profile_state._reentry.inside is False
    assert Function.__dict__["apply"] is apply_before
    with profile() as prof:
        x * 2
    assert [e.name for e in prof.events()] == ["mul"]
    assert profile_state.active is False and profile_state.recorder is None
    with pytest.raises(RuntimeError, match="already recording"):
        with profile():
            with profile():
                pass
    assert profile_state.active is False


def test_legacy_profiler_api():
    import autograd.autograd.profiler as legacy
    x = ag.ones(5, requires_grad=True)
    with legacy.profile(use_cuda=False, record_shapes=True) as prof:
        (x * x).sum().backward()
    assert isinstance(prof.function_events, legacy.EventList)
    assert "mul" in prof.table() and "Self CPU time total" in str(prof)
    assert prof.total_average().count == len(prof.function_events)
    assert prof.self_cpu_time_total == pytest.approx(sum(e.self_cpu_time_total for e in prof.function_events))
    assert {a.key for a in prof.key_averages()} >= {"mul", "sum", "MulBackward0"}
    with legacy.profile(enabled=False) as off:
        x * 2
    with pytest.raises(RuntimeError, match="didn't finish"):
        off.table()
