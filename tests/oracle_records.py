"""Recorded oracle printouts of the program tests (tests/programs/*.py).

Each program test runs a program twice, under PyTorch or Keras (the oracle) and under deepgrad, and compares the
printouts. The oracle's side of a program only changes when the program's source or the oracle's version does,
so its printout is kept in tests/programs/oracle/<program>.txt under a header naming both. A test reads the
record when the header matches the program and the installed oracle, and otherwise runs the oracle itself.

    DEEPGRAD_RECORD_ORACLE=1   run the oracle for programs without a current record, and write the record
    DEEPGRAD_LIVE_ORACLE=1     ignore the records: run the oracle every time (and, with the variable above,
                               rewrite every record)

`python -m tests.oracle_records` lists the programs whose record is missing or stale.
"""
import hashlib
import os
import pathlib
from importlib import metadata

PROGRAMS = pathlib.Path(__file__).parent / "programs"
RECORDS = PROGRAMS / "oracle"


def _flag(name):
    return os.environ.get(name, "") not in ("", "0")


def oracle_version(library):
    """'torch 2.13.0+cpu' or 'keras 3.15.1': the installed oracle's distribution and version ('torch none' when
    it is not installed)."""
    try:
        return f"{library} {metadata.version(library)}"
    except metadata.PackageNotFoundError:
        return f"{library} none"


def header(source, library):
    """The first line of a record of `source`'s printout under `library`: the oracle's version and a hash of the
    program's source."""
    digest = hashlib.sha256(source.encode()).hexdigest()
    return f"# oracle {oracle_version(library)}; program sha256 {digest}"


def record_path(program):
    """Where the oracle's printout of tests/programs/<program>.py is recorded."""
    return RECORDS / f"{program}.txt"


def recorded(program, source, library):
    """The recorded printout of `program` (text), or None when there is none for this source and oracle version,
    or when DEEPGRAD_LIVE_ORACLE is set."""
    if _flag("DEEPGRAD_LIVE_ORACLE"):
        return None
    path = record_path(program)
    if not path.exists():
        return None
    first, _, rest = path.read_text().partition("\n")
    return rest if first == header(source, library) else None


def oracle_printout(program, source, library, run):
    """The oracle's printout of `program` (whose source is `source`): the record when it is current, else what
    `run()` returns (the printout, as text), written as the record when DEEPGRAD_RECORD_ORACLE is set."""
    text = recorded(program, source, library)
    if text is not None:
        return text
    text = run()
    if _flag("DEEPGRAD_RECORD_ORACLE"):
        RECORDS.mkdir(exist_ok=True)
        path = record_path(program)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(header(source, library) + "\n" + text)
        os.replace(temporary, path)
    return text


def stale_records():
    """(program, reason) for each program with a missing or stale record, and for each record without a
    program."""
    found = []
    for path in sorted(PROGRAMS.glob("[a-z]*.py")):
        program = path.stem
        library = "keras" if program.startswith("keras_") else "torch"
        if not record_path(program).exists():
            found.append((program, "no record"))
        elif recorded(program, path.read_text(), library) is None:
            found.append((program, "stale record (program or oracle version changed)"))
    for record in sorted(RECORDS.glob("*.txt")):
        if not (PROGRAMS / f"{record.stem}.py").exists():
            found.append((record.stem, "record without a program"))
    return found


if __name__ == "__main__":
    stale = stale_records()
    for program, reason in stale:
        print(f"{program}: {reason}")
    print(f"{len(stale)} found; a program test of a program without a current record runs the oracle itself "
          f"(record with DEEPGRAD_RECORD_ORACLE=1 python -m pytest <its test file>)")
