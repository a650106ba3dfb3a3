"""Mistakes no test run may reach, found by reading the source: a name used but never defined (a missing
import in a rarely taken branch, as keras ScheduleFreeAdamW's explicit build had) and a dict literal with a
repeated key (the earlier entry silently lost, as two of the module sweep's cases were). pyflakes reports both;
its other findings (unused imports and variables) are style and are not checked here."""
import os

import pytest

pyflakes_api = pytest.importorskip("pyflakes.api")
from pyflakes import messages, reporter  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ("autograd", "backends", "nn", "benchmarks", "tests")
CHECKED = (messages.UndefinedName, messages.UndefinedLocal, messages.UndefinedExport,
           messages.MultiValueRepeatedKeyLiteral, messages.MultiValueRepeatedKeyVariable)


class _Collect(reporter.Reporter):
    def __init__(self):
        super().__init__(None, None)
        self.found = []

    def flake(self, message):
        if isinstance(message, CHECKED):
            self.found.append(str(message))

    def syntaxError(self, filename, msg, lineno, offset, text):
        self.found.append(f"{filename}:{lineno}: syntax error: {msg}")

    def unexpectedError(self, filename, msg):
        self.found.append(f"{filename}: {msg}")


def _sources():
    for package in PACKAGES:
        for folder, dirs, files in os.walk(os.path.join(ROOT, package)):
            dirs[:] = [d for d in dirs if d not in ("__pycache__", "programs")]   # programs run whole anyway
            yield from (os.path.join(folder, f) for f in sorted(files) if f.endswith(".py"))


def test_no_undefined_names_or_repeated_keys():
    collect = _Collect()
    for path in _sources():
        with open(path, encoding="utf-8") as f:
            pyflakes_api.check(f.read(), os.path.relpath(path, ROOT), collect)
    assert collect.found == []
