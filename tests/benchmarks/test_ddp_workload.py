"""The ddp benchmark's launcher: one real 2-process launch with and without gradient exchange, and the
one retry a failed launch gets."""
import subprocess
from types import SimpleNamespace

import pytest

from benchmarks.workloads import ddp


def _mpi_ready():
    pytest.importorskip("mpi4py")
    try:
        ddp.mpiexec()
    except RuntimeError as exc:
        pytest.skip(str(exc))


@pytest.mark.parametrize("exchange", [True, False])
def test_two_process_launch_reports_throughput(exchange):
    _mpi_ready()
    result = ddp.launch(2, "cpu", 2, "lenet", exchange=exchange)
    assert result["processes"] == 2
    assert result["samples_per_s"] > 0
    if not exchange:
        assert result["wait_share"] == 0.0   # nothing to wait for without DDP


def _fake_runs(monkeypatch, outcomes):
    calls = []

    def run(command, **kwargs):
        calls.append(command)
        code, out, err = outcomes[len(calls) - 1]
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)
    monkeypatch.setattr(ddp, "mpiexec", lambda: "mpiexec")
    monkeypatch.setattr(subprocess, "run", run)
    return calls


def test_a_failed_launch_is_made_once_more(monkeypatch):
    calls = _fake_runs(monkeypatch, [(15, "", "terminate called"), (0, '{"samples_per_s": 5.0}\n', "")])
    assert ddp.launch(2, "cpu", 2)["samples_per_s"] == 5.0
    assert len(calls) == 2


def test_two_failures_raise_with_both_messages(monkeypatch):
    _fake_runs(monkeypatch, [(15, "", "first death"), (1, "", "second death")])
    with pytest.raises(RuntimeError, match="first death.*second death"):
        ddp.launch(2, "cpu", 2)
