"""Keras programs (tests/programs/keras_*.py) run with real Keras 3 and, with only their import changed, on
deepgrad: both must print the same lines, numbers equal to within float32 training noise."""
import pathlib
import re
import types

import pytest

from nn import keras as ours

from tests.oracle_records import oracle_printout

from .oracle import real_keras

PROGRAMS = pathlib.Path(__file__).parent.parent / "programs"
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")

#: the only edits a user makes: Keras's imports -> deepgrad's
IMPORTS = [("import keras\n", "from nn import keras\n"), ("from keras import", "from nn.keras import")]


def ported(source):
    """`source` with Keras's import lines replaced by deepgrad's, and nothing else changed."""
    for theirs, mine in IMPORTS:
        source = source.replace(theirs, mine)
    return source


def _printed(source, name, capsys):
    module = types.ModuleType(name)
    module.__file__ = str(PROGRAMS / f"{name}.py")
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    module.main()
    return capsys.readouterr().out.splitlines()


def _assert_same_lines(mine, theirs, rtol=2e-4, atol=2e-5):
    assert len(mine) == len(theirs), f"{len(mine)} lines printed, Keras printed {len(theirs)}"
    for k, (a, b) in enumerate(zip(mine, theirs)):
        assert "".join(NUMBER.sub("#", a).split()) == "".join(NUMBER.sub("#", b).split()), \
            f"line {k}:\n  ours:  {a}\n  Keras: {b}"
        for u, v in zip(NUMBER.findall(a), NUMBER.findall(b)):
            assert float(u) == pytest.approx(float(v), rel=rtol, abs=atol), f"line {k}:\n  ours:  {a}\n  Keras: {b}"


def printed_by_both(program, capsys, tmp_path, monkeypatch):
    """(Keras's lines, ours) printed by tests/programs/<program>.py, run by each in an empty folder from fresh
    layer names; the port must change import lines only. Keras's lines are the recorded ones when they are
    current (tests/oracle_records.py)."""
    source = (PROGRAMS / f"{program}.py").read_text()
    changed = [line for line in ported(source).splitlines() if line not in source.splitlines()]
    assert changed and all("import" in line for line in changed)
    monkeypatch.setenv("COLUMNS", "120")   # one terminal width for both summaries

    def printed_in(K, text, folder):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        K.backend.clear_session()          # layer names count from zero, as in a fresh process
        return _printed(text, f"{program}_{folder}", capsys)
    theirs = oracle_printout(program, source, "keras",
                             lambda: "\n".join(printed_in(real_keras(), source, "keras")) + "\n")
    return theirs.splitlines(), printed_in(ours, ported(source), "ours")


@pytest.mark.parametrize("program", ["keras_callbacks", "keras_ticket_router"])
def test_keras_program_prints_what_keras_prints(program, capsys, tmp_path, monkeypatch):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) > 10
    _assert_same_lines(mine, theirs)
