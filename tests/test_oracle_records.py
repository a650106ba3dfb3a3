"""The program tests' oracle records (tests/oracle_records.py): read only when current, written only when asked."""
import pytest

from tests import oracle_records


@pytest.fixture
def records(tmp_path, monkeypatch):
    monkeypatch.setattr(oracle_records, "RECORDS", tmp_path / "oracle")
    monkeypatch.delenv("DEEPGRAD_RECORD_ORACLE", raising=False)
    monkeypatch.delenv("DEEPGRAD_LIVE_ORACLE", raising=False)
    return tmp_path / "oracle"


def _counting(text):
    calls = []

    def run():
        calls.append(1)
        return text
    return run, calls


def test_without_a_record_the_oracle_runs_and_nothing_is_written(records):
    run, calls = _counting("1.0\n")
    assert oracle_records.oracle_printout("torch_p", "print(1.0)", "torch", run) == "1.0\n"
    assert calls == [1] and not records.exists()


def test_a_written_record_is_read_back_without_running_the_oracle(records, monkeypatch):
    monkeypatch.setenv("DEEPGRAD_RECORD_ORACLE", "1")
    run, calls = _counting("a 1.5\nb 2\n")
    oracle_records.oracle_printout("torch_p", "source", "torch", run)
    monkeypatch.delenv("DEEPGRAD_RECORD_ORACLE")
    assert oracle_records.oracle_printout("torch_p", "source", "torch", run) == "a 1.5\nb 2\n"
    assert calls == [1]
    first = (records / "torch_p.txt").read_text().splitlines()[0]
    assert first.startswith("# oracle torch ") and "program sha256 " in first


def test_a_changed_program_or_oracle_version_makes_the_record_stale(records, monkeypatch):
    monkeypatch.setenv("DEEPGRAD_RECORD_ORACLE", "1")
    oracle_records.oracle_printout("torch_p", "source", "torch", lambda: "old\n")
    monkeypatch.delenv("DEEPGRAD_RECORD_ORACLE")
    assert oracle_records.oracle_printout("torch_p", "source, edited", "torch", lambda: "new\n") == "new\n"
    monkeypatch.setattr(oracle_records, "oracle_version", lambda library: f"{library} 99.0")
    assert oracle_records.oracle_printout("torch_p", "source", "torch", lambda: "new\n") == "new\n"


def test_live_oracle_ignores_a_current_record(records, monkeypatch):
    monkeypatch.setenv("DEEPGRAD_RECORD_ORACLE", "1")
    oracle_records.oracle_printout("keras_p", "source", "keras", lambda: "recorded\n")
    monkeypatch.delenv("DEEPGRAD_RECORD_ORACLE")
    monkeypatch.setenv("DEEPGRAD_LIVE_ORACLE", "1")
    assert oracle_records.oracle_printout("keras_p", "source", "keras", lambda: "live\n") == "live\n"


def test_every_committed_record_has_its_program():
    orphans = [p for p, reason in oracle_records.stale_records() if reason == "record without a program"]
    assert orphans == [], f"records whose program is gone (delete them): {orphans}"
