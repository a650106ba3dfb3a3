"""Regressions for what research model files (facebookresearch's DETR and MAE, lucidrains' perceiver-pytorch,
openai's improved-diffusion) found when run with only their imports, data and step counts changed. Each test runs
the idiom under PyTorch and under deepgrad and compares them; the PyTorch side skips cleanly when torch is absent."""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _warnings_of(script, lib_import):
    """The warnings a fresh process gives running `script` with `lib` bound to a tensor library."""
    run = subprocess.run([sys.executable, "-W", "always", "-c", lib_import + "\n" + script], capture_output=True,
                         text=True, timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    return [line for line in run.stderr.splitlines() if "Warning" in line]


# ----- 1. meshgrid without indexing warns once, as PyTorch --------------------------------------------------------------
_MESHGRID = """
a = lib.arange(3.0)
lib.meshgrid(a, a, indexing="ij")
lib.cartesian_prod(a, a)
print("no warning yet")
ys, xs = lib.meshgrid(a, lib.arange(2.0))
lib.meshgrid(a, a)
assert tuple(ys.shape) == (3, 2)
"""


def test_meshgrid_without_indexing_warns_once_as_pytorch():
    """DETR's `masks_to_boxes` calls `torch.meshgrid(y, x)`: PyTorch warns once per process that the indexing
    argument will be required (a UserWarning); deepgrad said nothing. An explicit indexing, or cartesian_prod,
    gives no warning."""
    require_torch()
    mine = _warnings_of(_MESHGRID, "import autograd as lib")
    theirs = _warnings_of(_MESHGRID, "import torch as lib")
    assert len(mine) == len(theirs) == 1
    assert "UserWarning: torch.meshgrid: in an upcoming release, it will be required to pass the indexing " \
           "argument." in mine[0]
    assert mine[0].split("UserWarning: ")[1] in theirs[0]
    assert mine[0].startswith("<string>:7:")    # points at the user's call (line 7: ys, xs = lib.meshgrid(...))
