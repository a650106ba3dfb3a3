"""A PyTorch mixed-precision training loop (autocast + GradScaler) run on deepgrad with only its imports changed:
the same skipped steps and scales as PyTorch, and losses that agree to float16 precision, step by step."""
import pathlib

import numpy as np
import pytest

# the skipped steps carry inf and NaN through NumPy on purpose
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

from tests.test_pytorch_programs import _run, ported

PROGRAM = pathlib.Path(__file__).parent / "programs" / "torch_amp_training.py"


def test_amp_training_loop_runs_with_only_imports_changed_and_tracks_pytorch(capsys):
    source = PROGRAM.read_text()
    changed = [line for line in ported(source).splitlines() if line not in source.splitlines()]
    assert changed and all("import" in line for line in changed)
    ours = _run(ported(source), "torch_amp_training")
    assert "AMP: first loss" in capsys.readouterr().out
    pytest.importorskip("torch")
    theirs = _run(source, "torch_amp_training_torch")
    assert ours["scales"] == theirs["scales"]   # the same steps skipped (the overflows) and the same backoffs
    assert ours["scales"][0] == 2.0 ** 20 and ours["scales"][-1] == 2.0 ** 17
    ours_l, theirs_l = np.array(ours["losses"]), np.array(theirs["losses"])
    # float16 activations: the two libraries round differently inside conv, matmul and their gradients (measured:
    # at most 0.9% apart over the 24 steps, 0.06% on average)
    np.testing.assert_allclose(ours_l, theirs_l, rtol=2e-2, atol=2e-3)
    assert ours_l[-1] < ours_l[:4].mean() and theirs_l[-1] < theirs_l[:4].mean()
