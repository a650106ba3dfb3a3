"""Regression tests for the deepgrad bugs that running the pytorch.org tutorials (beginner_source/basics,
intermediate_source's torch.func tutorials, ...) with only their imports changed exposed; each checks against
PyTorch as the oracle and skips cleanly without it."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_torch_nn_is_reachable_after_a_bare_import_torch():
    # was: `import torch` alone, then torch.nn.functional.binary_cross_entropy_with_logits(z, y) (the Autograd
    # tutorial's first lines) raised AttributeError: module 'autograd' has no attribute 'nn' (nn had to be imported
    # first); a fresh interpreter, as no test may have imported nn yet
    torch = pytest.importorskip("torch")
    program = ("import json\nimport autograd as torch\n"
               "z = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)\n"
               "loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.zeros(3))\n"
               "loss.backward()\n"
               "print(json.dumps([loss.item(), z.grad.tolist(), torch.optim.SGD.__name__, callable(torch.save)]))\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    value, grad, optimiser, has_save = json.loads(done.stdout)
    z = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.zeros(3))
    loss.backward()
    assert value == pytest.approx(loss.item(), rel=1e-6)
    np.testing.assert_allclose(grad, z.grad.tolist(), rtol=1e-6)
    assert (optimiser, has_save) == ("SGD", True)


def test_unknown_attribute_of_autograd_is_still_an_attribute_error():
    import autograd as ag
    with pytest.raises(AttributeError, match="no attribute 'not_a_torch_name'"):
        ag.not_a_torch_name
