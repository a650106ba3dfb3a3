"""PyTorch programs run on deepgrad with only their imports changed, and print PyTorch's numbers."""
import pathlib
import re
import types
import warnings

import numpy as np
import pytest

from tests.oracle_records import oracle_printout

PROGRAMS = pathlib.Path(__file__).parent / "programs"

#: the only edits a user makes: PyTorch's imports -> deepgrad's
IMPORTS = [
    ("import torch.nn.functional as F", "import nn.functional as F"),
    ("import torch.nn as nn", "import nn"),
    ("import torch.optim as optim", "import nn.optim as optim"),
    ("from torch.utils.data import", "from nn.data import"),
    ("import torch\n", "import autograd as torch\n"),
]


def ported(source, extra=()):
    """`source` with PyTorch's import lines (IMPORTS, after the `extra` pairs) replaced by deepgrad's, and nothing
    else changed."""
    for theirs, ours in list(extra) + IMPORTS:
        source = source.replace(theirs, ours)
    return source


def _run(source, name):
    module = types.ModuleType(name)
    module.__file__ = str(PROGRAMS / f"{name}.py")
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module.main()


@pytest.mark.parametrize("program", ["torch_training"])
def test_program_runs_with_only_imports_changed_and_matches_pytorch(program, capsys):
    source = (PROGRAMS / f"{program}.py").read_text()
    changed = [line for line in ported(source).splitlines() if line not in source.splitlines()]
    assert changed and all("import" in line for line in changed)
    ours = _run(ported(source), program)
    out = capsys.readouterr().out
    assert "epoch 3: loss" in out and "accuracy" in out
    pytest.importorskip("torch")
    theirs = _run(source, program + "_torch")
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=2e-4)
    np.testing.assert_allclose(ours["first_sample"], theirs["first_sample"], rtol=1e-3, atol=1e-4)
    for key in ("accuracy", "spread", "entropy"):
        assert ours[key] == pytest.approx(theirs[key], rel=1e-3, abs=1e-4), key


#: what PyTorch prints that deepgrad prints without the `torch.` prefix (README: dtypes are NumPy's, shapes `Size`)
TORCH_PREFIX = re.compile(r"torch\.(?=Size|float|bfloat16|int|bool|uint8|complex|return_types)")
NUMBER = re.compile(r"-?\d+\.?\d*(?:e[-+]?\d+)?")


def assert_same_printout(ours, theirs, rtol=1e-4, atol=1e-5):
    """`ours` prints what `theirs` prints line for line: the same text, and numbers equal within tolerances."""
    # (under DEEPGRAD_DEVICE=numba tensors print as PyTorch's CPU tensors do, with no device)
    ours_lines, theirs_lines = ours.splitlines(), TORCH_PREFIX.sub("", theirs).splitlines()
    assert len(ours_lines) == len(theirs_lines), (ours, theirs)
    for mine, torchs in zip(ours_lines, theirs_lines):
        assert NUMBER.split(mine) == NUMBER.split(torchs), f"\ndeepgrad: {mine}\npytorch:  {torchs}"
        np.testing.assert_allclose([float(v) for v in NUMBER.findall(mine)],
                                   [float(v) for v in NUMBER.findall(torchs)], rtol=rtol, atol=atol, err_msg=mine)


def printed_by_both(program, capsys, extra=(), quiet=()):
    """(deepgrad's printout, PyTorch's) of tests/programs/<program>.py, ported with the `extra` import pairs
    (only import lines may change); PyTorch's run hides the warning categories in `quiet`. PyTorch's printout is
    the recorded one when it is current (tests/oracle_records.py)."""
    source = (PROGRAMS / f"{program}.py").read_text()
    changed = [line for line in ported(source, extra).splitlines() if line not in source.splitlines()]
    assert changed and all("import" in line for line in changed)
    _run(ported(source, extra), program)
    ours = capsys.readouterr().out

    def pytorch_printout():
        pytest.importorskip("torch")
        with warnings.catch_warnings():
            for category in quiet:
                warnings.simplefilter("ignore", category)
            _run(source, program + "_torch")
        return capsys.readouterr().out
    return ours, oracle_printout(program, source, "torch", pytorch_printout)


@pytest.mark.parametrize("program", ["torch_inplace_ops", "torch_metric_learning", "torch_beginner_cnn"])
def test_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    assert_same_printout(*printed_by_both(program, capsys))
