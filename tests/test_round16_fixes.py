"""Regressions for the differences from PyTorch that round 16 found in its programs
(tests/test_pytorch_programs_round16.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import require_torch


@pytest.mark.parametrize("call", [
    "F.layer_norm(x, (5,))", "F.layer_norm(x, (4, 5), lib.ones(4, 5), lib.zeros(4, 5))",
    "F.group_norm(x, 2)", "F.group_norm(x, 2, lib.ones(4), lib.zeros(4))",
    "F.batch_norm(x, None, None, training=True)", "F.batch_norm(x, lib.zeros(4), lib.ones(4), training=False)",
    "F.instance_norm(x)",
])
def test_normalisation_nodes_carry_pytorchs_names(call):
    """A printed output shows grad_fn=<NativeLayerNormBackward0> (and NativeBatchNorm / NativeGroupNorm), as
    PyTorch's CPU kernels name their nodes; deepgrad showed LayerNormBackward0 / BatchNormBackward0 / a view."""
    torch = require_torch()
    names = []
    for lib, functional in ((torch, torch.nn.functional), (ag, F)):
        x = lib.tensor((np.arange(40.0).reshape(2, 4, 5) / 7).astype(np.float32), requires_grad=True)
        names.append(eval(call, {"lib": lib, "F": functional, "x": x}).grad_fn.name())
    assert names[1] == names[0]
