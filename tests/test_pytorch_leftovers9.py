"""Small PyTorch gaps found running the pytorch.org tutorials (leftovers 9): fft.fftn/ifftn of a 0-d tensor (the
value, as complex), the one-sided transforms' refusal of no axes, and torch.utils.benchmark's Timer, Measurement
and Compare (structure and statistics, never speed)."""
import numpy as np
import pytest

import autograd as ag
from autograd.errors import DimRangeError


def _torch():
    torch = pytest.importorskip("torch")
    pytest.importorskip("torch.utils.benchmark")   # (a submodule torch does not import itself)
    return torch


# ----- 1. fftn / ifftn of a 0-d tensor ----------------------------------------------------------------------------
_ZERO_D_CALLS = {
    "fftn": lambda lib, x: lib.fft.fftn(x),
    "ifftn": lambda lib, x: lib.fft.ifftn(x),
    "fftn_s_empty": lambda lib, x: lib.fft.fftn(x, s=()),
    "fftn_dim_empty": lambda lib, x: lib.fft.fftn(x, dim=()),
    "ifftn_ortho": lambda lib, x: lib.fft.ifftn(x, norm="ortho"),
    "fftn_forward": lambda lib, x: lib.fft.fftn(x, norm="forward"),
}


@pytest.mark.parametrize("value", [2.5, -1.25 + 0.75j])
@pytest.mark.parametrize("name", sorted(_ZERO_D_CALLS))
def test_fftn_of_a_0d_tensor_is_its_value_as_torchs(name, value):
    torch = _torch()
    ours_x = ag.tensor(np.array(value), requires_grad=True)
    theirs_x = torch.tensor(np.array(value), requires_grad=True)
    ours, theirs = _ZERO_D_CALLS[name](ag, ours_x), _ZERO_D_CALLS[name](torch, theirs_x)
    assert ours.shape == tuple(theirs.shape) == ()
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy())
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    (ours.real * 3 + ours.imag * 5).backward()
    (theirs.real * 3 + theirs.imag * 5).backward()
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy())


def test_fftn_of_a_0d_tensor_passes_gradcheck():
    x = ag.tensor(np.array(0.7 - 0.2j), requires_grad=True)
    assert ag.gradcheck(lambda t: ag.fft.fftn(t, norm="ortho"), (x,))
    y = ag.tensor(np.array(1.3), requires_grad=True)
    assert ag.gradcheck(lambda t: ag.fft.ifftn(t).real, (y,))


_NO_AXIS_CALLS = {
    "rfftn": lambda lib: lib.fft.rfftn(lib.tensor(2.0)),
    "irfftn": lambda lib: lib.fft.irfftn(lib.tensor(2.0 + 1j)),
    "hfftn": lambda lib: lib.fft.hfftn(lib.tensor(2.0 + 1j)),
    "ihfftn": lambda lib: lib.fft.ihfftn(lib.tensor(2.0)),
    "rfftn_dim_empty": lambda lib: lib.fft.rfftn(lib.ones(2, 3), dim=()),
    "irfftn_dim_empty": lambda lib: lib.fft.irfftn(lib.ones(2, 3), dim=()),
}


@pytest.mark.parametrize("name", sorted(_NO_AXIS_CALLS))
def test_one_sided_transforms_refuse_no_axis_as_torch(name):
    torch = _torch()
    with pytest.raises(RuntimeError) as theirs:
        _NO_AXIS_CALLS[name](torch)
    with pytest.raises(RuntimeError, match="must transform at least one axis") as ours:
        _NO_AXIS_CALLS[name](ag)
    assert isinstance(ours.value, type(theirs.value))


@pytest.mark.parametrize("op, suggested", [("ihfftn", "fft.fftn"), ("ihfft2", "fft.fft2"), ("ihfft", "fft.fft "),
                                           ("rfftn", "fft.fftn"), ("rfft", "fft.fft ")])
def test_real_transforms_refusing_complex_name_the_complex_one(op, suggested):
    with pytest.raises(TypeError, match=f"use {suggested}"):
        getattr(ag.fft, op)(ag.ones(2, 3, dtype=ag.complex64))


@pytest.mark.parametrize("call", [lambda lib, x: lib.fft.fft(x), lambda lib, x: lib.fft.fft2(x),
                                  lambda lib, x: lib.fft.fftn(x, dim=0)])
def test_transforms_over_a_dim_of_a_0d_tensor_are_index_errors(call):
    torch = _torch()
    with pytest.raises(IndexError):
        call(torch, torch.tensor(2.0))
    with pytest.raises(DimRangeError, match="0-d tensor"):
        call(ag, ag.tensor(2.0))


# ----- 2. torch.utils.benchmark: Timer, Measurement, Compare -----------------------------------------------------
class _Clock:
    """A deterministic clock for both libraries' Timers: time advances 1 us per statement run plus a small jitter
    per reading, so the same calls give the same 'times' (and any extra or missing run shows)."""

    def __init__(self):
        self.runs = self.setups = self.reads = 0

    def __call__(self):
        self.reads += 1
        return self.runs * 1e-6 + (self.reads * 7 % 11) * 1e-8

    def step(self, x):
        self.runs += 1
        return x


def _timer(lib, clock, **options):
    return lib.utils.benchmark.Timer(stmt="f(x)", setup="g()", timer=clock,
                                     globals={"f": clock.step, "g": lambda: setattr(clock, "setups", clock.setups + 1),
                                              "x": 3}, **options)


def _measurements(lib):
    """The tutorials' timing calls, made against a _Clock: timeit, blocked_autorange, adaptive_autorange."""
    clocks, out = [], []
    for options, call in [
            (dict(label="per-sample grads", sub_label="vmap", description="batch 64"), lambda t: t.timeit(100)),
            (dict(label="per-sample grads", sub_label="loop", description="batch 64", num_threads=2),
             lambda t: t.blocked_autorange(min_run_time=0.01)),
            (dict(description="ensemble"), lambda t: t.adaptive_autorange(min_run_time=0.01, max_run_time=0.05)),
            (dict(label="per-sample grads", sub_label="vmap", description="batch 128"), lambda t: t.timeit(50))]:
        clock = _Clock()
        out.append(call(_timer(lib, clock, **options)))
        clocks.append(clock)
    return clocks, out


def _shown(measurement):
    """A Measurement's repr less its first line (the object's address and module path)."""
    return repr(measurement).splitlines()[1:]


def test_timeit_runs_the_statement_number_times_after_a_warm_up():
    clock = _Clock()
    m = _timer(ag, clock).timeit(100)
    assert (clock.runs, clock.setups) == (102, 2)   # max(100 // 100, 2) warm-up runs, then 100; setup per timeit
    assert m.number_per_run == 100 and len(m.raw_times) == 1
    assert m.times == [m.raw_times[0] / 100] and m.median == m.mean == m.times[0] and m.iqr == 0
    clock = _Clock()
    _timer(ag, clock).timeit(1000)
    assert clock.runs == 1010


def test_timer_measurements_match_torchs():
    torch = _torch()
    ours_clocks, ours = _measurements(ag)
    theirs_clocks, theirs = _measurements(torch)
    for mine, its, my_clock, its_clock in zip(ours, theirs, ours_clocks, theirs_clocks):
        assert (my_clock.runs, my_clock.setups, my_clock.reads) == (its_clock.runs, its_clock.setups, its_clock.reads)
        assert mine.number_per_run == its.number_per_run and mine.raw_times == its.raw_times
        assert mine.times == its.times
        for field in ("mean", "median", "iqr", "significant_figures", "has_warnings", "title", "as_row_name",
                      "label", "sub_label", "description", "num_threads", "stmt", "setup", "env"):
            assert getattr(mine, field) == pytest.approx(getattr(its, field), rel=1e-12), field
        assert _shown(mine) == _shown(its)
        assert repr(mine).splitlines()[0].startswith("<autograd.utils.benchmark.")


def test_compare_prints_torchs_table(capsys):
    torch = _torch()
    ours, theirs = _measurements(ag)[1], _measurements(torch)[1]
    for setup in (lambda c: None, lambda c: c.trim_significant_figures(), lambda c: c.highlight_warnings(),
                  lambda c: c.colorize(), lambda c: c.colorize(rowwise=True)):
        tables = []
        for lib, results in ((ag, ours), (torch, theirs)):
            compare = lib.utils.benchmark.Compare(results)
            setup(compare)
            compare.print()
            tables.append(capsys.readouterr().out)
        assert tables[0] == tables[1]
        assert "Times are in" in tables[0]


def test_measurement_statistics_and_repr_from_given_times():
    torch = _torch()
    raw = [0.0031, 0.0029, 0.0042, 0.0030, 0.0035, 0.0028, 0.0100]
    multi = dict(stmt="y = model(x)\nloss = y.sum()", setup="import math\nx = 1", description="jacobian")
    for spec in (dict(stmt="f(x)", setup="pass", label="L"), dict(stmt="f(x)", setup="x = 1", sub_label="s"), multi):
        for times in (raw, raw[:3], raw[:1]):
            ours = ag.utils.benchmark.Measurement(10, list(times), ag.utils.benchmark.TaskSpec(**spec))
            theirs = torch.utils.benchmark.Measurement(10, list(times), torch.utils.benchmark.TaskSpec(**spec))
            assert _shown(ours) == _shown(theirs)
            assert (ours.mean, ours.median, ours.iqr, ours.significant_figures) == pytest.approx(
                (theirs.mean, theirs.median, theirs.iqr, theirs.significant_figures), rel=1e-12)
    assert ag.utils.benchmark.select_unit(3e-5) == ("us", 1e-6)


def test_units_and_trimmed_figures_match_torchs_at_powers_of_ten():
    _torch()
    from torch.utils.benchmark.utils import common
    bench = ag.utils.benchmark
    values = [10.0 ** k for k in range(-10, 4)] + [1000.00001, 999.99999, 0.0010000001, 3.3e-5, 0.0123, 2.5]
    values += [float(v) for v in 10 ** np.random.default_rng(0).uniform(-10, 2, 200)]
    for v in values:
        assert bench.select_unit(v) == common.select_unit(v), v
        for n in (1, 2, 3, 4):
            assert bench.trim_sigfig(v, n) == common.trim_sigfig(v, n), (v, n)


def test_compare_highlights_spread_as_torch(capsys):
    torch = _torch()
    raws = {"a": [0.0031, 0.0029, 0.0042, 0.0030, 0.0035, 0.0028, 0.0100], "b": [0.0101, 0.0102, 0.0100, 0.0103]}
    tables = []
    for lib in (ag, torch):
        bench = lib.utils.benchmark
        results = [bench.Measurement(10, raw, bench.TaskSpec(stmt="f(x)", setup="pass", label="spread", sub_label=name,
                                                            description=d))
                   for name, raw in raws.items() for d in ("cpu", "numba")]
        compare = bench.Compare(results)
        compare.highlight_warnings()
        compare.trim_significant_figures()
        compare.print()
        tables.append(capsys.readouterr().out)
    assert tables[0] == tables[1] and "(! " in tables[0]


def test_benchmark_refusals():
    torch = _torch()
    for lib in (ag, torch):
        with pytest.raises(ValueError):
            lib.utils.benchmark.Timer(stmt=lambda: None)
        with pytest.raises(ValueError):
            lib.utils.benchmark.Compare([1.0])
        with pytest.raises(ValueError):
            lib.utils.benchmark.Timer(global_setup="int x = 1;")
