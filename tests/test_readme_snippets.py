"""Every ```python block of the README runs on its own, as a newcomer pastes it: a fresh interpreter, an empty
working directory, nothing from the other blocks, and no network."""
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _snippets():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as readme:
        text = readme.read()
    found = []
    for match in re.finditer(r"```python\n(.*?)```", text, re.S):
        line = text.count("\n", 0, match.start()) + 1
        found.append(pytest.param(match.group(1), id=f"line{line}"))
    return found


SNIPPETS = _snippets()


def test_the_readme_has_python_snippets():
    assert len(SNIPPETS) >= 10


@pytest.mark.parametrize("code", SNIPPETS)
def test_readme_snippet_runs_on_its_own(code, tmp_path):
    environment = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
                       KERAS_BACKEND="torch", MPLBACKEND="Agg", DEEPGRAD_DATA=str(tmp_path / "data"))
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=environment, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, f"the snippet failed:\n{code}\n--- stderr ---\n{result.stderr[-3000:]}"
